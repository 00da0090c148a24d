/* zs_event: event JSON and id syntax. See zs_event.h. */
#include <string.h>

#include "zs_event.h"
#include "zs_time.h"
#include "zs_ulid.h"

void
zs_event_json(struct zs_buf *b, const struct zs_event *ev)
{
	char	 t[ZS_TIME_BUFSZ];

	zs_time_format(ev->created_ms, t);
	zs_buf_puts(b, "{\"id\":");
	zs_buf_json_strz(b, ev->id);
	zs_buf_printf(b, ",\"created_at\":\"%s\",\"source\":", t);
	zs_buf_json_strz(b, ev->source);
	zs_buf_puts(b, ",\"type\":");
	zs_buf_json_strz(b, ev->type);
	zs_buf_puts(b, ",\"topic\":");
	zs_buf_json_strz(b, ev->topic);
	zs_buf_puts(b, ",\"payload\":");
	zs_buf_append(b, ev->payload, ev->payload_len);
	if (ev->acked_ms < 0)
		zs_buf_puts(b, ",\"status\":\"pending\",\"acked_at\":null}");
	else {
		zs_time_format(ev->acked_ms, t);
		zs_buf_printf(b, ",\"status\":\"acknowledged\","
		    "\"acked_at\":\"%s\"}", t);
	}
}

int
zs_event_id_ok(const char *s)
{
	struct zs_ulid	 u;
	size_t		 i;

	if (strncmp(s, "evt_", 4) != 0 || strlen(s) != ZS_EVENT_ID_LEN)
		return 0;
	for (i = 4; i < ZS_EVENT_ID_LEN; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			return 0;
	return zs_ulid_decode(s + 4, &u) == 0;
}
