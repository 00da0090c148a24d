/*
 * zs_store: the change sequence, stats and webhook tokens, written once
 * over the driver (zs_db.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/zs_db.h"
#include "util/zs_time.h"

enum zs_store_rc
zs_store_data_version(int64_t *version)
{
	return zs_db_one_int(SQL_DATA_VERSION, version);
}

enum zs_store_rc
zs_store_last_change(int64_t *seq)
{
	return zs_db_one_int(SQL_LAST_CHANGE, seq);
}

/* Reads the current row of s into c; 0 when the row is to be skipped. */
static int
read_change(enum zs_sql s, struct zs_change *c)
{
	static const char *const kinds[ZS_CHANGE__MAX] = {
		"created", "acknowledged", "deleted", "leased", "released",
		"dead_lettered", "redriven",
	};
	const char	*kind;
	int		 k;

	memset(c, 0, sizeof(*c));
	c->seq = zs_db->col_int(s, 0);
	kind = zs_db->col_text(s, 1, NULL);
	for (k = 0; k < ZS_CHANGE__MAX; k++)
		if (kind != NULL && strcmp(kind, kinds[k]) == 0)
			break;
	if (k == ZS_CHANGE__MAX)
		return 0;	/* the CHECK constraint forbids this */
	c->kind = (enum zs_change_kind)k;
	c->tenant = zs_db->col_text(s, 2, NULL);
	c->event_id = zs_db->col_text(s, 3, NULL);
	c->at = zs_db->col_int(s, 4);
	c->source = zs_db->col_text(s, 5, NULL);
	c->type = zs_db->col_text(s, 6, NULL);
	c->topic = zs_db->col_text(s, 7, NULL);
	c->until = zs_db_int_or(s, 10, -1);
	c->deliveries = zs_db_int_or(s, 11, -1);
	if (c->kind == ZS_CHANGE_CREATED && !zs_db->is_null(s, 9)) {
		c->has_event = 1;
		snprintf(c->event.id, sizeof(c->event.id), "%s",
		    c->event_id ? c->event_id : "");
		c->event.created_ms = zs_db->col_int(s, 8);
		c->event.acked_ms = -1;
		c->event.status = ZS_STATUS_PENDING;
		c->event.lease_expires_ms = -1;
		c->event.visible_ms = -1;
		c->event.dead_ms = -1;
		c->event.source = c->source;
		c->event.type = c->type;
		c->event.topic = c->topic;
		c->event.payload = zs_db->col_text(s, 9,
		    &c->event.payload_len);
	}
	return c->tenant != NULL && c->event_id != NULL;
}

enum zs_store_rc
zs_store_changes(const char *tenant, int64_t after, int64_t upto, long limit,
    zs_change_fn fn, void *arg, long *n)
{
	enum zs_sql		 s = tenant ? SQL_CHANGES_TENANT :
				    SQL_CHANGES_ALL;
	enum zs_store_rc	 rc;
	struct zs_change	 c;
	int			 row;

	*n = 0;
	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(s);
	zs_db->bind_int(s, 1, after);
	zs_db->bind_int(s, 2, upto);
	zs_db->bind_int(s, 3, limit);
	if (tenant != NULL)
		zs_db_str(s, 4, tenant);
	while ((rc = zs_db->step(s, &row)) == ZS_STORE_OK && row) {
		if (!read_change(s, &c))
			continue;
		if (fn(&c, arg) != 0)
			break;
		(*n)++;
	}
	zs_db->done(s);
	return rc;
}

/* Runs stats statement s for tenant (and v, when >= 0), at its first row
 * (*row 0: none). The caller reads on and ends it with done. */
static enum zs_store_rc
stats_query(enum zs_sql s, const char *tenant, int64_t v, int *row)
{
	zs_db->reset(s);
	zs_db_str(s, 1, tenant);
	if (v >= 0)
		zs_db->bind_int(s, 2, v);
	return zs_db->step(s, row);
}

