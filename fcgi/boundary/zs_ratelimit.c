/* zs_ratelimit: shared token buckets. See zs_ratelimit.h. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "boundary/zs_ratelimit.h"
#include "store/zs_store.h"
#include "util/zs_log.h"
#include "util/zs_shm.h"

#define RL_MAGIC 0x5a53524cu	/* "ZSRL" */

/* One bucket; tokens refill at capacity per minute. */
struct rl_slot {
	double	 tokens;	/* tokens in the bucket at last_ms */
	int64_t	 last_ms;	/* when tokens was computed; 0 = never */
};

/* One slot per possible API key, then one per webhook source. */
#define RL_SLOTS (ZS_CONFIG_MAX_KEYS + ZS_SOURCES_MAX)

/* The file: a header, then the slots. */
struct rl_file {
	uint32_t	 magic;		/* RL_MAGIC once initialised */
	uint32_t	 nslots;	/* RL_SLOTS */
	uint64_t	 keys_hash;	/* FNV-1a of the key list */
	long		 capacity;	/* RATE_LIMIT_PER_MINUTE it was made for */
	struct rl_slot	 slot[RL_SLOTS];
};

static struct {
	int			 fd;	/* -1 when closed */
	struct rl_file		*map;	/* NULL when closed */
	const struct zs_config	*cfg;
	pthread_mutex_t		 lock;	/* flock does not exclude threads */
} rl = { -1, NULL, NULL, PTHREAD_MUTEX_INITIALIZER };

/*
 * A hash of the key and source lists, so a changed API_KEYS or
 * WEBHOOK_SOURCES resets the buckets.
 */
static uint64_t
keys_hash(const struct zs_config *cfg)
{
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i, j;

	for (i = 0; i < cfg->nkeys; i++) {
		for (j = 0; j < cfg->keys[i].keylen; j++) {
			h ^= (unsigned char)cfg->keys[i].key[j];
			h *= 1099511628211ULL;
		}
		h ^= ',';
		h *= 1099511628211ULL;
	}
	for (i = 0; i < cfg->nsources; i++) {
		for (j = 0; cfg->sources[i].name[j] != '\0'; j++) {
			h ^= (unsigned char)cfg->sources[i].name[j];
			h *= 1099511628211ULL;
		}
		h ^= ';';
		h *= 1099511628211ULL;
	}
	return h;
}

int
zs_ratelimit_open(const struct zs_config *cfg)
{
	char	 path[ZS_CONFIG_PATH_MAX + 16];
	uint64_t h = keys_hash(cfg);
	size_t	 i;

	rl.cfg = cfg;
	if (zs_store_keeps_buckets(cfg))
		return 0;	/* the buckets are in the database */
	if (rl.map != NULL || (cfg->rate_per_minute == 0 &&
	    cfg->hook_rate_per_minute == 0))
		return 0;
	snprintf(path, sizeof(path), "%s-ratelimit", cfg->db_path);
	if ((rl.map = zs_shm_open(path, sizeof(struct rl_file), &rl.fd)) ==
	    NULL) {
		zs_log("ratelimit: cannot map %s: %s", path, strerror(errno));
		return -1;
	}
	if (rl.map->magic != RL_MAGIC || rl.map->keys_hash != h ||
	    rl.map->capacity != cfg->rate_per_minute ||
	    rl.map->nslots != RL_SLOTS) {
		for (i = 0; i < RL_SLOTS; i++)
			rl.map->slot[i].last_ms = 0;
		rl.map->nslots = RL_SLOTS;
		rl.map->keys_hash = h;
		rl.map->capacity = cfg->rate_per_minute;
		rl.map->magic = RL_MAGIC;
	}
	zs_shm_unlock(rl.fd);
	return 0;
}

void
zs_ratelimit_close(void)
{
	void	*map = rl.map;

	zs_shm_close(&map, sizeof(struct rl_file), &rl.fd);
	rl.map = NULL;
}

void
zs_ratelimit_bucket(double *tokens, int64_t *last_ms, long capacity,
    int64_t now_ms, struct zs_rate *out)
{
	double	 per_ms = (double)capacity / 60000.0;
	double	 t = *tokens;

	if (*last_ms == 0 || t > capacity || t < 0)
		t = (double)capacity;		/* new or damaged: full */
	else if (now_ms > *last_ms)
		t = fmin((double)capacity, t + (double)(now_ms - *last_ms) *
		    per_ms);
	out->allowed = t >= 1.0;
	if (out->allowed)
		t -= 1.0;
	zs_ratelimit_report(t, out->allowed, capacity, out);
	*tokens = t;
	if (now_ms > *last_ms)
		*last_ms = now_ms;
}

