/*
 * zs_store: events, written once over the driver (zs_db.h). Writes run in
 * one write transaction each: a batch of inserts is one commit, an
 * idempotency key is looked up and stored in the transaction that stores
 * its event, and a statement that fails dooms the transaction (nothing is
 * half-stored).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store/zs_db.h"
#include "store/zs_sql_list.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"

/* The prefix of each scope's stored keys (sql/migrations/005). */
static const char *const idem_prefix[ZS_IDEM__MAX] = {
	[ZS_IDEM_API] = "api:",
	[ZS_IDEM_HOOK] = "hook:",
};

/*
 * The key as stored: the scope's prefix and the key, so the namespaces
 * never meet. 0, or -1 (logged) for a key past ZS_IDEM_KEY_MAX.
 */
static int
idem_stored(const struct zs_new_event *ev, char out[ZS_IDEM_KEY_MAX + 8])
{
	int	 n;

	n = snprintf(out, ZS_IDEM_KEY_MAX + 8, "%s%s",
	    idem_prefix[(unsigned)ev->idem_scope < ZS_IDEM__MAX ?
	    ev->idem_scope : ZS_IDEM_API], ev->idem_key);
	if (n < 0 || n >= ZS_IDEM_KEY_MAX + 8) {
		zs_log("an idempotency key of %zu bytes is too long to store",
		    strlen(ev->idem_key));
		return -1;
	}
	return 0;
}

/*
 * Looks up a live idempotency key inside the open transaction. Returns
 * ZS_STORE_NOTFOUND when there is none, ZS_STORE_OK with out filled for a
 * replay, ZS_STORE_CONFLICT for another body.
 */
static enum zs_store_rc
idem_lookup(const struct zs_new_event *ev, const char *key, int64_t now,
    struct zs_inserted *out)
{
	enum zs_store_rc	 rc;
	const char		*id;
	int			 row;

	zs_db->reset(SQL_IDEM_GET);
	zs_db_str(SQL_IDEM_GET, 1, ev->tenant);
	zs_db_str(SQL_IDEM_GET, 2, key);
	zs_db->bind_int(SQL_IDEM_GET, 3, now);
	zs_db->bind_blob(SQL_IDEM_GET, 4, ev->body_hash,
	    sizeof(ev->body_hash));
	if ((rc = zs_db->step(SQL_IDEM_GET, &row)) != ZS_STORE_OK)
		;
	else if (!row)
		rc = ZS_STORE_NOTFOUND;
	else if (zs_db->col_int(SQL_IDEM_GET, 0) != 1)
		rc = ZS_STORE_CONFLICT;
	else {
		id = zs_db->col_text(SQL_IDEM_GET, 1, NULL);
		snprintf(out->id, sizeof(out->id), "%s", id ? id : "");
		out->created_ms = zs_db->col_int(SQL_IDEM_GET, 2);
		out->replayed = 1;
	}
	zs_db->done(SQL_IDEM_GET);
	return rc;
}

/*
 * The last ULID handed out, read once per insert transaction: ids of one
 * batch are made in memory and the last is written back at the end.
 */
struct ulid_run {
	struct zs_ulid	 last;
	int		 have;		/* last is set */
	int		 made;		/* ids made since reading */
};

static enum zs_store_rc
ulid_read(struct ulid_run *u)
{
	enum zs_store_rc	 rc;
	const char		*last;
	int			 row;

	memset(u, 0, sizeof(*u));
	zs_db->reset(SQL_ULID_GET);
	if ((rc = zs_db->step(SQL_ULID_GET, &row)) == ZS_STORE_OK && row) {
		last = zs_db->col_text(SQL_ULID_GET, 0, NULL);
		if (last != NULL && zs_ulid_decode(last, &u->last) == 0)
			u->have = 1;
	}
	zs_db->done(SQL_ULID_GET);
	return rc;
}

static enum zs_store_rc
ulid_write(const struct ulid_run *u)
{
	char	 last[ZS_ULID_LEN + 1];

	if (u->made == 0)
		return ZS_STORE_OK;
	zs_ulid_encode(&u->last, last);
	zs_db->reset(SQL_ULID_PUT);
	zs_db_str(SQL_ULID_PUT, 1, last);
	return zs_db_run(SQL_ULID_PUT);
}

/* Makes the next event id after u->last. */
static enum zs_store_rc
next_id(struct ulid_run *u, int64_t now, char id[ZS_EVENT_ID_LEN + 1])
{
	struct zs_ulid	 next;

	if (zs_ulid_next(u->have ? &u->last : NULL, (uint64_t)now, &next)) {
		zs_log("getrandom failed");
		return ZS_STORE_ERROR;
	}
	u->last = next;
	u->have = 1;
	u->made++;
	memcpy(id, "evt_", 4);
	zs_ulid_encode(&next, id + 4);
	return ZS_STORE_OK;
}

