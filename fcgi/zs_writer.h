/*
 * zs_writer: group commit for POST /events, without a writer thread.
 * A request thread queues its checked event; if no commit is under way it
 * becomes the leader: it takes everything queued (its own event first),
 * stores it in one transaction (one commit, so one fsync under
 * DURABILITY=full), and wakes each waiter with its own result. Events
 * queued meanwhile wait for that commit to end, and the first of them
 * leads the next one, so batches grow with the load and the common case
 * under light load costs no thread hand-off at all. No request returns
 * before the commit of its batch. Only the leader uses the store.
 */
#ifndef ZS_WRITER_H
#define ZS_WRITER_H

#include "zs_store.h"

#define ZS_WRITER_BATCH_MAX 256	/* events in one transaction */

/* Starts group commit (and the purge thread, once a minute). 0 or -1. */
int		 zs_writer_start(void);
/* Stores ev with group commit, or directly when it was not started. */
enum zs_store_rc zs_writer_insert(const struct zs_new_event *ev,
		    struct zs_inserted *out);

#endif
