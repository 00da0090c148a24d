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
#include "parse/zs_event_body.h"
#include "threads/zs_writer.h"
#include "util/zs_log.h"

/*
 * An event on its way to the writer: it owns the deferred request, whose
 * parsed body new_event points into.
 */
struct posted {
	struct zs_write		 w;		/* first: done() casts back */
	struct zs_req		*req;
	struct zs_new_event	 ne;
};

/* Sets ne's fields (body_hash aside) from req's parsed body. */
static void
set_new_event(struct zs_new_event *ne, const struct zs_req *req)
{
	const struct zs_event_body	*eb = req->parsed.value;

	ne->tenant = req->tenant;
	ne->source = eb->has_source ? eb->source : NULL;
	ne->type = eb->has_type ? eb->type : NULL;
	ne->topic = eb->has_topic ? eb->topic : NULL;
	ne->payload = req->parsed.json + eb->payload.off;
	ne->payload_len = eb->payload.len;
	ne->idem_key = req->has_idem ? req->idem_key : NULL;
	ne->idem_scope = ZS_IDEM_API;
}

static void
reply_stored(struct zs_req *req, enum zs_store_rc rc,
    const struct zs_inserted *ins)
{
	zs_reply_inserted(req, rc, ins,
	    "this idempotency key was used with a different body");
}

/* On the writer's thread, after the commit: answers and ends it. */
static void
committed(struct zs_write *w)
{
	struct posted	*p = (struct posted *)w;

	zs_log_set_request(p->req->request_id);
	reply_stored(p->req, w->rc, &w->out);
	zs_req_done(p->req);
	free(p);
}

static void
post_events(struct zs_req *req)
{
	struct zs_new_event	 ne;
	struct posted		*p;
	struct zs_req		*later;
	struct zs_inserted	 ins;
	unsigned int		 hlen;

	memset(&ne, 0, sizeof(ne));
	if (req->has_idem && EVP_Digest(req->parsed.json, req->parsed.len,
	    ne.body_hash, &hlen, EVP_sha256(), NULL) != 1) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "hashing failed", NULL);
		return;
	}

	/* Checked: the writer answers it after its commit. */
	if ((p = malloc(sizeof(*p))) != NULL &&
	    (later = zs_req_defer(req)) != NULL) {
		memset(&p->w, 0, sizeof(p->w));
		p->req = later;
		p->ne = ne;
		set_new_event(&p->ne, later);
		p->w.ev = &p->ne;
		p->w.done = committed;
		zs_writer_submit(&p->w);
		return;
	}
	free(p);
	/* No writer (CGI): store it here. */
	set_new_event(&ne, req);
	reply_stored(req, zs_store_insert(&ne, &ins), &ins);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_POST, "/events",
	    ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY | ZS_ROUTE_BODY | ZS_ROUTE_IDEM,
	    post_events, &zs_event_body_kind },
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
