/* zs_hub: the stream process's poller and frame ring. See zs_hub.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/zs_store.h"
#include "threads/zs_hub.h"
#include "util/zs_log.h"
#include "util/zs_time.h"

#define RING_SIZE	 8192		/* frames kept for slow streams */
#define BATCH		 500		/* changes read per query */
#define WAIT_OUT_MAX	 (1 << 20)	/* bytes handed out per wait */
#define KEYS		 64		/* tenant keys the poller keeps */

/* One formatted change in the ring. */
struct frame {
	int64_t	 seq;			/* change seq */
	char	 tenant[ZS_CONFIG_TENANT_MAX + 1];
	char	*source;		/* copies, or NULL */
	char	*type;
	char	*topic;
	char	*text;			/* the whole SSE frame */
	size_t	 len;
};

static struct {
	pthread_mutex_t		 lock;		/* guards ring, count, head */
	pthread_cond_t		 added;		/* frames were added */
	struct frame		 ring[RING_SIZE];
	uint64_t		 count;		/* frames ever added */
	uint64_t		 first;		/* counter of the oldest kept */
	size_t			 bytes;		/* text of the frames kept */
	int64_t			 head;		/* seq of the last change read */
	const struct zs_config	*cfg;
} hub = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/*
 * The poller's tenant keys, for the ids of the frames: a key costs an
 * HMAC (about 3 us), sealing a seq with it about 1 us. A direct-mapped
 * table by a hash of the name, so it stays 64 entries (7 KB) whatever
 * tenants the change table names; a collision only costs an HMAC. Used
 * by the poller thread alone.
 */
static struct tenant_key {
	char			 tenant[ZS_CONFIG_TENANT_MAX + 1];
	struct zs_seal_key	 key;
	int			 set;
} keys[KEYS];

