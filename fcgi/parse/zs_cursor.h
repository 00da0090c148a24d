/*
 * zs_cursor: opaque paging cursors. A cursor names the storage position
 * (seq) of the last event a page returned and the order it was made for;
 * base64url keeps it URL-safe and tells clients not to build their own.
 */
#ifndef ZS_CURSOR_H
#define ZS_CURSOR_H

#include <stdint.h>

#include "store/zs_store.h"

#define ZS_CURSOR_BUFSZ 40

/* Writes the cursor for (seq, order) into buf[ZS_CURSOR_BUFSZ]. */
void	 zs_cursor_encode(int64_t seq, enum zs_order, char *buf);
/* Parses a cursor; returns 0 with *seq and *order set, or -1. */
int	 zs_cursor_decode(const char *s, int64_t *seq, enum zs_order *order);

#endif
