/*
 * Leases on PostgreSQL: POST /inbox/lease, extend, release and redrive.
 * The events are picked with SELECT ... FOR UPDATE SKIP LOCKED and given
 * their lease in the same transaction, so no two leases ever hold one
 * event, on any node: a row another transaction has locked is skipped,
 * not waited for. (ZapStream's own writers also queue on zs_state to keep
 * change seqs in commit order, so among them the skip is rare; it is what
 * keeps leases exact whatever else writes the table.) The triggers of
 * sql/postgres/001_schema.sql write the change rows and keep the counts.
 */
#include <stdio.h>
#include <string.h>

#include "parse/zs_event.h"
#include "store/postgres/zs_pg.h"
#include "util/zs_time.h"

/* One event picked for a lease. */
struct pick {
	char	 id[ZS_EVENT_ID_LEN + 1];
	int64_t	 deliveries;	/* delivery_count before this lease */
};

/* Reads up to max leasable events, oldest first, into picks (with s,
 * PG_LEASE_PICK inside a transaction or PG_LEASE_PROBE outside). */
static enum zs_store_rc
pick(enum pgst s, const char *tenant, const struct zs_lease_params *lp,
    int64_t now, struct pick *picks, long max, long *npicks)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	PGresult		*r;
	const char		*id;
	int			 i;

	*npicks = 0;
	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_int(&p, now);
	zs_pg_p_text(&p, lp->topic.len ? lp->topic.s : NULL, lp->topic.len);
	zs_pg_p_text(&p, lp->type.len ? lp->type.s : NULL, lp->type.len);
	zs_pg_p_text(&p, lp->source.len ? lp->source.s : NULL,
	    lp->source.len);
	zs_pg_p_int(&p, max);
	if ((rc = zs_pg_exec(s, &p, &r)) != ZS_STORE_OK)
		return rc;
	for (i = 0; i < PQntuples(r) && *npicks < max; i++) {
		id = zs_pg_text(r, i, 0);
		snprintf(picks[*npicks].id, sizeof(picks[0].id), "%s",
		    id ? id : "");
		picks[*npicks].deliveries = zs_pg_int(r, i, 1, 0);
		(*npicks)++;
	}
	PQclear(r);
	return ZS_STORE_OK;
}

/* Runs s with ?1 tenant, ?2 id and, when >= 0, ?3 v. */
static enum zs_store_rc
on_event(enum pgst s, const char *tenant, const char *id, const char *text,
    int64_t v, long *changed)
{
	struct zs_pg_params	 p;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_str(&p, id);
	if (text != NULL)
		zs_pg_p_str(&p, text);
	if (v >= 0)
		zs_pg_p_int(&p, v);
	return zs_pg_run(s, &p, changed);
}

/* Gives the event a new lease that ends at until. */
static enum zs_store_rc
take(const char *tenant, const char *id, int64_t until)
{
	char	 lease_id[ZS_LEASE_ID_LEN + 1];

	if (zs_lease_id_make(lease_id) == -1)
		return ZS_STORE_ERROR;
	return on_event(PG_LEASE_TAKE, tenant, id, lease_id, until, NULL);
}

/* Hands the event as it is now, with its lease, to fn. */
static enum zs_store_rc
give(const char *tenant, const char *id, int64_t now, zs_event_fn fn,
    void *arg)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	struct zs_event		 ev;
	PGresult		*r;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_str(&p, id);
	if ((rc = zs_pg_exec(PG_EVENT_GET, &p, &r)) != ZS_STORE_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return ZS_STORE_ERROR;
	}
	zs_pg_read_event(r, 0, now, &ev);
	fn(&ev, arg);
	PQclear(r);
	return ZS_STORE_OK;
}

/*
 * Inside the open transaction: leases what pick() finds, dead-letters
 * those past MAX_DELIVERIES and picks again in their place.
 */
static enum zs_store_rc
lease_picked(const char *tenant, const struct zs_lease_params *lp,
    int64_t now, zs_event_fn fn, void *arg, long *n)
{
	struct pick		 picks[ZS_LEASE_MAX];
	long			 npicks, i;
	long			 max = zs_pg_cfg()->max_deliveries;
	enum zs_store_rc	 rc;
	int			 dead;

	do {
		rc = pick(PG_LEASE_PICK, tenant, lp, now, picks,
		    lp->limit - *n, &npicks);
		if (rc != ZS_STORE_OK)
			return rc;
		dead = 0;
		for (i = 0; i < npicks; i++) {
			if (picks[i].deliveries >= max) {
				rc = on_event(PG_DEAD_LETTER, tenant,
				    picks[i].id, NULL, now, NULL);
				dead++;
			} else if ((rc = take(tenant, picks[i].id, now +
			    lp->visibility_s * 1000)) == ZS_STORE_OK) {
				rc = give(tenant, picks[i].id, now, fn, arg);
				(*n)++;
			}
			if (rc != ZS_STORE_OK)
				return rc;
		}
	} while (dead > 0 && *n < lp->limit);
	return ZS_STORE_OK;
}

