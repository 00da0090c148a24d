/*
 * zs-inbox: the worker side. GET /inbox lists (keyset-paged by storage
 * order, so pages never skip or repeat), GET/DELETE /inbox/{id},
 * POST /inbox/{id}/ack and the batch POST /inbox/ack, and the lease
 * calls that are quick: extend, release, redrive (POST /inbox/lease,
 * which may wait, has its own responder, zs-lease).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary/zs_app.h"
#include "parse/zs_ack_batch.h"
#include "parse/zs_cursor.h"
#include "parse/zs_event.h"
#include "parse/zs_fields.h"
#include "parse/zs_json.h"
#include "parse/zs_query.h"
#include "util/zs_time.h"

/* Collects listed events into a JSON array. */
struct list_out {
	struct zs_buf	 b;	/* the reply so far */
	int		 n;	/* events appended */
};

static void
list_one(const struct zs_event *ev, void *arg)
{
	struct list_out	*lo = arg;

	if (lo->n++ > 0)
		zs_buf_puts(&lo->b, ",");
	zs_event_json(&lo->b, ev);
}

static void
get_inbox(struct zs_req *req)
{
	struct zs_list_params	 p;
	struct zs_query_error	 qe;
	struct list_out		 lo;
	struct zs_seal_key	 key;
	enum zs_store_rc	 rc;
	int64_t			 last;
	int			 more;
	char			 cursor[ZS_CURSOR_BUFSZ];

	/* Cursors are sealed with the tenant's key (zs_cursor.h). */
	if ((rc = zs_store_tenant_key(req->tenant, &key)) != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		return;
	}
	if (zs_query_list(req->query, &key, &p, &qe) == -1) {
		zs_reply_invalid(req, qe.unprocessable ?
		    ZS_ERR_VALIDATION_FAILED : ZS_ERR_INVALID_PARAMETER,
		    qe.field, qe.message);
		return;
	}
	if (p.q[0] && !req->cfg->search_index) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, "q",
		    "search is turned off on this server (SEARCH_INDEX=off)");
		return;
	}
	memset(&lo, 0, sizeof(lo));
	zs_buf_init(&lo.b, 0);
	zs_buf_grow(&lo.b, (size_t)p.limit * 512);	/* a typical page */
	zs_buf_puts(&lo.b, "{\"events\":[");
	rc = zs_store_list(req->tenant, &p, list_one, &lo, &more, &last);
	if (rc != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		goto out;
	}
	zs_buf_puts(&lo.b, "],\"next_cursor\":");
	if (more) {
		zs_cursor_encode(&key, last, p.order, cursor);
		zs_buf_json_strz(&lo.b, cursor);
	} else
		zs_buf_puts(&lo.b, "null");
	zs_buf_puts(&lo.b, "}");
	if (lo.b.failed)
		zs_reply_error(req, ZS_ERR_INTERNAL, "the page is too large "
		    "to send; ask for a smaller limit", NULL);
	else
		zs_reply_json(req, 200, &lo.b);
out:
	zs_buf_free(&lo.b);
}

static void
get_event(struct zs_req *req)
{
	struct list_out		 lo;
	enum zs_store_rc	 rc;
	const char		*id = req->id;

	memset(&lo, 0, sizeof(lo));
	zs_buf_init(&lo.b, 0);
	rc = zs_store_get(req->tenant, id, list_one, &lo);
	if (rc == ZS_STORE_OK)
		zs_reply_json(req, 200, &lo.b);
	else
		zs_reply_store(req, rc);
	zs_buf_free(&lo.b);
}

/* The body of an ack, extend or release. */
static const struct zs_field ack_fields[] = {
	{ "lease_id", ZS_FIELD_LEASE_ID, 0, 0, 0 },
};
static const struct zs_field extend_fields[] = {
	{ "lease_id", ZS_FIELD_LEASE_ID, 0, 0, 1 },
	{ "visibility_timeout", ZS_FIELD_INT, 1, ZS_LEASE_TIMEOUT_MAX, 1 },
};
static const struct zs_field release_fields[] = {
	{ "lease_id", ZS_FIELD_LEASE_ID, 0, 0, 1 },
	{ "delay", ZS_FIELD_INT, 0, ZS_LEASE_TIMEOUT_MAX, 0 },
};
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
static const struct zs_field_table ack_table = {
	ack_fields, NFIELDS(ack_fields) };
