/*
 * zs-hooks: webhook sources. POST /hooks/{token} takes a provider's own
 * JSON (Stripe, GitHub, Shopify, Standard Webhooks, or unsigned), checks
 * its signature on the raw body (zs_sig.c) and stores it as an ordinary
 * event of the source's tenant, deduplicated by the provider's delivery
 * id through the idempotency keys. GET /hooks lists a tenant's sources
 * with their URLs, never their secrets. A refused delivery is counted in
 * /metrics and kept in the source's delivery log (zs_store_hooks.c),
 * which GET /hooks/{name}/rejections shows.
 *
 * An unknown token costs the same HMAC as a known one with a wrong
 * signature, so the reply time does not tell which tokens exist.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "boundary/zs_app.h"
#include "boundary/zs_serve.h"
#include "parse/zs_json.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"
#include "webhooks/zs_sig.h"
#include "webhooks/zs_token.h"

#define DELIVERY_ID_MAX	 200	/* characters of a usable delivery id */
/* Refusals one process writes to a source's log per second: a flood of
 * bad signatures costs the database at most this (the rest are counted
 * in /metrics only). */
#define REJECTS_LOGGED_PER_S 20

/* Where each scheme's event type and delivery id come from. */
static const struct scheme_io {
	const char	*type_header;	/* CGI name, or NULL: body "type" */
	int		 type_action;	/* append "." and the body's "action" */
	const char	*id_header;	/* CGI name, or NULL: body "id" */
} schemes[ZS_SCHEME__MAX] = {
	/* stripe */ { NULL, 0, NULL },
	/* github */ { "HTTP_X_GITHUB_EVENT", 1, "HTTP_X_GITHUB_DELIVERY" },
	/* shopify */ { "HTTP_X_SHOPIFY_TOPIC", 0, "HTTP_X_SHOPIFY_WEBHOOK_ID" },
	/* standard */ { NULL, 0, "HTTP_WEBHOOK_ID" },
	/* none */ { NULL, 0, "HTTP_IDEMPOTENCY_KEY" },
};

/* The top-level body members a delivery may be labelled from. */
enum member { M_TYPE, M_ID, M_ACTION, M__MAX };

static const char *const member_names[M__MAX] = { "type", "id", "action" };

/* A delivery's labels, decoded from its headers and body. */
struct labels {
	char	 member[M__MAX][ZS_TEXT_MAX_BYTES + 1];
					/* body strings, "" when absent */
	char	 type[ZS_TEXT_MAX_BYTES + 1];	/* the event type, or "" */
	char	 idem[ZS_SOURCE_NAME_MAX + 1 + DELIVERY_ID_MAX + 1];
					/* <source>:<id>, or "" */
};

/* Reads the signature headers and the raw body into in. */
static void
read_sig_input(const struct zs_req *req, struct zs_sig_input *in)
{
	memset(in, 0, sizeof(*in));
	in->body = req->body != NULL ? req->body : "";
	in->body_len = req->body_len;
	in->stripe = zs_req_param(req, "HTTP_STRIPE_SIGNATURE");
	in->github = zs_req_param(req, "HTTP_X_HUB_SIGNATURE_256");
	in->shopify = zs_req_param(req, "HTTP_X_SHOPIFY_HMAC_SHA256");
	in->wh_id = zs_req_param(req, "HTTP_WEBHOOK_ID");
	in->wh_timestamp = zs_req_param(req, "HTTP_WEBHOOK_TIMESTAMP");
	in->wh_signature = zs_req_param(req, "HTTP_WEBHOOK_SIGNATURE");
}