/*
 * The words of q= where the store writes them (SQLite; PostgreSQL keeps
 * its index itself): in batches, since FTS5 writes a segment per
 * transaction (sql/migrations/007_search.sql). A writer adds a batch
 * once SEARCH_BATCH events wait; a search first adds all that wait, so
 * it misses none.
 */
#define SEARCH_BATCH	256	/* events waiting before a writer adds them */
#define SEARCH_CHUNK	4096	/* events added in one transaction at most */

/* 1 when the store writes the search rows: the driver keeps none of its
 * own, and SEARCH_INDEX is on. */
static int
search_rows(void)
{
	const struct zs_config	*cfg = zs_db_cfg();

	return zs_db->search_rows && cfg != NULL && cfg->search_index;
}

/* Adds the words of the next n waiting events, in the open transaction;
 * *added (when not NULL) how many. */
static enum zs_store_rc
search_add(int64_t n, long *added)
{
	enum zs_store_rc	 rc;

	zs_db->reset(SQL_SEARCH_ADD);
	zs_db->bind_int(SQL_SEARCH_ADD, 1, n);
	if ((rc = zs_db_run(SQL_SEARCH_ADD)) != ZS_STORE_OK)
		return rc;
	if (added != NULL)
		*added = zs_db->changes(SQL_SEARCH_ADD);
	zs_db->reset(SQL_SEARCH_MARK);
	zs_db->bind_int(SQL_SEARCH_MARK, 1, n);
	return zs_db_run(SQL_SEARCH_MARK);
}

/* In a writer's open transaction: a batch, once SEARCH_BATCH wait. */
static enum zs_store_rc
search_batch(void)
{
	enum zs_store_rc	 rc;
	int64_t			 waiting;

	if (!search_rows())
		return ZS_STORE_OK;
	if ((rc = zs_db_one_int(SQL_SEARCH_BACKLOG, &waiting)) != ZS_STORE_OK)
		return rc;
	return waiting >= SEARCH_BATCH ? search_add(SEARCH_CHUNK, NULL) :
	    ZS_STORE_OK;
}

/* Before a search: every waiting event's words, SEARCH_CHUNK a
 * transaction, so that writers wait for one chunk at most. */
static enum zs_store_rc
search_catch_up(void)
{
	enum zs_store_rc	 rc;
	int64_t			 waiting;

	for (;;) {
		if ((rc = zs_db_one_int(SQL_SEARCH_BACKLOG, &waiting)) !=
		    ZS_STORE_OK || waiting <= 0)
			return rc;
		if ((rc = zs_db_begin()) != ZS_STORE_OK ||
		    (rc = zs_db_end(search_add(SEARCH_CHUNK, NULL))) !=
		    ZS_STORE_OK)
			return rc;
	}
}

/*
 * Stores one event inside the open transaction: ZS_STORE_OK (with
 * out->replayed set for an idempotent replay), ZS_STORE_CONFLICT (nothing
 * written), or an error that dooms the transaction.
 */
static enum zs_store_rc
insert_one(const struct zs_new_event *ev, int64_t now, struct ulid_run *u,
    struct zs_inserted *out)
{
	enum zs_store_rc	 rc;
	char			 key[ZS_IDEM_KEY_MAX + 8];

	memset(out, 0, sizeof(*out));
	if (ev->idem_key != NULL) {
		if (idem_stored(ev, key) == -1)
			return ZS_STORE_ERROR;
		rc = idem_lookup(ev, key, now, out);
		if (rc != ZS_STORE_NOTFOUND)
			return rc;	/* replay, conflict or error */
	}
	if ((rc = next_id(u, now, out->id)) != ZS_STORE_OK)
		return rc;
	out->created_ms = now;

	zs_db->reset(SQL_EVENT_INSERT);
	zs_db_str(SQL_EVENT_INSERT, 1, out->id);
	zs_db_str(SQL_EVENT_INSERT, 2, ev->tenant);
	zs_db->bind_int(SQL_EVENT_INSERT, 3, now);
	zs_db_str(SQL_EVENT_INSERT, 4, ev->source);
	zs_db_str(SQL_EVENT_INSERT, 5, ev->type);
	zs_db_str(SQL_EVENT_INSERT, 6, ev->topic);
	zs_db->bind_text(SQL_EVENT_INSERT, 7, ev->payload, ev->payload_len);
	if ((rc = zs_db_run(SQL_EVENT_INSERT)) != ZS_STORE_OK ||
	    ev->idem_key == NULL)
		return rc;

