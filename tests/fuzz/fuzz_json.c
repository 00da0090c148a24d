/* libFuzzer target: the strict JSON gate, its walkers and string decoder. */
#include <stdlib.h>
#include <string.h>

#include "parse/zs_json.h"

/* Walks a checked text the way the responders do. */
static void
walk(const char *t, size_t len)
{
	struct zs_json_span	 k, v;
	size_t			 pos = 0, n;
	char			 buf[512];

	if (len > 0 && t[0] == '{')
		while (zs_json_next_member(t, len, &pos, &k, &v)) {
			zs_json_str_decode(t, k, buf, sizeof(buf), &n);
			if (zs_json_is(t, v, '"'))
				zs_json_str_decode(t, v, buf, sizeof(buf), &n);
		}
	else if (len > 0 && t[0] == '[')
		while (zs_json_next_element(t, len, &pos, &v))
			if (zs_json_is(t, v, '"'))
				zs_json_str_decode(t, v, buf, sizeof(buf), &n);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char	*out = malloc(size + 1);
	size_t	 outlen, erroff;

	if (out == NULL)
		return 0;
	if (zs_json_check((const char *)data, size, out, &outlen, &erroff) ==
	    ZS_JSON_OK) {
		if (outlen > size)
			abort();	/* minifying never grows the text */
		walk(out, outlen);
	}
	free(out);
	return 0;
}
