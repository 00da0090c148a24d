/* zs-unit: webhook sources, signatures, tokens. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/zs_sqlite.h"
#include "webhooks/zs_sig.h"
#include "webhooks/zs_source.h"
#include "webhooks/zs_token.h"
#include "zs_unit.h"

/* ---- source ------------------------------------------------------------- */

/* zs_source_parse of WEBHOOK_SOURCES text: sources made, or the error. */
static const struct source_case {
	const char	*text;
	int		 rc;
	size_t		 n;		/* sources when rc is 0 */
	const char	*err;		/* error message prefix when rc is -1 */
} source_cases[] = {
	{ "", 0, 0, NULL },
	{ " ; ;\n", 0, 0, NULL },
	{ "gh:t:github:s3cretvalue", 0, 1, NULL },
	{ "a:t:stripe:whsec_s3cretvalue:payments;b:t:none", 0, 2, NULL },
	{ " a:t:none ; # a comment\nb:t:none::topic one ", 0, 2, NULL },
	{ "a:t:none;a:u:none", 0, 2, NULL },
	{ "a:t:github:It's a Secret to Everybody", 0, 1, NULL },
	{ "s:t:standard:whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0, 1, NULL },
	{ "a", -1, 0, "WEBHOOK_SOURCES entry 1 is not of the form" },
	{ "a:t", -1, 0, "WEBHOOK_SOURCES entry 1 is not of the form" },
	{ "a:t:github", -1, 0, "WEBHOOK_SOURCES entry 1: the secret" },
	{ "a:t:github:", -1, 0, "WEBHOOK_SOURCES entry 1: the secret" },
	{ "ok:t:none;a:t:bogus:s3cretvalue", -1, 0,
	    "WEBHOOK_SOURCES entry 2: the scheme" },
	{ "a b:t:none", -1, 0, "WEBHOOK_SOURCES entry 1: the name" },
	{ ":t:none", -1, 0, "WEBHOOK_SOURCES entry 1: the name" },
	{ "a::none", -1, 0, "WEBHOOK_SOURCES entry 1: the tenant" },
	{ "a:t!:none", -1, 0, "WEBHOOK_SOURCES entry 1: the tenant" },
	{ "a:t:none:s3cretvalue", -1, 0, "WEBHOOK_SOURCES entry 1: scheme none" },
	{ "a:t:standard:s3cretvalue", -1, 0,
	    "WEBHOOK_SOURCES entry 1: a standard secret" },
	{ "a:t:standard:whsec_", -1, 0,
	    "WEBHOOK_SOURCES entry 1: a standard secret" },
	{ "a:t:standard:whsec_s3cretvalue!", -1, 0,
	    "WEBHOOK_SOURCES entry 1: a standard secret" },
	{ "a:t:standard:whsec_abc", -1, 0,
	    "WEBHOOK_SOURCES entry 1: a standard secret" },
	{ "a:t:github:s3cret\x01value", -1, 0,
	    "WEBHOOK_SOURCES entry 1: the secret may hold only" },
	{ "a:t:github:s3cretvalue:topic:more", -1, 0,
	    "WEBHOOK_SOURCES entry 1 has more than 5 fields" },
	{ "a:t:none;a:t:github:s3cretvalue", -1, 0,
	    "WEBHOOK_SOURCES entry 2: tenant t already has a source named a" },
	{ "a:t:github:s3cretvalue:\x7f", -1, 0,
	    "WEBHOOK_SOURCES entry 1: the topic" },
};

void
suite_source(void)
{
	static struct zs_source	 srcs[ZS_SOURCES_MAX + 1];
	const struct source_case *c;
	char			 err[256], *many;
	size_t			 i, n;
	int			 rc;

	for (i = 0; i < sizeof(source_cases) / sizeof(source_cases[0]); i++) {
		c = &source_cases[i];
		begins(c->text);
		n = 0;
		err[0] = '\0';
		rc = zs_source_parse(c->text, "WEBHOOK_SOURCES", 0, srcs,
		    ZS_SOURCES_MAX, &n, err, sizeof(err));
		CHECK(rc == c->rc, "want %d, got %d (%s)", c->rc, rc, err);
		if (rc == 0)
			CHECK(n == c->n, "want %zu sources, got %zu", c->n, n);
		else if (c->rc == -1)
			CHECK(strncmp(err, c->err, strlen(c->err)) == 0 &&
			    strstr(err, "s3cret") == NULL,
			    "want message %s..., got %s", qs(c->err), qs(err));
	}

	/* Fields land where they belong; standard keys are decoded. */
	begins("fields");
	n = 0;
	rc = zs_source_parse("a:t1:stripe:whsec_x:pay\ns:t2:standard:"
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "F", 1, srcs,
	    ZS_SOURCES_MAX, &n, err, sizeof(err));
	CHECK(rc == 0 && n == 2 && strcmp(srcs[0].name, "a") == 0 &&
	    strcmp(srcs[0].tenant, "t1") == 0 &&
	    srcs[0].scheme == ZS_SCHEME_STRIPE && srcs[0].keylen == 7 &&
	    memcmp(srcs[0].key, "whsec_x", 7) == 0 &&
	    strcmp(srcs[0].topic, "pay") == 0 &&
	    srcs[1].scheme == ZS_SCHEME_STANDARD && srcs[1].keylen == 24 &&
	    srcs[1].topic[0] == '\0', "fields are wrong (rc %d, n %zu)", rc, n);
	CHECK(zs_source_find(srcs, n, "t2", "s") == 1 &&
	    zs_source_find(srcs, n, "t1", "s") == -1, "find is wrong");

	/* The file form counts lines; past ZS_SOURCES_MAX is refused. */
	begins("x:t:none\n(twice)");
	n = 0;
	rc = zs_source_parse("\n#\nx:t:none\nx:t:none", "WEBHOOK_SOURCES_FILE",
	    1, srcs, ZS_SOURCES_MAX, &n, err, sizeof(err));
	CHECK(rc == -1 && strncmp(err, "WEBHOOK_SOURCES_FILE line 4:",
	    28) == 0, "got %d %s", rc, qs(err));
	many = repeat("", "a:t:none;", ZS_SOURCES_MAX + 1, "", NULL);
	for (i = 0; i < ZS_SOURCES_MAX + 1; i++)
		many[i * 9] = (char)('0' + i % 10), many[i * 9 + 2] =
		    (char)('A' + i / 10);
	begins("65 sources");
	n = 0;
	rc = zs_source_parse(many, "W", 0, srcs, ZS_SOURCES_MAX, &n, err,
	    sizeof(err));
	CHECK(rc == -1 && n == ZS_SOURCES_MAX && strstr(err, "more than"),
	    "got %d n %zu %s", rc, n, qs(err));
	free(many);
}

/* ---- sig ---------------------------------------------------------------- */

#define GH_SECRET "It's a Secret to Everybody"
#define GH_SIG	 "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
#define ST_BODY	 "{\"id\":\"evt_1\",\"type\":\"invoice.paid\"}"
#define ST_SIG	 "4aa90aa69730f112c87accbf54203d1076675eae3b18a5cb82b5ab9e7f5cd5bc"
#define SH_SIG	 "EIR9OvavXMl+PU952BkbeGL8ouDVkqZ96AJK6ePvgog="
#define SW_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SW_ID	 "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SW_BODY	 "{\"test\": 2432232314}"
#define SW_SIG	 "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
#define T0	 1700000000
#define SW_T0	 1614265330

/*
 * One delivery: the source (as a WEBHOOK_SOURCES entry), the body, the
 * signature header (for standard: webhook-signature), webhook-id and
 * webhook-timestamp, the clock, and the verdict. Expected values come
 * from the providers' documents (GitHub, Standard Webhooks) or from
 * openssl dgst -sha256 -hmac (Stripe, Shopify).
 */
static const struct sig_case {
	const char	*source;
	const char	*body;
	const char	*header;
	const char	*wh_id;
	const char	*wh_ts;
	int64_t		 now;
	enum zs_sig_rc	 rc;
} sig_cases[] = {
	/* GitHub's published example. */
	{ "g:t:github:" GH_SECRET, "Hello, World!", GH_SIG, 0, 0, T0,
	    ZS_SIG_OK },
	{ "g:t:github:" GH_SECRET, "Hello, World?", GH_SIG, 0, 0, T0,
	    ZS_SIG_BAD },
	{ "g:t:github:It's a secret to everybody", "Hello, World!", GH_SIG,
	    0, 0, T0, ZS_SIG_BAD },
	{ "g:t:github:" GH_SECRET, "Hello, World!",
	    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1",
	    0, 0, T0, ZS_SIG_BAD },
	{ "g:t:github:" GH_SECRET, "Hello, World!",
	    "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17",
	    0, 0, T0, ZS_SIG_BAD },
	{ "g:t:github:" GH_SECRET, "Hello, World!",
	    "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
	    0, 0, T0, ZS_SIG_BAD },
	{ "g:t:github:" GH_SECRET, "Hello, World!", GH_SIG "0", 0, 0, T0,
	    ZS_SIG_BAD },
	{ "g:t:github:" GH_SECRET, "Hello, World!", NULL, 0, 0, T0,
	    ZS_SIG_BAD },
	{ "g:t:github:" GH_SECRET, "Hello, World!", "", 0, 0, T0, ZS_SIG_BAD },

	/* Stripe: t and any v1, within the tolerance on either side. */
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v1=" ST_SIG, 0, 0,
	    T0, ZS_SIG_OK },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v1=" ST_SIG, 0, 0,
	    T0 + 300, ZS_SIG_OK },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v1=" ST_SIG, 0, 0,
	    T0 - 300, ZS_SIG_OK },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v1=" ST_SIG, 0, 0,
	    T0 + 301, ZS_SIG_STALE },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v1=" ST_SIG, 0, 0,
	    T0 - 301, ZS_SIG_STALE },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v1=00,v1=" ST_SIG
	    ",v0=ff", 0, 0, T0, ZS_SIG_OK },
	{ "s:t:stripe:whsec_test", ST_BODY, "v1=" ST_SIG ",t=1700000000", 0,
	    0, T0, ZS_SIG_OK },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v0=" ST_SIG, 0, 0,
	    T0, ZS_SIG_BAD },
	{ "s:t:stripe:whsec_test", ST_BODY, "v1=" ST_SIG, 0, 0, T0,
	    ZS_SIG_BAD },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000", 0, 0, T0,
	    ZS_SIG_BAD },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=17000x0000,v1=" ST_SIG, 0, 0,
	    T0, ZS_SIG_BAD },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000001,v1=" ST_SIG, 0, 0,
	    T0, ZS_SIG_BAD },
	{ "s:t:stripe:whsec_test", ST_BODY,
	    "t=1700000000,v1=4aa90aa69730f112c87accbf54203d1076675eae3b18a5cb82b5ab9e7f5cd5b",
	    0, 0, T0, ZS_SIG_BAD },
	{ "s:t:stripe:whsec_test", ST_BODY " ", "t=1700000000,v1=" ST_SIG, 0,
	    0, T0, ZS_SIG_BAD },
	{ "s:t:stripe:whsec_other", ST_BODY, "t=1700000000,v1=" ST_SIG, 0, 0,
	    T0, ZS_SIG_BAD },
	{ "s:t:stripe:whsec_test", ST_BODY, "t=1700000000,v1=00", 0, 0,
	    T0 + 9999, ZS_SIG_BAD },	/* unsigned: no word on the clock */
	{ "s:t:stripe:whsec_test", ST_BODY, NULL, 0, 0, T0, ZS_SIG_BAD },

	/* Shopify: base64 of the body's HMAC. */
	{ "h:t:shopify:shpss_test", ST_BODY, SH_SIG, 0, 0, T0, ZS_SIG_OK },
	{ "h:t:shopify:shpss_test", ST_BODY,
	    "EIR9OvavXMl+PU952BkbeGL8ouDVkqZ96AJK6ePvgog", 0, 0, T0,
	    ZS_SIG_BAD },
	{ "h:t:shopify:shpss_test", ST_BODY "\n", SH_SIG, 0, 0, T0,
	    ZS_SIG_BAD },
	{ "h:t:shopify:shpss_tesT", ST_BODY, SH_SIG, 0, 0, T0, ZS_SIG_BAD },
	{ "h:t:shopify:shpss_test", ST_BODY, NULL, 0, 0, T0, ZS_SIG_BAD },

	/* Standard Webhooks' published example. */
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG, SW_ID,
	    "1614265330", SW_T0, ZS_SIG_OK },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1,Zm9v v1a,abc v1," SW_SIG,
	    SW_ID, "1614265330", SW_T0, ZS_SIG_OK },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG, SW_ID,
	    "1614265330", SW_T0 + 301, ZS_SIG_STALE },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG, SW_ID,
	    "1614265330", SW_T0 - 301, ZS_SIG_STALE },
	{ "w:t:standard:" SW_SECRET, SW_BODY,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", SW_ID,
	    "1614265330", SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v2," SW_SIG, SW_ID,
	    "1614265330", SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, SW_SIG, SW_ID, "1614265330",
	    SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, "{\"test\": 2432232315}", "v1," SW_SIG,
	    SW_ID, "1614265330", SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG,
	    "msg_p5jXN8AQM9LWM0D4loKWxJeK", "1614265330", SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG, SW_ID,
	    "1614265331", SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG, SW_ID,
	    "1614265330.0", SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG, NULL,
	    "1614265330", SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, "v1," SW_SIG, SW_ID, NULL,
	    SW_T0, ZS_SIG_BAD },
	{ "w:t:standard:" SW_SECRET, SW_BODY, NULL, SW_ID, "1614265330",
	    SW_T0, ZS_SIG_BAD },

	/* none: the URL is the only secret. */
	{ "n:t:none", "{}", NULL, 0, 0, T0, ZS_SIG_OK },
};

