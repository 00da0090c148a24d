/*
 * zs_store on PostgreSQL: events. Writes run in one transaction that first
 * locks zs_state (zs_pg_begin), exactly as SQLite's run inside
 * BEGIN IMMEDIATE: a batch of inserts is one commit, an idempotency key is
 * looked up and stored in the transaction that stores its event, and a
 * statement that fails dooms the transaction (nothing is half-stored).
 */
#include <stdio.h>
#include <string.h>

#include "util/zs_log.h"
#include "store/postgres/zs_pg.h"
#include "store/zs_store_ops.h"
#include "util/zs_time.h"

/*
 * Looks up a live idempotency key inside the open transaction:
 * ZS_STORE_NOTFOUND when there is none, ZS_STORE_OK with out filled for a
 * replay, ZS_STORE_CONFLICT for another body.
 */
static enum zs_store_rc
idem_lookup(const struct zs_new_event *ev, int64_t now,
    struct zs_inserted *out)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	PGresult		*r;
	const char		*id;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, ev->tenant);
	zs_pg_p_str(&p, ev->idem_key);
	zs_pg_p_int(&p, now);
	zs_pg_p_bin(&p, ev->body_hash, sizeof(ev->body_hash));
	if ((rc = zs_pg_exec(PG_IDEM_GET, &p, &r)) != ZS_STORE_OK)
		return rc;
	if (PQntuples(r) == 0)
		rc = ZS_STORE_NOTFOUND;
	else if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		rc = ZS_STORE_CONFLICT;
	else {
		id = zs_pg_text(r, 0, 1);
		snprintf(out->id, sizeof(out->id), "%s", id ? id : "");
		out->created_ms = zs_pg_int(r, 0, 2, 0);
		out->replayed = 1;
	}
	PQclear(r);
	return rc;
}

/*
 * Makes the next event id after *last (the ULID in zs_state, read when
 * the transaction locked it) and remembers it in *last; the batch writes
 * the last one back to zs_state before COMMIT (one statement, not one
 * per event).
 */
static enum zs_store_rc
next_id(int64_t now, char *last, char id[ZS_EVENT_ID_LEN + 1])
{
	struct zs_ulid		 prev, next;
	int			 have_prev;

	have_prev = zs_ulid_decode(last, &prev) == 0;
	if (zs_ulid_next(have_prev ? &prev : NULL, (uint64_t)now, &next)) {
		zs_log("getrandom failed");
		return ZS_STORE_ERROR;
	}
	memcpy(id, "evt_", 4);
	zs_ulid_encode(&next, id + 4);
	memcpy(last, id + 4, ZS_ULID_LEN + 1);
	return ZS_STORE_OK;
}

/*
 * Stores one event inside the open transaction: ZS_STORE_OK (with
 * out->replayed set for an idempotent replay), ZS_STORE_CONFLICT (nothing
 * written), or an error that dooms the transaction.
 */
static enum zs_store_rc
insert_one(const struct zs_new_event *ev, int64_t now, char *last,
    struct zs_inserted *out)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;

	memset(out, 0, sizeof(*out));
	if (ev->idem_key != NULL) {
		rc = idem_lookup(ev, now, out);
		if (rc != ZS_STORE_NOTFOUND)
			return rc;	/* replay, conflict or error */
	}
	if ((rc = next_id(now, last, out->id)) != ZS_STORE_OK)
		return rc;
	out->created_ms = now;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, out->id);
	zs_pg_p_str(&p, ev->tenant);
	zs_pg_p_int(&p, now);
	zs_pg_p_str(&p, ev->source);
	zs_pg_p_str(&p, ev->type);
	zs_pg_p_str(&p, ev->topic);
	zs_pg_p_text(&p, ev->payload, ev->payload_len);
	if ((rc = zs_pg_run(PG_EVENT_INSERT, &p, NULL)) != ZS_STORE_OK ||
	    ev->idem_key == NULL)
		return rc;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, ev->tenant);
	zs_pg_p_str(&p, ev->idem_key);
	zs_pg_p_bin(&p, ev->body_hash, sizeof(ev->body_hash));
	zs_pg_p_str(&p, out->id);
	zs_pg_p_int(&p, now);
	zs_pg_p_int(&p, now + zs_pg_cfg()->idem_ttl_hours * 3600 * 1000);
	return zs_pg_run(PG_IDEM_PUT, &p, NULL);
}

