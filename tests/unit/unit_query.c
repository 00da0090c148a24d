/* zs-unit: query strings and cursors. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_cursor.h"
#include "parse/zs_event.h"
#include "parse/zs_query.h"
#include "parse/zs_text.h"
#include "store/zs_store.h"
#include "zs_unit.h"

/* Cursors of seq 42, ascending and descending, under unit_key. */
#define A42	 "djI6YToyMjM3MTY0NjcwOTY2Nzc4MjI"
#define D42	 "djI6ZDoyMjM3MTY0NjcwOTY2Nzc4MjI"

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

	/* cursor: base64url of "v2:a:N" and "v2:d:N", N seq 42 sealed
	 * with unit_key */
	{ "cursor=" A42, 0, 0, ZS_ORDER_ASC, NULL, NULL, NULL, 0, 42 },
	{ "cursor=" D42 "&order=desc", 0, 0, ZS_ORDER_DESC, NULL, NULL,
	  NULL, 0, 42 },
	{ "order=desc&cursor=" D42, 0, 0, ZS_ORDER_DESC, NULL, NULL,
	  NULL, 0, 42 },

	/* Everything at once. */
	{ "limit=10&status=all&order=desc&topic=t&type=y&source=s&"
	  "since=2024-01-01T00:00:00Z&cursor=" D42, 10, ZS_STATUS_ALL,
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

	/* cursor: seq 42 sealed, "v1:a:42" (the seq itself, refused) */
	{ "cursor=" D42, "cursor", "other order" },
	{ "cursor=" A42 "&order=desc", "cursor", "other order" },
	{ "cursor=" A42 "==", "cursor", "not a cursor" },
	{ "cursor=djE6YTo0Mg", "cursor", "not a cursor" },
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

/*
 * The search's own errors are 422 (err->unprocessable); the query string's
 * are 400. Each row: the query, the field named, whether unprocessable.
 */
static const struct list_kind {
	const char	*qs;
	const char	*field;
	int		 unprocessable;
} list_kinds[] = {
	{ "q=!!!", "q", 1 },
	{ "q=%C3", "q", 1 },
	{ "q=a+b+c+d+e+f+g+h+i", "q", 1 },
	{ "q=", "q", 1 },
	{ "q=a&q=b", "q", 0 },
	{ "q=%00a", "q", 0 },
	{ "payload.a..b=1", "payload.a..b", 1 },
	{ "payload.a=1&payload.b=1&payload.c=1&payload.d=1", "payload.d", 1 },
	{ "payload.a=%C3", "payload.a", 1 },
	{ "payload.a=%00", "payload.a", 0 },
	{ "since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until", 1 },
	{ "since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until", 1 },
	{ "until=tomorrow", "until", 0 },
	{ "limit=0", "limit", 0 },
};

/* Long query strings: pre, unit n times, post. */
/* A parameter name of ZS_QUERY_NAME_MAX bytes, all 'a'. */
#define A8 "aaaaaaaa"
#define NAME_OF_MAX_A A8 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8 A8
_Static_assert(sizeof(NAME_OF_MAX_A) - 1 == ZS_QUERY_NAME_MAX,
    "NAME_OF_MAX_A must be ZS_QUERY_NAME_MAX bytes");

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
	{ "", "a", ZS_QUERY_NAME_MAX, "=1", -1, NAME_OF_MAX_A,
	  "not a parameter", 0 },
	{ "", "a", ZS_QUERY_NAME_MAX + 1, "=1", -1, "query", "too long", 0 },
	{ "limit=5", "&", 100000, "order=desc", 0, NULL, NULL, 0 },
};

/* zs_stats_window_custom: the narrowest buckets, at most 60, that cover
 * [since, until). M, H: a minute, an hour in ms from a midnight, T0. */
#define T0	 1767225600000LL	/* 2026-01-01T00:00:00Z */
#define M	 60000LL
#define H	 3600000LL
static const struct window_case {
	const char	*what;
	int64_t		 since, until;
	int64_t		 bucket_ms, first;
	size_t		 n;
} window_cases[] = {
	{ "part of one minute", T0 + 1000, T0 + 2000, M, T0, 1 },
	{ "59 minutes, not aligned", T0 + 30000, T0 + 59 * M, M, T0, 59 },
	{ "60 whole minutes", T0, T0 + 60 * M, M, T0, 60 },
	{ "a minute and a ms too many", T0, T0 + 60 * M + 1, H, T0, 2 },
	{ "60 whole hours", T0 + 5 * M, T0 + 60 * H, H, T0, 60 },
	{ "past 60 hours", T0, T0 + 60 * H + 1, 24 * H, T0, 3 },
	{ "7 days from noon", T0 + 12 * H, T0 + 7 * 24 * H + 12 * H,
	    24 * H, T0, 8 },
};

