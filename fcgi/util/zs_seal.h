/*
 * zs_seal: the public numbers of internal sequence numbers. A stream's
 * event ids and a page's cursor stand for a seq of the change or the
 * event table, which counts the writes of every tenant: published as
 * they are, they would let one tenant watch the others' volume. They are
 * published sealed instead, by a keyed pseudorandom permutation of 58
 * bits (a 4-round Feistel network whose round function is SHA-256 of the
 * key, the round and the half), with a key per tenant derived from the
 * installation's secret: one tenant's ids say nothing about another's or
 * about how many writes came between two of its own, and they open back
 * to the exact seq.
 */
#ifndef ZS_SEAL_H
#define ZS_SEAL_H

#include <stdint.h>

#define ZS_SEAL_KEY_LEN	 32			/* bytes of a key, a secret */
#define ZS_SEAL_BITS	 58			/* bits of a sealed seq */
#define ZS_SEAL_MAX	 (INT64_C(1) << ZS_SEAL_BITS) /* largest public id */

/* One tenant's key. */
struct zs_seal_key {
	unsigned char	 k[ZS_SEAL_KEY_LEN];
};

/* The key of tenant: HMAC-SHA256(secret, tenant). 0, or -1 (logged). */
int	 zs_seal_key(const unsigned char secret[ZS_SEAL_KEY_LEN],
	    const char *tenant, struct zs_seal_key *out);
/*
 * The public id of seq (0 to ZS_SEAL_MAX - 1; higher bits are dropped):
 * 1 to ZS_SEAL_MAX, so at most 18 digits, and never 0, which a client
 * sends to mean "from the very start".
 */
int64_t	 zs_seal(const struct zs_seal_key *, int64_t seq);
/* The seq whose public id is id, or -1 when id is not 1..ZS_SEAL_MAX. */
int64_t	 zs_seal_open(const struct zs_seal_key *, int64_t id);

#endif
