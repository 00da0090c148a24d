/* zs-unit: text checks and API keys. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary/zs_auth.h"
#include "parse/zs_config.h"
#include "parse/zs_text.h"
#include "zs_unit.h"

/* ---- text --------------------------------------------------------------- */

static const char *const text_rc_names[ZS_TEXT__MAX] = {
	"OK", "EMPTY", "LONG", "CONTROL", "UTF8",
};

/* zs_text_check of s (len bytes, 0: strlen) repeated reps times. */
static const struct text_case {
	const char	*s;
	size_t		 len;	/* 0: strlen(s) */
	size_t		 reps;	/* 0: once */
	size_t		 max;	/* 0: ZS_TEXT_MAX_CHARS */
	enum zs_text_rc	 rc;
} text_cases[] = {
	{ "", 0, 0, 0, ZS_TEXT_EMPTY },
	{ "a", 0, 0, 0, ZS_TEXT_OK },
	{ "billing", 0, 0, 0, ZS_TEXT_OK },
	{ "invoice.paid v2", 0, 0, 0, ZS_TEXT_OK },
	{ "caf\xc3\xa9", 0, 0, 0, ZS_TEXT_OK },
	{ "\xf0\x9f\x98\x80", 0, 0, 0, ZS_TEXT_OK },
	{ "\xc2\xa0\xc2\xa1", 0, 0, 0, ZS_TEXT_OK },	/* U+00A0, U+00A1 */
	{ "\xe2\x80\xa8", 0, 0, 0, ZS_TEXT_OK },	/* U+2028 */
	{ "\xef\xbf\xbf\xf4\x8f\xbf\xbf", 0, 0, 0, ZS_TEXT_OK },

	/* Length counts code points, not bytes. */
	{ "a", 0, 128, 0, ZS_TEXT_OK },
	{ "a", 0, 129, 0, ZS_TEXT_LONG },
	{ "\xc3\xa9", 0, 128, 0, ZS_TEXT_OK },
	{ "\xc3\xa9", 0, 129, 0, ZS_TEXT_LONG },
	{ "\xe2\x82\xac", 0, 128, 0, ZS_TEXT_OK },
	{ "\xe2\x82\xac", 0, 129, 0, ZS_TEXT_LONG },
	{ "\xf0\x9f\x98\x80", 0, 128, 0, ZS_TEXT_OK },
	{ "\xf0\x9f\x98\x80", 0, 129, 0, ZS_TEXT_LONG },
	{ "abc", 0, 0, 3, ZS_TEXT_OK },
	{ "abcd", 0, 0, 3, ZS_TEXT_LONG },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", 0, 0, 3, ZS_TEXT_OK },

	/* C0 controls, DEL and C1 controls. */
	{ "\0", 1, 0, 0, ZS_TEXT_CONTROL },
	{ "a\0b", 3, 0, 0, ZS_TEXT_CONTROL },
	{ "\x01", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "a\tb", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "a\n", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "\r", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "\x1b[31m", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "\x1f", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "\x7f", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "\xc2\x80", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "\xc2\x85", 0, 0, 0, ZS_TEXT_CONTROL },
	{ "x\xc2\x9f", 0, 0, 0, ZS_TEXT_CONTROL },

	/* Ill-formed UTF-8. */
	{ "\xc0\x80", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xc1\xbf", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xe0\x80\x80", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xe0\x9f\xbf", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xed\xa0\x80", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xed\xbf\xbf", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xf0\x8f\xbf\xbf", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xf4\x90\x80\x80", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xf5\x80\x80\x80", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xfe", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xff", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\x80", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "a\xbf", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xc2", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "a\xc3", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xc3(", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xe2\x82", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xe2(\xa1", 0, 0, 0, ZS_TEXT_UTF8 },
	{ "\xf0\x9f\x98", 0, 0, 0, ZS_TEXT_UTF8 },
};

void
suite_text(void)
{
	const struct text_case	*c;
	enum zs_text_rc		 rc;
	size_t			 i, k, len, unit, reps;
	char			*s;

	for (i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		c = &text_cases[i];
		unit = c->len ? c->len : strlen(c->s);
		reps = c->reps ? c->reps : 1;
		len = unit * reps;
		s = xalloc(len);
		for (k = 0; k < reps; k++)
			memcpy(s + k * unit, c->s, unit);
		begin(s, len);
		rc = zs_text_check(s, len, c->max ? c->max :
		    ZS_TEXT_MAX_CHARS);
		CHECK(rc == c->rc, "want %s, got %s", text_rc_names[c->rc],
		    (unsigned)rc < ZS_TEXT__MAX ? text_rc_names[rc] : "?");
		free(s);
	}
}

/* ---- auth --------------------------------------------------------------- */

/* zs_auth_bearer (bearer 1) or zs_auth_plain (bearer 0). */
static const struct auth_case {
	int		 bearer;
	const char	*value;
	int		 rc;
	const char	*key;	/* the span's text when rc is 0 */
} auth_cases[] = {
	{ 1, "Bearer abc", 0, "abc" },
	{ 1, "bearer abc", 0, "abc" },
	{ 1, "BEARER abc", 0, "abc" },
	{ 1, "BeArEr abc", 0, "abc" },
	{ 1, "  Bearer abc  ", 0, "abc" },
	{ 1, "\tBearer\tabc\t", 0, "abc" },
	{ 1, "Bearer \t  dev_key_123 \t ", 0, "dev_key_123" },
	{ 1, "Bearer a b", 0, "a b" },
	{ 1, "Bearer", -1, NULL },
	{ 1, "Bearer ", -1, NULL },
	{ 1, "Bearer \t ", -1, NULL },
	{ 1, "  bearer", -1, NULL },
	{ 1, "Bearerx", -1, NULL },
	{ 1, "Bearerabc", -1, NULL },
	{ 1, "Bearer\nabc", -1, NULL },
	{ 1, "Basic x", -1, NULL },
	{ 1, "Basic YWxhZGRpbjpvcGVuc2VzYW1l", -1, NULL },
	{ 1, "Token abc", -1, NULL },
	{ 1, "Bear abc", -1, NULL },
	{ 1, "abc", -1, NULL },
	{ 1, "", -1, NULL },
	{ 0, "abc", 0, "abc" },
	{ 0, "  abc\t", 0, "abc" },
	{ 0, "\t a b \t", 0, "a b" },
	{ 0, "Bearer abc", 0, "Bearer abc" },
	{ 0, "", -1, NULL },
	{ 0, " \t ", -1, NULL },
};

/* Configured keys for zs_auth_lookup; kmax is ZS_CONFIG_KEY_MAX bytes. */
static char		 kmax[ZS_CONFIG_KEY_MAX + 2];
static struct zs_config	 auth_cfg;

static const struct auth_key {
	const char	*key;
	const char	*tenant;
} auth_keys[] = {
	{ "dev_key_123", "tenant_dev" },	/* 0 */
	{ "key_a", "shared" },			/* 1 */
	{ "key_b", "shared" },			/* 2 */
	{ "key_ab", "other" },			/* 3 */
	{ kmax, "long" },			/* 4 */
	{ "k", "short" },			/* 5 */
};

/* zs_auth_lookup of key[0..len): the index and tenant, or -1. */
static const struct lookup_case {
	const char	*key;
	size_t		 len;	/* 0 with a key: strlen(key) */
	int		 idx;
	const char	*tenant;
} lookup_cases[] = {
	{ "dev_key_123", 0, 0, "tenant_dev" },
	{ "key_a", 0, 1, "shared" },
	{ "key_b", 0, 2, "shared" },
	{ "key_ab", 0, 3, "other" },
	{ kmax, ZS_CONFIG_KEY_MAX, 4, "long" },
	{ "k", 0, 5, "short" },
	{ "key_", 0, -1, NULL },
	{ "key", 0, -1, NULL },
	{ "key_abc", 0, -1, NULL },
	{ "dev_key_12", 0, -1, NULL },
	{ "dev_key_1234", 0, -1, NULL },
	{ "DEV_KEY_123", 0, -1, NULL },
	{ " dev_key_123", 0, -1, NULL },
	{ "key_a\0", 6, -1, NULL },
	{ "kk", 0, -1, NULL },
	{ kmax, ZS_CONFIG_KEY_MAX - 1, -1, NULL },
	{ kmax, ZS_CONFIG_KEY_MAX + 1, -1, NULL },
	{ "", 0, -1, NULL },
};

void
suite_auth(void)
{
	const struct auth_case	 *c;
	const struct lookup_case *l;
	const char		 *key;
	size_t			  i, len;
	int			  rc;

	for (i = 0; i < sizeof(auth_cases) / sizeof(auth_cases[0]); i++) {
		c = &auth_cases[i];
		begins(c->value);
		key = NULL;
		len = 0;
		rc = c->bearer ? zs_auth_bearer(c->value, &key, &len) :
		    zs_auth_plain(c->value, &key, &len);
		CHECK(rc == c->rc, "%s: want %d, got %d",
		    c->bearer ? "bearer" : "plain", c->rc, rc);
		if (rc == 0 && c->rc == 0)
			CHECK(len == strlen(c->key) &&
			    memcmp(key, c->key, len) == 0,
			    "want key %s, got %s", qs(c->key), q(key, len));
	}

	memset(kmax, 'K', sizeof(kmax) - 1);
	memset(&auth_cfg, 0, sizeof(auth_cfg));
	for (i = 0; i < sizeof(auth_keys) / sizeof(auth_keys[0]); i++) {
		len = strlen(auth_keys[i].key);
		if (len > ZS_CONFIG_KEY_MAX)
			len = ZS_CONFIG_KEY_MAX;
		memcpy(auth_cfg.keys[i].key, auth_keys[i].key, len);
		auth_cfg.keys[i].keylen = len;
		snprintf(auth_cfg.keys[i].tenant,
		    sizeof(auth_cfg.keys[i].tenant), "%s",
		    auth_keys[i].tenant);
	}
	auth_cfg.nkeys = i;

	for (i = 0; i < sizeof(lookup_cases) / sizeof(lookup_cases[0]); i++) {
		l = &lookup_cases[i];
		len = l->len ? l->len : strlen(l->key);
		begin(l->key, len);
		rc = zs_auth_lookup(&auth_cfg, l->key, len);
		CHECK(rc == l->idx, "want index %d, got %d", l->idx, rc);
		if (rc >= 0 && rc == l->idx)
			CHECK(streq(auth_cfg.keys[rc].tenant, l->tenant),
			    "want tenant %s, got %s", qs(l->tenant),
			    qs(auth_cfg.keys[rc].tenant));
	}

	begins("dev_key_123 with no keys configured");
	auth_cfg.nkeys = 0;
	rc = zs_auth_lookup(&auth_cfg, "dev_key_123", 11);
	CHECK(rc == -1, "want -1, got %d", rc);
}