void
suite_sig(void)
{
	static const char *const rc_names[ZS_SIG__MAX] = {
		"OK", "BAD", "STALE", "ERROR",
	};
	const struct sig_case	*c;
	struct zs_source	 src;
	struct zs_sig_input	 in;
	unsigned char		 mac[ZS_SIG_HMAC_LEN];
	const char		*parts[2] = { "Hello, ", "World!" };
	size_t			 lens[2] = { 7, 6 }, i, n;
	char			 err[256], hex[ZS_SIG_HMAC_LEN * 2 + 1];
	enum zs_sig_rc		 rc;

	for (i = 0; i < sizeof(sig_cases) / sizeof(sig_cases[0]); i++) {
		c = &sig_cases[i];
		begins(c->header ? c->header : c->source);
		n = 0;
		if (zs_source_parse(c->source, "test", 0, &src, 1, &n, err,
		    sizeof(err)) == -1 || n != 1) {
			CHECK(0, "source %s: %s", qs(c->source), err);
			continue;
		}
		memset(&in, 0, sizeof(in));
		in.body = xdup(c->body, strlen(c->body));
		in.body_len = strlen(c->body);
		in.stripe = in.github = in.shopify = in.wh_signature =
		    c->header;
		in.wh_id = c->wh_id;
		in.wh_timestamp = c->wh_ts;
		rc = zs_sig_verify(&src, &in, c->now, 300);
		CHECK(rc == c->rc, "%s: want %s, got %s", qs(c->source),
		    rc_names[c->rc], rc_names[rc]);
		free((char *)in.body);
	}

	/* The HMAC of parts is the HMAC of their concatenation. */
	begins("Hello, World! in two parts");
	CHECK(zs_sig_hmac((const unsigned char *)GH_SECRET, strlen(GH_SECRET),
	    parts, lens, 2, mac) == 0, "hmac failed");
	for (i = 0; i < ZS_SIG_HMAC_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	CHECK(strcmp(hex, GH_SIG + 7) == 0, "want %s, got %s", GH_SIG + 7,
	    hex);
}

/* ---- token -------------------------------------------------------------- */

void
suite_token(void)
{
	static const zs_token_t	 toks[3] = {
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"abcdefghijklmnopqrstuvwxyz012345",
		"abcdefghijklmnopqrstuvwxyz01234_",
	};
	static const struct {
		const char	*s;
		int		 idx;
	} cases[] = {
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0 },
		{ "abcdefghijklmnopqrstuvwxyz012345", 1 },
		{ "abcdefghijklmnopqrstuvwxyz01234_", 2 },
		{ "abcdefghijklmnopqrstuvwxyz01234", -1 },
		{ "abcdefghijklmnopqrstuvwxyz0123456", -1 },
		{ "abcdefghijklmnopqrstuvwxyz01234-", -1 },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", -1 },
		{ "", -1 },
	};
	size_t	 i;
	int	 idx;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		begins(cases[i].s);
		idx = zs_token_find(toks, 3, cases[i].s);
		CHECK(idx == cases[i].idx, "want %d, got %d", cases[i].idx,
		    idx);
	}
	begins("no sources");
	CHECK(zs_token_find(toks, 0, toks[0]) == -1, "found one in none");
}
