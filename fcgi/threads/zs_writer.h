/*
 * zs_writer: group commit for POST /events. One writer thread owns the
 * store's writes in zs-events. Request threads check their event, queue
 * it with zs_writer_submit() and go back to taking requests; the writer
 * takes everything queued, stores it in one transaction (one commit, so
 * one fsync under DURABILITY=full), and then calls each event's done(),
 * which sends its reply. So no 201 leaves before the commit of its batch,
 * and no request thread sleeps waiting for a commit. When fewer than
 * ZS_WRITER_GATHER events are queued, the writer waits up to
 * ZS_WRITER_GATHER_US for more before committing. Between batches, once a
 * minute, it also purges events past retention.
 */
#ifndef ZS_WRITER_H
#define ZS_WRITER_H

#include "store/zs_store.h"

#define ZS_WRITER_BATCH_MAX	 256	/* events in one transaction */
#define ZS_WRITER_QUEUE_MAX	 512	/* queued events; submit waits above */
#define ZS_WRITER_GATHER	 16	/* a commit waits for this many... */
#define ZS_WRITER_GATHER_US	 300	/* ...or this long, which comes first */

/* One event waiting for its commit. */
struct zs_write {
	const struct zs_new_event	*ev;	/* set by the submitter */
	void			(*done)(struct zs_write *);
					/* called on the writer's thread */
	struct zs_inserted		 out;	/* set before done() */
	enum zs_store_rc		 rc;	/* set before done() */
	struct zs_write			*next;	/* the queue's */
};

/* Starts the writer thread. 0 or -1. */
int	 zs_writer_start(void);
/*
 * Queues w for the next commit and returns (after start only); waits
 * first while ZS_WRITER_QUEUE_MAX events are queued.
 */
void	 zs_writer_submit(struct zs_write *w);

#endif
