/*
 * zs_config: the settings every program reads from its environment, parsed
 * once at start-up into checked values. SPEC "Configuration" lists them.
 */
#ifndef ZS_CONFIG_H
#define ZS_CONFIG_H

#include <stddef.h>

#include "webhooks/zs_source.h"

#define ZS_CONFIG_MAX_KEYS	 256	/* API_KEYS entries */
#define ZS_CONFIG_KEY_MAX	 128	/* bytes in one API key */
#define ZS_CONFIG_TENANT_MAX	 64	/* bytes in one tenant name */
#define ZS_CONFIG_MAX_ORIGINS	 32	/* CORS_ALLOWED_ORIGINS entries */
#define ZS_CONFIG_ORIGIN_MAX	 256	/* bytes in one origin */
#define ZS_CONFIG_PATH_MAX	 1024	/* bytes in DATABASE_PATH */
#define ZS_CONFIG_URL_MAX	 1024	/* bytes in a PostgreSQL DATABASE_URL */
#define ZS_CONFIG_DEV_KEY	 "dev_key_123"	/* DEV_MODE's key, public */
#define ZS_CONFIG_SOURCES_FILE_MAX (64 * 1024) /* WEBHOOK_SOURCES_FILE bytes */
#define ZS_CONFIG_TOKEN_MAX	 256	/* bytes in METRICS_TOKEN */
#define ZS_CONFIG_METRICS_TENANTS_MAX 1000 /* METRICS_MAX_TENANTS at most */

enum zs_durability {
	ZS_DURABILITY_FULL = 0,	/* fsync on every commit */
	ZS_DURABILITY_NORMAL,	/* WAL without fsync per commit */
	ZS_DURABILITY__MAX
};

enum zs_backend {
	ZS_BACKEND_SQLITE = 0,	/* one SQLite file (DATABASE_PATH) */
	ZS_BACKEND_POSTGRES,	/* a PostgreSQL server (DATABASE_URL) */
	ZS_BACKEND__MAX
};

struct zs_api_key {
	char		 key[ZS_CONFIG_KEY_MAX + 1];	/* the secret, or "" */
	size_t		 keylen;			/* its length */
	int		 hashed;	/* given as sha256:<hex>: use digest */
	unsigned char	 digest[32];	/* SHA-256 of the key, when hashed */
	char		 tenant[ZS_CONFIG_TENANT_MAX + 1]; /* whose inbox */
};

struct zs_config {
	int			 port;		/* PORT */
	struct zs_api_key	 keys[ZS_CONFIG_MAX_KEYS]; /* API_KEYS */
	size_t			 nkeys;		/* entries used in keys; 0 =
						   refuse every request that
						   needs a key */
	int			 dev_mode;	/* DEV_MODE=1 (make dev): no
						   API_KEYS means the
						   development key */
	enum zs_backend		 backend;	/* STORAGE_BACKEND */
	char			 db_path[ZS_CONFIG_PATH_MAX + 1];
						/* DATABASE_PATH or _URL */
	char			 db_url[ZS_CONFIG_URL_MAX + 1];
						/* postgres: DATABASE_URL (a
						   URL or libpq key=value
						   string); "" = PG* vars */
	char			 access_log[ZS_CONFIG_PATH_MAX + 1];
					/* ACCESS_LOG: "" stderr, "off", or
					   a file */
	long			 rate_per_minute; /* 0 turns limiting off */
	long			 auth_fail_per_minute;
					/* AUTH_FAILURES_PER_MINUTE: wrong
					   keys per client address; 0 off */
	long			 max_payload;	/* MAX_PAYLOAD_BYTES */
	long			 idem_ttl_hours; /* IDEMPOTENCY_TTL_HOURS */
	long			 retention_days; /* RETENTION_DAYS */
	long			 busy_timeout_ms; /* DB_BUSY_TIMEOUT_MS */
	enum zs_durability	 durability;	/* DURABILITY */
	int			 search_index;	/* SEARCH_INDEX: 1 on (q=),
						   0 off */
	long			 stream_ping_s;	/* STREAM_PING_SECONDS */
	long			 stream_poll_ms; /* STREAM_POLL_MS */
	long			 stream_max;	/* STREAM_MAX_CLIENTS, per process */
	long			 stream_max_tenant; /* STREAM_MAX_PER_TENANT:
						   a tenant's open streams,
						   per host */
	long			 stream_max_key; /* STREAM_MAX_PER_KEY */
	long			 wait_max_tenant; /* WAIT_MAX_PER_TENANT: a
						   tenant's waiting long
						   polls, per host */
	long			 wait_max_key;	/* WAIT_MAX_PER_KEY */
	long			 stream_ring_bytes; /* STREAM_RING_BYTES: frames
						   the hub keeps, per process */
	long			 stream_cgi_s;	/* STREAM_CGI_SECONDS: a stream's
						   length under plain CGI */
	long			 max_deliveries; /* MAX_DELIVERIES: leases
						   before dead-lettering */
	char			 origins[ZS_CONFIG_MAX_ORIGINS]
				    [ZS_CONFIG_ORIGIN_MAX + 1];
						/* CORS_ALLOWED_ORIGINS */
	size_t			 norigins;	/* entries used in origins */
	struct zs_source	 sources[ZS_SOURCES_MAX];
					/* WEBHOOK_SOURCES or _FILE */
	size_t			 nsources;	/* entries used in sources */
	long			 hook_tolerance_s; /* WEBHOOK_TOLERANCE_SECONDS */
	long			 hook_rate_per_minute;
					/* WEBHOOK_RATE_LIMIT_PER_MINUTE */
	char			 metrics_token[ZS_CONFIG_TOKEN_MAX + 1];
					/* METRICS_TOKEN: the bearer token
					   of GET /metrics; "" = loopback
					   clients only */
	long			 metrics_max_tenants;
					/* METRICS_MAX_TENANTS: tenants (and
					   webhook sources) with labels of
					   their own; the rest are _other */
};

/*
 * Fills cfg from the environment. Returns 0, or -1 with a one-line message
 * naming the variable in err (never the value of a secret).
 */
int	 zs_config_load(struct zs_config *cfg, char *err, size_t errsz);
/*
 * Names the database for messages: the SQLite path, or the PostgreSQL
 * URL without its password. Returns buf.
 */
const char *zs_config_db_label(const struct zs_config *, char *buf,
	    size_t size);
/* Checks that the database directory exists and is writable; 0 or -1
 * (with PostgreSQL there is no directory: always 0). */
int	 zs_config_check_dir(const struct zs_config *, char *err, size_t);
/*
 * The publicly known key among API_KEYS (the development key, or the
 * sample key older deploy samples shipped), or NULL when there is none.
 */
const char *zs_config_public_key(const struct zs_config *);
/* Nonzero when origin (len bytes) is in CORS_ALLOWED_ORIGINS. */
int	 zs_config_origin_allowed(const struct zs_config *, const char *,
	    size_t);

#endif
