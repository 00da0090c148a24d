/*
 * zs_metrics: the counters of GET /metrics, shared by every process of
 * the host (lighttpd runs several per responder, CGI one per request) in
 * a file beside the database, DATABASE_PATH + "-metrics" (util/zs_shm).
 * The file holds fixed tables of named entries (routes, tenants, webhook
 * deliveries) in open addressing; an entry's name is written once under
 * the file's flock and published by its used flag, and every count is an
 * atomic add on the mapping, so the hot path takes no lock. Tenants and
 * webhook sources past METRICS_MAX_TENANTS are counted under "_other".
 * A file that cannot be used counts nothing (logged once): metrics must
 * not take the API down.
 */
#ifndef ZS_METRICS_H
#define ZS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define ZS_METRICS_NAME_MAX	 112	/* bytes in an entry's name */
#define ZS_METRICS_VALUES	 20	/* counts in an entry */
#define ZS_METRICS_ROUTES	 64	/* route entries */
#define ZS_METRICS_TENANTS	 2048	/* tenant entries (> the setting's
					   largest value, for probing) */
#define ZS_METRICS_HOOKS	 2048	/* webhook (source, result, reason)
					   entries */
#define ZS_METRICS_BUCKETS	 12	/* request duration buckets */
#define ZS_METRICS_BATCH_BUCKETS 9	/* group-commit batch size buckets */
#define ZS_METRICS_OTHER	 "_other"

/* A route entry's values: requests by status class, then the histogram. */
enum zs_metrics_route_value {
	ZS_MR_2XX = 0,		/* and 3xx, 4xx, 5xx after it */
	ZS_MR_BUCKET = 4,	/* ZS_METRICS_BUCKETS cumulative buckets */
	ZS_MR_COUNT = ZS_MR_BUCKET + ZS_METRICS_BUCKETS,
	ZS_MR_SUM_US,		/* total duration, microseconds */
};

/* A tenant entry's values. */
enum zs_metrics_tenant_value {
	ZS_MT_INGESTED = 0,	/* events stored (not idempotent replays) */
	ZS_MT_ACKED,		/* first acknowledgements */
	ZS_MT_DEAD,		/* events dead-lettered */
};

/* Refusals of a rate limit, by what was limited. */
enum zs_metrics_limit {
	ZS_ML_KEY = 0,		/* an API key's bucket */
	ZS_ML_SOURCE,		/* a webhook source's bucket */
	ZS_ML_ADDRESS,		/* an address sending wrong keys */
	ZS_ML__MAX
};

/* Counts of the store's own troubles. */
enum zs_metrics_store {
	ZS_MS_SQLITE_BUSY_WAITS = 0,	/* a wait of the busy handler */
	ZS_MS_SQLITE_BUSY_TIMEOUTS,	/* a statement that gave up */
	ZS_MS_PG_CONNECTION_ERRORS,	/* a PostgreSQL connect that failed,
					   or a connection found broken */
	ZS_MS_PG_RECONNECTS,		/* a connection opened after one */
	ZS_MS_PG_NOTIFY_WAKEUPS,	/* a hub woken by NOTIFY */
	ZS_MS__MAX
};

/* One named entry. */
struct zs_metrics_entry {
	uint32_t	 used;		/* 1 once name is set */
	uint32_t	 pad;
	char		 name[ZS_METRICS_NAME_MAX];
	uint64_t	 v[ZS_METRICS_VALUES];
};

/* The file. */
struct zs_metrics_file {
	uint32_t		 magic;
	uint32_t		 version;
	uint32_t		 ntenants;	/* tenant entries taken */
	uint32_t		 nsources;	/* webhook sources seen */
	uint64_t		 limited[ZS_ML__MAX];
	uint64_t		 batch[ZS_METRICS_BATCH_BUCKETS]; /* cumulative */
	uint64_t		 batch_count;
	uint64_t		 batch_sum;
	uint64_t		 store[ZS_MS__MAX];
	struct zs_metrics_entry	 route[ZS_METRICS_ROUTES];
	struct zs_metrics_entry	 tenant[ZS_METRICS_TENANTS];
	struct zs_metrics_entry	 hook[ZS_METRICS_HOOKS];
};

/* The upper bounds of the buckets: seconds, and events in a batch. */
extern const double	 zs_metrics_buckets[ZS_METRICS_BUCKETS];
extern const long	 zs_metrics_batch_buckets[ZS_METRICS_BATCH_BUCKETS];

/*
 * Names the file (db_path + "-metrics") and the tenant bound; until it is
 * called every count is dropped (zs-admin). Maps the file on first use.
 */
void	 zs_metrics_setup(const char *db_path, long max_tenants);
/* Counts a request of route (NULL: none matched) answered status. */
void	 zs_metrics_request(const char *route, int status, int64_t dur_us);
/* Adds n to a tenant's value. */
void	 zs_metrics_tenant(const char *tenant,
	    enum zs_metrics_tenant_value what, long n);
/* Counts a webhook delivery of source, accepted or not, and why. */
void	 zs_metrics_hook(const char *source, int accepted,
	    const char *reason);
/* Counts a refusal of a rate limit. */
void	 zs_metrics_limited(enum zs_metrics_limit kind);
/* Counts one of the store's troubles. */
void	 zs_metrics_store(enum zs_metrics_store what);
/* Counts a group commit of n events. */
void	 zs_metrics_batch(size_t n);
/*
 * Copies the counters into *out (malloc'd, the caller frees). 0, or -1
 * when the file cannot be used (logged).
 */
int	 zs_metrics_read(struct zs_metrics_file **out);

#endif
