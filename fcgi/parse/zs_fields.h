/*
 * zs_fields: small JSON object bodies (the lease endpoints', an ack's)
 * checked against a table of fields into plain values. Each problem
 * becomes one {field, message} detail of a 422. Replies are not made
 * here: zs_req_fields() in zs_app.c makes them.
 */
#ifndef ZS_FIELDS_H
#define ZS_FIELDS_H

#include <stddef.h>

#include "boundary/zs_details.h"
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

enum zs_fields_rc {
	ZS_FIELDS_OK = 0,
	ZS_FIELDS_JSON,		/* not one JSON text: msg says why (400) */
	ZS_FIELDS_INVALID,	/* the wrong shape: d lists each field (422) */
	ZS_FIELDS_NOMEM,	/* msg says so (500) */
};

/*
 * Checks a request body (NULL: none, read as an empty object) as a JSON
 * object whose members are among fields[0..n) (n <= ZS_FIELDS_MAX),
 * filling vals[i] for fields[i]. Problems go to d (one detail each) or,
 * for a body that is not JSON, to msg.
 */
enum zs_fields_rc zs_fields_check(const char *body, size_t len,
	    const struct zs_field *fields, size_t n,
	    struct zs_field_value *vals, struct zs_details *d, char *msg,
	    size_t msgsz);
/* Reads a JSON number's text as a whole number in [min, max]; 0 or -1. */
int	 zs_fields_int(const char *text, size_t len, long min, long max,
	    long *out);

#endif
