/* zs-unit: ULIDs, time and randomness. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/zs_random.h"
#include "util/zs_time.h"
#include "util/zs_ulid.h"
#include "zs_unit.h"

/* ---- ulid --------------------------------------------------------------- */

/*
 * zs_ulid_next after prev (none when has_prev is 0) at now. A fresh ULID
 * must have ms == now and random bits with headroom; otherwise it must be
 * exactly want.
 */
static const struct ulid_next_case {
	int		 has_prev;
	struct zs_ulid	 prev;
	uint64_t	 now;
	int		 fresh;
	struct zs_ulid	 want;
} ulid_next_cases[] = {
	{ 0, { 0, 0, 0 }, 1000, 1, { 0, 0, 0 } },
	{ 0, { 0, 0, 0 }, 0xffffffffffffULL, 1, { 0, 0, 0 } },
	{ 1, { 1000, 5, 7 }, 1000, 0, { 1000, 5, 8 } },
	{ 1, { 1000, 5, 7 }, 999, 0, { 1000, 5, 8 } },
	{ 1, { 1000, 5, 7 }, 0, 0, { 1000, 5, 8 } },
	{ 1, { 1000, 5, UINT64_MAX }, 1000, 0, { 1000, 6, 0 } },
	{ 1, { 1000, 0xffff, UINT64_MAX }, 1000, 0, { 1001, 0, 0 } },
	{ 1, { 1000, 0xffff, UINT64_MAX }, 5, 0, { 1001, 0, 0 } },
	{ 1, { 1000, 5, 7 }, 1001, 1, { 0, 0, 0 } },
	{ 1, { 1000, 0xffff, UINT64_MAX }, 1001, 1, { 0, 0, 0 } },
	{ 1, { 1000, 0, 0 }, 1700000000123ULL, 1, { 0, 0, 0 } },
};

/* Known encodings, each also decoded back. */
static const struct ulid_enc_case {
	struct zs_ulid	 u;
	const char	*enc;
} ulid_enc_cases[] = {
	{ { 0, 0, 0 }, "00000000000000000000000000" },
	{ { 1, 0, 1 }, "00000000010000000000000001" },
	{ { 1469918176385ULL, 1, 0 }, "01ARYZ6S41000G000000000000" },
	{ { 1700000000123ULL, 0x1234, 0x56789abcdef01234ULL },
	  "01HF7YAT3V28T5CY4TQKFF04HM" },
	{ { 0xffffffffffffULL, 0xffff, UINT64_MAX },
	  "7ZZZZZZZZZZZZZZZZZZZZZZZZZ" },
};