/* Copies the top-level string members "type", "id", "action". */
static void
read_members(const char *min, size_t len, struct labels *lb)
{
	struct zs_json_span	 key, val;
	char			 name[16];
	size_t			 pos = 0, n;
	int			 m;

	while (zs_json_next_member(min, len, &pos, &key, &val)) {
		if (!zs_json_is(min, val, '"') ||
		    zs_json_str_decode(min, key, name, sizeof(name), &n) == -1)
			continue;
		for (m = 0; m < M__MAX; m++)
			if (strlen(member_names[m]) == n &&
			    memcmp(member_names[m], name, n) == 0)
				break;
		if (m == M__MAX || lb->member[m][0] != '\0')
			continue;
		if (zs_json_str_decode(min, val, lb->member[m],
		    sizeof(lb->member[m]), &n) == -1 ||
		    zs_text_check(lb->member[m], n, ZS_TEXT_MAX_CHARS) !=
		    ZS_TEXT_OK)
			lb->member[m][0] = '\0';
	}
}

/* 1 when s is 1 to DELIVERY_ID_MAX visible ASCII characters. */
static int
delivery_id_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || i == DELIVERY_ID_MAX)
			return 0;
	return i > 0;
}

/* Labels a verified delivery of src: its type and idempotency key. */
static void
label(const struct zs_req *req, const struct zs_source *src,
    const char *min, size_t minlen, struct labels *lb)
{
	const struct scheme_io	*io = &schemes[src->scheme];
	const char		*v, *id;
	int			 n;

	memset(lb, 0, sizeof(*lb));
	read_members(min, minlen, lb);
	if (io->type_header == NULL)
		snprintf(lb->type, sizeof(lb->type), "%s", lb->member[M_TYPE]);
	else if ((v = zs_req_param(req, io->type_header)) != NULL) {
		n = snprintf(lb->type, sizeof(lb->type), "%s%s%s", v,
		    io->type_action && lb->member[M_ACTION][0] ? "." : "",
		    io->type_action ? lb->member[M_ACTION] : "");
		if (n < 0 || (size_t)n >= sizeof(lb->type) ||
		    zs_text_check(lb->type, (size_t)n, ZS_TEXT_MAX_CHARS) !=
		    ZS_TEXT_OK)
			lb->type[0] = '\0';
	}
	id = io->id_header != NULL ? zs_req_param(req, io->id_header) :
	    lb->member[M_ID];
	if (id != NULL && delivery_id_ok(id))
		snprintf(lb->idem, sizeof(lb->idem), "%s:%.*s",
		    src->name, DELIVERY_ID_MAX, id);
}

/*
 * A refused delivery of source s, after its reply: counted in /metrics,
 * and kept in the source's log unless this process wrote
 * REJECTS_LOGGED_PER_S of them in the current second already. A log that
 * cannot be written is logged, not answered: the client has its reply.
 */
static void
rejected(const struct zs_req *req, int s, const char *reason)
{
	static int64_t		 second[ZS_SOURCES_MAX];
	static int		 written[ZS_SOURCES_MAX];
	const struct zs_source	*src = &req->cfg->sources[s];
	struct zs_rejection	 r;
	enum zs_store_rc	 rc;

	zs_metrics_hook(src->name, 0, reason);
	memset(&r, 0, sizeof(r));
	r.at_ms = zs_time_now_ms();
	if (second[s] != r.at_ms / 1000) {
		second[s] = r.at_ms / 1000;
		written[s] = 0;
	}
	if (written[s]++ >= REJECTS_LOGGED_PER_S)
		return;
	r.reason = reason;
	r.status = req->status;
	r.request_id = req->request_id;
	if ((rc = zs_store_reject_add(src->tenant, src->name, &r)) !=
	    ZS_STORE_OK)
		zs_log("the delivery log of source %s was not written",
		    src->name);
}

/* The log's reason for a body refused with the status of req. */
static const char *
body_reason(const struct zs_req *req)
{
	switch (req->status) {
	case 413:
		return "too_large";
	case 415:
		return "unsupported_type";
	default:
		return "invalid_body";
	}
}

/*
 * A delivery whose body the boundary refused (zs_app_on_refused): too
 * large, not JSON by its type, or cut short. Logged for its source when
 * the URL is one; an unknown URL is only counted, as in post_hook.
 */
