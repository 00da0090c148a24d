/*
 * zs_fields: small JSON object bodies (the lease endpoints', an ack's)
 * checked against a table of fields into plain values, as a body kind
 * (zs_body.h) whose parser is zs_fields_parse and whose argument is the
 * table. Each problem becomes one {field, message} detail of a 422.
 */
#ifndef ZS_FIELDS_H
#define ZS_FIELDS_H

#include <stddef.h>

#include "parse/zs_body.h"
#include "parse/zs_details.h"
#include "parse/zs_text.h"

#define ZS_FIELDS_MAX	 16	/* fields in one table */

enum zs_field_kind {
	ZS_FIELD_INT = 0,	/* a whole number in [min, max] */
	ZS_FIELD_TEXT,		/* 1-128 printable characters (a filter) */
	ZS_FIELD_LEASE_ID,	/* a lease id from POST /inbox/lease */
};

struct zs_field {
	const char		*name;
	enum zs_field_kind	 kind;
	long			 min;		/* ZS_FIELD_INT */
	long			 max;		/* ZS_FIELD_INT */
	int			 required;
};

/* One field's value, once checked. */
struct zs_field_value {
	int	 given;				/* present and not null */
	int	 bad;				/* present, and refused */
	long	 n;				/* ZS_FIELD_INT */
	char	 s[ZS_TEXT_MAX_BYTES + 1];	/* TEXT, LEASE_ID */
	size_t	 len;				/* bytes in s */
};

/* The fields a body may have; the value parsed is vals[n]. */
struct zs_field_table {
	const struct zs_field	*fields;
	size_t			 n;		/* at most ZS_FIELDS_MAX */
};

/* Declares the body kind of a field table: what names the body in a 422,
 * and no body reads as an empty object. */
#define ZS_FIELDS_BODY(what, table) {					\
	(what), NULL, sizeof(struct zs_field_value[ZS_FIELDS_MAX]),	\
	zs_fields_parse, &(table) }

/*
 * A zs_body_kind parser: checks the members of the object json[0..len)
 * against the zs_field_table arg, filling value (struct zs_field_value
 * [n]) in the table's order.
 */
void	 zs_fields_parse(const char *json, size_t len, const void *arg,
	    void *value, struct zs_details *d);
/* Reads a JSON number's text as a whole number in [min, max]; 0 or -1. */
int	 zs_fields_int(const char *text, size_t len, long min, long max,
	    long *out);

#endif
