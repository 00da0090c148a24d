/*
 * zs_authfail: throttles guessing of API keys. Each client address has a
 * bucket of AUTH_FAILURES_PER_MINUTE tokens that only a wrong key takes;
 * while it is empty every request from that address that needs a key is
 * refused with 429, a right key included (else the answer would tell a
 * guesser when it guessed right). Kept in a file beside the database,
 * shared by every process of the host (util/zs_shm), one entry per
 * address hash: two addresses whose hashes share an entry reset each
 * other's count, which only forgives.
 */
#ifndef ZS_AUTHFAIL_H
#define ZS_AUTHFAIL_H

#include <stdint.h>

#include "parse/zs_config.h"

#define ZS_AUTHFAIL_SLOTS	 4096	/* addresses tracked at once */

/*
 * 0 when addr may present a key at now_ms; -1 when it may not, with the
 * seconds until it may in *retry_s. A file that cannot be used allows
 * (logged): throttling must not take the API down.
 */
int	 zs_authfail_check(const struct zs_config *, const char *addr,
	    int64_t now_ms, long *retry_s);
/* Records that addr presented a wrong key at now_ms. */
void	 zs_authfail_record(const struct zs_config *, const char *addr,
	    int64_t now_ms);
/*
 * The arithmetic, for tests: refills *tokens (capacity per minute) from
 * *last_ms to now_ms; with take, takes one. Returns the seconds until a
 * token, 0 when there is one.
 */
long	 zs_authfail_bucket(double *tokens, int64_t *last_ms, long capacity,
	    int64_t now_ms, int take);

#endif