static void
refused(struct zs_req *req)
{
	zs_token_t	 tokens[ZS_SOURCES_MAX];
	int		 s;

	if (req->method != ZS_METHOD_POST || zs_token_load(req->cfg, tokens)
	    != ZS_STORE_OK)
		return;
	s = zs_token_find(tokens, req->cfg->nsources, req->id);
	if (s < 0) {
		zs_metrics_hook("_unknown", 0, "unknown_source");
		return;
	}
	rejected(req, s, body_reason(req));
}

/* What a delivery's body must be: any JSON object. */
static const struct zs_body_kind delivery_body = {
	.what = "delivery",
	.empty = "the body is empty; send the provider's JSON object",
};

/*
 * Stores a verified delivery of source s; replies. The body goes through
 * the one JSON path only now, after its signature was checked on the
 * bytes as sent.
 */
static void
store_delivery(struct zs_req *req, int s)
{
	const struct zs_source	*src = &req->cfg->sources[s];
	struct zs_new_event	 ne;
	struct zs_inserted	 ins;
	struct labels		 lb;
	struct zs_rate		 rate;
	char			 msg[192];
	const char		*json;
	size_t			 len;
	unsigned int		 hlen;
	enum zs_store_rc	 rc;

	if (zs_serve_body(req, &delivery_body) == -1) {
		rejected(req, s, body_reason(req));
		return;
	}
	json = req->parsed.json;
	len = req->parsed.len;
	zs_ratelimit_take_source(s, zs_time_now_ms(), &rate);
	if (!rate.allowed) {
		zs_metrics_limited(ZS_ML_SOURCE);
		zs_reply_header(req, "Retry-After: %ld", rate.retry_after_s);
		snprintf(msg, sizeof(msg), "this source is over its limit of "
		    "%ld deliveries a minute (WEBHOOK_RATE_LIMIT_PER_MINUTE): "
		    "the next delivery is allowed in %ld s, all %ld in %ld s",
		    rate.limit, rate.retry_after_s, rate.limit, rate.reset_s);
		zs_reply_error(req, ZS_ERR_RATE_LIMITED, msg, NULL);
		rejected(req, s, "rate_limited");
		return;
	}
	label(req, src, json, len, &lb);
	memset(&ne, 0, sizeof(ne));
	ne.tenant = src->tenant;
	ne.source = src->name;
	ne.type = lb.type[0] ? lb.type : NULL;
	ne.topic = src->topic[0] ? src->topic : NULL;
	ne.payload = json;
	ne.payload_len = len;
	ne.idem_key = lb.idem[0] ? lb.idem : NULL;
	ne.idem_scope = ZS_IDEM_HOOK;	/* never an API client's key */
	if (EVP_Digest(json, len, ne.body_hash, &hlen, EVP_sha256(), NULL)
	    != 1) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "hashing failed", NULL);
		rejected(req, s, "internal");
		return;
	}
	rc = zs_store_insert(&ne, &ins);
	zs_reply_inserted(req, rc, &ins,
	    "this delivery id was already stored with a different body");
	if (rc == ZS_STORE_OK)
		zs_metrics_hook(src->name, 1, ins.replayed ? "duplicate" :
		    "stored");
	else if (rc == ZS_STORE_CONFLICT)
		rejected(req, s, "conflict");
	else	/* the store is failing: no log to write to either */
		zs_metrics_hook(src->name, 0, "store_failed");
}

/*
 * POST /hooks/{token}: finds the source, verifies the delivery (a decoy
 * verification for an unknown token, then 404), and stores it.
 */
