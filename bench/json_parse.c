/*
 * bench/json_parse: what it costs to parse a POST /events body with the
 * parser ZapStream uses (the strict gate and minifier of fcgi/parse/
 * zs_json.c, then the event parser, zs_body_parse) and with json-c, the
 * library the design card names, doing the same work: parse, check the
 * four fields, and produce the payload's text to store
 * (json_object_to_json_string_ext, plain, no slash escapes).
 *
 *   json_parse SECONDS FILE...  (one body per file)
 *
 * For each body: nanoseconds per body for both, interleaved in rounds so
 * both see the same machine, the ratio, and whether json-c's text of the
 * payload is byte for byte the one ZapStream stores.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "parse/zs_event_body.h"
#include "parse/zs_json.h"

#define ROUNDS	 10

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads a whole file; exits on failure. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) ==
	    NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "json_parse: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* ZapStream's path; returns the payload's length (0: refused). */
static size_t
ours(const char *body, size_t len, char *payload, size_t cap)
{
	const struct zs_event_body *eb;
	struct zs_body		 b;
	struct zs_details	 d;
	char			 msg[128];
	size_t			 n = 0;

	zs_details_init(&d);
	if (zs_body_parse(&zs_event_body_kind, body, len, &b, &d, msg,
	    sizeof(msg)) == ZS_BODY_OK) {
		eb = b.value;
		n = eb->payload.len < cap ? eb->payload.len : cap - 1;
		memcpy(payload, b.json + eb->payload.off, n);
		payload[n] = '\0';
	}
	zs_body_free(&b);
	zs_details_free(&d);
	return n;
}

/* The same with json-c; returns the payload's length (0: refused). */
static size_t
jsonc(const char *body, size_t len, char *payload, size_t cap)
{
	struct json_tokener	*tok;
	struct json_object	*root, *p = NULL;
	const char		*s;
	size_t			 n = 0;

	if ((tok = json_tokener_new_ex(ZS_JSON_MAX_DEPTH + 1)) == NULL)
		return 0;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, body, (int)len);
	if (root != NULL && json_object_is_type(root, json_type_object)) {
		json_object_object_foreach(root, key, val) {
			if (strcmp(key, "payload") == 0)
				p = val;
			else if (strcmp(key, "source") != 0 &&
			    strcmp(key, "type") != 0 &&
			    strcmp(key, "topic") != 0)
				p = NULL;
			else if (!json_object_is_type(val, json_type_string) &&
			    !json_object_is_type(val, json_type_null))
				p = NULL;
		}
	}
	if (p != NULL && json_object_is_type(p, json_type_object)) {
		s = json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
		n = strlen(s) < cap ? strlen(s) : cap - 1;
		memcpy(payload, s, n);
		payload[n] = '\0';
	}
	json_object_put(root);
	json_tokener_free(tok);
	return n;
}

typedef size_t (*parser)(const char *, size_t, char *, size_t);

/* Runs fn on body for about secs seconds; returns ns per body. */
static double
time_one(parser fn, const char *body, size_t len, double secs, char *out,
    size_t cap)
{
	double		 t0 = now_s(), t;
	unsigned long	 n = 0, i;

	do {
		for (i = 0; i < 256; i++)
			fn(body, len, out, cap);
		n += 256;
		t = now_s() - t0;
	} while (t < secs);
	return t * 1e9 / (double)n;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char *argv[])
{
	double	 secs, a[ROUNDS], b[ROUNDS];
	char	*body, *p1, *p2;
	size_t	 len, n1, n2;
	int	 f, r;

	if (argc < 3 || (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: json_parse SECONDS FILE...\n");
		return 2;
	}
	printf("body|bytes|ZapStream ns|json-c ns|json-c ÷ ZapStream|"
	    "same stored bytes\n");
	for (f = 2; f < argc; f++) {
		body = slurp(argv[f], &len);
		p1 = malloc(len + 1);
		p2 = malloc(len + 1);
		if (p1 == NULL || p2 == NULL)
			return 1;
		n1 = ours(body, len, p1, len + 1);
		n2 = jsonc(body, len, p2, len + 1);
		if (n1 == 0 || n2 == 0) {
			fprintf(stderr, "json_parse: %s is not an event both "
			    "accept\n", argv[f]);
			return 1;
		}
		for (r = 0; r < ROUNDS; r++) {
			a[r] = time_one(ours, body, len, secs / ROUNDS / 2, p1,
			    len + 1);
			b[r] = time_one(jsonc, body, len, secs / ROUNDS / 2, p2,
			    len + 1);
		}
		qsort(a, ROUNDS, sizeof(a[0]), cmp_double);
		qsort(b, ROUNDS, sizeof(b[0]), cmp_double);
		printf("%s|%zu|%.0f|%.0f|%.2f|%s\n", strrchr(argv[f], '/') ?
		    strrchr(argv[f], '/') + 1 : argv[f], len, a[ROUNDS / 2],
		    b[ROUNDS / 2], b[ROUNDS / 2] / a[ROUNDS / 2],
		    n1 == n2 && memcmp(p1, p2, n1) == 0 ? "yes" : "no");
		free(p1);
		free(p2);
		free(body);
	}
	return 0;
}
