/* zs_cursor: opaque paging cursors. See zs_cursor.h. */
#include <stdio.h>
#include <string.h>

#include "parse/zs_cursor.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * The plain form is "v2:a:<id>" or "v2:d:<id>", id the sealed seq in
 * decimal. Version 1 held the seq itself, which counted every tenant's
 * events: such cursors are refused (a cursor lives as long as a paging
 * run, so a client meets this at most once, across an upgrade).
 */
void
zs_cursor_encode(const struct zs_seal_key *key, int64_t seq,
    enum zs_order order, char *buf)
{
	char		 plain[32];
	size_t		 n, i, o = 0;
	unsigned	 v;

	n = (size_t)snprintf(plain, sizeof(plain), "v2:%c:%lld",
	    order == ZS_ORDER_DESC ? 'd' : 'a', (long long)zs_seal(key, seq));
	for (i = 0; i < n; i += 3) {
		v = (unsigned char)plain[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)plain[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)plain[i + 2];
		buf[o++] = b64[v >> 18 & 63];
		buf[o++] = b64[v >> 12 & 63];
		if (i + 1 < n)
			buf[o++] = b64[v >> 6 & 63];
		if (i + 2 < n)
			buf[o++] = b64[v & 63];
	}
	buf[o] = '\0';
}

int
zs_cursor_decode(const struct zs_seal_key *key, const char *s, int64_t *seq,
    enum zs_order *order)
{
	char		 plain[32];
	size_t		 len = strlen(s), i, n = 0;
	unsigned	 v = 0, bits = 0;
	const char	*p;
	int64_t		 x = 0;

	if (len == 0 || len > ZS_CURSOR_BUFSZ - 1 || len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (p = strchr(b64, s[i])) == NULL)
			return -1;
		v = (v << 6 | (unsigned)(p - b64)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			plain[n++] = (char)(v >> bits & 0xff);
		}
	}
	plain[n] = '\0';
	if (n < 6 || strncmp(plain, "v2:", 3) != 0 ||
	    (plain[3] != 'a' && plain[3] != 'd') || plain[4] != ':' ||
	    plain[5] < '0' || plain[5] > '9' || (plain[5] == '0' && n > 6))
		return -1;
	for (i = 5; i < n; i++) {
		if (plain[i] < '0' || plain[i] > '9' ||
		    x > (INT64_MAX - (plain[i] - '0')) / 10)
			return -1;
		x = x * 10 + (plain[i] - '0');
	}
	if ((*seq = zs_seal_open(key, x)) < 0)
		return -1;
	*order = plain[3] == 'd' ? ZS_ORDER_DESC : ZS_ORDER_ASC;
	return 0;
}