static void
post_hook(struct zs_req *req)
{
	/* Stands in for an unknown token, so it costs the same HMAC. */
	static const struct zs_source	 decoy = {
		.scheme = ZS_SCHEME_GITHUB, .key = "decoy", .keylen = 5,
	};
	const struct zs_config	*cfg = req->cfg;
	zs_token_t		 tokens[ZS_SOURCES_MAX];
	struct zs_sig_input	 in;
	enum zs_store_rc	 rc;
	enum zs_sig_rc		 sig;
	char			 msg[160];
	int			 s;

	if ((rc = zs_token_load(cfg, tokens)) != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		return;
	}
	s = zs_token_find(tokens, cfg->nsources, req->id);
	read_sig_input(req, &in);
	sig = zs_sig_verify(s >= 0 ? &cfg->sources[s] : &decoy, &in,
	    zs_time_now_ms() / 1000, cfg->hook_tolerance_s);
	if (s < 0) {
		zs_metrics_hook("_unknown", 0, "unknown_source");
		zs_reply_error(req, ZS_ERR_NOT_FOUND, "no webhook source has "
		    "this URL", NULL);
		return;
	}
	switch (sig) {
	case ZS_SIG_OK:
		store_delivery(req, s);
		break;
	case ZS_SIG_BAD:
		snprintf(msg, sizeof(msg), "the %s signature is missing or "
		    "does not match this source's secret",
		    zs_sig_headers[cfg->sources[s].scheme]);
		zs_reply_error(req, ZS_ERR_UNAUTHORIZED, msg, NULL);
		rejected(req, s, "bad_signature");
		break;
	case ZS_SIG_STALE:
		snprintf(msg, sizeof(msg), "is more than %ld seconds away "
		    "from the server's clock", cfg->hook_tolerance_s);
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER,
		    cfg->sources[s].scheme == ZS_SCHEME_STRIPE ?
		    "Stripe-Signature timestamp" : "webhook-timestamp", msg);
		rejected(req, s, "stale_timestamp");
		break;
	default:
		zs_reply_error(req, ZS_ERR_INTERNAL, "internal error; the log "
		    "has details", NULL);
		rejected(req, s, "internal");
		break;
	}
}

/* The refusals of each of the tenant's sources, by config index. */
struct reject_totals {
	const struct zs_config	*cfg;
	const char		*tenant;
	int64_t			 n[ZS_SOURCES_MAX];
	int64_t			 last_ms[ZS_SOURCES_MAX];
	struct zs_buf		*by_reason;	/* one source's, or NULL */
	int			 only;		/* that source */
	int			 reasons;	/* written to by_reason */
};