/* Reads the stats statements inside the open read transaction. */
static enum zs_store_rc
stats_read(const char *tenant, int64_t now, struct zs_stats *st)
{
	enum zs_store_rc	 rc;
	const char		*name;
	int64_t			 b;
	int			 row;

	if ((rc = stats_query(SQL_STATS_TOTALS, tenant, -1, &row)) ==
	    ZS_STORE_OK && row) {
		st->pending = zs_db->col_int(SQL_STATS_TOTALS, 0);
		st->acknowledged = zs_db->col_int(SQL_STATS_TOTALS, 1);
		st->dead = zs_db->col_int(SQL_STATS_TOTALS, 2);
	}
	zs_db->done(SQL_STATS_TOTALS);
	if (rc != ZS_STORE_OK)
		return rc;

	if ((rc = stats_query(SQL_STATS_LEASED, tenant, now, &row)) ==
	    ZS_STORE_OK && row) {
		st->leased = zs_db->col_int(SQL_STATS_LEASED, 0);
		st->pending -= st->leased;	/* source_counts cannot see time */
	}
	zs_db->done(SQL_STATS_LEASED);
	if (rc != ZS_STORE_OK)
		return rc;

	st->oldest_pending_ms = -1;
	if ((rc = stats_query(SQL_STATS_OLDEST, tenant, now, &row)) ==
	    ZS_STORE_OK && row)
		st->oldest_pending_ms = zs_db->col_int(SQL_STATS_OLDEST, 0);
	zs_db->done(SQL_STATS_OLDEST);
	if (rc != ZS_STORE_OK)
		return rc;

	rc = stats_query(SQL_STATS_SOURCES, tenant, ZS_STATS_SOURCES, &row);
	while (rc == ZS_STORE_OK && row && st->nsources < ZS_STATS_SOURCES) {
		name = zs_db->col_text(SQL_STATS_SOURCES, 0, NULL);
		snprintf(st->sources[st->nsources].name,
		    sizeof(st->sources[0].name), "%s", name ? name : "");
		st->sources[st->nsources].given = name != NULL && *name;
		st->sources[st->nsources].count =
		    zs_db->col_int(SQL_STATS_SOURCES, 1);
		st->nsources++;
		rc = zs_db->step(SQL_STATS_SOURCES, &row);
	}
	zs_db->done(SQL_STATS_SOURCES);
	if (rc != ZS_STORE_OK)
		return rc;

	/*
	 * At most 60 rows (1h), 1,440 (24h) or 10,080 (7d, or a custom
	 * window reaching back that far) of event_minutes, however many
	 * events those minutes hold, each added into its minute, hour or
	 * day.
	 */
	zs_db->reset(SQL_STATS_BUCKETS);
	zs_db_str(SQL_STATS_BUCKETS, 1, tenant);
	zs_db->bind_int(SQL_STATS_BUCKETS, 2, st->first_bucket_ms / 60000);
	zs_db->bind_int(SQL_STATS_BUCKETS, 3, (st->first_bucket_ms +
	    (int64_t)st->nbuckets * st->bucket_ms) / 60000);
	rc = zs_db->step(SQL_STATS_BUCKETS, &row);
	while (rc == ZS_STORE_OK && row) {
		b = (zs_db->col_int(SQL_STATS_BUCKETS, 0) * 60000 -
		    st->first_bucket_ms) / st->bucket_ms;
		if (b >= 0 && b < (int64_t)st->nbuckets)
			st->buckets[b] += zs_db->col_int(SQL_STATS_BUCKETS, 1);
		rc = zs_db->step(SQL_STATS_BUCKETS, &row);
	}
	zs_db->done(SQL_STATS_BUCKETS);
	return rc;
}

void
zs_stats_window_range(enum zs_stats_range range, int64_t now_ms,
    struct zs_stats_window *w)
{
	switch (range) {
	case ZS_RANGE_24H:
		w->bucket_ms = 3600000;
		w->n = 24;
		break;
	case ZS_RANGE_7D:
		w->bucket_ms = 86400000;
		w->n = 7;
		break;
	case ZS_RANGE_1H:
	case ZS_RANGE__MAX:
	default:
		w->bucket_ms = 60000;
		w->n = ZS_STATS_MINUTES;
		break;
	}
	w->first_ms = (now_ms / w->bucket_ms - ((int64_t)w->n - 1)) *
	    w->bucket_ms;
}

void
zs_stats_window_custom(int64_t since_ms, int64_t until_ms,
    struct zs_stats_window *w)
{
	static const int64_t	 widths[] = { 60000, 3600000, 86400000 };
	const size_t		 nwidths = sizeof(widths) / sizeof(widths[0]);
	size_t			 i;
	int64_t			 first, last;

