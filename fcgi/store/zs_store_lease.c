/*
 * zs_store: leases (POST /inbox/lease, extend, release, redrive), written
 * once over the driver (zs_db.h). A lease is a new lease_id and an end
 * time in visible_at, written in the same transaction that picked the
 * event, so two leases never hold one event: SQLite serialises writers,
 * PostgreSQL's pick locks the rows it returns and skips those another
 * transaction holds (SQL_LEASE_PICK in each dialect). Triggers write the
 * change rows and keep the per-source counts.
 */
#include <stdio.h>
#include <string.h>

#include "parse/zs_event.h"
#include "store/zs_db.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"

/* One event picked for a lease. */
struct pick {
	char	 id[ZS_EVENT_ID_LEN + 1];
	int64_t	 deliveries;	/* delivery_count before this lease */
};

/* Reads up to max leasable events, oldest first, into picks (with s,
 * SQL_LEASE_PICK inside a transaction or SQL_LEASE_PROBE outside). */
static enum zs_store_rc
pick(enum zs_sql s, const char *tenant, const struct zs_lease_params *p,
    int64_t now, struct pick *picks, long max, long *npicks)
{
	enum zs_store_rc	 rc;
	const char		*id;
	int			 row;

	*npicks = 0;
	zs_db->reset(s);
	zs_db_str(s, 1, tenant);
	zs_db->bind_int(s, 2, now);
	zs_db_filter(s, 3, &p->topic);
	zs_db_filter(s, 4, &p->type);
	zs_db_filter(s, 5, &p->source);
	zs_db->bind_int(s, 6, max);
	while ((rc = zs_db->step(s, &row)) == ZS_STORE_OK && row &&
	    *npicks < max) {
		id = zs_db->col_text(s, 0, NULL);
		snprintf(picks[*npicks].id, sizeof(picks[0].id), "%s",
		    id ? id : "");
		picks[*npicks].deliveries = zs_db->col_int(s, 1);
		(*npicks)++;
	}
	zs_db->done(s);
	return rc;
}

static enum zs_store_rc
dead_letter(const char *tenant, const char *id, int64_t now)
{
	zs_db_event(SQL_DEAD_LETTER, tenant, id);
	zs_db->bind_int(SQL_DEAD_LETTER, 3, now);
	return zs_db_run(SQL_DEAD_LETTER);
}

/* Gives the event a new lease that ends at until. */
static enum zs_store_rc
take(const char *tenant, const char *id, int64_t until)
{
	char	 lease_id[ZS_LEASE_ID_LEN + 1];

	if (zs_lease_id_make(lease_id) == -1)
		return ZS_STORE_ERROR;
	zs_db_event(SQL_LEASE_TAKE, tenant, id);
	zs_db_str(SQL_LEASE_TAKE, 3, lease_id);
	zs_db->bind_int(SQL_LEASE_TAKE, 4, until);
	return zs_db_run(SQL_LEASE_TAKE);
}

/* Hands the event as it is now, with its lease, to fn. */
static enum zs_store_rc
give(const char *tenant, const char *id, int64_t now, zs_event_fn fn,
    void *arg)
{
	enum zs_store_rc	 rc;
	struct zs_event		 ev;
	int			 row;

	zs_db_event(SQL_EVENT_GET, tenant, id);
	if ((rc = zs_db->step(SQL_EVENT_GET, &row)) == ZS_STORE_OK && row) {
		zs_db_read_event(SQL_EVENT_GET, now, &ev);
		fn(&ev, arg);
	} else if (rc == ZS_STORE_OK)
		rc = ZS_STORE_ERROR;	/* taken in this transaction */
	zs_db->done(SQL_EVENT_GET);
	return rc;
}

/*
 * Inside the open transaction: leases what pick() finds, dead-letters
 * those past MAX_DELIVERIES (counted in *ndead) and picks again in
 * their place.
 */
static enum zs_store_rc
lease_picked(const char *tenant, const struct zs_lease_params *p,
    int64_t now, zs_event_fn fn, void *arg, long *n, long *ndead)
{
	struct pick		 picks[ZS_LEASE_MAX];
	long			 npicks, i;
	long			 max = zs_db_cfg()->max_deliveries;
	enum zs_store_rc	 rc;
	int			 dead;

	do {
		rc = pick(SQL_LEASE_PICK, tenant, p, now, picks,
		    p->limit - *n, &npicks);
		if (rc != ZS_STORE_OK)
			return rc;
		dead = 0;
		for (i = 0; i < npicks; i++) {
			if (picks[i].deliveries >= max) {
				rc = dead_letter(tenant, picks[i].id, now);
				dead++;
				(*ndead)++;
			} else if ((rc = take(tenant, picks[i].id, now +
			    p->visibility_s * 1000)) == ZS_STORE_OK) {
				rc = give(tenant, picks[i].id, now, fn, arg);
				(*n)++;
			}
			if (rc != ZS_STORE_OK)
				return rc;
		}
	} while (dead > 0 && *n < p->limit);
	return ZS_STORE_OK;
}

