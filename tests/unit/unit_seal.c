/* zs-unit: sealed public ids. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/zs_seal.h"
#include "zs_unit.h"

/* Two tenants' keys under one secret, and one under another secret. */
static void
keys(struct zs_seal_key *a, struct zs_seal_key *b, struct zs_seal_key *c)
{
	unsigned char	 secret[ZS_SEAL_KEY_LEN], other[ZS_SEAL_KEY_LEN];
	size_t		 i;

	for (i = 0; i < sizeof(secret); i++) {
		secret[i] = (unsigned char)(i * 7 + 1);
		other[i] = (unsigned char)(i * 7 + 2);
	}
	if (zs_seal_key(secret, "tenant_a", a) == -1 ||
	    zs_seal_key(secret, "tenant_b", b) == -1 ||
	    zs_seal_key(other, "tenant_a", c) == -1) {
		begins("zs_seal_key");
		CHECK(0, "wanted a key, got a failure");
	}
}

/* Seq values to try: the first ones, a spread, and the top of the range. */
static int64_t
nth_seq(int i)
{
	if (i < 2000)
		return i;
	if (i < 4000)
		return (int64_t)(i - 2000) * 144115188075853LL + 12345;
	return ZS_SEAL_MAX - 1 - (i - 4000);
}

#define NSEQ	 4100

void
suite_seal(void)
{
	struct zs_seal_key	 a, b, c;
	int64_t			 seq, id, ib, prev = 0, rises = 0;
	int			 i, same_b = 0, same_c = 0, ok;
	char			 in[64];

	suite = "seal";
	keys(&a, &b, &c);

	/* Every value opens back exactly, and ids stay 1..2^58. */
	for (i = 0; i < NSEQ; i++) {
		seq = nth_seq(i);
		snprintf(in, sizeof(in), "seq %" PRId64, seq);
		begins(in);
		id = zs_seal(&a, seq);
		CHECK(id >= 1 && id <= ZS_SEAL_MAX, "wanted an id in "
		    "1..2^58, got %" PRId64, id);
		CHECK(zs_seal_open(&a, id) == seq, "wanted %" PRId64 " back, "
		    "got %" PRId64, seq, zs_seal_open(&a, id));
		ib = zs_seal(&b, seq);
		CHECK(zs_seal_open(&b, ib) == seq, "wanted %" PRId64 " back "
		    "under b's key, got %" PRId64, seq, zs_seal_open(&b, ib));
		same_b += ib == id;
		same_c += zs_seal(&c, seq) == id;
		if (i > 0 && i < 2000)
			rises += id == prev + 1;
		prev = id;
	}
	begins("distinct keys");
	CHECK(same_b == 0, "wanted tenants' ids to differ, got %d alike",
	    same_b);
	CHECK(same_c == 0, "wanted secrets' ids to differ, got %d alike",
	    same_c);
	CHECK(rises == 0, "wanted consecutive seqs not to give consecutive "
	    "ids, got %" PRId64, rises);

	/* Every id opens under any key, to a seq that seals back to it. */
	for (i = 0; i < 1000; i++) {
		id = (int64_t)i * 288230376151711LL + 1;
		snprintf(in, sizeof(in), "open %" PRId64, id);
		begins(in);
		seq = zs_seal_open(&b, id);
		CHECK(seq >= 0 && seq < ZS_SEAL_MAX && zs_seal(&b, seq) == id,
		    "wanted a seq that seals back, got %" PRId64, seq);
	}

	/* What is not an id. */
	begins("out of range");
	CHECK(zs_seal_open(&a, ZS_SEAL_MAX + 1) == -1, "wanted 2^58+1 "
	    "refused, got %" PRId64, zs_seal_open(&a, ZS_SEAL_MAX + 1));
	CHECK(zs_seal_open(&a, 0) == -1, "wanted 0 refused");
	CHECK(zs_seal_open(&a, -5) == -1, "wanted -5 refused");
	CHECK(zs_seal_open(&a, INT64_MAX) == -1, "wanted INT64_MAX refused");
	ok = zs_seal_open(&a, ZS_SEAL_MAX) >= 0 && zs_seal_open(&a, 1) >= 0;
	CHECK(ok, "wanted 1 and 2^58 to open");
	CHECK(ZS_SEAL_MAX == 288230376151711744LL, "wanted 2^58, got %"
	    PRId64, (int64_t)ZS_SEAL_MAX);
}
