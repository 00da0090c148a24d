/*
 * zs_buf: a growable byte buffer with a hard cap.
 *
 * Every reply body is built in one of these. Invariants: data is always
 * NUL-terminated when non-NULL; len < cap_alloc; len never exceeds limit.
 * Once an append would pass the limit (or malloc fails) the buffer is
 * marked failed and ignores further appends, so callers check once at end.
 */
#ifndef ZS_BUF_H
#define ZS_BUF_H

#include <stddef.h>
#include <stdint.h>

struct zs_buf {
	char	*data;	/* NUL-terminated bytes, or NULL before first append */
	size_t	 len;	/* bytes used, not counting the NUL */
	size_t	 alloc;	/* bytes allocated */
	size_t	 limit;	/* largest len allowed; 0 means ZS_BUF_DEFAULT_LIMIT */
	int	 failed;	/* set once an append was refused */
};

#define ZS_BUF_DEFAULT_LIMIT (64u * 1024u * 1024u)

void	zs_buf_init(struct zs_buf *, size_t limit);
void	zs_buf_free(struct zs_buf *);
void	zs_buf_reset(struct zs_buf *);
void	zs_buf_append(struct zs_buf *, const char *, size_t);
void	zs_buf_puts(struct zs_buf *, const char *);
/* zs_buf_puts for a string literal, without the strlen (hot paths). */
#define ZS_BUF_LIT(b, lit) zs_buf_append((b), "" lit "", sizeof(lit) - 1)
/* Makes room for extra more bytes at once (fewer reallocations). */
void	zs_buf_grow(struct zs_buf *, size_t extra);
void	zs_buf_printf(struct zs_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends n in decimal (printf-free, for the hot paths). */
void	zs_buf_put_int(struct zs_buf *, int64_t n);
/* Appends s (len bytes, UTF-8) as a quoted JSON string. */
void	zs_buf_json_str(struct zs_buf *, const char *s, size_t len);
/* Appends a quoted JSON string, or null when s is NULL. */
void	zs_buf_json_strz(struct zs_buf *, const char *s);

#endif