	/*
	 * The narrowest width whose buckets holding since_ms and
	 * until_ms - 1 (both counted) are at most the cap; the widest,
	 * days, when none is: the 7-day reach keeps those under it.
	 */
	for (i = 0; i + 1 < nwidths; i++)
		if ((until_ms - 1) / widths[i] - since_ms / widths[i] + 1 <=
		    ZS_STATS_BUCKETS_MAX)
			break;
	first = since_ms / widths[i];
	last = (until_ms - 1) / widths[i];
	w->bucket_ms = widths[i];
	w->first_ms = first * widths[i];
	w->n = (size_t)(last - first + 1);
	if (w->n > ZS_STATS_BUCKETS_MAX)
		w->n = ZS_STATS_BUCKETS_MAX;
}

enum zs_store_rc
zs_store_stats(const char *tenant, int64_t now_ms,
    const struct zs_stats_window *w, struct zs_stats *st)
{
	enum zs_store_rc	 rc;

	memset(st, 0, sizeof(*st));
	st->bucket_ms = w->bucket_ms;
	st->nbuckets = w->n;
	st->first_bucket_ms = w->first_ms;
	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* One snapshot, so the figures agree with each other. */
	if ((rc = zs_db->begin(ZS_TX_READ)) != ZS_STORE_OK)
		return rc;
	rc = stats_read(tenant, now_ms, st);
	return zs_db->rollback(rc);	/* a read: nothing to commit */
}

/* Reads SQL_QUEUE inside the open read transaction. */
static enum zs_store_rc
queue_read(int64_t now_ms, zs_queue_fn fn, void *arg)
{
	enum zs_store_rc	 rc;
	struct zs_queue		 q;
	int			 row;

	zs_db->reset(SQL_QUEUE);
	zs_db->bind_int(SQL_QUEUE, 1, now_ms);
	while ((rc = zs_db->step(SQL_QUEUE, &row)) == ZS_STORE_OK && row) {
		if ((q.tenant = zs_db->col_text(SQL_QUEUE, 0, NULL)) == NULL)
			continue;
		q.leased = zs_db->col_int(SQL_QUEUE, 4);
		q.pending = zs_db->col_int(SQL_QUEUE, 1) - q.leased;
		q.acknowledged = zs_db->col_int(SQL_QUEUE, 2);
		q.dead = zs_db->col_int(SQL_QUEUE, 3);
		q.oldest_ms = zs_db_int_or(SQL_QUEUE, 5, -1);
		fn(&q, arg);
	}
	zs_db->done(SQL_QUEUE);
	return rc;
}

enum zs_store_rc
zs_store_queue(int64_t now_ms, zs_queue_fn fn, void *arg)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	if ((rc = zs_db->begin(ZS_TX_READ)) != ZS_STORE_OK)
		return rc;
	return zs_db->rollback(queue_read(now_ms, fn, arg));
}

/* ---- Webhook tokens -------------------------------------------------- */

enum zs_store_rc
zs_store_tokens(zs_token_fn fn, void *arg)
{
	enum zs_store_rc	 rc;
	const char		*tenant, *name, *token;
	int			 row;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(SQL_TOKENS_ALL);
	while ((rc = zs_db->step(SQL_TOKENS_ALL, &row)) == ZS_STORE_OK &&
	    row) {
		tenant = zs_db->col_text(SQL_TOKENS_ALL, 0, NULL);
		name = zs_db->col_text(SQL_TOKENS_ALL, 1, NULL);
		token = zs_db->col_text(SQL_TOKENS_ALL, 2, NULL);
		if (tenant != NULL && name != NULL && token != NULL)
			fn(tenant, name, token, arg);
	}
	zs_db->done(SQL_TOKENS_ALL);
	return rc;
}

enum zs_store_rc
zs_store_token_put(const char *tenant, const char *name, const char *token,
    int replace)
{
	enum zs_sql		 s = replace ? SQL_TOKEN_SET : SQL_TOKEN_ADD;
	enum zs_store_rc	 rc;

	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(s);
	zs_db_str(s, 1, tenant);
	zs_db_str(s, 2, name);
	zs_db_str(s, 3, token);
	zs_db->bind_int(s, 4, zs_time_now_ms());
	return zs_db_end(zs_db_run(s));
}
