/*
 * zs_serve: the request boundary. See zs_serve.h. Each step parses one
 * untrusted part of the request into struct zs_req, or answers the
 * request itself; the route's handler runs last.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary/zs_access.h"
#include "boundary/zs_auth.h"
#include "boundary/zs_authfail.h"
#include "boundary/zs_reply.h"
#include "boundary/zs_serve.h"
#include "parse/zs_event.h"
#include "parse/zs_query.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"
#include "util/zs_ulid.h"

int
zs_serve_body(struct zs_req *req, const struct zs_body_kind *kind)
{
	struct zs_details	 d;
	enum zs_body_rc		 rc;
	char			 msg[128];

	zs_details_init(&d);
	zs_body_free(&req->parsed);
	rc = zs_body_parse(kind, req->body, req->body_len, &req->parsed, &d,
	    msg, sizeof(msg));
	if (rc == ZS_BODY_JSON)
		zs_reply_error(req, ZS_ERR_INVALID_JSON, msg, NULL);
	else if (rc == ZS_BODY_INVALID)
		zs_reply_error(req, ZS_ERR_VALIDATION_FAILED, msg, &d);
	else if (rc == ZS_BODY_NOMEM)
		zs_reply_error(req, ZS_ERR_INTERNAL, msg, NULL);
	zs_details_free(&d);
	return rc == ZS_BODY_OK ? 0 : -1;
}

/* Sets req->request_id: the client's if usable, else a new one. */
static void
set_request_id(struct zs_req *req)
{
	const char	*v = zs_req_param(req, "HTTP_X_REQUEST_ID");
	struct zs_ulid	 u;
	char		 s[ZS_ULID_LEN + 1];

	if (zs_http_request_id_ok(v)) {
		snprintf(req->request_id, sizeof(req->request_id), "%s", v);
		return;
	}
	if (zs_ulid_next(NULL, (uint64_t)zs_time_now_ms(), &u) == -1)
		memset(&u, 0, sizeof(u));
	zs_ulid_encode(&u, s);
	snprintf(req->request_id, sizeof(req->request_id), "req_%s", s);
}

/* Answers OPTIONS: the methods of this path, and CORS if allowed. */
static void
reply_options(struct zs_req *req, const char *allow)
{
	zs_reply_header(req, "Allow: %s, OPTIONS", allow);
	if (req->origin != NULL &&
	    zs_req_param(req, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") != NULL) {
		zs_reply_header(req, "Access-Control-Allow-Methods: %s, "
		    "OPTIONS", allow);
		zs_reply_header(req, "Access-Control-Allow-Headers: "
		    "Authorization, X-API-Key, Content-Type, Idempotency-Key, "
		    "X-Idempotency-Key, Last-Event-ID, X-Request-Id");
		zs_reply_header(req, "Access-Control-Max-Age: 600");
	}
	zs_reply_json(req, 204, NULL);
}

/*
 * Finds the API key (also ?api_key= when query_key); sets tenant. Returns
 * 0, or -1 after replying 401 (or 400: ?api_key= where it is not taken;
 * or 429: this address has sent too many wrong keys, zs_authfail).
 */
static int
authenticate(struct zs_req *req, int query_key)
{
	const char		*v, *key = NULL;
	size_t			 len = 0;
	int			 bad = 0;
	char			 qkey[ZS_QUERY_VALUE_MAX + 1];
	struct zs_query_error	 qe;
	const char		*addr = zs_req_param(req, "REMOTE_ADDR");
	long			 retry;

	if (!query_key && zs_query_no_key(req->query, &qe) == -1) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, qe.field,
		    qe.message);
		return -1;
	}
	if (zs_authfail_check(req->cfg, addr, zs_time_now_ms(), &retry) ==
	    -1) {
		zs_metrics_limited(ZS_ML_ADDRESS);
		zs_reply_header(req, "Retry-After: %ld", retry);
		zs_reply_error(req, ZS_ERR_RATE_LIMITED, "too many wrong API "
		    "keys from this address; see Retry-After", NULL);
		return -1;
	}
	if ((v = zs_req_param(req, "HTTP_AUTHORIZATION")) != NULL)
		bad = zs_auth_bearer(v, &key, &len);
	else if ((v = zs_req_param(req, "HTTP_X_API_KEY")) != NULL)
		bad = zs_auth_plain(v, &key, &len);
	else if (query_key &&
	    zs_query_find(req->query, "api_key", qkey, &len) == 1) {
		v = key = qkey;
	}
	if (key == NULL || bad)
		req->key_index = -1;
	else
		req->key_index = zs_auth_lookup(req->cfg, key, len);
	if (req->key_index >= 0) {
		req->tenant = req->cfg->keys[req->key_index].tenant;
		return 0;
	}
	if (v != NULL)		/* a key was presented, and was wrong */
		zs_authfail_record(req->cfg, addr, zs_time_now_ms());
	zs_reply_header(req, "WWW-Authenticate: Bearer realm=\"zapstream\"");
	zs_reply_error(req, ZS_ERR_UNAUTHORIZED, v == NULL ?
	    "missing API key: send Authorization: Bearer <key> or "
	    "X-API-Key: <key>" : "unknown API key", NULL);
	return -1;
}

