/* zs-unit: JSON gate and walkers. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_json.h"
#include "zs_unit.h"

/* ---- json --------------------------------------------------------------- */

static const char *const json_rc_names[ZS_JSON__MAX] = {
	"OK", "EMPTY", "SYNTAX", "UTF8", "DEPTH", "TRAILING",
};

static const char *
json_rc(enum zs_json_rc rc)
{
	return (unsigned)rc < ZS_JSON__MAX ? json_rc_names[rc] : "?";
}

/* zs_json_check: one input, its verdict and (when OK) minified text. */
static const struct json_case {
	const char	*in;	/* input */
	size_t		 len;	/* bytes of in; 0: strlen(in) */
	enum zs_json_rc	 rc;	/* verdict */
	const char	*out;	/* minified text when OK; NULL: same as in */
} json_cases[] = {
	/* Every kind of value, already minified. */
	{ "{}", 0, ZS_JSON_OK, NULL },
	{ "[]", 0, ZS_JSON_OK, NULL },
	{ "0", 0, ZS_JSON_OK, NULL },
	{ "-0", 0, ZS_JSON_OK, NULL },
	{ "123", 0, ZS_JSON_OK, NULL },
	{ "-1.5e+10", 0, ZS_JSON_OK, NULL },
	{ "1E5", 0, ZS_JSON_OK, NULL },
	{ "1e-5", 0, ZS_JSON_OK, NULL },
	{ "-0.0e-0", 0, ZS_JSON_OK, NULL },
	{ "true", 0, ZS_JSON_OK, NULL },
	{ "false", 0, ZS_JSON_OK, NULL },
	{ "null", 0, ZS_JSON_OK, NULL },
	{ "\"\"", 0, ZS_JSON_OK, NULL },
	{ "\"abc\"", 0, ZS_JSON_OK, NULL },
	{ "{\"\":\"\"}", 0, ZS_JSON_OK, NULL },
	{ "{\"a\":1,\"a\":2}", 0, ZS_JSON_OK, NULL },
	{ "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}", 0,
	  ZS_JSON_OK, NULL },
	{ "[[[]],[{}],{\"a\":[]}]", 0, ZS_JSON_OK, NULL },

	/* Whitespace goes; string contents stay byte for byte. */
	{ " { \"a b\" : [ 1 , 2 ] , \"c\" :\t{ } }\r\n", 0, ZS_JSON_OK,
	  "{\"a b\":[1,2],\"c\":{}}" },
	{ "\n\t 42 \n", 0, ZS_JSON_OK, "42" },
	{ "[ \" a  b \" , \"{ , }\" ]", 0, ZS_JSON_OK,
	  "[\" a  b \",\"{ , }\"]" },
	{ "{ \"k\" : \"\\n \\u0020 \" }", 0, ZS_JSON_OK,
	  "{\"k\":\"\\n \\u0020 \"}" },
	{ "[ true , false , null ]", 0, ZS_JSON_OK, "[true,false,null]" },
	{ "[ ]", 0, ZS_JSON_OK, "[]" },
	{ "{\r\n}", 0, ZS_JSON_OK, "{}" },
	{ "[ [ ] , { } ]", 0, ZS_JSON_OK, "[[],{}]" },

	/* Escapes: every legal form is kept as written. */
	{ "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", 0, ZS_JSON_OK, NULL },
	{ "\"\\u0000\\u001f\\u00e9\\uFFFF\\uABCD\"", 0, ZS_JSON_OK, NULL },
	{ "\"\\ud83d\\ude00\"", 0, ZS_JSON_OK, NULL },
	{ "\"\\uD83D\\uDE00\"", 0, ZS_JSON_OK, NULL },
	{ "\"\\uD800\\uDC00\\uDBFF\\uDFFF\"", 0, ZS_JSON_OK, NULL },
	{ "\"\\x41\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\a\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\'\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\ \"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\U00e9\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\u12\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\u12G4\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\u00", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\\\0\"", 4, ZS_JSON_SYNTAX, NULL },

	/* Lone or misordered surrogate escapes. */
	{ "\"\\ud800\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\uDBFF\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\udc00\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\uDFFF\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\ud800x\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\ud800\\n\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\ud800\\u0041\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\ud800\\ud800\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\\ude00\\ud83d\"", 0, ZS_JSON_UTF8, NULL },
	{ "[\"a\",\"\\udc00\"]", 0, ZS_JSON_UTF8, NULL },
	{ "{\"\\ud800\":1}", 0, ZS_JSON_UTF8, NULL },

	/* Raw UTF-8 in strings: well-formed passes, anything else is UTF8. */
	{ "\"caf\xc3\xa9\"", 0, ZS_JSON_OK, NULL },
	{ "\"\xc2\x80\xdf\xbf\"", 0, ZS_JSON_OK, NULL },
	{ "\"\xe0\xa0\x80\xe2\x82\xac\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"",
	  0, ZS_JSON_OK, NULL },
	{ "\"\xf0\x90\x80\x80\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"", 0,
	  ZS_JSON_OK, NULL },
	{ "\"\x7f\"", 0, ZS_JSON_OK, NULL },
	{ "\"\xc0\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xc1\xbf\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xe0\x80\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xe0\x9f\xbf\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xed\xa0\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xed\xbf\xbf\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xf0\x80\x80\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xf0\x8f\xbf\xbf\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xf4\x90\x80\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xf5\x80\x80\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xf8\x88\x80\x80\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xfe\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xff\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\x80\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"a\xbf\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xc3\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xc3(\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xe2\x82\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xe2(\xa1\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xf0\x9f\x98\"", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xc3", 0, ZS_JSON_UTF8, NULL },
	{ "\"\xf0\x9f\x98", 0, ZS_JSON_UTF8, NULL },
	{ "{\"k\xff\":1}", 0, ZS_JSON_UTF8, NULL },

	/* Raw control characters in strings, and NUL bytes anywhere. */
	{ "\"a\nb\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\t\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\r\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\x01\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"\x1f\"", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"a\0b\"", 5, ZS_JSON_SYNTAX, NULL },
	{ "\0", 1, ZS_JSON_SYNTAX, NULL },
	{ " \0", 2, ZS_JSON_SYNTAX, NULL },
	{ "[1,\0 2]", 7, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\"\0:1}", 8, ZS_JSON_SYNTAX, NULL },
	{ "1\0", 2, ZS_JSON_TRAILING, NULL },
	{ "{}\0", 3, ZS_JSON_TRAILING, NULL },

	/* A second value or garbage after the first. */
	{ "1 2", 0, ZS_JSON_TRAILING, NULL },
	{ "1,2", 0, ZS_JSON_TRAILING, NULL },
	{ "{}{}", 0, ZS_JSON_TRAILING, NULL },
	{ "[] []", 0, ZS_JSON_TRAILING, NULL },
	{ "[]]", 0, ZS_JSON_TRAILING, NULL },
	{ "{}}", 0, ZS_JSON_TRAILING, NULL },
	{ "\"a\"\"b\"", 0, ZS_JSON_TRAILING, NULL },
	{ "truex", 0, ZS_JSON_TRAILING, NULL },
	{ "nulls", 0, ZS_JSON_TRAILING, NULL },
	{ "{} x", 0, ZS_JSON_TRAILING, NULL },
	{ "0x1F", 0, ZS_JSON_TRAILING, NULL },
	{ "1.5.5", 0, ZS_JSON_TRAILING, NULL },
	{ "1e5.5", 0, ZS_JSON_TRAILING, NULL },

	/* Comments. */
	{ "/* c */ {}", 0, ZS_JSON_SYNTAX, NULL },
	{ "// c\n1", 0, ZS_JSON_SYNTAX, NULL },
	{ "{} // c", 0, ZS_JSON_TRAILING, NULL },
	{ "{} /* c */", 0, ZS_JSON_TRAILING, NULL },
	{ "[1 /* c */]", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":1 # c\n}", 0, ZS_JSON_SYNTAX, NULL },

	/* Trailing, leading and doubled commas. */
	{ "[1,]", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":1,}", 0, ZS_JSON_SYNTAX, NULL },
	{ "[,]", 0, ZS_JSON_SYNTAX, NULL },
	{ "[,1]", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1,,2]", 0, ZS_JSON_SYNTAX, NULL },
	{ "{,}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{,\"a\":1}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":1,,\"b\":2}", 0, ZS_JSON_SYNTAX, NULL },

	/* Broken structure. */
	{ "[", 0, ZS_JSON_SYNTAX, NULL },
	{ "{", 0, ZS_JSON_SYNTAX, NULL },
	{ "]", 0, ZS_JSON_SYNTAX, NULL },
	{ "}", 0, ZS_JSON_SYNTAX, NULL },
	{ ":", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1,", 0, ZS_JSON_SYNTAX, NULL },
	{ "[ ", 0, ZS_JSON_SYNTAX, NULL },
	{ "{ ", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":1", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a", 0, ZS_JSON_SYNTAX, NULL },
	{ "\"abc", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1 2]", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\"}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\" 1}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\"::1}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{1:2}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{a:1}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{null:1}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":1 \"b\":2}", 0, ZS_JSON_SYNTAX, NULL },
	{ "[}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{]", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1}", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":1]", 0, ZS_JSON_SYNTAX, NULL },
	{ "[\"a\":1]", 0, ZS_JSON_SYNTAX, NULL },

	/* Single quotes, JavaScript words, wrong case. */
	{ "'a'", 0, ZS_JSON_SYNTAX, NULL },
	{ "{'a':1}", 0, ZS_JSON_SYNTAX, NULL },
	{ "[\"a']", 0, ZS_JSON_SYNTAX, NULL },
	{ "NaN", 0, ZS_JSON_SYNTAX, NULL },
	{ "-NaN", 0, ZS_JSON_SYNTAX, NULL },
	{ "Infinity", 0, ZS_JSON_SYNTAX, NULL },
	{ "-Infinity", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1,Infinity]", 0, ZS_JSON_SYNTAX, NULL },
	{ "undefined", 0, ZS_JSON_SYNTAX, NULL },
	{ "True", 0, ZS_JSON_SYNTAX, NULL },
	{ "FALSE", 0, ZS_JSON_SYNTAX, NULL },
	{ "nul", 0, ZS_JSON_SYNTAX, NULL },
	{ "tru", 0, ZS_JSON_SYNTAX, NULL },
	{ "[fals]", 0, ZS_JSON_SYNTAX, NULL },

	/* Numbers outside the grammar. "01" is "0" and then more bytes. */
	{ "01", 0, ZS_JSON_TRAILING, NULL },
	{ "00", 0, ZS_JSON_TRAILING, NULL },
	{ "-01", 0, ZS_JSON_TRAILING, NULL },
	{ "[01]", 0, ZS_JSON_SYNTAX, NULL },
	{ "{\"a\":007}", 0, ZS_JSON_SYNTAX, NULL },
	{ "-", 0, ZS_JSON_SYNTAX, NULL },
	{ "[-]", 0, ZS_JSON_SYNTAX, NULL },
	{ "--1", 0, ZS_JSON_SYNTAX, NULL },
	{ "- 1", 0, ZS_JSON_SYNTAX, NULL },
	{ "-a", 0, ZS_JSON_SYNTAX, NULL },
	{ "1.", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1.]", 0, ZS_JSON_SYNTAX, NULL },
	{ "1.e5", 0, ZS_JSON_SYNTAX, NULL },
	{ ".5", 0, ZS_JSON_SYNTAX, NULL },
	{ "[.5]", 0, ZS_JSON_SYNTAX, NULL },
	{ "1e", 0, ZS_JSON_SYNTAX, NULL },
	{ "1e+", 0, ZS_JSON_SYNTAX, NULL },
	{ "1E-", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1e]", 0, ZS_JSON_SYNTAX, NULL },
	{ "+1", 0, ZS_JSON_SYNTAX, NULL },
	{ "[+1]", 0, ZS_JSON_SYNTAX, NULL },

	/* Only space, tab, CR and LF are whitespace; no byte order mark. */
	{ "\f1", 0, ZS_JSON_SYNTAX, NULL },
	{ "\v1", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1\f]", 0, ZS_JSON_SYNTAX, NULL },
	{ "\xc2\xa0 1", 0, ZS_JSON_SYNTAX, NULL },
	{ "[1,\xc2\xa0 2]", 0, ZS_JSON_SYNTAX, NULL },
	{ "\xef\xbb\xbf{}", 0, ZS_JSON_SYNTAX, NULL },
	{ "\xef\xbb\xbf", 0, ZS_JSON_SYNTAX, NULL },
	{ "\xc3\xa9", 0, ZS_JSON_SYNTAX, NULL },
	{ "", 0, ZS_JSON_EMPTY, NULL },
	{ " ", 0, ZS_JSON_EMPTY, NULL },
	{ " \t\r\n ", 0, ZS_JSON_EMPTY, NULL },
};

/* Generated inputs: open n times, then mid, then close n times. */
static const struct json_big {
	const char	*open;
	const char	*mid;
	const char	*close;
	size_t		 n;
	enum zs_json_rc	 rc;
} json_bigs[] = {
	{ "[", "", "]", ZS_JSON_MAX_DEPTH, ZS_JSON_OK },
	{ "[", "", "]", ZS_JSON_MAX_DEPTH + 1, ZS_JSON_DEPTH },
	{ "[", "{\"a\":1}", "]", ZS_JSON_MAX_DEPTH - 1, ZS_JSON_OK },
	{ "[", "{}", "]", ZS_JSON_MAX_DEPTH, ZS_JSON_DEPTH },
	{ "{\"a\":", "1", "}", ZS_JSON_MAX_DEPTH, ZS_JSON_OK },
	{ "{\"a\":", "1", "}", ZS_JSON_MAX_DEPTH + 1, ZS_JSON_DEPTH },
	{ "{\"a\":[", "", "]}", ZS_JSON_MAX_DEPTH / 2, ZS_JSON_OK },
	{ "{\"a\":[", "", "]}", ZS_JSON_MAX_DEPTH / 2 + 1, ZS_JSON_DEPTH },
	{ "[", "", "", 100000, ZS_JSON_DEPTH },
	{ "[", "", "]", 100000, ZS_JSON_DEPTH },
	{ "{\"a\":", "", "", 100000, ZS_JSON_DEPTH },
	{ "9", "", "", 100000, ZS_JSON_OK },
	{ "", "-1", "0", 100000, ZS_JSON_OK },
	{ "", "0.", "5", 100000, ZS_JSON_OK },
};

/*
 * Walking: each member as key=value or each element, joined by '|'.
 * Inputs go through zs_json_check first, as the walkers require.
 */
static const struct json_walk {
	const char	*in;
	const char	*want;
} json_walks[] = {
	{ "{}", "" },
	{ "[]", "" },
	{ "{\"a\":1}", "\"a\"=1" },
	{ "[1]", "1" },
	{ " { \"a\" : 1 , \"b\" : [ 1 , { \"c\" : null } ] , "
	  "\"d\" : \"x,}]\\\"\" } ",
	  "\"a\"=1|\"b\"=[1,{\"c\":null}]|\"d\"=\"x,}]\\\"\"" },
	{ "{\"k\\\"\":{\"a\":{}},\"e\":[],\"t\":true,\"f\":-1.5e3}",
	  "\"k\\\"\"={\"a\":{}}|\"e\"=[]|\"t\"=true|\"f\"=-1.5e3" },
	{ "{\"\\\\\":\"\\\\\",\"x\":\"[{\"}",
	  "\"\\\\\"=\"\\\\\"|\"x\"=\"[{\"" },
	{ "[1,\"a,]\",[2,[3]],{\"k\":[]},true,null,-0.5,\"\"]",
	  "1|\"a,]\"|[2,[3]]|{\"k\":[]}|true|null|-0.5|\"\"" },
	{ "[[],{},[[]],\"\\\"]\"]", "[]|{}|[[]]|\"\\\"]\"" },
};

/* zs_json_str_decode of one string literal into exactly cap bytes. */
static const struct json_dec {
	const char	*in;	/* a JSON string literal */
	size_t		 cap;	/* bytes given to the decoder */
	int		 rc;	/* 0 or -1 */
	const char	*out;	/* decoded bytes */
	size_t		 outlen;
} json_decs[] = {
	{ "\"\"", 1, 0, "", 0 },
	{ "\"\"", 0, -1, NULL, 0 },
	{ "\"abc\"", 4, 0, "abc", 3 },
	{ "\"abc\"", 3, -1, NULL, 0 },
	{ "\"a\\\"b\\\\c\\/d\"", 8, 0, "a\"b\\c/d", 7 },
	{ "\"a\\\"b\\\\c\\/d\"", 7, -1, NULL, 0 },
	{ "\"\\b\\f\\n\\r\\t\"", 6, 0, "\b\f\n\r\t", 5 },
	{ "\"\\u0041\\u00e9\\u20AC\"", 7, 0, "A\xc3\xa9\xe2\x82\xac", 6 },
	{ "\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"", 12, 0,
	  "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 11 },
	{ "\"\\ud83d\\ude00\"", 5, 0, "\xf0\x9f\x98\x80", 4 },
	{ "\"\\ud83d\\ude00\"", 4, -1, NULL, 0 },
	{ "\"\\uD800\\uDC00\"", 5, 0, "\xf0\x90\x80\x80", 4 },
	{ "\"\\uDBFF\\uDFFF\"", 5, 0, "\xf4\x8f\xbf\xbf", 4 },
	{ "\"\\u0000\"", 2, 0, "\0", 1 },
	{ "\"a\\u0000b\"", 4, 0, "a\0b", 3 },
	{ "\"\\u0000\"", 1, -1, NULL, 0 },
	{ "\"caf\xc3\xa9\"", 6, 0, "caf\xc3\xa9", 5 },
	{ "\"caf\xc3\xa9\"", 5, -1, NULL, 0 },
	{ "\"\\u00e9\"", 3, 0, "\xc3\xa9", 2 },
	{ "\"\\u00e9\"", 2, -1, NULL, 0 },
	{ "\"x\\n\"", 3, 0, "x\n", 2 },
	{ "\"x\\n\"", 2, -1, NULL, 0 },
};

/* Runs zs_json_check on in[0..len) held in a block of exactly len. */
static enum zs_json_rc
json_run(const char *in, size_t len, char **out, size_t *outlen)
{
	char		*copy = xdup(in, len);
	size_t		 erroff = 0;
	enum zs_json_rc	 rc;

	*out = xalloc(len + 1);
	rc = zs_json_check(copy, len, *out, outlen, &erroff);
	CHECK(*outlen <= len && (*out)[*outlen] == '\0' && erroff <= len,
	    "outlen %zu and erroff %zu within %zu bytes, NUL-terminated",
	    *outlen, erroff, len);
	free(copy);
	return rc;
}

/* Writes the walk of the minified text t[0..len) into buf. */
static void
json_walk_text(const char *t, size_t len, char *buf, size_t cap)
{
	struct zs_json_span	 key, val;
	size_t			 pos = 0, o = 0;
	int			 n = 0;

	buf[0] = '\0';
	if (t[0] == '{') {
		while (zs_json_next_member(t, len, &pos, &key, &val)) {
			CHECK(zs_json_is(t, key, '"'), "key span %zu+%zu is "
			    "a string", key.off, key.len);
			o += (size_t)snprintf(buf + o, cap - o, "%s%.*s=%.*s",
			    n++ ? "|" : "", (int)key.len, t + key.off,
			    (int)val.len, t + val.off);
			if (o >= cap || n > 100)
				break;
		}
	} else {
		while (zs_json_next_element(t, len, &pos, &val)) {
			o += (size_t)snprintf(buf + o, cap - o, "%s%.*s",
			    n++ ? "|" : "", (int)val.len, t + val.off);
			if (o >= cap || n > 100)
				break;
		}
	}
}

void
suite_json(void)
{
	const struct json_case	*c;
	const struct json_big	*b;
	const struct json_walk	*w;
	const struct json_dec	*d;
	struct zs_json_span	 span;
	enum zs_json_rc		 rc;
	char			*out, *in, *head, got[512];
	const char		*want;
	size_t			 i, len, outlen;
	int			 r;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		c = &json_cases[i];
		len = c->len ? c->len : strlen(c->in);
		begin(c->in, len);
		rc = json_run(c->in, len, &out, &outlen);
		CHECK(rc == c->rc, "want %s, got %s", json_rc(c->rc),
		    json_rc(rc));
		if (rc == ZS_JSON_OK && c->rc == ZS_JSON_OK) {
			want = c->out ? c->out : c->in;
			CHECK(outlen == strlen(want) &&
			    memcmp(out, want, outlen) == 0,
			    "want output %s, got %s", qs(want),
			    q(out, outlen));
		}
		free(out);
	}

	for (i = 0; i < sizeof(json_bigs) / sizeof(json_bigs[0]); i++) {
		b = &json_bigs[i];
		head = repeat("", b->open, b->n, b->mid, NULL);
		in = repeat(head, b->close, b->n, "", &len);
		free(head);
		begin(in, len);
		rc = json_run(in, len, &out, &outlen);
		CHECK(rc == b->rc, "want %s, got %s", json_rc(b->rc),
		    json_rc(rc));
		if (rc == ZS_JSON_OK && b->rc == ZS_JSON_OK)
			CHECK(outlen == len && memcmp(out, in, len) == 0,
			    "want the input back, got %s", q(out, outlen));
		free(out);
		free(in);
	}

	for (i = 0; i < sizeof(json_walks) / sizeof(json_walks[0]); i++) {
		w = &json_walks[i];
		begins(w->in);
		rc = json_run(w->in, strlen(w->in), &out, &outlen);
		CHECK(rc == ZS_JSON_OK, "want OK, got %s", json_rc(rc));
		if (rc == ZS_JSON_OK) {
			json_walk_text(out, outlen, got, sizeof(got));
			CHECK(strcmp(got, w->want) == 0, "want walk %s, got %s",
			    qs(w->want), qs(got));
		}
		free(out);
	}

	for (i = 0; i < sizeof(json_decs) / sizeof(json_decs[0]); i++) {
		d = &json_decs[i];
		begins(d->in);
		rc = json_run(d->in, strlen(d->in), &out, &outlen);
		CHECK(rc == ZS_JSON_OK, "want OK, got %s", json_rc(rc));
		if (rc != ZS_JSON_OK) {
			free(out);
			continue;
		}
		span.off = 0;
		span.len = outlen;
		/* Exactly cap bytes (cap > 0), so ASan sees writes past. */
		in = xalloc(d->cap);
		len = 0;
		r = zs_json_str_decode(out, span, in, d->cap, &len);
		CHECK(r == d->rc, "cap %zu: want %d, got %d", d->cap, d->rc,
		    r);
		if (r == 0 && d->rc == 0)
			CHECK(len == d->outlen &&
			    memcmp(in, d->out, len) == 0 && in[len] == '\0',
			    "cap %zu: want %s, got %s", d->cap,
			    q(d->out, d->outlen), q(in, len));
		free(in);
		free(out);
	}
}