	zs_db->reset(SQL_IDEM_PUT);
	zs_db_str(SQL_IDEM_PUT, 1, ev->tenant);
	zs_db_str(SQL_IDEM_PUT, 2, key);
	zs_db->bind_blob(SQL_IDEM_PUT, 3, ev->body_hash, sizeof(ev->body_hash));
	zs_db_str(SQL_IDEM_PUT, 4, out->id);
	zs_db->bind_int(SQL_IDEM_PUT, 5, now);
	zs_db->bind_int(SQL_IDEM_PUT, 6, now +
	    zs_db_cfg()->idem_ttl_hours * 3600 * 1000);
	return zs_db_run(SQL_IDEM_PUT);
}

enum zs_store_rc
zs_store_insert_batch(const struct zs_new_event *const *evs,
    struct zs_inserted *outs, enum zs_store_rc *rcs, size_t n)
{
	struct ulid_run		 u;
	enum zs_store_rc	 rc;
	int64_t			 now;
	size_t			 i;

	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		goto fail;
	if ((rc = ulid_read(&u)) != ZS_STORE_OK) {
		rc = zs_db->rollback(rc);
		goto fail;
	}
	now = zs_time_now_ms();
	for (i = 0; i < n; i++) {
		rcs[i] = insert_one(evs[i], now, &u, &outs[i]);
		if (rcs[i] != ZS_STORE_OK && rcs[i] != ZS_STORE_CONFLICT) {
			rc = zs_db->rollback(rcs[i]);
			goto fail;
		}
	}
	if ((rc = ulid_write(&u)) == ZS_STORE_OK)
		rc = search_batch();
	if ((rc = zs_db_end(rc)) != ZS_STORE_OK)
		goto fail;
	for (i = 0; i < n; i++)
		if (rcs[i] == ZS_STORE_OK && !outs[i].replayed)
			zs_metrics_tenant(evs[i]->tenant, ZS_MT_INGESTED, 1);
	return ZS_STORE_OK;
fail:
	for (i = 0; i < n; i++)
		rcs[i] = rc;
	return rc;
}

enum zs_store_rc
zs_store_insert(const struct zs_new_event *ev, struct zs_inserted *out)
{
	enum zs_store_rc	 rc;

	zs_store_insert_batch(&ev, out, &rc, 1);
	return rc;
}

/* Binds payload filter k of a list (NULL: none) to its four parameters. */
static void
bind_payload(enum zs_sql s, int k, const struct zs_payload_filter *f)
{
	int	 i = ZS_SQL_PAYLOAD_AT(k);

	zs_db_str(s, i, f ? f->path : NULL);
	zs_db->bind_text(s, i + 1, f ? f->value : NULL, f ? f->value_len : 0);
	zs_db->bind_text(s, i + 2, f && f->number ? f->value : NULL,
	    f ? f->value_len : 0);
	zs_db_str(s, i + 3, f ? f->keyword : NULL);
}

