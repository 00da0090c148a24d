/* zs_token: ingest tokens of webhook sources. See zs_token.h. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/zs_log.h"
#include "webhooks/zs_token.h"

/* Makes a new random token; 0 or -1. */
static int
token_new(zs_token_t out)
{
	unsigned char	 raw[ZS_TOKEN_BYTES];
	size_t		 i;

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		zs_log("libcrypto: RAND_bytes failed");
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)out, raw, sizeof(raw));
	for (i = 0; i < ZS_TOKEN_LEN; i++)
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	out[ZS_TOKEN_LEN] = '\0';
	return 0;
}

/* The sources and tokens being filled by a zs_store_tokens() pass. */
struct fill {
	const struct zs_config	*cfg;
	zs_token_t		*tokens;
};

/* Copies a stored token to its configured source, if it has one. */
static void
fill_one(const char *tenant, const char *name, const char *token, void *arg)
{
	struct fill	*f = arg;
	int		 i;

	i = zs_source_find(f->cfg->sources, f->cfg->nsources, tenant, name);
	if (i >= 0 && strlen(token) == ZS_TOKEN_LEN)
		memcpy(f->tokens[i], token, ZS_TOKEN_LEN + 1);
}

enum zs_store_rc
zs_token_load(const struct zs_config *cfg, zs_token_t *tokens)
{
	struct fill		 f = { cfg, tokens };
	enum zs_store_rc	 rc;
	zs_token_t		 t;
	size_t			 i;
	int			 pass, made = 1;

	for (pass = 0; pass < 2 && made; pass++) {
		made = 0;
		for (i = 0; i < cfg->nsources; i++)
			tokens[i][0] = '\0';
		if ((rc = zs_store_tokens(fill_one, &f)) != ZS_STORE_OK)
			return rc;
		for (i = 0; i < cfg->nsources; i++) {
			if (tokens[i][0] != '\0')
				continue;
			if (pass == 1) {
				zs_log("no token could be stored for source "
				    "%s", cfg->sources[i].name);
				return ZS_STORE_ERROR;
			}
			/* Another process may store one first: then
			 * this one is ignored and the next pass reads
			 * the winner. */
			if (token_new(t) == -1)
				return ZS_STORE_ERROR;
			rc = zs_store_token_put(cfg->sources[i].tenant,
			    cfg->sources[i].name, t, 0);
			if (rc != ZS_STORE_OK)
				return rc;
			made = 1;
		}
	}
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_token_rotate(const struct zs_config *cfg, size_t i, zs_token_t token)
{
	if (i >= cfg->nsources || token_new(token) == -1)
		return ZS_STORE_ERROR;
	return zs_store_token_put(cfg->sources[i].tenant, cfg->sources[i].name,
	    token, 1);
}

int
zs_token_find(const zs_token_t *tokens, size_t n, const char *s)
{
	char		 padded[ZS_TOKEN_LEN];
	size_t		 i, len = strlen(s);
	int		 found = -1, eq;

	/* A token has a fixed length: anything else matches none. */
	memset(padded, 0, sizeof(padded));
	memcpy(padded, s, len < ZS_TOKEN_LEN ? len : ZS_TOKEN_LEN);
	for (i = 0; i < n; i++) {
		eq = CRYPTO_memcmp(padded, tokens[i], ZS_TOKEN_LEN) == 0;
		found = eq && found < 0 ? (int)i : found;
	}
	return len == ZS_TOKEN_LEN ? found : -1;
}