/*
 * Refuses a request that needs a key when there are none (fail closed:
 * zs_config; zs_app logs why at start-up). Returns 0 or -1 after replying 503.
 */
static int
have_keys(struct zs_req *req)
{
	if (req->cfg->nkeys > 0)
		return 0;
	zs_reply_header(req, "Retry-After: 60");
	zs_reply_error(req, ZS_ERR_UNAVAILABLE, "this server has no API keys "
	    "configured; its operator must set API_KEYS", NULL);
	return -1;
}

/*
 * Takes a token from the key's bucket. Returns 0 or -1 after a 429 whose
 * message names the limit, when it refills and the setting, so that a
 * client refused in a loop learns why without reading the headers.
 */
static int
rate_limit(struct zs_req *req)
{
	char	 msg[192];

	zs_ratelimit_take(req->key_index, zs_time_now_ms(), &req->rate);
	if (req->rate.allowed)
		return 0;
	zs_metrics_limited(ZS_ML_KEY);
	zs_reply_header(req, "Retry-After: %ld", req->rate.retry_after_s);
	snprintf(msg, sizeof(msg), "this API key is over its limit of %ld "
	    "requests a minute (RATE_LIMIT_PER_MINUTE): the next request is "
	    "allowed in %ld s, all %ld in %ld s", req->rate.limit,
	    req->rate.retry_after_s, req->rate.limit, req->rate.reset_s);
	zs_reply_error(req, ZS_ERR_RATE_LIMITED, msg, NULL);
	return -1;
}

/* Reads the idempotency headers. Returns 0 or -1 after replying 400. */
static int
read_idem(struct zs_req *req)
{
	const char		*a = zs_req_param(req, "HTTP_IDEMPOTENCY_KEY");
	const char		*b = zs_req_param(req, "HTTP_X_IDEMPOTENCY_KEY");
	char			 ka[ZS_HTTP_IDEM_MAX + 1] = "";
	char			 kb[ZS_HTTP_IDEM_MAX + 1] = "";
	int			 bad;
	struct zs_details	 d;

	if (a == NULL && b == NULL)
		return 0;
	bad = (a != NULL && zs_http_idem_key(a, ka) == -1) ||
	    (b != NULL && zs_http_idem_key(b, kb) == -1) ||
	    (a != NULL && b != NULL && strcmp(ka, kb) != 0);
	if (bad) {
		zs_details_init(&d);
		zs_details_add(&d, a ? "Idempotency-Key" : "X-Idempotency-Key",
		    a && b ? "both headers must carry the same key, of 1 to "
		    "255 visible ASCII characters" : "must be 1 to 255 visible "
		    "ASCII characters");
		zs_reply_error(req, ZS_ERR_INVALID_PARAMETER,
		    "the idempotency key is malformed", &d);
		zs_details_free(&d);
		return -1;
	}
	memcpy(req->idem_key, a ? ka : kb, sizeof(req->idem_key));
	req->has_idem = 1;
	return 0;
}

