/*
 * zs_ratelimit: a token bucket per API key and per webhook source, shared by every responder
 * process through a small memory-mapped file beside the database
 * (DATABASE_PATH + "-ratelimit"), updated under flock(2). The kernel drops
 * the lock when a holder dies, so a killed process cannot wedge the rest.
 * When the store keeps buckets itself (zs_store_keeps_buckets: a database
 * server that several nodes share) they are taken there instead.
 */
#ifndef ZS_RATELIMIT_H
#define ZS_RATELIMIT_H

#include <stdint.h>

#include "parse/zs_config.h"

/* One decision, with what the RateLimit headers report. */
struct zs_rate {
	int	 allowed;	/* 1: go ahead; 0: answer 429 */
	long	 limit;		/* bucket capacity (q=) */
	long	 remaining;	/* whole tokens left (r=) */
	long	 reset_s;	/* seconds until the bucket is full (t=) */
	long	 retry_after_s;	/* when refused: seconds until a token, >= 1 */
};

/* Maps the shared file. Returns 0, or -1 (logged). */
int	 zs_ratelimit_open(const struct zs_config *);
void	 zs_ratelimit_close(void);
/*
 * Takes one token for key index k at now_ms. When the file cannot be used
 * the request is allowed (logged): limiting must not take the API down.
 */
void	 zs_ratelimit_take(int k, int64_t now_ms, struct zs_rate *out);
/* The same for webhook source s, at WEBHOOK_RATE_LIMIT_PER_MINUTE. */
void	 zs_ratelimit_take_source(int s, int64_t now_ms, struct zs_rate *out);
/* The RateLimit figures of a bucket left with t tokens after a request
 * that was (or was not) allowed. */
void	 zs_ratelimit_report(double t, int allowed, long capacity,
	    struct zs_rate *out);
/* The pure bucket arithmetic, for tests: updates *tokens and *last_ms. */
void	 zs_ratelimit_bucket(double *tokens, int64_t *last_ms, long capacity,
	    int64_t now_ms, struct zs_rate *out);

#endif
