/*
 * zs_writer: group commit for POST /events. Request threads hand their
 * checked event to zs_writer_insert() and wait; one writer thread takes
 * everything queued, stores it in one transaction (one commit, so one
 * fsync under DURABILITY=full) and wakes each request with its own
 * result. No request returns before the commit of its batch. The writer
 * thread is the only user of the store in its process.
 */
#ifndef ZS_WRITER_H
#define ZS_WRITER_H

#include "zs_store.h"

#define ZS_WRITER_BATCH_MAX 256	/* events in one transaction */

/* Starts the writer thread (purging once a minute too). 0 or -1. */
int		 zs_writer_start(void);
/* Stores ev through the writer, or directly when it was not started. */
enum zs_store_rc zs_writer_insert(const struct zs_new_event *ev,
		    struct zs_inserted *out);

#endif
