/* zs_auth: API keys. See zs_auth.h. */
#include <strings.h>

#include <openssl/evp.h>

#include "boundary/zs_auth.h"

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

int
zs_auth_plain(const char *value, const char **key, size_t *len)
{
	const char	*end;

	while (is_space(*value))
		value++;
	end = value;
	while (*end != '\0')
		end++;
	while (end > value && is_space(end[-1]))
		end--;
	if (end == value)
		return -1;
	*key = value;
	*len = (size_t)(end - value);
	return 0;
}

int
zs_auth_bearer(const char *value, const char **key, size_t *len)
{
	while (is_space(*value))
		value++;
	if (strncasecmp(value, "bearer", 6) != 0 || !is_space(value[6]))
		return -1;
	return zs_auth_plain(value + 7, key, len);
}

int
zs_auth_lookup(const struct zs_config *cfg, const char *key, size_t len)
{
	size_t		 i, j;
	int		 found = -1;
	unsigned	 diff, hdiff;
	unsigned char	 a, digest[32];
	unsigned int	 dlen;

	if (len == 0 || len > ZS_CONFIG_KEY_MAX)
		return -1;
	/* Always hashed, so the time does not tell whether any entry is. */
	if (EVP_Digest(key, len, digest, &dlen, EVP_sha256(), NULL) != 1)
		return -1;
	for (i = 0; i < cfg->nkeys; i++) {
		diff = (unsigned)(len ^ cfg->keys[i].keylen);
		/* Always ZS_CONFIG_KEY_MAX bytes: key[] is zero-padded. */
		for (j = 0; j < ZS_CONFIG_KEY_MAX; j++) {
			a = j < len ? (unsigned char)key[j] : 0;
			diff |= a ^ (unsigned char)cfg->keys[i].key[j];
		}
		hdiff = 0;
		for (j = 0; j < sizeof(digest); j++)
			hdiff |= digest[j] ^ cfg->keys[i].digest[j];
		/* A sha256: entry matches by digest, a plain one by bytes. */
		diff = cfg->keys[i].hashed ? hdiff : diff;
		/* mask is all ones when diff == 0, else zero. */
		unsigned mask = (unsigned)(((diff | (0u - diff)) >> 31) - 1);
		found = (int)((mask & (unsigned)i) | (~mask & (unsigned)found));
	}
	return found;
}
