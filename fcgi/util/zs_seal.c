/* zs_seal: sealed public ids. See zs_seal.h. */
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/zs_log.h"
#include "util/zs_seal.h"

#define HALF_BITS	 (ZS_SEAL_BITS / 2)		/* 29 */
#define HALF_MASK	 ((UINT32_C(1) << HALF_BITS) - 1)
#define ROUNDS		 4

/* OpenSSL's SHA-256, fetched once per process. */
static EVP_MD		*sha256;
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;

/* Fetches SHA-256 (pthread_once calls it once). */
static void
fetch_sha256(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int
zs_seal_key(const unsigned char secret[ZS_SEAL_KEY_LEN], const char *tenant,
    struct zs_seal_key *out)
{
	unsigned int	 len = 0;

	if (HMAC(EVP_sha256(), secret, ZS_SEAL_KEY_LEN,
	    (const unsigned char *)tenant, strlen(tenant), out->k, &len) ==
	    NULL || len != ZS_SEAL_KEY_LEN) {
		zs_log("seal: HMAC-SHA256 failed");
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

/*
 * The round function: 29 bits of SHA-256(key || round || half), half in
 * four bytes, big-endian. ctx is reused from round to round. Should
 * OpenSSL fail (it does not for SHA-256), the round uses the key's bytes
 * alone: the ids stay a permutation, only a weaker one, and it is logged.
 */
static uint32_t
round_f(EVP_MD_CTX *ctx, const struct zs_seal_key *k, int r, uint32_t half)
{
	unsigned char	 in[5], md[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0;

	in[0] = (unsigned char)r;
	in[1] = (unsigned char)(half >> 24);
	in[2] = (unsigned char)(half >> 16);
	in[3] = (unsigned char)(half >> 8);
	in[4] = (unsigned char)half;
	if (ctx == NULL || sha256 == NULL ||
	    !EVP_DigestInit_ex2(ctx, sha256, NULL) ||
	    !EVP_DigestUpdate(ctx, k->k, sizeof(k->k)) ||
	    !EVP_DigestUpdate(ctx, in, sizeof(in)) ||
	    !EVP_DigestFinal_ex(ctx, md, &len) || len < 4) {
		zs_log("seal: SHA-256 failed");
		memcpy(md, k->k + 4 * r, 4);
	}
	return ((uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 |
	    (uint32_t)md[2] << 8 | md[3]) & HALF_MASK;
}

/* Runs the network forward (enc) or backward on the 58 bits of x. */
static uint64_t
feistel(const struct zs_seal_key *k, uint64_t x, int enc)
{
	EVP_MD_CTX	*ctx;
	uint32_t	 l, r, t;
	int		 i;

	pthread_once(&sha256_once, fetch_sha256);
	ctx = EVP_MD_CTX_new();
	l = (uint32_t)(x >> HALF_BITS) & HALF_MASK;
	r = (uint32_t)x & HALF_MASK;
	for (i = 0; i < ROUNDS; i++) {
		if (enc) {
			t = l ^ round_f(ctx, k, i, r);
			l = r;
			r = t;
		} else {
			t = r ^ round_f(ctx, k, ROUNDS - 1 - i, l);
			r = l;
			l = t;
		}
	}
	EVP_MD_CTX_free(ctx);
	return (uint64_t)l << HALF_BITS | r;
}

int64_t
zs_seal(const struct zs_seal_key *k, int64_t seq)
{
	return (int64_t)feistel(k, (uint64_t)seq & (ZS_SEAL_MAX - 1), 1) + 1;
}

int64_t
zs_seal_open(const struct zs_seal_key *k, int64_t id)
{
	if (id < 1 || id > ZS_SEAL_MAX)
		return -1;
	return (int64_t)feistel(k, (uint64_t)(id - 1), 0);
}