static enum zs_store_rc
next_visible(const char *tenant, int64_t now, int64_t *next_ms)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	PGresult		*r;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_int(&p, now);
	if ((rc = zs_pg_exec(PG_NEXT_VISIBLE, &p, &r)) != ZS_STORE_OK)
		return rc;
	*next_ms = PQntuples(r) == 1 ? zs_pg_int(r, 0, 0, -1) : -1;
	PQclear(r);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_lease(const char *tenant, const struct zs_lease_params *lp,
    zs_event_fn fn, void *arg, long *n, int64_t *next_ms)
{
	struct pick		 one;
	enum zs_store_rc	 rc;
	int64_t			 now = zs_time_now_ms();
	long			 any;

	*n = 0;
	*next_ms = -1;
	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* A read first: an empty inbox costs no lock. */
	if ((rc = pick(PG_LEASE_PROBE, tenant, lp, now, &one, 1, &any)) !=
	    ZS_STORE_OK)
		return rc;
	if (any == 0)
		return next_visible(tenant, now, next_ms);
	if ((rc = zs_pg_begin(NULL, 0)) != ZS_STORE_OK)
		return rc;
	now = zs_time_now_ms();
	if ((rc = lease_picked(tenant, lp, now, fn, arg, n)) != ZS_STORE_OK) {
		*n = 0;
		return zs_pg_rollback(rc);
	}
	if ((rc = zs_pg_commit()) != ZS_STORE_OK) {
		*n = 0;
		return zs_pg_rollback(rc);
	}
	if (*n == 0)		/* all were dead-lettered */
		return next_visible(tenant, now, next_ms);
	return ZS_STORE_OK;
}

/* After an UPDATE that matched nothing: 404, or the event's state. */
static enum zs_store_rc
why_not(const char *tenant, const char *id, enum zs_store_rc exists)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	PGresult		*r;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_str(&p, id);
	if ((rc = zs_pg_exec(PG_ACK_GET, &p, &r)) != ZS_STORE_OK)
		return rc;
	rc = PQntuples(r) > 0 ? exists : ZS_STORE_NOTFOUND;
	PQclear(r);
	return rc;
}

/*
 * Runs s (PG_EXTEND, PG_RELEASE: $1 tenant, $2 id, $3 lease_id, $4 now,
 * $5 the new visible_at or NULL when < 0) in its own transaction.
 */
static enum zs_store_rc
change_lease(enum pgst s, const char *tenant, const char *id,
    const char *lease_id, int64_t now, int64_t visible)
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
	zs_pg_p_str(&p, lease_id);
	zs_pg_p_int(&p, now);
	if (visible >= 0)
		zs_pg_p_int(&p, visible);
	else
		zs_pg_p_str(&p, NULL);
	if ((rc = zs_pg_run(s, &p, &n)) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	if (n == 0)
		return zs_pg_rollback(why_not(tenant, id,
		    ZS_STORE_LEASE_NOT_HELD));
	if ((rc = zs_pg_commit()) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_extend(const char *tenant, const char *id, const char *lease_id,
    long visibility_s, int64_t *expires_ms)
{
	int64_t	 now = zs_time_now_ms();

	*expires_ms = now + visibility_s * 1000;
	return change_lease(PG_EXTEND, tenant, id, lease_id, now,
	    *expires_ms);
}

enum zs_store_rc
zs_pg_release(const char *tenant, const char *id, const char *lease_id,
    long delay_s, int64_t *visible_ms)
{
	int64_t	 now = zs_time_now_ms();

	*visible_ms = now + delay_s * 1000;
	return change_lease(PG_RELEASE, tenant, id, lease_id, now,
	    delay_s > 0 ? *visible_ms : -1);
}

enum zs_store_rc
zs_pg_redrive(const char *tenant, const char *id)
{
	enum zs_store_rc	 rc;
	long			 n;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_pg_begin(NULL, 0)) != ZS_STORE_OK)
		return rc;
	if ((rc = on_event(PG_REDRIVE, tenant, id, NULL, -1, &n)) !=
	    ZS_STORE_OK)
		return zs_pg_rollback(rc);
	if (n == 0)
		return zs_pg_rollback(why_not(tenant, id, ZS_STORE_NOT_DEAD));
	if ((rc = zs_pg_commit()) != ZS_STORE_OK)
		return zs_pg_rollback(rc);
	return ZS_STORE_OK;
}
