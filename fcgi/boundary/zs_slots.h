/*
 * zs_slots: caps on what one tenant and one API key hold open at once on
 * this host: streams (GET /inbox/stream, STREAM_MAX_PER_TENANT and
 * STREAM_MAX_PER_KEY) and waiting long polls (POST /inbox/lease with
 * "wait", WAIT_MAX_PER_TENANT and WAIT_MAX_PER_KEY), so that one tenant
 * cannot take every stream or lease thread. Every responder process of
 * the host shares one small memory-mapped table beside the database
 * (DATABASE_PATH + "-slots", with PostgreSQL too: the caps are per host),
 * updated under flock(2) as zs_ratelimit's file is. An entry is {pid,
 * kind, key, tenant}; taking one counts the entries of the same kind and
 * key, and of the same kind and tenant. Entries cannot leak: before
 * refusing, those of processes that no longer exist are dropped, and a
 * process clears the entries a dead process with its pid left behind.
 */
#ifndef ZS_SLOTS_H
#define ZS_SLOTS_H

#include <stdint.h>

#include "parse/zs_config.h"

#define ZS_SLOTS_MAX	 16384	/* entries in the table: streams and long
				   polls open at once on the host that are
				   counted (past it they are let through) */

enum zs_slot_kind {
	ZS_SLOT_STREAM = 1,	/* an open stream */
	ZS_SLOT_WAITER,		/* a long poll that is waiting */
};

enum zs_slots_rc {
	ZS_SLOTS_OK = 0,	/* go ahead */
	ZS_SLOTS_KEY_FULL,	/* the key holds its cap */
	ZS_SLOTS_TENANT_FULL,	/* the tenant holds its cap */
};

/* One entry of the table. */
struct zs_slot {
	int32_t		 pid;		/* the holder; 0: free */
	uint32_t	 kind;		/* enum zs_slot_kind */
	uint64_t	 key;		/* the API key's id (zs_slots.c) */
	uint64_t	 tenant;	/* the tenant's id */
};

/*
 * Takes a slot of kind for the API key with index k (its tenant's too),
 * at the caps cfg sets for kind. Returns ZS_SLOTS_OK with *hold set (give
 * it back with zs_slots_give), or the cap that is full. When the table
 * cannot be used (the file cannot be opened or mapped, or it is full)
 * the request is let through, not counted (logged): like the rate limit,
 * a cap must not take the API down.
 */
enum zs_slots_rc zs_slots_take(const struct zs_config *,
	    enum zs_slot_kind kind, int k, int *hold);
/* Gives back what zs_slots_take recorded in *hold (if anything). */
void	 zs_slots_give(int *hold);
/*
 * The entries of kind held by live processes of the host (GET /metrics),
 * or -1 when the table cannot be used.
 */
long	 zs_slots_count(const struct zs_config *, enum zs_slot_kind kind);

/*
 * The decision, for tests: in tab (size entries, the first *used of
 * which may be taken), records want and returns its index, or returns -1
 * with *rc the cap that is full (its key's first). Before refusing, the
 * entries of want's kind and tenant whose holder is not alive() are
 * freed. With the table full: -1 and ZS_SLOTS_OK (let through).
 */
int	 zs_slots_pick(struct zs_slot *tab, uint32_t size, uint32_t *used,
	    const struct zs_slot *want, long key_cap, long tenant_cap,
	    int (*alive)(int32_t pid), enum zs_slots_rc *rc);

#endif
