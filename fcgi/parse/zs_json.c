/* zs_json: strict RFC 8259 checker, minifier and walkers. See zs_json.h. */
#include <string.h>

#include "parse/zs_json.h"
#include "parse/zs_text.h"

/* Cursor over the input, with the output it writes. */
struct scan {
	const unsigned char	*in;	/* input bytes */
	size_t			 len;	/* input length */
	size_t			 pos;	/* next input byte */
	char			*out;	/* minified output */
	size_t			 olen;	/* output bytes written */
};

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
skip_ws(struct scan *s)
{
	while (s->pos < s->len && is_ws(s->in[s->pos]))
		s->pos++;
}

static void
emit(struct scan *s, size_t from)
{
	memcpy(s->out + s->olen, s->in + from, s->pos - from);
	s->olen += s->pos - from;
}

/* Reads 4 hex digits at p; returns the value or -1. */
static long
hex4(const unsigned char *p)
{
	long	 v = 0;
	int	 i, h;

	for (i = 0; i < 4; i++) {
		if ((h = zs_text_hex(p[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Scans a string starting at its opening quote. */
static enum zs_json_rc
scan_string(struct scan *s)
{
	size_t	 from = s->pos, n;
	long	 u, lo;

	s->pos++;
	while (s->pos < s->len) {
		unsigned char c = s->in[s->pos];
		if (c == '"') {
			s->pos++;
			emit(s, from);
			return ZS_JSON_OK;
		}
		if (c < 0x20)
			return ZS_JSON_SYNTAX;
		if (c == '\\') {
			if (s->pos + 1 >= s->len)
				return ZS_JSON_SYNTAX;
			c = s->in[s->pos + 1];
			if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
				s->pos += 2;
				continue;
			}
			if (c != 'u' || s->pos + 6 > s->len ||
			    (u = hex4(s->in + s->pos + 2)) < 0)
				return ZS_JSON_SYNTAX;
			s->pos += 6;
			if (u >= 0xdc00 && u <= 0xdfff)
				return ZS_JSON_UTF8;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (s->pos + 6 > s->len ||
				    s->in[s->pos] != '\\' ||
				    s->in[s->pos + 1] != 'u' ||
				    (lo = hex4(s->in + s->pos + 2)) < 0xdc00 ||
				    lo > 0xdfff)
					return ZS_JSON_UTF8;
				s->pos += 6;
			}
			continue;
		}
		if ((n = zs_text_utf8_len(s->in + s->pos, s->len - s->pos)) == 0)
			return ZS_JSON_UTF8;
		s->pos += n;
	}
	return ZS_JSON_SYNTAX;
}

static int
is_digit(const struct scan *s)
{
	return s->pos < s->len && s->in[s->pos] >= '0' &&
	    s->in[s->pos] <= '9';
}

/* Scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static enum zs_json_rc
scan_number(struct scan *s)
{
	size_t	 from = s->pos;

	if (s->in[s->pos] == '-')
		s->pos++;
	if (!is_digit(s))
		return ZS_JSON_SYNTAX;
	if (s->in[s->pos] == '0')
		s->pos++;
	else
		while (is_digit(s))
			s->pos++;
	if (s->pos < s->len && s->in[s->pos] == '.') {
		s->pos++;
		if (!is_digit(s))
			return ZS_JSON_SYNTAX;
		while (is_digit(s))
			s->pos++;
	}
	if (s->pos < s->len && (s->in[s->pos] == 'e' || s->in[s->pos] == 'E')) {
		s->pos++;
		if (s->pos < s->len &&
		    (s->in[s->pos] == '+' || s->in[s->pos] == '-'))
			s->pos++;
		if (!is_digit(s))
			return ZS_JSON_SYNTAX;
		while (is_digit(s))
			s->pos++;
	}
	emit(s, from);
	return ZS_JSON_OK;
}

static enum zs_json_rc
scan_literal(struct scan *s, const char *word)
{
	size_t	 n = strlen(word), from = s->pos;

	if (s->len - s->pos < n || memcmp(s->in + s->pos, word, n) != 0)
		return ZS_JSON_SYNTAX;
	s->pos += n;
	emit(s, from);
	return ZS_JSON_OK;
}

/* Scans an object key and its colon; the cursor is on the key. */
static enum zs_json_rc
scan_key(struct scan *s)
{
	enum zs_json_rc	 rc;

	if (s->pos >= s->len || s->in[s->pos] != '"')
		return ZS_JSON_SYNTAX;
	if ((rc = scan_string(s)) != ZS_JSON_OK)
		return rc;
	skip_ws(s);
	if (s->pos >= s->len || s->in[s->pos] != ':')
		return ZS_JSON_SYNTAX;
	s->out[s->olen++] = ':';
	s->pos++;
	return ZS_JSON_OK;
}

enum zs_json_rc
zs_json_check(const char *in, size_t len, char *out, size_t *outlen,
    size_t *erroff)
{
	struct scan	 s;
	char		 stack[ZS_JSON_MAX_DEPTH]; /* '{' or '[' per level */
	size_t		 depth = 0;
	enum zs_json_rc	 rc = ZS_JSON_OK;
	unsigned char	 c;

	memset(&s, 0, sizeof(s));
	s.in = (const unsigned char *)in;
	s.len = len;
	s.out = out;

	skip_ws(&s);
	if (s.pos == s.len) {
		rc = ZS_JSON_EMPTY;
		goto done;
	}
value:
	skip_ws(&s);
	if (s.pos >= s.len) {
		rc = ZS_JSON_SYNTAX;
		goto done;
	}
	c = s.in[s.pos];
	if (c == '{' || c == '[') {
		if (depth == ZS_JSON_MAX_DEPTH) {
			rc = ZS_JSON_DEPTH;
			goto done;
		}
		stack[depth++] = (char)c;
		s.out[s.olen++] = (char)c;
		s.pos++;
		skip_ws(&s);
		if (s.pos < s.len && s.in[s.pos] == (c == '{' ? '}' : ']')) {
			s.out[s.olen++] = (char)s.in[s.pos++];
			depth--;
			goto after;
		}
		if (c == '{' && (rc = scan_key(&s)) != ZS_JSON_OK)
			goto done;
		goto value;
	}
	if (c == '"')
		rc = scan_string(&s);
	else if (c == '-' || (c >= '0' && c <= '9'))
		rc = scan_number(&s);
	else if (c == 't')
		rc = scan_literal(&s, "true");
	else if (c == 'f')
		rc = scan_literal(&s, "false");
	else if (c == 'n')
		rc = scan_literal(&s, "null");
	else
		rc = ZS_JSON_SYNTAX;
	if (rc != ZS_JSON_OK)
		goto done;
after:
	skip_ws(&s);
	if (depth == 0) {
		if (s.pos != s.len)
			rc = ZS_JSON_TRAILING;
		goto done;
	}
	if (s.pos >= s.len) {
		rc = ZS_JSON_SYNTAX;
		goto done;
	}
	c = s.in[s.pos];
	if (c == ',') {
		s.out[s.olen++] = ',';
		s.pos++;
		if (stack[depth - 1] == '{') {
			skip_ws(&s);
			if ((rc = scan_key(&s)) != ZS_JSON_OK)
				goto done;
		}
		goto value;
	}
	if (c == (stack[depth - 1] == '{' ? '}' : ']')) {
		s.out[s.olen++] = (char)c;
		s.pos++;
		depth--;
		goto after;
	}
	rc = ZS_JSON_SYNTAX;
done:
	out[s.olen] = '\0';
	*outlen = s.olen;
	if (erroff != NULL)
		*erroff = s.pos;
	return rc;
}

const char *
zs_json_strerror(enum zs_json_rc rc)
{
	static const char *const msg[ZS_JSON__MAX] = {
		"valid JSON",				/* ZS_JSON_OK */
		"the body is empty",			/* ZS_JSON_EMPTY */
		"not valid JSON",			/* ZS_JSON_SYNTAX */
		"invalid UTF-8",			/* ZS_JSON_UTF8 */
		"nested deeper than 64 levels",		/* ZS_JSON_DEPTH */
		"unexpected data after the JSON value",	/* ZS_JSON_TRAILING */
	};

	return (unsigned)rc < ZS_JSON__MAX ? msg[rc] : "not valid JSON";
}

/* Returns the offset just past the value starting at text[pos]. */
static size_t
skip_value(const char *text, size_t len, size_t pos)
{
	size_t	 depth = 0;
	int	 instr = 0;

	for (; pos < len; pos++) {
		char c = text[pos];
		if (instr) {
			if (c == '\\')
				pos++;
			else if (c == '"') {
				instr = 0;
				if (depth == 0)
					return pos + 1;
			}
			continue;
		}
		if (c == '"')
			instr = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (depth == 0)
				return pos;
			if (--depth == 0)
				return pos + 1;
		} else if (c == ',' && depth == 0)
			return pos;
	}
	return pos;
}

int
zs_json_next_member(const char *text, size_t len, size_t *pos,
    struct zs_json_span *key, struct zs_json_span *val)
{
	size_t	 p = *pos;

	if (p == 0)
		p = 1;			/* past '{' */
	if (p >= len || text[p] == '}')
		return 0;
	if (text[p] == ',')
		p++;
	key->off = p;
	key->len = skip_value(text, len, p) - p;
	p += key->len + 1;		/* past ':' */
	val->off = p;
	val->len = skip_value(text, len, p) - p;
	*pos = p + val->len;
	return 1;
}

int
zs_json_next_element(const char *text, size_t len, size_t *pos,
    struct zs_json_span *val)
{
	size_t	 p = *pos;

	if (p == 0)
		p = 1;			/* past '[' */
	if (p >= len || text[p] == ']')
		return 0;
	if (text[p] == ',')
		p++;
	val->off = p;
	val->len = skip_value(text, len, p) - p;
	*pos = p + val->len;
	return 1;
}

/* Writes code point u as UTF-8 at out; returns the byte count. */
static size_t
put_utf8(char *out, unsigned long u)
{
	if (u < 0x80) {
		out[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (char)(0xc0 | (u >> 6));
		out[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		out[0] = (char)(0xe0 | (u >> 12));
		out[1] = (char)(0x80 | ((u >> 6) & 0x3f));
		out[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (u >> 18));
	out[1] = (char)(0x80 | ((u >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((u >> 6) & 0x3f));
	out[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

int
zs_json_str_decode(const char *text, struct zs_json_span span, char *out,
    size_t cap, size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)text + span.off + 1;
	const unsigned char	*end = (const unsigned char *)text + span.off +
				    span.len - 1;
	size_t			 n = 0, k;
	unsigned long		 u;
	char			 tmp[4];

	while (p < end) {
		if (*p != '\\') {
			if (n + 2 > cap)
				return -1;
			out[n++] = (char)*p++;
			continue;
		}
		switch (p[1]) {
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case 'u':
			u = (unsigned long)hex4(p + 2);
			if (u >= 0xd800 && u <= 0xdbff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    ((unsigned long)hex4(p + 8) - 0xdc00);
				p += 6;
			}
			p += 4;
			break;
		default: u = p[1]; break;
		}
		p += 2;
		k = put_utf8(tmp, u);
		if (n + k + 1 > cap)
			return -1;
		memcpy(out + n, tmp, k);
		n += k;
	}
	if (n >= cap)
		return -1;	/* cap 0: no room even for the NUL */
	out[n] = '\0';
	*outlen = n;
	return 0;
}

int
zs_json_is(const char *text, struct zs_json_span span, char c)
{
	return span.len > 0 && text[span.off] == c;
}
