/*
 * zs_json: the strict JSON gate for request bodies.
 *
 * zs_json_check() accepts exactly one JSON text as RFC 8259 defines it: no
 * comments, no trailing commas or garbage, no NaN/Infinity, no single quotes,
 * no byte order mark, valid UTF-8 only, no lone surrogate escapes, nesting at
 * most ZS_JSON_MAX_DEPTH. It works without recursion and writes a minified
 * copy (insignificant whitespace removed, every other byte kept), so stored
 * JSON is byte-for-byte what the client sent, minus whitespace, and holds no
 * raw newline.
 *
 * The walkers below read only text that zs_json_check() accepted.
 */
#ifndef ZS_JSON_H
#define ZS_JSON_H

#include <stddef.h>

#define ZS_JSON_MAX_DEPTH 64

enum zs_json_rc {
	ZS_JSON_OK = 0,
	ZS_JSON_EMPTY,		/* nothing but whitespace */
	ZS_JSON_SYNTAX,		/* not JSON at this offset */
	ZS_JSON_UTF8,		/* invalid UTF-8 or lone surrogate */
	ZS_JSON_DEPTH,		/* nested deeper than ZS_JSON_MAX_DEPTH */
	ZS_JSON_TRAILING,	/* a complete value followed by more bytes */
	ZS_JSON__MAX
};

/* A byte range [off, off + len) of a minified text. */
struct zs_json_span {
	size_t	 off;	/* first byte */
	size_t	 len;	/* byte count */
};

/*
 * Checks in[0..len) and writes the minified text to out, which must hold
 * len + 1 bytes; *outlen gets its length (out is NUL-terminated).
 * On failure *erroff is the byte offset of the problem.
 */
enum zs_json_rc	 zs_json_check(const char *in, size_t len, char *out,
		    size_t *outlen, size_t *erroff);
/* A short English phrase for rc, e.g. "invalid UTF-8". */
const char	*zs_json_strerror(enum zs_json_rc rc);

/*
 * Iterates the members of the object in text[0..len). Start with *pos = 0.
 * Returns 1 and fills key (quoted string) and val, 0 at the end.
 */
int		 zs_json_next_member(const char *text, size_t len, size_t *pos,
		    struct zs_json_span *key, struct zs_json_span *val);
/* Iterates the elements of the array in text[0..len), like the above. */
int		 zs_json_next_element(const char *text, size_t len,
		    size_t *pos, struct zs_json_span *val);

/*
 * Decodes the quoted string at text[span] into out (cap bytes; always
 * NUL-terminated on success, though \u0000 may put NULs inside, so use
 * *outlen). Returns 0, or -1 when out is too small.
 */
int		 zs_json_str_decode(const char *text, struct zs_json_span span,
		    char *out, size_t cap, size_t *outlen);

/* Nonzero when the span's first byte is c ('{', '[', '"', 't', ...). */
int		 zs_json_is(const char *text, struct zs_json_span span, char c);

#endif
