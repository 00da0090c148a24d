/*
 * zs_unit: table-driven tests of the parsers in fcgi/.
 *
 * "zs-unit SUITE" runs one suite, "zs-unit all" runs every one. Each
 * failing case prints one line naming the suite, the source line, the
 * case's input (escaped) and what was wanted against what came back; a
 * summary line follows. The exit status is 0 only when every case passes
 * (1 when one fails, 2 for a bad command line).
 *
 * Inputs with explicit lengths are copied into heap blocks of exactly that
 * size, so an ASan build catches a parser reading past its input.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary/zs_auth.h"
#include "boundary/zs_ratelimit.h"
#include "parse/zs_config.h"
#include "parse/zs_cursor.h"
#include "parse/zs_event.h"
#include "parse/zs_fields.h"
#include "parse/zs_http.h"
#include "parse/zs_json.h"
#include "parse/zs_query.h"
#include "parse/zs_text.h"
#include "store/postgres/zs_pg.h"
#include "store/sqlite/zs_sqlite.h"
#include "store/zs_store.h"
#include "util/zs_random.h"
#include "util/zs_time.h"
#include "util/zs_ulid.h"
#include "webhooks/zs_sig.h"
#include "webhooks/zs_source.h"
#include "webhooks/zs_token.h"

/* ---- Harness ------------------------------------------------------------ */

#define ESC_MAX	 96	/* input bytes shown before "..." */
#define ESC_BUFSZ (ESC_MAX * 4 + 64)

static const char	*suite;			/* running suite */
static char		 cur_in[ESC_BUFSZ];	/* its case's input, escaped */
static int		 cur_failed;		/* the case has failed */
static size_t		 ncases, nfailed;	/* in the running suite */

/*
 * Writes s[0..len) into buf as a C-like quoted string: printable ASCII
 * kept, everything else escaped, long inputs cut with their length.
 */
