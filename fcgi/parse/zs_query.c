/* zs_query: query-string parsing. See zs_query.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_cursor.h"
#include "parse/zs_event.h"
#include "parse/zs_query.h"
#include "parse/zs_search.h"
#include "parse/zs_text.h"
#include "util/zs_time.h"

static void
set_err(struct zs_query_error *err, const char *field, const char *msg)
{
	snprintf(err->field, sizeof(err->field), "%s", field);
	snprintf(err->message, sizeof(err->message), "%s", msg);
	err->unprocessable = 0;
}

/* set_err for a search the query string carries well but that cannot be
 * run: the issue asks for 422 there, like a body that fails validation. */
static void
set_unprocessable(struct zs_query_error *err, const char *field,
    const char *msg)
{
	set_err(err, field, msg);
	err->unprocessable = 1;
}

/*
 * Decodes src[0..n) into dst (cap bytes with the NUL). Returns the length,
 * or -1 (bad escape or NUL), or -2 (too long).
 */
static long
decode(const char *src, size_t n, char *dst, size_t cap)
{
	size_t	 i, o = 0;
	int	 hi, lo;
	char	 c;

	for (i = 0; i < n; i++) {
		c = src[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= n)
				return -1;
			if ((hi = zs_text_hex(src[i + 1])) < 0 ||
			    (lo = zs_text_hex(src[i + 2])) < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\0')
			return -1;
		if (o + 1 >= cap)
			return -2;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return (long)o;
}

int
zs_query_next(const char *qs, size_t *pos, char name[ZS_QUERY_NAME_MAX + 1],
    char value[ZS_QUERY_VALUE_MAX + 1], size_t *vlen,
    struct zs_query_error *err)
{
	const char	*p, *amp, *eq;
	size_t		 seglen;
	long		 n;

	if (qs == NULL)
		return 0;
	for (;;) {
		p = qs + *pos;
		if (*p == '\0')
			return 0;
		amp = strchr(p, '&');
		seglen = amp ? (size_t)(amp - p) : strlen(p);
		*pos += seglen + (amp ? 1 : 0);
		if (seglen > 0)
			break;
	}
	eq = memchr(p, '=', seglen);
	n = decode(p, eq ? (size_t)(eq - p) : seglen, name,
	    ZS_QUERY_NAME_MAX + 1);
	if (n <= 0) {
		set_err(err, "query", n == 0 ? "a parameter has no name" :
		    "a parameter name is malformed or too long");
		return -1;
	}
	if (eq == NULL) {
		value[0] = '\0';
		*vlen = 0;
		return 1;
	}
	n = decode(eq + 1, seglen - (size_t)(eq + 1 - p), value,
	    ZS_QUERY_VALUE_MAX + 1);
	if (n < 0) {
		set_err(err, name, n == -2 ? "is too long" :
		    "has a malformed percent escape or a NUL byte");
		return -1;
	}
	*vlen = (size_t)n;
	return 1;
}

/* The message for a parameter this endpoint does not take. */
static void
unknown_param(struct zs_query_error *err, const char *name)
{
	if (strcmp(name, "api_key") == 0)
		set_err(err, name, "is accepted only on /inbox/stream; send "
		    "the key in the Authorization or X-API-Key header");
	else
		set_err(err, name, "is not a parameter of this endpoint");
}

int
zs_query_no_key(const char *qs, struct zs_query_error *err)
{
	char	 v[ZS_QUERY_VALUE_MAX + 1];
	size_t	 len;

	if (zs_query_find(qs, "api_key", v, &len) != 1)
		return 0;
	unknown_param(err, "api_key");
	return -1;
}

int
zs_query_find(const char *qs, const char *name,
    char value[ZS_QUERY_VALUE_MAX + 1], size_t *vlen)
{
	char			 n[ZS_QUERY_NAME_MAX + 1];
	size_t			 pos = 0;
	struct zs_query_error	 err = { "", "", 0 };	/* unused here */

	while (zs_query_next(qs, &pos, n, value, vlen, &err) == 1)
		if (strcmp(n, name) == 0)
			return 1;
	return 0;
}

int
zs_query_none(const char *qs, struct zs_query_error *err)
{
	char	 name[ZS_QUERY_NAME_MAX + 1], value[ZS_QUERY_VALUE_MAX + 1];
	size_t	 pos = 0, vlen;
	int	 rc;

	rc = zs_query_next(qs, &pos, name, value, &vlen, err);
	if (rc == 1)
		unknown_param(err, name);
	return rc == 0 ? 0 : -1;
}

/*
 * A filter of GET /inbox or the stream: the exact value, or with a final
 * '*' the prefix before it ("fin*"; "*" alone: any value, but not none).
 */
static int
parse_filter(struct zs_filter *f, const char *name, const char *v,
    size_t len, struct zs_query_error *err)
{
	enum zs_text_rc	 rc;
	size_t		 i;

	if (len > 0 && v[len - 1] == '*') {
		f->prefix = 1;
		len--;
	}
	if ((len > 0 || !f->prefix) &&
	    (rc = zs_text_check(v, len, ZS_TEXT_MAX_CHARS)) != ZS_TEXT_OK) {
		set_err(err, name, zs_text_strerror(rc));
		return -1;
	}
	memcpy(f->s, v, len);
	f->s[len] = '\0';
	f->len = len;
	f->chars = 0;
	for (i = 0; i < len; i++)	/* checked UTF-8: count lead bytes */
		if (((unsigned char)v[i] & 0xc0) != 0x80)
			f->chars++;
	return 0;
}

/* Parses an RFC 3339 time of since or until into *ms. 0 or -1. */
static int
parse_time(const char *name, char *value, size_t vlen, int64_t *ms,
    struct zs_query_error *err)
{
	/* An unescaped "+01:00" arrives as " 01:00". */
	if (vlen > 19 && strchr(value + 19, ' ') != NULL)
		*strchr(value + 19, ' ') = '+';
	if (zs_time_parse(value, ms) == -1) {
		set_err(err, name, "must be an RFC 3339 date-time such as "
		    "2026-11-27T01:16:24Z");
		return -1;
	}
	return 0;
}

/* Parses q= into p->q (zs_search.h). 0, or -1 with err set. */
static int
parse_search(char *out, const char *v, size_t len, struct zs_query_error *err)
{
	enum zs_text_rc	 rc;
	int		 n;

	if (len > ZS_SEARCH_BYTES) {
		set_unprocessable(err, "q", "must be at most 256 bytes");
		return -1;
	}
	if ((rc = zs_text_check(v, len, ZS_SEARCH_BYTES)) != ZS_TEXT_OK) {
		set_unprocessable(err, "q", zs_text_strerror(rc));
		return -1;
	}
	if ((n = zs_search_words(out, ZS_SEARCH_BYTES + 1, v, len,
	    ZS_SEARCH_WORDS)) > ZS_SEARCH_WORDS) {
		set_unprocessable(err, "q", "must have at most 8 words");
		return -1;
	}
	if (n == 0) {
		set_unprocessable(err, "q",
		    "must contain a letter or a digit");
		return -1;
	}
	return 0;
}

/* Parses payload.<path>=<value> into the next of p->payload. */
static int
parse_payload(struct zs_list_params *p, const char *name, const char *v,
    size_t len, struct zs_query_error *err)
{
	const char	*why;

	if (p->npayload == ZS_PAYLOAD_FILTERS) {
		set_unprocessable(err, name,
		    "at most 3 payload filters may be given");
		return -1;
	}
	if (zs_search_payload(&p->payload[p->npayload], p->hint,
	    sizeof(p->hint), name + strlen("payload."), v, len, &why) == -1) {
		set_unprocessable(err, name, why);
		return -1;
	}
	p->npayload++;
	return 0;
}

/* Makes p->hint the words of q and then those of the payload filters,
 * ZS_SEARCH_WORDS at most (zs_store.h). */
static void
put_hint(struct zs_list_params *p)
{
	char	 both[2 * (ZS_SEARCH_BYTES + 1)];

	snprintf(both, sizeof(both), "%s %s", p->q, p->hint);
	zs_search_words(p->hint, sizeof(p->hint), both, strlen(both),
	    ZS_SEARCH_WORDS);
}

/* Parameters of GET /inbox, in the order of the seen[] flags below. */
enum list_param {
	LP_LIMIT, LP_STATUS, LP_TOPIC, LP_TYPE, LP_SOURCE, LP_SINCE,
	LP_UNTIL, LP_CURSOR, LP_ORDER, LP_Q, LP__MAX
};

static const char *const list_param_names[LP__MAX] = {
	"limit", "status", "topic", "type", "source", "since", "until",
	"cursor", "order", "q",
};

int
zs_query_list(const char *qs, const struct zs_seal_key *key,
    struct zs_list_params *p, struct zs_query_error *err)
{
	char		 name[ZS_QUERY_NAME_MAX + 1];
	char		 value[ZS_QUERY_VALUE_MAX + 1];
	size_t		 pos = 0, vlen, i;
	int		 rc, seen[LP__MAX] = { 0 };
	enum zs_order	 cursor_order = ZS_ORDER_ASC;
	long		 n;
	char		*end;

	memset(p, 0, sizeof(*p));
	p->limit = 50;
	p->since_ms = -1;
	p->until_ms = -1;
	p->after_seq = -1;
	while ((rc = zs_query_next(qs, &pos, name, value, &vlen, err)) == 1) {
		if (strncmp(name, "payload.", strlen("payload.")) == 0) {
			if (parse_payload(p, name, value, vlen, err) == -1)
				return -1;
			continue;
		}
		for (i = 0; i < LP__MAX; i++)
			if (strcmp(name, list_param_names[i]) == 0)
				break;
		if (i == LP__MAX) {
			unknown_param(err, name);
			return -1;
		}
		if (seen[i]++) {
			set_err(err, name, "must be given at most once");
			return -1;
		}
		switch ((enum list_param)i) {
		case LP_LIMIT:
			n = strtol(value, &end, 10);
			if (value[0] < '0' || value[0] > '9' || *end != '\0' ||
			    vlen > 3 || n < 1 || n > ZS_LIST_MAX) {
				set_err(err, name, "must be a whole number "
				    "from 1 to 500");
				return -1;
			}
			p->limit = n;
			break;
		case LP_STATUS:
			for (n = 0; n < ZS_STATUS__MAX; n++)
				if (strcmp(value, zs_event_status_name(
				    (enum zs_status_filter)n)) == 0)
					break;
			if (n == ZS_STATUS__MAX) {
				set_err(err, name, "must be pending, leased, "
				    "acknowledged, dead or all");
				return -1;
			}
			p->status = (enum zs_status_filter)n;
			break;
		case LP_TOPIC:
			if (parse_filter(&p->topic, name, value, vlen, err))
				return -1;
			break;
		case LP_TYPE:
			if (parse_filter(&p->type, name, value, vlen, err))
				return -1;
			break;
		case LP_SOURCE:
			if (parse_filter(&p->source, name, value, vlen, err))
				return -1;
			break;
		case LP_SINCE:
			if (parse_time(name, value, vlen, &p->since_ms, err))
				return -1;
			break;
		case LP_UNTIL:
			if (parse_time(name, value, vlen, &p->until_ms, err))
				return -1;
			break;
		case LP_CURSOR:
			if (zs_cursor_decode(key, value, &p->after_seq,
			    &cursor_order) == -1) {
				set_err(err, name, "is not a cursor this "
				    "server made; pass next_cursor as given");
				return -1;
			}
			break;
		case LP_ORDER:
			if (strcmp(value, "asc") == 0)
				p->order = ZS_ORDER_ASC;
			else if (strcmp(value, "desc") == 0)
				p->order = ZS_ORDER_DESC;
			else {
				set_err(err, name, "must be asc or desc");
				return -1;
			}
			break;
		case LP_Q:
			if (parse_search(p->q, value, vlen, err) == -1)
				return -1;
			break;
		case LP__MAX:
			break;
		}
	}
	if (rc == -1)
		return -1;
	if (p->hint[0] != '\0')	/* q's words first, then the filters' */
		put_hint(p);
	if (p->until_ms >= 0 && p->since_ms >= 0 &&
	    p->until_ms <= p->since_ms) {
		set_unprocessable(err, "until", "must be later than since");
		return -1;
	}
	if (seen[LP_CURSOR] && cursor_order != p->order) {
		set_err(err, "cursor", "was made for the other order; pass "
		    "the same order as the request that returned it");
		return -1;
	}
	return 0;
}

int
zs_query_event_id(const char *v, const struct zs_seal_key *key,
    int64_t *out)
{
	size_t	 i;
	int64_t	 n = 0;

	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9' || i == 18)
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	if (i == 0)
		return -1;
	if (n == 0) {
		*out = 0;	/* replay from the very start */
		return 0;
	}
	return (*out = zs_seal_open(key, n)) < 0 ? -1 : 0;
}

int
zs_query_stream(const char *qs, const struct zs_seal_key *key,
    struct zs_stream_params *p, struct zs_query_error *err)
{
	char	 name[ZS_QUERY_NAME_MAX + 1];
	char	 value[ZS_QUERY_VALUE_MAX + 1];
	size_t	 pos = 0, vlen;
	int	 rc, seen_id = 0;
	struct zs_filter *f;

	memset(p, 0, sizeof(*p));
	p->last_event_id = -1;
	while ((rc = zs_query_next(qs, &pos, name, value, &vlen, err)) == 1) {
		if (strcmp(name, "api_key") == 0)
			continue;	/* read by authentication */
		if (strcmp(name, "last_event_id") == 0) {
			if (seen_id++) {
				set_err(err, name, "must be given at most once");
				return -1;
			}
			if (zs_query_event_id(value, key, &p->last_event_id) ==
			    -1) {
				set_err(err, name, ZS_QUERY_EVENT_ID_MESSAGE);
				return -1;
			}
			continue;
		}
		if (strcmp(name, "topic") == 0)
			f = &p->topic;
		else if (strcmp(name, "type") == 0)
			f = &p->type;
		else if (strcmp(name, "source") == 0)
			f = &p->source;
		else if (strcmp(name, "q") == 0 ||
		    strncmp(name, "payload.", strlen("payload.")) == 0) {
			set_err(err, name, "is taken by GET /inbox, not by the "
			    "stream: its changes after event.created carry no "
			    "payload to match; match event.created's payload "
			    "in the client");
			return -1;
		} else {
			set_err(err, name, "is not a parameter of this "
			    "endpoint");
			return -1;
		}
		if (f->len > 0 || f->prefix) {
			set_err(err, name, "must be given at most once");
			return -1;
		}
		if (parse_filter(f, name, value, vlen, err))
			return -1;
	}
	return rc == -1 ? -1 : 0;
}

/* Parameters of GET /stats, in the order of the seen[] flags below. */
enum stats_param {
	SP_RANGE, SP_SINCE, SP_UNTIL, SP__MAX
};

static const char *const stats_param_names[SP__MAX] = {
	"range", "since", "until",
};

int
zs_query_stats(const char *qs, struct zs_stats_params *p,
    struct zs_query_error *err)
{
	static const char *const ranges[ZS_RANGE__MAX] = { "1h", "24h", "7d" };
	char	 name[ZS_QUERY_NAME_MAX + 1];
	char	 value[ZS_QUERY_VALUE_MAX + 1];
	size_t	 pos = 0, vlen, i;
	int	 rc, r, seen[SP__MAX] = { 0 };

	p->range = ZS_RANGE_1H;
	p->since_ms = p->until_ms = -1;
	while ((rc = zs_query_next(qs, &pos, name, value, &vlen, err)) == 1) {
		for (i = 0; i < SP__MAX; i++)
			if (strcmp(name, stats_param_names[i]) == 0)
				break;
		if (i == SP__MAX) {
			unknown_param(err, name);
			return -1;
		}
		if (seen[i]++) {
			set_err(err, name, "must be given at most once");
			return -1;
		}
		switch ((enum stats_param)i) {
		case SP_RANGE:
			for (r = 0; r < ZS_RANGE__MAX; r++)
				if (strcmp(value, ranges[r]) == 0)
					break;
			if (r == ZS_RANGE__MAX) {
				set_err(err, name, "must be 1h, 24h or 7d");
				return -1;
			}
			p->range = (enum zs_stats_range)r;
			break;
		case SP_SINCE:
			if (parse_time(name, value, vlen, &p->since_ms, err))
				return -1;
			break;
		case SP_UNTIL:
			if (parse_time(name, value, vlen, &p->until_ms, err))
				return -1;
			break;
		case SP__MAX:
			break;
		}
	}
	if (rc != 0)
		return -1;
	if (seen[SP_RANGE] && seen[SP_SINCE]) {
		set_err(err, "since", "cannot be given with range; give one");
		return -1;
	}
	if (seen[SP_UNTIL] && !seen[SP_SINCE]) {
		set_err(err, "until", "needs since");
		return -1;
	}
	if (seen[SP_UNTIL] && p->until_ms <= p->since_ms) {
		set_unprocessable(err, "until", "must be later than since");
		return -1;
	}
	return 0;
}
