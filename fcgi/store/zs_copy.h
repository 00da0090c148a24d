/*
 * zs_copy: zs-admin copy-to-postgres, the move from one SQLite inbox
 * (DATABASE_PATH) to PostgreSQL (DATABASE_URL).
 */
#ifndef ZS_COPY_H
#define ZS_COPY_H

#include "parse/zs_config.h"

/*
 * Copies every event (id, timestamps, source, type, topic, payload,
 * acknowledgement, lease, delivery count, dead letter), idempotency key
 * and webhook token, in SQLite's seq order, in one PostgreSQL
 * transaction. Rows already there (by event id, tenant and key, token)
 * are kept, so a second run copies only what is new, and an
 * acknowledgement made in SQLite since the last run is carried over.
 * Prints what it did; returns 0, or -1 after one message.
 */
int	 zs_copy_inbox(const struct zs_config *);

#endif