/* zs_query_stats: the range, or -1 with this field. */
static const struct stats_case {
	const char	*qs;
	int		 range;		/* -1: refused */
	const char	*field;
	const char	*msg;
} stats_cases[] = {
	{ NULL, ZS_RANGE_1H, NULL, NULL },
	{ "", ZS_RANGE_1H, NULL, NULL },
	{ "range=1h", ZS_RANGE_1H, NULL, NULL },
	{ "range=24h", ZS_RANGE_24H, NULL, NULL },
	{ "range=7d", ZS_RANGE_7D, NULL, NULL },
	{ "&range=7d&", ZS_RANGE_7D, NULL, NULL },
	{ "range=%32%34h", ZS_RANGE_24H, NULL, NULL },
	{ "range=", -1, "range", "1h, 24h or 7d" },
	{ "range", -1, "range", "1h, 24h or 7d" },
	{ "range=2h", -1, "range", "1h, 24h or 7d" },
	{ "range=1H", -1, "range", "1h, 24h or 7d" },
	{ "range=1h ", -1, "range", "1h, 24h or 7d" },
	{ "range=24h%00", -1, "range", "" },
	{ "range=1h&range=1h", -1, "range", "at most once" },
	{ "range=1h&limit=5", -1, "limit", "not a parameter" },
	{ "since=2026-01-01T00:00:00Z&range=1h", -1, "since", "with range" },
	{ "until=2026-01-01T00:00:00Z", -1, "until", "needs since" },
	{ "since=yesterday", -1, "since", "RFC 3339" },
	{ "since=2026-01-01T00:00:00Z&since=2026-01-01T00:00:00Z", -1,
	    "since", "at most once" },
	{ "since=2026-01-01T01:00:00Z&until=2026-01-01T00:00:00Z", -1,
	    "until", "later than since" },
	{ "api_key=k", -1, "api_key", "/inbox/stream" },
	{ "Range=1h", -1, "Range", "not a parameter" },
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

void
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
		rc = zs_query_list(c->qs, &unit_key, &p, &err);
		CHECK(rc == 0, "want 0, got %d (%s %s)", rc, err.field,
		    err.message);
		if (rc == 0)
			CHECK(list_matches(&p, c, why, sizeof(why)), "%s",
			    why);
	}

	for (i = 0; i < sizeof(list_bads) / sizeof(list_bads[0]); i++) {
		begins(list_bads[i].qs);
		memset(&err, 0, sizeof(err));
		rc = zs_query_list(list_bads[i].qs, &unit_key, &p,
		    &err);
		CHECK(rc == -1, "want -1, got %d", rc);
		if (rc == -1)
			check_err(&err, list_bads[i].field, list_bads[i].msg);
	}

	for (i = 0; i < sizeof(list_kinds) / sizeof(list_kinds[0]); i++) {
		begins(list_kinds[i].qs);
		memset(&err, 0, sizeof(err));
		err.unprocessable = -1;
		rc = zs_query_list(list_kinds[i].qs, &unit_key, &p, &err);
		CHECK(rc == -1 && err.unprocessable ==
		    list_kinds[i].unprocessable, "want -1 and %d, got %d "
		    "and %d", list_kinds[i].unprocessable, rc,
		    err.unprocessable);
		if (rc == -1)
			check_err(&err, list_kinds[i].field, NULL);
	}

	for (i = 0; i < sizeof(list_longs) / sizeof(list_longs[0]); i++) {
		l = &list_longs[i];
		in = repeat(l->pre, l->unit, l->n, l->post, &len);
		begin(in, len);
		memset(&err, 0, sizeof(err));
		rc = zs_query_list(in, &unit_key, &p, &err);
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
			zs_cursor_encode(&unit_key, 7, (enum zs_order)a,
			    cur);
			cq = repeat("cursor=", cur, 1, b == ZS_ORDER_DESC ?
			    "&order=desc" : "&order=asc", &len);
			begin(cq, len);
			memset(&err, 0, sizeof(err));
			rc = zs_query_list(cq, &unit_key, &p, &err);
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

	for (i = 0; i < sizeof(stats_cases) / sizeof(stats_cases[0]); i++) {
		struct zs_stats_params sp = { ZS_RANGE__MAX, 7, 7 };

		begins(stats_cases[i].qs);
		memset(&err, 0, sizeof(err));
		rc = zs_query_stats(stats_cases[i].qs, &sp, &err);
		if (stats_cases[i].range >= 0)
			CHECK(rc == 0 && (int)sp.range == stats_cases[i].range &&
			    sp.since_ms == -1 && sp.until_ms == -1,
			    "want range %d, got %d (rc %d)",
			    stats_cases[i].range, (int)sp.range, rc);
		else {
			CHECK(rc == -1, "want -1, got %d", rc);
			if (rc == -1)
				check_err(&err, stats_cases[i].field,
				    stats_cases[i].msg);
		}
	}

	{
		struct zs_stats_params sp;

		begins("since=...&until=...");
		rc = zs_query_stats("since=2026-01-01T00:00:30Z&"
		    "until=2026-01-01T00:59:00.5Z", &sp, &err);
		CHECK(rc == 0 && sp.since_ms == 1767225630000LL &&
		    sp.until_ms == 1767229140500LL, "rc %d, since %lld, "
		    "until %lld", rc, (long long)sp.since_ms,
		    (long long)sp.until_ms);
		memset(&err, 0, sizeof(err));
		rc = zs_query_stats("since=2026-01-01T00:00:00Z&"
		    "until=2026-01-01T00:00:00Z", &sp, &err);
		CHECK(rc == -1 && err.unprocessable, "an empty window: rc %d, "
		    "unprocessable %d", rc, err.unprocessable);
	}

	for (i = 0; i < sizeof(window_cases) / sizeof(window_cases[0]); i++) {
		const struct window_case	*wc = &window_cases[i];
		struct zs_stats_window		 w;

		begins(wc->what);
		zs_stats_window_custom(wc->since, wc->until, &w);
		CHECK(w.bucket_ms == wc->bucket_ms && w.first_ms == wc->first &&
		    w.n == wc->n, "want %lld x %zu from %lld, got %lld x %zu "
		    "from %lld", (long long)wc->bucket_ms, wc->n,
		    (long long)wc->first, (long long)w.bucket_ms, w.n,
		    (long long)w.first_ms);
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

/* zs_query_event_id: v, and the seq it opens to (-1: refused). */
static const struct event_id_case {
	const char	*v;
	int64_t		 seq;
} event_id_cases[] = {
	{ "0", 0 },				/* from the very start */
	{ "223716467096677822", 42 },		/* seq 42 under unit_key */
	{ "40486365316581311", ZS_SEAL_MAX - 1 },
	{ "288230376151711745", -1 },		/* 2^58 + 1 */
	{ "999999999999999999", -1 },
	{ "1000000000000000000", -1 },		/* 19 digits */
	{ "", -1 },
	{ "-1", -1 },
	{ "42a", -1 },
	{ " 42", -1 },
};

/* Round trips; enc, when given, is the exact cursor text. */
static const struct cursor_case {
	int64_t		 seq;
	enum zs_order	 order;
	const char	*enc;
} cursor_cases[] = {
	{ 42, ZS_ORDER_ASC, A42 },
	{ 42, ZS_ORDER_DESC, D42 },
	{ 0, ZS_ORDER_ASC, "djI6YToxOTg2MTEwNDM1NTM2Mjc5NzM" },
	{ 1, ZS_ORDER_ASC, NULL },
	{ ZS_SEAL_MAX - 1, ZS_ORDER_ASC, "djI6YTo0MDQ4NjM2NTMxNjU4MTMxMQ" },
	{ ZS_SEAL_MAX - 1, ZS_ORDER_DESC, NULL },
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
	{ 92233720368547757, ZS_ORDER_DESC, NULL },
	{ 92233720368547758, ZS_ORDER_ASC, NULL },
	{ ZS_SEAL_MAX - 7, ZS_ORDER_DESC, NULL },
	{ ZS_SEAL_MAX - 2, ZS_ORDER_ASC, NULL },
};

/* Texts zs_cursor_decode must refuse; the comment is the plain text. */
static const char *const cursor_bad[] = {
	"",
	"djE6YTo0Mg",				/* "v1:a:42": version 1 */
	"djI6YTow",				/* "v2:a:0": no id */
	"djI6YToyODgyMzAzNzYxNTE3MTE3NDU",	/* "v2:a:" 2^58 + 1 */
	A42 "==",				/* padded */
	"djE6YTo0Mg==",
	"djE6YTo0Mg=",
	"djE6YTo0M",				/* 9 characters */
	"djE6YTo",				/* "v1:a:" */
	"djE6",					/* "v1:" */
	"djE",
	"dg",					/* "v" */
	"djE6eDox",				/* "v1:x:1" */
	"djM6YTox",				/* "v3:a:1" */
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

void
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
		zs_cursor_encode(&unit_key, c->seq, c->order, buf);
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
		rc = zs_cursor_decode(&unit_key, buf, &seq, &order);
		CHECK(rc == 0 && seq == c->seq && order == c->order,
		    "decoding %s: want 0 %" PRId64 " %d, got %d %" PRId64
		    " %d", qs(buf), c->seq, (int)c->order, rc, seq,
		    (int)order);
	}

	for (i = 0; i < sizeof(cursor_bad) / sizeof(cursor_bad[0]); i++) {
		begins(cursor_bad[i]);
		rc = zs_cursor_decode(&unit_key, cursor_bad[i], &seq,
		    &order);
		CHECK(rc == -1, "want -1, got %d (seq %" PRId64 ")", rc, seq);
	}

	for (i = 0; i < sizeof(event_id_cases) / sizeof(event_id_cases[0]);
	    i++) {
		begins(event_id_cases[i].v);
		seq = -7;
		rc = zs_query_event_id(event_id_cases[i].v, &unit_key, &seq);
		CHECK(event_id_cases[i].seq < 0 ? rc == -1 : rc == 0 &&
		    seq == event_id_cases[i].seq, "want %" PRId64 ", got %d "
		    "(seq %" PRId64 ")", event_id_cases[i].seq, rc, seq);
	}

	big = repeat("djE6YTo0Mg", "A", 100000, "", &len);
	begin(big, len);
	rc = zs_cursor_decode(&unit_key, big, &seq, &order);
	CHECK(rc == -1, "want -1, got %d", rc);
	free(big);
}
