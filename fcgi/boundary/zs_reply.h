/*
 * zs_reply: every response goes out through here, so each one carries
 * X-Request-Id, the RateLimit fields of an authenticated request, the CORS
 * fields of an allowed origin, and errors in the one JSON shape of SPEC
 * "Errors".
 */
#ifndef ZS_REPLY_H
#define ZS_REPLY_H

#include "boundary/zs_req.h"
#include "parse/zs_details.h"
#include "store/zs_store.h"
#include "util/zs_buf.h"

/* The error codes of SPEC "Errors": each has one status. */
enum zs_err {
	ZS_ERR_INVALID_JSON = 0,
	ZS_ERR_BAD_REQUEST,		/* the web server found it malformed */
	ZS_ERR_INVALID_PARAMETER,
	ZS_ERR_UNAUTHORIZED,
	ZS_ERR_FORBIDDEN,
	ZS_ERR_NOT_FOUND,
	ZS_ERR_METHOD_NOT_ALLOWED,
	ZS_ERR_PAYLOAD_TOO_LARGE,
	ZS_ERR_LENGTH_REQUIRED,
	ZS_ERR_URI_TOO_LONG,
	ZS_ERR_HEADERS_TOO_LARGE,
	ZS_ERR_LEASE_NOT_HELD,
	ZS_ERR_EVENT_NOT_DEAD,
	ZS_ERR_UNSUPPORTED_MEDIA_TYPE,
	ZS_ERR_VALIDATION_FAILED,
	ZS_ERR_IDEMPOTENCY_KEY_REUSED,
	ZS_ERR_RATE_LIMITED,
	ZS_ERR_TOO_MANY_STREAMS,
	ZS_ERR_TOO_MANY_WAITERS,
	ZS_ERR_INTERNAL,
	ZS_ERR_UNAVAILABLE,
	ZS_ERR__MAX
};

/* Adds one reply header line ("Name: value", no CRLF). */
void	 zs_reply_header(struct zs_req *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Writes the status line and headers (the common ones, then those added
 * with zs_reply_header) of a reply whose body follows with zs_req_write.
 */
void	 zs_reply_start(struct zs_req *, int status, const char *content_type,
	    const char *cache_control);
/* Sends status with a JSON body (body may be NULL for no body). */
void	 zs_reply_json(struct zs_req *, int status, const struct zs_buf *);
/* Sends the error JSON for code with message and optional details. */
void	 zs_reply_error(struct zs_req *, enum zs_err, const char *message,
	    const struct zs_details *);
/*
 * Sends the reply to a stored event: 201 with id, received_at and
 * Location, or 200 with Idempotent-Replayed for a replay.
 */
void	 zs_reply_accepted(struct zs_req *, const struct zs_inserted *);
/*
 * Answers an insert's result: the reply above, 422 IDEMPOTENCY_KEY_REUSED
 * with message reused for a conflict, or the store's error.
 */
void	 zs_reply_inserted(struct zs_req *, enum zs_store_rc,
	    const struct zs_inserted *, const char *reused);
/* Sends an error whose one detail is (field, message), e.g. a bad query
 * parameter; the message reads "<field> <message>". */
void	 zs_reply_invalid(struct zs_req *, enum zs_err, const char *field,
	    const char *message);
/* Answers a failed store call: 404, 503 (+ Retry-After) or 500. */
void	 zs_reply_store(struct zs_req *, enum zs_store_rc);

#endif
