/* zs_writer: group commit of event inserts. See zs_writer.h. */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zs_log.h"
#include "zs_time.h"
#include "zs_writer.h"

#define PURGE_EVERY_S	 60	/* seconds between retention purges */
#define PURGE_ROWS	 1000	/* rows one purge round removes at most */
#define GATHER_EVENTS	 16	/* a leader waits for this many events... */
#define GATHER_US	 300	/* ...or this long, whichever comes first */

/* One waiting request. Lives on its request thread's stack. */
struct item {
	const struct zs_new_event	*ev;
	struct zs_inserted		*out;
	enum zs_store_rc		 rc;
	int				 done;	/* rc and out are final */
	pthread_cond_t			 wake;	/* done, or lead the next */
	struct item			*next;
};

static struct {
	pthread_mutex_t	 lock;		/* guards all of this */
	struct item	*head;		/* oldest waiting request */
	struct item	*tail;
	size_t		 queued;	/* items in the queue */
	int		 busy;		/* a commit (or purge) holds the store */
	int		 purge_wanted;	/* the purge goes next */
	pthread_cond_t	 purge_turn;	/* the purge may go */
	int		 gathering;	/* a leader waits for more events */
	pthread_cond_t	 gathered;	/* GATHER_EVENTS are queued */
	int		 started;
} w = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.purge_turn = PTHREAD_COND_INITIALIZER,
};

/*
 * With w.lock held: waits until self is done, or until the store is free
 * (and no purge waits for it), then takes the store to lead a commit.
 */
static void
take_store(struct item *self)
{
	while ((w.busy || w.purge_wanted) && !self->done)
		pthread_cond_wait(&self->wake, &w.lock);
	if (!self->done)
		w.busy = 1;
}

/*
 * With w.lock held: frees the store for the purge if it waits, else for
 * the oldest waiter, who leads the next commit.
 */
static void
give_store(void)
{
	w.busy = 0;
	if (w.purge_wanted)
		pthread_cond_signal(&w.purge_turn);
	else if (w.head != NULL)
		pthread_cond_signal(&w.head->wake);
}

/* With w.lock held, as the leader: commits the queue, then wakes it. */
static void
commit_queue(void)
{
	const struct zs_new_event	*evs[ZS_WRITER_BATCH_MAX];
	struct zs_inserted		 outs[ZS_WRITER_BATCH_MAX];
	enum zs_store_rc		 rcs[ZS_WRITER_BATCH_MAX];
	struct item			*batch[ZS_WRITER_BATCH_MAX];
	size_t				 n, i;

	struct timespec			 until;

	/*
	 * A commit costs about the same for 1 event as for 16 (the pages
	 * written, the fsync): when few are queued, give the others in
	 * flight a moment to join, ending the wait as soon as enough have.
	 */
	if (w.queued < GATHER_EVENTS) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += GATHER_US * 1000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		w.gathering = 1;
		while (w.queued < GATHER_EVENTS && pthread_cond_timedwait(
		    &w.gathered, &w.lock, &until) == 0)
			;
		w.gathering = 0;
	}
	for (n = 0; w.head != NULL && n < ZS_WRITER_BATCH_MAX; n++) {
		batch[n] = w.head;
		evs[n] = w.head->ev;
		w.head = w.head->next;
	}
	if (w.head == NULL)
		w.tail = NULL;
	w.queued -= n;
	pthread_mutex_unlock(&w.lock);
	zs_store_insert_batch(evs, outs, rcs, n);
	pthread_mutex_lock(&w.lock);
	for (i = 0; i < n; i++) {
		*batch[i]->out = outs[i];
		batch[i]->rc = rcs[i];
		batch[i]->done = 1;
		pthread_cond_signal(&batch[i]->wake);
	}
}

enum zs_store_rc
zs_writer_insert(const struct zs_new_event *ev, struct zs_inserted *out)
{
	struct item	 it;

	if (!w.started)
		return zs_store_insert(ev, out);
	memset(&it, 0, sizeof(it));
	it.ev = ev;
	it.out = out;
	pthread_cond_init(&it.wake, NULL);
	pthread_mutex_lock(&w.lock);
	if (w.tail != NULL)
		w.tail->next = &it;
	else
		w.head = &it;
	w.tail = &it;
	if (++w.queued >= GATHER_EVENTS && w.gathering)
		pthread_cond_signal(&w.gathered);
	take_store(&it);	/* returns once done, or leading */
	if (!it.done) {
		commit_queue();	/* our event is the queue's first */
		give_store();
	}
	pthread_mutex_unlock(&w.lock);
	pthread_cond_destroy(&it.wake);
	return it.rc;
}

/*
 * The purge thread: once a minute it takes the store between two commits
 * (requests that arrive meanwhile wait for it) and removes one round of
 * expired rows, a few milliseconds.
 */
static void *
purger(void *arg)
{
	long	 n;

	(void)arg;
	for (;;) {
		sleep(PURGE_EVERY_S);
		pthread_mutex_lock(&w.lock);
		w.purge_wanted = 1;
		while (w.busy)
			pthread_cond_wait(&w.purge_turn, &w.lock);
		w.purge_wanted = 0;
		w.busy = 1;
		pthread_mutex_unlock(&w.lock);
		if (zs_store_purge(zs_time_now_ms(), PURGE_ROWS, &n) ==
		    ZS_STORE_OK && n > 0)
			zs_log("purged %ld acknowledged events past retention",
			    n);
		pthread_mutex_lock(&w.lock);
		give_store();
		pthread_mutex_unlock(&w.lock);
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
	pthread_cond_init(&w.gathered, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t, NULL, purger, NULL) != 0) {
		zs_log("cannot start the purge thread");
		return -1;
	}
	pthread_detach(t);
	w.started = 1;
	return 0;
}
