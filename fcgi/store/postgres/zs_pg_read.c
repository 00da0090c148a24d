/*
 * zs_store on PostgreSQL: the change sequence and its wake-up, stats and
 * webhook tokens.
 *
 * The wake-up: every transaction that writes a change row sends
 * NOTIFY zapstream_changes (a trigger, sql/postgres/001_schema.sql). The
 * hub waits for it on a connection of its own, which does nothing but
 * LISTEN, so it never holds the store's connection (or its lock) while
 * it waits. A notification is a hint: the hub still reads the change
 * table, and reads it anyway every WAKE_FALLBACK_MS, so a lost
 * notification (or a lost listening connection) costs at most that.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/zs_log.h"
#include "store/postgres/zs_pg.h"
#include "util/zs_time.h"

#define WAKE_FALLBACK_MS 1000	/* longest wait without a notification */

/* The hub's listening connection (only the hub's thread uses it). */
static PGconn *listener;

/* Steps a statement without parameters that returns one integer. */
static enum zs_store_rc
one_int(enum pgst s, int64_t *out)
{
	enum zs_store_rc	 rc;
	PGresult		*r;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_pg_exec(s, NULL, &r)) != ZS_STORE_OK)
		return rc;
	*out = PQntuples(r) == 1 ? zs_pg_int(r, 0, 0, 0) : 0;
	PQclear(r);
	return ZS_STORE_OK;
}

/* The last change seq handed out: it moves with every change commit. */
enum zs_store_rc
zs_pg_data_version(int64_t *version)
{
	return one_int(PG_DATA_VERSION, version);
}

enum zs_store_rc
zs_pg_last_change(int64_t *seq)
{
	return one_int(PG_LAST_CHANGE, seq);
}

/* Opens the listening connection: 0 when it was open, 1 when it has just
 * been opened, -1 when it cannot be (logged). */
static int
listen_open(void)
{
	PGresult	*r;
	int		 ok;

	static int64_t	 next_try;	/* no retry (nor log line) before */

	if (listener != NULL && PQstatus(listener) == CONNECTION_OK)
		return 0;
	PQfinish(listener);
	listener = NULL;
	if (zs_time_now_ms() < next_try)
		return -1;
	next_try = zs_time_now_ms() + WAKE_FALLBACK_MS;
	if (zs_pg_cfg() == NULL ||
	    (listener = zs_pg_connect(zs_pg_cfg(), "the stream's listener")) ==
	    NULL)
		return -1;
	r = PQexec(listener, "LISTEN zapstream_changes");
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		zs_log("postgres: LISTEN failed: %s", PQerrorMessage(listener));
		PQfinish(listener);
		listener = NULL;
		return -1;
	}
	return 1;
}

/* Takes every notification that has arrived; 1 if there was one. */
static int
drain(void)
{
	PGnotify	*n;
	int		 any = 0;

	while ((n = PQnotifies(listener)) != NULL) {
		PQfreemem(n);
		any = 1;
	}
	return any;
}

/*
 * Returns when a change may have been committed: at a notification, or
 * after WAKE_FALLBACK_MS without one (poll_ms, SQLite's tick, does not
 * apply: nothing is polled). Without a listening connection it waits
 * poll_ms and tries to open one again next time.
 */
