/*
 * zs-lease: POST /inbox/lease. Leases up to `limit` pending events to the
 * calling worker (store/zs_store_lease.c). With "wait", a request that finds
 * nothing is held (long polling) on one of the pool's threads, so it never
 * holds a process another request needs: the hub (zs_hub.c, the stream's
 * poller) wakes it when a change of this tenant arrives, and it looks
 * again when one of the tenant's leases ends. Nothing polls the database
 * on a waiter's behalf. A request that is about to wait takes a slot
 * (zs_slots) first: past WAIT_MAX_PER_KEY or WAIT_MAX_PER_TENANT waiting
 * long polls on the host it is 429 TOO_MANY_WAITERS, so one tenant cannot
 * hold every thread. A lease that finds events, or has no "wait", takes
 * no slot.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "boundary/zs_app.h"
#include "boundary/zs_slots.h"
#include "boundary/zs_sse.h"
#include "parse/zs_event.h"
#include "parse/zs_fields.h"
#include "threads/zs_hub.h"
#include "util/zs_time.h"

#define LEASE_THREADS		 64	/* per process: concurrent long polls */
#define WAIT_MAX_S		 20	/* longest "wait" */
#define DEFAULT_LIMIT		 10
#define DEFAULT_VISIBILITY_S	 30
#define FULL_RETRY_S		 1	/* Retry-After past a waiter cap: a
					   slot frees when any wait ends */

enum { F_LIMIT, F_VISIBILITY, F_WAIT, F_TOPIC, F_TYPE, F_SOURCE, F__MAX };

static const struct zs_field fields[F__MAX] = {
	{ "limit", ZS_FIELD_INT, 1, ZS_LEASE_MAX, 0 },
	{ "visibility_timeout", ZS_FIELD_INT, 1, ZS_LEASE_TIMEOUT_MAX, 0 },
	{ "wait", ZS_FIELD_INT, 0, WAIT_MAX_S, 0 },
	{ "topic", ZS_FIELD_TEXT, 0, 0, 0 },
	{ "type", ZS_FIELD_TEXT, 0, 0, 0 },
	{ "source", ZS_FIELD_TEXT, 0, 0, 0 },
};
static const struct zs_field_table table = { fields, F__MAX };
static const struct zs_body_kind lease_body =
    ZS_FIELDS_BODY("lease request", table);

/*
 * Starts the hub with the first long poll (so also under plain CGI);
 * nonzero once it runs.
 */
static int
hub_ready(const struct zs_config *cfg)
{
	static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
	static int		 state;		/* 0 not tried, 1 up, -1 failed */
	int			 up;

	pthread_mutex_lock(&lock);
	if (state == 0)
		state = zs_hub_start(cfg) == 0 ? 1 : -1;
	up = state == 1;
	pthread_mutex_unlock(&lock);
	return up;
}

/* Collects leased events into the reply. */
struct lease_out {
	struct zs_buf	 b;
	long		 n;
};

static void
lease_one(const struct zs_event *ev, void *arg)
{
	struct lease_out	*lo = arg;

	if (lo->n++ > 0)
		zs_buf_puts(&lo->b, ",");
	zs_event_json_leased(&lo->b, ev);
}

static void
copy_filter(struct zs_filter *to, const struct zs_field_value *v)
{
	memset(to, 0, sizeof(*to));
	if (v->given) {
		memcpy(to->s, v->s, v->len);
		to->len = v->len;
	}
}

/* One try; returns the store's answer, with *next_ms as zs_store_lease. */
static enum zs_store_rc
try_lease(struct zs_req *req, const struct zs_lease_params *p,
    struct lease_out *lo, int64_t *next_ms)
{
	enum zs_store_rc	 rc;

	zs_buf_reset(&lo->b);
	lo->n = 0;
	zs_buf_puts(&lo->b, "{\"events\":[");
	zs_store_lock();
	rc = zs_store_lease(req->tenant, p, lease_one, lo, &lo->n, next_ms);
	zs_store_unlock();
	zs_buf_puts(&lo->b, "]}");
	return rc;
}

/*
 * Waits until a change passes f, or until the earlier of deadline
 * (monotonic ms) and next_ms (wall-clock ms, -1 for none).
 */
