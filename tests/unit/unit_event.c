/* zs-unit: rate limits, events, their JSON, leases. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary/zs_ratelimit.h"
#include "parse/zs_event.h"
#include "parse/zs_fields.h"
#include "store/zs_store.h"
#include "util/zs_time.h"
#include "util/zs_ulid.h"
#include "zs_unit.h"

/* ---- ratelimit ---------------------------------------------------------- */

#define RL_T0	 1700000000000LL	/* a start time */

/* One call (repeated times times) and what the last one reports. */
struct rl_step {
	int64_t	 now;		/* ms */
	int	 times;		/* calls; 0 ends the steps */
	int	 allowed;	/* every call */
	long	 remaining;
	long	 reset_s;
	long	 retry_after_s;
};

/* A bucket of capacity starting at (tokens, last_ms), then steps. */
static const struct rl_case {
	const char	*name;
	long		 capacity;
	double		 tokens;
	int64_t		 last_ms;
	struct rl_step	 steps[8];
} rl_cases[] = {
	{ "60/min: a new bucket allows 60 then refuses", 60, 0, 0, {
		{ RL_T0, 1, 1, 59, 1, 0 },
		{ RL_T0, 59, 1, 0, 60, 0 },
		{ RL_T0, 1, 0, 0, 60, 1 },
		{ RL_T0 + 999, 1, 0, 0, 60, 1 },
		{ RL_T0 + 1000, 1, 1, 0, 60, 0 },
		{ RL_T0 + 1000, 1, 0, 0, 60, 1 },
		{ RL_T0 + 500, 1, 0, 0, 60, 1 },
		{ 0 } } },
	{ "60/min: refill after 1 s gives one token", 60, 10.0, RL_T0, {
		{ RL_T0 + 1000, 1, 1, 10, 50, 0 },
		{ RL_T0 + 2000, 2, 1, 9, 51, 0 },
		{ RL_T0 + 60000, 1, 1, 59, 1, 0 },
		{ RL_T0 + 600000, 1, 1, 59, 1, 0 },
		{ 0 } } },
	{ "60/min: half a token waits for the other half", 60, 0.5,
	  RL_T0, {
		{ RL_T0, 1, 0, 0, 60, 1 },
		{ RL_T0 + 400, 1, 0, 0, 60, 1 },
		{ RL_T0 + 500, 1, 1, 0, 60, 0 },
		{ 0 } } },
	{ "1/min: one request, then a minute's wait", 1, 0, 0, {
		{ RL_T0, 1, 1, 0, 60, 0 },
		{ RL_T0, 1, 0, 0, 60, 60 },
		{ RL_T0 + 30000, 1, 0, 0, 30, 30 },
		{ RL_T0 + 59999, 1, 0, 0, 1, 1 },
		{ RL_T0 + 60000, 1, 1, 0, 60, 0 },
		{ 0 } } },
	{ "120/min: retry after rounds up to 1 s", 120, 0, 0, {
		{ RL_T0, 120, 1, 0, 60, 0 },
		{ RL_T0, 1, 0, 0, 60, 1 },
		{ RL_T0 + 500, 1, 1, 0, 60, 0 },
		{ RL_T0 + 900, 1, 0, 0, 60, 1 },
		{ 0 } } },
	{ "a damaged bucket counts as full", 60, -5.0, RL_T0, {
		{ RL_T0, 1, 1, 59, 1, 0 },
		{ 0 } } },
	{ "an overfull bucket counts as full", 60, 1e9, RL_T0, {
		{ RL_T0, 1, 1, 59, 1, 0 },
		{ 0 } } },
};

void
suite_ratelimit(void)
{
	const struct rl_case	*c;
	const struct rl_step	*s;
	struct zs_rate		 r;
	double			 tokens;
	int64_t			 last, wantlast;
	size_t			 i, j;
	int			 k, allowed;

	for (i = 0; i < sizeof(rl_cases) / sizeof(rl_cases[0]); i++) {
		c = &rl_cases[i];
		begins(c->name);
		tokens = c->tokens;
		last = c->last_ms;
		for (j = 0; c->steps[j].times > 0 && !cur_failed; j++) {
			s = &c->steps[j];
			allowed = 1;
			wantlast = last > s->now ? last : s->now;
			for (k = 0; k < s->times; k++) {
				memset(&r, 0xa5, sizeof(r));
				zs_ratelimit_bucket(&tokens, &last,
				    c->capacity, s->now, &r);
				allowed &= r.allowed == s->allowed;
			}
			CHECK(allowed && r.limit == c->capacity &&
			    r.remaining == s->remaining &&
			    r.reset_s == s->reset_s &&
			    r.retry_after_s == s->retry_after_s,
			    "step %zu: want allowed %d remaining %ld reset %ld "
			    "retry %ld, got allowed %d remaining %ld reset %ld"
			    " retry %ld (limit %ld)", j, s->allowed,
			    s->remaining, s->reset_s, s->retry_after_s,
			    r.allowed, r.remaining, r.reset_s,
			    r.retry_after_s, r.limit);
			CHECK(last == wantlast, "step %zu: last_ms %" PRId64
			    ", want %" PRId64, j, last, wantlast);
			CHECK(tokens >= 0 && tokens <= c->capacity,
			    "step %zu: %g tokens", j, tokens);
		}
	}
}

