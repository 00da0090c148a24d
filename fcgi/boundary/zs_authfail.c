/* zs_authfail: failed-key throttling per address. See zs_authfail.h. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "boundary/zs_authfail.h"
#include "util/zs_log.h"
#include "util/zs_shm.h"

#define AF_MAGIC 0x5a534146u	/* "ZSAF" */

/* One address's bucket. */
struct af_slot {
	uint64_t	 addr;		/* hash of the address; 0 = free */
	double		 tokens;	/* tokens at last_ms */
	int64_t		 last_ms;	/* when tokens was computed */
};

struct af_file {
	uint32_t	 magic;		/* AF_MAGIC once initialised */
	uint32_t	 nslots;	/* ZS_AUTHFAIL_SLOTS */
	long		 capacity;	/* AUTH_FAILURES_PER_MINUTE it was for */
	struct af_slot	 slot[ZS_AUTHFAIL_SLOTS];
};

static struct {
	int		 fd;	/* -1 when closed */
	struct af_file	*map;	/* NULL when closed */
	int		 warned; /* the file's failure was logged */
	pthread_mutex_t	 lock;	/* flock does not exclude threads */
} af = { -1, NULL, 0, PTHREAD_MUTEX_INITIALIZER };

/* A hash of the address, never 0 (0 marks a free entry). */
static uint64_t
addr_hash(const char *addr)
{
	uint64_t	 h = zs_shm_hash(addr);

	return h == 0 ? 1 : h;
}

long
zs_authfail_bucket(double *tokens, int64_t *last_ms, long capacity,
    int64_t now_ms, int take)
{
	double	 per_ms = (double)capacity / 60000.0, t = *tokens;

	if (*last_ms == 0 || t > capacity || t < 0)
		t = (double)capacity;		/* new or damaged: full */
	else if (now_ms > *last_ms)
		t = fmin((double)capacity, t + (double)(now_ms - *last_ms) *
		    per_ms);
	if (take && t >= 1.0)
		t -= 1.0;
	*tokens = t;
	if (now_ms > *last_ms)
		*last_ms = now_ms;
	if (t >= 1.0)
		return 0;
	return (long)fmax(1.0, ceil((1.0 - t) / per_ms / 1000.0));
}

/* Maps the file (af.lock held). 0, or -1 after logging once. */
static int
af_open(const struct zs_config *cfg)
{
	char	 path[ZS_CONFIG_PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s-authfail", cfg->db_path);
	if ((af.map = zs_shm_open(path, sizeof(struct af_file), &af.fd)) ==
	    NULL) {
		if (!af.warned++)
			zs_log("authfail: cannot map %s: %s; failed keys are "
			    "not throttled", path, strerror(errno));
		return -1;
	}
	if (af.map->magic != AF_MAGIC || af.map->nslots != ZS_AUTHFAIL_SLOTS ||
	    af.map->capacity != cfg->auth_fail_per_minute) {
		memset(af.map->slot, 0, sizeof(af.map->slot));
		af.map->nslots = ZS_AUTHFAIL_SLOTS;
		af.map->capacity = cfg->auth_fail_per_minute;
		af.map->magic = AF_MAGIC;
	}
	zs_shm_unlock(af.fd);
	af.warned = 0;
	return 0;
}

/*
 * Runs the bucket of addr (taking a token when take) under the locks.
 * Returns its seconds until a token, 0 when it has one or cannot be used.
 */
static long
af_bucket(const struct zs_config *cfg, const char *addr, int64_t now_ms,
    int take)
{
	struct af_slot	*s;
	uint64_t	 h;
	long		 retry = 0;

	if (cfg->auth_fail_per_minute == 0 || addr == NULL)
		return 0;
	h = addr_hash(addr);
	pthread_mutex_lock(&af.lock);
	if ((af.map != NULL || af_open(cfg) == 0) &&
	    zs_shm_lock(af.fd) == 0) {
		s = &af.map->slot[h % ZS_AUTHFAIL_SLOTS];
		if (s->addr != h) {
			s->addr = h;
			s->last_ms = 0;
		}
		retry = zs_authfail_bucket(&s->tokens, &s->last_ms,
		    cfg->auth_fail_per_minute, now_ms, take);
		zs_shm_unlock(af.fd);
	}
	pthread_mutex_unlock(&af.lock);
	return retry;
}

int
zs_authfail_check(const struct zs_config *cfg, const char *addr,
    int64_t now_ms, long *retry_s)
{
	*retry_s = af_bucket(cfg, addr, now_ms, 0);
	return *retry_s == 0 ? 0 : -1;
}

void
zs_authfail_record(const struct zs_config *cfg, const char *addr,
    int64_t now_ms)
{
	(void)af_bucket(cfg, addr, now_ms, 1);
}
