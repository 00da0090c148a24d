/*
 * zs_source: webhook sources, the providers that POST their own JSON to
 * /hooks/{token}. Each is one configuration entry
 *	name:tenant:scheme:secret[:topic]
 * from WEBHOOK_SOURCES (entries separated by ';' or newlines) or from the
 * file WEBHOOK_SOURCES_FILE (one a line, '#' starts a comment line). The
 * secret is turned into the HMAC key once, here; nothing else reads it.
 */
#ifndef ZS_SOURCE_H
#define ZS_SOURCE_H

#include <stddef.h>

#define ZS_SOURCES_MAX		 64	/* sources in the configuration */
#define ZS_SOURCE_NAME_MAX	 64	/* bytes in a source name */
#define ZS_SOURCE_TENANT_MAX	 64	/* as ZS_CONFIG_TENANT_MAX */
#define ZS_SOURCE_SECRET_MAX	 256	/* bytes in a signing secret */
#define ZS_SOURCE_TOPIC_MAX	 128	/* bytes in a topic */

/* How a source signs its deliveries. */
enum zs_scheme {
	ZS_SCHEME_STRIPE = 0,	/* Stripe-Signature: t=,v1= */
	ZS_SCHEME_GITHUB,	/* X-Hub-Signature-256: sha256=<hex> */
	ZS_SCHEME_SHOPIFY,	/* X-Shopify-Hmac-Sha256: <base64> */
	ZS_SCHEME_STANDARD,	/* Standard Webhooks: webhook-signature */
	ZS_SCHEME_NONE,		/* no signature: the URL is the only secret */
	ZS_SCHEME__MAX
};

/* "stripe", "github", ... as written in the configuration. */
extern const char *const zs_scheme_names[ZS_SCHEME__MAX];

/* One configured source. */
struct zs_source {
	char		 name[ZS_SOURCE_NAME_MAX + 1];	/* the events' source */
	char		 tenant[ZS_SOURCE_TENANT_MAX + 1]; /* whose inbox */
	enum zs_scheme	 scheme;			/* how it signs */
	unsigned char	 key[ZS_SOURCE_SECRET_MAX];	/* the HMAC key */
	size_t		 keylen;			/* 0 for none */
	char		 topic[ZS_SOURCE_TOPIC_MAX + 1]; /* "" when none */
};

/*
 * Parses the entries in text into out[*n..max), adding to *n. label names
 * the setting in messages ("WEBHOOK_SOURCES entry 2", or with by_line
 * "WEBHOOK_SOURCES_FILE line 2"). Returns 0, or -1 with a one-line
 * message in err that never holds a secret.
 */
int	 zs_source_parse(const char *text, const char *label, int by_line,
	    struct zs_source *out, size_t max, size_t *n, char *err,
	    size_t errsz);
/* The index of the source (tenant, name) in srcs[0..n), or -1. */
int	 zs_source_find(const struct zs_source *srcs, size_t n,
	    const char *tenant, const char *name);

#endif
