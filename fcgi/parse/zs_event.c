/* zs_event: event JSON and id syntax. See zs_event.h. */
#include <string.h>

#include "parse/zs_event.h"
#include "util/zs_random.h"
#include "util/zs_time.h"
#include "util/zs_ulid.h"

const char *
zs_event_status_name(enum zs_status_filter s)
{
	static const char *const names[ZS_STATUS__MAX] = {
		"pending", "leased", "acknowledged", "dead", "all",
	};

	return (unsigned)s < ZS_STATUS__MAX ? names[s] : "pending";
}

void
zs_event_set_status(struct zs_event *ev, int64_t visible, int64_t now)
{
	ev->lease_expires_ms = -1;
	ev->visible_ms = -1;
	if (ev->acked_ms >= 0)
		ev->status = ZS_STATUS_ACKED;
	else if (ev->dead_ms >= 0)
		ev->status = ZS_STATUS_DEAD;
	else if (ev->lease_id != NULL && visible > now) {
		ev->status = ZS_STATUS_LEASED;
		ev->lease_expires_ms = visible;
	} else {
		ev->status = ZS_STATUS_PENDING;
		if (visible > now)	/* released with a delay */
			ev->visible_ms = visible;
	}
	if (ev->status != ZS_STATUS_DEAD)
		ev->dead_ms = -1;
}

/* Appends ,"name":"time" or ,"name":null when ms < 0 (name is plain). */
static void
time_field(struct zs_buf *b, const char *name, int64_t ms)
{
	char	 t[ZS_TIME_BUFSZ];

	ZS_BUF_LIT(b, ",\"");
	zs_buf_puts(b, name);
	if (ms < 0) {
		ZS_BUF_LIT(b, "\":null");
		return;
	}
	zs_time_format(ms, t);
	ZS_BUF_LIT(b, "\":\"");
	zs_buf_append(b, t, ZS_TIME_BUFSZ - 1);
	ZS_BUF_LIT(b, "\"");
}

static void
event_json(struct zs_buf *b, const struct zs_event *ev, int with_lease)
{
	ZS_BUF_LIT(b, "{\"id\":");
	zs_buf_json_strz(b, ev->id);
	time_field(b, "created_at", ev->created_ms);
	ZS_BUF_LIT(b, ",\"source\":");
	zs_buf_json_strz(b, ev->source);
	ZS_BUF_LIT(b, ",\"type\":");
	zs_buf_json_strz(b, ev->type);
	ZS_BUF_LIT(b, ",\"topic\":");
	zs_buf_json_strz(b, ev->topic);
	ZS_BUF_LIT(b, ",\"payload\":");
	zs_buf_append(b, ev->payload, ev->payload_len);
	ZS_BUF_LIT(b, ",\"status\":\"");
	zs_buf_puts(b, zs_event_status_name(ev->status));
	ZS_BUF_LIT(b, "\"");
	time_field(b, "acked_at", ev->acked_ms);
	ZS_BUF_LIT(b, ",\"delivery_count\":");
	zs_buf_put_int(b, ev->delivery_count);
	if (ev->status == ZS_STATUS_LEASED)
		time_field(b, "lease_expires_at", ev->lease_expires_ms);
	if (ev->status == ZS_STATUS_DEAD)
		time_field(b, "dead_at", ev->dead_ms);
	if (ev->status == ZS_STATUS_PENDING && ev->visible_ms >= 0)
		time_field(b, "visible_at", ev->visible_ms);
	if (with_lease) {
		ZS_BUF_LIT(b, ",\"lease_id\":");
		zs_buf_json_strz(b, ev->lease_id);
	}
	ZS_BUF_LIT(b, "}");
}

void
zs_event_json(struct zs_buf *b, const struct zs_event *ev)
{
	event_json(b, ev, 0);
}

void
zs_event_json_leased(struct zs_buf *b, const struct zs_event *ev)
{
	event_json(b, ev, 1);
}

/* Nonzero when the n characters at s are upper-case Crockford base32
 * making a valid ULID (lower case is refused: ids are made upper case). */
static int
ulid_chars_ok(const char *s)
{
	struct zs_ulid	 u;
	size_t		 i;

	for (i = 0; i < ZS_ULID_LEN; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			return 0;
	return zs_ulid_decode(s, &u) == 0;
}

int
zs_event_id_ok(const char *s)
{
	return strncmp(s, "evt_", 4) == 0 && strlen(s) == ZS_EVENT_ID_LEN &&
	    ulid_chars_ok(s + 4);
}

int
zs_lease_id_make(char out[ZS_LEASE_ID_LEN + 1])
{
	unsigned char	 r[16];
	struct zs_ulid	 u;

	if (zs_random(r, sizeof(r)) == -1)
		return -1;
	/* A ULID's 128 bits, all random: 48 "time" bits, then 80. */
	u.ms = (uint64_t)r[0] << 40 | (uint64_t)r[1] << 32 |
	    (uint64_t)r[2] << 24 | (uint64_t)r[3] << 16 |
	    (uint64_t)r[4] << 8 | r[5];
	u.rand_hi = (uint16_t)(r[6] << 8 | r[7]);
	memcpy(&u.rand_lo, r + 8, sizeof(u.rand_lo));
	memcpy(out, "lse_", 4);
	zs_ulid_encode(&u, out + 4);
	return 0;
}

int
zs_lease_id_ok(const char *s)
{
	return strncmp(s, "lse_", 4) == 0 && strlen(s) == ZS_LEASE_ID_LEN &&
	    ulid_chars_ok(s + 4);
}
