/*
 * zs_app: what every responder shares. A responder declares its routes in
 * a table and calls zs_app_run(); the loop accepts requests (FastCGI, or a
 * single CGI request when started that way), parses everything untrusted
 * into struct zs_req, answers 404/405/401/413/415/429 itself, and calls
 * the route's handler only with a checked request.
 */
#ifndef ZS_APP_H
#define ZS_APP_H

#include <stddef.h>

#include "util/zs_buf.h"
#include "parse/zs_config.h"
#include "boundary/zs_details.h"
#include "parse/zs_fields.h"
#include "parse/zs_http.h"
#include "boundary/zs_ratelimit.h"
#include "store/zs_store.h"

#define ZS_REQID_BUFSZ	 (ZS_HTTP_REQID_MAX + 1)

/* What a route needs before its handler runs. */
enum zs_route_flags {
	ZS_ROUTE_AUTH = 1 << 0,	/* an API key: sets tenant, rate limited */
	ZS_ROUTE_BODY = 1 << 1,	/* a JSON body: read, type checked */
	ZS_ROUTE_IDEM = 1 << 2,	/* may carry Idempotency-Key */
	ZS_ROUTE_QUERY_KEY = 1 << 3, /* ?api_key= accepted (EventSource) */
};

struct zs_req;

struct zs_route {
	enum zs_method	 method;
	const char	*pattern;	/* "/inbox/{id}/ack": {id} is one segment */
	int		 flags;		/* enum zs_route_flags */
	void		(*handler)(struct zs_req *);
};

/* One request, parsed. Valid until the handler returns. */
struct zs_req {
	const struct zs_config	*cfg;
	void			*io;		/* FCGX_Request, or NULL in CGI */
	char			**envp;		/* request parameters */
	enum zs_method		 method;
	char			 path[ZS_HTTP_PATH_MAX + 1]; /* decoded */
	const char		*query;		/* raw QUERY_STRING, or "" */
	char			 request_id[ZS_REQID_BUFSZ];
	int			 key_index;	/* into cfg->keys, or -1 */
	const char		*tenant;	/* NULL without ZS_ROUTE_AUTH */
	struct zs_rate		 rate;		/* this request's bucket */
	const char		*origin;	/* allowed CORS origin or NULL */
	char			 id[ZS_HTTP_PATH_MAX + 1]; /* {id} segment */
	char			*body;		/* NUL-terminated, or NULL */
	size_t			 body_len;
	char			 idem_key[ZS_HTTP_IDEM_MAX + 1];
	int			 has_idem;	/* idem_key is set */
	struct zs_buf		 headers;	/* extra reply header lines */
	int			 replied;	/* a reply was written */
	int			 may_defer;	/* zs_req_defer can work */
	int			 deferred;	/* zs_req_defer took it */
};

/* The error codes of SPEC "Errors": each has one status. */
enum zs_err {
	ZS_ERR_INVALID_JSON = 0,
	ZS_ERR_INVALID_PARAMETER,
	ZS_ERR_UNAUTHORIZED,
	ZS_ERR_NOT_FOUND,
	ZS_ERR_METHOD_NOT_ALLOWED,
	ZS_ERR_PAYLOAD_TOO_LARGE,
	ZS_ERR_LEASE_NOT_HELD,
	ZS_ERR_EVENT_NOT_DEAD,
	ZS_ERR_UNSUPPORTED_MEDIA_TYPE,
	ZS_ERR_VALIDATION_FAILED,
	ZS_ERR_IDEMPOTENCY_KEY_REUSED,
	ZS_ERR_RATE_LIMITED,
	ZS_ERR_INTERNAL,
	ZS_ERR_UNAVAILABLE,
	ZS_ERR__MAX
};


/* Runs the responder: never returns. name appears in logs. */
void	 zs_app_run(const char *name, const struct zs_route *, size_t nroutes);
/*
 * Runs the responder with nthreads threads taking requests from the same
 * socket (after start(), when given, succeeds): never returns. In CGI mode
 * it serves the one request directly, without start().
 */
void	 zs_app_run_pool(const char *name, const struct zs_route *,
	    size_t nroutes, int nthreads, int (*start)(void));
/*
 * For responders with their own loop (the stream): loads the settings
 * (exits with the message when they are bad) and opens the store.
 */
const struct zs_config *zs_app_init(const char *name,
	    const struct zs_route *, size_t nroutes);
/*
 * Handles one request whose parameters are envp, reading and writing
 * through io (an FCGX_Request, or NULL for CGI stdin/stdout). Safe to call
 * from several threads at once; handlers that use the store must
 * serialise that themselves.
 */
void	 zs_app_serve(void *io, char **envp);
/*
 * Lets a handler answer later, from another thread (group commit): reads
 * the rest of the request's input (so the answering thread never waits
 * to read), returns a copy of req that owns the connection and the body,
 * and marks req deferred; the handler returns without replying. The owner of the copy
 * replies with the zs_reply_* calls, then calls zs_req_done(), which ends
 * the request and frees the copy. Returns NULL where a request cannot
 * outlive its handler (CGI, zs_app_run, out of memory): then the handler
 * answers as usual.
 */
struct zs_req *zs_req_defer(struct zs_req *);
/* Ends a deferred request after its reply and frees it. */
void	 zs_req_done(struct zs_req *);
/* Restores SIGTERM's default action (call after FCGX_Init in threaded
 * responders, whose threads never see libfcgi's shutdown flag). */
void	 zs_app_default_sigterm(void);
/* Answers a request 503 UNAVAILABLE with message, without parsing it. */
void	 zs_app_refuse(void *io, char **envp, const char *message);

/*
 * Checks the body against a field table (zs_fields.h) into vals. Returns
 * 0, or -1 after replying 400 INVALID_JSON or 422 VALIDATION_FAILED ("the
 * <what> is not valid; see details").
 */
int	 zs_req_fields(struct zs_req *, const struct zs_field *fields,
	    size_t n, struct zs_field_value *vals, const char *what);

/* A request parameter (CGI variable) or NULL. */
const char *zs_req_param(const struct zs_req *, const char *name);

/* Writes raw bytes of the reply (after the header block). */
void	 zs_req_write(struct zs_req *, const char *, size_t);
/* Pushes written bytes to the client; -1 once the client is gone. */
int	 zs_req_flush(struct zs_req *);

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
