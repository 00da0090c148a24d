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

#include <json-c/json.h>

#include "boundary/zs_app.h"
#include "boundary/zs_serve.h"
#include "parse/zs_cursor.h"
#include "parse/zs_event.h"
#include "parse/zs_json.h"
#include "parse/zs_query.h"
#include "util/zs_time.h"

/* Refuses any query parameter; returns 0 or -1 after replying. */
static int
no_query(struct zs_req *req)
{
	struct zs_query_error	 qe;

	if (zs_query_none(req->query, &qe) == 0)
		return 0;
	zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, qe.field, qe.message);
	return -1;
}

/* The {id} of the path, or NULL after replying 404 for a malformed id. */
static const char *
path_id(struct zs_req *req)
{
	if (zs_event_id_ok(req->id))
		return req->id;
	zs_reply_store(req, ZS_STORE_NOTFOUND);
	return NULL;
}

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
	enum zs_store_rc	 rc;
	int64_t			 last;
	int			 more;
	char			 cursor[ZS_CURSOR_BUFSZ];

	if (zs_query_list(req->query, &p, &qe) == -1) {
		zs_reply_invalid(req, ZS_ERR_INVALID_PARAMETER, qe.field,
		    qe.message);
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
		zs_cursor_encode(last, p.order, cursor);
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
	const char		*id;

	if (no_query(req) == -1 || (id = path_id(req)) == NULL)
		return;
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
	struct zs_field_value	 v[NFIELDS(ack_fields)];
	enum zs_store_rc	 rc;
	const char		*id;
	int64_t			 acked;
	int			 lost;

	if (no_query(req) == -1 || (id = path_id(req)) == NULL ||
	    zs_req_fields(req, ack_fields, NFIELDS(ack_fields), v,
	    "acknowledgement") == -1)
		return;
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
	struct zs_field_value	 v[NFIELDS(extend_fields)];
	enum zs_store_rc	 rc;
	const char		*id;
	int64_t			 until;

	if (no_query(req) == -1 || (id = path_id(req)) == NULL ||
	    zs_req_fields(req, extend_fields, NFIELDS(extend_fields), v,
	    "extension") == -1)
		return;
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
	struct zs_field_value	 v[NFIELDS(release_fields)];
	enum zs_store_rc	 rc;
	const char		*id;
	int64_t			 visible;

	if (no_query(req) == -1 || (id = path_id(req)) == NULL ||
	    zs_req_fields(req, release_fields, NFIELDS(release_fields), v,
	    "release") == -1)
		return;
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
	const char		*id;

	if (no_query(req) == -1 || (id = path_id(req)) == NULL ||
	    zs_req_fields(req, NULL, 0, NULL, "redrive") == -1)
		return;
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
	const char		*id;

	if (no_query(req) == -1 || (id = path_id(req)) == NULL)
		return;
	if ((rc = zs_store_delete(req->tenant, id)) != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		return;
	}
	zs_buf_init(&b, 0);
	zs_buf_printf(&b, "{\"id\":\"%s\",\"status\":\"deleted\"}", id);
	zs_reply_json(req, 200, &b);
	zs_buf_free(&b);
}

/*
 * Parses {"ids": [...]} (already through the strict gate) with json-c.
 * Returns the ids array (owned by root), or NULL after replying 422.
 */
