/*
 * zs-metrics: GET /metrics, the Prometheus text exposition format 0.0.4.
 * The counters come from the file every process of the host adds to
 * (util/zs_metrics.h); the queue gauges from one store query
 * (zs_store_queue), kept for QUEUE_CACHE_MS so that a tight scrape loop
 * does not read the database each time; the open streams and waiting
 * long polls from the slots table (zs_slots). With METRICS_TOKEN set the
 * request must carry it as a bearer token (compared in constant time);
 * without, only loopback clients are answered. API keys do not open it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "boundary/zs_app.h"
#include "boundary/zs_auth.h"
#include "boundary/zs_slots.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"

#define QUEUE_CACHE_MS	 2000	/* how long the database figures are kept */
#define CONTENT_TYPE	 "text/plain; version=0.0.4; charset=utf-8"

/* The queue gauges as last read, formatted. */
static struct {
	struct zs_buf	 text;
	int64_t		 at_ms;		/* zs_time_mono_ms of the read */
	int		 valid;
} cache;

/* Tenants of the queue gauges while they are read. */
struct queue_read {
	struct zs_queue	*rows;
	size_t		 n, size;
	long		 max;		/* METRICS_MAX_TENANTS */
	int		 failed;
};

/* Writes s as a label value (backslash, quote and newline escaped). */
static void
label(struct zs_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			zs_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			ZS_BUF_LIT(b, "\\n");
		else
			zs_buf_append(b, s, 1);
	}
}

