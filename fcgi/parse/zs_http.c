/* zs_http: request parsers. See zs_http.h. */
#include <string.h>
#include <strings.h>

#include "parse/zs_http.h"
#include "parse/zs_text.h"

const char *const zs_method_names[ZS_METHOD__MAX] = {
	"GET", "POST", "DELETE", "OPTIONS", "HEAD", "OTHER",
};

enum zs_method
zs_http_method(const char *m)
{
	int	 i;

	if (m == NULL)
		return ZS_METHOD_OTHER;
	for (i = 0; i < ZS_METHOD_OTHER; i++)
		if (strcmp(m, zs_method_names[i]) == 0)
			return (enum zs_method)i;
	return ZS_METHOD_OTHER;
}

int
zs_http_path(const char *uri, char *out)
{
	size_t	 n = 0;
	int	 hi, lo;
	char	 c;

	if (uri == NULL || *uri != '/')
		return -1;
	for (; *uri != '\0' && *uri != '?'; uri++) {
		c = *uri;
		if (c == '%') {
			if ((hi = zs_text_hex(uri[1])) < 0 ||
			    (lo = zs_text_hex(uri[2])) < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			if (c == '\0' || c == '/')
				return -1;
			uri += 2;
		}
		if (n == ZS_HTTP_PATH_MAX)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

int
zs_http_idem_key(const char *v, char *out)
{
	size_t	 n = 0;
	int	 quoted, closed = 0;

	if (v == NULL)
		return -1;
	quoted = *v == '"';
	if (quoted)
		v++;
	for (; *v != '\0'; v++) {
		if (quoted && *v == '"') {
			closed = 1;
			v++;
			break;
		}
		if (quoted && *v == '\\') {
			if (v[1] != '"' && v[1] != '\\')
				return -1;
			v++;
		}
		if (*v <= 0x20 || *v >= 0x7f || n == ZS_HTTP_IDEM_MAX)
			return -1;
		out[n++] = *v;
	}
	if (*v != '\0' || n == 0 || quoted != closed)
		return -1;
	out[n] = '\0';
	return 0;
}

enum zs_ctype
zs_http_ctype(const char *v)
{
	size_t	 n;

	if (v == NULL || *v == '\0')
		return ZS_CTYPE_NONE;
	n = strcspn(v, "; \t");
	if ((n == 16 && strncasecmp(v, "application/json", 16) == 0) ||
	    (n > 17 && strncasecmp(v, "application/", 12) == 0 &&
	    strncasecmp(v + n - 5, "+json", 5) == 0))
		return ZS_CTYPE_JSON;
	return ZS_CTYPE_OTHER;
}

long
zs_http_content_length(const char *v, long max, int *too_big)
{
	long	 n = 0;

	*too_big = 0;
	if (v == NULL || *v == '\0')
		return 0;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		n = n * 10 + (*v - '0');
		if (n > max) {
			*too_big = 1;
			return -1;
		}
	}
	return n;
}

int
zs_http_request_id_ok(const char *v)
{
	size_t	 n;

	if (v == NULL)
		return 0;
	n = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-");
	return n > 0 && n <= ZS_HTTP_REQID_MAX && v[n] == '\0';
}