/* The config index of the tenant's source name, or -1. */
static int
source_index(const struct zs_config *cfg, const char *tenant,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].tenant, tenant) == 0 &&
		    strcmp(cfg->sources[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void
add_count(const char *source, const char *reason, int64_t n,
    int64_t last_ms, void *arg)
{
	struct reject_totals	*t = arg;
	int			 s;

	/* a removed source's counts stay in the database, unshown */
	if ((s = source_index(t->cfg, t->tenant, source)) < 0)
		return;
	t->n[s] += n;
	if (last_ms > t->last_ms[s])
		t->last_ms[s] = last_ms;
	if (t->by_reason != NULL && s == t->only) {
		zs_buf_puts(t->by_reason, t->reasons++ ? "," : "");
		zs_buf_json_strz(t->by_reason, reason);
		zs_buf_printf(t->by_reason, ":%" PRId64, n);
	}
}

/* Appends ,"rejected":N,"last_rejected_at":T|null for source s. */
static void
put_totals(struct zs_buf *b, const struct reject_totals *t, int s)
{
	char	 at[ZS_TIME_BUFSZ];

	zs_buf_printf(b, ",\"rejected\":%" PRId64 ",\"last_rejected_at\":",
	    t->n[s]);
	if (t->n[s] == 0) {
		zs_buf_puts(b, "null");
		return;
	}
	zs_time_format(t->last_ms[s], at);
	zs_buf_json_strz(b, at);
}

/* GET /hooks: the tenant's sources, with paths and without secrets, and
 * how many deliveries each refused. */
static void
get_hooks(struct zs_req *req)
{
	const struct zs_config	*cfg = req->cfg;
	zs_token_t		 tokens[ZS_SOURCES_MAX];
	struct reject_totals	 t;
	struct zs_buf		 b;
	enum zs_store_rc	 rc;
	size_t			 i;
	int			 n = 0;

	memset(&t, 0, sizeof(t));
	t.cfg = cfg;
	t.tenant = req->tenant;
	if ((rc = zs_token_load(cfg, tokens)) != ZS_STORE_OK ||
	    (rc = zs_store_reject_counts(req->tenant, add_count, &t)) !=
	    ZS_STORE_OK) {
		zs_reply_store(req, rc);
		return;
	}
	zs_buf_init(&b, 0);
	zs_buf_puts(&b, "{\"sources\":[");
	for (i = 0; i < cfg->nsources; i++) {
		const struct zs_source *src = &cfg->sources[i];
		if (strcmp(src->tenant, req->tenant) != 0)
			continue;
		zs_buf_puts(&b, n++ ? ",{\"name\":" : "{\"name\":");
		zs_buf_json_strz(&b, src->name);
		zs_buf_puts(&b, ",\"scheme\":");
		zs_buf_json_strz(&b, zs_scheme_names[src->scheme]);
		zs_buf_puts(&b, ",\"topic\":");
		zs_buf_json_strz(&b, src->topic[0] ? src->topic : NULL);
		zs_buf_printf(&b, ",\"path\":\"/hooks/%s\"", tokens[i]);
		put_totals(&b, &t, (int)i);
		zs_buf_puts(&b, "}");
	}
	zs_buf_puts(&b, "]}");
	zs_reply_json(req, 200, &b);
	zs_buf_free(&b);
}

static void
put_rejection(const struct zs_rejection *r, void *arg)
{
	struct zs_buf	*b = arg;
	char		 at[ZS_TIME_BUFSZ];

	zs_time_format(r->at_ms, at);
	zs_buf_puts(b, b->len > 0 && b->data[b->len - 1] == '[' ?
	    "{\"at\":" : ",{\"at\":");
	zs_buf_json_strz(b, at);
	zs_buf_puts(b, ",\"reason\":");
	zs_buf_json_strz(b, r->reason);
	zs_buf_printf(b, ",\"status\":%d,\"request_id\":", r->status);
	zs_buf_json_strz(b, r->request_id);
	zs_buf_puts(b, "}");
}

/*
 * GET /hooks/{name}/rejections: the source's refused deliveries, the
 * newest ZS_REJECTS_KEPT of them (time, reason, status, request id: never
 * a body or a secret), and its counts by reason.
 */
static void
get_rejections(struct zs_req *req)
{
	struct reject_totals	 t;
	struct zs_buf		 b, reasons;
	enum zs_store_rc	 rc;
	int			 s;

	if ((s = source_index(req->cfg, req->tenant, req->id)) < 0) {
		zs_reply_error(req, ZS_ERR_NOT_FOUND, "this tenant has no "
		    "webhook source of that name", NULL);
		return;
	}
	memset(&t, 0, sizeof(t));
	t.cfg = req->cfg;
	t.tenant = req->tenant;
	t.by_reason = &reasons;
	t.only = s;
	zs_buf_init(&reasons, 0);
	zs_buf_init(&b, 0);
	zs_buf_puts(&b, "{\"source\":");
	zs_buf_json_strz(&b, req->cfg->sources[s].name);
	zs_buf_puts(&b, ",\"rejections\":[");
	if ((rc = zs_store_reject_counts(req->tenant, add_count, &t)) ==
	    ZS_STORE_OK)
		rc = zs_store_rejections(req->tenant, req->id, put_rejection,
		    &b);
	if (rc != ZS_STORE_OK) {
		zs_buf_free(&reasons);
		zs_buf_free(&b);
		zs_reply_store(req, rc);
		return;
	}
	zs_buf_puts(&b, "]");
	put_totals(&b, &t, s);
	zs_buf_puts(&b, ",\"by_reason\":{");
	zs_buf_append(&b, reasons.data, reasons.len);
	zs_buf_puts(&b, "}}");
	zs_reply_json(req, 200, &b);
	zs_buf_free(&reasons);
	zs_buf_free(&b);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_POST, "/hooks/{id}", ZS_ROUTE_BODY, post_hook, NULL },
	{ ZS_METHOD_GET, "/hooks", ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY, get_hooks,
	    NULL },
	{ ZS_METHOD_GET, "/hooks/{id}/rejections",
	    ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY, get_rejections, NULL },
};

int
main(void)
{
	zs_app_on_refused(refused);
	zs_app_run("zs-hooks", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