enum zs_store_rc
zs_pg_insert_batch(const struct zs_new_event *const *evs,
    struct zs_inserted *outs, enum zs_store_rc *rcs, size_t n)
{
	char			 last[ZS_ULID_LEN + 1], was[ZS_ULID_LEN + 1];
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	int64_t			 now;
	size_t			 i;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_pg_begin(last, sizeof(last))) != ZS_STORE_OK)
		goto fail;
	memcpy(was, last, sizeof(was));
	now = zs_time_now_ms();
	for (i = 0; i < n; i++) {
		rcs[i] = insert_one(evs[i], now, last, &outs[i]);
		if (rcs[i] != ZS_STORE_OK && rcs[i] != ZS_STORE_CONFLICT) {
			rc = zs_pg_rollback(rcs[i]);
			goto fail;
		}
	}
	zs_pg_p_init(&p);
	zs_pg_p_str(&p, last);
	if ((strcmp(last, was) != 0 &&
	    (rc = zs_pg_run(PG_ULID_PUT, &p, NULL)) != ZS_STORE_OK) ||
	    (rc = zs_pg_commit()) != ZS_STORE_OK) {
		rc = zs_pg_rollback(rc);
		goto fail;
	}
	return ZS_STORE_OK;
fail:
	for (i = 0; i < n; i++)
		rcs[i] = rc;
	return rc;
}

enum zs_store_rc
zs_pg_list(const char *tenant, const struct zs_list_params *lp,
    zs_event_fn fn, void *arg, int *more, int64_t *last_seq)
{
	static const enum pgst which[ZS_STATUS__MAX][ZS_ORDER__MAX] = {
		{ PG_LIST_PENDING_ASC, PG_LIST_PENDING_DESC },
		{ PG_LIST_LEASED_ASC, PG_LIST_LEASED_DESC },
		{ PG_LIST_ACKED_ASC, PG_LIST_ACKED_DESC },
		{ PG_LIST_DEAD_ASC, PG_LIST_DEAD_DESC },
		{ PG_LIST_ALL_ASC, PG_LIST_ALL_DESC },
	};
	int64_t			 now = zs_time_now_ms();
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	struct zs_event		 ev;
	PGresult		*r;
	int			 i, rows;

	*more = 0;
	*last_seq = -1;
	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_int(&p, lp->after_seq >= 0 ? lp->after_seq :
	    (lp->order == ZS_ORDER_ASC ? -1 : INT64_MAX));
	zs_pg_p_int(&p, lp->since_ms);
	zs_pg_p_text(&p, lp->topic.len ? lp->topic.s : NULL, lp->topic.len);
	zs_pg_p_text(&p, lp->type.len ? lp->type.s : NULL, lp->type.len);
	zs_pg_p_text(&p, lp->source.len ? lp->source.s : NULL,
	    lp->source.len);
	zs_pg_p_int(&p, lp->limit + 1);
	if (lp->status == ZS_STATUS_PENDING || lp->status == ZS_STATUS_LEASED)
		zs_pg_p_int(&p, now);
	if ((rc = zs_pg_exec(which[lp->status][lp->order], &p, &r)) !=
	    ZS_STORE_OK)
		return rc;
	rows = PQntuples(r);
	for (i = 0; i < rows; i++) {
		if (i == lp->limit) {
			*more = 1;
			break;
		}
		zs_pg_read_event(r, i, now, &ev);
		fn(&ev, arg);
		*last_seq = ev.seq;
	}
	PQclear(r);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_get(const char *tenant, const char *id, zs_event_fn fn, void *arg)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	struct zs_event		 ev;
	PGresult		*r;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_str(&p, id);
	if ((rc = zs_pg_exec(PG_EVENT_GET, &p, &r)) != ZS_STORE_OK)
		return rc;
	if (PQntuples(r) == 1) {
		zs_pg_read_event(r, 0, zs_time_now_ms(), &ev);
		fn(&ev, arg);
	} else
		rc = ZS_STORE_NOTFOUND;
	PQclear(r);
	return rc;
}

/*
 * Acknowledges one id inside the open transaction, as SQLite's ack_one:
 * with lease_id, sets *lost when that was not the event's live lease at
 * the (first) acknowledgement.
 */
