/* zs_event: the JSON shape of an event, and event id syntax. */
#ifndef ZS_EVENT_H
#define ZS_EVENT_H

#include "store/zs_store.h"
#include "util/zs_buf.h"

#define ZS_VERSION "0.1.0"

#define ZS_LEASE_ID_LEN	 (4 + ZS_ULID_LEN)	/* "lse_" + 26 characters */

/* Appends the SPEC "event" object for ev to b. */
void	 zs_event_json(struct zs_buf *b, const struct zs_event *ev);
/* The same with "lease_id": the reply to the worker holding the lease. */
void	 zs_event_json_leased(struct zs_buf *b, const struct zs_event *ev);
/*
 * Sets ev->status, lease_expires_ms and visible_ms from ev->acked_ms,
 * dead_ms and lease_id and the stored visible_at (visible_ms, or -1) as
 * they stand at now_ms; clears dead_ms unless dead. Every backend reads
 * an event's state through this, so the rules live in one place.
 */
void	 zs_event_set_status(struct zs_event *ev, int64_t visible_ms,
	    int64_t now_ms);
/* "pending", "leased", "acknowledged" or "dead". */
const char *zs_event_status_name(enum zs_status_filter);
/*
 * Nonzero when s is an event id this server could have made: "evt_" and
 * 26 upper-case Crockford base32 characters. Anything else cannot exist,
 * so callers answer 404 without asking the store.
 */
int	 zs_event_id_ok(const char *s);
/* Makes a new lease id: "lse_" and 128 random bits. 0, or -1. */
int	 zs_lease_id_make(char out[ZS_LEASE_ID_LEN + 1]);
/* Nonzero when s has the syntax of a lease id. */
int	 zs_lease_id_ok(const char *s);

#endif
