/*
 * zs_body: the one path every JSON request body takes. zs_body_parse()
 * runs the body through the strict gate (zs_json.h), keeps the minified
 * copy, requires an object, and hands that object to the parser of the
 * body's kind, which fills a typed struct. Problems come back in one
 * shape: a body that is not JSON at all (or is missing where one is
 * required) is ZS_BODY_JSON, a 400; a JSON body of the wrong shape or
 * with a wrong value is ZS_BODY_INVALID with one detail per problem, a
 * 422. A route names its kind (zs_route.h); the request boundary calls
 * this before the route's handler runs.
 */
#ifndef ZS_BODY_H
#define ZS_BODY_H

#include <stddef.h>

#include "parse/zs_details.h"
#include "parse/zs_json.h"

#define ZS_BODY_NAME_MAX 255	/* bytes of a member name kept for details */

/* What a body must be, and how to read it. */
struct zs_body_kind {
	const char	*what;		/* "event": in "the event is not
					   valid; see details" */
	const char	*empty;		/* the 400's message for no body;
					   NULL: no body reads as {} */
	size_t		 size;		/* bytes of the parsed value */
	/*
	 * Reads the object json[0..len) (minified, accepted by the gate)
	 * into value (size bytes, zeroed), adding a detail to d for each
	 * problem. NULL: any object will do.
	 */
	void		(*parse)(const char *json, size_t len,
			    const void *arg, void *value,
			    struct zs_details *d);
	const void	*arg;		/* handed to parse (a field table) */
};

/* A body that went through the gate. */
struct zs_body {
	char		*json;		/* minified, NUL-terminated, or NULL */
	size_t		 len;		/* bytes in json */
	void		*value;		/* kind->size bytes, or NULL */
};

enum zs_body_rc {
	ZS_BODY_OK = 0,
	ZS_BODY_JSON,		/* not JSON, or missing: msg says why (400) */
	ZS_BODY_INVALID,	/* the wrong shape or value: d says (422) */
	ZS_BODY_NOMEM,		/* msg says so (500) */
};

/*
 * Parses raw[0..len) (raw NULL: no body) as a body of kind into out,
 * which the caller frees with zs_body_free whatever the result.
 */
enum zs_body_rc	 zs_body_parse(const struct zs_body_kind *, const char *raw,
		    size_t len, struct zs_body *out, struct zs_details *d,
		    char *msg, size_t msgsz);
void		 zs_body_free(struct zs_body *);
/*
 * For parsers: decodes the member name key into name[ZS_BODY_NAME_MAX +
 * 1], to look it up and to name it in a detail; a longer name reads "(a
 * long field name)". Returns its length in bytes.
 */
size_t		 zs_body_key(const char *json, struct zs_json_span key,
		    char *name);

#endif
