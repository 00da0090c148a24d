/*
 * zs_app: the process models a responder runs under. A responder declares
 * its routes in a table and calls one of these; each loads the settings
 * (exiting with the message when they are bad), opens the store, serves a
 * single request and exits when started as a CGI program, and otherwise
 * takes FastCGI requests until it is stopped. Every request goes through
 * zs_serve.
 */
#ifndef ZS_APP_H
#define ZS_APP_H

#include <stddef.h>

#include "boundary/zs_reply.h"
#include "boundary/zs_req.h"
#include "boundary/zs_route.h"
#include "parse/zs_config.h"

/* One thread takes one request at a time (the store is single-writer
 * there anyway: zs-inbox, zs-stats, zs-hooks, zs-health). */
void	 zs_app_run(const char *name, const struct zs_route *, size_t nroutes);
/*
 * nthreads threads take requests from the same socket, after start()
 * (when given) succeeds: zs-events (whose start() runs the writer thread)
 * and zs-lease (long polls).
 */
void	 zs_app_run_pool(const char *name, const struct zs_route *,
	    size_t nroutes, int nthreads, int (*start)(const struct zs_config *));
/*
 * A thread per connection for replies that last (zs-stream), at most
 * STREAM_MAX_CLIENTS at once: beyond that a request is answered 503 at
 * once. start() runs first, in CGI mode too (the stream's hub serves a
 * CGI stream as well).
 */
void	 zs_app_run_streams(const char *name, const struct zs_route *,
	    size_t nroutes, int (*start)(const struct zs_config *));

/* Before a run: fn learns of the bodies the boundary refuses on routes of
 * this responder (zs_service.refused): zs-hooks logs them per source. */
void	 zs_app_on_refused(void (*fn)(struct zs_req *));

#endif
