/* zs_text: checks on short user-visible strings (source, type, topic). */
#ifndef ZS_TEXT_H
#define ZS_TEXT_H

#include <stddef.h>

#define ZS_TEXT_MAX_CHARS	 128	/* code points in source/type/topic */
#define ZS_TEXT_MAX_BYTES	 (ZS_TEXT_MAX_CHARS * 4)

enum zs_text_rc {
	ZS_TEXT_OK = 0,
	ZS_TEXT_EMPTY,		/* no characters */
	ZS_TEXT_LONG,		/* more than the allowed characters */
	ZS_TEXT_CONTROL,	/* holds U+0000-U+001F or U+007F-U+009F */
	ZS_TEXT_UTF8,		/* not well-formed UTF-8 */
	ZS_TEXT__MAX
};

/*
 * Length of the well-formed UTF-8 sequence at p (avail bytes readable),
 * or 0 when it is not one (overlong, surrogate, above U+10FFFF, cut).
 */
size_t		 zs_text_utf8_len(const unsigned char *p, size_t avail);
/* Checks s[0..len) holds 1 to maxchars code points of printable UTF-8. */
enum zs_text_rc	 zs_text_check(const char *s, size_t len, size_t maxchars);
/* "must not be empty", "must be at most 128 characters", ... */
const char	*zs_text_strerror(enum zs_text_rc);

/* The value of hexadecimal digit c (either case), or -1. */
int	 zs_text_hex(unsigned char c);

#endif
