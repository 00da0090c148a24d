/*
 * libFuzzer target: the body of POST /events, through the one body path
 * (zs_body.c) and the event parser (zs_event_body.c). Whatever the input,
 * an accepted event must have a payload that is a JSON object inside the
 * minified body, and source, type and topic that pass the text check; a
 * refused one must say why.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/zs_event_body.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Aborts unless the optional text is absent or well formed. */
static void
check_text(int has, const char *s)
{
	if (has && zs_text_check(s, strlen(s), ZS_TEXT_MAX_CHARS) !=
	    ZS_TEXT_OK)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const struct zs_event_body *eb;
	struct zs_body		 body;
	struct zs_details	 d;
	enum zs_body_rc		 rc;
	char			 msg[128];

	zs_details_init(&d);
	rc = zs_body_parse(&zs_event_body_kind, (const char *)data, size,
	    &body, &d, msg, sizeof(msg));
	if (rc == ZS_BODY_INVALID && d.n == 0)
		abort();
	if (rc == ZS_BODY_OK) {
		eb = body.value;
		if (d.n != 0 || eb->payload.len < 2 ||
		    eb->payload.off + eb->payload.len > body.len ||
		    body.json[eb->payload.off] != '{' ||
		    body.json[eb->payload.off + eb->payload.len - 1] != '}')
			abort();
		check_text(eb->has_source, eb->source);
		check_text(eb->has_type, eb->type);
		check_text(eb->has_topic, eb->topic);
	}
	zs_body_free(&body);
	zs_details_free(&d);
	return 0;
}
