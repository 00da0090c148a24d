/*
 * libFuzzer target: the JSON bodies of POST /inbox/lease, extend, release
 * and ack, through the one body path (zs_body.c) with their field tables
 * (zs_fields.c). Whatever the input, an accepted body must have given
 * only values its table allows.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/zs_event.h"
#include "parse/zs_fields.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const struct zs_field lease_fields[] = {
	{ "limit", ZS_FIELD_INT, 1, 100, 0 },
	{ "visibility_timeout", ZS_FIELD_INT, 1, 43200, 0 },
	{ "wait", ZS_FIELD_INT, 0, 20, 0 },
	{ "topic", ZS_FIELD_TEXT, 0, 0, 0 },
	{ "type", ZS_FIELD_TEXT, 0, 0, 0 },
	{ "source", ZS_FIELD_TEXT, 0, 0, 0 },
	{ "lease_id", ZS_FIELD_LEASE_ID, 0, 0, 1 },
};
#define NFIELDS (sizeof(lease_fields) / sizeof(lease_fields[0]))
static const struct zs_field_table table = { lease_fields, NFIELDS };
static const struct zs_body_kind kind = ZS_FIELDS_BODY("lease", table);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const struct zs_field_value *vals;
	struct zs_body		 body;
	struct zs_details	 d;
	enum zs_body_rc		 rc;
	char			 msg[128];
	size_t			 i;

	zs_details_init(&d);
	rc = zs_body_parse(&kind, (const char *)data, size, &body, &d, msg,
	    sizeof(msg));
	if ((rc == ZS_BODY_OK) != (d.n == 0) && rc != ZS_BODY_JSON &&
	    rc != ZS_BODY_NOMEM)
		abort();
	vals = body.value;
	for (i = 0; rc == ZS_BODY_OK && i < NFIELDS; i++) {
		const struct zs_field *f = &lease_fields[i];

		if (f->required && !vals[i].given)
			abort();
		if (!vals[i].given)
			continue;
		if (f->kind == ZS_FIELD_INT &&
		    (vals[i].n < f->min || vals[i].n > f->max))
			abort();
		if (f->kind == ZS_FIELD_TEXT && zs_text_check(vals[i].s,
		    vals[i].len, ZS_TEXT_MAX_CHARS) != ZS_TEXT_OK)
			abort();
		if (f->kind == ZS_FIELD_LEASE_ID && !zs_lease_id_ok(vals[i].s))
			abort();
	}
	zs_body_free(&body);
	zs_details_free(&d);
	return 0;
}
