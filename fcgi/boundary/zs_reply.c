/*
 * zs_reply: every response goes out through here, so each one carries
 * X-Request-Id, the RateLimit fields of an authenticated request, the CORS
 * fields of an allowed origin, and errors in the one JSON shape.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boundary/zs_reply.h"
#include "util/zs_log.h"
#include "util/zs_time.h"

/* Status and code of each enum zs_err. */
static const struct {
	int		 status;
	const char	*code;
} errs[ZS_ERR__MAX] = {
	{ 400, "INVALID_JSON" },
	{ 400, "BAD_REQUEST" },
	{ 400, "INVALID_PARAMETER" },
	{ 401, "UNAUTHORIZED" },
	{ 403, "FORBIDDEN" },
	{ 404, "NOT_FOUND" },
	{ 405, "METHOD_NOT_ALLOWED" },
	{ 413, "PAYLOAD_TOO_LARGE" },
	{ 411, "LENGTH_REQUIRED" },
	{ 414, "URI_TOO_LONG" },
	{ 431, "HEADERS_TOO_LARGE" },
	{ 409, "LEASE_NOT_HELD" },
	{ 409, "EVENT_NOT_DEAD" },
	{ 415, "UNSUPPORTED_MEDIA_TYPE" },
	{ 422, "VALIDATION_FAILED" },
	{ 422, "IDEMPOTENCY_KEY_REUSED" },
	{ 429, "RATE_LIMITED" },
	{ 429, "TOO_MANY_STREAMS" },
	{ 429, "TOO_MANY_WAITERS" },
	{ 500, "INTERNAL" },
	{ 503, "UNAVAILABLE" },
};

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

void
zs_reply_header(struct zs_req *req, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2) {
		zs_log("reply header too long, dropped");
		return;
	}
	zs_buf_append(&req->headers, line, (size_t)n);
	zs_buf_append(&req->headers, "\r\n", 2);
}

/* Appends the headers every reply carries to h. */
static void
common_headers(struct zs_req *req, struct zs_buf *h)
{
	zs_buf_printf(h, "X-Request-Id: %s\r\n", req->request_id);
	if (req->tenant != NULL && req->rate.limit > 0) {
		zs_buf_printf(h, "RateLimit-Policy: \"default\";q=%ld;w=60\r\n"
		    "RateLimit: \"default\";r=%ld;t=%ld\r\n", req->rate.limit,
		    req->rate.remaining, req->rate.reset_s);
	}
	if (req->origin != NULL)
		zs_buf_printf(h, "Access-Control-Allow-Origin: %s\r\n"
		    "Vary: Origin\r\nAccess-Control-Expose-Headers: "
		    "X-Request-Id, Location, Idempotent-Replayed, RateLimit, "
		    "RateLimit-Policy, Retry-After\r\n", req->origin);
	if (req->headers.len)
		zs_buf_append(h, req->headers.data, req->headers.len);
}

/*
 * Sends the header block in h, ended by an empty line, and then the JSON
 * body and a newline when body is not NULL, in one write (a page of
 * events is larger than libfcgi's buffer); frees h. A HEAD request gets
 * the headers alone, Content-Length included (RFC 9110, 9.3.2).
 */
static void
send_reply(struct zs_req *req, struct zs_buf *h, const struct zs_buf *body)
{
	zs_buf_puts(h, "\r\n");
	if (body != NULL && req->method != ZS_METHOD_HEAD) {
		zs_buf_grow(h, body->len + 1);
		zs_buf_append(h, body->data ? body->data : "", body->len);
		zs_buf_append(h, "\n", 1);
	}
	if (h->failed)
		zs_log("reply could not be built");
	else
		zs_req_write(req, h->data, h->len);
	zs_buf_free(h);
}

void
zs_reply_start(struct zs_req *req, int status, const char *content_type,
    const char *cache_control)
{
	struct zs_buf	 h;

	if (req->replied) {
		zs_log("second reply suppressed (status %d)", status);
		return;
	}
	req->replied = 1;
	req->status = status;
	zs_buf_init(&h, 0);
	zs_buf_printf(&h, "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Cache-Control: %s\r\n", status, reason(status), content_type,
	    cache_control);
	common_headers(req, &h);
	send_reply(req, &h, NULL);
}

