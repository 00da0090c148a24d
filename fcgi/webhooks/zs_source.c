/* zs_source: webhook source entries. See zs_source.h. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "parse/zs_text.h"
#include "webhooks/zs_source.h"

const char *const zs_scheme_names[ZS_SCHEME__MAX] = {
	"stripe", "github", "shopify", "standard", "none",
};

/* The fields of an entry, in order. */
enum field { F_NAME, F_TENANT, F_SCHEME, F_SECRET, F_TOPIC, F__MAX };

/* One field: a span of the entry. */
struct span {
	const char	*p;	/* first byte */
	size_t		 len;	/* bytes */
};

/* 1 for the characters of names and tenants: [A-Za-z0-9_.-]. */
static int
ident_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* 1 when s is 1 to max characters of [A-Za-z0-9_.-]. */
static int
ident_ok(struct span s, size_t max)
{
	size_t	 i;

	if (s.len == 0 || s.len > max)
		return 0;
	for (i = 0; i < s.len; i++)
		if (!ident_char_ok(s.p[i]))
			return 0;
	return 1;
}

/*
 * Decodes standard base64 (with its '=' padding) into out[0..cap).
 * Returns the byte count, or -1 when s is not strict base64 or too long.
 */
static int
base64_decode(struct span s, unsigned char *out, size_t cap)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char	 buf[ZS_SOURCE_SECRET_MAX];
	size_t		 i, pad = 0;
	int		 n;

	if (s.len == 0 || s.len % 4 != 0 || s.len / 4 * 3 > sizeof(buf))
		return -1;
	while (pad < 2 && s.p[s.len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < s.len - pad; i++)
		if (s.p[i] == '\0' || strchr(alphabet, s.p[i]) == NULL)
			return -1;
	n = EVP_DecodeBlock(buf, (const unsigned char *)s.p, (int)s.len);
	if (n < 0 || (size_t)n < pad || (size_t)n - pad > cap)
		return -1;
	n -= (int)pad;
	memcpy(out, buf, (size_t)n);
	return n;
}

