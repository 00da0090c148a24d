/*
 * zs-events: POST /events. Checks the body strictly on one of the pool's
 * threads, then hands the event with its idempotency key to the writer
 * thread (zs_writer.c), which stores it in a transaction shared with the
 * other events queued and answers 201 only after that commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "boundary/zs_app.h"
#include "parse/zs_event.h"
#include "parse/zs_json.h"
#include "util/zs_log.h"
#include "parse/zs_query.h"
#include "util/zs_time.h"
#include "threads/zs_writer.h"

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

/*
 * An event on its way to the writer: it owns the deferred request, the
 * decoded fields and the minified body that new_event points into.
 */
struct posted {
	struct zs_write		 w;		/* first: done() casts back */
	struct zs_req		*req;
	struct event_body	 eb;
	char			*min;
	struct zs_new_event	 ne;
};

/* Sets ne's fields (body_hash aside) from the checked body in p and req. */
static void
set_new_event(struct posted *p, const struct zs_req *req)
{
	p->ne.tenant = req->tenant;
	p->ne.source = p->eb.has[F_SOURCE] ? p->eb.text[F_SOURCE] : NULL;
	p->ne.type = p->eb.has[F_TYPE] ? p->eb.text[F_TYPE] : NULL;
	p->ne.topic = p->eb.has[F_TOPIC] ? p->eb.text[F_TOPIC] : NULL;
	p->ne.payload = p->min + p->eb.payload.off;
	p->ne.payload_len = p->eb.payload.len;
	p->ne.idem_key = req->has_idem ? req->idem_key : NULL;
}

static void
reply_stored(struct zs_req *req, enum zs_store_rc rc,
    const struct zs_inserted *ins)
{
	zs_reply_inserted(req, rc, ins,
	    "this idempotency key was used with a different body");
}

static void
free_posted(struct posted *p)
{
	free(p->min);
	free(p);
}

/* On the writer's thread, after the commit: answers and ends it. */
static void
committed(struct zs_write *w)
{
	struct posted	*p = (struct posted *)w;

	zs_log_set_request(p->req->request_id);
	reply_stored(p->req, w->rc, &w->out);
	zs_req_done(p->req);
	free_posted(p);
}

static void
post_events(struct zs_req *req)
{
	struct zs_query_error	 qe;
	struct zs_details	 d;
	struct posted		*p;
	struct zs_req		*later;
	struct zs_inserted	 ins;
	enum zs_json_rc		 jrc;
	char			 msg[128];
	size_t			 minlen, erroff;
	unsigned int		 hlen;

	zs_details_init(&d);
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
		goto out;
	}
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
	if ((p->min = malloc(req->body_len + 1)) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
		goto out;
	}
	jrc = zs_json_check(req->body, req->body_len, p->min, &minlen, &erroff);
	if (jrc != ZS_JSON_OK) {
		snprintf(msg, sizeof(msg), "the body is not valid JSON: %s "
		    "(at byte %zu)", zs_json_strerror(jrc), erroff);
		zs_reply_error(req, ZS_ERR_INVALID_JSON, msg, NULL);
		goto out;
	}
	if (p->min[0] != '{') {
		zs_reply_invalid(req, ZS_ERR_VALIDATION_FAILED, "body",
		    "must be a JSON object");
		goto out;
	}
	parse_body(p->min, minlen, &p->eb, &d);
	if (d.n > 0) {
		zs_reply_error(req, ZS_ERR_VALIDATION_FAILED,
		    "the event is not valid; see details", &d);
		goto out;
	}
	if (req->has_idem && EVP_Digest(p->min, minlen, p->ne.body_hash,
	    &hlen, EVP_sha256(), NULL) != 1) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "hashing failed", NULL);
		goto out;
	}

	/* Checked: the writer answers it after its commit. */
	if ((later = zs_req_defer(req)) != NULL) {
		set_new_event(p, later);
		p->req = later;
		p->w.ev = &p->ne;
		p->w.done = committed;
		zs_writer_submit(&p->w);
		p = NULL;
		goto out;
	}
	/* No writer (CGI): store it here. */
	set_new_event(p, req);
	reply_stored(req, zs_store_insert(&p->ne, &ins), &ins);
out:
	if (p != NULL)
		free_posted(p);
	zs_details_free(&d);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_POST, "/events",
	    ZS_ROUTE_AUTH | ZS_ROUTE_BODY | ZS_ROUTE_IDEM, post_events },
};

/* The writer takes the store's writes before the first request. */
static int
start_writer(const struct zs_config *cfg)
{
	(void)cfg;		/* the writer uses the store zs_app opened */
	return zs_writer_start();
}

int
main(void)
{
	/*
	 * One process (lighttpd.conf), so that one writer sees every event
	 * and batches grow with the load. Threads only check requests; 64 so
	 * that bodies arriving slowly (Apache passes them on as they come)
	 * cannot hold up the others.
	 */
	zs_app_run_pool("zs-events", routes, sizeof(routes) / sizeof(routes[0]),
	    64, start_writer);
	return 0;
}
