/* zs_fields: table-checked JSON object bodies. See zs_fields.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_event.h"
#include "parse/zs_fields.h"
#include "parse/zs_json.h"

#define INT_DIGITS_MAX	 18	/* whole numbers fit a long long */

int
zs_fields_int(const char *text, size_t len, long min, long max, long *out)
{
	char		 digits[INT_DIGITS_MAX + 2];
	size_t		 i = 0;
	long long	 v;

	if (len > 0 && text[0] == '-')
		i = 1;
	if (len == i || len - i > INT_DIGITS_MAX)
		return -1;
	for (; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return -1;
	memcpy(digits, text, len);
	digits[len] = '\0';
	v = strtoll(digits, NULL, 10);
	if (v < min || v > max)
		return -1;
	*out = (long)v;
	return 0;
}

/* Notes a bad value of field name. */
static void
bad(struct zs_field_value *v, struct zs_details *d, const char *name,
    const char *message)
{
	v->bad = 1;
	zs_details_add(d, name, message);
}

/* Checks one member's value into v; adds a detail when it is bad. */
static void
check_value(const char *min, struct zs_json_span val,
    const struct zs_field *f, struct zs_field_value *v,
    struct zs_details *d)
{
	char		 msg[96];
	enum zs_text_rc	 trc;

	if (zs_json_is(min, val, 'n'))
		return;		/* null: same as absent */
	if (f->kind == ZS_FIELD_INT) {
		if (zs_fields_int(min + val.off, val.len, f->min, f->max,
		    &v->n) == -1) {
			snprintf(msg, sizeof(msg), "must be a whole number "
			    "from %ld to %ld", f->min, f->max);
			bad(v, d, f->name, msg);
			return;
		}
		v->given = 1;
		return;
	}
	if (!zs_json_is(min, val, '"')) {
		bad(v, d, f->name, "must be a string");
		return;
	}
	if (zs_json_str_decode(min, val, v->s, sizeof(v->s), &v->len) == -1)
		trc = ZS_TEXT_LONG;
	else
		trc = zs_text_check(v->s, v->len, ZS_TEXT_MAX_CHARS);
	if (trc != ZS_TEXT_OK) {
		bad(v, d, f->name, zs_text_strerror(trc));
		return;
	}
	if (f->kind == ZS_FIELD_LEASE_ID && (strlen(v->s) != v->len ||
	    !zs_lease_id_ok(v->s))) {
		bad(v, d, f->name, "must be a lease_id from "
		    "POST /inbox/lease");
		return;
	}
	v->given = 1;
}

/* Walks the object's members against the table. */
static void
check_members(const char *min, size_t len, const struct zs_field *fields,
    size_t n, struct zs_field_value *vals, struct zs_details *d)
{
	struct zs_json_span	 key, val;
	char			 name[ZS_BODY_NAME_MAX + 1];
	int			 seen[ZS_FIELDS_MAX] = { 0 };
	size_t			 pos = 0, nlen, i;

	while (zs_json_next_member(min, len, &pos, &key, &val)) {
		nlen = zs_body_key(min, key, name);
		for (i = 0; i < n; i++)
			if (strlen(fields[i].name) == nlen &&
			    memcmp(fields[i].name, name, nlen) == 0)
				break;
		if (i == n)
			zs_details_add(d, name, "is not a known field");
		else if (seen[i]++)
			zs_details_add(d, name, "is given more than once");
		else
			check_value(min, val, &fields[i], &vals[i], d);
	}
	/* null counts as absent: a required field must have a value. */
	for (i = 0; i < n; i++)
		if (fields[i].required && !vals[i].given && !vals[i].bad)
			zs_details_add(d, fields[i].name, "is required");
}

void
zs_fields_parse(const char *json, size_t len, const void *arg, void *value,
    struct zs_details *d)
{
	const struct zs_field_table	*t = arg;

	if (t->n > ZS_FIELDS_MAX)
		abort();	/* a table too long for check_members */
	check_members(json, len, t->fields, t->n, value, d);
}
