/*
 * zs-hooks: webhook sources. POST /hooks/{token} takes a provider's own
 * JSON (Stripe, GitHub, Shopify, Standard Webhooks, or unsigned), checks
 * its signature on the raw body (zs_sig.c) and stores it as an ordinary
 * event of the source's tenant, deduplicated by the provider's delivery
 * id through the idempotency keys. GET /hooks lists a tenant's sources
 * with their URLs, never their secrets.
 *
 * An unknown token costs the same HMAC as a known one with a wrong
 * signature, so the reply time does not tell which tokens exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "boundary/zs_app.h"
#include "boundary/zs_serve.h"
#include "parse/zs_json.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"
#include "webhooks/zs_sig.h"
#include "webhooks/zs_token.h"

#define DELIVERY_ID_MAX	 200	/* characters of a usable delivery id */

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
		zs_metrics_hook(src->name, 0, "invalid_body");
		return;
	}
	json = req->parsed.json;
	len = req->parsed.len;
	zs_ratelimit_take_source(s, zs_time_now_ms(), &rate);
	if (!rate.allowed) {
		zs_metrics_limited(ZS_ML_SOURCE);
		zs_metrics_hook(src->name, 0, "rate_limited");
		zs_reply_header(req, "Retry-After: %ld", rate.retry_after_s);
		snprintf(msg, sizeof(msg), "this source is over its limit of "
		    "%ld deliveries a minute (WEBHOOK_RATE_LIMIT_PER_MINUTE): "
		    "the next delivery is allowed in %ld s, all %ld in %ld s",
		    rate.limit, rate.retry_after_s, rate.limit, rate.reset_s);
		zs_reply_error(req, ZS_ERR_RATE_LIMITED, msg, NULL);
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
		zs_metrics_hook(src->name, 0, "internal");
		zs_reply_error(req, ZS_ERR_INTERNAL, "hashing failed", NULL);
		return;
	}
	rc = zs_store_insert(&ne, &ins);
	if (rc == ZS_STORE_OK)
		zs_metrics_hook(src->name, 1, ins.replayed ? "duplicate" :
		    "stored");
	else
		zs_metrics_hook(src->name, 0, rc == ZS_STORE_CONFLICT ?
		    "conflict" : "store_failed");
	zs_reply_inserted(req, rc, &ins,
	    "this delivery id was already stored with a different body");
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
		zs_metrics_hook(cfg->sources[s].name, 0, "bad_signature");
		snprintf(msg, sizeof(msg), "the %s signature is missing or "
		    "does not match this source's secret",
		    zs_sig_headers[cfg->sources[s].scheme]);
		zs_reply_error(req, ZS_ERR_UNAUTHORIZED, msg, NULL);
		break;
	case ZS_SIG_STALE:
		zs_metrics_hook(cfg->sources[s].name, 0, "stale_timestamp");
		snprintf(msg, sizeof(msg), "is more than %ld seconds away "
		    "from the server's clock", cfg->hook_tolerance_s);
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER,
		    cfg->sources[s].scheme == ZS_SCHEME_STRIPE ?
		    "Stripe-Signature timestamp" : "webhook-timestamp", msg);
		break;
	default:
		zs_metrics_hook(cfg->sources[s].name, 0, "internal");
		zs_reply_error(req, ZS_ERR_INTERNAL, "internal error; the log "
		    "has details", NULL);
		break;
	}
}

/* GET /hooks: the tenant's sources, with paths and without secrets. */
static void
get_hooks(struct zs_req *req)
{
	const struct zs_config	*cfg = req->cfg;
	zs_token_t		 tokens[ZS_SOURCES_MAX];
	struct zs_buf		 b;
	enum zs_store_rc	 rc;
	size_t			 i;
	int			 n = 0;

	if ((rc = zs_token_load(cfg, tokens)) != ZS_STORE_OK) {
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
		zs_buf_printf(&b, ",\"path\":\"/hooks/%s\"}", tokens[i]);
	}
	zs_buf_puts(&b, "]}");
	zs_reply_json(req, 200, &b);
	zs_buf_free(&b);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_POST, "/hooks/{id}", ZS_ROUTE_BODY, post_hook, NULL },
	{ ZS_METHOD_GET, "/hooks", ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY, get_hooks,
	    NULL },
};

int
main(void)
{
	zs_app_run("zs-hooks", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
