/*
 * libFuzzer target: header and path parsers, auth lookup, cursors, ids
 * and timestamps. The first byte picks the parser; the rest is its input.
 */
#include <stdlib.h>
#include <string.h>

#include "boundary/zs_auth.h"
#include "parse/zs_cursor.h"
#include "parse/zs_event.h"
#include "parse/zs_http.h"
#include "parse/zs_query.h"
#include "util/zs_time.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct zs_config	 cfg;
	static const struct zs_seal_key seal;	/* any key will do */
	char			 out[ZS_HTTP_PATH_MAX + 1];
	char			*s;
	const char		*key;
	size_t			 len;
	int			 too_big;
	int64_t			 n;
	enum zs_order		 order;

	if (size == 0 || (s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (cfg.nkeys == 0) {
		strcpy(cfg.keys[0].key, "dev_key_123");
		cfg.keys[0].keylen = 11;
		cfg.keys[1].hashed = 1;
		cfg.nkeys = 2;
	}
	switch (data[0] % 9) {
	case 0: zs_http_path(s, out); break;
	case 1: zs_http_idem_key(s, out); break;
	case 2: zs_http_ctype(s); break;
	case 3: zs_http_content_length(s, 524288, &too_big); break;
	case 4: zs_http_request_id_ok(s); break;
	case 5:
		if (zs_auth_bearer(s, &key, &len) == 0 ||
		    zs_auth_plain(s, &key, &len) == 0)
			zs_auth_lookup(&cfg, key, len);
		break;
	case 6: zs_cursor_decode(&seal, s, &n, &order); break;
	case 7: zs_time_parse(s, &n); break;
	default: zs_event_id_ok(s); zs_query_event_id(s, &seal, &n); break;
	}
	free(s);
	return 0;
}
