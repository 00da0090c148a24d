/*
 * zs_http: parsers for the HTTP parts of a request (method, path, headers).
 * Each turns untrusted text into a checked value or refuses it; none keeps
 * a pointer into its input unless it says so.
 */
#ifndef ZS_HTTP_H
#define ZS_HTTP_H

#include <stddef.h>

#define ZS_HTTP_PATH_MAX	 512	/* bytes in a decoded path */
#define ZS_HTTP_IDEM_MAX	 255	/* characters in an idempotency key */
#define ZS_HTTP_REQID_MAX	 64	/* characters in an X-Request-Id */

enum zs_method {
	ZS_METHOD_GET = 0,
	ZS_METHOD_POST,
	ZS_METHOD_DELETE,
	ZS_METHOD_OPTIONS,
	ZS_METHOD_HEAD,		/* served by the GET route, without the body */
	ZS_METHOD_OTHER,	/* anything else: always 405 */
	ZS_METHOD__MAX
};

enum zs_ctype {
	ZS_CTYPE_NONE = 0,	/* no Content-Type header */
	ZS_CTYPE_JSON,		/* application/json or application/...+json */
	ZS_CTYPE_OTHER,		/* anything else: 415 when there is a body */
	ZS_CTYPE__MAX
};

/* "GET", "POST", ... for ZS_METHOD_OTHER "OTHER". */
extern const char *const zs_method_names[ZS_METHOD__MAX];

enum zs_method	 zs_http_method(const char *);
/*
 * Copies the path of a request URI (before '?'), percent-decoded, into
 * out[ZS_HTTP_PATH_MAX + 1]. Returns 0, or -1 for a bad escape, an encoded
 * NUL or '/', a non-absolute path or one too long.
 */
int		 zs_http_path(const char *uri, char *out);
/*
 * Parses an Idempotency-Key value into out[ZS_HTTP_IDEM_MAX + 1]: 1 to 255
 * visible ASCII characters, or the same inside double quotes (RFC 8941
 * sf-string, with \" and \\ escapes). Returns 0 or -1.
 */
int		 zs_http_idem_key(const char *value, char *out);
enum zs_ctype	 zs_http_ctype(const char *);
/*
 * Parses CONTENT_LENGTH: unset or empty is 0; else decimal digits only.
 * Returns the length, or -1 when malformed or above max (the caller
 * answers 413 for a well-formed length above max: see *too_big).
 */
long		 zs_http_content_length(const char *, long max, int *too_big);
/* Nonzero when v is a usable client X-Request-Id: 1-64 of [A-Za-z0-9._-]. */
int		 zs_http_request_id_ok(const char *v);

#endif
