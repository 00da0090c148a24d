/*
 * zs_ack_batch: the body of POST /inbox/ack, {"ids": ["evt_...", ...]},
 * as a body kind (zs_body.h): 1 to ZS_ACK_BATCH_MAX strings. The ids are
 * spans of the minified body, still JSON-quoted: any string is accepted
 * here (one that is not an event id is simply not found).
 */
#ifndef ZS_ACK_BATCH_H
#define ZS_ACK_BATCH_H

#include <stddef.h>

#include "parse/zs_body.h"
#include "parse/zs_json.h"
#include "store/zs_store.h"

struct zs_ack_batch {
	size_t			 n;
	struct zs_json_span	 ids[ZS_ACK_BATCH_MAX];	/* quoted strings */
};

/* The body kind: its value is a struct zs_ack_batch. */
extern const struct zs_body_kind zs_ack_batch_kind;

#endif
