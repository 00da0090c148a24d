/*
 * libFuzzer target: webhook signature headers of every scheme. The input
 * is split at NUL bytes into header values and the body.
 */
#include <stdlib.h>
#include <string.h>

#include "webhooks/zs_sig.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct zs_source	 src;
	struct zs_sig_input	 in;
	const char		*part[6];
	char			*s;
	size_t			 i, n = 0, start = 0;

	if (size == 0 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 1; i <= size && n < 6; i++)
		if (i == size || s[i] == '\0') {
			part[n++] = s + start;
			start = i + 1;
		}
	while (n < 6)
		part[n++] = NULL;
	memset(&src, 0, sizeof(src));
	memcpy(src.key, "secret", 6);
	src.keylen = 6;
	memset(&in, 0, sizeof(in));
	in.body = start < size ? s + start : "";
	in.body_len = start < size ? size - start : 0;
	in.stripe = in.github = in.shopify = part[1];
	in.wh_id = part[2];
	in.wh_timestamp = part[3];
	in.wh_signature = part[4];
	src.scheme = (enum zs_scheme)((unsigned char)data[0] % ZS_SCHEME__MAX);
	zs_sig_verify(&src, &in, 1700000000, 300);
	free(s);
	return 0;
}
