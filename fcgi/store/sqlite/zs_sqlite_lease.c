/*
 * Leases on SQLite: POST /inbox/lease, extend, release and redrive. A
 * lease is a new lease_id and an end time in visible_at, written in the
 * same transaction that picked the event, so two leases never hold one
 * event: writers are serialised by BEGIN IMMEDIATE. Triggers (migration
 * 003) write the change rows and keep the per-source counts.
 */
#include <stdio.h>
#include <string.h>

#include "parse/zs_event.h"
#include "store/sqlite/zs_sqlite.h"
#include "util/zs_time.h"

/* One event picked for a lease. */
struct pick {
	char	 id[ZS_EVENT_ID_LEN + 1];
	int64_t	 deliveries;	/* delivery_count before this lease */
};

static void
bind_filters(sqlite3_stmt *st, const struct zs_lease_params *p)
{
	if (p->topic.len)
		zs_sql_bind_text(st, 3, p->topic.s, p->topic.len);
	if (p->type.len)
		zs_sql_bind_text(st, 4, p->type.s, p->type.len);
	if (p->source.len)
		zs_sql_bind_text(st, 5, p->source.s, p->source.len);
}

/* Reads up to max leasable events, oldest first, into picks. */
static enum zs_store_rc
pick(const char *tenant, const struct zs_lease_params *p, int64_t now,
    struct pick *picks, long max, long *npicks)
{
	sqlite3_stmt	*st = zs_sql_stmt(ST_LEASE_PICK);
	const char	*id;
	int		 step;

	*npicks = 0;
	zs_sql_bind_str(st, 1, tenant);
	sqlite3_bind_int64(st, 2, now);
	bind_filters(st, p);
	sqlite3_bind_int64(st, 6, max);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && *npicks < max) {
		id = (const char *)sqlite3_column_text(st, 0);
		snprintf(picks[*npicks].id, sizeof(picks[0].id), "%s",
		    id ? id : "");
		picks[*npicks].deliveries = sqlite3_column_int64(st, 1);
		(*npicks)++;
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return zs_sql_fail(step, ST_LEASE_PICK);
	return ZS_STORE_OK;
}

/* Statement s with one event bound as ?1 tenant, ?2 id. */
static sqlite3_stmt *
event_stmt(enum stmt s, const char *tenant, const char *id)
{
	sqlite3_stmt	*st = zs_sql_stmt(s);

	zs_sql_bind_str(st, 1, tenant);
	zs_sql_bind_str(st, 2, id);
	return st;
}

static enum zs_store_rc
dead_letter(const char *tenant, const char *id, int64_t now)
{
	sqlite3_bind_int64(event_stmt(ST_DEAD_LETTER, tenant, id), 3, now);
	return zs_sql_run(ST_DEAD_LETTER);
}

/* Gives the event a new lease that ends at until. */
static enum zs_store_rc
take(const char *tenant, const char *id, int64_t until)
{
	sqlite3_stmt	*st = event_stmt(ST_LEASE_TAKE, tenant, id);
	char		 lease_id[ZS_LEASE_ID_LEN + 1];

	if (zs_lease_id_make(lease_id) == -1)
		return ZS_STORE_ERROR;
	zs_sql_bind_str(st, 3, lease_id);
	sqlite3_bind_int64(st, 4, until);
	return zs_sql_run(ST_LEASE_TAKE);
}

