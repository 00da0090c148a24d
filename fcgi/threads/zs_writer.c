/* zs_writer: group commit of event inserts. See zs_writer.h. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "threads/zs_writer.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"

#define PURGE_EVERY_S	 60	/* seconds between retention purges */
#define PURGE_ROWS	 1000	/* rows one purge round removes at most */

static struct {
	pthread_mutex_t	 lock;		/* guards the queue */
	pthread_cond_t	 more;		/* the queue grew (see waiting_for) */
	pthread_cond_t	 room;		/* the queue shrank below the cap */
	int		 full;		/* a submitter waits for room */
	struct zs_write	*head;		/* oldest queued event */
	struct zs_write	*tail;
	size_t		 queued;	/* events in the queue */
	size_t		 waiting_for;	/* the writer sleeps until this many
					   are queued; 0 when awake */
} w = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.room = PTHREAD_COND_INITIALIZER,
};

void
zs_writer_submit(struct zs_write *item)
{
	item->next = NULL;
	pthread_mutex_lock(&w.lock);
	/* Each queued event holds a connection: keep their number bounded. */
	while (w.queued >= ZS_WRITER_QUEUE_MAX) {
		w.full = 1;
		pthread_cond_wait(&w.room, &w.lock);
	}
	if (w.tail != NULL)
		w.tail->next = item;
	else
		w.head = item;
	w.tail = item;
	/* Wake the writer only when it waits for what is now queued. */
	if (++w.queued == w.waiting_for)
		pthread_cond_signal(&w.more);
	pthread_mutex_unlock(&w.lock);
}

/* Now + us, as an absolute CLOCK_MONOTONIC time. */
static struct timespec
after_us(long us)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += us / 1000000;
	t.tv_nsec += (us % 1000000) * 1000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* 1 when the CLOCK_MONOTONIC time t has passed. */
static int
passed(const struct timespec *t)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	    (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/*
 * With w.lock held: sleeps until n events are queued or until deadline.
 * Returns 0 when they are, ETIMEDOUT when the deadline passed first.
 */
static int
wait_queued(size_t n, const struct timespec *deadline)
{
	int	 rc = 0;

	w.waiting_for = n;
	while (w.queued < n && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w.more, &w.lock, deadline);
	w.waiting_for = 0;
	return w.queued >= n ? 0 : ETIMEDOUT;
}

/*
 * With w.lock held: takes the queue (up to ZS_WRITER_BATCH_MAX events),
 * commits it without the lock, then calls each event's done().
 */
static void
commit_queue(void)
{
	const struct zs_new_event	*evs[ZS_WRITER_BATCH_MAX];
	struct zs_inserted		 outs[ZS_WRITER_BATCH_MAX];
	enum zs_store_rc		 rcs[ZS_WRITER_BATCH_MAX];
	struct zs_write			*batch[ZS_WRITER_BATCH_MAX];
	size_t				 n, i;

	for (n = 0; w.head != NULL && n < ZS_WRITER_BATCH_MAX; n++) {
		batch[n] = w.head;
		evs[n] = w.head->ev;
		w.head = w.head->next;
	}
	if (w.head == NULL)
		w.tail = NULL;
	w.queued -= n;
	if (w.full) {
		w.full = 0;
		pthread_cond_broadcast(&w.room);
	}
	pthread_mutex_unlock(&w.lock);
	zs_store_insert_batch(evs, outs, rcs, n);
	zs_metrics_batch(n);
	for (i = 0; i < n; i++) {
		batch[i]->out = outs[i];
		batch[i]->rc = rcs[i];
		batch[i]->done(batch[i]);	/* may free batch[i] */
	}
	pthread_mutex_lock(&w.lock);
}

/* Removes one round of events past retention; logs what it did. */
static void
purge(void)
{
	long	 n;

	if (zs_store_purge(zs_time_now_ms(), PURGE_ROWS, &n) == ZS_STORE_OK &&
	    n > 0)
		zs_log("purged %ld acknowledged events past retention", n);
}

/*
 * The writer: waits for a first event (or the next purge), gives the
 * others in flight a moment to join it — a commit costs about the same
 * for 1 event as for 16 (the pages written, the fsync) — and commits.
 */
static void *
writer(void *arg)
{
	struct timespec	 next_purge = after_us(PURGE_EVERY_S * 1000000L);
	struct timespec	 gather;

	(void)arg;
	pthread_mutex_lock(&w.lock);
	for (;;) {
		if (passed(&next_purge)) {
			pthread_mutex_unlock(&w.lock);
			purge();
			pthread_mutex_lock(&w.lock);
			next_purge = after_us(PURGE_EVERY_S * 1000000L);
		}
		if (wait_queued(1, &next_purge) == ETIMEDOUT)
			continue;
		if (w.queued < ZS_WRITER_GATHER) {
			gather = after_us(ZS_WRITER_GATHER_US);
			(void)wait_queued(ZS_WRITER_GATHER, &gather);
		}
		commit_queue();
	}
	return NULL;
}

int
zs_writer_start(void)
{
	pthread_condattr_t	 ca;
	pthread_t		 t;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w.more, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, writer, NULL) != 0) {
		zs_log("cannot start the writer thread");
		return -1;
	}
	pthread_detach(t);
	return 0;
}
