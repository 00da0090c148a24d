/* zs_sig: webhook signatures. See zs_sig.h. */
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "util/zs_log.h"
#include "webhooks/zs_sig.h"

#define HEX_LEN		 (ZS_SIG_HMAC_LEN * 2)		/* 64 */
#define B64_LEN		 ((ZS_SIG_HMAC_LEN + 2) / 3 * 4)	/* 44 */
#define TS_DIGITS_MAX	 15	/* Unix seconds, far past any real clock */
#define STRIPE_SIGS_MAX	 16	/* v1= values looked at */

const char *const zs_sig_headers[ZS_SCHEME__MAX] = {
	"Stripe-Signature", "X-Hub-Signature-256", "X-Shopify-Hmac-Sha256",
	"webhook-signature", "",
};

/* OpenSSL's HMAC, fetched once per process. */
static EVP_MAC		*hmac;
static pthread_once_t	 hmac_once = PTHREAD_ONCE_INIT;

/* Fetches the HMAC implementation (pthread_once calls it once). */
static void
hmac_fetch(void)
{
	hmac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
}

int
zs_sig_hmac(const unsigned char *key, size_t keylen,
    const char *const *parts, const size_t *lens, size_t n,
    unsigned char out[ZS_SIG_HMAC_LEN])
{
	EVP_MAC_CTX	*ctx = NULL;
	OSSL_PARAM	 params[2];
	size_t		 i, outlen = 0;
	int		 ok = 0;

	pthread_once(&hmac_once, hmac_fetch);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (hmac == NULL || (ctx = EVP_MAC_CTX_new(hmac)) == NULL ||
	    !EVP_MAC_init(ctx, key, keylen, params))
		goto out;
	for (i = 0; i < n; i++)
		if (lens[i] > 0 && !EVP_MAC_update(ctx,
		    (const unsigned char *)parts[i], lens[i]))
			goto out;
	ok = EVP_MAC_final(ctx, out, &outlen, ZS_SIG_HMAC_LEN) &&
	    outlen == ZS_SIG_HMAC_LEN;
out:
	EVP_MAC_CTX_free(ctx);
	if (!ok)
		zs_log("libcrypto: HMAC-SHA256 failed");
	return ok ? 0 : -1;
}

/* Lower-case hex of mac into out[HEX_LEN + 1]. */
static void
to_hex(const unsigned char *mac, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		 i;

	for (i = 0; i < ZS_SIG_HMAC_LEN; i++) {
		out[2 * i] = digits[mac[i] >> 4];
		out[2 * i + 1] = digits[mac[i] & 0xf];
	}
	out[HEX_LEN] = '\0';
}

/* Standard base64 (with padding) of mac into out[B64_LEN + 1]. */
static void
to_base64(const unsigned char *mac, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, mac, ZS_SIG_HMAC_LEN);
}

/* 1 when s[0..len) equals want (wantlen bytes), in constant time. */
static int
same(const char *s, size_t len, const char *want, size_t wantlen)
{
	return len == wantlen && CRYPTO_memcmp(s, want, wantlen) == 0;
}

