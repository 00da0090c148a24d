/* zs_text: UTF-8 and short-string checks. See zs_text.h. */
#include "parse/zs_text.h"

size_t
zs_text_utf8_len(const unsigned char *p, size_t avail)
{
	unsigned char	 c = p[0], lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* no overlongs */
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* no overlongs */
		else if (c == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else
		return 0;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

enum zs_text_rc
zs_text_check(const char *s, size_t len, size_t maxchars)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, chars = 0;

	if (len == 0)
		return ZS_TEXT_EMPTY;
	while (i < len) {
		if ((n = zs_text_utf8_len(p + i, len - i)) == 0)
			return ZS_TEXT_UTF8;
		if (p[i] < 0x20 || p[i] == 0x7f ||
		    (p[i] == 0xc2 && p[i + 1] <= 0x9f))
			return ZS_TEXT_CONTROL;
		i += n;
		chars++;
	}
	return chars > maxchars ? ZS_TEXT_LONG : ZS_TEXT_OK;
}

const char *
zs_text_strerror(enum zs_text_rc rc)
{
	static const char *const msg[ZS_TEXT__MAX] = {
		"is valid",					/* OK */
		"must not be empty",				/* EMPTY */
		"must be at most 128 characters",		/* LONG */
		"must not contain control characters",		/* CONTROL */
		"must be valid UTF-8",				/* UTF8 */
	};

	return (unsigned)rc < ZS_TEXT__MAX ? msg[rc] : "is invalid";
}

int
zs_text_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
