/* zs_body: every JSON body's one path. See zs_body.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_body.h"

enum zs_body_rc
zs_body_parse(const struct zs_body_kind *kind, const char *raw, size_t len,
    struct zs_body *out, struct zs_details *d, char *msg, size_t msgsz)
{
	enum zs_json_rc	 jrc;
	size_t		 erroff;

	memset(out, 0, sizeof(*out));
	if (raw == NULL && kind->empty != NULL) {
		snprintf(msg, msgsz, "%s", kind->empty);
		return ZS_BODY_JSON;
	}
	if (raw == NULL) {
		raw = "{}";
		len = 2;
	}
	if ((out->json = malloc(len + 1)) == NULL ||
	    (kind->size > 0 && (out->value = calloc(1, kind->size)) == NULL)) {
		snprintf(msg, msgsz, "out of memory");
		return ZS_BODY_NOMEM;
	}
	jrc = zs_json_check(raw, len, out->json, &out->len, &erroff);
	if (jrc != ZS_JSON_OK) {
		snprintf(msg, msgsz, "the body is not valid JSON: %s (at byte "
		    "%zu)", zs_json_strerror(jrc), erroff);
		return ZS_BODY_JSON;
	}
	if (out->json[0] != '{')
		zs_details_add(d, "body", "must be a JSON object");
	else if (kind->parse != NULL)
		kind->parse(out->json, out->len, kind->arg, out->value, d);
	if (d->n > 0) {
		snprintf(msg, msgsz, "the %s is not valid; see details",
		    kind->what);
		return ZS_BODY_INVALID;
	}
	return ZS_BODY_OK;
}

void
zs_body_free(struct zs_body *b)
{
	free(b->json);
	free(b->value);
	memset(b, 0, sizeof(*b));
}

size_t
zs_body_key(const char *json, struct zs_json_span key, char *name)
{
	size_t	 len;

	if (zs_json_str_decode(json, key, name, ZS_BODY_NAME_MAX + 1, &len))
		len = (size_t)snprintf(name, ZS_BODY_NAME_MAX + 1,
		    "(a long field name)");
	return len;
}