/* Writes the HELP and TYPE lines of a series. */
static void
head(struct zs_buf *b, const char *name, const char *type, const char *help)
{
	zs_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* Keeps one tenant's row (its name copied), or sums it into _other. */
static void
queue_row(const struct zs_queue *q, void *arg)
{
	struct queue_read	*r = arg;
	struct zs_queue		*o, *grown;
	long			 max = r->max;

	if (r->n < (size_t)max) {
		if (r->n == r->size) {
			if ((grown = realloc(r->rows, (r->size + 64) *
			    sizeof(*grown))) == NULL) {
				r->failed = 1;
				return;
			}
			r->rows = grown;
			r->size += 64;
		}
		r->rows[r->n] = *q;
		if ((r->rows[r->n].tenant = strdup(q->tenant)) == NULL) {
			r->failed = 1;
			return;
		}
		r->n++;
		return;
	}
	if (r->n == (size_t)max) {	/* the _other row, after the rest */
		if (r->n == r->size) {
			if ((grown = realloc(r->rows, (r->size + 1) *
			    sizeof(*grown))) == NULL) {
				r->failed = 1;
				return;
			}
			r->rows = grown;
			r->size++;
		}
		memset(&r->rows[r->n], 0, sizeof(r->rows[0]));
		r->rows[r->n].oldest_ms = -1;
		if ((r->rows[r->n].tenant = strdup(ZS_METRICS_OTHER)) == NULL) {
			r->failed = 1;
			return;
		}
		r->n++;
	}
	o = &r->rows[r->n - 1];
	o->pending += q->pending;
	o->leased += q->leased;
	o->acknowledged += q->acknowledged;
	o->dead += q->dead;
	if (q->oldest_ms >= 0 && (o->oldest_ms < 0 || q->oldest_ms <
	    o->oldest_ms))
		o->oldest_ms = q->oldest_ms;
}

/* Formats the queue gauges of r into b at now_ms. */
static void
queue_text(struct zs_buf *b, const struct queue_read *r, int64_t now_ms)
{
	static const char *const status[4] = {
		"pending", "leased", "dead", "acknowledged",
	};
	const struct zs_queue	*q;
	int64_t			 v;
	size_t			 i;
	int			 k;

	head(b, "zapstream_queue_events", "gauge", "Stored events by tenant, "
	    "group and status.");
	for (i = 0; i < r->n; i++)
		for (k = 0; k < 4; k++) {
			q = &r->rows[i];
			v = k == 0 ? q->pending : k == 1 ? q->leased : k == 2 ?
			    q->dead : q->acknowledged;
			ZS_BUF_LIT(b, "zapstream_queue_events{tenant=\"");
			label(b, q->tenant);
			zs_buf_printf(b, "\",group=\"default\",status=\"%s\"} "
			    "%lld\n", status[k], (long long)v);
		}
	head(b, "zapstream_oldest_pending_age_seconds", "gauge", "Age of the "
	    "oldest pending event by tenant and group (0: none pending).");
	for (i = 0; i < r->n; i++) {
		q = &r->rows[i];
		v = q->oldest_ms < 0 || q->oldest_ms > now_ms ? 0 :
		    now_ms - q->oldest_ms;
		ZS_BUF_LIT(b, "zapstream_oldest_pending_age_seconds{tenant=\"");
		label(b, q->tenant);
		zs_buf_printf(b, "\",group=\"default\"} %.3f\n",
		    (double)v / 1000.0);
	}
	head(b, "zapstream_leases_in_flight", "gauge", "Events under a live "
	    "lease by tenant.");
	for (i = 0; i < r->n; i++) {
		ZS_BUF_LIT(b, "zapstream_leases_in_flight{tenant=\"");
		label(b, r->rows[i].tenant);
		zs_buf_printf(b, "\"} %lld\n", (long long)r->rows[i].leased);
	}
}

/* Refreshes the cached queue gauges when they are older than allowed. */
static void
queue_gauges(const struct zs_config *cfg)
{
	struct queue_read	 r;
	int64_t			 mono = zs_time_mono_ms(), now;
	size_t			 i;

	if (cache.valid && mono - cache.at_ms < QUEUE_CACHE_MS)
		return;
	memset(&r, 0, sizeof(r));
	r.max = cfg->metrics_max_tenants;
	now = zs_time_now_ms();
	if (zs_store_open(cfg) != ZS_STORE_OK ||
	    zs_store_queue(now, queue_row, &r) != ZS_STORE_OK)
		r.failed = 1;
	zs_buf_free(&cache.text);
	zs_buf_init(&cache.text, 0);
	cache.valid = !r.failed;
	cache.at_ms = mono;
	if (!r.failed)
		queue_text(&cache.text, &r, now);
	for (i = 0; i < r.n; i++)
		free((char *)r.rows[i].tenant);
	free(r.rows);
}

/* Writes a route's requests, then its duration histogram, into rq, dur. */
static void
route_text(struct zs_buf *rq, struct zs_buf *dur,
    const struct zs_metrics_entry *e)
{
	static const char *const cls[4] = { "2xx", "3xx", "4xx", "5xx" };
	int	 k;

	for (k = 0; k < 4; k++) {
		ZS_BUF_LIT(rq, "zapstream_http_requests_total{route=\"");
		label(rq, e->name);
		zs_buf_printf(rq, "\",code=\"%s\"} %llu\n", cls[k],
		    (unsigned long long)e->v[ZS_MR_2XX + k]);
	}
	for (k = 0; k < ZS_METRICS_BUCKETS; k++) {
		ZS_BUF_LIT(dur, "zapstream_http_request_duration_seconds_bucket"
		    "{route=\"");
		label(dur, e->name);
		zs_buf_printf(dur, "\",le=\"%g\"} %llu\n", zs_metrics_buckets[k],
		    (unsigned long long)e->v[ZS_MR_BUCKET + k]);
	}
	ZS_BUF_LIT(dur, "zapstream_http_request_duration_seconds_bucket"
	    "{route=\"");
	label(dur, e->name);
	zs_buf_printf(dur, "\",le=\"+Inf\"} %llu\n",
	    (unsigned long long)e->v[ZS_MR_COUNT]);
	ZS_BUF_LIT(dur, "zapstream_http_request_duration_seconds_sum"
	    "{route=\"");
	label(dur, e->name);
	zs_buf_printf(dur, "\"} %.6f\n", (double)e->v[ZS_MR_SUM_US] / 1e6);
	ZS_BUF_LIT(dur, "zapstream_http_request_duration_seconds_count"
	    "{route=\"");
	label(dur, e->name);
	zs_buf_printf(dur, "\"} %llu\n", (unsigned long long)e->v[ZS_MR_COUNT]);
}

/* Writes the request series. */
static void
requests_text(struct zs_buf *b, const struct zs_metrics_file *m)
{
	struct zs_buf	 dur;
	int		 i;

	zs_buf_init(&dur, 0);
	head(b, "zapstream_http_requests_total", "counter", "Requests by "
	    "route and status class.");
	head(&dur, "zapstream_http_request_duration_seconds", "histogram",
	    "Time from a request's arrival to its reply, by route.");
	for (i = 0; i < ZS_METRICS_ROUTES; i++)
		if (m->route[i].used)
			route_text(b, &dur, &m->route[i]);
	zs_buf_append(b, dur.data, dur.len);
	zs_buf_free(&dur);
}

/* Writes the counters of each tenant, value v, as series name. */
static void
tenant_text(struct zs_buf *b, const struct zs_metrics_file *m, int v,
    const char *name, const char *help)
{
	int	 i;

	head(b, name, "counter", help);
	for (i = 0; i < ZS_METRICS_TENANTS; i++)
		if (m->tenant[i].used) {
			zs_buf_printf(b, "%s{tenant=\"", name);
			label(b, m->tenant[i].name);
			zs_buf_printf(b, "\"} %llu\n",
			    (unsigned long long)m->tenant[i].v[v]);
		}
}

/* Writes the webhook deliveries: entries named source, result, reason. */
static void
hooks_text(struct zs_buf *b, const struct zs_metrics_file *m)
{
	const char	*t1, *t2;
	int		 i;

	head(b, "zapstream_webhook_deliveries_total", "counter", "Webhook "
	    "deliveries by source, result and reason.");
	for (i = 0; i < ZS_METRICS_HOOKS; i++) {
		if (!m->hook[i].used ||
		    (t1 = memchr(m->hook[i].name, '\t',
		    sizeof(m->hook[i].name))) == NULL ||
		    (t2 = strchr(t1 + 1, '\t')) == NULL)
			continue;	/* a source's own entry */
		ZS_BUF_LIT(b, "zapstream_webhook_deliveries_total{source=\"");
		zs_buf_append(b, m->hook[i].name, (size_t)(t1 - m->hook[i].name));
		ZS_BUF_LIT(b, "\",result=\"");
		zs_buf_append(b, t1 + 1, (size_t)(t2 - t1 - 1));
		ZS_BUF_LIT(b, "\",reason=\"");
		label(b, t2 + 1);
		zs_buf_printf(b, "\"} %llu\n", (unsigned long long)m->hook[i].v[0]);
	}
}

/*
 * Writes the rate-limit refusals, the group-commit batch sizes, the
 * SQLite busy waits (0 on PostgreSQL, whose waits are its own) and the
 * PostgreSQL connection counters (0 on SQLite).
 */
static void
misc_text(struct zs_buf *b, const struct zs_metrics_file *m)
{
	static const char *const kinds[ZS_ML__MAX] = {
		"key", "source", "address",
	};
	int	 i;

	head(b, "zapstream_rate_limited_total", "counter", "Requests refused "
	    "by a rate limit, by what was limited.");
	for (i = 0; i < ZS_ML__MAX; i++)
		zs_buf_printf(b, "zapstream_rate_limited_total{kind=\"%s\"} "
		    "%llu\n", kinds[i], (unsigned long long)m->limited[i]);
	head(b, "zapstream_group_commit_events", "histogram", "Events "
	    "stored per group commit of POST /events.");
	for (i = 0; i < ZS_METRICS_BATCH_BUCKETS; i++)
		zs_buf_printf(b, "zapstream_group_commit_events_bucket"
		    "{le=\"%ld\"} %llu\n", zs_metrics_batch_buckets[i],
		    (unsigned long long)m->batch[i]);
	zs_buf_printf(b, "zapstream_group_commit_events_bucket{le=\"+Inf\"} "
	    "%llu\nzapstream_group_commit_events_sum %llu\n"
	    "zapstream_group_commit_events_count %llu\n",
	    (unsigned long long)m->batch_count,
	    (unsigned long long)m->batch_sum,
	    (unsigned long long)m->batch_count);
	head(b, "zapstream_sqlite_busy_waits_total", "counter", "Waits of "
	    "a statement that found the SQLite database locked by another "
	    "connection (each sleep of the busy handler).");
	zs_buf_printf(b, "zapstream_sqlite_busy_waits_total %llu\n",
	    (unsigned long long)m->store[ZS_MS_SQLITE_BUSY_WAITS]);
	head(b, "zapstream_sqlite_busy_timeouts_total", "counter",
	    "Statements that gave up after DB_BUSY_TIMEOUT_MS of waits "
	    "(answered 503).");
	zs_buf_printf(b, "zapstream_sqlite_busy_timeouts_total %llu\n",
	    (unsigned long long)m->store[ZS_MS_SQLITE_BUSY_TIMEOUTS]);
	head(b, "zapstream_pg_connection_errors_total", "counter",
	    "PostgreSQL connects that failed or timed out, and connections "
	    "found broken (the store's, the listener's, the rate limiter's).");
	zs_buf_printf(b, "zapstream_pg_connection_errors_total %llu\n",
	    (unsigned long long)m->store[ZS_MS_PG_CONNECTION_ERRORS]);
	head(b, "zapstream_pg_reconnects_total", "counter", "PostgreSQL "
	    "connections opened again after a failed or lost one.");
	zs_buf_printf(b, "zapstream_pg_reconnects_total %llu\n",
	    (unsigned long long)m->store[ZS_MS_PG_RECONNECTS]);
	head(b, "zapstream_pg_notify_wakeups_total", "counter", "Times a "
	    "stream or lease hub woke on a PostgreSQL NOTIFY (rather than "
	    "its one-second fallback).");
	zs_buf_printf(b, "zapstream_pg_notify_wakeups_total %llu\n",
	    (unsigned long long)m->store[ZS_MS_PG_NOTIFY_WAKEUPS]);
}

/* Writes the gauges of the slots table (omitted when it is unusable). */
static void
slots_text(struct zs_buf *b, const struct zs_config *cfg)
{
	long	 n;

	if ((n = zs_slots_count(cfg, ZS_SLOT_STREAM)) >= 0) {
		head(b, "zapstream_open_streams", "gauge", "Open streams "
		    "(GET /inbox/stream) on this host.");
		zs_buf_printf(b, "zapstream_open_streams %ld\n", n);
	}
	if ((n = zs_slots_count(cfg, ZS_SLOT_WAITER)) >= 0) {
		head(b, "zapstream_waiting_long_polls", "gauge", "Long polls "
		    "(POST /inbox/lease with wait) waiting on this host.");
		zs_buf_printf(b, "zapstream_waiting_long_polls %ld\n", n);
	}
}

/* 1 when addr is a loopback address (127.0.0.0/8, ::1, or mapped). */
static int
loopback(const char *addr)
{
	if (addr == NULL)
		return 0;
	if (strncmp(addr, "::ffff:", 7) == 0)
		addr += 7;
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0;
}

/*
 * 1 when the request carries METRICS_TOKEN as a bearer token. Both sides
 * are hashed first, so the comparison takes the same time whatever the
 * lengths and however many bytes agree.
 */
static int
token_ok(const struct zs_req *req)
{
	const char	*v = zs_req_param(req, "HTTP_AUTHORIZATION"), *key;
	unsigned char	 a[32], b[32];
	size_t		 len;
	int		 ok;

	if (v == NULL || zs_auth_bearer(v, &key, &len) == -1)
		return 0;
	if (EVP_Digest(key, len, a, NULL, EVP_sha256(), NULL) != 1 ||
	    EVP_Digest(req->cfg->metrics_token,
	    strlen(req->cfg->metrics_token), b, NULL, EVP_sha256(),
	    NULL) != 1)
		return 0;
	ok = CRYPTO_memcmp(a, b, sizeof(a)) == 0;
	OPENSSL_cleanse(a, sizeof(a));
	return ok;
}

/* Answers 401 or 403 unless the request may read the metrics. */
static int
allowed(struct zs_req *req)
{
	if (req->cfg->metrics_token[0] != '\0') {
		if (token_ok(req))
			return 1;
		zs_reply_header(req, "WWW-Authenticate: Bearer "
		    "realm=\"zapstream-metrics\"");
		zs_reply_error(req, ZS_ERR_UNAUTHORIZED, "send Authorization: "
		    "Bearer <METRICS_TOKEN>", NULL);
		return 0;
	}
	if (loopback(zs_req_param(req, "REMOTE_ADDR")))
		return 1;
	zs_reply_error(req, ZS_ERR_FORBIDDEN, "/metrics answers loopback "
	    "clients only unless METRICS_TOKEN is set", NULL);
	return 0;
}

static void
get_metrics(struct zs_req *req)
{
	struct zs_metrics_file	*m;
	struct zs_buf		 b;

	if (!allowed(req))
		return;
	if (zs_metrics_read(&m) == -1) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "the metrics file cannot "
		    "be read; the log has details", NULL);
		return;
	}
	queue_gauges(req->cfg);
	zs_buf_init(&b, 0);
	requests_text(&b, m);
	tenant_text(&b, m, ZS_MT_INGESTED, "zapstream_events_ingested_total",
	    "Events stored, by tenant (idempotent replays not counted).");
	tenant_text(&b, m, ZS_MT_ACKED, "zapstream_events_acknowledged_total",
	    "Events acknowledged for the first time, by tenant.");
	tenant_text(&b, m, ZS_MT_DEAD, "zapstream_events_dead_lettered_total",
	    "Events dead-lettered after MAX_DELIVERIES leases, by tenant.");
	hooks_text(&b, m);
	misc_text(&b, m);
	slots_text(&b, req->cfg);
	head(&b, "zapstream_database_up", "gauge", "1 when the last read of "
	    "the queue gauges succeeded.");
	zs_buf_printf(&b, "zapstream_database_up %d\n", cache.valid);
	if (cache.valid)
		zs_buf_append(&b, cache.text.data, cache.text.len);
	free(m);
	if (b.failed) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
	} else {
		zs_reply_header(req, "Content-Length: %zu", b.len);
		zs_reply_start(req, 200, CONTENT_TYPE, "no-store");
		if (req->method != ZS_METHOD_HEAD)
			zs_req_write(req, b.data, b.len);
	}
	zs_buf_free(&b);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_GET, "/metrics", ZS_ROUTE_NO_QUERY, get_metrics, NULL },
};

int
main(void)
{
	zs_app_run("zs-metrics", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
