/*
 * zs-stream: GET /inbox/stream, Server-Sent Events. One thread per open
 * stream, so streams never hold a process the rest of the API needs (they
 * have their own responder), and one poller thread (zs_hub) per process
 * reads the change table for all of them. A stream replays the changes
 * after Last-Event-ID from the database, then continues from the hub's
 * ring at exactly the point the replay ended: no gap, no duplicate.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "boundary/zs_app.h"
#include "threads/zs_hub.h"
#include "util/zs_log.h"
#include "parse/zs_query.h"
#include "boundary/zs_sse.h"

#define REPLAY_BATCH	 500		/* changes read per replay query */
#define THREAD_STACK	 (256 * 1024)	/* bytes; a stream needs little */

extern char **environ;

static const struct zs_config	*cfg;
static atomic_long		 open_streams;	/* threads serving a stream */
static int64_t			 cgi_stream_ms;	/* CGI: STREAM_CGI_SECONDS;
						   0 under FastCGI */

/* Collects replayed frames (a zs_change_fn). */
struct replay {
	const struct zs_sse_filter	*filter;
	struct zs_buf			 out;	/* frames to send */
	int64_t				 last;	/* last seq read */
};

static void
replay_one(const struct zs_change *c, void *arg)
{
	struct replay	*r = arg;

	r->last = c->seq;
	if (zs_sse_match(r->filter, c->tenant, c->source, c->type, c->topic))
		zs_sse_frame(&r->out, c);
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
 * Replays this tenant's changes in (after, upto] in batches, without
 * holding the store while writing. Returns 0 or -1 (client gone, or the
 * store failed: the client reconnects and replays again).
 */
static int
replay(struct zs_req *req, const struct zs_sse_filter *f, int64_t after,
    int64_t upto)
{
	struct replay		 r;
	enum zs_store_rc	 rc;
	long			 n;
	int			 ret = 0;

	memset(&r, 0, sizeof(r));
	r.filter = f;
	r.last = after;
	zs_buf_init(&r.out, 0);
	while (r.last < upto) {
		zs_store_lock();
		rc = zs_store_changes(req->tenant, r.last, upto, REPLAY_BATCH,
		    replay_one, &r, &n);
		zs_store_unlock();
		if (rc != ZS_STORE_OK || send_buf(req, &r.out) == -1) {
			ret = -1;
			break;
		}
		if (n < REPLAY_BATCH)
			break;
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
	struct zs_buf		 out;
	const char		*hdr;
	int64_t			 next_ping, end;

	if (zs_query_stream(req->query, &p, &qe) == -1) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, qe.field,
		    qe.message);
		return;
	}
	/* A reconnecting browser sends the header; it beats the query. */
	if ((hdr = zs_req_param(req, "HTTP_LAST_EVENT_ID")) != NULL &&
	    zs_query_event_id(hdr, &p.last_event_id) == -1) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, "Last-Event-ID",
		    "must be a change number (the id: of a message), digits "
		    "only");
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
	    replay(req, &f, p.last_event_id, pos.seq) == -1)
		return;

	zs_buf_init(&out, 0);
	next_ping = zs_hub_clock_ms() + cfg->stream_ping_s * 1000;
	end = cgi_stream_ms > 0 ? zs_hub_clock_ms() + cgi_stream_ms : INT64_MAX;
	for (;;) {
		if (zs_hub_wait(&pos, &f, &out, next_ping < end ? next_ping :
		    end) == -1) {
			zs_log("stream fell behind; closing so the client "
			    "replays");
			break;
		}
		if (out.len == 0 && zs_hub_clock_ms() >= end) {
			/*
			 * A CGI stream holds a process: end it, first setting
			 * the client's Last-Event-ID to the last change this
			 * stream considered (an id with no data dispatches no
			 * event), so the reconnect misses nothing.
			 */
			zs_buf_printf(&out, "id: %lld\n\n", (long long)pos.seq);
			send_buf(req, &out);
			break;
		}
		if (out.len == 0) {
			zs_buf_puts(&out, ": ping\n\n");
			next_ping = zs_hub_clock_ms() +
			    cfg->stream_ping_s * 1000;
		}
		if (send_buf(req, &out) == -1)
			break;		/* the client went away */
	}
	zs_buf_free(&out);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_GET, "/inbox/stream", ZS_ROUTE_AUTH | ZS_ROUTE_QUERY_KEY,
	    get_stream },
};

/* Serves one accepted request on its own thread, then frees it. */
static void *
stream_thread(void *arg)
{
	FCGX_Request	*fr = arg;

	zs_app_serve(fr, fr->envp);
	FCGX_Finish_r(fr);
	free(fr);
	atomic_fetch_sub(&open_streams, 1);
	return NULL;
}

/* Answers one request at once with 503: every stream slot is taken. */
static void
refuse(FCGX_Request *fr)
{
	zs_app_refuse(fr, fr->envp, "too many open streams; retry shortly");
	FCGX_Finish_r(fr);
	free(fr);
}

int
main(void)
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	FCGX_Request	*fr;

	cfg = zs_app_init("zs-stream", routes,
	    sizeof(routes) / sizeof(routes[0]));
	if (zs_hub_start(cfg) == -1)
		return 1;
	if (FCGX_IsCGI()) {
		/* A CGI stream holds a process and a web server worker for
		 * as long as it lasts, so it ends and the client reconnects. */
		cgi_stream_ms = (int64_t)cfg->stream_cgi_s * 1000;
		zs_app_serve(NULL, environ);
		return 0;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "zs-stream: cannot start FastCGI\n");
		return 1;
	}
	zs_app_default_sigterm();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		if ((fr = calloc(1, sizeof(*fr))) == NULL ||
		    FCGX_InitRequest(fr, 0, 0) != 0) {
			zs_log("stream: out of memory");
			free(fr);
			return 1;
		}
		if (FCGX_Accept_r(fr) < 0) {
			free(fr);
			break;
		}
		if (atomic_fetch_add(&open_streams, 1) >= cfg->stream_max) {
			atomic_fetch_sub(&open_streams, 1);
			refuse(fr);
			continue;
		}
		if (pthread_create(&t, &attr, stream_thread, fr) != 0) {
			atomic_fetch_sub(&open_streams, 1);
			zs_log("stream: cannot start a thread");
			refuse(fr);
		}
	}
	return 0;
}