static void
escape(char *buf, size_t cap, const char *s, size_t len)
{
	size_t	 i, o = 0, shown = len > ESC_MAX ? ESC_MAX : len;
	unsigned char c;

	if (s == NULL) {
		snprintf(buf, cap, "NULL");
		return;
	}
	buf[o++] = '"';
	for (i = 0; i < shown && o + 8 < cap; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, cap - o, "\\%c", c);
		else if (c == '\n')
			o += (size_t)snprintf(buf + o, cap - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(buf + o, cap - o, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	if (shown < len)
		snprintf(buf + o, cap - o, "...(%zu bytes)", len);
}

/* Escapes into one of a few rotating buffers, for printf arguments. */
static const char *
q(const char *s, size_t len)
{
	static char	 ring[4][ESC_BUFSZ];
	static int	 next;
	char		*buf = ring[next++ % 4];

	escape(buf, ESC_BUFSZ, s, len);
	return buf;
}

/* Like q() for a NUL-terminated string (or NULL). */
static const char *
qs(const char *s)
{
	return q(s, s == NULL ? 0 : strlen(s));
}

/* Starts a case whose input is in[0..len). */
static void
begin(const char *in, size_t len)
{
	escape(cur_in, sizeof(cur_in), in, len);
	cur_failed = 0;
	ncases++;
}

/* Starts a case named by a NUL-terminated input (or NULL). */
static void
begins(const char *in)
{
	begin(in, in == NULL ? 0 : strlen(in));
}

/*
 * Records one expectation of the running case. Only the first failure of
 * a case is printed, so each failing case is one line.
 */
static void __attribute__((format(printf, 3, 4)))
check(int ok, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (ok || cur_failed)
		return;
	cur_failed = 1;
	nfailed++;
	printf("%s:%d: input %s: ", suite, line, cur_in);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define CHECK(ok, ...)	check((ok), __LINE__, __VA_ARGS__)

/* A heap block of exactly n bytes (one when n is 0); exits on failure. */
static char *
xalloc(size_t n)
{
	char	*p;

	if ((p = malloc(n > 0 ? n : 1)) == NULL) {
		perror("malloc");
		exit(2);
	}
	return p;
}

/* A heap copy of s[0..len) of exactly len bytes. */
static char *
xdup(const char *s, size_t len)
{
	char	*p = xalloc(len);

	if (len > 0)
		memcpy(p, s, len);
	return p;
}

/* pre, then unit n times, then post: a NUL-terminated heap string. */
static char *
repeat(const char *pre, const char *unit, size_t n, const char *post,
    size_t *lenp)
{
	size_t	 lp = strlen(pre), lu = strlen(unit), lq = strlen(post);
	size_t	 len = lp + lu * n + lq, i;
	char	*p = xalloc(len + 1);

	memcpy(p, pre, lp);
	for (i = 0; i < n; i++)
		memcpy(p + lp + i * lu, unit, lu);
	memcpy(p + lp + n * lu, post, lq + 1);
	if (lenp != NULL)
		*lenp = len;
	return p;
}

/* Nonzero when a and b are both NULL or equal strings. */
static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

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

static void
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

static void
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

static void
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
	{ "HEAD", ZS_METHOD_OTHER },
	{ "GETX", ZS_METHOD_OTHER },
	{ "GE", ZS_METHOD_OTHER },
	{ "GET ", ZS_METHOD_OTHER },
	{ "OTHER", ZS_METHOD_OTHER },
	{ "", ZS_METHOD_OTHER },
	{ NULL, ZS_METHOD_OTHER },
};

static void
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

/* ---- query -------------------------------------------------------------- */

/*
 * zs_query_list accepting: the parsed values, where a limit, since or
 * after of 0 means the default (50, -1, -1) and a NULL filter is absent.
 */
static const struct list_case {
	const char		*qs;
	long			 limit;
	enum zs_status_filter	 status;
	enum zs_order		 order;
	const char		*topic;
	const char		*type;
	const char		*source;
	int64_t			 since;
	int64_t			 after;
} list_cases[] = {
	/* Defaults. */
	{ NULL, 0, ZS_STATUS_PENDING, ZS_ORDER_ASC, NULL, NULL, NULL, 0, 0 },
	{ "", 0, ZS_STATUS_PENDING, ZS_ORDER_ASC, NULL, NULL, NULL, 0, 0 },
	{ "&&", 0, ZS_STATUS_PENDING, ZS_ORDER_ASC, NULL, NULL, NULL, 0, 0 },

	/* limit */
	{ "limit=1", 1, 0, 0, NULL, NULL, NULL, 0, 0 },
	{ "limit=500", 500, 0, 0, NULL, NULL, NULL, 0, 0 },
	{ "limit=050", 50, 0, 0, NULL, NULL, NULL, 0, 0 },
	{ "&limit=7&", 7, 0, 0, NULL, NULL, NULL, 0, 0 },
	{ "%6cimit=%37", 7, 0, 0, NULL, NULL, NULL, 0, 0 },

	/* status, order */
	{ "status=pending", 0, ZS_STATUS_PENDING, 0, NULL, NULL, NULL, 0, 0 },
	{ "status=acknowledged", 0, ZS_STATUS_ACKED, 0, NULL, NULL, NULL,
	  0, 0 },
	{ "status=all", 0, ZS_STATUS_ALL, 0, NULL, NULL, NULL, 0, 0 },
	{ "order=asc", 0, 0, ZS_ORDER_ASC, NULL, NULL, NULL, 0, 0 },
	{ "order=desc", 0, 0, ZS_ORDER_DESC, NULL, NULL, NULL, 0, 0 },

	/* topic, type, source: percent-decoded, '+' is a space */
	{ "topic=billing", 0, 0, 0, "billing", NULL, NULL, 0, 0 },
	{ "topic=a+b", 0, 0, 0, "a b", NULL, NULL, 0, 0 },
	{ "topic=a%2Bb%26c%3Dd", 0, 0, 0, "a+b&c=d", NULL, NULL, 0, 0 },
	{ "topic=caf%C3%A9", 0, 0, 0, "caf\xc3\xa9", NULL, NULL, 0, 0 },
	{ "type=invoice.paid&source=stripe&topic=finance", 0, 0, 0,
	  "finance", "invoice.paid", "stripe", 0, 0 },

	/* since: an unescaped '+' decodes to a space, read back as '+' */
	{ "since=2024-01-01T00:00:00Z", 0, 0, 0, NULL, NULL, NULL,
	  1704067200000, 0 },
	{ "since=2024-01-01T00:00:00+01:00", 0, 0, 0, NULL, NULL, NULL,
	  1704063600000, 0 },
	{ "since=2024-01-01T00:00:00.5%2B01:00", 0, 0, 0, NULL, NULL, NULL,
	  1704063600500, 0 },
	{ "since=2023-11-14T22%3A13%3A20.123Z", 0, 0, 0, NULL, NULL, NULL,
	  1700000000123, 0 },

	/* cursor: base64url of "v1:a:42" and "v1:d:42" */
	{ "cursor=djE6YTo0Mg", 0, 0, ZS_ORDER_ASC, NULL, NULL, NULL, 0, 42 },
	{ "cursor=djE6ZDo0Mg&order=desc", 0, 0, ZS_ORDER_DESC, NULL, NULL,
	  NULL, 0, 42 },
	{ "order=desc&cursor=djE6ZDo0Mg", 0, 0, ZS_ORDER_DESC, NULL, NULL,
	  NULL, 0, 42 },

	/* Everything at once. */
	{ "limit=10&status=all&order=desc&topic=t&type=y&source=s&"
	  "since=2024-01-01T00:00:00Z&cursor=djE6ZDo0Mg", 10, ZS_STATUS_ALL,
	  ZS_ORDER_DESC, "t", "y", "s", 1704067200000, 42 },
};

/* zs_query_list refusing: the error's field and a part of its message. */
static const struct list_bad {
	const char	*qs;
	const char	*field;
	const char	*msg;		/* NULL: any message */
} list_bads[] = {
	/* limit */
	{ "limit=0", "limit", "1 to 500" },
	{ "limit=501", "limit", "1 to 500" },
	{ "limit=1000", "limit", NULL },
	{ "limit=0050", "limit", NULL },
	{ "limit=5x", "limit", NULL },
	{ "limit=%2B5", "limit", NULL },
	{ "limit=+5", "limit", NULL },
	{ "limit=%205", "limit", NULL },
	{ "limit=5%20", "limit", NULL },
	{ "limit=-1", "limit", NULL },
	{ "limit=1e2", "limit", NULL },
	{ "limit=", "limit", NULL },
	{ "limit", "limit", NULL },
	{ "limit=5&limit=5", "limit", "at most once" },
	{ "limit=5&order=asc&limit=6", "limit", "at most once" },

	/* status */
	{ "status=done", "status", "pending, leased, acknowledged, dead or all" },
	{ "status=PENDING", "status", NULL },
	{ "status=acked", "status", NULL },
	{ "status=", "status", NULL },
	{ "status=all&status=all", "status", "at most once" },

	/* order */
	{ "order=DESC", "order", "asc or desc" },
	{ "order=up", "order", NULL },
	{ "order=", "order", NULL },

	/* topic, type, source: decoded, then checked as text */
	{ "topic=a%00b", "topic", "NUL" },
	{ "topic=%00", "topic", NULL },
	{ "topic=%ZZ", "topic", "percent" },
	{ "topic=a%", "topic", NULL },
	{ "topic=a%4", "topic", NULL },
	{ "topic=%C3", "topic", "UTF-8" },
	{ "topic=%C0%80", "topic", "UTF-8" },
	{ "topic=a%0Ab", "topic", "control" },
	{ "topic=%C2%85", "topic", "control" },
	{ "topic=", "topic", "empty" },
	{ "topic", "topic", "empty" },
	{ "type=", "type", "empty" },
	{ "type=%7F", "type", "control" },
	{ "source=%FF", "source", "UTF-8" },
	{ "source=a&source=b", "source", "at most once" },

	/* since */
	{ "since=2024-01-01T00:00:00 01:00x", "since", "RFC 3339" },
	{ "since=yesterday", "since", "RFC 3339" },
	{ "since=2024-01-01", "since", NULL },
	{ "since=1704067200", "since", NULL },
	{ "since=", "since", NULL },

	/* cursor: base64url of "v1:a:42" and "v1:d:42" */
	{ "cursor=djE6ZDo0Mg", "cursor", "other order" },
	{ "cursor=djE6YTo0Mg&order=desc", "cursor", "other order" },
	{ "cursor=djE6YTo0Mg==", "cursor", "not a cursor" },
	{ "cursor=garbage!", "cursor", "not a cursor" },
	{ "cursor=", "cursor", NULL },

	/* Parameters this endpoint does not take, malformed pairs. */
	{ "foo=1", "foo", "not a parameter" },
	{ "limit=5&Limit=5", "Limit", "not a parameter" },
	{ "limit=5;order=desc", "limit", NULL },
	{ "api_key=dev_key_123", "api_key", "/inbox/stream" },
	{ "last_event_id=5", "last_event_id", "not a parameter" },
	{ "=5", "query", "no name" },
	{ "limit=5&=5", "query", "no name" },
	{ "%00=1", "query", "malformed" },
	{ "%zz=1", "query", "malformed" },
};

/* Long query strings: pre, unit n times, post. */
static const struct list_long {
	const char	*pre;
	const char	*unit;
	size_t		 n;
	const char	*post;
	int		 rc;
	const char	*field;		/* when rc is -1 */
	const char	*msg;		/* a part of the message, or NULL */
	size_t		 topiclen;	/* when rc is 0 */
} list_longs[] = {
	{ "topic=", "a", ZS_TEXT_MAX_CHARS, "", 0, NULL, NULL,
	  ZS_TEXT_MAX_CHARS },
	{ "topic=", "a", ZS_TEXT_MAX_CHARS + 1, "", -1, "topic",
	  "at most 128", 0 },
	{ "topic=", "%C3%A9", ZS_TEXT_MAX_CHARS, "", 0, NULL, NULL,
	  ZS_TEXT_MAX_CHARS * 2 },
	{ "topic=", "%F0%9F%98%80", ZS_TEXT_MAX_CHARS, "", 0, NULL, NULL,
	  ZS_TEXT_MAX_CHARS * 4 },
	{ "topic=", "%F0%9F%98%80", ZS_TEXT_MAX_CHARS + 1, "", -1, "topic",
	  "at most 128", 0 },
	{ "topic=", "a", ZS_QUERY_VALUE_MAX, "", -1, "topic",
	  "at most 128", 0 },
	{ "topic=", "a", ZS_QUERY_VALUE_MAX + 1, "", -1, "topic",
	  "too long", 0 },
	{ "", "a", ZS_QUERY_NAME_MAX, "=1", -1,
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not a parameter", 0 },
	{ "", "a", ZS_QUERY_NAME_MAX + 1, "=1", -1, "query", "too long", 0 },
	{ "limit=5", "&", 100000, "order=desc", 0, NULL, NULL, 0 },
};

/* zs_query_none: 0, or -1 with this field. */
static const struct none_case {
	const char	*qs;
	const char	*field;		/* NULL: accepted */
	const char	*msg;
} none_cases[] = {
	{ NULL, NULL, NULL },
	{ "", NULL, NULL },
	{ "&", NULL, NULL },
	{ "&&&", NULL, NULL },
	{ "a=1", "a", "not a parameter" },
	{ "limit=5", "limit", "not a parameter" },
	{ "&x", "x", "not a parameter" },
	{ "api_key=k", "api_key", "/inbox/stream" },
	{ "=1", "query", "no name" },
	{ "%zz=1", "query", "malformed" },
	{ "a=%zz", "a", "percent" },
};

/*
 * zs_query_next walks: name=value per pair joined by '|', then "!field"
 * when a pair is refused.
 */
static const struct next_case {
	const char	*qs;
	const char	*want;
} next_cases[] = {
	{ NULL, "" },
	{ "", "" },
	{ "&", "" },
	{ "a=1", "a=1" },
	{ "a=1&b=2", "a=1|b=2" },
	{ "&&a=1&&b=2&&", "a=1|b=2" },
	{ "a", "a=" },
	{ "a=", "a=" },
	{ "a=b=c", "a=b=c" },
	{ "a=1&a=2", "a=1|a=2" },
	{ "a+b=c+d", "a b=c d" },
	{ "%61=%62%2B%26%3D%25", "a=b+&=%" },
	{ "x=%C3%A9%c3%a9", "x=\xc3\xa9\xc3\xa9" },
	{ "x=%0A", "x=\n" },
	{ "=1", "!query" },
	{ "=", "!query" },
	{ "a=1&=2", "a=1|!query" },
	{ "a=%", "!a" },
	{ "a=%0", "!a" },
	{ "a=%zz", "!a" },
	{ "a=%00", "!a" },
	{ "a=x%00y", "!a" },
	{ "%00=1", "!query" },
	{ "a%=1", "!query" },
	{ "b=1&a=x%", "b=1|!a" },
};

/* Compares p with the list_case c; returns 1 when equal. */
static int
list_matches(const struct zs_list_params *p, const struct list_case *c,
    char *why, size_t whysz)
{
	const struct zs_filter	*f[3] = { &p->topic, &p->type, &p->source };
	const char		*w[3] = { c->topic, c->type, c->source };
	const char		*fn[3] = { "topic", "type", "source" };
	long			 limit = c->limit ? c->limit : 50;
	int64_t			 since = c->since ? c->since : -1;
	int64_t			 after = c->after ? c->after : -1;
	int			 i;

	if (p->limit != limit || p->status != c->status ||
	    p->order != c->order || p->since_ms != since ||
	    p->after_seq != after) {
		snprintf(why, whysz, "want limit %ld status %d order %d "
		    "since %" PRId64 " after %" PRId64 ", got limit %ld "
		    "status %d order %d since %" PRId64 " after %" PRId64,
		    limit, (int)c->status, (int)c->order, since, after,
		    p->limit, (int)p->status, (int)p->order, p->since_ms,
		    p->after_seq);
		return 0;
	}
	for (i = 0; i < 3; i++) {
		size_t	 wl = w[i] ? strlen(w[i]) : 0;

		if (f[i]->len != wl || (wl > 0 && (memcmp(f[i]->s, w[i],
		    wl) != 0 || f[i]->s[wl] != '\0'))) {
			snprintf(why, whysz, "want %s %s, got %s", fn[i],
			    qs(w[i]), q(f[i]->s, f[i]->len));
			return 0;
		}
	}
	return 1;
}

/* Checks err names field and, if msg is given, holds it. */
static void
check_err(const struct zs_query_error *err, const char *field,
    const char *msg)
{
	CHECK(strcmp(err->field, field) == 0 &&
	    (msg == NULL || strstr(err->message, msg) != NULL),
	    "want error %s %s, got %s %s", qs(field), qs(msg),
	    qs(err->field), qs(err->message));
}

static void
suite_query(void)
{
	static struct zs_list_params	 p;
	struct zs_query_error		 err;
	const struct list_case		*c;
	const struct list_long		*l;
	char				 why[512], got[512], *in, *cq;
	char				 name[ZS_QUERY_NAME_MAX + 1];
	char				 value[ZS_QUERY_VALUE_MAX + 1];
	char				 cur[ZS_CURSOR_BUFSZ];
	size_t				 i, len, pos, vlen, o;
	int				 rc, a, b;

	for (i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
		c = &list_cases[i];
		begins(c->qs);
		memset(&err, 0, sizeof(err));
		rc = zs_query_list(c->qs, &p, &err);
		CHECK(rc == 0, "want 0, got %d (%s %s)", rc, err.field,
		    err.message);
		if (rc == 0)
			CHECK(list_matches(&p, c, why, sizeof(why)), "%s",
			    why);
	}

	for (i = 0; i < sizeof(list_bads) / sizeof(list_bads[0]); i++) {
		begins(list_bads[i].qs);
		memset(&err, 0, sizeof(err));
		rc = zs_query_list(list_bads[i].qs, &p, &err);
		CHECK(rc == -1, "want -1, got %d", rc);
		if (rc == -1)
			check_err(&err, list_bads[i].field, list_bads[i].msg);
	}

	for (i = 0; i < sizeof(list_longs) / sizeof(list_longs[0]); i++) {
		l = &list_longs[i];
		in = repeat(l->pre, l->unit, l->n, l->post, &len);
		begin(in, len);
		memset(&err, 0, sizeof(err));
		rc = zs_query_list(in, &p, &err);
		CHECK(rc == l->rc, "want %d, got %d (%s %s)", l->rc, rc,
		    err.field, err.message);
		if (rc == 0 && l->rc == 0)
			CHECK(p.topic.len == l->topiclen &&
			    strlen(p.topic.s) == l->topiclen,
			    "want topic of %zu bytes, got %zu", l->topiclen,
			    p.topic.len);
		else if (rc == -1 && l->rc == -1)
			check_err(&err, l->field, l->msg);
		free(in);
	}

	/* A cursor from zs_cursor_encode: good for its own order only. */
	for (a = 0; a < ZS_ORDER__MAX; a++)
		for (b = 0; b < ZS_ORDER__MAX; b++) {
			zs_cursor_encode(7, (enum zs_order)a, cur);
			cq = repeat("cursor=", cur, 1, b == ZS_ORDER_DESC ?
			    "&order=desc" : "&order=asc", &len);
			begin(cq, len);
			memset(&err, 0, sizeof(err));
			rc = zs_query_list(cq, &p, &err);
			if (a == b)
				CHECK(rc == 0 && p.after_seq == 7 &&
				    (int)p.order == b, "want 0 after 7, got "
				    "%d after %" PRId64, rc, p.after_seq);
			else {
				CHECK(rc == -1, "want -1, got %d", rc);
				check_err(&err, "cursor", "other order");
			}
			free(cq);
		}

	for (i = 0; i < sizeof(none_cases) / sizeof(none_cases[0]); i++) {
		begins(none_cases[i].qs);
		memset(&err, 0, sizeof(err));
		rc = zs_query_none(none_cases[i].qs, &err);
		CHECK(rc == (none_cases[i].field ? -1 : 0), "want %d, got %d",
		    none_cases[i].field ? -1 : 0, rc);
		if (rc == -1 && none_cases[i].field != NULL)
			check_err(&err, none_cases[i].field,
			    none_cases[i].msg);
	}

	for (i = 0; i < sizeof(next_cases) / sizeof(next_cases[0]); i++) {
		begins(next_cases[i].qs);
		pos = 0;
		o = 0;
		got[0] = '\0';
		while (o < sizeof(got)) {
			memset(&err, 0, sizeof(err));
			rc = zs_query_next(next_cases[i].qs, &pos, name, value,
			    &vlen, &err);
			if (rc == 0)
				break;
			if (rc == -1) {
				snprintf(got + o, sizeof(got) - o, "%s!%s",
				    o ? "|" : "", err.field);
				break;
			}
			CHECK(vlen == strlen(value), "vlen %zu for %s", vlen,
			    qs(value));
			o += (size_t)snprintf(got + o, sizeof(got) - o,
			    "%s%s=%s", o ? "|" : "", name, value);
		}
		CHECK(strcmp(got, next_cases[i].want) == 0,
		    "want %s, got %s", qs(next_cases[i].want), qs(got));
	}
}

/* ---- cursor ------------------------------------------------------------- */

/* Round trips; enc, when given, is the exact cursor text. */
static const struct cursor_case {
	int64_t		 seq;
	enum zs_order	 order;
	const char	*enc;
} cursor_cases[] = {
	{ 42, ZS_ORDER_ASC, "djE6YTo0Mg" },
	{ 42, ZS_ORDER_DESC, "djE6ZDo0Mg" },
	{ 0, ZS_ORDER_ASC, "djE6YTow" },
	{ 1, ZS_ORDER_ASC, "djE6YTox" },
	{ INT64_MAX, ZS_ORDER_ASC, "djE6YTo5MjIzMzcyMDM2ODU0Nzc1ODA3" },
	{ INT64_MAX, ZS_ORDER_DESC, "djE6ZDo5MjIzMzcyMDM2ODU0Nzc1ODA3" },
	{ 0, ZS_ORDER_DESC, NULL },
	{ 9, ZS_ORDER_ASC, NULL },
	{ 10, ZS_ORDER_DESC, NULL },
	{ 99, ZS_ORDER_ASC, NULL },
	{ 100, ZS_ORDER_DESC, NULL },
	{ 12345, ZS_ORDER_ASC, NULL },
	{ 2147483647, ZS_ORDER_DESC, NULL },
	{ 2147483648, ZS_ORDER_ASC, NULL },
	{ 4294967296, ZS_ORDER_DESC, NULL },
	{ 9007199254740993, ZS_ORDER_ASC, NULL },
	{ 922337203685477579, ZS_ORDER_DESC, NULL },
	{ 922337203685477580, ZS_ORDER_ASC, NULL },
	{ INT64_MAX - 7, ZS_ORDER_DESC, NULL },
	{ INT64_MAX - 1, ZS_ORDER_ASC, NULL },
};

/* Texts zs_cursor_decode must refuse; the comment is the plain text. */
static const char *const cursor_bad[] = {
	"",
	"djE6YTo0Mg==",				/* padded */
	"djE6YTo0Mg=",
	"djE6YTo0M",				/* 9 characters */
	"djE6YTo",				/* "v1:a:" */
	"djE6",					/* "v1:" */
	"djE",
	"dg",					/* "v" */
	"djE6eDox",				/* "v1:x:1" */
	"djI6YTox",				/* "v2:a:1" */
	"djE6YTowMQ",				/* "v1:a:01" */
	"djE6YToxeA",				/* "v1:a:1x" */
	"djE6YTotMQ",				/* "v1:a:-1" */
	"djE6YTogMQ",				/* "v1:a: 1" */
	"djE6YTo5OTk5OTk5OTk5OTk5OTk5OTk5OQ",	/* 20 nines */
	"djE6YTo5MjIzMzcyMDM2ODU0Nzc1ODA4",	/* INT64_MAX + 1 */
	"djE6YTo0MgAAAA",			/* "v1:a:42\0\0\0" */
	"djE6YTo0M+",
	"djE6YTo0M/",
	"djE6YTo0M.",
	"djE6 YTo0Mg",
	" djE6YTo0Mg",
	"djE6YTo0Mg\n",
	"djE6YTo0M\xc3\xa9",
	"!!!!",
	"AAAA",
	"v1:a:42",
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",		/* 39 */
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",		/* 40 */
	"djE6YTo0MgdjE6YTo0MgdjE6YTo0MgdjE6YTo0Mg",		/* 40 */
	"djE6YTo5MjIzMzcyMDM2ODU0Nzc1ODA3MDAwMDAwMDAw",	/* 44 */
};

static void
suite_cursor(void)
{
	const struct cursor_case *c;
	char			  buf[ZS_CURSOR_BUFSZ + 8], *big;
	int64_t			  seq;
	enum zs_order		  order;
	size_t			  i, len;
	int			  rc;

	for (i = 0; i < sizeof(cursor_cases) / sizeof(cursor_cases[0]); i++) {
		c = &cursor_cases[i];
		snprintf(buf, sizeof(buf), "%" PRId64 " %s", c->seq,
		    c->order == ZS_ORDER_DESC ? "desc" : "asc");
		begins(buf);
		memset(buf, 'X', sizeof(buf));
		zs_cursor_encode(c->seq, c->order, buf);
		len = strlen(buf);
		CHECK(len < ZS_CURSOR_BUFSZ && buf[ZS_CURSOR_BUFSZ] == 'X',
		    "cursor %s overflows ZS_CURSOR_BUFSZ", qs(buf));
		CHECK(len > 0 && strspn(buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_") == len,
		    "cursor %s is not base64url", qs(buf));
		if (c->enc != NULL)
			CHECK(strcmp(buf, c->enc) == 0, "want %s, got %s",
			    qs(c->enc), qs(buf));
		seq = -1;
		order = ZS_ORDER__MAX;
		rc = zs_cursor_decode(buf, &seq, &order);
		CHECK(rc == 0 && seq == c->seq && order == c->order,
		    "decoding %s: want 0 %" PRId64 " %d, got %d %" PRId64
		    " %d", qs(buf), c->seq, (int)c->order, rc, seq,
		    (int)order);
	}

	for (i = 0; i < sizeof(cursor_bad) / sizeof(cursor_bad[0]); i++) {
		begins(cursor_bad[i]);
		rc = zs_cursor_decode(cursor_bad[i], &seq, &order);
		CHECK(rc == -1, "want -1, got %d (seq %" PRId64 ")", rc, seq);
	}

	big = repeat("djE6YTo0Mg", "A", 100000, "", &len);
	begin(big, len);
	rc = zs_cursor_decode(big, &seq, &order);
	CHECK(rc == -1, "want -1, got %d", rc);
	free(big);
}

/* ---- ulid --------------------------------------------------------------- */

/*
 * zs_ulid_next after prev (none when has_prev is 0) at now. A fresh ULID
 * must have ms == now and random bits with headroom; otherwise it must be
 * exactly want.
 */
static const struct ulid_next_case {
	int		 has_prev;
	struct zs_ulid	 prev;
	uint64_t	 now;
	int		 fresh;
	struct zs_ulid	 want;
} ulid_next_cases[] = {
	{ 0, { 0, 0, 0 }, 1000, 1, { 0, 0, 0 } },
	{ 0, { 0, 0, 0 }, 0xffffffffffffULL, 1, { 0, 0, 0 } },
	{ 1, { 1000, 5, 7 }, 1000, 0, { 1000, 5, 8 } },
	{ 1, { 1000, 5, 7 }, 999, 0, { 1000, 5, 8 } },
	{ 1, { 1000, 5, 7 }, 0, 0, { 1000, 5, 8 } },
	{ 1, { 1000, 5, UINT64_MAX }, 1000, 0, { 1000, 6, 0 } },
	{ 1, { 1000, 0xffff, UINT64_MAX }, 1000, 0, { 1001, 0, 0 } },
	{ 1, { 1000, 0xffff, UINT64_MAX }, 5, 0, { 1001, 0, 0 } },
	{ 1, { 1000, 5, 7 }, 1001, 1, { 0, 0, 0 } },
	{ 1, { 1000, 0xffff, UINT64_MAX }, 1001, 1, { 0, 0, 0 } },
	{ 1, { 1000, 0, 0 }, 1700000000123ULL, 1, { 0, 0, 0 } },
};

/* Known encodings, each also decoded back. */
static const struct ulid_enc_case {
	struct zs_ulid	 u;
	const char	*enc;
} ulid_enc_cases[] = {
	{ { 0, 0, 0 }, "00000000000000000000000000" },
	{ { 1, 0, 1 }, "00000000010000000000000001" },
	{ { 1469918176385ULL, 1, 0 }, "01ARYZ6S41000G000000000000" },
	{ { 1700000000123ULL, 0x1234, 0x56789abcdef01234ULL },
	  "01HF7YAT3V28T5CY4TQKFF04HM" },
	{ { 0xffffffffffffULL, 0xffff, UINT64_MAX },
	  "7ZZZZZZZZZZZZZZZZZZZZZZZZZ" },
};

/* zs_ulid_decode: 0 or -1. */
static const struct ulid_dec_case {
	const char	*s;
	int		 rc;
} ulid_dec_cases[] = {
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "01arz3ndektsv4rrffq69g5fav", 0 },
	{ "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 0 },
	{ "00000000000000000000000000", 0 },
	{ "80000000000000000000000000", -1 },
	{ "8ZZZZZZZZZZZZZZZZZZZZZZZZZ", -1 },
	{ "Z0000000000000000000000000", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FA", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAVX", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAV ", -1 },
	{ "", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAI", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAL", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAO", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAU", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAu", -1 },
	{ "I1ARZ3NDEKTSV4RRFFQ69G5FAV", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FA-", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5F\xc3\xa9", -1 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FA\x80", -1 },
};

/* -1, 0 or 1 as a is before, equal to or after b numerically. */
static int
ulid_cmp(const struct zs_ulid *a, const struct zs_ulid *b)
{
	if (a->ms != b->ms)
		return a->ms < b->ms ? -1 : 1;
	if (a->rand_hi != b->rand_hi)
		return a->rand_hi < b->rand_hi ? -1 : 1;
	if (a->rand_lo != b->rand_lo)
		return a->rand_lo < b->rand_lo ? -1 : 1;
	return 0;
}

/*
 * Makes n ULIDs from start (or none) at the times in clock (cycled),
 * checking each sorts after the last numerically and as text, and
 * decodes back to itself.
 */
static void
ulid_sequence(const char *name, const struct zs_ulid *start,
    const uint64_t *clock, size_t nclock, size_t n)
{
	struct zs_ulid	 prev, next, back;
	char		 pe[ZS_ULID_LEN + 1], ne[ZS_ULID_LEN + 1];
	size_t		 i;
	int		 rc;

	begins(name);
	rc = zs_ulid_next(start, clock[0], &prev);
	CHECK(rc == 0, "zs_ulid_next gave %d", rc);
	zs_ulid_encode(&prev, pe);
	for (i = 1; i < n && !cur_failed; i++) {
		rc = zs_ulid_next(&prev, clock[i % nclock], &next);
		zs_ulid_encode(&next, ne);
		CHECK(rc == 0 && ulid_cmp(&next, &prev) > 0,
		    "step %zu: %s does not follow %s", i, ne, pe);
		CHECK(strcmp(ne, pe) > 0, "step %zu: %s sorts before %s",
		    i, ne, pe);
		CHECK(zs_ulid_decode(ne, &back) == 0 &&
		    ulid_cmp(&back, &next) == 0, "step %zu: %s does not "
		    "decode to itself", i, ne);
		prev = next;
		memcpy(pe, ne, sizeof(pe));
	}
}

static void
suite_ulid(void)
{
	static const uint64_t	 fixed[] = { 1700000000123ULL };
	static const uint64_t	 jumpy[] = { 5000, 5000, 4000, 5001, 5001,
				    0, 5002, 1, 5003, 5003 };
	const struct ulid_next_case *c;
	struct zs_ulid		 out, back, start;
	char			 buf[ZS_ULID_LEN + 2], pe[ZS_ULID_LEN + 1];
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(ulid_next_cases) /
	    sizeof(ulid_next_cases[0]); i++) {
		c = &ulid_next_cases[i];
		snprintf(buf, sizeof(buf), "%zu", i);
		begins(buf);
		memset(&out, 0xa5, sizeof(out));
		rc = zs_ulid_next(c->has_prev ? &c->prev : NULL, c->now, &out);
		CHECK(rc == 0, "want 0, got %d", rc);
		if (c->fresh)
			CHECK(out.ms == c->now && out.rand_hi <= 0x7fff,
			    "want fresh at %" PRIu64 ", got ms %" PRIu64
			    " hi %#x", c->now, out.ms, out.rand_hi);
		else
			CHECK(ulid_cmp(&out, &c->want) == 0, "want %" PRIu64
			    "/%#x/%#" PRIx64 ", got %" PRIu64 "/%#x/%#"
			    PRIx64, c->want.ms, c->want.rand_hi,
			    c->want.rand_lo, out.ms, out.rand_hi,
			    out.rand_lo);
		if (c->has_prev) {
			zs_ulid_encode(&c->prev, pe);
			zs_ulid_encode(&out, buf);
			CHECK(ulid_cmp(&out, &c->prev) > 0 &&
			    strcmp(buf, pe) > 0, "%s does not follow %s",
			    buf, pe);
		}
	}

	for (i = 0; i < sizeof(ulid_enc_cases) / sizeof(ulid_enc_cases[0]);
	    i++) {
		begins(ulid_enc_cases[i].enc);
		memset(buf, 'X', sizeof(buf));
		zs_ulid_encode(&ulid_enc_cases[i].u, buf);
		CHECK(strcmp(buf, ulid_enc_cases[i].enc) == 0,
		    "want %s, got %s", ulid_enc_cases[i].enc, qs(buf));
		rc = zs_ulid_decode(ulid_enc_cases[i].enc, &back);
		CHECK(rc == 0 && ulid_cmp(&back, &ulid_enc_cases[i].u) == 0,
		    "decode gave %d %" PRIu64 "/%#x/%#" PRIx64, rc, back.ms,
		    back.rand_hi, back.rand_lo);
	}

	for (i = 0; i < sizeof(ulid_dec_cases) / sizeof(ulid_dec_cases[0]);
	    i++) {
		const char	*s = ulid_dec_cases[i].s;
		size_t		 k;

		begins(s);
		rc = zs_ulid_decode(s, &back);
		CHECK(rc == ulid_dec_cases[i].rc, "want %d, got %d",
		    ulid_dec_cases[i].rc, rc);
		if (rc == 0) {
			zs_ulid_encode(&back, buf);
			for (k = 0; k < ZS_ULID_LEN; k++)
				CHECK(buf[k] == (s[k] >= 'a' && s[k] <= 'z' ?
				    s[k] - 'a' + 'A' : s[k]),
				    "encodes back as %s", buf);
		}
	}

	ulid_sequence("10000 ULIDs in one millisecond", NULL, fixed, 1,
	    10000);
	start.ms = 1700000000123ULL;
	start.rand_hi = 0x7fff;
	start.rand_lo = UINT64_MAX - 5000;
	ulid_sequence("10000 ULIDs across a carry in the random bits",
	    &start, fixed, 1, 10000);
	ulid_sequence("ULIDs while the clock jumps back and forth", NULL,
	    jumpy, sizeof(jumpy) / sizeof(jumpy[0]), 1000);
}

/* ---- time --------------------------------------------------------------- */

static const struct time_fmt_case {
	int64_t		 ms;
	const char	*want;
} time_fmt_cases[] = {
	{ 0, "1970-01-01T00:00:00.000Z" },
	{ 1, "1970-01-01T00:00:00.001Z" },
	{ 999, "1970-01-01T00:00:00.999Z" },
	{ 1700000000123, "2023-11-14T22:13:20.123Z" },
	{ 951782400000, "2000-02-29T00:00:00.000Z" },
	{ 1709164800000, "2024-02-29T00:00:00.000Z" },
	{ 1795742184123, "2026-11-27T01:16:24.123Z" },
	{ 253402300799999, "9999-12-31T23:59:59.999Z" },
};

/* zs_time_parse: rc and, when 0, the instant. */
static const struct time_parse_case {
	const char	*s;
	int		 rc;
	int64_t		 ms;
} time_parse_cases[] = {
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "1970-01-01T00:00:00.001Z", 0, 1 },
	{ "1969-12-31T23:59:59Z", 0, -1000 },
	{ "2023-11-14T22:13:20.123Z", 0, 1700000000123 },
	{ "2023-11-14t22:13:20.123z", 0, 1700000000123 },
	{ "2023-11-14 22:13:20.123Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123+00:00", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123-00:00", 0, 1700000000123 },
	{ "2023-11-15T00:13:20.123+02:00", 0, 1700000000123 },
	{ "2023-11-14T16:43:20.123-05:30", 0, 1700000000123 },
	{ "2023-11-15T12:13:20.123+14:00", 0, 1700000000123 },
	{ "2023-11-14T22:13:20Z", 0, 1700000000000 },
	{ "2023-11-14T22:13:20.1Z", 0, 1700000000100 },
	{ "2023-11-14T22:13:20.12Z", 0, 1700000000120 },
	{ "2023-11-14T22:13:20.1234Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.12345Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123456Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.1234567Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.12345678Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.123456789Z", 0, 1700000000123 },
	{ "2023-11-14T22:13:20.999999999Z", 0, 1700000000999 },
	{ "2023-11-14T22:13:20.0Z", 0, 1700000000000 },
	{ "2024-01-01T00:00:00.5+01:00", 0, 1704063600500 },
	{ "2024-02-29T00:00:00Z", 0, 1709164800000 },
	{ "2000-02-29T00:00:00Z", 0, 951782400000 },
	{ "2016-12-31T23:59:60Z", 0, 1483228799000 },
	{ "9999-12-31T23:59:59.999Z", 0, 253402300799999 },
	{ "2023-02-29T00:00:00Z", -1, 0 },
	{ "1900-02-29T00:00:00Z", -1, 0 },
	{ "2023-04-31T00:00:00Z", -1, 0 },
	{ "2023-13-01T00:00:00Z", -1, 0 },
	{ "2023-00-01T00:00:00Z", -1, 0 },
	{ "2023-01-00T00:00:00Z", -1, 0 },
	{ "2023-01-32T00:00:00Z", -1, 0 },
	{ "2023-01-01T24:00:00Z", -1, 0 },
	{ "2023-01-01T23:60:00Z", -1, 0 },
	{ "2023-01-01T23:59:61Z", -1, 0 },
	{ "2023-01-01T00:00:00", -1, 0 },
	{ "2023-01-01T00:00:00.123", -1, 0 },
	{ "2023-01-01T00:00:00Zjunk", -1, 0 },
	{ "2023-01-01T00:00:00Z ", -1, 0 },
	{ "2023-01-01T00:00:00+02:00x", -1, 0 },
	{ "2023-01-01T00:00:00.Z", -1, 0 },
	{ "2023-01-01T00:00:00,5Z", -1, 0 },
	{ "2023-01-01T00:00:00+0200", -1, 0 },
	{ "2023-01-01T00:00:00+02", -1, 0 },
	{ "2023-01-01T00:00:00+2:00", -1, 0 },
	{ "2023-01-01T00:00:00+24:00", -1, 0 },
	{ "2023-01-01T00:00:00+02:60", -1, 0 },
	{ "2023-01-01T00:00:00 +02:00", -1, 0 },
	{ "2023-01-01T00:00Z", -1, 0 },
	{ "2023-01-01T0:00:00Z", -1, 0 },
	{ "2023-1-01T00:00:00Z", -1, 0 },
	{ "23-01-01T00:00:00Z", -1, 0 },
	{ "2023/01/01T00:00:00Z", -1, 0 },
	{ "2023-01-01X00:00:00Z", -1, 0 },
	{ "2023-01-01", -1, 0 },
	{ "2023-01-01T", -1, 0 },
	{ "2023", -1, 0 },
	{ "", -1, 0 },
	{ "1700000000", -1, 0 },
	{ "+2023-01-01T00:00:00Z", -1, 0 },
};

static void
suite_time(void)
{
	char	 buf[ZS_TIME_BUFSZ + 8];
	int64_t	 ms;
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(time_fmt_cases) / sizeof(time_fmt_cases[0]);
	    i++) {
		snprintf(buf, sizeof(buf), "%" PRId64, time_fmt_cases[i].ms);
		begins(buf);
		memset(buf, 'X', sizeof(buf));
		zs_time_format(time_fmt_cases[i].ms, buf);
		CHECK(strcmp(buf, time_fmt_cases[i].want) == 0,
		    "want %s, got %s", time_fmt_cases[i].want, qs(buf));
		rc = zs_time_parse(buf, &ms);
		CHECK(rc == 0 && ms == time_fmt_cases[i].ms, "parsing it "
		    "back gave %d %" PRId64, rc, ms);
	}

	for (i = 0; i < sizeof(time_parse_cases) /
	    sizeof(time_parse_cases[0]); i++) {
		begins(time_parse_cases[i].s);
		ms = -12345;
		rc = zs_time_parse(time_parse_cases[i].s, &ms);
		CHECK(rc == time_parse_cases[i].rc, "want %d, got %d",
		    time_parse_cases[i].rc, rc);
		if (rc == 0 && time_parse_cases[i].rc == 0)
			CHECK(ms == time_parse_cases[i].ms, "want %" PRId64
			    ", got %" PRId64, time_parse_cases[i].ms, ms);
	}

	begins("zs_time_now_ms");
	ms = zs_time_now_ms();
	CHECK(ms > 1700000000000 && ms < 253402300799999,
	    "implausible clock %" PRId64, ms);
}

/* ---- ratelimit ---------------------------------------------------------- */

#define RL_T0	 1700000000000LL	/* a start time */

/* One call (repeated times times) and what the last one reports. */
struct rl_step {
	int64_t	 now;		/* ms */
	int	 times;		/* calls; 0 ends the steps */
	int	 allowed;	/* every call */
	long	 remaining;
	long	 reset_s;
	long	 retry_after_s;
};

/* A bucket of capacity starting at (tokens, last_ms), then steps. */
static const struct rl_case {
	const char	*name;
	long		 capacity;
	double		 tokens;
	int64_t		 last_ms;
	struct rl_step	 steps[8];
} rl_cases[] = {
	{ "60/min: a new bucket allows 60 then refuses", 60, 0, 0, {
		{ RL_T0, 1, 1, 59, 1, 0 },
		{ RL_T0, 59, 1, 0, 60, 0 },
		{ RL_T0, 1, 0, 0, 60, 1 },
		{ RL_T0 + 999, 1, 0, 0, 60, 1 },
		{ RL_T0 + 1000, 1, 1, 0, 60, 0 },
		{ RL_T0 + 1000, 1, 0, 0, 60, 1 },
		{ RL_T0 + 500, 1, 0, 0, 60, 1 },
		{ 0 } } },
	{ "60/min: refill after 1 s gives one token", 60, 10.0, RL_T0, {
		{ RL_T0 + 1000, 1, 1, 10, 50, 0 },
		{ RL_T0 + 2000, 2, 1, 9, 51, 0 },
		{ RL_T0 + 60000, 1, 1, 59, 1, 0 },
		{ RL_T0 + 600000, 1, 1, 59, 1, 0 },
		{ 0 } } },
	{ "60/min: half a token waits for the other half", 60, 0.5,
	  RL_T0, {
		{ RL_T0, 1, 0, 0, 60, 1 },
		{ RL_T0 + 400, 1, 0, 0, 60, 1 },
		{ RL_T0 + 500, 1, 1, 0, 60, 0 },
		{ 0 } } },
	{ "1/min: one request, then a minute's wait", 1, 0, 0, {
		{ RL_T0, 1, 1, 0, 60, 0 },
		{ RL_T0, 1, 0, 0, 60, 60 },
		{ RL_T0 + 30000, 1, 0, 0, 30, 30 },
		{ RL_T0 + 59999, 1, 0, 0, 1, 1 },
		{ RL_T0 + 60000, 1, 1, 0, 60, 0 },
		{ 0 } } },
	{ "120/min: retry after rounds up to 1 s", 120, 0, 0, {
		{ RL_T0, 120, 1, 0, 60, 0 },
		{ RL_T0, 1, 0, 0, 60, 1 },
		{ RL_T0 + 500, 1, 1, 0, 60, 0 },
		{ RL_T0 + 900, 1, 0, 0, 60, 1 },
		{ 0 } } },
	{ "a damaged bucket counts as full", 60, -5.0, RL_T0, {
		{ RL_T0, 1, 1, 59, 1, 0 },
		{ 0 } } },
	{ "an overfull bucket counts as full", 60, 1e9, RL_T0, {
		{ RL_T0, 1, 1, 59, 1, 0 },
		{ 0 } } },
};

static void
suite_ratelimit(void)
{
	const struct rl_case	*c;
	const struct rl_step	*s;
	struct zs_rate		 r;
	double			 tokens;
	int64_t			 last, wantlast;
	size_t			 i, j;
	int			 k, allowed;

	for (i = 0; i < sizeof(rl_cases) / sizeof(rl_cases[0]); i++) {
		c = &rl_cases[i];
		begins(c->name);
		tokens = c->tokens;
		last = c->last_ms;
		for (j = 0; c->steps[j].times > 0 && !cur_failed; j++) {
			s = &c->steps[j];
			allowed = 1;
			wantlast = last > s->now ? last : s->now;
			for (k = 0; k < s->times; k++) {
				memset(&r, 0xa5, sizeof(r));
				zs_ratelimit_bucket(&tokens, &last,
				    c->capacity, s->now, &r);
				allowed &= r.allowed == s->allowed;
			}
			CHECK(allowed && r.limit == c->capacity &&
			    r.remaining == s->remaining &&
			    r.reset_s == s->reset_s &&
			    r.retry_after_s == s->retry_after_s,
			    "step %zu: want allowed %d remaining %ld reset %ld "
			    "retry %ld, got allowed %d remaining %ld reset %ld"
			    " retry %ld (limit %ld)", j, s->allowed,
			    s->remaining, s->reset_s, s->retry_after_s,
			    r.allowed, r.remaining, r.reset_s,
			    r.retry_after_s, r.limit);
			CHECK(last == wantlast, "step %zu: last_ms %" PRId64
			    ", want %" PRId64, j, last, wantlast);
			CHECK(tokens >= 0 && tokens <= c->capacity,
			    "step %zu: %g tokens", j, tokens);
		}
	}
}

/* ---- event -------------------------------------------------------------- */

static const struct event_case {
	const char	*id;
	int		 ok;
} event_cases[] = {
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1 },
	{ "evt_00000000000000000000000000", 1 },
	{ "evt_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 1 },
	{ "evt_01arz3ndektsv4rrffq69g5fav", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAv", 0 },
	{ "EVT_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "ev_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "evt-01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "evt01ARZ3NDEKTSV4RRFFQ69G5FAVX", 0 },
	{ "xvt_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FA", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAVV", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV\n", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAI", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAL", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAO", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAU", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5F-V", 0 },
	{ "evt_80000000000000000000000000", 0 },
	{ "evt_", 0 },
	{ "evt", 0 },
	{ "", 0 },
};

static void
suite_event(void)
{
	static const struct zs_ulid us[] = {
		{ 0, 0, 0 },
		{ 1700000000123ULL, 0x1234, 0x56789abcdef01234ULL },
		{ 0xffffffffffffULL, 0xffff, UINT64_MAX },
	};
	struct zs_ulid	 u;
	char		 id[ZS_EVENT_ID_LEN + 1];
	size_t		 i, k;
	int		 ok;

	for (i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		begins(event_cases[i].id);
		ok = zs_event_id_ok(event_cases[i].id) != 0;
		CHECK(ok == event_cases[i].ok, "want %d, got %d",
		    event_cases[i].ok, ok);
	}

	/* Ids as the server makes them pass; lowercased they do not. */
	for (i = 0; i < sizeof(us) / sizeof(us[0]) + 3; i++) {
		if (i < sizeof(us) / sizeof(us[0]))
			u = us[i];
		else if (zs_ulid_next(NULL, zs_time_now_ms(), &u) != 0)
			memset(&u, 0, sizeof(u));
		memcpy(id, "evt_", 4);
		zs_ulid_encode(&u, id + 4);
		begins(id);
		ok = zs_event_id_ok(id) != 0;
		CHECK(ok == 1, "want 1, got %d", ok);
		for (k = 4; k < ZS_EVENT_ID_LEN; k++)
			if (id[k] >= 'A' && id[k] <= 'Z')
				id[k] = (char)(id[k] - 'A' + 'a');
		if (strspn(id + 4, "0123456789") == ZS_ULID_LEN)
			continue;	/* nothing to lowercase */
		begins(id);
		ok = zs_event_id_ok(id) != 0;
		CHECK(ok == 0, "want 0, got %d", ok);
	}
}

/* zs_buf_put_int, and the event JSON built without printf. */
static void
suite_event_json(void)
{
	static const struct { int64_t n; const char *want; } ints[] = {
		{ 0, "0" }, { 7, "7" }, { -1, "-1" }, { 1234567890, "1234567890" },
		{ INT64_MAX, "9223372036854775807" },
		{ INT64_MIN, "-9223372036854775808" },
	};
	struct zs_event	 ev;
	struct zs_buf	 b;
	size_t		 i;

	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		begins(ints[i].want);
		zs_buf_init(&b, 0);
		zs_buf_put_int(&b, ints[i].n);
		CHECK(b.len == strlen(ints[i].want) &&
		    strcmp(b.data, ints[i].want) == 0, "got %s", b.data);
		zs_buf_free(&b);
	}

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.id, sizeof(ev.id), "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV");
	ev.created_ms = 1764220584722LL;	/* 2025-11-27T05:16:24.722Z */
	ev.acked_ms = -1;
	ev.source = "billing";
	ev.topic = "q\"t";
	ev.payload = "{\"a\":1}";
	ev.payload_len = 7;
	ev.status = ZS_STATUS_LEASED;
	ev.delivery_count = 2;
	ev.lease_expires_ms = 1764220614722LL;
	ev.visible_ms = ev.dead_ms = -1;
	ev.lease_id = "lse_01ARZ3NDEKTSV4RRFFQ69G5FAV";
	begins("a leased event, with its lease");
	zs_buf_init(&b, 0);
	zs_event_json_leased(&b, &ev);
	CHECK(strcmp(b.data, "{\"id\":\"evt_01ARZ3NDEKTSV4RRFFQ69G5FAV\","
	    "\"created_at\":\"2025-11-27T05:16:24.722Z\",\"source\":"
	    "\"billing\",\"type\":null,\"topic\":\"q\\\"t\",\"payload\":"
	    "{\"a\":1},\"status\":\"leased\",\"acked_at\":null,"
	    "\"delivery_count\":2,\"lease_expires_at\":"
	    "\"2025-11-27T05:16:54.722Z\",\"lease_id\":"
	    "\"lse_01ARZ3NDEKTSV4RRFFQ69G5FAV\"}") == 0, "got %s", b.data);
	zs_buf_free(&b);

	ev.status = ZS_STATUS_ACKED;
	ev.acked_ms = 1764220585000LL;
	ev.lease_expires_ms = -1;
	begins("an acknowledged event");
	zs_buf_init(&b, 0);
	zs_event_json(&b, &ev);
	CHECK(strstr(b.data, ",\"status\":\"acknowledged\",\"acked_at\":"
	    "\"2025-11-27T05:16:25.000Z\",\"delivery_count\":2}") != NULL &&
	    strstr(b.data, "lease") == NULL, "got %s", b.data);
	zs_buf_free(&b);
}

/* Lease ids: the syntax check, and what zs_lease_id_make makes. */
static const struct event_case lease_cases[] = {
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FAV", 1 },
	{ "lse_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 1 },
	{ "lse_80000000000000000000000000", 0 },
	{ "lse_01arz3ndektsv4rrffq69g5fav", 0 },
	{ "evt_01ARZ3NDEKTSV4RRFFQ69G5FAV", 0 },
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FA", 0 },
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FAVV", 0 },
	{ "lse_01ARZ3NDEKTSV4RRFFQ69G5FAU", 0 },
	{ "lse_", 0 },
	{ "", 0 },
};

/* zs_fields_int: a JSON number's text read as a whole number in range. */
static const struct fields_int_case {
	const char	*text;
	long		 min, max;
	int		 rc;
	long		 want;
} fields_int_cases[] = {
	{ "30", 1, 43200, 0, 30 },
	{ "1", 1, 43200, 0, 1 },
	{ "43200", 1, 43200, 0, 43200 },
	{ "0", 0, 20, 0, 0 },
	{ "-0", 0, 20, 0, 0 },
	{ "0", 1, 43200, -1, 0 },
	{ "43201", 1, 43200, -1, 0 },
	{ "-1", 0, 20, -1, 0 },
	{ "1.5", 1, 100, -1, 0 },
	{ "1e2", 1, 1000, -1, 0 },
	{ "1E2", 1, 1000, -1, 0 },
	{ "10.0", 1, 100, -1, 0 },
	{ "999999999999999999", 1, 100, -1, 0 },
	{ "9999999999999999999", 1, 100, -1, 0 },
	{ "-", 0, 20, -1, 0 },
	{ "", 0, 20, -1, 0 },
	{ "\"5\"", 0, 20, -1, 0 },
	{ "true", 0, 20, -1, 0 },
};

static void
suite_lease(void)
{
	char	 id[ZS_LEASE_ID_LEN + 1], prev[ZS_LEASE_ID_LEN + 1] = "";
	size_t	 i;
	long	 v;
	int	 ok, rc;

	for (i = 0; i < sizeof(lease_cases) / sizeof(lease_cases[0]); i++) {
		begins(lease_cases[i].id);
		ok = zs_lease_id_ok(lease_cases[i].id) != 0;
		CHECK(ok == lease_cases[i].ok, "want %d, got %d",
		    lease_cases[i].ok, ok);
	}
	/* Made ids pass the check and differ from each other. */
	for (i = 0; i < 100; i++) {
		rc = zs_lease_id_make(id);
		begins(id);
		CHECK(rc == 0 && zs_lease_id_ok(id) && strcmp(id, prev) != 0,
		    "rc %d, previous %s", rc, prev);
		memcpy(prev, id, sizeof(prev));
	}
	for (i = 0; i < sizeof(fields_int_cases) /
	    sizeof(fields_int_cases[0]); i++) {
		const struct fields_int_case *c = &fields_int_cases[i];

		begins(c->text);
		v = -42;
		rc = zs_fields_int(c->text, strlen(c->text), c->min, c->max,
		    &v);
		CHECK(rc == c->rc && (rc != 0 || v == c->want),
		    "want %d (%ld), got %d (%ld)", c->rc, c->want, rc, v);
	}
}

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

static void
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

static void
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

static void
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

/* ---- random ------------------------------------------------------------- */

/*
 * zs_random: each draw is fresh (no two 16-byte draws alike in 200, which
 * covers several refills of the 512-byte pool), every byte value turns up,
 * and sizes above ZS_RANDOM_MAX are refused.
 */
static void
suite_random(void)
{
	unsigned char	 draws[200][16], big[ZS_RANDOM_MAX + 1];
	int		 seen[256] = { 0 }, nseen = 0;
	size_t		 i, j;

	begins("200 draws of 16 bytes");
	for (i = 0; i < 200; i++) {
		CHECK(zs_random(draws[i], sizeof(draws[i])) == 0,
		    "draw %zu failed", i);
		for (j = 0; j < sizeof(draws[i]); j++)
			if (!seen[draws[i][j]]++)
				nseen++;
		for (j = 0; j < i; j++)
			CHECK(memcmp(draws[i], draws[j], 16) != 0,
			    "draws %zu and %zu are the same", j, i);
	}
	CHECK(nseen == 256, "only %d of 256 byte values in 3200 bytes", nseen);

	begins("draws of ZS_RANDOM_MAX bytes across refills");
	for (i = 0; i < 20; i++) {
		memset(big, 0, sizeof(big));
		CHECK(zs_random(big, ZS_RANDOM_MAX) == 0, "draw %zu failed", i);
		for (j = 0, nseen = 0; j < ZS_RANDOM_MAX; j++)
			nseen += big[j] != 0;
		CHECK(nseen > ZS_RANDOM_MAX / 2, "draw %zu: %d of %d bytes "
		    "not zero", i, nseen, ZS_RANDOM_MAX);
	}

	begins("ZS_RANDOM_MAX + 1 bytes");
	CHECK(zs_random(big, sizeof(big)) == -1, "a too large draw worked");
}

/* ---- sql ------------------------------------------------------------------ */

/* The largest $N of a PostgreSQL text; -1 when a ? placeholder is left. */
static int
pg_params(const char *sql)
{
	const char	*p;
	int		 n = 0;

	if (strchr(sql, '?') != NULL)
		return -1;
	for (p = sql; (p = strchr(p, '$')) != NULL; p++)
		if (atoi(p + 1) > n)
			n = atoi(p + 1);
	return n;
}

/*
 * Every statement the store prepares has a text in both dialects, the
 * same parameters in each, and PostgreSQL's use $N only.
 */
static void
suite_sql(void)
{
	char		 name[32];
	const char	*lite, *pg;
	const char	*p;
	int		 i, n;

	for (i = 0; i < SQL__STORE_MAX; i++) {
		snprintf(name, sizeof(name), "statement %d", i);
		begins(name);
		lite = zs_sqlite_text((enum zs_sql)i);
		pg = zs_pg_text((enum zs_sql)i);
		CHECK(lite != NULL && pg != NULL, "SQLite %s, PostgreSQL %s",
		    qs(lite), qs(pg));
		if (lite == NULL || pg == NULL)
			continue;
		CHECK((n = pg_params(pg)) >= 0 && n <= 8, "PostgreSQL text %s",
		    qs(pg));
		for (p = lite, n = 0; (p = strchr(p, '?')) != NULL; p++)
			if (atoi(p + 1) > n)
				n = atoi(p + 1);
		CHECK(n == pg_params(pg), "?%d in SQLite's "
		    "%s, $%d in PostgreSQL's %s", n, qs(lite), pg_params(pg),
		    qs(pg));
	}
}

/* ---- main --------------------------------------------------------------- */

static const struct suite {
	const char	*name;
	void		(*fn)(void);
} suites[] = {
	{ "json", suite_json },
	{ "text", suite_text },
	{ "auth", suite_auth },
	{ "http", suite_http },
	{ "query", suite_query },
	{ "cursor", suite_cursor },
	{ "ulid", suite_ulid },
	{ "random", suite_random },
	{ "time", suite_time },
	{ "ratelimit", suite_ratelimit },
	{ "event", suite_event },
	{ "event_json", suite_event_json },
	{ "lease", suite_lease },
	{ "source", suite_source },
	{ "sig", suite_sig },
	{ "token", suite_token },
	{ "sql", suite_sql },
};

#define NSUITES (sizeof(suites) / sizeof(suites[0]))

static void
usage(void)
{
	size_t	 i;

	fprintf(stderr, "usage: zs-unit all");
	for (i = 0; i < NSUITES; i++)
		fprintf(stderr, " | %s", suites[i].name);
	fputc('\n', stderr);
}

int
main(int argc, char *argv[])
{
	size_t	 i, ran = 0, tcases = 0, tfailed = 0;
	int	 all;

	if (argc != 2) {
		usage();
		return 2;
	}
	all = strcmp(argv[1], "all") == 0;
	for (i = 0; i < NSUITES; i++) {
		if (!all && strcmp(argv[1], suites[i].name) != 0)
			continue;
		suite = suites[i].name;
		ncases = nfailed = 0;
		suites[i].fn();
		printf("%s: %zu cases, %zu failed\n", suite, ncases,
		    nfailed);
		tcases += ncases;
		tfailed += nfailed;
		ran++;
	}
	if (ran == 0) {
		fprintf(stderr, "zs-unit: no suite %s\n", argv[1]);
		usage();
		return 2;
	}
	if (all)
		printf("all: %zu cases, %zu failed\n", tcases, tfailed);
	return tfailed == 0 ? 0 : 1;
}