/* zs_ulid_decode: 0 or -1. */
static const struct ulid_dec_case {
	const char	*s;
	int		 rc;
} ulid_dec_cases[] = {
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "01arz3ndektsv4rrffq69g5fav", 0 },
	{ "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 0 },
	{ "00000000000000000000000000", 0 },
	{ "80000000000000000000000000", -1 },
	{ "8ZZZZZZZZZZZZZZZZZZZZZZZZZ", -1 },
	{ "Z0000000000000000000000000", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FA", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAVX", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAV ", -1 },
	{ "", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAI", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAL", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAO", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAU", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAu", -1 },
	{ "I1ARZ3NDEKTSV4RRFFQ69G5FAV", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FA-", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5F\xc3\xa9", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FA\x80", -1 },
};

/* -1, 0 or 1 as a is before, equal to or after b numerically. */
static int
ulid_cmp(const struct zs_ulid *a, const struct zs_ulid *b)
{
	if (a->ms != b->ms)
		return a->ms < b->ms ? -1 : 1;
	if (a->rand_hi != b->rand_hi)
		return a->rand_hi < b->rand_hi ? -1 : 1;
	if (a->rand_lo != b->rand_lo)
		return a->rand_lo < b->rand_lo ? -1 : 1;
	return 0;
}

/*
 * Makes n ULIDs from start (or none) at the times in clock (cycled),
 * checking each sorts after the last numerically and as text, and
 * decodes back to itself.
 */
static void
ulid_sequence(const char *name, const struct zs_ulid *start,
    const uint64_t *clock, size_t nclock, size_t n)
{
	struct zs_ulid	 prev, next, back;
	char		 pe[ZS_ULID_LEN + 1], ne[ZS_ULID_LEN + 1];
	size_t		 i;
	int		 rc;

	begins(name);
	rc = zs_ulid_next(start, clock[0], &prev);
	CHECK(rc == 0, "zs_ulid_next gave %d", rc);
	zs_ulid_encode(&prev, pe);
	for (i = 1; i < n && !cur_failed; i++) {
		rc = zs_ulid_next(&prev, clock[i % nclock], &next);
		zs_ulid_encode(&next, ne);
		CHECK(rc == 0 && ulid_cmp(&next, &prev) > 0,
		    "step %zu: %s does not follow %s", i, ne, pe);
		CHECK(strcmp(ne, pe) > 0, "step %zu: %s sorts before %s",
		    i, ne, pe);
		CHECK(zs_ulid_decode(ne, &back) == 0 &&
		    ulid_cmp(&back, &next) == 0, "step %zu: %s does not "
		    "decode to itself", i, ne);
		prev = next;
		memcpy(pe, ne, sizeof(pe));
	}
}

void
suite_ulid(void)
{
	static const uint64_t	 fixed[] = { 1700000000123ULL };
	static const uint64_t	 jumpy[] = { 5000, 5000, 4000, 5001, 5001,
				    0, 5002, 1, 5003, 5003 };
	const struct ulid_next_case *c;
	struct zs_ulid		 out, back, start;
	char			 buf[ZS_ULID_LEN + 2], pe[ZS_ULID_LEN + 1];
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(ulid_next_cases) /
	    sizeof(ulid_next_cases[0]); i++) {
		c = &ulid_next_cases[i];
		snprintf(buf, sizeof(buf), "%zu", i);
		begins(buf);
		memset(&out, 0xa5, sizeof(out));
		rc = zs_ulid_next(c->has_prev ? &c->prev : NULL, c->now, &out);
		CHECK(rc == 0, "want 0, got %d", rc);
		if (c->fresh)
			CHECK(out.ms == c->now && out.rand_hi <= 0x7fff,
			    "want fresh at %" PRIu64 ", got ms %" PRIu64
			    " hi %#x", c->now, out.ms, out.rand_hi);
		else
			CHECK(ulid_cmp(&out, &c->want) == 0, "want %" PRIu64
			    "/%#x/%#" PRIx64 ", got %" PRIu64 "/%#x/%#"
			    PRIx64, c->want.ms, c->want.rand_hi,
			    c->want.rand_lo, out.ms, out.rand_hi,
			    out.rand_lo);
		if (c->has_prev) {
			zs_ulid_encode(&c->prev, pe);
			zs_ulid_encode(&out, buf);
			CHECK(ulid_cmp(&out, &c->prev) > 0 &&
			    strcmp(buf, pe) > 0, "%s does not follow %s",
			    buf, pe);
		}
	}

	for (i = 0; i < sizeof(ulid_enc_cases) / sizeof(ulid_enc_cases[0]);
	    i++) {
		begins(ulid_enc_cases[i].enc);
		memset(buf, 'X', sizeof(buf));
		zs_ulid_encode(&ulid_enc_cases[i].u, buf);
		CHECK(strcmp(buf, ulid_enc_cases[i].enc) == 0,
		    "want %s, got %s", ulid_enc_cases[i].enc, qs(buf));
		rc = zs_ulid_decode(ulid_enc_cases[i].enc, &back);
		CHECK(rc == 0 && ulid_cmp(&back, &ulid_enc_cases[i].u) == 0,
		    "decode gave %d %" PRIu64 "/%#x/%#" PRIx64, rc, back.ms,
		    back.rand_hi, back.rand_lo);
	}

	for (i = 0; i < sizeof(ulid_dec_cases) / sizeof(ulid_dec_cases[0]);
	    i++) {
		const char	*s = ulid_dec_cases[i].s;
		size_t		 k;

		begins(s);
		rc = zs_ulid_decode(s, &back);
		CHECK(rc == ulid_dec_cases[i].rc, "want %d, got %d",
		    ulid_dec_cases[i].rc, rc);
		if (rc == 0) {
			zs_ulid_encode(&back, buf);
			for (k = 0; k < ZS_ULID_LEN; k++)
				CHECK(buf[k] == (s[k] >= 'a' && s[k] <= 'z' ?
				    s[k] - 'a' + 'A' : s[k]),
				    "encodes back as %s", buf);
		}
	}

	ulid_sequence("10000 ULIDs in one millisecond", NULL, fixed, 1,
	    10000);
	start.ms = 1700000000123ULL;
	start.rand_hi = 0x7fff;
	start.rand_lo = UINT64_MAX - 5000;
	ulid_sequence("10000 ULIDs across a carry in the random bits",
	    &start, fixed, 1, 10000);
	ulid_sequence("ULIDs while the clock jumps back and forth", NULL,
	    jumpy, sizeof(jumpy) / sizeof(jumpy[0]), 1000);
}

/* ---- time --------------------------------------------------------------- */

static const struct time_fmt_case {
	int64_t		 ms;
	const char	*want;
} time_fmt_cases[] = {
	{ 0, "1970-01-01T00:00:00.000Z" },
	{ 1, "1970-01-01T00:00:00.001Z" },
	{ 999, "1970-01-01T00:00:00.999Z" },
	{ 1700000000123, "2023-11-14T22:13:20.123Z" },
	{ 951782400000, "2000-02-29T00:00:00.000Z" },
	{ 1709164800000, "2024-02-29T00:00:00.000Z" },
	{ 1795742184123, "2026-11-27T01:16:24.123Z" },
	{ 253402300799999, "9999-12-31T23:59:59.999Z" },
};

/* zs_time_parse: rc and, when 0, the instant. */
static const struct time_parse_case {
	const char	*s;
	int		 rc;
	int64_t		 ms;
} time_parse_cases[] = {
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "1970-01-01T00:00:00.001Z", 0, 1 },
	{ "1969-12-31T23:59:59Z", 0, -1000 },
	{ "2023-11-14T22:13:20.123Z", 0, 1700000000123 },
	{ "2023-11-14t22:13:20.123z", 0, 1700000000123 },
	{ "2023-11-14 22:13:20.123Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123+00:00", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123-00:00", 0, 1700000000123 },
	{ "2023-11-15T00:13:20.123+02:00", 0, 1700000000123 },
	{ "2023-11-14T16:43:20.123-05:30", 0, 1700000000123 },
	{ "2023-11-15T12:13:20.123+14:00", 0, 1700000000123 },
	{ "2023-11-14T22:13:20Z", 0, 1700000000000 },
	{ "2023-11-14T22:13:20.1Z", 0, 1700000000100 },
	{ "2023-11-14T22:13:20.12Z", 0, 1700000000120 },
	{ "2023-11-14T22:13:20.1234Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.12345Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123456Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.1234567Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.12345678Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123456789Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.999999999Z", 0, 1700000000999 },
	{ "2023-11-14T22:13:20.0Z", 0, 1700000000000 },
	{ "2024-01-01T00:00:00.5+01:00", 0, 1704063600500 },
	{ "2024-02-29T00:00:00Z", 0, 1709164800000 },
	{ "2000-02-29T00:00:00Z", 0, 951782400000 },
	{ "2016-12-31T23:59:60Z", 0, 1483228799000 },
	{ "9999-12-31T23:59:59.999Z", 0, 253402300799999 },
	{ "2023-02-29T00:00:00Z", -1, 0 },
	{ "1900-02-29T00:00:00Z", -1, 0 },
	{ "2023-04-31T00:00:00Z", -1, 0 },
	{ "2023-13-01T00:00:00Z", -1, 0 },
	{ "2023-00-01T00:00:00Z", -1, 0 },
	{ "2023-01-00T00:00:00Z", -1, 0 },
	{ "2023-01-32T00:00:00Z", -1, 0 },
	{ "2023-01-01T24:00:00Z", -1, 0 },
	{ "2023-01-01T23:60:00Z", -1, 0 },
	{ "2023-01-01T23:59:61Z", -1, 0 },
	{ "2023-01-01T00:00:00", -1, 0 },
	{ "2023-01-01T00:00:00.123", -1, 0 },
	{ "2023-01-01T00:00:00Zjunk", -1, 0 },
	{ "2023-01-01T00:00:00Z ", -1, 0 },
	{ "2023-01-01T00:00:00+02:00x", -1, 0 },
	{ "2023-01-01T00:00:00.Z", -1, 0 },
	{ "2023-01-01T00:00:00,5Z", -1, 0 },
	{ "2023-01-01T00:00:00+0200", -1, 0 },
	{ "2023-01-01T00:00:00+02", -1, 0 },
	{ "2023-01-01T00:00:00+2:00", -1, 0 },
	{ "2023-01-01T00:00:00+24:00", -1, 0 },
	{ "2023-01-01T00:00:00+02:60", -1, 0 },
	{ "2023-01-01T00:00:00 +02:00", -1, 0 },
	{ "2023-01-01T00:00Z", -1, 0 },
	{ "2023-01-01T0:00:00Z", -1, 0 },
	{ "2023-1-01T00:00:00Z", -1, 0 },
	{ "23-01-01T00:00:00Z", -1, 0 },
	{ "2023/01/01T00:00:00Z", -1, 0 },
	{ "2023-01-01X00:00:00Z", -1, 0 },
	{ "2023-01-01", -1, 0 },
	{ "2023-01-01T", -1, 0 },
	{ "2023", -1, 0 },
	{ "", -1, 0 },
	{ "1700000000", -1, 0 },
	{ "+2023-01-01T00:00:00Z", -1, 0 },
};

void
suite_time(void)
{
	char	 buf[ZS_TIME_BUFSZ + 8];
	int64_t	 ms;
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(time_fmt_cases) / sizeof(time_fmt_cases[0]);
	    i++) {
		snprintf(buf, sizeof(buf), "%" PRId64, time_fmt_cases[i].ms);
		begins(buf);
		memset(buf, 'X', sizeof(buf));
		zs_time_format(time_fmt_cases[i].ms, buf);
		CHECK(strcmp(buf, time_fmt_cases[i].want) == 0,
		    "want %s, got %s", time_fmt_cases[i].want, qs(buf));
		rc = zs_time_parse(buf, &ms);
		CHECK(rc == 0 && ms == time_fmt_cases[i].ms, "parsing it "
		    "back gave %d %" PRId64, rc, ms);
	}

	for (i = 0; i < sizeof(time_parse_cases) /
	    sizeof(time_parse_cases[0]); i++) {
		begins(time_parse_cases[i].s);
		ms = -12345;
		rc = zs_time_parse(time_parse_cases[i].s, &ms);
		CHECK(rc == time_parse_cases[i].rc, "want %d, got %d",
		    time_parse_cases[i].rc, rc);
		if (rc == 0 && time_parse_cases[i].rc == 0)
			CHECK(ms == time_parse_cases[i].ms, "want %" PRId64
			    ", got %" PRId64, time_parse_cases[i].ms, ms);
	}

	begins("zs_time_now_ms");
	ms = zs_time_now_ms();
	CHECK(ms > 1700000000000 && ms < 253402300799999,
	    "implausible clock %" PRId64, ms);
}


/* ---- random ------------------------------------------------------------- */

/*
 * zs_random: each draw is fresh (no two 16-byte draws alike in 200, which
 * covers several refills of the 512-byte pool), every byte value turns up,
 * and sizes above ZS_RANDOM_MAX are refused.
 */
void
suite_random(void)
{
	unsigned char	 draws[200][16], big[ZS_RANDOM_MAX + 1];
	int		 seen[256] = { 0 }, nseen = 0;
	size_t		 i, j;

	begins("200 draws of 16 bytes");
	for (i = 0; i < 200; i++) {
		CHECK(zs_random(draws[i], sizeof(draws[i])) == 0,
		    "draw %zu failed", i);
		for (j = 0; j < sizeof(draws[i]); j++)
			if (!seen[draws[i][j]]++)
				nseen++;
		for (j = 0; j < i; j++)
			CHECK(memcmp(draws[i], draws[j], 16) != 0,
			    "draws %zu and %zu are the same", j, i);
	}
	CHECK(nseen == 256, "only %d of 256 byte values in 3200 bytes", nseen);

	begins("draws of ZS_RANDOM_MAX bytes across refills");
	for (i = 0; i < 20; i++) {
		memset(big, 0, sizeof(big));
		CHECK(zs_random(big, ZS_RANDOM_MAX) == 0, "draw %zu failed", i);
		for (j = 0, nseen = 0; j < ZS_RANDOM_MAX; j++)
			nseen += big[j] != 0;
		CHECK(nseen > ZS_RANDOM_MAX / 2, "draw %zu: %d of %d bytes "
		    "not zero", i, nseen, ZS_RANDOM_MAX);
	}

	begins("ZS_RANDOM_MAX + 1 bytes");
	CHECK(zs_random(big, sizeof(big)) == -1, "a too large draw worked");
}