static struct json_object *
batch_ids(struct zs_req *req, struct json_object *root)
{
	struct json_object	*ids = NULL, *el;
	struct zs_details	 d;
	char			 field[32];
	size_t			 i, n;

	zs_details_init(&d);
	if (!json_object_is_type(root, json_type_object)) {
		zs_details_add(&d, "body", "must be a JSON object");
		goto fail;
	}
	json_object_object_foreach(root, key, val) {
		if (strcmp(key, "ids") != 0)
			zs_details_add(&d, key, "is not a field of a batch "
			    "acknowledgement");
		else
			ids = val;
	}
	if (ids == NULL)
		zs_details_add(&d, "ids", "is required");
	else if (!json_object_is_type(ids, json_type_array))
		zs_details_add(&d, "ids", "must be an array of event ids");
	else if ((n = json_object_array_length(ids)) == 0 ||
	    n > ZS_ACK_BATCH_MAX)
		zs_details_add(&d, "ids", "must hold 1 to 500 ids");
	else
		for (i = 0; i < n; i++) {
			el = json_object_array_get_idx(ids, i);
			if (json_object_is_type(el, json_type_string))
				continue;
			snprintf(field, sizeof(field), "ids[%zu]", i);
			zs_details_add(&d, field, "must be a string");
		}
	if (d.n == 0) {
		zs_details_free(&d);
		return ids;
	}
fail:
	zs_reply_error(req, ZS_ERR_VALIDATION_FAILED,
	    "the batch is not valid; see details", &d);
	zs_details_free(&d);
	return NULL;
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

static void
ack_batch(struct zs_req *req)
{
	struct json_tokener	*tok = NULL;
	struct json_object	*root = NULL, *ids;
	const char		*list[ZS_ACK_BATCH_MAX];
	int			 found[ZS_ACK_BATCH_MAX];
	const char		*valid[ZS_ACK_BATCH_MAX];
	size_t			 n = 0, nvalid = 0, i, j, total;
	int			 valid_found[ZS_ACK_BATCH_MAX];
	enum zs_json_rc		 jrc;
	enum zs_store_rc	 rc;
	struct zs_buf		 b;
	char			*min = NULL, msg[128];
	size_t			 minlen, erroff;

	zs_buf_init(&b, 0);
	if (no_query(req) == -1)
		goto out;
	if (req->body == NULL) {
		zs_reply_error(req, ZS_ERR_INVALID_JSON, "the body is empty; "
		    "send {\"ids\": [...]}", NULL);
		goto out;
	}
	if ((min = malloc(req->body_len + 1)) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
		goto out;
	}
	jrc = zs_json_check(req->body, req->body_len, min, &minlen, &erroff);
	if (jrc != ZS_JSON_OK) {
		snprintf(msg, sizeof(msg), "the body is not valid JSON: %s "
		    "(at byte %zu)", zs_json_strerror(jrc), erroff);
		zs_reply_error(req, ZS_ERR_INVALID_JSON, msg, NULL);
		goto out;
	}
	tok = json_tokener_new_ex(ZS_JSON_MAX_DEPTH + 1);
	if (tok == NULL || (root = json_tokener_parse_ex(tok, min,
	    (int)minlen)) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "the JSON parser failed",
		    NULL);
		goto out;
	}
	if ((ids = batch_ids(req, root)) == NULL)
		goto out;

	/* Drop repeats; ids that cannot exist are simply not found. */
	total = json_object_array_length(ids);
	for (i = 0; i < total; i++) {
		const char *s = json_object_get_string(
		    json_object_array_get_idx(ids, i));
		for (j = 0; j < n; j++)
			if (strcmp(list[j], s) == 0)
				break;
		if (j < n)
			continue;
		list[n] = s;
		found[n] = zs_event_id_ok(s) &&
		    strlen(s) == (size_t)json_object_get_string_len(
		    json_object_array_get_idx(ids, i));
		if (found[n])
			valid[nvalid++] = s;
		n++;
	}
	rc = zs_store_ack_batch(req->tenant, valid, nvalid, valid_found);
	if (rc != ZS_STORE_OK) {
		zs_reply_store(req, rc);
		goto out;
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
out:
	json_object_put(root);
	if (tok != NULL)
		json_tokener_free(tok);
	free(min);
	zs_buf_free(&b);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_GET, "/inbox", ZS_ROUTE_AUTH, get_inbox },
	{ ZS_METHOD_POST, "/inbox/ack", ZS_ROUTE_AUTH | ZS_ROUTE_BODY,
	    ack_batch },
	{ ZS_METHOD_GET, "/inbox/{id}", ZS_ROUTE_AUTH, get_event },
	{ ZS_METHOD_DELETE, "/inbox/{id}", ZS_ROUTE_AUTH, delete_event },
	{ ZS_METHOD_POST, "/inbox/{id}/ack", ZS_ROUTE_AUTH | ZS_ROUTE_BODY,
	    ack_event },
	{ ZS_METHOD_POST, "/inbox/{id}/extend", ZS_ROUTE_AUTH | ZS_ROUTE_BODY,
	    extend_lease },
	{ ZS_METHOD_POST, "/inbox/{id}/release", ZS_ROUTE_AUTH | ZS_ROUTE_BODY,
	    release_lease },
	{ ZS_METHOD_POST, "/inbox/{id}/redrive", ZS_ROUTE_AUTH | ZS_ROUTE_BODY,
	    redrive_event },
};

int
main(void)
{
	zs_app_run("zs-inbox", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
