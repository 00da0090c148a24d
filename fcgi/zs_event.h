/* zs_event: the JSON shape of an event, and event id syntax. */
#ifndef ZS_EVENT_H
#define ZS_EVENT_H

#include "zs_buf.h"
#include "zs_store.h"

#define ZS_VERSION "0.1.0"

/* Appends the SPEC "event" object for ev to b. */
void	 zs_event_json(struct zs_buf *b, const struct zs_event *ev);
/*
 * Nonzero when s is an event id this server could have made: "evt_" and
 * 26 upper-case Crockford base32 characters. Anything else cannot exist,
 * so callers answer 404 without asking the store.
 */
int	 zs_event_id_ok(const char *s);

#endif
