/*
 * zs-stream: GET /inbox/stream, Server-Sent Events. One thread per open
 * stream, so streams never hold a process the rest of the API needs (they
 * have their own responder), and one poller thread (zs_hub) per process
 * reads the change table for all of them. A stream replays the changes
 * after Last-Event-ID from the database, then continues from the hub's
 * ring at exactly the point the replay ended: no gap, no duplicate. Each
 * stream holds a slot (zs_slots): past STREAM_MAX_PER_KEY or
 * STREAM_MAX_PER_TENANT open streams on the host, a new one is 429
 * TOO_MANY_STREAMS.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "boundary/zs_app.h"
#include "boundary/zs_slots.h"
#include "boundary/zs_sse.h"
#include "parse/zs_query.h"
#include "threads/zs_hub.h"
#include "util/zs_log.h"
#include "util/zs_time.h"

#define REPLAY_BATCH	 500		/* changes read per replay query */
#define REPLAY_CHUNK	 (1024 * 1024)	/* bytes of frames sent at once */
#define PROBE_MS	 800		/* an idle stream writes ":" this often */
#define RECHECK_MS	 100		/* then looks whether the server hung up */
#define FULL_RETRY_S	 5		/* Retry-After of a stream over its cap */

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

/* The earlier of two monotonic times. */
static int64_t
earliest(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/*
 * Sends the live frames, and a ping every STREAM_PING_SECONDS, until the
 * client goes away, the stream falls behind the ring, or a CGI stream's
 * time is up.
 *
 * A client that leaves must free its slot within a second, but neither
 * lighttpd nor Apache tells the responder: both keep the FastCGI
 * connection until a write to the client fails (lighttpd takes the FIN
 * of a closed client for a half-close). So a stream that wrote nothing
 * for PROBE_MS writes an SSE comment line (":", which EventSource
 * ignores); the web server's write to a client that left fails, it
 * closes the connection, and RECHECK_MS after each write zs_req_gone
 * sees that.
 */
static void
live(struct zs_req *req, const struct zs_sse_filter *f,
    const struct zs_seal_key *key, struct zs_hub_pos *pos)
{
	struct zs_buf	 out;
	int64_t		 now, next_ping, next_probe, recheck, end;

	zs_buf_init(&out, 0);
	now = zs_time_mono_ms();
	next_ping = now + req->cfg->stream_ping_s * 1000;
	next_probe = now + PROBE_MS;
	recheck = now + RECHECK_MS;
	/* A CGI stream holds a process and a web server worker for as long
	 * as it lasts, so it ends after STREAM_CGI_SECONDS and the client
	 * reconnects. */
	end = req->io == NULL && req->cfg->stream_cgi_s > 0 ? now +
	    (int64_t)req->cfg->stream_cgi_s * 1000 : INT64_MAX;
	for (;;) {
		if (zs_hub_wait(pos, f, &out, earliest(earliest(next_ping,
		    next_probe), earliest(recheck, end))) == -1) {
			zs_log("stream fell behind; closing so the client "
			    "replays");
			break;
		}
		now = zs_time_mono_ms();
		if (out.len == 0 && now >= end) {
			/*
			 * A CGI stream holds a process: end it, first setting
			 * the client's Last-Event-ID to the last change this
			 * stream considered (an id with no data dispatches no
			 * event), so the reconnect misses nothing.
			 */
			zs_buf_printf(&out, "id: %lld\n\n",
			    (long long)zs_seal(key, pos->seq > pos->after ?
			    pos->seq : pos->after));
			send_buf(req, &out);
			break;
		}
		if (out.len == 0 && zs_req_gone(req))
			break;		/* the web server hung up */
		if (out.len == 0 && now >= next_ping) {
			zs_buf_puts(&out, ": ping\n\n");
			next_ping = now + req->cfg->stream_ping_s * 1000;
		} else if (out.len == 0 && now >= next_probe)
			zs_buf_puts(&out, ":\n");
		if (out.len == 0) {
			recheck = INT64_MAX;	/* looked: until the next write */
			continue;
		}
		if (send_buf(req, &out) == -1)
			break;		/* the client went away */
		next_probe = now + PROBE_MS;
		recheck = now + RECHECK_MS;
	}
	zs_buf_free(&out);
}

/* Answers 429 TOO_MANY_STREAMS for the cap rc names. */
static void
refuse_stream(struct zs_req *req, enum zs_slots_rc rc)
{
	char	 msg[160];

	if (rc == ZS_SLOTS_KEY_FULL)
		snprintf(msg, sizeof(msg), "this API key already has %ld open "
		    "streams, its cap (STREAM_MAX_PER_KEY); close one or retry "
		    "later", req->cfg->stream_max_key);
	else
		snprintf(msg, sizeof(msg), "this tenant already has %ld open "
		    "streams, its cap (STREAM_MAX_PER_TENANT); close one or "
		    "retry later", req->cfg->stream_max_tenant);
	zs_reply_header(req, "Retry-After: %d", FULL_RETRY_S);
	zs_reply_error(req, ZS_ERR_TOO_MANY_STREAMS, msg, NULL);
}

static void
get_stream(struct zs_req *req)
{
	struct zs_stream_params	 p;
	struct zs_query_error	 qe;
	struct zs_sse_filter	 f;
	struct zs_hub_pos	 pos;
	struct zs_seal_key	 key;
	enum zs_store_rc	 rc;
	enum zs_slots_rc	 src;
	const char		*hdr;
	int			 hold;

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
	f.topic = p.topic.len || p.topic.prefix ? p.topic.s : NULL;
	f.type = p.type.len || p.type.prefix ? p.type.s : NULL;
	f.source = p.source.len || p.source.prefix ? p.source.s : NULL;
	f.topic_prefix = p.topic.prefix;
	f.type_prefix = p.type.prefix;
	f.source_prefix = p.source.prefix;
	if ((src = zs_slots_take(req->cfg, ZS_SLOT_STREAM, req->key_index,
	    &hold)) != ZS_SLOTS_OK) {
		refuse_stream(req, src);
		return;
	}

	/*
	 * The stream starts at the database's present (or after the
	 * client's Last-Event-ID), read before the client sees the stream
	 * open: whatever it posts after that appears, nothing committed
	 * before it does. The hub may be behind that point (it has not
	 * polled since), so its frames up to it are skipped, or ahead of
	 * it, so what lies between is replayed from the database first.
	 */
	if (p.last_event_id < 0) {
		zs_store_lock();
		rc = zs_store_last_change(&p.last_event_id);
		zs_store_unlock();
		if (rc != ZS_STORE_OK) {
			zs_slots_give(&hold);
			zs_reply_store(req, rc);
			return;
		}
	}
	zs_hub_now(&pos);
	pos.after = p.last_event_id;
	zs_reply_header(req, "X-Accel-Buffering: no");
	zs_reply_start(req, 200, "text/event-stream; charset=utf-8",
	    "no-cache");
	/* HEAD: the headers a GET would get, no stream. */
	if (req->method != ZS_METHOD_HEAD) {
		zs_req_write(req, "retry: 3000\n\n", 13);
		if (zs_req_flush(req) == 0 && replay(req, &f, &key,
		    p.last_event_id, pos.seq) == 0)
			live(req, &f, &key, &pos);
	}
	zs_slots_give(&hold);
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