/* Hands the event as it is now, with its lease, to fn. */
static enum zs_store_rc
give(const char *tenant, const char *id, int64_t now, zs_event_fn fn,
    void *arg)
{
	sqlite3_stmt	*st = event_stmt(ST_EVENT_GET, tenant, id);
	struct zs_event	 ev;
	int		 step;

	if ((step = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return step == SQLITE_DONE ? ZS_STORE_ERROR :
		    zs_sql_fail(step, ST_EVENT_GET);
	}
	zs_sql_read_event(st, now, &ev);
	fn(&ev, arg);
	sqlite3_reset(st);
	return ZS_STORE_OK;
}

/*
 * Inside the open transaction: leases what pick() finds, dead-letters
 * those past MAX_DELIVERIES and picks again in their place.
 */
static enum zs_store_rc
lease_picked(const char *tenant, const struct zs_lease_params *p,
    int64_t now, zs_event_fn fn, void *arg, long *n)
{
	struct pick		 picks[ZS_LEASE_MAX];
	long			 npicks, i;
	long			 max = zs_sql_cfg()->max_deliveries;
	enum zs_store_rc	 rc;
	int			 dead;

	do {
		rc = pick(tenant, p, now, picks, p->limit - *n, &npicks);
		if (rc != ZS_STORE_OK)
			return rc;
		dead = 0;
		for (i = 0; i < npicks; i++) {
			if (picks[i].deliveries >= max) {
				rc = dead_letter(tenant, picks[i].id, now);
				dead++;
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

/* Outside any transaction: 1 when something may be leasable now. */
static enum zs_store_rc
probe(const char *tenant, const struct zs_lease_params *p, int64_t now,
    int *any)
{
	struct pick		 one;
	long			 n;
	enum zs_store_rc	 rc;

	rc = pick(tenant, p, now, &one, 1, &n);
	*any = n > 0;
	return rc;
}

static enum zs_store_rc
next_visible(const char *tenant, int64_t now, int64_t *next_ms)
{
	sqlite3_stmt	*st = zs_sql_stmt(ST_NEXT_VISIBLE);
	int		 step;

	zs_sql_bind_str(st, 1, tenant);
	sqlite3_bind_int64(st, 2, now);
	if ((step = sqlite3_step(st)) != SQLITE_ROW)
		return zs_sql_fail(step, ST_NEXT_VISIBLE);
	*next_ms = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_lease(const char *tenant, const struct zs_lease_params *p,
    zs_event_fn fn, void *arg, long *n, int64_t *next_ms)
{
	enum zs_store_rc	 rc;
	int64_t			 now = zs_time_now_ms();
	int			 any;

	*n = 0;
	*next_ms = -1;
	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* A read first: an empty inbox costs no write lock. */
	if ((rc = probe(tenant, p, now, &any)) != ZS_STORE_OK)
		return rc;
	if (!any)
		return next_visible(tenant, now, next_ms);
	if ((rc = zs_sql_begin()) != ZS_STORE_OK)
		return rc;
	now = zs_time_now_ms();
	if ((rc = lease_picked(tenant, p, now, fn, arg, n)) != ZS_STORE_OK) {
		*n = 0;
		return zs_sql_rollback(rc);
	}
	if ((rc = zs_sql_commit()) != ZS_STORE_OK) {
		*n = 0;
		return zs_sql_rollback(rc);
	}
	if (*n == 0)		/* all were dead-lettered */
		return next_visible(tenant, now, next_ms);
	return ZS_STORE_OK;
}

/* After an UPDATE that matched nothing: 404, or the event's state. */
static enum zs_store_rc
why_not(const char *tenant, const char *id, enum zs_store_rc exists)
{
	sqlite3_stmt	*st = event_stmt(ST_ACK_GET, tenant, id);
	int		 step;

	step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_ROW)
		return exists;
	if (step == SQLITE_DONE)
		return ZS_STORE_NOTFOUND;
	return zs_sql_fail(step, ST_ACK_GET);
}

/*
 * Runs s (ST_EXTEND, ST_RELEASE: ?1 tenant, ?2 id, ?3 lease_id, ?4 now,
 * ?5 the new visible_at or NULL) in its own transaction.
 */
static enum zs_store_rc
change_lease(enum stmt s, const char *tenant, const char *id,
    const char *lease_id, int64_t now, int64_t visible)
{
	enum zs_store_rc	 rc;
	sqlite3_stmt		*st;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_sql_begin()) != ZS_STORE_OK)
		return rc;
	st = event_stmt(s, tenant, id);
	zs_sql_bind_str(st, 3, lease_id);
	sqlite3_bind_int64(st, 4, now);
	if (visible >= 0)
		sqlite3_bind_int64(st, 5, visible);
	if ((rc = zs_sql_run(s)) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	if (zs_sql_changes() == 0)
		return zs_sql_rollback(why_not(tenant, id,
		    ZS_STORE_LEASE_NOT_HELD));
	if ((rc = zs_sql_commit()) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_extend(const char *tenant, const char *id, const char *lease_id,
    long visibility_s, int64_t *expires_ms)
{
	int64_t	 now = zs_time_now_ms();

	*expires_ms = now + visibility_s * 1000;
	return change_lease(ST_EXTEND, tenant, id, lease_id, now,
	    *expires_ms);
}

enum zs_store_rc
zs_sqlite_release(const char *tenant, const char *id, const char *lease_id,
    long delay_s, int64_t *visible_ms)
{
	int64_t	 now = zs_time_now_ms();

	*visible_ms = now + delay_s * 1000;
	return change_lease(ST_RELEASE, tenant, id, lease_id, now,
	    delay_s > 0 ? *visible_ms : -1);
}

enum zs_store_rc
zs_sqlite_redrive(const char *tenant, const char *id)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_sql_begin()) != ZS_STORE_OK)
		return rc;
	event_stmt(ST_REDRIVE, tenant, id);
	if ((rc = zs_sql_run(ST_REDRIVE)) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	if (zs_sql_changes() == 0)
		return zs_sql_rollback(why_not(tenant, id, ZS_STORE_NOT_DEAD));
	if ((rc = zs_sql_commit()) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return ZS_STORE_OK;
}
