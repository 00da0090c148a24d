/*
 * zs-stream: GET /inbox/stream, Server-Sent Events. One thread per open
 * stream, so streams never hold a process the rest of the API needs (they
 * have their own responder), and one poller thread (zs_hub) per process
 * reads the change table for all of them. A stream replays the changes
 * after Last-Event-ID from the database, then continues from the hub's
 * ring at exactly the point the replay ended: no gap, no duplicate.
 */
#include <stdint.h>
#include <string.h>

#include "boundary/zs_app.h"
#include "boundary/zs_sse.h"
#include "parse/zs_query.h"
#include "threads/zs_hub.h"
#include "util/zs_log.h"
#include "util/zs_time.h"

#define REPLAY_BATCH	 500		/* changes read per replay query */
#define REPLAY_CHUNK	 (1024 * 1024)	/* bytes of frames sent at once */

/*
 * Collects replayed frames (a zs_change_fn) until REPLAY_CHUNK bytes are
 * buffered; the change that would go past stays for the next query. So a
 * stream holds one chunk and at most one more frame (an event is capped
 * at MAX_PAYLOAD_BYTES), whatever the payloads, and no frame is ever cut
 * short or skipped.
 */
struct replay {
	const struct zs_sse_filter	*filter;
	const struct zs_seal_key	*key;	/* the tenant's */
	struct zs_buf			 out;	/* frames to send */
	int64_t				 last;	/* last seq taken */
	int				 full;	/* stopped at REPLAY_CHUNK */
};

static int
replay_one(const struct zs_change *c, void *arg)
{
	struct replay	*r = arg;

	if (r->out.len >= REPLAY_CHUNK) {
		r->full = 1;
		return 1;
	}
	r->last = c->seq;
	if (zs_sse_match(r->filter, c->tenant, c->source, c->type, c->topic))
		zs_sse_frame(&r->out, c, zs_seal(r->key, c->seq));
	return 0;
}

/* Sends what is buffered; returns -1 once the client is gone. */
static int
send_buf(struct zs_req *req, struct zs_buf *b)
{
	if (b->len > 0)
		zs_req_write(req, b->data, b->len);
	zs_buf_reset(b);
	return zs_req_flush(req);
}

/*
 * Replays this tenant's changes in (after, upto] in chunks, without
 * holding the store while writing. Returns 0 or -1 (client gone, or the
 * store failed: the client reconnects and replays again).
 */
static int
replay(struct zs_req *req, const struct zs_sse_filter *f,
    const struct zs_seal_key *key, int64_t after, int64_t upto)
{
	struct replay		 r;
	enum zs_store_rc	 rc;
	long			 n, limit = REPLAY_BATCH;
	int			 ret = 0;

	memset(&r, 0, sizeof(r));
	r.filter = f;
	r.key = key;
	r.last = after;
	zs_buf_init(&r.out, 0);
	while (r.last < upto) {
		r.full = 0;
		zs_store_lock();
		rc = zs_store_changes(req->tenant, r.last, upto, limit,
		    replay_one, &r, &n);
		zs_store_unlock();
		if (rc != ZS_STORE_OK || r.out.failed ||
		    send_buf(req, &r.out) == -1) {
			ret = -1;
			break;
		}
		if (!r.full && n < limit)
			break;
		/* Changes this large: ask for about a chunk's worth next
		 * time, not for rows that would only be read and dropped. */
		limit = r.full ? n + 1 : REPLAY_BATCH;
	}
	zs_buf_free(&r.out);
	return ret;
}

static void
get_stream(struct zs_req *req)
{
	struct zs_stream_params	 p;
	struct zs_query_error	 qe;
	struct zs_sse_filter	 f;
	struct zs_hub_pos	 pos;
	struct zs_seal_key	 key;
	struct zs_buf		 out;
	enum zs_store_rc	 rc;
	const char		*hdr;
	int64_t			 next_ping, end;

	/* Every id this stream sends or takes is sealed with the key of
	 * its tenant (zs_seal.h). */
	zs_store_lock();
	rc = zs_store_tenant_key(req->tenant, &key);
	zs_store_unlock();
	if (rc != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		return;
	}
	if (zs_query_stream(req->query, &key, &p, &qe) == -1) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, qe.field,
		    qe.message);
		return;
	}
	/* A reconnecting browser sends the header; it beats the query. */
	if ((hdr = zs_req_param(req, "HTTP_LAST_EVENT_ID")) != NULL &&
	    zs_query_event_id(hdr, &key, &p.last_event_id) == -1) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, "Last-Event-ID",
		    ZS_QUERY_EVENT_ID_MESSAGE);
		return;
	}
	f.tenant = req->tenant;
	f.topic = p.topic.len ? p.topic.s : NULL;
	f.type = p.type.len ? p.type.s : NULL;
	f.source = p.source.len ? p.source.s : NULL;

	/*
	 * The stream starts where the hub is now, taken before the client
	 * sees the stream open: whatever it posts after that appears.
	 */
	zs_hub_now(&pos);
	zs_reply_header(req, "X-Accel-Buffering: no");
	zs_reply_start(req, 200, "text/event-stream; charset=utf-8",
	    "no-cache");
	zs_req_write(req, "retry: 3000\n\n", 13);
	if (zs_req_flush(req) == -1)
		return;
	if (p.last_event_id >= 0 &&
	    replay(req, &f, &key, p.last_event_id, pos.seq) == -1)
		return;

	zs_buf_init(&out, 0);
	/* A CGI stream holds a process and a web server worker for as long
	 * as it lasts, so it ends after STREAM_CGI_SECONDS and the client
	 * reconnects. */
	next_ping = zs_time_mono_ms() + req->cfg->stream_ping_s * 1000;
	end = req->io == NULL && req->cfg->stream_cgi_s > 0 ? zs_time_mono_ms() +
	    (int64_t)req->cfg->stream_cgi_s * 1000 : INT64_MAX;
	for (;;) {
		if (zs_hub_wait(&pos, &f, &out, next_ping < end ? next_ping :
		    end) == -1) {
			zs_log("stream fell behind; closing so the client "
			    "replays");
			break;
		}
		if (out.len == 0 && zs_time_mono_ms() >= end) {
			/*
			 * A CGI stream holds a process: end it, first setting
			 * the client's Last-Event-ID to the last change this
			 * stream considered (an id with no data dispatches no
			 * event), so the reconnect misses nothing.
			 */
			zs_buf_printf(&out, "id: %lld\n\n",
			    (long long)zs_seal(&key, pos.seq));
			send_buf(req, &out);
			break;
		}
		if (out.len == 0) {
			zs_buf_puts(&out, ": ping\n\n");
			next_ping = zs_time_mono_ms() +
			    req->cfg->stream_ping_s * 1000;
		}
		if (send_buf(req, &out) == -1)
			break;		/* the client went away */
	}
	zs_buf_free(&out);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_GET, "/inbox/stream", ZS_ROUTE_AUTH | ZS_ROUTE_QUERY_KEY,
	    get_stream, NULL },
};

/* Every stream of this process reads the hub's ring. */
static int
start_hub(const struct zs_config *cfg)
{
	return zs_hub_start(cfg) == -1 ? -1 : 0;
}

int
main(void)
{
	zs_app_run_streams("zs-stream", routes,
	    sizeof(routes) / sizeof(routes[0]), start_hub);
	return 0;
}