void
zs_reply_json(struct zs_req *req, int status, const struct zs_buf *body)
{
	struct zs_buf	 h;

	if (req->replied) {
		zs_log("second reply suppressed (status %d)", status);
		return;
	}
	req->replied = 1;
	req->status = status;
	/* Room for the body after the headers (send_reply). */
	zs_buf_init(&h, ZS_BUF_DEFAULT_LIMIT + (body ? body->len : 0));
	zs_buf_printf(&h, "Status: %d %s\r\n", status, reason(status));
	if (body != NULL)
		zs_buf_puts(&h, "Content-Type: application/json\r\n");
	zs_buf_puts(&h, "Cache-Control: no-store\r\n");
	common_headers(req, &h);
	if (body != NULL)
		zs_buf_printf(&h, "Content-Length: %zu\r\n", body->len + 1);
	send_reply(req, &h, body);
}

void
zs_reply_error(struct zs_req *req, enum zs_err err, const char *message,
    const struct zs_details *details)
{
	struct zs_buf	 b;

	zs_buf_init(&b, 0);
	zs_buf_puts(&b, "{\"error\":{\"code\":");
	zs_buf_json_strz(&b, errs[err].code);
	zs_buf_puts(&b, ",\"message\":");
	zs_buf_json_strz(&b, message);
	zs_buf_puts(&b, ",\"request_id\":");
	zs_buf_json_strz(&b, req->request_id);
	zs_buf_puts(&b, ",\"details\":[");
	if (details != NULL && details->n > 0)
		zs_buf_append(&b, details->buf.data, details->buf.len);
	zs_buf_puts(&b, "]}}");
	zs_reply_json(req, errs[err].status, &b);
	zs_buf_free(&b);
}

void
zs_reply_store(struct zs_req *req, enum zs_store_rc rc)
{
	switch (rc) {
	case ZS_STORE_NOTFOUND:
		zs_reply_error(req, ZS_ERR_NOT_FOUND,
		    "no event with this id in your inbox", NULL);
		break;
	case ZS_STORE_BUSY:
		zs_reply_header(req, "Retry-After: 1");
		zs_reply_error(req, ZS_ERR_UNAVAILABLE,
		    "the database is busy; retry shortly", NULL);
		break;
	case ZS_STORE_LEASE_NOT_HELD:
		zs_reply_error(req, ZS_ERR_LEASE_NOT_HELD, "this lease_id is "
		    "not the event's live lease: the lease expired, or the "
		    "event was acknowledged, dead-lettered or leased again",
		    NULL);
		break;
	case ZS_STORE_NOT_DEAD:
		zs_reply_error(req, ZS_ERR_EVENT_NOT_DEAD, "the event is not "
		    "dead-lettered; only a dead event can be redriven", NULL);
		break;
	case ZS_STORE_UNAVAILABLE:
		zs_reply_header(req, "Retry-After: 5");
		zs_reply_error(req, ZS_ERR_UNAVAILABLE,
		    "the database is unavailable", NULL);
		break;
	default:
		zs_reply_error(req, ZS_ERR_INTERNAL,
		    "internal error; the log has details", NULL);
		break;
	}
}

void
zs_reply_inserted(struct zs_req *req, enum zs_store_rc rc,
    const struct zs_inserted *ins, const char *reused)
{
	if (rc == ZS_STORE_OK)
		zs_reply_accepted(req, ins);
	else if (rc == ZS_STORE_CONFLICT)
		zs_reply_error(req, ZS_ERR_IDEMPOTENCY_KEY_REUSED, reused, NULL);
	else
		zs_reply_store(req, rc);
}

void
zs_reply_accepted(struct zs_req *req, const struct zs_inserted *ins)
{
	struct zs_buf	 b;
	char		 t[ZS_TIME_BUFSZ];

	zs_time_format(ins->created_ms, t);
	zs_buf_init(&b, 0);
	zs_buf_printf(&b, "{\"id\":\"%s\",\"received_at\":\"%s\","
	    "\"status\":\"accepted\"}", ins->id, t);
	zs_reply_header(req, "Location: /inbox/%s", ins->id);
	if (ins->replayed)
		zs_reply_header(req, "Idempotent-Replayed: true");
	zs_reply_json(req, ins->replayed ? 200 : 201, &b);
	zs_buf_free(&b);
}

void
zs_reply_invalid(struct zs_req *req, enum zs_err err, const char *field,
    const char *message)
{
	struct zs_details	 d;
	char			 msg[320];

	zs_details_init(&d);
	zs_details_add(&d, field, message);
	snprintf(msg, sizeof(msg), "%s %s", field, message);
	zs_reply_error(req, err, msg, &d);
	zs_details_free(&d);
}