enum zs_store_rc
zs_store_list(const char *tenant, const struct zs_list_params *p,
    zs_event_fn fn, void *arg, int *more, int64_t *last_seq)
{
	static const enum zs_sql which[ZS_STATUS__MAX][ZS_ORDER__MAX] = {
		{ SQL_LIST_PENDING_ASC, SQL_LIST_PENDING_DESC },
		{ SQL_LIST_LEASED_ASC, SQL_LIST_LEASED_DESC },
		{ SQL_LIST_ACKED_ASC, SQL_LIST_ACKED_DESC },
		{ SQL_LIST_DEAD_ASC, SQL_LIST_DEAD_DESC },
		{ SQL_LIST_ALL_ASC, SQL_LIST_ALL_DESC },
	};
	static const enum zs_sql search[ZS_STATUS__MAX][ZS_ORDER__MAX] = {
		{ SQL_SEARCH_PENDING_ASC, SQL_SEARCH_PENDING_DESC },
		{ SQL_SEARCH_LEASED_ASC, SQL_SEARCH_LEASED_DESC },
		{ SQL_SEARCH_ACKED_ASC, SQL_SEARCH_ACKED_DESC },
		{ SQL_SEARCH_DEAD_ASC, SQL_SEARCH_DEAD_DESC },
		{ SQL_SEARCH_ALL_ASC, SQL_SEARCH_ALL_DESC },
	};
	int64_t			 now = zs_time_now_ms();
	enum zs_store_rc	 rc;
	enum zs_sql		 s;
	struct zs_event		 ev;
	const struct zs_config	*cfg = zs_db_cfg();
	/* the hint narrows the scan; the filters still decide */
	const char		*words = cfg != NULL && cfg->search_index &&
				    p->hint[0] ? p->hint : p->q;
	long			 n = 0;
	int			 row, k;

	*more = 0;
	*last_seq = -1;
	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK ||
	    (words[0] && search_rows() && (rc = search_catch_up()) !=
	    ZS_STORE_OK))
		return rc;
	s = words[0] ? search[p->status][p->order] :
	    which[p->status][p->order];
	zs_db->reset(s);
	zs_db_str(s, 1, tenant);
	zs_db->bind_int(s, 2, p->after_seq >= 0 ? p->after_seq :
	    (p->order == ZS_ORDER_ASC ? -1 : INT64_MAX));
	zs_db->bind_int(s, 3, p->since_ms);
	zs_db_filter(s, 4, &p->topic);
	zs_db_filter(s, 5, &p->type);
	zs_db_filter(s, 6, &p->source);
	zs_db->bind_int(s, 7, p->limit + 1);
	zs_db_prefix(s, 8, &p->topic);
	zs_db_prefix(s, 10, &p->type);
	zs_db_prefix(s, 12, &p->source);
	zs_db->bind_int(s, 14, p->until_ms >= 0 ? p->until_ms : INT64_MAX);
	for (k = 0; k < ZS_PAYLOAD_FILTERS; k++)
		bind_payload(s, k, k < p->npayload ? &p->payload[k] : NULL);
	if (words[0])	/* then now, if its state needs it, is ?28 */
		zs_db_str(s, 27, words);
	if (p->status == ZS_STATUS_PENDING || p->status == ZS_STATUS_LEASED)
		zs_db->bind_int(s, words[0] ? 28 : 27, now);
	while ((rc = zs_db->step(s, &row)) == ZS_STORE_OK && row) {
		if (n == p->limit) {
			*more = 1;
			break;
		}
		zs_db_read_event(s, now, &ev);
		fn(&ev, arg);
		*last_seq = ev.seq;
		n++;
	}
	zs_db->done(s);
	return rc;
}

enum zs_store_rc
zs_store_get(const char *tenant, const char *id, zs_event_fn fn, void *arg)
{
	enum zs_store_rc	 rc;
	struct zs_event		 ev;
	int			 row;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_db_event(SQL_EVENT_GET, tenant, id);
	if ((rc = zs_db->step(SQL_EVENT_GET, &row)) == ZS_STORE_OK && row) {
		zs_db_read_event(SQL_EVENT_GET, zs_time_now_ms(), &ev);
		fn(&ev, arg);
	} else if (rc == ZS_STORE_OK)
		rc = ZS_STORE_NOTFOUND;
	zs_db->done(SQL_EVENT_GET);
	return rc;
}

/*
 * Acknowledges one id inside the open transaction. With lease_id, sets
 * *lost when that was not the event's live lease at the (first)
 * acknowledgement. An acknowledgement changes neither lease_id nor
 * visible_at, and nothing changes them afterwards, so a retry gives the
 * same answer. Counts a first acknowledgement in *nacked.
 */
static enum zs_store_rc
ack_one(const char *tenant, const char *id, const char *lease_id,
    int64_t now, int64_t *acked_ms, int *lost, long *nacked)
{
	enum zs_store_rc	 rc;
	const char		*held;
	int			 row, pending;

	zs_db_event(SQL_ACK_GET, tenant, id);
	if ((rc = zs_db->step(SQL_ACK_GET, &row)) != ZS_STORE_OK || !row) {
		zs_db->done(SQL_ACK_GET);
		return rc != ZS_STORE_OK ? rc : ZS_STORE_NOTFOUND;
	}
	pending = zs_db->is_null(SQL_ACK_GET, 0);
	*acked_ms = pending ? now : zs_db->col_int(SQL_ACK_GET, 0);
	if (lease_id != NULL) {
		held = zs_db->col_text(SQL_ACK_GET, 1, NULL);
		*lost = held == NULL || strcmp(held, lease_id) != 0 ||
		    zs_db_int_or(SQL_ACK_GET, 2, -1) <= *acked_ms;
	}
	zs_db->done(SQL_ACK_GET);
	if (!pending)
		return ZS_STORE_OK;
	zs_db_event(SQL_ACK_SET, tenant, id);
	zs_db->bind_int(SQL_ACK_SET, 3, now);
	if ((rc = zs_db_run(SQL_ACK_SET)) == ZS_STORE_OK)
		(*nacked)++;
	return rc;
}

