/* zs_route: matching a request to a route. See zs_route.h. */
#include <string.h>

#include "boundary/zs_route.h"

/*
 * Matches path against pattern; a "{id}" segment matches one non-empty
 * segment, copied to id. Returns 1 on a match.
 */
static int
route_match(const char *pattern, const char *path, char *id)
{
	size_t	 n;

	while (*pattern != '\0') {
		if (strncmp(pattern, "{id}", 4) == 0) {
			n = strcspn(path, "/");
			if (n == 0)
				return 0;
			memcpy(id, path, n);
			id[n] = '\0';
			pattern += 4;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
}

/* Appends method m to the list in allow, once. */
static void
allow_add(char *allow, size_t allowsz, const char *m)
{
	if (strstr(allow, m) != NULL)
		return;
	if (allow[0] != '\0')
		strncat(allow, ", ", allowsz - strlen(allow) - 1);
	strncat(allow, m, allowsz - strlen(allow) - 1);
}

int
zs_route_find(const struct zs_route *routes, size_t n, enum zs_method method,
    const char *path, const struct zs_route **r, char *id, char *allow,
    size_t allowsz)
{
	char	 seg[ZS_HTTP_PATH_MAX + 1] = "";
	size_t	 i;
	int	 pass, known = 0;

	*r = NULL;
	for (pass = 0; pass < 2 && !known; pass++) {
		for (i = 0; i < n; i++) {
			const struct zs_route *rt = &routes[i];
			int literal = strstr(rt->pattern, "{id}") == NULL;
			if (literal != (pass == 0) ||
			    !route_match(rt->pattern, path, seg))
				continue;
			known = 1;
			allow_add(allow, allowsz, zs_method_names[rt->method]);
			if (rt->method == ZS_METHOD_GET)
				allow_add(allow, allowsz, "HEAD");
			if ((rt->method == method || (rt->method ==
			    ZS_METHOD_GET && method == ZS_METHOD_HEAD)) &&
			    *r == NULL) {
				*r = rt;
				memcpy(id, seg, sizeof(seg));
			}
		}
	}
	return known;
}
