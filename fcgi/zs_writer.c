/* zs_writer: group commit of event inserts. See zs_writer.h. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "zs_log.h"
#include "zs_time.h"
#include "zs_writer.h"

/* One waiting request. Lives on its request thread's stack. */
struct item {
	const struct zs_new_event	*ev;
	struct zs_inserted		*out;
	enum zs_store_rc		 rc;
	int				 done;	/* rc and out are final */
	pthread_cond_t			 wake;	/* signalled once done */
	struct item			*next;
};

static struct {
	pthread_mutex_t	 lock;		/* guards the queue and done flags */
	pthread_cond_t	 work;		/* the queue is not empty */
	struct item	*head;		/* oldest waiting request */
	struct item	*tail;
	int		 started;
} w = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
};

enum zs_store_rc
zs_writer_insert(const struct zs_new_event *ev, struct zs_inserted *out)
{
	struct item	 it;

	if (!w.started)
		return zs_store_insert(ev, out);
	memset(&it, 0, sizeof(it));
	it.ev = ev;
	it.out = out;
	/* Its own condition: waking every waiter per batch cost 21% CPU. */
	pthread_cond_init(&it.wake, NULL);
	pthread_mutex_lock(&w.lock);
	if (w.tail != NULL)
		w.tail->next = &it;
	else
		w.head = &it;
	w.tail = &it;
	pthread_cond_signal(&w.work);
	while (!it.done)
		pthread_cond_wait(&it.wake, &w.lock);
	pthread_mutex_unlock(&w.lock);
	pthread_cond_destroy(&it.wake);
	return it.rc;
}

/* Removes expired rows at most once a minute (the writer owns writes). */
static void
maybe_purge(void)
{
	static int64_t	 last;
	int64_t		 now = zs_time_now_ms();
	long		 n;

	if (now - last < 60000)
		return;
	last = now;
	if (zs_store_purge(now, 1000, &n) == ZS_STORE_OK && n > 0)
		zs_log("purged %ld acknowledged events past retention", n);
}

static void *
writer(void *arg)
{
	const struct zs_new_event	*evs[ZS_WRITER_BATCH_MAX];
	struct zs_inserted		 outs[ZS_WRITER_BATCH_MAX];
	enum zs_store_rc		 rcs[ZS_WRITER_BATCH_MAX];
	struct item			*batch[ZS_WRITER_BATCH_MAX];
	struct timespec			 ts;
	size_t				 n, i;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&w.lock);
		while (w.head == NULL) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 60;
			if (pthread_cond_timedwait(&w.work, &w.lock, &ts) != 0)
				break;
		}
		for (n = 0; w.head != NULL && n < ZS_WRITER_BATCH_MAX; n++) {
			batch[n] = w.head;
			evs[n] = w.head->ev;
			w.head = w.head->next;
		}
		if (w.head == NULL)
			w.tail = NULL;
		pthread_mutex_unlock(&w.lock);

		if (n > 0)
			zs_store_insert_batch(evs, outs, rcs, n);

		pthread_mutex_lock(&w.lock);
		for (i = 0; i < n; i++) {
			*batch[i]->out = outs[i];
			batch[i]->rc = rcs[i];
			batch[i]->done = 1;
			pthread_cond_signal(&batch[i]->wake);
		}
		pthread_mutex_unlock(&w.lock);
		maybe_purge();
	}
	return NULL;
}

int
zs_writer_start(void)
{
	pthread_t	 t;

	if (pthread_create(&t, NULL, writer, NULL) != 0) {
		zs_log("cannot start the writer thread");
		return -1;
	}
	pthread_detach(t);
	w.started = 1;
	return 0;
}
