/* zs-unit: the caps on streams and long polls (zs_slots_pick). See
 * zs_unit.h. */
#include <stdint.h>
#include <string.h>

#include "boundary/zs_slots.h"
#include "zs_unit.h"

#define T_MAX	 8		/* entries in a case's table */
#define DEAD	 900		/* holders with a pid from here on are gone */
#define S	 ZS_SLOT_STREAM
#define W	 ZS_SLOT_WAITER

/* A table, a request of want's kind, key and tenant, and the outcome. */
static const struct sl_case {
	const char		*name;
	struct zs_slot		 tab[T_MAX];	/* pid 0: free */
	uint32_t		 size;		/* entries usable, <= T_MAX */
	uint32_t		 used;
	struct zs_slot		 want;
	long			 key_cap, tenant_cap;
	int			 at;		/* index recorded, or -1 */
	enum zs_slots_rc	 rc;
	uint32_t		 used_after;
	int			 dead_left;	/* dead holders' entries left */
	int			 alive_calls;	/* holders looked up */
} sl_cases[] = {
	{ "an empty table: the first entry", { { 0 } }, 8, 0,
	    { 100, S, 1, 10 }, 2, 3, 0, ZS_SLOTS_OK, 1, 0, 0 },
	{ "under both caps: the first free entry is reused",
	    { { 100, S, 1, 10 }, { 0 }, { 101, S, 2, 10 } }, 8, 3,
	    { 102, S, 1, 10 }, 2, 3, 1, ZS_SLOTS_OK, 3, 0, 0 },
	{ "the key holds its cap",
	    { { 100, S, 1, 10 }, { 101, S, 1, 10 } }, 8, 2,
	    { 102, S, 1, 10 }, 2, 3, -1, ZS_SLOTS_KEY_FULL, 2, 0, 2 },
	{ "the tenant holds its cap through its other keys",
	    { { 100, S, 1, 10 }, { 101, S, 2, 10 }, { 102, S, 3, 10 } }, 8,
	    3, { 103, S, 1, 10 }, 2, 3, -1, ZS_SLOTS_TENANT_FULL, 3, 0, 3 },
	{ "both full: the key's cap is named",
	    { { 100, S, 1, 10 }, { 101, S, 1, 10 } }, 8, 2,
	    { 102, S, 1, 10 }, 2, 2, -1, ZS_SLOTS_KEY_FULL, 2, 0, 2 },
	{ "other kinds and other tenants are not counted",
	    { { 100, W, 1, 10 }, { 101, W, 1, 10 }, { 102, S, 1, 20 },
	    { 103, S, 2, 20 } }, 8, 4, { 104, S, 1, 10 }, 1, 1, 4,
	    ZS_SLOTS_OK, 5, 0, 0 },
	{ "a waiter counts waiters only",
	    { { 100, S, 1, 10 }, { 101, W, 1, 10 } }, 8, 2,
	    { 102, W, 1, 10 }, 1, 5, -1, ZS_SLOTS_KEY_FULL, 2, 0, 1 },
	{ "a dead holder's entry is freed, then taken",
	    { { DEAD, S, 1, 10 }, { 101, S, 1, 10 } }, 8, 2,
	    { 102, S, 1, 10 }, 2, 3, 0, ZS_SLOTS_OK, 2, 0, 2 },
	{ "a dead holder of another key frees the tenant's cap",
	    { { 100, S, 1, 10 }, { DEAD + 1, S, 2, 10 } }, 8, 2,
	    { 102, S, 3, 10 }, 5, 2, 1, ZS_SLOTS_OK, 2, 0, 2 },
	{ "only the tenant's entries of the kind are reaped",
	    { { 100, S, 1, 10 }, { DEAD, W, 1, 10 }, { DEAD + 1, S, 1, 20 } },
	    8, 3, { 102, S, 1, 10 }, 1, 5, -1, ZS_SLOTS_KEY_FULL, 3, 2, 1 },
	{ "a full table lets the request through, not counted",
	    { { 100, S, 2, 10 }, { 101, W, 1, 10 } }, 2, 2,
	    { 102, S, 1, 10 }, 5, 5, -1, ZS_SLOTS_OK, 2, 0, 0 },
	{ "entries past used are free",
	    { { 100, S, 1, 10 }, { 101, S, 1, 10 } }, 8, 1,
	    { 102, S, 1, 10 }, 2, 3, 1, ZS_SLOTS_OK, 2, 0, 0 },
};

static int	 alive_calls;

/* The holders of the cases: a pid from DEAD on is gone. */
static int
fake_alive(int32_t pid)
{
	alive_calls++;
	return pid < DEAD;
}

void
suite_slots(void)
{
	const struct sl_case	*c;
	struct zs_slot		 tab[T_MAX];
	enum zs_slots_rc	 rc;
	uint32_t		 used, i;
	int			 at, dead;
	size_t			 n;

	for (n = 0; n < sizeof(sl_cases) / sizeof(sl_cases[0]); n++) {
		c = &sl_cases[n];
		begins(c->name);
		memcpy(tab, c->tab, sizeof(tab));
		used = c->used;
		alive_calls = 0;
		rc = (enum zs_slots_rc)-1;
		at = zs_slots_pick(tab, c->size, &used, &c->want, c->key_cap,
		    c->tenant_cap, fake_alive, &rc);
		CHECK(at == c->at && rc == c->rc, "want index %d rc %d, got "
		    "index %d rc %d", c->at, c->rc, at, rc);
		CHECK(used == c->used_after, "want used %u, got %u",
		    c->used_after, used);
		CHECK(alive_calls == c->alive_calls, "want %d holders looked "
		    "up, got %d", c->alive_calls, alive_calls);
		for (dead = 0, i = 0; i < T_MAX; i++)
			dead += tab[i].pid >= DEAD;
		CHECK(dead == c->dead_left, "want %d dead holders' entries "
		    "left, got %d", c->dead_left, dead);
		if (at >= 0)
			CHECK(memcmp(&tab[at], &c->want, sizeof(c->want)) == 0,
			    "entry %d is not the request", at);
		/* every other live entry is as it was */
		for (i = 0; i < T_MAX; i++)
			if ((int)i != at && tab[i].pid != 0)
				CHECK(memcmp(&tab[i], &c->tab[i],
				    sizeof(tab[i])) == 0, "entry %u changed",
				    i);
	}
}