/* ---- event -------------------------------------------------------------- */

static const struct event_case {
	const char	*id;
	int		 ok;
} event_cases[] = {
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1 },
	{ "evt_00000000000000000000000000", 1 },
	{ "evt_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 1 },
	{ "evt_01arz3ndektsv4rrffq69g5fav", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAv", 0 },
	{ "EVT_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "ev_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "evt-01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "evt01ARZ3NDEKTSV4RRFFQ69G5FAVX", 0 },
	{ "xvt_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FA", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAVV", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV\n", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAI", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAL", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAO", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAU", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5F-V", 0 },
	{ "evt_80000000000000000000000000", 0 },
	{ "evt_", 0 },
	{ "evt", 0 },
	{ "", 0 },
};

void
suite_event(void)
{
	static const struct zs_ulid us[] = {
		{ 0, 0, 0 },
		{ 1700000000123ULL, 0x1234, 0x56789abcdef01234ULL },
		{ 0xffffffffffffULL, 0xffff, UINT64_MAX },
	};
	struct zs_ulid	 u;
	char		 id[ZS_EVENT_ID_LEN + 1];
	size_t		 i, k;
	int		 ok;

	for (i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		begins(event_cases[i].id);
		ok = zs_event_id_ok(event_cases[i].id) != 0;
		CHECK(ok == event_cases[i].ok, "want %d, got %d",
		    event_cases[i].ok, ok);
	}

	/* Ids as the server makes them pass; lowercased they do not. */
	for (i = 0; i < sizeof(us) / sizeof(us[0]) + 3; i++) {
		if (i < sizeof(us) / sizeof(us[0]))
			u = us[i];
		else if (zs_ulid_next(NULL, zs_time_now_ms(), &u) != 0)
			memset(&u, 0, sizeof(u));
		memcpy(id, "evt_", 4);
		zs_ulid_encode(&u, id + 4);
		begins(id);
		ok = zs_event_id_ok(id) != 0;
		CHECK(ok == 1, "want 1, got %d", ok);
		for (k = 4; k < ZS_EVENT_ID_LEN; k++)
			if (id[k] >= 'A' && id[k] <= 'Z')
				id[k] = (char)(id[k] - 'A' + 'a');
		if (strspn(id + 4, "0123456789") == ZS_ULID_LEN)
			continue;	/* nothing to lowercase */
		begins(id);
		ok = zs_event_id_ok(id) != 0;
		CHECK(ok == 0, "want 0, got %d", ok);
	}
}

/* zs_buf_put_int, and the event JSON built without printf. */
void
suite_event_json(void)
{
	static const struct { int64_t n; const char *want; } ints[] = {
		{ 0, "0" }, { 7, "7" }, { -1, "-1" }, { 1234567890, "1234567890" },
		{ INT64_MAX, "9223372036854775807" },
		{ INT64_MIN, "-9223372036854775808" },
	};
	struct zs_event	 ev;
	struct zs_buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		begins(ints[i].want);
		zs_buf_init(&b, 0);
		zs_buf_put_int(&b, ints[i].n);
		CHECK(b.len == strlen(ints[i].want) &&
		    strcmp(b.data, ints[i].want) == 0, "got %s", b.data);
		zs_buf_free(&b);
	}

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.id, sizeof(ev.id), "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV");
	ev.created_ms = 1764220584722LL;	/* 2025-11-27T05:16:24.722Z */
	ev.acked_ms = -1;
	ev.source = "billing";
	ev.topic = "q\"t";
	ev.payload = "{\"a\":1}";
	ev.payload_len = 7;
	ev.status = ZS_STATUS_LEASED;
	ev.delivery_count = 2;
	ev.lease_expires_ms = 1764220614722LL;
	ev.visible_ms = ev.dead_ms = -1;
	ev.lease_id = "lse_01ARZ3NDEKTSV4RRFFQ69G5FAV";
	begins("a leased event, with its lease");
	zs_buf_init(&b, 0);
	zs_event_json_leased(&b, &ev);
	CHECK(strcmp(b.data, "{\"id\":\"evt_01ARZ3NDEKTSV4RRFFQ69G5FAV\","
	    "\"created_at\":\"2025-11-27T05:16:24.722Z\",\"source\":"
	    "\"billing\",\"type\":null,\"topic\":\"q\\\"t\",\"payload\":"
	    "{\"a\":1},\"status\":\"leased\",\"acked_at\":null,"
	    "\"delivery_count\":2,\"lease_expires_at\":"
	    "\"2025-11-27T05:16:54.722Z\",\"lease_id\":"
	    "\"lse_01ARZ3NDEKTSV4RRFFQ69G5FAV\"}") == 0, "got %s", b.data);
	zs_buf_free(&b);

	ev.status = ZS_STATUS_ACKED;
	ev.acked_ms = 1764220585000LL;
	ev.lease_expires_ms = -1;
	begins("an acknowledged event");
	zs_buf_init(&b, 0);
	zs_event_json(&b, &ev);
	CHECK(strstr(b.data, ",\"status\":\"acknowledged\",\"acked_at\":"
	    "\"2025-11-27T05:16:25.000Z\",\"delivery_count\":2}") != NULL &&
	    strstr(b.data, "lease") == NULL, "got %s", b.data);
	zs_buf_free(&b);
}

/* Lease ids: the syntax check, and what zs_lease_id_make makes. */
static const struct event_case lease_cases[] = {
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1 },
	{ "lse_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 1 },
	{ "lse_80000000000000000000000000", 0 },
	{ "lse_01arz3ndektsv4rrffq69g5fav", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FA", 0 },
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FAVV", 0 },
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FAU", 0 },
	{ "lse_", 0 },
	{ "", 0 },
};

/* zs_fields_int: a JSON number's text read as a whole number in range. */
static const struct fields_int_case {
	const char	*text;
	long		 min, max;
	int		 rc;
	long		 want;
} fields_int_cases[] = {
	{ "30", 1, 43200, 0, 30 },
	{ "1", 1, 43200, 0, 1 },
	{ "43200", 1, 43200, 0, 43200 },
	{ "0", 0, 20, 0, 0 },
	{ "-0", 0, 20, 0, 0 },
	{ "0", 1, 43200, -1, 0 },
	{ "43201", 1, 43200, -1, 0 },
	{ "-1", 0, 20, -1, 0 },
	{ "1.5", 1, 100, -1, 0 },
	{ "1e2", 1, 1000, -1, 0 },
	{ "1E2", 1, 1000, -1, 0 },
	{ "10.0", 1, 100, -1, 0 },
	{ "999999999999999999", 1, 100, -1, 0 },
	{ "9999999999999999999", 1, 100, -1, 0 },
	{ "-", 0, 20, -1, 0 },
	{ "", 0, 20, -1, 0 },
	{ "\"5\"", 0, 20, -1, 0 },
	{ "true", 0, 20, -1, 0 },
};

void
suite_lease(void)
{
	char	 id[ZS_LEASE_ID_LEN + 1], prev[ZS_LEASE_ID_LEN + 1] = "";
	size_t	 i;
	long	 v;
	int	 ok, rc;

	for (i = 0; i < sizeof(lease_cases) / sizeof(lease_cases[0]); i++) {
		begins(lease_cases[i].id);
		ok = zs_lease_id_ok(lease_cases[i].id) != 0;
		CHECK(ok == lease_cases[i].ok, "want %d, got %d",
		    lease_cases[i].ok, ok);
	}
	/* Made ids pass the check and differ from each other. */
	for (i = 0; i < 100; i++) {
		rc = zs_lease_id_make(id);
		begins(id);
		CHECK(rc == 0 && zs_lease_id_ok(id) && strcmp(id, prev) != 0,
		    "rc %d, previous %s", rc, prev);
		memcpy(prev, id, sizeof(prev));
	}
	for (i = 0; i < sizeof(fields_int_cases) /
	    sizeof(fields_int_cases[0]); i++) {
		const struct fields_int_case *c = &fields_int_cases[i];

		begins(c->text);
		v = -42;
		rc = zs_fields_int(c->text, strlen(c->text), c->min, c->max,
		    &v);
		CHECK(rc == c->rc && (rc != 0 || v == c->want),
		    "want %d (%ld), got %d (%ld)", c->rc, c->want, rc, v);
	}
}