/* Parses 1 to TS_DIGITS_MAX decimal digits s[0..len); -1 otherwise. */
static int64_t
parse_ts(const char *s, size_t len)
{
	int64_t	 v = 0;
	size_t	 i;

	if (len == 0 || len > TS_DIGITS_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Checks a timestamp against now and the tolerance. */
static enum zs_sig_rc
in_time(int64_t ts, int64_t now, long tolerance)
{
	return ts >= now - tolerance && ts <= now + tolerance ?
	    ZS_SIG_OK : ZS_SIG_STALE;
}

/*
 * Stripe: "t=<unix>,v1=<hex>[,v1=<hex>...]" (other elements ignored);
 * HMAC of "<t>.<body>" with the secret as given; any v1 may match.
 */
static enum zs_sig_rc
verify_stripe(const struct zs_source *src, const struct zs_sig_input *in,
    int64_t now, long tolerance)
{
	const char	*p = in->stripe, *end, *eq, *t = NULL;
	const char	*v1[STRIPE_SIGS_MAX];
	size_t		 v1len[STRIPE_SIGS_MAX], tlen = 0, nv1 = 0, i;
	const char	*parts[3];
	size_t		 lens[3];
	unsigned char	 mac[ZS_SIG_HMAC_LEN];
	char		 want[HEX_LEN + 1];
	int		 match = 0;
	int64_t		 ts;

	if (p == NULL)
		return ZS_SIG_BAD;
	for (; *p != '\0'; p = *end == '\0' ? end : end + 1) {
		end = p + strcspn(p, ",");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			continue;
		if (eq - p == 1 && *p == 't') {
			t = eq + 1;
			tlen = (size_t)(end - t);
		} else if (eq - p == 2 && p[0] == 'v' && p[1] == '1' &&
		    nv1 < STRIPE_SIGS_MAX) {
			v1[nv1] = eq + 1;
			v1len[nv1++] = (size_t)(end - eq - 1);
		}
	}
	if (t == NULL || nv1 == 0 || (ts = parse_ts(t, tlen)) < 0)
		return ZS_SIG_BAD;
	parts[0] = t;
	lens[0] = tlen;
	parts[1] = ".";
	lens[1] = 1;
	parts[2] = in->body;
	lens[2] = in->body_len;
	if (zs_sig_hmac(src->key, src->keylen, parts, lens, 3, mac) == -1)
		return ZS_SIG_ERROR;
	to_hex(mac, want);
	for (i = 0; i < nv1; i++)
		match |= same(v1[i], v1len[i], want, HEX_LEN);
	return match ? in_time(ts, now, tolerance) : ZS_SIG_BAD;
}

/* GitHub: "sha256=<hex HMAC of the body>". */
static enum zs_sig_rc
verify_github(const struct zs_source *src, const struct zs_sig_input *in)
{
	unsigned char	 mac[ZS_SIG_HMAC_LEN];
	char		 want[7 + HEX_LEN + 1] = "sha256=";
	const char	*parts[1] = { in->body };
	size_t		 lens[1] = { in->body_len };

	if (zs_sig_hmac(src->key, src->keylen, parts, lens, 1, mac) == -1)
		return ZS_SIG_ERROR;
	to_hex(mac, want + 7);
	return in->github != NULL && same(in->github, strlen(in->github),
	    want, 7 + HEX_LEN) ? ZS_SIG_OK : ZS_SIG_BAD;
}

/* Shopify: the base64 HMAC of the body. */
static enum zs_sig_rc
verify_shopify(const struct zs_source *src, const struct zs_sig_input *in)
{
	unsigned char	 mac[ZS_SIG_HMAC_LEN];
	char		 want[B64_LEN + 1];
	const char	*parts[1] = { in->body };
	size_t		 lens[1] = { in->body_len };

	if (zs_sig_hmac(src->key, src->keylen, parts, lens, 1, mac) == -1)
		return ZS_SIG_ERROR;
	to_base64(mac, want);
	return in->shopify != NULL && same(in->shopify, strlen(in->shopify),
	    want, B64_LEN) ? ZS_SIG_OK : ZS_SIG_BAD;
}

/*
 * Standard Webhooks: HMAC of "<webhook-id>.<webhook-timestamp>.<body>";
 * webhook-signature is a space-separated list of "v1,<base64>", any of
 * which may match (other versions are ignored).
 */
static enum zs_sig_rc
verify_standard(const struct zs_source *src, const struct zs_sig_input *in,
    int64_t now, long tolerance)
{
	const char	*parts[5], *p, *end;
	size_t		 lens[5];
	unsigned char	 mac[ZS_SIG_HMAC_LEN];
	char		 want[B64_LEN + 1];
	int		 match = 0;
	int64_t		 ts;

	if (in->wh_id == NULL || *in->wh_id == '\0' ||
	    in->wh_timestamp == NULL || in->wh_signature == NULL ||
	    (ts = parse_ts(in->wh_timestamp, strlen(in->wh_timestamp))) < 0)
		return ZS_SIG_BAD;
	parts[0] = in->wh_id;
	lens[0] = strlen(in->wh_id);
	parts[1] = parts[3] = ".";
	lens[1] = lens[3] = 1;
	parts[2] = in->wh_timestamp;
	lens[2] = strlen(in->wh_timestamp);
	parts[4] = in->body;
	lens[4] = in->body_len;
	if (zs_sig_hmac(src->key, src->keylen, parts, lens, 5, mac) == -1)
		return ZS_SIG_ERROR;
	to_base64(mac, want);
	for (p = in->wh_signature; *p != '\0'; p = *end == '\0' ? end :
	    end + 1) {
		end = p + strcspn(p, " ");
		if (end - p > 3 && memcmp(p, "v1,", 3) == 0)
			match |= same(p + 3, (size_t)(end - p - 3), want,
			    B64_LEN);
	}
	return match ? in_time(ts, now, tolerance) : ZS_SIG_BAD;
}

enum zs_sig_rc
zs_sig_verify(const struct zs_source *src, const struct zs_sig_input *in,
    int64_t now_s, long tolerance_s)
{
	switch (src->scheme) {
	case ZS_SCHEME_STRIPE:
		return verify_stripe(src, in, now_s, tolerance_s);
	case ZS_SCHEME_GITHUB:
		return verify_github(src, in);
	case ZS_SCHEME_SHOPIFY:
		return verify_shopify(src, in);
	case ZS_SCHEME_STANDARD:
		return verify_standard(src, in, now_s, tolerance_s);
	case ZS_SCHEME_NONE:
		return ZS_SIG_OK;
	default:
		return ZS_SIG_BAD;
	}
}
