/*
 * zs_token: the ingest token of each webhook source, the secret part of
 * its URL POST /hooks/{token}: 24 random bytes from OpenSSL (192 bits) as
 * 32 base64url characters. Tokens are kept in the database (table
 * webhook_tokens), so a URL stays the same across restarts and in every
 * process; a source gets its token the first time it is seen.
 */
#ifndef ZS_TOKEN_H
#define ZS_TOKEN_H

#include <stddef.h>

#include "parse/zs_config.h"
#include "store/zs_store.h"

#define ZS_TOKEN_BYTES	 24	/* random bytes in a token */
#define ZS_TOKEN_LEN	 32	/* base64url characters */

/* One token per configured source, by index in cfg->sources. */
typedef char zs_token_t[ZS_TOKEN_LEN + 1];

/*
 * Fills tokens[i] for every source in cfg, first storing a new random
 * token for each source that has none yet.
 */
enum zs_store_rc zs_token_load(const struct zs_config *, zs_token_t *tokens);
/* Gives source i a new random token (the old URL stops working). */
enum zs_store_rc zs_token_rotate(const struct zs_config *, size_t i,
		    zs_token_t token);
/*
 * The index of the token equal to s among tokens[0..n), or -1. Every
 * token is compared in full, whatever matches, in constant time.
 */
int		 zs_token_find(const zs_token_t *tokens, size_t n,
		    const char *s);

#endif
