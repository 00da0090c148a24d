/*
 * zs-events: POST /events. Checks the body strictly on one of the pool's
 * threads, then stores the event with its idempotency key through group
 * commit (zs_writer.c), in a transaction shared with the other events
 * waiting, and answers 201 only after that commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "zs_app.h"
#include "zs_event.h"
#include "zs_json.h"
#include "zs_query.h"
#include "zs_time.h"
#include "zs_writer.h"

/* The top-level fields of an event body. */
enum field { F_SOURCE, F_TYPE, F_TOPIC, F_PAYLOAD, F__MAX };

static const char *const field_names[F__MAX] = {
	"source", "type", "topic", "payload",
};

/* A body's fields, decoded. */
struct event_body {
	char			 text[3][ZS_TEXT_MAX_BYTES + 1];
					/* source, type, topic */
	int			 has[F__MAX];	/* field present, not null */
	int			 seen[F__MAX];	/* field present */
	struct zs_json_span	 payload;	/* within the minified body */
};

/* Checks one of source/type/topic; adds a detail when it is bad. */
static void
check_text(const char *min, struct zs_json_span val, enum field f,
    struct event_body *eb, struct zs_details *d)
{
	char		 msg[96];
	size_t		 len;
	enum zs_text_rc	 rc;

	if (zs_json_is(min, val, 'n'))
		return;		/* null: same as absent */
	if (!zs_json_is(min, val, '"')) {
		zs_details_add(d, field_names[f], "must be a string");
		return;
	}
	if (zs_json_str_decode(min, val, eb->text[f], sizeof(eb->text[f]),
	    &len) == -1)
		rc = ZS_TEXT_LONG;
	else
		rc = zs_text_check(eb->text[f], len, ZS_TEXT_MAX_CHARS);
	if (rc != ZS_TEXT_OK) {
		snprintf(msg, sizeof(msg), "%s", zs_text_strerror(rc));
		zs_details_add(d, field_names[f], msg);
		return;
	}
	eb->has[f] = 1;
}

/* Walks the body's members into eb, collecting problems in d. */
static void
parse_body(const char *min, size_t len, struct event_body *eb,
    struct zs_details *d)
{
	struct zs_json_span	 key, val;
	char			 name[256];
	size_t			 pos = 0, nlen;
	int			 f;

	while (zs_json_next_member(min, len, &pos, &key, &val)) {
		if (zs_json_str_decode(min, key, name, sizeof(name), &nlen)) {
			nlen = (size_t)snprintf(name, sizeof(name),
			    "(a long field name)");
		}
		for (f = 0; f < F__MAX; f++)
			if (strlen(field_names[f]) == nlen &&
			    memcmp(field_names[f], name, nlen) == 0)
				break;
		if (f == F__MAX) {
			zs_details_add(d, name, "is not a field of an event; "
			    "put your data in payload");
			continue;
		}
		if (eb->seen[f]++) {
			zs_details_add(d, name, "is given more than once");
			continue;
		}
		if (f == F_PAYLOAD) {
			if (!zs_json_is(min, val, '{'))
				zs_details_add(d, name, "must be a JSON "
				    "object");
			else {
				eb->payload = val;
				eb->has[f] = 1;
			}
		} else
			check_text(min, val, (enum field)f, eb, d);
	}
	if (!eb->seen[F_PAYLOAD])
		zs_details_add(d, "payload", "is required");
}

static void
post_events(struct zs_req *req)
{
	struct zs_query_error	 qe;
	struct zs_details	 d;
	struct event_body	 eb;
	struct zs_new_event	 ne;
	struct zs_inserted	 ins;
	enum zs_json_rc		 jrc;
	enum zs_store_rc	 rc;
	char			*min = NULL, msg[128];
	size_t			 minlen, erroff;
	unsigned int		 hlen;

	zs_details_init(&d);
	if (zs_query_none(req->query, &qe) == -1) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, qe.field,
		    qe.message);
		goto out;
	}
	if (req->body == NULL) {
		zs_reply_error(req, ZS_ERR_INVALID_JSON, "the body is empty; "
		    "send a JSON object with a payload", NULL);
		goto out;
	}
	if ((min = malloc(req->body_len + 1)) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
		goto out;
	}
	jrc = zs_json_check(req->body, req->body_len, min, &minlen, &erroff);
	if (jrc != ZS_JSON_OK) {
		snprintf(msg, sizeof(msg), "the body is not valid JSON: %s "
		    "(at byte %zu)", zs_json_strerror(jrc), erroff);
		zs_reply_error(req, ZS_ERR_INVALID_JSON, msg, NULL);
		goto out;
	}
	if (min[0] != '{') {
		zs_reply_invalid(req, ZS_ERR_VALIDATION_FAILED, "body",
		    "must be a JSON object");
		goto out;
	}
	memset(&eb, 0, sizeof(eb));
	parse_body(min, minlen, &eb, &d);
	if (d.n > 0) {
		zs_reply_error(req, ZS_ERR_VALIDATION_FAILED,
		    "the event is not valid; see details", &d);
		goto out;
	}

	memset(&ne, 0, sizeof(ne));
	ne.tenant = req->tenant;
	ne.source = eb.has[F_SOURCE] ? eb.text[F_SOURCE] : NULL;
	ne.type = eb.has[F_TYPE] ? eb.text[F_TYPE] : NULL;
	ne.topic = eb.has[F_TOPIC] ? eb.text[F_TOPIC] : NULL;
	ne.payload = min + eb.payload.off;
	ne.payload_len = eb.payload.len;
	ne.idem_key = req->has_idem ? req->idem_key : NULL;
	if (req->has_idem &&
	    EVP_Digest(min, minlen, ne.body_hash, &hlen, EVP_sha256(), NULL)
	    != 1) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "hashing failed", NULL);
		goto out;
	}
	rc = zs_writer_insert(&ne, &ins);
	zs_reply_inserted(req, rc, &ins,
	    "this idempotency key was used with a different body");
out:
	free(min);
	zs_details_free(&d);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_POST, "/events",
	    ZS_ROUTE_AUTH | ZS_ROUTE_BODY | ZS_ROUTE_IDEM, post_events },
};

int
main(void)
{
	/*
	 * One process (lighttpd.conf) with enough threads that concurrent
	 * posts share one commit.
	 */
	zs_app_run_pool("zs-events", routes, sizeof(routes) / sizeof(routes[0]),
	    64, zs_writer_start);
	return 0;
}