/* Reads and checks the body. Returns 0 or -1 after replying. */
static int
read_request_body(struct zs_req *req, const struct zs_route *r)
{
	long		 len, max = req->cfg->max_payload;
	int		 too_big;
	char		 msg[96];

	len = zs_http_content_length(zs_req_param(req, "CONTENT_LENGTH"),
	    max, &too_big);
	if (too_big) {
		snprintf(msg, sizeof(msg), "the body is larger than %ld bytes",
		    max);
		zs_reply_error(req, ZS_ERR_PAYLOAD_TOO_LARGE, msg, NULL);
		return -1;
	}
	if (len < 0) {
		zs_reply_error(req, ZS_ERR_INVALID_PARAMETER,
		    "the Content-Length header is malformed", NULL);
		return -1;
	}
	if (!(r->flags & ZS_ROUTE_BODY) || len == 0)
		return 0;	/* unread bytes are discarded by libfcgi */
	if (zs_http_ctype(zs_req_param(req, "CONTENT_TYPE")) ==
	    ZS_CTYPE_OTHER) {
		zs_reply_error(req, ZS_ERR_UNSUPPORTED_MEDIA_TYPE,
		    "send the body as Content-Type: application/json", NULL);
		return -1;
	}
	if ((req->body = malloc((size_t)len + 1)) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
		return -1;
	}
	req->body_len = zs_req_read(req, req->body, (size_t)len);
	req->body[req->body_len] = '\0';
	if (req->body_len != (size_t)len) {
		zs_reply_error(req, ZS_ERR_INVALID_JSON,
		    "the body ended before Content-Length bytes arrived", NULL);
		return -1;
	}
	return 0;
}

/* Refuses any query parameter. Returns 0 or -1 after replying 400. */
static int
no_query(struct zs_req *req)
{
	struct zs_query_error	 qe;

	if (zs_query_none(req->query, &qe) == 0)
		return 0;
	zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, qe.field, qe.message);
	return -1;
}

/* Requires {id} to be an event id. Returns 0 or -1 after replying 404:
 * an id that cannot exist is an event that does not. */
static int
event_id(struct zs_req *req)
{
	if (zs_event_id_ok(req->id))
		return 0;
	zs_reply_store(req, ZS_STORE_NOTFOUND);
	return -1;
}

/*
 * Answers a request no route takes: a JSON 404, or, when the web server
 * hands us its own refusal (lighttpd's server.error-handler, Apache's
 * ErrorDocument: the status in REDIRECT_STATUS), that error in the one
 * JSON shape with X-Request-Id. A denied dotfile (403) is a 404, as any
 * file that is not there.
 */
static void
not_routed(struct zs_req *req)
{
	const char	*v = zs_req_param(req, "REDIRECT_STATUS");
	int		 status = v != NULL ? atoi(v) : 404;

	switch (status) {
	case 400:
		zs_reply_error(req, ZS_ERR_BAD_REQUEST, "the web server found "
		    "the request malformed", NULL);
		break;
	case 411:
		zs_reply_error(req, ZS_ERR_LENGTH_REQUIRED, "send the body with "
		    "a Content-Length, or chunked", NULL);
		break;
	case 413:
		zs_reply_error(req, ZS_ERR_PAYLOAD_TOO_LARGE, "the request is "
		    "larger than the web server accepts", NULL);
		break;
	case 414:
		zs_reply_error(req, ZS_ERR_URI_TOO_LONG, "the URL is longer "
		    "than the web server accepts", NULL);
		break;
	case 431:
		zs_reply_error(req, ZS_ERR_HEADERS_TOO_LARGE, "the request "
		    "headers are larger than the web server accepts", NULL);
		break;
	case 500:
		zs_reply_error(req, ZS_ERR_INTERNAL, "internal error; the log "
		    "has details", NULL);
		break;
	case 502:
	case 503:
	case 504:
		zs_reply_header(req, "Retry-After: 5");
		zs_reply_error(req, ZS_ERR_UNAVAILABLE, "the server is "
		    "starting or overloaded; retry shortly", NULL);
		break;
	default:
		zs_reply_error(req, ZS_ERR_NOT_FOUND, "no such route; see "
		    "/docs for the API", NULL);
		break;
	}
}

