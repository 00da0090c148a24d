/* zs_buf: growable, capped byte buffer. See zs_buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/zs_buf.h"

void
zs_buf_init(struct zs_buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit ? limit : ZS_BUF_DEFAULT_LIMIT;
}

void
zs_buf_free(struct zs_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
	b->failed = 0;
}

void
zs_buf_reset(struct zs_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Makes room for extra more bytes plus the NUL; returns 0 or -1. */
static int
zs_buf_reserve(struct zs_buf *b, size_t extra)
{
	size_t	 want, n;
	char	*p;

	if (b->failed)
		return -1;
	if (extra > b->limit - b->len) {
		b->failed = 1;
		return -1;
	}
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : 256;
	while (n < want)
		n *= 2;
	if ((p = realloc(b->data, n)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->alloc = n;
	return 0;
}

void
zs_buf_grow(struct zs_buf *b, size_t extra)
{
	zs_buf_reserve(b, extra);
}

void
zs_buf_append(struct zs_buf *b, const char *s, size_t len)
{
	if (zs_buf_reserve(b, len) == -1)
		return;
	if (len)
		memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
zs_buf_puts(struct zs_buf *b, const char *s)
{
	zs_buf_append(b, s, strlen(s));
}

void
zs_buf_put_int(struct zs_buf *b, int64_t n)
{
	char		 d[24];
	size_t		 i = sizeof(d);
	uint64_t	 u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;

	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (n < 0)
		d[--i] = '-';
	zs_buf_append(b, d + i, sizeof(d) - i);
}

void
zs_buf_printf(struct zs_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || zs_buf_reserve(b, (size_t)n) == -1) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
zs_buf_json_str(struct zs_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 i, start;
	unsigned char	 c;
	char		 esc[6];

	zs_buf_append(b, "\"", 1);
	for (i = start = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		zs_buf_append(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"':  zs_buf_append(b, "\\\"", 2); break;
		case '\\': zs_buf_append(b, "\\\\", 2); break;
		case '\n': zs_buf_append(b, "\\n", 2); break;
		case '\r': zs_buf_append(b, "\\r", 2); break;
		case '\t': zs_buf_append(b, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			zs_buf_append(b, esc, 6);
			break;
		}
	}
	zs_buf_append(b, s + start, len - start);
	zs_buf_append(b, "\"", 1);
}

void
zs_buf_json_strz(struct zs_buf *b, const char *s)
{
	if (s == NULL)
		zs_buf_puts(b, "null");
	else
		zs_buf_json_str(b, s, strlen(s));
}