enum zs_store_rc
zs_store_ack(const char *tenant, const char *id, const char *lease_id,
    int64_t *acked_ms, int *lease_lost)
{
	enum zs_store_rc	 rc;
	long			 nacked = 0;

	*lease_lost = 0;
	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	if ((rc = zs_db_end(ack_one(tenant, id, lease_id, zs_time_now_ms(),
	    acked_ms, lease_lost, &nacked))) == ZS_STORE_OK)
		zs_metrics_tenant(tenant, ZS_MT_ACKED, nacked);
	return rc;
}

enum zs_store_rc
zs_store_ack_batch(const char *tenant, const char *const *ids, size_t n,
    int *found)
{
	enum zs_store_rc	 rc;
	int64_t			 now, acked;
	size_t			 i;
	long			 nacked = 0;

	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	now = zs_time_now_ms();
	for (i = 0; i < n; i++) {
		rc = ack_one(tenant, ids[i], NULL, now, &acked, NULL, &nacked);
		if (rc != ZS_STORE_OK && rc != ZS_STORE_NOTFOUND)
			return zs_db->rollback(rc);
		found[i] = rc == ZS_STORE_OK;
	}
	if ((rc = zs_db_end(ZS_STORE_OK)) == ZS_STORE_OK)
		zs_metrics_tenant(tenant, ZS_MT_ACKED, nacked);
	return rc;
}

enum zs_store_rc
zs_store_delete(const char *tenant, const char *id)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	if (search_rows()) {
		zs_db_event(SQL_SEARCH_DROP, tenant, id);
		if ((rc = zs_db_run(SQL_SEARCH_DROP)) != ZS_STORE_OK)
			return zs_db_end(rc);
	}
	zs_db_event(SQL_DELETE, tenant, id);
	if ((rc = zs_db_run(SQL_DELETE)) == ZS_STORE_OK &&
	    zs_db->changes(SQL_DELETE) == 0)
		rc = ZS_STORE_NOTFOUND;
	return zs_db_end(rc);
}

/* Runs a purge statement s with (cutoff, limit). */
static enum zs_store_rc
purge_run(enum zs_sql s, int64_t cutoff, long limit)
{
	zs_db->reset(s);
	zs_db->bind_int(s, 1, cutoff);
	zs_db->bind_int(s, 2, limit);
	return zs_db_run(s);
}

/* Runs one purge statement with (cutoff, limit) in its own transaction,
 * after first (its search rows) when that is not SQL__MAX. */
static enum zs_store_rc
purge_step(enum zs_sql first, enum zs_sql s, int64_t cutoff, long limit,
    long *removed)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db->begin(ZS_TX_WRITE)) != ZS_STORE_OK)
		return rc;
	if (first != SQL__MAX && (rc = purge_run(first, cutoff, limit)) !=
	    ZS_STORE_OK)
		return zs_db_end(rc);
	if ((rc = purge_run(s, cutoff, limit)) == ZS_STORE_OK)
		*removed = zs_db->changes(s);
	return zs_db_end(rc);
}

enum zs_store_rc
zs_store_purge(int64_t now, long limit, long *removed)
{
	const struct zs_config	*cfg = zs_db_cfg();
	int64_t			 keep = cfg ? cfg->retention_days * 86400000LL :
				    0;
	enum zs_store_rc	 rc;
	long			 n;

	*removed = 0;
	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* Small transactions, so a writer waits at most for one of them. */
	if ((rc = purge_step(search_rows() ? SQL_SEARCH_PURGE : SQL__MAX,
	    SQL_PURGE_EVENTS, now - keep, limit, removed)) ||
	    (rc = purge_step(SQL__MAX, SQL_PURGE_IDEM, now, limit, &n)) ||
	    (rc = purge_step(SQL__MAX, SQL_PURGE_CHANGES, now - keep, limit,
	    &n)) ||
	    (rc = purge_step(SQL__MAX, SQL_PURGE_MINUTES,
	    (now - ZS_STATS_KEEP_MS) / 60000, limit, &n)))
		return rc;
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_store_search_rebuild(long *n)
{
	enum zs_store_rc	 rc;

	*n = -1;
	if (!zs_db->search_rows)
		return ZS_STORE_OK;
	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(SQL_SEARCH_CLEAR);
	zs_db->reset(SQL_SEARCH_RESET);
	if ((rc = zs_db_run(SQL_SEARCH_CLEAR)) == ZS_STORE_OK &&
	    (rc = zs_db_run(SQL_SEARCH_RESET)) == ZS_STORE_OK)
		rc = search_add(INT64_MAX, n);
	return zs_db_end(rc);
}