static const struct zs_field_table extend_table = {
	extend_fields, NFIELDS(extend_fields) };
static const struct zs_field_table release_table = {
	release_fields, NFIELDS(release_fields) };
static const struct zs_field_table redrive_table = { NULL, 0 };

static const struct zs_body_kind ack_body =
    ZS_FIELDS_BODY("acknowledgement", ack_table);
static const struct zs_body_kind extend_body =
    ZS_FIELDS_BODY("extension", extend_table);
static const struct zs_body_kind release_body =
    ZS_FIELDS_BODY("release", release_table);
static const struct zs_body_kind redrive_body =
    ZS_FIELDS_BODY("redrive", redrive_table);

/* Sends {"id", "status", <name>: time}, the reply to a change of state. */
static void
reply_state(struct zs_req *req, const char *id, const char *status,
    const char *name, int64_t ms, const char *more)
{
	struct zs_buf	 b;
	char		 t[ZS_TIME_BUFSZ];

	zs_buf_init(&b, 0);
	zs_buf_printf(&b, "{\"id\":\"%s\",\"status\":\"%s\"", id, status);
	if (name != NULL) {
		zs_time_format(ms, t);
		zs_buf_printf(&b, ",\"%s\":\"%s\"", name, t);
	}
	zs_buf_puts(&b, more ? more : "");
	zs_buf_puts(&b, "}");
	zs_reply_json(req, 200, &b);
	zs_buf_free(&b);
}

static void
ack_event(struct zs_req *req)
{
	const struct zs_field_value *v = req->parsed.value;
	enum zs_store_rc	 rc;
	const char		*id = req->id;
	int64_t			 acked;
	int			 lost;

	rc = zs_store_ack(req->tenant, id, v[0].given ? v[0].s : NULL,
	    &acked, &lost);
	if (rc != ZS_STORE_OK)
		zs_reply_store(req, rc);
	else
		reply_state(req, id, "acknowledged", "acked_at", acked,
		    !v[0].given ? NULL : lost ? ",\"lease_lost\":true" :
		    ",\"lease_lost\":false");
}

static void
extend_lease(struct zs_req *req)
{
	const struct zs_field_value *v = req->parsed.value;
	enum zs_store_rc	 rc;
	const char		*id = req->id;
	int64_t			 until;

	rc = zs_store_extend(req->tenant, id, v[0].s, v[1].n, &until);
	if (rc != ZS_STORE_OK)
		zs_reply_store(req, rc);
	else
		reply_state(req, id, "leased", "lease_expires_at", until,
		    NULL);
}

static void
release_lease(struct zs_req *req)
{
	const struct zs_field_value *v = req->parsed.value;
	enum zs_store_rc	 rc;
	const char		*id = req->id;
	int64_t			 visible;

	rc = zs_store_release(req->tenant, id, v[0].s,
	    v[1].given ? v[1].n : 0, &visible);
	if (rc != ZS_STORE_OK)
		zs_reply_store(req, rc);
	else
		reply_state(req, id, "pending", "visible_at", visible, NULL);
}

static void
redrive_event(struct zs_req *req)
{
	enum zs_store_rc	 rc;
	const char		*id = req->id;

	if ((rc = zs_store_redrive(req->tenant, id)) != ZS_STORE_OK)
		zs_reply_store(req, rc);
	else
		reply_state(req, id, "pending", NULL, 0,
		    ",\"delivery_count\":0");
}

static void
delete_event(struct zs_req *req)
{
	struct zs_buf		 b;
	enum zs_store_rc	 rc;
	const char		*id = req->id;

	if ((rc = zs_store_delete(req->tenant, id)) != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		return;
	}
	zs_buf_init(&b, 0);
	zs_buf_printf(&b, "{\"id\":\"%s\",\"status\":\"deleted\"}", id);
	zs_reply_json(req, 200, &b);
	zs_buf_free(&b);
}

