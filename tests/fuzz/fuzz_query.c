/* libFuzzer target: query strings of GET /inbox and GET /inbox/stream. */
#include <stdlib.h>
#include <string.h>

#include "parse/zs_query.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct zs_list_params	 lp;
	struct zs_stream_params	 sp;
	struct zs_query_error	 err;
	char			*qs = malloc(size + 1), value[ZS_QUERY_VALUE_MAX + 1];
	size_t			 vlen;
	static const struct zs_seal_key key;	/* any key will do */
	int64_t			 id;

	if (qs == NULL)
		return 0;
	memcpy(qs, data, size);
	qs[size] = '\0';		/* CGI hands the query as a C string */
	if (zs_query_list(qs, &key, &lp, &err) == 0 &&
	    (lp.limit < 1 || lp.limit > ZS_LIST_MAX))
		abort();
	zs_query_stream(qs, &key, &sp, &err);
	zs_query_none(qs, &err);
	zs_query_find(qs, "api_key", value, &vlen);
	zs_query_event_id(qs, &key, &id);
	free(qs);
	return 0;
}