static enum zs_store_rc
ack_one(const char *tenant, const char *id, const char *lease_id,
    int64_t now, int64_t *acked_ms, int *lost)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	PGresult		*r;
	const char		*held;
	int			 pending;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_str(&p, id);
	if ((rc = zs_pg_exec(PG_ACK_GET, &p, &r)) != ZS_STORE_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return ZS_STORE_NOTFOUND;
	}
	pending = PQgetisnull(r, 0, 0);
	*acked_ms = pending ? now : zs_pg_int(r, 0, 0, now);
	if (lease_id != NULL) {
		held = zs_pg_text(r, 0, 1);
		*lost = held == NULL || strcmp(held, lease_id) != 0 ||
		    zs_pg_int(r, 0, 2, -1) <= *acked_ms;
	}
	PQclear(r);
	if (!pending)
		return ZS_STORE_OK;
	zs_pg_p_int(&p, now);
	return zs_pg_run(PG_ACK_SET, &p, NULL);
}

enum zs_store_rc
zs_pg_ack(const char *tenant, const char *id, const char *lease_id,
    int64_t *acked_ms, int *lease_lost)
{
	enum zs_store_rc	 rc;

	*lease_lost = 0;
	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_pg_begin(NULL, 0)) != ZS_STORE_OK)
		return rc;
	rc = ack_one(tenant, id, lease_id, zs_time_now_ms(), acked_ms,
	    lease_lost);
	if (rc != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	if ((rc = zs_pg_commit()) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_ack_batch(const char *tenant, const char *const *ids, size_t n,
    int *found)
{
	enum zs_store_rc	 rc;
	int64_t			 now, acked;
	size_t			 i;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_pg_begin(NULL, 0)) != ZS_STORE_OK)
		return rc;
	now = zs_time_now_ms();
	for (i = 0; i < n; i++) {
		rc = ack_one(tenant, ids[i], NULL, now, &acked, NULL);
		if (rc != ZS_STORE_OK && rc != ZS_STORE_NOTFOUND)
			return zs_pg_rollback(rc);
		found[i] = rc == ZS_STORE_OK;
	}
	if ((rc = zs_pg_commit()) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_delete(const char *tenant, const char *id)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	long			 n;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_pg_begin(NULL, 0)) != ZS_STORE_OK)
		return rc;
	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_str(&p, id);
	if ((rc = zs_pg_run(PG_DELETE, &p, &n)) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	if (n == 0)
		return zs_pg_rollback(ZS_STORE_NOTFOUND);
	if ((rc = zs_pg_commit()) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	return ZS_STORE_OK;
}

/* Runs one purge statement with (cutoff, limit) in its own transaction. */
static enum zs_store_rc
purge_step(enum pgst s, int64_t cutoff, long limit, long *removed)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;

	if ((rc = zs_pg_begin(NULL, 0)) != ZS_STORE_OK)
		return rc;
	zs_pg_p_init(&p);
	zs_pg_p_int(&p, cutoff);
	zs_pg_p_int(&p, limit);
	if ((rc = zs_pg_run(s, &p, removed)) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	if ((rc = zs_pg_commit()) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_purge(int64_t now, long limit, long *removed)
{
	const struct zs_config	*cfg = zs_pg_cfg();
	int64_t			 keep = cfg ? cfg->retention_days * 86400000LL :
				    0;
	enum zs_store_rc	 rc;
	long			 n;

	*removed = 0;
	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* Small transactions, so a writer waits at most for one of them. */
	if ((rc = purge_step(PG_PURGE_EVENTS, now - keep, limit, removed)) ||
	    (rc = purge_step(PG_PURGE_IDEM, now, limit, &n)) ||
	    (rc = purge_step(PG_PURGE_CHANGES, now - keep, limit, &n)))
		return rc;
	return ZS_STORE_OK;
}

const struct zs_store_ops zs_pg_ops = {
	.name = "postgres",
	.open = zs_pg_open,
	.close = zs_pg_close,
	.ping = zs_pg_ping,
	.insert_batch = zs_pg_insert_batch,
	.list = zs_pg_list,
	.get = zs_pg_get,
	.ack = zs_pg_ack,
	.ack_batch = zs_pg_ack_batch,
	.delete = zs_pg_delete,
	.purge = zs_pg_purge,
	.data_version = zs_pg_data_version,
	.wait_change = zs_pg_wait_change,
	.last_change = zs_pg_last_change,
	.changes = zs_pg_changes,
	.stats = zs_pg_stats,
	.tokens = zs_pg_tokens,
	.token_put = zs_pg_token_put,
	.migrate = zs_pg_migrate,
	.lease = zs_pg_lease,
	.extend = zs_pg_extend,
	.release = zs_pg_release,
	.redrive = zs_pg_redrive,
};
