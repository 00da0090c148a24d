/*
 * zs_sig: webhook signatures, checked as each provider documents them:
 * HMAC-SHA256 from OpenSSL's libcrypto over the raw body bytes, and the
 * expected value compared in constant time (CRYPTO_memcmp) with each one
 * the request offers. The signature is checked before the timestamp, so
 * an unsigned request learns nothing about the clock.
 */
#ifndef ZS_SIG_H
#define ZS_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "webhooks/zs_source.h"

#define ZS_SIG_HMAC_LEN	 32	/* bytes of HMAC-SHA256 */

enum zs_sig_rc {
	ZS_SIG_OK = 0,		/* signed by the source's secret, in time */
	ZS_SIG_BAD,		/* missing, malformed or wrong (401) */
	ZS_SIG_STALE,		/* well signed, timestamp out of tolerance (400) */
	ZS_SIG_ERROR,		/* libcrypto failed (500) */
	ZS_SIG__MAX
};

/* A delivery as the signature sees it; header values NULL when absent. */
struct zs_sig_input {
	const char	*body;		/* the raw body bytes */
	size_t		 body_len;	/* their count */
	const char	*stripe;	/* Stripe-Signature */
	const char	*github;	/* X-Hub-Signature-256 */
	const char	*shopify;	/* X-Shopify-Hmac-Sha256 */
	const char	*wh_id;		/* webhook-id */
	const char	*wh_timestamp;	/* webhook-timestamp */
	const char	*wh_signature;	/* webhook-signature */
};

/*
 * Checks in against the source's scheme and key at now_s (Unix seconds),
 * allowing timestamps tolerance_s away from it.
 */
enum zs_sig_rc	 zs_sig_verify(const struct zs_source *,
		    const struct zs_sig_input *in, int64_t now_s,
		    long tolerance_s);
/*
 * HMAC-SHA256 with key over the concatenation of n parts (parts[i] of
 * lens[i] bytes) into out. Returns 0, or -1 when libcrypto fails.
 */
int		 zs_sig_hmac(const unsigned char *key, size_t keylen,
		    const char *const *parts, const size_t *lens, size_t n,
		    unsigned char out[ZS_SIG_HMAC_LEN]);
/* The header that carries a scheme's signature ("Stripe-Signature"). */
extern const char *const zs_sig_headers[ZS_SCHEME__MAX];

#endif
