/* zs_config: settings from the environment. See zs_config.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "parse/zs_config.h"
#include "util/zs_file.h"

_Static_assert(ZS_SOURCE_TENANT_MAX == ZS_CONFIG_TENANT_MAX,
    "a source's tenant is an API key's tenant");

/*
 * Reads variable name as a decimal integer in [min, max], or def when it is
 * unset or empty. Returns 0, or -1 with a message in err.
 */
static int
env_long(const char *name, long def, long min, long max, long *out,
    char *err, size_t errsz)
{
	const char	*v = getenv(name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 ||
	    n < min || n > max) {
		snprintf(err, errsz, "%s must be a whole number from %ld "
		    "to %ld", name, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

static int
tenant_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* Visible ASCII other than ',' and '=' (the list's own separators). */
static int
key_char_ok(char c)
{
	return c > 0x20 && c < 0x7f && c != ',' && c != '=';
}

/* Reads 64 hex digits (len bytes at s) into out[32]; 0 or -1. */
static int
parse_digest(const char *s, size_t len, unsigned char *out)
{
	static const char hex[] = "0123456789abcdef";
	const char	*hi, *lo;
	size_t		 i;

	if (len != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		hi = strchr(hex, s[2 * i] | 0x20);
		lo = strchr(hex, s[2 * i + 1] | 0x20);
		if (s[2 * i] == '\0' || s[2 * i + 1] == '\0' || hi == NULL ||
		    lo == NULL)
			return -1;
		out[i] = (unsigned char)((hi - hex) << 4 | (lo - hex));
	}
	return 0;
}

static int
parse_keys(struct zs_config *cfg, const char *v, char *err, size_t errsz)
{
	const char	*p = v, *eq, *end;
	size_t		 n = 0, klen, tlen, i;

	for (;;) {
		n++;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || eq == p || eq + 1 == end) {
			snprintf(err, errsz, "API_KEYS entry %zu is not of "
			    "the form key=tenant", n);
			return -1;
		}
		klen = (size_t)(eq - p);
		tlen = (size_t)(end - eq - 1);
		if (cfg->nkeys == ZS_CONFIG_MAX_KEYS) {
			snprintf(err, errsz, "API_KEYS has more than %d "
			    "entries", ZS_CONFIG_MAX_KEYS);
			return -1;
		}
		if (klen > ZS_CONFIG_KEY_MAX) {
			snprintf(err, errsz, "API_KEYS entry %zu: the key is "
			    "longer than %d characters", n, ZS_CONFIG_KEY_MAX);
			return -1;
		}
		for (i = 0; i < klen; i++)
			if (!key_char_ok(p[i])) {
				snprintf(err, errsz, "API_KEYS entry %zu: the "
				    "key may hold only visible ASCII "
				    "characters", n);
				return -1;
			}
		if (tlen > ZS_CONFIG_TENANT_MAX) {
			snprintf(err, errsz, "API_KEYS entry %zu: the tenant "
			    "is longer than %d characters", n,
			    ZS_CONFIG_TENANT_MAX);
			return -1;
		}
		for (i = 0; i < tlen; i++)
			if (!tenant_char_ok(eq[1 + i])) {
				snprintf(err, errsz, "API_KEYS entry %zu: the "
				    "tenant may hold only letters, digits, "
				    "'_', '-' and '.'", n);
				return -1;
			}
		for (i = 0; i < cfg->nkeys; i++)
			if (cfg->keys[i].keylen == klen &&
			    memcmp(cfg->keys[i].key, p, klen) == 0) {
				snprintf(err, errsz, "API_KEYS entry %zu "
				    "repeats the key of entry %zu", n, i + 1);
				return -1;
			}
		if (klen > 7 && strncmp(p, "sha256:", 7) == 0) {
			if (parse_digest(p + 7, klen - 7,
			    cfg->keys[cfg->nkeys].digest) == -1) {
				snprintf(err, errsz, "API_KEYS entry %zu: "
				    "sha256: must be followed by 64 hex "
				    "digits", n);
				return -1;
			}
			cfg->keys[cfg->nkeys].hashed = 1;
		} else {
			memcpy(cfg->keys[cfg->nkeys].key, p, klen);
			cfg->keys[cfg->nkeys].keylen = klen;
		}
		memcpy(cfg->keys[cfg->nkeys].tenant, eq + 1, tlen);
		cfg->nkeys++;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

static int
parse_origins(struct zs_config *cfg, const char *v, char *err, size_t errsz)
{
	const char	*p = v, *end;
	size_t		 len;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0) {
			if (cfg->norigins == ZS_CONFIG_MAX_ORIGINS ||
			    len > ZS_CONFIG_ORIGIN_MAX ||
			    (strncmp(p, "http://", 7) != 0 &&
			    strncmp(p, "https://", 8) != 0)) {
				snprintf(err, errsz, "CORS_ALLOWED_ORIGINS "
				    "must list at most %d origins such as "
				    "https://app.example.com",
				    ZS_CONFIG_MAX_ORIGINS);
				return -1;
			}
			memcpy(cfg->origins[cfg->norigins++], p, len);
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return 0;
}

/* A PostgreSQL URL (postgres:// or postgresql://). */
static int
is_pg_url(const char *v)
{
	return strncmp(v, "postgres://", 11) == 0 ||
	    strncmp(v, "postgresql://", 13) == 0;
}

/*
 * STORAGE_BACKEND=postgres: DATABASE_URL is a PostgreSQL URL or a libpq
 * key=value string, or empty (libpq then reads PGHOST, PGDATABASE...).
 * libpq checks the rest when it connects; the message never shows the
 * value, which may hold a password.
 */
static int
parse_db_url(struct zs_config *cfg, char *err, size_t errsz)
{
	const char	*v = getenv("DATABASE_URL");

	if (v == NULL || *v == '\0')
		return 0;
	if (!is_pg_url(v) && strchr(v, '=') == NULL) {
		snprintf(err, errsz, "DATABASE_URL must look like "
		    "postgres://user:password@host:port/database (or be "
		    "libpq's key=value form) with STORAGE_BACKEND=postgres");
		return -1;
	}
	if (strlen(v) > ZS_CONFIG_URL_MAX) {
		snprintf(err, errsz, "DATABASE_URL is longer than %d "
		    "characters", ZS_CONFIG_URL_MAX);
		return -1;
	}
	strcpy(cfg->db_url, v);
	return 0;
}

static int
parse_db_path(struct zs_config *cfg, char *err, size_t errsz)
{
	const char	*v = getenv("DATABASE_PATH");
	const char	*name = "DATABASE_PATH";

	/* DATABASE_PATH stays the SQLite file: zs-admin copy-to-postgres
	 * reads it while DATABASE_URL names the server. */
	if (cfg->backend == ZS_BACKEND_POSTGRES &&
	    parse_db_url(cfg, err, errsz) == -1)
		return -1;
	if (v == NULL || *v == '\0') {
		v = getenv("DATABASE_URL");
		name = "DATABASE_URL";
		if (cfg->backend == ZS_BACKEND_POSTGRES)
			v = NULL;	/* the server's, read above */
		if (v != NULL && *v != '\0' && is_pg_url(v)) {
			snprintf(err, errsz, "DATABASE_URL names a PostgreSQL "
			    "server: set STORAGE_BACKEND=postgres too");
			return -1;
		}
		if (v != NULL && *v != '\0') {
			if (strncmp(v, "sqlite:///", 10) != 0 ||
			    v[10] == '\0') {
				snprintf(err, errsz, "DATABASE_URL must look "
				    "like sqlite:///path/to/events.db");
				return -1;
			}
			v += 10;
		} else
			v = "./data/events.db";
	}
	if (strlen(v) > ZS_CONFIG_PATH_MAX) {
		snprintf(err, errsz, "%s is longer than %d characters", name,
		    ZS_CONFIG_PATH_MAX);
		return -1;
	}
	strcpy(cfg->db_path, v);
	return 0;
}

/*
 * Reads the webhook sources from WEBHOOK_SOURCES or the file named by
 * WEBHOOK_SOURCES_FILE (not both), and checks each source's tenant has an
 * API key: a source nobody can read is a typo.
 */
static int
parse_sources(struct zs_config *cfg, char *err, size_t errsz)
{
	const char	*v = getenv("WEBHOOK_SOURCES");
	const char	*file = getenv("WEBHOOK_SOURCES_FILE");
	char		*text;
	size_t		 i, k;
	int		 rc;

	if (file != NULL && *file != '\0') {
		if (v != NULL && *v != '\0') {
			snprintf(err, errsz, "WEBHOOK_SOURCES and "
			    "WEBHOOK_SOURCES_FILE are both set; use one");
			return -1;
		}
		if ((text = zs_file_read(file,
		    ZS_CONFIG_SOURCES_FILE_MAX)) == NULL) {
			snprintf(err, errsz, "WEBHOOK_SOURCES_FILE: cannot "
			    "read %s: %s", file, strerror(errno));
			return -1;
		}
		rc = zs_source_parse(text, "WEBHOOK_SOURCES_FILE", 1,
		    cfg->sources, ZS_SOURCES_MAX, &cfg->nsources, err, errsz);
		free(text);
	} else if (v != NULL)
		rc = zs_source_parse(v, "WEBHOOK_SOURCES", 0, cfg->sources,
		    ZS_SOURCES_MAX, &cfg->nsources, err, errsz);
	else
		rc = 0;
	if (rc == -1)
		return -1;
	for (i = 0; i < cfg->nsources; i++) {
		for (k = 0; k < cfg->nkeys; k++)
			if (strcmp(cfg->keys[k].tenant,
			    cfg->sources[i].tenant) == 0)
				break;
		if (k == cfg->nkeys) {
			snprintf(err, errsz, "%s: source %s is for tenant %s, "
			    "which has no key in API_KEYS", file != NULL &&
			    *file != '\0' ? "WEBHOOK_SOURCES_FILE" :
			    "WEBHOOK_SOURCES", cfg->sources[i].name,
			    cfg->sources[i].tenant);
			return -1;
		}
	}
	return 0;
}

/*
 * Reads METRICS_TOKEN: unset or empty, or 16 to ZS_CONFIG_TOKEN_MAX
 * visible ASCII characters. Returns 0, or -1 with a message in err.
 */
static int
metrics_token(struct zs_config *cfg, char *err, size_t errsz)
{
	const char	*v = getenv("METRICS_TOKEN");
	size_t		 i, len;

	if (v == NULL || *v == '\0')
		return 0;
	len = strlen(v);
	for (i = 0; i < len; i++)
		if (v[i] <= 0x20 || v[i] >= 0x7f)
			break;
	if (len < 16 || len > ZS_CONFIG_TOKEN_MAX || i < len) {
		snprintf(err, errsz, "METRICS_TOKEN must be 16 to %d visible "
		    "ASCII characters", ZS_CONFIG_TOKEN_MAX);
		return -1;
	}
	memcpy(cfg->metrics_token, v, len + 1);
	return 0;
}

int
zs_config_load(struct zs_config *cfg, char *err, size_t errsz)
{
	const char	*v;
	long		 port;

	memset(cfg, 0, sizeof(*cfg));
	if (env_long("PORT", 8000, 1, 65535, &port, err, errsz) ||
	    env_long("RATE_LIMIT_PER_MINUTE", 60, 0, 1000000,
	    &cfg->rate_per_minute, err, errsz) ||
	    env_long("AUTH_FAILURES_PER_MINUTE", 20, 0, 1000000,
	    &cfg->auth_fail_per_minute, err, errsz) ||
	    env_long("MAX_PAYLOAD_BYTES", 524288, 64, 64L * 1024 * 1024,
	    &cfg->max_payload, err, errsz) ||
	    env_long("IDEMPOTENCY_TTL_HOURS", 24, 1, 24 * 365,
	    &cfg->idem_ttl_hours, err, errsz) ||
	    env_long("RETENTION_DAYS", 7, 1, 36500, &cfg->retention_days,
	    err, errsz) ||
	    env_long("DB_BUSY_TIMEOUT_MS", 5000, 1, 60000,
	    &cfg->busy_timeout_ms, err, errsz) ||
	    env_long("STREAM_PING_SECONDS", 15, 1, 300, &cfg->stream_ping_s,
	    err, errsz) ||
	    env_long("STREAM_POLL_MS", 50, 5, 5000, &cfg->stream_poll_ms,
	    err, errsz) ||
	    env_long("STREAM_MAX_CLIENTS", 1000, 1, 20000, &cfg->stream_max,
	    err, errsz) ||
	    env_long("STREAM_MAX_PER_TENANT", 50, 1, 20000,
	    &cfg->stream_max_tenant, err, errsz) ||
	    env_long("STREAM_MAX_PER_KEY", 25, 1, 20000, &cfg->stream_max_key,
	    err, errsz) ||
	    env_long("WAIT_MAX_PER_TENANT", 32, 1, 10000,
	    &cfg->wait_max_tenant, err, errsz) ||
	    env_long("WAIT_MAX_PER_KEY", 16, 1, 10000, &cfg->wait_max_key,
	    err, errsz) ||
	    env_long("STREAM_RING_BYTES", 8L * 1024 * 1024, 1024 * 1024,
	    1024L * 1024 * 1024, &cfg->stream_ring_bytes, err, errsz) ||
	    env_long("MAX_DELIVERIES", 5, 1, 1000, &cfg->max_deliveries,
	    err, errsz) ||
	    env_long("STREAM_CGI_SECONDS", 60, 1, 3600, &cfg->stream_cgi_s,
	    err, errsz) ||
	    env_long("WEBHOOK_TOLERANCE_SECONDS", 300, 1, 86400,
	    &cfg->hook_tolerance_s, err, errsz) ||
	    env_long("WEBHOOK_RATE_LIMIT_PER_MINUTE", 600, 0, 1000000,
	    &cfg->hook_rate_per_minute, err, errsz) ||
	    env_long("METRICS_MAX_TENANTS", 100, 1,
	    ZS_CONFIG_METRICS_TENANTS_MAX, &cfg->metrics_max_tenants, err,
	    errsz) || metrics_token(cfg, err, errsz))
		return -1;
	cfg->port = (int)port;

	v = getenv("DEV_MODE");
	if (v == NULL || *v == '\0' || strcmp(v, "0") == 0)
		cfg->dev_mode = 0;
	else if (strcmp(v, "1") == 0)
		cfg->dev_mode = 1;
	else {
		snprintf(err, errsz, "DEV_MODE must be 0 or 1");
		return -1;
	}

	/*
	 * Without keys nothing is served (fail closed), except in
	 * development, where the public development key stands in.
	 */
	v = getenv("API_KEYS");
	if ((v == NULL || *v == '\0') && cfg->dev_mode)
		v = ZS_CONFIG_DEV_KEY "=tenant_dev";
	if ((v != NULL && *v != '\0' && parse_keys(cfg, v, err, errsz) == -1) ||
	    parse_sources(cfg, err, errsz) == -1)
		return -1;

	v = getenv("ACCESS_LOG");
	if (v != NULL && strlen(v) > ZS_CONFIG_PATH_MAX) {
		snprintf(err, errsz, "ACCESS_LOG is longer than %d characters",
		    ZS_CONFIG_PATH_MAX);
		return -1;
	}
	snprintf(cfg->access_log, sizeof(cfg->access_log), "%s", v ? v : "");

	v = getenv("DURABILITY");
	if (v == NULL || *v == '\0' || strcmp(v, "full") == 0)
		cfg->durability = ZS_DURABILITY_FULL;
	else if (strcmp(v, "normal") == 0)
		cfg->durability = ZS_DURABILITY_NORMAL;
	else {
		snprintf(err, errsz, "DURABILITY must be full or normal");
		return -1;
	}

	v = getenv("SEARCH_INDEX");
	if (v == NULL || *v == '\0' || strcmp(v, "on") == 0)
		cfg->search_index = 1;
	else if (strcmp(v, "off") == 0)
		cfg->search_index = 0;
	else {
		snprintf(err, errsz, "SEARCH_INDEX must be on or off");
		return -1;
	}

	v = getenv("STORAGE_BACKEND");
	if (v == NULL || *v == '\0' || strcmp(v, "sqlite") == 0)
		cfg->backend = ZS_BACKEND_SQLITE;
	else if (strcmp(v, "postgres") == 0)
		cfg->backend = ZS_BACKEND_POSTGRES;
	else {
		snprintf(err, errsz, "STORAGE_BACKEND must be sqlite or "
		    "postgres");
		return -1;
	}

	v = getenv("CORS_ALLOWED_ORIGINS");
	if (v != NULL && parse_origins(cfg, v, err, errsz) == -1)
		return -1;
	return parse_db_path(cfg, err, errsz);
}

int
zs_config_check_dir(const struct zs_config *cfg, char *err, size_t errsz)
{
	char	 dir[ZS_CONFIG_PATH_MAX + 1];
	char	*slash;

	if (cfg->backend == ZS_BACKEND_POSTGRES)
		return 0;
	strcpy(dir, cfg->db_path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (access(dir, W_OK | X_OK) == -1) {
		snprintf(err, errsz, "DATABASE_PATH: the directory %s %s", dir,
		    errno == ENOENT ? "does not exist" : "is not writable");
		return -1;
	}
	return 0;
}

const char *
zs_config_db_label(const struct zs_config *cfg, char *buf, size_t size)
{
	const char	*u = cfg->db_url, *at, *colon, *p;
	size_t		 n;

	if (cfg->backend == ZS_BACKEND_SQLITE) {
		snprintf(buf, size, "%s", cfg->db_path);
		return buf;
	}
	if (*u == '\0') {
		snprintf(buf, size, "PostgreSQL (from the PG* variables)");
		return buf;
	}
	if (!is_pg_url(u)) {
		/* key=value: keep the words before any password */
		p = strstr(u, "password");
		n = p ? (size_t)(p - u) : strlen(u);
		snprintf(buf, size, "%.*s%s", (int)n, u, p ? "..." : "");
		return buf;
	}
	/* scheme://user:password@host/db?options: drop ":password" and
	 * the options (which may hold one too) */
	p = strstr(u, "://") + 3;
	n = strcspn(u, "?");
	at = memchr(p, '@', n - (size_t)(p - u));
	colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	if (colon == NULL)
		snprintf(buf, size, "%.*s", (int)n, u);
	else
		snprintf(buf, size, "%.*s%.*s", (int)(colon - u), u,
		    (int)(n - (size_t)(at - u)), at);
	return buf;
}

/* Keys everyone knows: the development key and the old samples' one. */
static const char *const public_keys[] = {
	ZS_CONFIG_DEV_KEY,
	"change_me_to_a_long_random_key",
};

const char *
zs_config_public_key(const struct zs_config *cfg)
{
	unsigned char	 digest[32];
	unsigned int	 dlen;
	size_t		 i, k, len;

	for (k = 0; k < sizeof(public_keys) / sizeof(public_keys[0]); k++) {
		len = strlen(public_keys[k]);
		if (EVP_Digest(public_keys[k], len, digest, &dlen,
		    EVP_sha256(), NULL) != 1)
			continue;
		for (i = 0; i < cfg->nkeys; i++)
			if (cfg->keys[i].hashed ?
			    memcmp(cfg->keys[i].digest, digest, 32) == 0 :
			    (cfg->keys[i].keylen == len &&
			    memcmp(cfg->keys[i].key, public_keys[k], len) == 0))
				return public_keys[k];
	}
	return NULL;
}

int
zs_config_origin_allowed(const struct zs_config *cfg, const char *origin,
    size_t len)
{
	size_t	 i;

	for (i = 0; i < cfg->norigins; i++)
		if (strlen(cfg->origins[i]) == len &&
		    memcmp(cfg->origins[i], origin, len) == 0)
			return 1;
	return 0;
}
