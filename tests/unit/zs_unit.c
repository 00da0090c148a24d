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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zs_unit.h"

/* ---- Harness ------------------------------------------------------------ */


#define ESC_MAX	 96	/* input bytes shown before "..." */
#define ESC_BUFSZ (ESC_MAX * 4 + 64)

const char		*suite;			/* running suite */
static char		 cur_in[ESC_BUFSZ];	/* its case's input, escaped */
int			 cur_failed;		/* the case has failed */
size_t			 ncases, nfailed;	/* in the running suite */
const struct zs_seal_key unit_key = { {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31 } };

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
const char *
q(const char *s, size_t len)
{
	static char	 ring[4][ESC_BUFSZ];
	static int	 next;
	char		*buf = ring[next++ % 4];

	escape(buf, ESC_BUFSZ, s, len);
	return buf;
}

/* Like q() for a NUL-terminated string (or NULL). */
const char *
qs(const char *s)
{
	return q(s, s == NULL ? 0 : strlen(s));
}

/* Starts a case whose input is in[0..len). */
void
begin(const char *in, size_t len)
{
	escape(cur_in, sizeof(cur_in), in, len);
	cur_failed = 0;
	ncases++;
}

/* Starts a case named by a NUL-terminated input (or NULL). */
void
begins(const char *in)
{
	begin(in, in == NULL ? 0 : strlen(in));
}

/*
 * Records one expectation of the running case. Only the first failure of
 * a case is printed, so each failing case is one line.
 */
void
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


/* A heap block of exactly n bytes (one when n is 0); exits on failure. */
char *
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
char *
xdup(const char *s, size_t len)
{
	char	*p = xalloc(len);

	if (len > 0)
		memcpy(p, s, len);
	return p;
}

/* pre, then unit n times, then post: a NUL-terminated heap string. */
char *
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
int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
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
	{ "slots", suite_slots },
	{ "seal", suite_seal },
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
