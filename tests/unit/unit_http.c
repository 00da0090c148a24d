/* zs-unit: HTTP headers and paths. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_http.h"
#include "zs_unit.h"

/* ---- http --------------------------------------------------------------- */

/* zs_http_path: the decoded path, or NULL when refused. */
static const struct path_case {
	const char	*uri;
	const char	*want;
} path_cases[] = {
	{ "/", "/" },
	{ "/inbox", "/inbox" },
	{ "/inbox/evt_01ARZ3NDEKTSV4RRFFQ69G5FAV/ack",
	  "/inbox/evt_01ARZ3NDEKTSV4RRFFQ69G5FAV/ack" },
	{ "/inbox?limit=5", "/inbox" },
	{ "/inbox?", "/inbox" },
	{ "/a?b%00&c=%2F", "/a" },
	{ "/a?b?c", "/a" },
	{ "/a%20b", "/a b" },
	{ "/%41%62%63", "/Abc" },
	{ "/%6a%6A", "/jj" },
	{ "/%3F", "/?" },
	{ "/%25", "/%" },
	{ "/caf%C3%A9", "/caf\xc3\xa9" },
	{ "/a+b", "/a+b" },
	{ "/a%00b", NULL },
	{ "/a%2Fb", NULL },
	{ "/a%2fb", NULL },
	{ "/a%", NULL },
	{ "/a%4", NULL },
	{ "/a%G1", NULL },
	{ "/a%1G", NULL },
	{ "/a%%41", NULL },
	{ "/a% 1", NULL },
	{ "inbox", NULL },
	{ "", NULL },
	{ "?a=1", NULL },
	{ "%2Finbox", NULL },
	{ NULL, NULL },
};

/* Long paths: "/" then unit n times then post. */
static const struct path_long {
	const char	*unit;
	size_t		 n;
	const char	*post;
	int		 rc;
} path_longs[] = {
	{ "a", ZS_HTTP_PATH_MAX - 1, "", 0 },
	{ "a", ZS_HTTP_PATH_MAX, "", -1 },
	{ "a", ZS_HTTP_PATH_MAX - 1, "?q=1", 0 },
	{ "%41", ZS_HTTP_PATH_MAX - 1, "", 0 },
	{ "%41", ZS_HTTP_PATH_MAX, "", -1 },
	{ "a", 100000, "", -1 },
};

/* zs_http_idem_key: the key, or NULL when refused. */
static const struct idem_case {
	const char	*value;
	const char	*want;
} idem_cases[] = {
	{ "a", "a" },
	{ "order-1234", "order-1234" },
	{ "abc-123_XYZ.~!#$%&'()*+,/:;<=>?@[]^`{|}",
	  "abc-123_XYZ.~!#$%&'()*+,/:;<=>?@[]^`{|}" },
	{ "\"order-1234\"", "order-1234" },
	{ "\"a\"", "a" },
	{ "\"a\\\"b\"", "a\"b" },
	{ "\"a\\\\b\"", "a\\b" },
	{ "\"\\\"\\\\\"", "\"\\" },
	{ "a\\b", "a\\b" },
	{ "\"a\\nb\"", NULL },
	{ "\"a\\", NULL },
	{ "\"abc", NULL },
	{ "\"", NULL },
	{ "\"abc\"x", NULL },
	{ "\"abc\" ", NULL },
	{ "\"\"", NULL },
	{ "", NULL },
	{ NULL, NULL },
	{ "a b", NULL },
	{ " a", NULL },
	{ "a ", NULL },
	{ "\"a b\"", NULL },
	{ "a\tb", NULL },
	{ "a\nb", NULL },
	{ "\x01", NULL },
	{ "a\x7f", NULL },
	{ "caf\xc3\xa9", NULL },
	{ "\"caf\xc3\xa9\"", NULL },
	{ "\x80", NULL },
};

/* Long idempotency keys: pre, unit n times, post. */
static const struct idem_long {
	const char	*pre;
	const char	*unit;
	size_t		 n;
	const char	*post;
	int		 rc;
	size_t		 keylen;	/* when rc is 0 */
} idem_longs[] = {
	{ "", "k", ZS_HTTP_IDEM_MAX, "", 0, ZS_HTTP_IDEM_MAX },
	{ "", "k", ZS_HTTP_IDEM_MAX + 1, "", -1, 0 },
	{ "\"", "k", ZS_HTTP_IDEM_MAX, "\"", 0, ZS_HTTP_IDEM_MAX },
	{ "\"", "k", ZS_HTTP_IDEM_MAX + 1, "\"", -1, 0 },
	{ "\"", "k", ZS_HTTP_IDEM_MAX - 1, "\\\"\"", 0, ZS_HTTP_IDEM_MAX },
	{ "\"", "k", ZS_HTTP_IDEM_MAX, "\\\"\"", -1, 0 },
	{ "", "k", 100000, "", -1, 0 },
};

