/*
 * zs_serve: the request boundary. Everything untrusted in a request (the
 * request id, the method and path, the API key, the rate limit, the
 * body's length and type, the idempotency headers) is parsed here into a
 * struct zs_req, and 404/405/401/413/415/429 are answered here; a route's
 * handler runs only with a checked request.
 */
#ifndef ZS_SERVE_H
#define ZS_SERVE_H

#include <stddef.h>

#include "boundary/zs_req.h"
#include "boundary/zs_route.h"
#include "parse/zs_config.h"

/* A responder: its name (for logs), its routes and its settings. */
struct zs_service {
	const char		*name;
	const struct zs_route	*routes;
	size_t			 nroutes;
	struct zs_config	 cfg;
	/* Called after the boundary refused a routed request's body (413
	 * too large, 415 not JSON, 400 cut short), before its handler could
	 * see it; NULL for none. */
	void			(*refused)(struct zs_req *);
};

/*
 * Serves one request whose parameters are envp, reading and writing
 * through io (an FCGX_Request, or NULL for CGI stdin/stdout). With
 * may_defer the handler may keep the request (zs_req_defer): returns 1
 * when it did, and the connection is then the deferred request's. Safe to
 * call from several threads at once; handlers that use the store must
 * serialise that themselves (zs_store.h).
 */
int	 zs_serve(const struct zs_service *, void *io, char **envp,
	    int may_defer);
/* Answers a request 503 UNAVAILABLE with message, without parsing it. */
void	 zs_serve_refuse(void *io, char **envp, const char *message);
/*
 * Parses req's body as kind into req->parsed. Returns 0, or -1 after
 * replying 400 INVALID_JSON (not JSON, or missing where kind needs one),
 * 422 VALIDATION_FAILED (the wrong shape or value, with a detail per
 * problem) or 500. The boundary calls it for every route that names a
 * body kind; a handler that must look at the body as sent first (a
 * webhook's signature) calls it itself.
 */
int	 zs_serve_body(struct zs_req *, const struct zs_body_kind *kind);

#endif
