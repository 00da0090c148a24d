/* zs_ulid: monotonic ULIDs. See zs_ulid.h. */
#include <string.h>
#include "util/zs_random.h"
#include "util/zs_ulid.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int
zs_ulid_next(const struct zs_ulid *prev, uint64_t now_ms, struct zs_ulid *out)
{
	unsigned char	 r[10];
	int		 i;

	if (prev != NULL && now_ms <= prev->ms) {
		*out = *prev;
		if (++out->rand_lo == 0 && ++out->rand_hi == 0)
			out->ms++;	/* 2^80 ids in one ms: borrow the next */
		return 0;
	}
	if (zs_random(r, sizeof(r)) == -1)
		return -1;
	out->ms = now_ms & 0xffffffffffffULL;
	out->rand_hi = (uint16_t)(r[0] << 8 | r[1]);
	out->rand_lo = 0;
	for (i = 2; i < 10; i++)
		out->rand_lo = out->rand_lo << 8 | r[i];
	/* Leave headroom so a burst within one ms cannot overflow. */
	out->rand_hi &= 0x7fff;
	return 0;
}

void
zs_ulid_encode(const struct zs_ulid *u, char buf[ZS_ULID_LEN + 1])
{
	int	 i;
	uint64_t t = u->ms, hi = u->rand_hi, lo = u->rand_lo;

	/* 10 characters of time: 50 bits, the top 2 always zero. */
	for (i = 9; i >= 0; i--) {
		buf[i] = crockford[t & 31];
		t >>= 5;
	}
	/* 16 characters of randomness: 80 bits, low 64 then high 16. */
	for (i = 25; i >= 10; i--) {
		buf[i] = crockford[lo & 31];
		lo = lo >> 5 | (hi & 31) << 59;
		hi >>= 5;
	}
	buf[ZS_ULID_LEN] = '\0';
}

/* Value of one Crockford character, or -1. */
static int
crockford_val(char c)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == '\0' || (p = strchr(crockford, c)) == NULL)
		return -1;
	return (int)(p - crockford);
}

int
zs_ulid_decode(const char *s, struct zs_ulid *out)
{
	int		 i, v;
	uint64_t	 t = 0, hi = 0, lo = 0;

	for (i = 0; i < ZS_ULID_LEN; i++)
		if (crockford_val(s[i]) < 0)
			return -1;
	if (s[ZS_ULID_LEN] != '\0' || crockford_val(s[0]) > 7)
		return -1;
	for (i = 0; i < 10; i++)
		t = t << 5 | (uint64_t)crockford_val(s[i]);
	for (i = 10; i < ZS_ULID_LEN; i++) {
		v = crockford_val(s[i]);
		hi = (hi << 5 | lo >> 59) & 0xffff;
		lo = lo << 5 | (uint64_t)v;
	}
	out->ms = t;
	out->rand_hi = (uint16_t)hi;
	out->rand_lo = lo;
	return 0;
}
