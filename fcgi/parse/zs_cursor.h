/*
 * zs_cursor: opaque paging cursors. A cursor names the storage position
 * (seq) of the last event a page returned, sealed with the tenant's key
 * (util/zs_seal.h) so that it says nothing of other tenants' events, and
 * the order it was made for; base64url keeps it URL-safe and tells
 * clients not to build their own.
 */
#ifndef ZS_CURSOR_H
#define ZS_CURSOR_H

#include <stdint.h>

#include "store/zs_store.h"
#include "util/zs_seal.h"

#define ZS_CURSOR_BUFSZ 40

/* Writes the cursor for (seq, order) under key into buf[ZS_CURSOR_BUFSZ]. */
void	 zs_cursor_encode(const struct zs_seal_key *key, int64_t seq,
	    enum zs_order, char *buf);
/* Parses a cursor made under key; returns 0 with *seq and *order set, or
 * -1 (older versions of the cursor included). */
int	 zs_cursor_decode(const struct zs_seal_key *key, const char *s,
	    int64_t *seq, enum zs_order *order);

#endif
