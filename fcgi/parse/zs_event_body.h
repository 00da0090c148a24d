/*
 * zs_event_body: the body of POST /events, {"source"?, "type"?, "topic"?,
 * "payload"}, as a body kind (zs_body.h). source, type and topic are
 * optional text (null reads as absent); payload is required and must be
 * a JSON object, kept byte for byte as the gate minified it.
 */
#ifndef ZS_EVENT_BODY_H
#define ZS_EVENT_BODY_H

#include "parse/zs_body.h"
#include "parse/zs_json.h"
#include "parse/zs_text.h"

/* An event body, parsed. The payload is a span of the minified body. */
struct zs_event_body {
	char			 source[ZS_TEXT_MAX_BYTES + 1];
	char			 type[ZS_TEXT_MAX_BYTES + 1];
	char			 topic[ZS_TEXT_MAX_BYTES + 1];
	int			 has_source;	/* given and not null */
	int			 has_type;
	int			 has_topic;
	struct zs_json_span	 payload;
};

/* The body kind: its value is a struct zs_event_body. */
extern const struct zs_body_kind zs_event_body_kind;

#endif