/* Finds the request's route, or answers 404, 405 or OPTIONS itself. */
static const struct zs_route *
route(const struct zs_service *svc, struct zs_req *req)
{
	const struct zs_route	*r = NULL;
	char			 allow[64] = "";
	int			 known = 0;

	if (zs_http_path(zs_req_param(req, "REQUEST_URI"), req->path) == 0)
		known = zs_route_find(svc->routes, svc->nroutes, req->method,
		    req->path, &r, req->id, allow, sizeof(allow));
	if (!known)
		not_routed(req);
	else if (r == NULL && req->method == ZS_METHOD_OPTIONS)
		reply_options(req, allow);
	else if (r == NULL) {
		zs_reply_header(req, "Allow: %s, OPTIONS", allow);
		zs_reply_error(req, ZS_ERR_METHOD_NOT_ALLOWED,
		    "this method is not allowed here; see the Allow header",
		    NULL);
	}
	return r;
}

/* Parses one request and hands it to its route. */
static void
handle(const struct zs_service *svc, struct zs_req *req)
{
	const struct zs_route	*r;
	const char		*origin;

	set_request_id(req);
	zs_log_set_request(req->request_id);
	req->cfg = &svc->cfg;
	req->key_index = -1;
	req->method = zs_http_method(zs_req_param(req, "REQUEST_METHOD"));
	req->query = zs_req_param(req, "QUERY_STRING");
	if (req->query == NULL)
		req->query = "";
	origin = zs_req_param(req, "HTTP_ORIGIN");
	if (origin != NULL &&
	    zs_config_origin_allowed(req->cfg, origin, strlen(origin)))
		req->origin = origin;

	if ((r = route(svc, req)) == NULL)
		return;
	req->route = r->pattern;
	if ((r->flags & ZS_ROUTE_AUTH) && (have_keys(req) == -1 ||
	    authenticate(req, r->flags &
	    ZS_ROUTE_QUERY_KEY) == -1 || rate_limit(req) == -1))
		return;
	if (read_request_body(req, r) == -1) {
		if (svc->refused != NULL)
			svc->refused(req);
		return;
	}
	if ((r->flags & ZS_ROUTE_IDEM) && read_idem(req) == -1)
		return;
	if ((r->flags & ZS_ROUTE_NO_QUERY) && no_query(req) == -1)
		return;
	if ((r->flags & ZS_ROUTE_EVENT_ID) && event_id(req) == -1)
		return;
	if (r->body != NULL && zs_serve_body(req, r->body) == -1)
		return;
	r->handler(req);
	if (!req->replied && !req->deferred) {
		zs_log("handler for %s sent no reply", r->pattern);
		zs_reply_error(req, ZS_ERR_INTERNAL,
		    "internal error; the log has details", NULL);
	}
}

int
zs_serve(const struct zs_service *svc, void *io, char **envp, int may_defer)
{
	struct zs_req	 req;

	memset(&req, 0, sizeof(req));
	req.io = io;
	req.envp = envp;
	req.may_defer = may_defer;
	req.start_us = zs_time_mono_us();
	zs_buf_init(&req.headers, 8192);
	handle(svc, &req);
	if (!req.deferred) {	/* else zs_req_done logs and counts it */
		zs_access_log(&req);
		zs_metrics_request(req.route, req.status,
		    zs_time_mono_us() - req.start_us);
	}
	free(req.body);
	zs_body_free(&req.parsed);
	zs_buf_free(&req.headers);
	zs_log_set_request(NULL);
	return req.deferred;
}

void
zs_serve_refuse(void *io, char **envp, const char *message)
{
	struct zs_req	 req;

	memset(&req, 0, sizeof(req));
	req.io = io;
	req.envp = envp;
	zs_buf_init(&req.headers, 1024);
	set_request_id(&req);
	zs_reply_header(&req, "Retry-After: 5");
	zs_reply_error(&req, ZS_ERR_UNAVAILABLE, message, NULL);
	zs_buf_free(&req.headers);
}
