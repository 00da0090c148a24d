/* zs_metrics: the shared counters of GET /metrics. See zs_metrics.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_shm.h"

#define MX_MAGIC	 0x5a534d58u	/* "ZSMX" */
#define MX_VERSION	 3	/* 3: the PostgreSQL counters */

const double zs_metrics_buckets[ZS_METRICS_BUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
};
const long zs_metrics_batch_buckets[ZS_METRICS_BATCH_BUCKETS] = {
	1, 2, 4, 8, 16, 32, 64, 128, 256,
};

static struct {
	char			 path[1100];	/* "" until zs_metrics_setup */
	long			 max_tenants;
	int			 fd;		/* -1 when closed */
	struct zs_metrics_file	*map;		/* NULL when closed */
	int			 failed;	/* do not try again */
	pthread_mutex_t		 lock;		/* flock does not exclude
						   threads */
} mx = { "", 0, -1, NULL, 0, PTHREAD_MUTEX_INITIALIZER };

void
zs_metrics_setup(const char *db_path, long max_tenants)
{
	snprintf(mx.path, sizeof(mx.path), "%s-metrics", db_path);
	mx.max_tenants = max_tenants;
}

/* FNV-1a of s. */
static uint32_t
name_hash(const char *s)
{
	uint32_t	 h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The map, opened on first use; NULL when it cannot be (logged once). */
static struct zs_metrics_file *
file(void)
{
	struct zs_metrics_file	*m;

	if ((m = __atomic_load_n(&mx.map, __ATOMIC_ACQUIRE)) != NULL)
		return m;
	if (mx.path[0] == '\0')
		return NULL;
	pthread_mutex_lock(&mx.lock);
	if (mx.map == NULL && !mx.failed) {
		m = zs_shm_open(mx.path, sizeof(*m), &mx.fd);
		if (m == NULL) {
			zs_log("metrics: cannot map %s: %s; nothing is counted",
			    mx.path, strerror(errno));
			mx.failed = 1;
		} else {
			if (m->magic != MX_MAGIC || m->version != MX_VERSION) {
				memset(m, 0, sizeof(*m));
				m->version = MX_VERSION;
				m->magic = MX_MAGIC;
			}
			zs_shm_unlock(mx.fd);
			__atomic_store_n(&mx.map, m, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&mx.lock);
	return mx.map;
}

/*
 * Finds the entry named name in tab (size entries), probing from its
 * hash; returns the free entry where it would go in *slot when absent.
 */
static struct zs_metrics_entry *
probe(struct zs_metrics_entry *tab, uint32_t size, const char *name,
    struct zs_metrics_entry **slot)
{
	uint32_t		 i, h = name_hash(name);
	struct zs_metrics_entry	*e;

	*slot = NULL;
	for (i = 0; i < size; i++) {
		e = &tab[(h + i) % size];
		if (!__atomic_load_n(&e->used, __ATOMIC_ACQUIRE)) {
			*slot = e;
			return NULL;
		}
		if (strncmp(e->name, name, sizeof(e->name)) == 0)
			return e;
	}
	return NULL;
}

/*
 * The entry of name in tab, taken if need be under the locks. When
 * *taken (if not NULL) has reached limit, name counts as other instead.
 * NULL when the table is full or cannot be locked.
 */
static struct zs_metrics_entry *
entry(struct zs_metrics_file *m, struct zs_metrics_entry *tab, uint32_t size,
    const char *name, uint32_t *taken, long limit, const char *other)
{
	struct zs_metrics_entry	*e, *slot;

	if ((e = probe(tab, size, name, &slot)) != NULL)
		return e;
	pthread_mutex_lock(&mx.lock);
	if (zs_shm_lock(mx.fd) == 0) {
		if ((e = probe(tab, size, name, &slot)) == NULL &&
		    taken != NULL && *taken >= (uint32_t)limit &&
		    strcmp(name, other) != 0)
			e = probe(tab, size, other, &slot);
		if (e == NULL && slot != NULL) {
			snprintf(slot->name, sizeof(slot->name), "%s",
			    taken != NULL && *taken >= (uint32_t)limit ?
			    other : name);
			if (taken != NULL && *taken < (uint32_t)limit)
				(*taken)++;
			__atomic_store_n(&slot->used, 1, __ATOMIC_RELEASE);
			e = slot;
		}
		zs_shm_unlock(mx.fd);
	}
	(void)m;
	pthread_mutex_unlock(&mx.lock);
	return e;
}

/* Adds n to *v, across processes. */
static void
add(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

void
zs_metrics_request(const char *route, int status, int64_t dur_us)
{
	struct zs_metrics_file	*m;
	struct zs_metrics_entry	*e;
	int			 c, i;

	if ((m = file()) == NULL || (e = entry(m, m->route,
	    ZS_METRICS_ROUTES, route != NULL ? route : "unmatched", NULL, 0,
	    "")) == NULL)
		return;
	c = status / 100 - 2;
	if (c < 0 || c > 3)
		c = 3;		/* no reply at all counts as a 5xx */
	if (dur_us < 0)
		dur_us = 0;
	add(&e->v[ZS_MR_2XX + c], 1);
	for (i = 0; i < ZS_METRICS_BUCKETS; i++)
		if ((double)dur_us <= zs_metrics_buckets[i] * 1e6)
			add(&e->v[ZS_MR_BUCKET + i], 1);
	add(&e->v[ZS_MR_COUNT], 1);
	add(&e->v[ZS_MR_SUM_US], (uint64_t)dur_us);
}

void
zs_metrics_tenant(const char *tenant, enum zs_metrics_tenant_value what,
    long n)
{
	struct zs_metrics_file	*m;
	struct zs_metrics_entry	*e;

	if (n <= 0 || tenant == NULL || (m = file()) == NULL)
		return;
	if ((e = entry(m, m->tenant, ZS_METRICS_TENANTS, tenant, &m->ntenants,
	    mx.max_tenants, ZS_METRICS_OTHER)) != NULL)
		add(&e->v[what], (uint64_t)n);
}

void
zs_metrics_hook(const char *source, int accepted, const char *reason)
{
	struct zs_metrics_file	*m;
	struct zs_metrics_entry	*src, *e;
	char			 name[2 * ZS_METRICS_NAME_MAX];

	if ((m = file()) == NULL)
		return;
	/* The source's own entry (value 0 unused) bounds the sources. */
	if ((src = entry(m, m->hook, ZS_METRICS_HOOKS, source, &m->nsources,
	    mx.max_tenants, ZS_METRICS_OTHER)) == NULL)
		return;
	if (snprintf(name, sizeof(name), "%s\t%s\t%s", src->name,
	    accepted ? "accepted" : "rejected", reason) >=
	    ZS_METRICS_NAME_MAX)
		return;		/* too long to be an entry's name */
	if ((e = entry(m, m->hook, ZS_METRICS_HOOKS, name, NULL, 0, "")) !=
	    NULL)
		add(&e->v[0], 1);
}

void
zs_metrics_limited(enum zs_metrics_limit kind)
{
	struct zs_metrics_file	*m;

	if ((m = file()) != NULL)
		add(&m->limited[kind], 1);
}

void
zs_metrics_store(enum zs_metrics_store what)
{
	struct zs_metrics_file	*m;

	if ((m = file()) != NULL)
		add(&m->store[what], 1);
}

void
zs_metrics_batch(size_t n)
{
	struct zs_metrics_file	*m;
	int			 i;

	if ((m = file()) == NULL)
		return;
	for (i = 0; i < ZS_METRICS_BATCH_BUCKETS; i++)
		if ((long)n <= zs_metrics_batch_buckets[i])
			add(&m->batch[i], 1);
	add(&m->batch_count, 1);
	add(&m->batch_sum, n);
}

int
zs_metrics_read(struct zs_metrics_file **out)
{
	struct zs_metrics_file	*m;

	*out = NULL;
	if ((m = file()) == NULL)
		return -1;
	if ((*out = malloc(sizeof(**out))) == NULL) {
		zs_log("metrics: out of memory");
		return -1;
	}
	/* Each count is read whole; a scrape needs no more than that. */
	memcpy(*out, m, sizeof(**out));
	return 0;
}
