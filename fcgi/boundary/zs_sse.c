/* zs_sse: event-stream frames. See zs_sse.h. */
#include <string.h>

#include "boundary/zs_sse.h"
#include "parse/zs_event.h"
#include "util/zs_time.h"

/* Per change kind: the SSE event name, the status it leaves the event
 * in, and the name of its time field. */
static const struct {
	const char	*event;
	const char	*status;
	const char	*at;
} kinds[ZS_CHANGE__MAX] = {
	{ "event.created", "pending", "created_at" },
	{ "event.acknowledged", "acknowledged", "acked_at" },
	{ "event.deleted", "deleted", NULL },
	{ "event.leased", "leased", "leased_at" },
	{ "event.released", "pending", "released_at" },
	{ "event.dead_lettered", "dead", "dead_at" },
	{ "event.redriven", "pending", "redriven_at" },
};

/* Appends ,"name":"time". */
static void
time_field(struct zs_buf *b, const char *name, int64_t ms)
{
	char	 t[ZS_TIME_BUFSZ];

	zs_time_format(ms, t);
	zs_buf_printf(b, ",\"%s\":\"%s\"", name, t);
}

int
zs_sse_frame(struct zs_buf *b, const struct zs_change *c, int64_t id)
{
	if ((unsigned)c->kind >= ZS_CHANGE__MAX ||
	    (c->kind == ZS_CHANGE_CREATED && !c->has_event))
		return -1;
	zs_buf_printf(b, "id: %lld\nevent: %s\ndata: ", (long long)id,
	    kinds[c->kind].event);
	if (c->kind == ZS_CHANGE_CREATED)
		zs_event_json(b, &c->event);
	else {
		zs_buf_puts(b, "{\"id\":");
		zs_buf_json_strz(b, c->event_id);
		zs_buf_printf(b, ",\"status\":\"%s\"", kinds[c->kind].status);
		if (kinds[c->kind].at != NULL)
			time_field(b, kinds[c->kind].at, c->at);
		if (c->kind == ZS_CHANGE_LEASED && c->until >= 0)
			time_field(b, "lease_expires_at", c->until);
		if (c->kind == ZS_CHANGE_RELEASED)	/* at once: now */
			time_field(b, "visible_at", c->until >= 0 ? c->until :
			    c->at);
		if (c->deliveries >= 0)
			zs_buf_printf(b, ",\"delivery_count\":%lld",
			    (long long)c->deliveries);
		zs_buf_puts(b, "}");
	}
	zs_buf_puts(b, "\n\n");
	return 0;
}

/* Nonzero when want is NULL (any), equals have, or, as a prefix, starts it. */
static int
field_ok(const char *want, int prefix, const char *have)
{
	if (want == NULL)
		return 1;
	if (have == NULL)
		return 0;
	return prefix ? strncmp(have, want, strlen(want)) == 0 :
	    strcmp(want, have) == 0;
}

int
zs_sse_match(const struct zs_sse_filter *f, const char *tenant,
    const char *source, const char *type, const char *topic)
{
	return strcmp(f->tenant, tenant) == 0 &&
	    field_ok(f->topic, f->topic_prefix, topic) &&
	    field_ok(f->type, f->type_prefix, type) &&
	    field_ok(f->source, f->source_prefix, source);
}