/* Parses one entry's fields into src; -1 with a message. */
static int
parse_fields(struct span f[F__MAX], size_t nf, struct zs_source *src,
    const char *where, char *err, size_t errsz)
{
	struct span	 key;
	size_t		 i;
	int		 s, n;

	if (nf < 3) {
		snprintf(err, errsz, "%s is not of the form "
		    "name:tenant:scheme:secret[:topic]", where);
		return -1;
	}
	if (!ident_ok(f[F_NAME], ZS_SOURCE_NAME_MAX)) {
		snprintf(err, errsz, "%s: the name must be 1 to %d letters, "
		    "digits, '_', '-' or '.'", where, ZS_SOURCE_NAME_MAX);
		return -1;
	}
	if (!ident_ok(f[F_TENANT], ZS_SOURCE_TENANT_MAX)) {
		snprintf(err, errsz, "%s: the tenant must be 1 to %d letters, "
		    "digits, '_', '-' or '.'", where, ZS_SOURCE_TENANT_MAX);
		return -1;
	}
	for (s = 0; s < ZS_SCHEME__MAX; s++)
		if (strlen(zs_scheme_names[s]) == f[F_SCHEME].len &&
		    memcmp(zs_scheme_names[s], f[F_SCHEME].p,
		    f[F_SCHEME].len) == 0)
			break;
	if (s == ZS_SCHEME__MAX) {
		snprintf(err, errsz, "%s: the scheme must be stripe, github, "
		    "shopify, standard or none", where);
		return -1;
	}
	src->scheme = (enum zs_scheme)s;
	memcpy(src->name, f[F_NAME].p, f[F_NAME].len);
	memcpy(src->tenant, f[F_TENANT].p, f[F_TENANT].len);

	key = nf > F_SECRET ? f[F_SECRET] : (struct span){ "", 0 };
	if (src->scheme == ZS_SCHEME_NONE) {
		if (key.len != 0) {
			snprintf(err, errsz, "%s: scheme none takes no "
			    "secret; leave the field empty", where);
			return -1;
		}
	} else if (key.len == 0 || key.len > ZS_SOURCE_SECRET_MAX) {
		snprintf(err, errsz, "%s: the secret must be 1 to %d "
		    "characters", where, ZS_SOURCE_SECRET_MAX);
		return -1;
	}
	for (i = 0; i < key.len; i++)
		if (key.p[i] < 0x20 || key.p[i] > 0x7e) {
			snprintf(err, errsz, "%s: the secret may hold only "
			    "printable ASCII characters", where);
			return -1;
		}
	if (src->scheme == ZS_SCHEME_STANDARD) {
		/* Standard Webhooks: the key is the base64 after whsec_. */
		if (key.len <= 6 || memcmp(key.p, "whsec_", 6) != 0 ||
		    (n = base64_decode((struct span){ key.p + 6, key.len - 6 },
		    src->key, sizeof(src->key))) <= 0) {
			snprintf(err, errsz, "%s: a standard secret is whsec_ "
			    "followed by base64", where);
			return -1;
		}
		src->keylen = (size_t)n;
	} else {
		memcpy(src->key, key.p, key.len);
		src->keylen = key.len;
	}

	if (nf > F_TOPIC && f[F_TOPIC].len > 0) {
		if (f[F_TOPIC].len > ZS_SOURCE_TOPIC_MAX ||
		    zs_text_check(f[F_TOPIC].p, f[F_TOPIC].len,
		    ZS_TEXT_MAX_CHARS) != ZS_TEXT_OK) {
			snprintf(err, errsz, "%s: the topic must be 1 to %d "
			    "printable characters", where, ZS_SOURCE_TOPIC_MAX);
			return -1;
		}
		memcpy(src->topic, f[F_TOPIC].p, f[F_TOPIC].len);
	}
	return 0;
}

int
zs_source_parse(const char *text, const char *label, int by_line,
    struct zs_source *out, size_t max, size_t *n, char *err, size_t errsz)
{
	struct span	 f[F__MAX];
	const char	*p = text, *end, *q, *colon;
	size_t		 entry = 0, nf;
	char		 where[96];

	for (; *p != '\0'; p = *end == '\0' ? end : end + 1) {
		entry++;
		end = p + strcspn(p, ";\n");
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		q = end;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t' ||
		    q[-1] == '\r'))
			q--;
		if (q == p || *p == '#')
			continue;
		snprintf(where, sizeof(where), "%s %s %zu", label,
		    by_line ? "line" : "entry", entry);
		for (nf = 0; nf < F__MAX; nf++) {
			colon = memchr(p, ':', (size_t)(q - p));
			f[nf].p = p;
			f[nf].len = (size_t)((colon ? colon : q) - p);
			if (colon == NULL)
				break;
			p = colon + 1;
		}
		if (nf == F__MAX) {
			snprintf(err, errsz, "%s has more than 5 fields "
			    "(a secret may not contain ':')", where);
			return -1;
		}
		if (*n == max) {
			snprintf(err, errsz, "%s: more than %zu sources", where,
			    max);
			return -1;
		}
		memset(&out[*n], 0, sizeof(out[*n]));
		if (parse_fields(f, nf + 1, &out[*n], where, err, errsz) == -1)
			return -1;
		if (zs_source_find(out, *n, out[*n].tenant, out[*n].name) >= 0) {
			snprintf(err, errsz, "%s: tenant %s already has a "
			    "source named %s", where, out[*n].tenant,
			    out[*n].name);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

int
zs_source_find(const struct zs_source *srcs, size_t n, const char *tenant,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(srcs[i].tenant, tenant) == 0 &&
		    strcmp(srcs[i].name, name) == 0)
			return (int)i;
	return -1;
}