static const char *const ctype_names[ZS_CTYPE__MAX] = {
	"NONE", "JSON", "OTHER",
};

static const struct ctype_case {
	const char	*value;
	enum zs_ctype	 want;
} ctype_cases[] = {
	{ NULL, ZS_CTYPE_NONE },
	{ "", ZS_CTYPE_NONE },
	{ "application/json", ZS_CTYPE_JSON },
	{ "Application/JSON", ZS_CTYPE_JSON },
	{ "application/json; charset=utf-8", ZS_CTYPE_JSON },
	{ "application/json;charset=UTF-8", ZS_CTYPE_JSON },
	{ "application/json ", ZS_CTYPE_JSON },
	{ "application/problem+json", ZS_CTYPE_JSON },
	{ "application/vnd.api+json; ext=x", ZS_CTYPE_JSON },
	{ "application/json-patch+json", ZS_CTYPE_JSON },
	{ "application/+json", ZS_CTYPE_OTHER },
	{ "application/jsonp", ZS_CTYPE_OTHER },
	{ "application/json5", ZS_CTYPE_OTHER },
	{ "application/json+x", ZS_CTYPE_OTHER },
	{ "application", ZS_CTYPE_OTHER },
	{ "text/json", ZS_CTYPE_OTHER },
	{ "text/plain", ZS_CTYPE_OTHER },
	{ "text/plain+json", ZS_CTYPE_OTHER },
	{ "application/x-www-form-urlencoded", ZS_CTYPE_OTHER },
	{ "multipart/form-data; boundary=x", ZS_CTYPE_OTHER },
	{ "json", ZS_CTYPE_OTHER },
};

/* zs_http_content_length with max 524288. */
static const struct clen_case {
	const char	*value;
	long		 want;
	int		 too_big;
} clen_cases[] = {
	{ NULL, 0, 0 },
	{ "", 0, 0 },
	{ "0", 0, 0 },
	{ "00012", 12, 0 },
	{ "123", 123, 0 },
	{ "524288", 524288, 0 },
	{ "524289", -1, 1 },
	{ "1000000", -1, 1 },
	{ "99999999999999999999999999", -1, 1 },
	{ "12a", -1, 0 },
	{ "-1", -1, 0 },
	{ "+1", -1, 0 },
	{ " 1", -1, 0 },
	{ "1 ", -1, 0 },
	{ "1.0", -1, 0 },
	{ "0x10", -1, 0 },
	{ "abc", -1, 0 },
};

