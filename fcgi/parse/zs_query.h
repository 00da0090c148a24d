/*
 * zs_query: query strings, parsed once into checked values. Unknown and
 * repeated parameters are refused, so a typo never silently changes what a
 * client gets back.
 */
#ifndef ZS_QUERY_H
#define ZS_QUERY_H

#include <stddef.h>

#include "store/zs_store.h"
#include "util/zs_seal.h"

#define ZS_QUERY_NAME_MAX	 136	/* bytes in a parameter name ("payload." and
				   a path of 128) */
#define ZS_QUERY_VALUE_MAX	 1024	/* bytes in a decoded value */

/* Why a query string was refused: becomes one 400 detail. */
struct zs_query_error {
	char	 field[ZS_QUERY_NAME_MAX + 1];	/* parameter name */
	char	 message[160];			/* plain English */
	int	 unprocessable;	/* a search that is well formed as a
				   query but not one we can run (q=,
				   payload.*=, until before since):
				   422, not 400 */
};

/*
 * Decodes the next name=value pair of a query string (percent escapes and
 * '+' for space). Start with *pos = 0. Returns 1 with name and value set,
 * 0 at the end, -1 with err set when a pair is malformed, too long or
 * holds an encoded NUL.
 */
int	 zs_query_next(const char *qs, size_t *pos,
	    char name[ZS_QUERY_NAME_MAX + 1],
	    char value[ZS_QUERY_VALUE_MAX + 1], size_t *vlen,
	    struct zs_query_error *err);
/*
 * Finds parameter name; copies its decoded value. Returns 1 when found, 0
 * when absent or malformed.
 */
int	 zs_query_find(const char *qs, const char *name,
	    char value[ZS_QUERY_VALUE_MAX + 1], size_t *vlen);
/*
 * Refuses api_key (every endpoint but the stream): 0, or -1 with the
 * message. Checked before authentication, so a key sent only there is a
 * 400 saying where keys go, not a 401.
 */
int	 zs_query_no_key(const char *qs, struct zs_query_error *err);
/* Refuses any parameter (endpoints that take none). 0 or -1. */
int	 zs_query_none(const char *qs, struct zs_query_error *err);
/* GET /inbox/stream, checked. */
struct zs_stream_params {
	struct zs_filter	 topic;
	struct zs_filter	 type;
	struct zs_filter	 source;
	int64_t			 last_event_id;	/* replay after this change
						   seq; -1 = live only */
};

/* What is wrong with a Last-Event-ID or last_event_id that is refused. */
#define ZS_QUERY_EVENT_ID_MESSAGE \
	"must be the id: of a message of this stream (1 to 18 digits), or 0"

/*
 * Parses a Last-Event-ID value, decimal digits (at most 18), and opens it
 * with the tenant's key into the change seq *out; 0 stands for the very
 * start (*out = 0). 0, or -1 when malformed or not an id (util/zs_seal.h).
 */
int	 zs_query_event_id(const char *v, const struct zs_seal_key *key,
	    int64_t *out);
/* Parses GET /inbox/stream parameters into p, last_event_id opened with
 * the tenant's key. 0 or -1 with err set. */
int	 zs_query_stream(const char *qs, const struct zs_seal_key *key,
	    struct zs_stream_params *p, struct zs_query_error *err);
/* Parses GET /inbox parameters into p, a cursor opened with the tenant's
 * key. 0 or -1 with err set. */
int	 zs_query_list(const char *qs, const struct zs_seal_key *key,
	    struct zs_list_params *p, struct zs_query_error *err);
/* GET /stats: a range, or a custom window since (and until). */
struct zs_stats_params {
	enum zs_stats_range	 range;		/* without since */
	int64_t			 since_ms;	/* -1: a range */
	int64_t			 until_ms;	/* -1: to now */
};
/* Parses GET /stats parameters: range=1h|24h|7d (default 1h), or since
 * with an optional until instead. 0 or -1 with err set. */
int	 zs_query_stats(const char *qs, struct zs_stats_params *p,
	    struct zs_query_error *err);

#endif
