/* zs_auth: finding the API key in a request and its tenant. */
#ifndef ZS_AUTH_H
#define ZS_AUTH_H

#include <stddef.h>

#include "parse/zs_config.h"

/*
 * Extracts the key from an Authorization header value: scheme "Bearer" in
 * any case, surrounding whitespace ignored. Sets *key and *len to a span of
 * value and returns 0, or -1 when the value holds no bearer token.
 */
int	 zs_auth_bearer(const char *value, const char **key, size_t *len);
/* Trims spaces and tabs around value (X-API-Key, ?api_key=); 0 or -1. */
int	 zs_auth_plain(const char *value, const char **key, size_t *len);
/*
 * Returns the index in cfg->keys of the key equal to key[0..len), or -1.
 * The time taken depends only on the number of configured keys, not on
 * which (if any) matches nor on how many bytes agree.
 */
int	 zs_auth_lookup(const struct zs_config *cfg, const char *key,
	    size_t len);

#endif