static const struct reqid_case {
	const char	*value;
	int		 ok;
} reqid_cases[] = {
	{ "abc", 1 },
	{ "a.b-c_D9", 1 },
	{ "req_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1 },
	{ "0123456789012345678901234567890123456789012345678901234567890123",
	  1 },
	{ "01234567890123456789012345678901234567890123456789012345678901234",
	  0 },
	{ "", 0 },
	{ NULL, 0 },
	{ "a b", 0 },
	{ "a/b", 0 },
	{ "a:b", 0 },
	{ "a\n", 0 },
	{ "a\"", 0 },
	{ "req_caf\xc3\xa9", 0 },
};

static const struct method_case {
	const char	*value;
	enum zs_method	 want;
} method_cases[] = {
	{ "GET", ZS_METHOD_GET },
	{ "POST", ZS_METHOD_POST },
	{ "DELETE", ZS_METHOD_DELETE },
	{ "OPTIONS", ZS_METHOD_OPTIONS },
	{ "get", ZS_METHOD_OTHER },
	{ "Post", ZS_METHOD_OTHER },
	{ "PUT", ZS_METHOD_OTHER },
	{ "PATCH", ZS_METHOD_OTHER },
	{ "HEAD", ZS_METHOD_HEAD },
	{ "head", ZS_METHOD_OTHER },
	{ "GETX", ZS_METHOD_OTHER },
	{ "GE", ZS_METHOD_OTHER },
	{ "GET ", ZS_METHOD_OTHER },
	{ "OTHER", ZS_METHOD_OTHER },
	{ "", ZS_METHOD_OTHER },
	{ NULL, ZS_METHOD_OTHER },
};

void
suite_http(void)
{
	char	 out[ZS_HTTP_PATH_MAX + 1 + 64], *in;
	size_t	 i, len;
	long	 n;
	int	 rc, too_big;

	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		begins(path_cases[i].uri);
		memset(out, 'X', sizeof(out));
		rc = zs_http_path(path_cases[i].uri, out);
		CHECK(rc == (path_cases[i].want ? 0 : -1), "want %s, got %d",
		    path_cases[i].want ? "0" : "-1", rc);
		if (rc == 0 && path_cases[i].want != NULL)
			CHECK(strcmp(out, path_cases[i].want) == 0,
			    "want path %s, got %s", qs(path_cases[i].want),
			    qs(out));
	}
	for (i = 0; i < sizeof(path_longs) / sizeof(path_longs[0]); i++) {
		in = repeat("/", path_longs[i].unit, path_longs[i].n,
		    path_longs[i].post, &len);
		begin(in, len);
		memset(out, 'X', sizeof(out));
		rc = zs_http_path(in, out);
		CHECK(rc == path_longs[i].rc, "want %d, got %d",
		    path_longs[i].rc, rc);
		if (rc == 0)
			CHECK(strlen(out) == ZS_HTTP_PATH_MAX,
			    "want %d bytes, got %zu", ZS_HTTP_PATH_MAX,
			    strlen(out));
		CHECK(out[ZS_HTTP_PATH_MAX + 1] == 'X',
		    "wrote past out[ZS_HTTP_PATH_MAX]");
		free(in);
	}

	for (i = 0; i < sizeof(idem_cases) / sizeof(idem_cases[0]); i++) {
		begins(idem_cases[i].value);
		rc = zs_http_idem_key(idem_cases[i].value, out);
		CHECK(rc == (idem_cases[i].want ? 0 : -1), "want %s, got %d",
		    idem_cases[i].want ? "0" : "-1", rc);
		if (rc == 0 && idem_cases[i].want != NULL)
			CHECK(strcmp(out, idem_cases[i].want) == 0,
			    "want key %s, got %s", qs(idem_cases[i].want),
			    qs(out));
	}
	for (i = 0; i < sizeof(idem_longs) / sizeof(idem_longs[0]); i++) {
		in = repeat(idem_longs[i].pre, idem_longs[i].unit,
		    idem_longs[i].n, idem_longs[i].post, &len);
		begin(in, len);
		memset(out, 'X', sizeof(out));
		rc = zs_http_idem_key(in, out);
		CHECK(rc == idem_longs[i].rc, "want %d, got %d",
		    idem_longs[i].rc, rc);
		if (rc == 0)
			CHECK(strlen(out) == idem_longs[i].keylen,
			    "want %zu bytes, got %zu", idem_longs[i].keylen,
			    strlen(out));
		CHECK(out[ZS_HTTP_IDEM_MAX + 1] == 'X',
		    "wrote past out[ZS_HTTP_IDEM_MAX]");
		free(in);
	}

	for (i = 0; i < sizeof(ctype_cases) / sizeof(ctype_cases[0]); i++) {
		enum zs_ctype	 ct;

		begins(ctype_cases[i].value);
		ct = zs_http_ctype(ctype_cases[i].value);
		CHECK(ct == ctype_cases[i].want, "want %s, got %s",
		    ctype_names[ctype_cases[i].want],
		    (unsigned)ct < ZS_CTYPE__MAX ? ctype_names[ct] : "?");
	}

	for (i = 0; i < sizeof(clen_cases) / sizeof(clen_cases[0]); i++) {
		begins(clen_cases[i].value);
		too_big = -1;
		n = zs_http_content_length(clen_cases[i].value, 524288,
		    &too_big);
		CHECK(n == clen_cases[i].want &&
		    too_big == clen_cases[i].too_big,
		    "want %ld too_big %d, got %ld too_big %d",
		    clen_cases[i].want, clen_cases[i].too_big, n, too_big);
	}

	for (i = 0; i < sizeof(reqid_cases) / sizeof(reqid_cases[0]); i++) {
		begins(reqid_cases[i].value);
		rc = zs_http_request_id_ok(reqid_cases[i].value) != 0;
		CHECK(rc == reqid_cases[i].ok, "want %d, got %d",
		    reqid_cases[i].ok, rc);
	}

	for (i = 0; i < sizeof(method_cases) / sizeof(method_cases[0]); i++) {
		enum zs_method	 m;

		begins(method_cases[i].value);
		m = zs_http_method(method_cases[i].value);
		CHECK(m == method_cases[i].want, "want %s, got %s",
		    zs_method_names[method_cases[i].want],
		    (unsigned)m < ZS_METHOD__MAX ? zs_method_names[m] : "?");
	}
}
