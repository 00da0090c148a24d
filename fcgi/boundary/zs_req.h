/*
 * zs_req: one request as its handler sees it, and the request's I/O: its
 * parameters, its body, its reply bytes, and deferral (answering later,
 * from another thread). zs_serve fills a zs_req from the untrusted
 * parameters before any handler runs; handlers read the checked fields
 * and never the raw parameters for anything zs_req already holds.
 */
#ifndef ZS_REQ_H
#define ZS_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "boundary/zs_ratelimit.h"
#include "parse/zs_body.h"
#include "parse/zs_config.h"
#include "parse/zs_http.h"
#include "util/zs_buf.h"

#define ZS_REQID_BUFSZ	 (ZS_HTTP_REQID_MAX + 1)

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
	char			*body;		/* as sent, NUL-terminated, or
						   NULL */
	size_t			 body_len;
	struct zs_body		 parsed;	/* the body through the gate,
						   by the route's kind */
	char			 idem_key[ZS_HTTP_IDEM_MAX + 1];
	int			 has_idem;	/* idem_key is set */
	struct zs_buf		 headers;	/* extra reply header lines */
	int			 replied;	/* a reply was written */
	int			 status;	/* its status, once replied */
	size_t			 bytes_out;	/* reply bytes written */
	int64_t			 start_us;	/* zs_time_mono_us at arrival */
	const char		*route;		/* the route's pattern, or
						   NULL before one matched */
	int			 may_defer;	/* zs_req_defer can work */
	int			 deferred;	/* zs_req_defer took it */
};

/* A request parameter (CGI variable) or NULL. */
const char *zs_req_param(const struct zs_req *, const char *name);
/* Reads up to len body bytes into buf; returns the bytes read (fewer
 * only when the input ended). */
size_t	 zs_req_read(struct zs_req *, char *buf, size_t len);
/* Writes raw bytes of the reply (zs_reply writes the header block). */
void	 zs_req_write(struct zs_req *, const char *, size_t);
/* Pushes written bytes to the client; -1 once the client is gone. */
int	 zs_req_flush(struct zs_req *);
/*
 * Nonzero when the web server has closed the request's FastCGI connection
 * (or sent FCGI_ABORT_REQUEST: anything readable once the input has
 * ended), looked at without waiting; reads the rest of the input first
 * when that is what is readable. lighttpd and Apache close it only after
 * a write to a client that left has failed, so a reply that lasts must
 * write now and then (zs-stream does). Under CGI there is no connection
 * to look at: always 0, and the next write fails instead.
 */
int	 zs_req_gone(struct zs_req *);
/*
 * Lets a handler answer later, from another thread (group commit): reads
 * the rest of the request's input (so the answering thread never waits
 * to read), returns a copy of req that owns the connection and the body,
 * and marks req deferred; the handler returns without replying. The owner
 * of the copy replies with the zs_reply_* calls, then calls zs_req_done(),
 * which ends the request and frees the copy. Returns NULL where a request
 * cannot outlive its handler (CGI, zs_app_run, out of memory): then the
 * handler answers as usual.
 */
struct zs_req *zs_req_defer(struct zs_req *);
/* Ends a deferred request after its reply and frees it. */
void	 zs_req_done(struct zs_req *);
/*
 * Ends a FastCGI request (an FCGX_Request) that was not deferred: closes
 * the connection at once when its input was read to the end, else lets
 * libfcgi drain it first.
 */
void	 zs_req_end(void *io);

#endif