static enum zs_store_rc
next_visible(const char *tenant, int64_t now, int64_t *next_ms)
{
	enum zs_store_rc	 rc;
	int			 row;

	zs_db->reset(SQL_NEXT_VISIBLE);
	zs_db_str(SQL_NEXT_VISIBLE, 1, tenant);
	zs_db->bind_int(SQL_NEXT_VISIBLE, 2, now);
	if ((rc = zs_db->step(SQL_NEXT_VISIBLE, &row)) == ZS_STORE_OK)
		*next_ms = row ? zs_db_int_or(SQL_NEXT_VISIBLE, 0, -1) : -1;
	zs_db->done(SQL_NEXT_VISIBLE);
	return rc;
}

enum zs_store_rc
zs_store_lease(const char *tenant, const struct zs_lease_params *p,
    zs_event_fn fn, void *arg, long *n, int64_t *next_ms)
{
	struct pick		 one;
	enum zs_store_rc	 rc;
	int64_t			 now = zs_time_now_ms();
	long			 any, ndead = 0;

	*n = 0;
	*next_ms = -1;
	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* A read first: an empty inbox costs no write lock. */
	if ((rc = pick(SQL_LEASE_PROBE, tenant, p, now, &one, 1, &any)) !=
	    ZS_STORE_OK)
		return rc;
	if (any == 0)
		return next_visible(tenant, now, next_ms);
	if ((rc = zs_db->begin(ZS_TX_WRITE)) != ZS_STORE_OK)
		return rc;
	now = zs_time_now_ms();
	if ((rc = zs_db_end(lease_picked(tenant, p, now, fn, arg, n,
	    &ndead))) != ZS_STORE_OK) {
		*n = 0;
		return rc;
	}
	zs_metrics_tenant(tenant, ZS_MT_DEAD, ndead);
	if (*n == 0)		/* all were dead-lettered */
		return next_visible(tenant, now, next_ms);
	return ZS_STORE_OK;
}

/* After an UPDATE that matched nothing: 404, or the event's state. */
static enum zs_store_rc
why_not(const char *tenant, const char *id, enum zs_store_rc exists)
{
	enum zs_store_rc	 rc;
	int			 row;

	zs_db_event(SQL_ACK_GET, tenant, id);
	if ((rc = zs_db->step(SQL_ACK_GET, &row)) == ZS_STORE_OK)
		rc = row ? exists : ZS_STORE_NOTFOUND;
	zs_db->done(SQL_ACK_GET);
	return rc;
}

/*
 * Runs s (SQL_EXTEND, SQL_RELEASE, SQL_REDRIVE, after zs_db_event and its
 * other values) in the open transaction, which it ends: when it matched
 * nothing, ZS_STORE_NOTFOUND or (the event exists) not_matched.
 */
static enum zs_store_rc
change_event(enum zs_sql s, const char *tenant, const char *id,
    enum zs_store_rc not_matched)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_run(s)) == ZS_STORE_OK && zs_db->changes(s) == 0)
		rc = why_not(tenant, id, not_matched);
	return zs_db_end(rc);
}

/* Moves the live lease's end (or, with visible < 0, ends it at once). */
static enum zs_store_rc
change_lease(enum zs_sql s, const char *tenant, const char *id,
    const char *lease_id, int64_t now, int64_t visible)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	zs_db_event(s, tenant, id);
	zs_db_str(s, 3, lease_id);
	zs_db->bind_int(s, 4, now);
	if (visible >= 0)
		zs_db->bind_int(s, 5, visible);
	else
		zs_db->bind_text(s, 5, NULL, 0);
	return change_event(s, tenant, id, ZS_STORE_LEASE_NOT_HELD);
}

enum zs_store_rc
zs_store_extend(const char *tenant, const char *id, const char *lease_id,
    long visibility_s, int64_t *expires_ms)
{
	int64_t	 now = zs_time_now_ms();

	*expires_ms = now + visibility_s * 1000;
	return change_lease(SQL_EXTEND, tenant, id, lease_id, now,
	    *expires_ms);
}

enum zs_store_rc
zs_store_release(const char *tenant, const char *id, const char *lease_id,
    long delay_s, int64_t *visible_ms)
{
	int64_t	 now = zs_time_now_ms();

	*visible_ms = now + delay_s * 1000;
	return change_lease(SQL_RELEASE, tenant, id, lease_id, now,
	    delay_s > 0 ? *visible_ms : -1);
}

enum zs_store_rc
zs_store_redrive(const char *tenant, const char *id)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	zs_db_event(SQL_REDRIVE, tenant, id);
	return change_event(SQL_REDRIVE, tenant, id, ZS_STORE_NOT_DEAD);
}