enum zs_store_rc
zs_pg_wait_change(long poll_ms)
{
	struct pollfd	 pfd;
	struct timespec	 ts;
	int64_t		 end = zs_time_now_ms() + WAKE_FALLBACK_MS, left;

	switch (listen_open()) {
	case -1:
		ts.tv_sec = poll_ms / 1000;
		ts.tv_nsec = (poll_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		return ZS_STORE_UNAVAILABLE;
	case 1:
		/* Listening from now on: what was committed before can
		 * only be found by reading, at once. */
		return ZS_STORE_OK;
	default:
		break;
	}
	if (PQconsumeInput(listener) == 1 && drain())
		return ZS_STORE_OK;
	while ((left = end - zs_time_now_ms()) > 0) {
		pfd.fd = PQsocket(listener);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0)
			break;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			break;
		if (pfd.revents == 0)
			continue;
		if (PQconsumeInput(listener) != 1) {
			zs_log("postgres: the stream's listener was lost: %s",
			    PQerrorMessage(listener));
			PQfinish(listener);
			listener = NULL;
			break;
		}
		if (drain())
			break;
	}
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_changes(const char *tenant, int64_t after, int64_t upto, long limit,
    zs_change_fn fn, void *arg, long *n)
{
	static const char *const kinds[ZS_CHANGE__MAX] = {
		"created", "acknowledged", "deleted", "leased", "released",
		"dead_lettered", "redriven",
	};
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;
	struct zs_change	 c;
	const char		*kind;
	PGresult		*r;
	int			 i, k, rows;

	*n = 0;
	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_pg_p_init(&p);
	zs_pg_p_int(&p, after);
	zs_pg_p_int(&p, upto);
	zs_pg_p_int(&p, limit);
	if (tenant != NULL)
		zs_pg_p_str(&p, tenant);
	if ((rc = zs_pg_exec(tenant ? PG_CHANGES_TENANT : PG_CHANGES_ALL, &p,
	    &r)) != ZS_STORE_OK)
		return rc;
	rows = PQntuples(r);
	for (i = 0; i < rows; i++) {
		memset(&c, 0, sizeof(c));
		c.seq = zs_pg_int(r, i, 0, 0);
		kind = zs_pg_text(r, i, 1);
		for (k = 0; k < ZS_CHANGE__MAX; k++)
			if (kind != NULL && strcmp(kind, kinds[k]) == 0)
				break;
		if (k == ZS_CHANGE__MAX)
			continue;	/* the CHECK constraint forbids this */
		c.kind = (enum zs_change_kind)k;
		c.tenant = zs_pg_text(r, i, 2);
		c.event_id = zs_pg_text(r, i, 3);
		c.at = zs_pg_int(r, i, 4, 0);
		c.source = zs_pg_text(r, i, 5);
		c.type = zs_pg_text(r, i, 6);
		c.topic = zs_pg_text(r, i, 7);
		c.until = zs_pg_int(r, i, 10, -1);
		c.deliveries = zs_pg_int(r, i, 11, -1);
		if (c.kind == ZS_CHANGE_CREATED && !PQgetisnull(r, i, 9)) {
			c.has_event = 1;
			snprintf(c.event.id, sizeof(c.event.id), "%s",
			    c.event_id ? c.event_id : "");
			c.event.created_ms = zs_pg_int(r, i, 8, 0);
			c.event.acked_ms = -1;
			c.event.status = ZS_STATUS_PENDING;
			c.event.lease_expires_ms = -1;
			c.event.visible_ms = -1;
			c.event.dead_ms = -1;
			c.event.source = c.source;
			c.event.type = c.type;
			c.event.topic = c.topic;
			c.event.payload = PQgetvalue(r, i, 9);
			c.event.payload_len = (size_t)PQgetlength(r, i, 9);
		}
		if (c.tenant == NULL || c.event_id == NULL)
			continue;
		fn(&c, arg);
		(*n)++;
	}
	PQclear(r);
	return ZS_STORE_OK;
}

/* Runs a stats statement for tenant (and n, when >= 0); *r to clear. */
static enum zs_store_rc
stats_query(enum pgst s, const char *tenant, int64_t n, PGresult **r)
{
	struct zs_pg_params	 p;

	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	if (n >= 0)
		zs_pg_p_int(&p, n);
	return zs_pg_exec(s, &p, r);
}

/* Reads the stats statements inside the open read transaction. */
static enum zs_store_rc
stats_read(const char *tenant, int64_t now, struct zs_stats *st)
{
	enum zs_store_rc	 rc;
	PGresult		*r;
	const char		*name;
	int64_t			 m;
	int			 i;

	if ((rc = stats_query(PG_STATS_TOTALS, tenant, -1, &r)) !=
	    ZS_STORE_OK)
		return rc;
	st->pending = zs_pg_int(r, 0, 0, 0);
	st->acknowledged = zs_pg_int(r, 0, 1, 0);
	st->dead = zs_pg_int(r, 0, 2, 0);
	PQclear(r);

	if ((rc = stats_query(PG_STATS_LEASED, tenant, now, &r)) !=
	    ZS_STORE_OK)
		return rc;
	st->leased = zs_pg_int(r, 0, 0, 0);
	st->pending -= st->leased;	/* source_counts cannot see time */
	PQclear(r);

	if ((rc = stats_query(PG_STATS_SOURCES, tenant, ZS_STATS_SOURCES,
	    &r)) != ZS_STORE_OK)
		return rc;
	for (i = 0; i < PQntuples(r) && st->nsources < ZS_STATS_SOURCES;
	    i++) {
		name = zs_pg_text(r, i, 0);
		snprintf(st->sources[st->nsources].name,
		    sizeof(st->sources[0].name), "%s", name ? name : "");
		st->sources[st->nsources].given = name != NULL && *name;
		st->sources[st->nsources].count = zs_pg_int(r, i, 1, 0);
		st->nsources++;
	}
	PQclear(r);

	if ((rc = stats_query(PG_STATS_MINUTES, tenant, st->first_minute_ms,
	    &r)) != ZS_STORE_OK)
		return rc;
	for (i = 0; i < PQntuples(r); i++) {
		m = zs_pg_int(r, i, 0, 0) - st->first_minute_ms / 60000;
		if (m >= 0 && m < ZS_STATS_MINUTES)
			st->per_minute[m] = zs_pg_int(r, i, 1, 0);
	}
	PQclear(r);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_stats(const char *tenant, int64_t now_ms, struct zs_stats *st)
{
	enum zs_store_rc	 rc;

	memset(st, 0, sizeof(*st));
	st->first_minute_ms = (now_ms / 60000 - (ZS_STATS_MINUTES - 1)) *
	    60000;
	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* One snapshot, so the figures agree with each other. */
	if ((rc = zs_pg_command("BEGIN ISOLATION LEVEL REPEATABLE READ "
	    "READ ONLY")) != ZS_STORE_OK)
		return rc;
	rc = stats_read(tenant, now_ms, st);
	return zs_pg_rollback(rc);	/* a read: nothing to commit */
}

/* ---- Webhook tokens -------------------------------------------------- */

enum zs_store_rc
zs_pg_tokens(zs_token_fn fn, void *arg)
{
	enum zs_store_rc	 rc;
	PGresult		*r;
	const char		*tenant, *name, *token;
	int			 i;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_pg_exec(PG_TOKENS_ALL, NULL, &r)) != ZS_STORE_OK)
		return rc;
	for (i = 0; i < PQntuples(r); i++) {
		tenant = zs_pg_text(r, i, 0);
		name = zs_pg_text(r, i, 1);
		token = zs_pg_text(r, i, 2);
		if (tenant != NULL && name != NULL && token != NULL)
			fn(tenant, name, token, arg);
	}
	PQclear(r);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_token_put(const char *tenant, const char *name, const char *token,
    int replace)
{
	struct zs_pg_params	 p;
	enum zs_store_rc	 rc;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_pg_p_init(&p);
	zs_pg_p_str(&p, tenant);
	zs_pg_p_str(&p, name);
	zs_pg_p_str(&p, token);
	zs_pg_p_int(&p, zs_time_now_ms());
	/* One statement: its own transaction. */
	return zs_pg_run(replace ? PG_TOKEN_SET : PG_TOKEN_ADD, &p, NULL);
}
