/* zs_event_body: the body of POST /events. See zs_event_body.h. */
#include <stdio.h>
#include <string.h>

#include "parse/zs_event_body.h"

/* The top-level fields of an event body. */
enum field { F_SOURCE, F_TYPE, F_TOPIC, F_PAYLOAD, F__MAX };

static const char *const field_names[F__MAX] = {
	"source", "type", "topic", "payload",
};

/*
 * Checks one of source/type/topic into text (ZS_TEXT_MAX_BYTES + 1
 * bytes); sets *has, or adds a detail when it is bad.
 */
static void
check_text(const char *json, struct zs_json_span val, enum field f,
    char *text, int *has, struct zs_details *d)
{
	size_t		 len;
	enum zs_text_rc	 rc;

	if (zs_json_is(json, val, 'n'))
		return;		/* null: same as absent */
	if (!zs_json_is(json, val, '"')) {
		zs_details_add(d, field_names[f], "must be a string");
		return;
	}
	if (zs_json_str_decode(json, val, text, ZS_TEXT_MAX_BYTES + 1,
	    &len) == -1)
		rc = ZS_TEXT_LONG;
	else
		rc = zs_text_check(text, len, ZS_TEXT_MAX_CHARS);
	if (rc != ZS_TEXT_OK) {
		zs_details_add(d, field_names[f], zs_text_strerror(rc));
		return;
	}
	*has = 1;
}

/* Walks the body's members into value, collecting problems in d. */
static void
parse(const char *json, size_t len, const void *arg, void *value,
    struct zs_details *d)
{
	struct zs_event_body	*eb = value;
	struct zs_json_span	 key, val;
	char			 name[ZS_BODY_NAME_MAX + 1];
	size_t			 pos = 0, nlen;
	int			 f, seen[F__MAX] = { 0 };

	(void)arg;
	while (zs_json_next_member(json, len, &pos, &key, &val)) {
		nlen = zs_body_key(json, key, name);
		for (f = 0; f < F__MAX; f++)
			if (strlen(field_names[f]) == nlen &&
			    memcmp(field_names[f], name, nlen) == 0)
				break;
		if (f == F__MAX) {
			zs_details_add(d, name, "is not a field of an event; "
			    "put your data in payload");
			continue;
		}
		if (seen[f]++) {
			zs_details_add(d, name, "is given more than once");
			continue;
		}
		switch (f) {
		case F_SOURCE:
			check_text(json, val, F_SOURCE, eb->source,
			    &eb->has_source, d);
			break;
		case F_TYPE:
			check_text(json, val, F_TYPE, eb->type, &eb->has_type,
			    d);
			break;
		case F_TOPIC:
			check_text(json, val, F_TOPIC, eb->topic,
			    &eb->has_topic, d);
			break;
		default:
			if (!zs_json_is(json, val, '{'))
				zs_details_add(d, name, "must be a JSON "
				    "object");
			else
				eb->payload = val;
			break;
		}
	}
	if (!seen[F_PAYLOAD])
		zs_details_add(d, "payload", "is required");
}

const struct zs_body_kind zs_event_body_kind = {
	.what = "event",
	.empty = "the body is empty; send a JSON object with a payload",
	.size = sizeof(struct zs_event_body),
	.parse = parse,
};