/* The key of tenant into *out; 0, or -1 (logged by the store). */
static int
tenant_key(const char *tenant, struct zs_seal_key *out)
{
	struct tenant_key	*k;
	uint32_t		 h = 2166136261u;
	const char		*p;

	for (p = tenant; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	k = &keys[h % KEYS];
	if (k->set && strcmp(k->tenant, tenant) == 0) {
		*out = k->key;
		return 0;
	}
	if (zs_store_tenant_key(tenant, out) != ZS_STORE_OK)
		return -1;
	if (strlen(tenant) < sizeof(k->tenant)) {
		memcpy(k->tenant, tenant, strlen(tenant) + 1);
		k->key = *out;
		k->set = 1;
	}
	return 0;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
frame_clear(struct frame *f)
{
	free(f->source);
	free(f->type);
	free(f->topic);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

/*
 * Adds one change (a zs_change_fn). The frame and the head move together
 * under the lock, so zs_hub_now() never sees one without the other.
 */
static int
add_change(const struct zs_change *c, void *arg)
{
	struct zs_seal_key key;
	struct zs_buf	 b;
	struct frame	*f;
	int		 ok;

	(void)arg;
	zs_buf_init(&b, 0);
	/* A change belongs to one tenant: its frame carries that tenant's
	 * id, and only that tenant's streams are handed it. */
	ok = tenant_key(c->tenant, &key) == 0 &&
	    zs_sse_frame(&b, c, zs_seal(&key, c->seq)) == 0 && !b.failed;
	pthread_mutex_lock(&hub.lock);
	if (ok) {
		/* Room first: at most RING_SIZE frames and about
		 * STREAM_RING_BYTES of text, but always the newest frame. */
		while (hub.first < hub.count &&
		    (hub.count - hub.first >= RING_SIZE ||
		    hub.bytes + b.len > (size_t)hub.cfg->stream_ring_bytes)) {
			f = &hub.ring[hub.first % RING_SIZE];
			hub.bytes -= f->len;
			frame_clear(f);
			hub.first++;
		}
		f = &hub.ring[hub.count % RING_SIZE];
		frame_clear(f);
		hub.bytes += b.len;
		f->seq = c->seq;
		strncpy(f->tenant, c->tenant, sizeof(f->tenant) - 1);
		f->source = dup_or_null(c->source);
		f->type = dup_or_null(c->type);
		f->topic = dup_or_null(c->topic);
		/* The ring owns the text now, without the buffer's slack. */
		f->text = realloc(b.data, b.len + 1);
		if (f->text == NULL)
			f->text = b.data;
		f->len = b.len;
		b.data = NULL;
		hub.count++;
	}
	hub.head = c->seq;
	pthread_mutex_unlock(&hub.lock);
	zs_buf_free(&b);
	return 0;
}

/* Reads every change past the head; returns how many frames came. */
static uint64_t
poll_once(int64_t *version)
{
	int64_t		 v, head;
	uint64_t	 before;
	long		 n;

	pthread_mutex_lock(&hub.lock);
	before = hub.count;
	pthread_mutex_unlock(&hub.lock);
	zs_store_lock();
	if (zs_store_data_version(&v) == ZS_STORE_OK && v != *version) {
		*version = v;
		do {
			pthread_mutex_lock(&hub.lock);
			head = hub.head;
			pthread_mutex_unlock(&hub.lock);
			if (zs_store_changes(NULL, head, INT64_MAX, BATCH,
			    add_change, NULL, &n) != ZS_STORE_OK) {
				*version = -1;	/* try again next tick */
				break;
			}
		} while (n == BATCH);
	}
	zs_store_unlock();
	pthread_mutex_lock(&hub.lock);
	before = hub.count - before;
	if (before > 0)
		pthread_cond_broadcast(&hub.added);
	pthread_mutex_unlock(&hub.lock);
	return before;
}

static void *
poller(void *arg)
{
	struct timespec	 tick;
	int64_t		 version = -1, head = -1;

	(void)arg;
	tick.tv_sec = hub.cfg->stream_poll_ms / 1000;
	tick.tv_nsec = (hub.cfg->stream_poll_ms % 1000) * 1000000L;
	/* Streams start at the present: find it first. */
	while (head < 0) {
		zs_store_lock();
		if (zs_store_last_change(&head) != ZS_STORE_OK)
			head = -1;
		zs_store_unlock();
		if (head < 0)
			nanosleep(&tick, NULL);
	}
	pthread_mutex_lock(&hub.lock);
	hub.head = head;
	pthread_mutex_unlock(&hub.lock);
	for (;;) {
		/* Until another connection may have committed (see
		 * zs_store_wait_change). Not under the store lock: streams
		 * and leases use the store meanwhile. */
		zs_store_wait_change(hub.cfg->stream_poll_ms);
		poll_once(&version);
	}
	return NULL;
}

int
zs_hub_start(const struct zs_config *cfg)
{
	pthread_condattr_t	 ca;
	pthread_t		 t;

	hub.cfg = cfg;
	hub.head = -1;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&hub.added, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, poller, NULL) != 0) {
		zs_log("stream: cannot start the poller thread");
		return -1;
	}
	pthread_detach(t);
	return 0;
}

void
zs_hub_now(struct zs_hub_pos *pos)
{
	pthread_mutex_lock(&hub.lock);
	/* Until the poller has found the present, wait for it briefly. */
	while (hub.head < 0) {
		pthread_mutex_unlock(&hub.lock);
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&hub.lock);
	}
	pos->next = hub.count;
	pos->seq = hub.head;
	pos->after = 0;
	pthread_mutex_unlock(&hub.lock);
}

int
zs_hub_wait(struct zs_hub_pos *pos, const struct zs_sse_filter *flt,
    struct zs_buf *out, int64_t deadline_ms)
{
	struct timespec	 ts;
	struct frame	*f;
	int64_t		 now;

	pthread_mutex_lock(&hub.lock);
	for (;;) {
		if (pos->next < hub.first) {	/* evicted: it fell behind */
			pthread_mutex_unlock(&hub.lock);
			return -1;
		}
		while (pos->next < hub.count && out->len < WAIT_OUT_MAX) {
			f = &hub.ring[pos->next % RING_SIZE];
			if (f->seq > pos->after && zs_sse_match(flt,
			    f->tenant, f->source, f->type, f->topic))
				zs_buf_append(out, f->text, f->len);
			pos->seq = f->seq;
			pos->next++;
		}
		if (out->len > 0 || (now = zs_time_mono_ms()) >= deadline_ms)
			break;
		ts.tv_sec = deadline_ms / 1000;
		ts.tv_nsec = (deadline_ms % 1000) * 1000000L;
		pthread_cond_timedwait(&hub.added, &hub.lock, &ts);
	}
	pthread_mutex_unlock(&hub.lock);
	return 0;
}