static void
wait_for_change(struct zs_hub_pos *pos, const struct zs_sse_filter *f,
    int64_t deadline, int64_t next_ms)
{
	struct zs_buf	 seen;
	int64_t		 wake = deadline, now = zs_time_mono_ms();

	if (next_ms >= 0 && now + (next_ms - zs_time_now_ms()) + 1 < wake)
		wake = now + (next_ms - zs_time_now_ms()) + 1;
	zs_buf_init(&seen, 0);
	if (zs_hub_wait(pos, f, &seen, wake) == -1)
		zs_hub_now(pos);	/* fell behind the ring: look again */
	zs_buf_free(&seen);
}

/* Answers with the leased events, or the store's error. */
static void
answer(struct zs_req *req, enum zs_store_rc rc, const struct lease_out *lo)
{
	if (rc != ZS_STORE_OK)
		zs_reply_store(req, rc);
	else if (lo->b.failed)
		zs_reply_error(req, ZS_ERR_INTERNAL, "the leased events are "
		    "too large to send; ask for a smaller limit", NULL);
	else
		zs_reply_json(req, 200, &lo->b);
}

/*
 * Takes a waiter slot into *hold. Returns 0, or -1 after answering 429
 * TOO_MANY_WAITERS for the cap that is full.
 */
static int
take_waiter(struct zs_req *req, int *hold)
{
	enum zs_slots_rc	 rc;
	char			 msg[192];

	if ((rc = zs_slots_take(req->cfg, ZS_SLOT_WAITER, req->key_index,
	    hold)) == ZS_SLOTS_OK)
		return 0;
	if (rc == ZS_SLOTS_KEY_FULL)
		snprintf(msg, sizeof(msg), "this API key already has %ld long "
		    "polls waiting, its cap (WAIT_MAX_PER_KEY); retry later, "
		    "or lease without \"wait\"", req->cfg->wait_max_key);
	else
		snprintf(msg, sizeof(msg), "this tenant already has %ld long "
		    "polls waiting, its cap (WAIT_MAX_PER_TENANT); retry later, "
		    "or lease without \"wait\"", req->cfg->wait_max_tenant);
	zs_reply_header(req, "Retry-After: %d", FULL_RETRY_S);
	zs_reply_error(req, ZS_ERR_TOO_MANY_WAITERS, msg, NULL);
	return -1;
}

static void
post_lease(struct zs_req *req)
{
	const struct zs_field_value *v = req->parsed.value;
	struct zs_lease_params	 p;
	struct zs_sse_filter	 f = { 0 };	/* exact: no prefixes */
	struct zs_hub_pos	 pos;
	struct lease_out	 lo;
	enum zs_store_rc	 rc;
	int64_t			 deadline, next_ms;
	long			 wait_s;
	int			 can_wait = 0, waiting = 0, hold = -1;

	memset(&p, 0, sizeof(p));
	p.limit = v[F_LIMIT].given ? v[F_LIMIT].n : DEFAULT_LIMIT;
	p.visibility_s = v[F_VISIBILITY].given ? v[F_VISIBILITY].n :
	    DEFAULT_VISIBILITY_S;
	wait_s = v[F_WAIT].given ? v[F_WAIT].n : 0;
	copy_filter(&p.topic, &v[F_TOPIC]);
	copy_filter(&p.type, &v[F_TYPE]);
	copy_filter(&p.source, &v[F_SOURCE]);

	f.tenant = req->tenant;
	f.topic = p.topic.len ? p.topic.s : NULL;
	f.type = p.type.len ? p.type.s : NULL;
	f.source = p.source.len ? p.source.s : NULL;
	deadline = zs_time_mono_ms() + wait_s * 1000;
	if (wait_s > 0 && (can_wait = hub_ready(req->cfg)))
		zs_hub_now(&pos);	/* from here on, no change is missed */

	zs_buf_init(&lo.b, 0);
	for (;;) {
		rc = try_lease(req, &p, &lo, &next_ms);
		if (rc != ZS_STORE_OK || lo.n > 0 || !can_wait ||
		    zs_time_mono_ms() >= deadline)
			break;
		if (!waiting && take_waiter(req, &hold) == -1)
			break;
		waiting = 1;
		wait_for_change(&pos, &f, deadline, next_ms);
	}
	zs_slots_give(&hold);
	if (!req->replied)	/* (it was, when past a waiter cap) */
		answer(req, rc, &lo);
	zs_buf_free(&lo.b);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_POST, "/inbox/lease",
	    ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY | ZS_ROUTE_BODY,
	    post_lease, &lease_body },
};

int
main(void)
{
	zs_app_run_pool("zs-lease", routes, sizeof(routes) / sizeof(routes[0]),
	    LEASE_THREADS, NULL);
	return 0;
}