/* Appends the ids whose found[] equals want, as a JSON array. */
static void
id_array(struct zs_buf *b, const char *const *ids, const int *found,
    size_t n, int want)
{
	size_t	 i;
	int	 first = 1;

	zs_buf_puts(b, "[");
	for (i = 0; i < n; i++) {
		if (found[i] != want)
			continue;
		if (!first)
			zs_buf_puts(b, ",");
		first = 0;
		zs_buf_json_strz(b, ids[i]);
	}
	zs_buf_puts(b, "]");
}

/*
 * Decodes the batch's ids into text (b's body holds len bytes, and no id
 * decodes longer than it is quoted), dropping repeats: list[0..*n) are
 * the distinct ids, found[i] set when list[i] can be an event id.
 */
static void
decode_ids(const struct zs_req *req, char *text, const char **list,
    int *found, size_t *n)
{
	const struct zs_ack_batch	*b = req->parsed.value;
	const char			*json = req->parsed.json;
	size_t				 i, j, len, used = 0;

	*n = 0;
	for (i = 0; i < b->n; i++) {
		/* Cannot fail: the span's bytes are room enough. */
		(void)zs_json_str_decode(json, b->ids[i], text + used,
		    b->ids[i].len + 1, &len);
		for (j = 0; j < *n; j++)
			if (strcmp(list[j], text + used) == 0)
				break;
		if (j < *n)
			continue;
		list[*n] = text + used;
		found[*n] = zs_event_id_ok(text + used) &&
		    strlen(text + used) == len;
		(*n)++;
		used += len + 1;
	}
}

static void
ack_batch(struct zs_req *req)
{
	const char		*list[ZS_ACK_BATCH_MAX];
	int			 found[ZS_ACK_BATCH_MAX];
	const char		*valid[ZS_ACK_BATCH_MAX];
	int			 valid_found[ZS_ACK_BATCH_MAX];
	size_t			 n, nvalid = 0, i, j;
	enum zs_store_rc	 rc;
	struct zs_buf		 b;
	char			*text;

	zs_buf_init(&b, 0);
	if ((text = malloc(req->parsed.len + 1)) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
		goto out;
	}
	/* Ids that cannot exist are simply not found. */
	decode_ids(req, text, list, found, &n);
	for (i = 0; i < n; i++)
		if (found[i])
			valid[nvalid++] = list[i];
	rc = zs_store_ack_batch(req->tenant, valid, nvalid, valid_found);
	if (rc != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		goto done;
	}
	for (i = j = 0; i < n; i++)
		if (found[i])
			found[i] = valid_found[j++];
	zs_buf_puts(&b, "{\"acknowledged\":");
	id_array(&b, list, found, n, 1);
	zs_buf_puts(&b, ",\"not_found\":");
	id_array(&b, list, found, n, 0);
	zs_buf_puts(&b, "}");
	zs_reply_json(req, 200, &b);
done:
	free(text);
out:
	zs_buf_free(&b);
}

/* The routes on one event take no query, and {id} is an event id. */
#define ONE_EVENT	 (ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY | ZS_ROUTE_EVENT_ID)
#define ONE_EVENT_BODY	 (ONE_EVENT | ZS_ROUTE_BODY)

static const struct zs_route routes[] = {
	{ ZS_METHOD_GET, "/inbox", ZS_ROUTE_AUTH, get_inbox, NULL },
	{ ZS_METHOD_POST, "/inbox/ack",
	    ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY | ZS_ROUTE_BODY, ack_batch,
	    &zs_ack_batch_kind },
	{ ZS_METHOD_GET, "/inbox/{id}", ONE_EVENT, get_event, NULL },
	{ ZS_METHOD_DELETE, "/inbox/{id}", ONE_EVENT, delete_event, NULL },
	{ ZS_METHOD_POST, "/inbox/{id}/ack", ONE_EVENT_BODY, ack_event, &ack_body },
	{ ZS_METHOD_POST, "/inbox/{id}/extend", ONE_EVENT_BODY, extend_lease,
	    &extend_body },
	{ ZS_METHOD_POST, "/inbox/{id}/release", ONE_EVENT_BODY, release_lease,
	    &release_body },
	{ ZS_METHOD_POST, "/inbox/{id}/redrive", ONE_EVENT_BODY, redrive_event,
	    &redrive_body },
};

int
main(void)
{
	zs_app_run("zs-inbox", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
