/* zs_sse: event-stream frames. See zs_sse.h. */
#include <string.h>

#include "zs_event.h"
#include "zs_sse.h"
#include "zs_time.h"

static const char *const event_names[ZS_CHANGE__MAX] = {
	"event.created", "event.acknowledged", "event.deleted",
};

int
zs_sse_frame(struct zs_buf *b, const struct zs_change *c)
{
	char	 t[ZS_TIME_BUFSZ];

	if (c->kind == ZS_CHANGE_CREATED && !c->has_event)
		return -1;
	zs_buf_printf(b, "id: %lld\nevent: %s\ndata: ", (long long)c->seq,
	    event_names[c->kind]);
	switch (c->kind) {
	case ZS_CHANGE_CREATED:
		zs_event_json(b, &c->event);
		break;
	case ZS_CHANGE_ACKNOWLEDGED:
		zs_time_format(c->at, t);
		zs_buf_puts(b, "{\"id\":");
		zs_buf_json_strz(b, c->event_id);
		zs_buf_printf(b, ",\"status\":\"acknowledged\","
		    "\"acked_at\":\"%s\"}", t);
		break;
	case ZS_CHANGE_DELETED:
	case ZS_CHANGE__MAX:
		zs_buf_puts(b, "{\"id\":");
		zs_buf_json_strz(b, c->event_id);
		zs_buf_puts(b, ",\"status\":\"deleted\"}");
		break;
	}
	zs_buf_puts(b, "\n\n");
	return 0;
}

/* Nonzero when want is NULL (any) or equals have. */
static int
field_ok(const char *want, const char *have)
{
	return want == NULL || (have != NULL && strcmp(want, have) == 0);
}

int
zs_sse_match(const struct zs_sse_filter *f, const char *tenant,
    const char *source, const char *type, const char *topic)
{
	return strcmp(f->tenant, tenant) == 0 && field_ok(f->topic, topic) &&
	    field_ok(f->type, type) && field_ok(f->source, source);
}
