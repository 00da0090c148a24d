/* zs_ack_batch: the body of POST /inbox/ack. See zs_ack_batch.h. */
#include <stdio.h>
#include <string.h>

#include "parse/zs_ack_batch.h"

/* Reads the array in json[ids] into b; adds a detail when it is bad. */
static void
read_ids(const char *json, struct zs_json_span ids, struct zs_ack_batch *b,
    struct zs_details *d)
{
	struct zs_json_span	 el;
	char			 field[32];
	size_t			 pos = 0, n = 0;

	if (!zs_json_is(json, ids, '[')) {
		zs_details_add(d, "ids", "must be an array of event ids");
		return;
	}
	while (zs_json_next_element(json + ids.off, ids.len, &pos, &el))
		n++;
	if (n == 0 || n > ZS_ACK_BATCH_MAX) {
		zs_details_add(d, "ids", "must hold 1 to 500 ids");
		return;
	}
	for (pos = 0, n = 0; zs_json_next_element(json + ids.off, ids.len,
	    &pos, &el); n++) {
		el.off += ids.off;
		b->ids[n] = el;
		if (zs_json_is(json, el, '"'))
			continue;
		snprintf(field, sizeof(field), "ids[%zu]", n);
		zs_details_add(d, field, "must be a string");
	}
	b->n = n;
}

static void
parse(const char *json, size_t len, const void *arg, void *value,
    struct zs_details *d)
{
	struct zs_ack_batch	*b = value;
	struct zs_json_span	 key, val;
	char			 name[ZS_BODY_NAME_MAX + 1];
	size_t			 pos = 0, nlen;
	int			 seen = 0;

	(void)arg;
	while (zs_json_next_member(json, len, &pos, &key, &val)) {
		nlen = zs_body_key(json, key, name);
		if (nlen != 3 || memcmp(name, "ids", 3) != 0)
			zs_details_add(d, name, "is not a field of a batch "
			    "acknowledgement");
		else if (seen++)
			zs_details_add(d, name, "is given more than once");
		else
			read_ids(json, val, b, d);
	}
	if (!seen)
		zs_details_add(d, "ids", "is required");
}

const struct zs_body_kind zs_ack_batch_kind = {
	.what = "batch",
	.empty = "the body is empty; send {\"ids\": [...]}",
	.size = sizeof(struct zs_ack_batch),
	.parse = parse,
};