void
zs_ratelimit_report(double t, int allowed, long capacity,
    struct zs_rate *out)
{
	double	 per_ms = (double)capacity / 60000.0;

	out->limit = capacity;
	out->allowed = allowed;
	out->retry_after_s = out->allowed ? 0 :
	    (long)ceil((1.0 - t) / per_ms / 1000.0);
	if (!out->allowed && out->retry_after_s < 1)
		out->retry_after_s = 1;
	out->remaining = (long)floor(t);
	out->reset_s = (long)ceil(((double)capacity - t) / per_ms / 1000.0);
}

/* The name of slot's bucket in the store; "" when there is none. */
static void
bucket_name(int slot, char *buf, size_t size)
{
	const struct zs_api_key	*k;
	unsigned char		 d[32];
	unsigned int		 dlen;
	size_t			 i;
	int			 s;

	*buf = '\0';
	if (slot >= 0 && slot < ZS_CONFIG_MAX_KEYS &&
	    (size_t)slot < rl.cfg->nkeys) {
		/* the same key gets the same bucket on every node, and the
		 * database never sees the key */
		k = &rl.cfg->keys[slot];
		if (k->hashed)
			memcpy(d, k->digest, sizeof(d));
		else if (EVP_Digest(k->key, k->keylen, d, &dlen, EVP_sha256(),
		    NULL) != 1)
			return;
		snprintf(buf, size, "api:");
		for (i = 0; i < 16; i++)
			snprintf(buf + 4 + 2 * i, size - 4 - 2 * i, "%02x",
			    d[i]);
		return;
	}
	s = slot - ZS_CONFIG_MAX_KEYS;
	if (s >= 0 && (size_t)s < rl.cfg->nsources)
		snprintf(buf, size, "hook:%s:%s", rl.cfg->sources[s].tenant,
		    rl.cfg->sources[s].name);
}

/*
 * With a store that keeps the buckets: takes the token from the bucket in
 * the database, so every node shares it. A database that cannot be
 * reached does not take the API down: the request is allowed (logged
 * once per outage).
 */
static void
take_shared(int slot, long cap, int64_t now_ms, struct zs_rate *out)
{
	static int	 warned;
	char		 name[ZS_CONFIG_TENANT_MAX + ZS_SOURCE_NAME_MAX + 8];
	double		 t;
	int		 allowed;

	bucket_name(slot, name, sizeof(name));
	if (*name == '\0' ||
	    zs_store_rate_take(rl.cfg, name, cap, now_ms, &t, &allowed) !=
	    ZS_STORE_OK) {
		if (!warned++)
			zs_log("ratelimit: the database's buckets cannot be "
			    "used; not limiting");
		out->remaining = cap;
		return;
	}
	warned = 0;
	zs_ratelimit_report(t, allowed, cap, out);
}

/* Takes one token from slot at now_ms from a bucket of capacity cap. */
static void
take(int slot, long cap, int64_t now_ms, struct zs_rate *out)
{
	static int	 warned;

	memset(out, 0, sizeof(*out));
	out->allowed = 1;
	out->limit = cap;
	if (cap == 0)
		return;
	pthread_mutex_lock(&rl.lock);
	if (rl.cfg != NULL && zs_store_keeps_buckets(rl.cfg)) {
		take_shared(slot, cap, now_ms, out);
		pthread_mutex_unlock(&rl.lock);
		return;
	}
	if (rl.map == NULL && rl.cfg != NULL)
		zs_ratelimit_open(rl.cfg);
	if (rl.map == NULL || slot < 0 || slot >= RL_SLOTS ||
	    zs_shm_lock(rl.fd) == -1) {
		if (!warned++)
			zs_log("ratelimit: shared file unusable; not "
			    "limiting");
		out->remaining = cap;
		pthread_mutex_unlock(&rl.lock);
		return;
	}
	zs_ratelimit_bucket(&rl.map->slot[slot].tokens,
	    &rl.map->slot[slot].last_ms, cap, now_ms, out);
	zs_shm_unlock(rl.fd);
	pthread_mutex_unlock(&rl.lock);
}

void
zs_ratelimit_take(int k, int64_t now_ms, struct zs_rate *out)
{
	take(k >= 0 && k < ZS_CONFIG_MAX_KEYS ? k : -1,
	    rl.cfg ? rl.cfg->rate_per_minute : 0, now_ms, out);
}

void
zs_ratelimit_take_source(int s, int64_t now_ms, struct zs_rate *out)
{
	take(s >= 0 && s < ZS_SOURCES_MAX ? ZS_CONFIG_MAX_KEYS + s : -1,
	    rl.cfg ? rl.cfg->hook_rate_per_minute : 0, now_ms, out);
}
