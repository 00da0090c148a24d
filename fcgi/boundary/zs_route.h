/*
 * zs_route: a responder's routes, and finding the one a request asks for.
 * A route names what the request boundary (zs_serve) must check before its
 * handler runs.
 */
#ifndef ZS_ROUTE_H
#define ZS_ROUTE_H

#include <stddef.h>

#include "parse/zs_body.h"
#include "parse/zs_http.h"

struct zs_req;

/* What a route needs before its handler runs. */
enum zs_route_flags {
	ZS_ROUTE_AUTH = 1 << 0,	/* an API key: sets tenant, rate limited */
	ZS_ROUTE_BODY = 1 << 1,	/* a body: read (bounded), type checked */
	ZS_ROUTE_IDEM = 1 << 2,	/* may carry Idempotency-Key */
	ZS_ROUTE_QUERY_KEY = 1 << 3, /* ?api_key= accepted (EventSource) */
	ZS_ROUTE_NO_QUERY = 1 << 4, /* takes no query parameter (else 400) */
	ZS_ROUTE_EVENT_ID = 1 << 5, /* {id} is an event id (else 404) */
};

struct zs_route {
	enum zs_method	 method;
	const char	*pattern;	/* "/inbox/{id}/ack": {id} is one segment */
	int		 flags;		/* enum zs_route_flags */
	void		(*handler)(struct zs_req *);
	/* With ZS_ROUTE_BODY: what the body must be. The boundary parses it
	 * into req->parsed before the handler runs (NULL: the handler gets
	 * the body as sent, and parses it with zs_serve_body). */
	const struct zs_body_kind *body;
};

/*
 * Finds the route of routes[0..n) for method and path. A literal pattern
 * that matches the path hides the "{id}" patterns (so GET /inbox/ack is a
 * 405, not a lookup of an event called "ack"). A GET route serves HEAD
 * too. Appends the path's methods to allow ("GET, HEAD, POST"). Returns 1 when the path is known, with *r NULL
 * when the method is not allowed there, and the {id} segment in
 * id[ZS_HTTP_PATH_MAX + 1].
 */
int	 zs_route_find(const struct zs_route *routes, size_t n,
	    enum zs_method method, const char *path, const struct zs_route **r,
	    char *id, char *allow, size_t allowsz);

#endif
