/*
 * zs_store on PostgreSQL: the process's one connection, the table of
 * statements (prepared on first use, once per connection), parameters,
 * results, failures and transactions. See zs_pg.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_event.h"
#include "util/zs_log.h"
#include "store/postgres/zs_pg.h"
#include "util/zs_time.h"

#define EVENT_COLS \
	"seq, id, created_at, acked_at, source, type, topic, payload, " \
	"delivery_count, lease_id, visible_at, dead_at"
/*
 * $1 tenant, $2 cursor seq, $3 since, $4 topic, $5 type, $6 source,
 * $7 limit, $8 now (only the lease states use it).
 */
#define LIST_WHERE(status, cmp) \
	"SELECT " EVENT_COLS " FROM events WHERE tenant = $1 AND " status \
	" AND seq " cmp " $2::bigint AND created_at > $3::bigint" \
	" AND ($4::text IS NULL OR topic = $4::text)" \
	" AND ($5::text IS NULL OR type = $5::text)" \
	" AND ($6::text IS NULL OR source = $6::text)"
/* $1 after, $2 upto, $3 limit ($4 tenant). */
#define CHANGES_SELECT \
	"SELECT c.seq, c.kind, c.tenant, c.event_id, c.at, c.source, " \
	"c.type, c.topic, e.created_at, e.payload, c.until_at, " \
	"c.deliveries FROM changes c " \
	"LEFT JOIN events e ON c.kind = 'created' AND e.id = c.event_id " \
	"WHERE c.seq > $1::bigint AND c.seq <= $2::bigint"
/* The states of sql/postgres/001_schema.sql, as WHERE terms. */
#define OPEN "acked_at IS NULL AND dead_at IS NULL"
#define PENDING OPEN " AND (lease_id IS NULL OR visible_at <= $8::bigint)"
#define LEASED OPEN " AND lease_id IS NOT NULL AND visible_at > $8::bigint"
#define ACKED "acked_at IS NOT NULL"
#define DEAD "dead_at IS NOT NULL AND acked_at IS NULL"
#define ANY "true"
/* Leasable now: $1 tenant, $2 now, $3 topic, $4 type, $5 source. */
#define LEASABLE \
	"tenant = $1 AND " OPEN " AND (visible_at IS NULL OR " \
	"visible_at <= $2::bigint) AND ($3::text IS NULL OR topic = $3::text)" \
	" AND ($4::text IS NULL OR type = $4::text) AND " \
	"($5::text IS NULL OR source = $5::text)"
/* A live lease: $1 tenant, $2 id, $3 lease_id, $4 now. */
#define LIVE_LEASE \
	"tenant = $1 AND id = $2 AND lease_id = $3 AND visible_at > " \
	"$4::bigint AND " OPEN

static const char *const pg_sql[PG__MAX] = {
	/* PG_PING */ "SELECT max(version) FROM schema_version",
	/* PG_IDEM_GET: $4 the body's hash */
	"SELECT body_hash = $4::bytea, event_id, created_at "
	"FROM idempotency_keys WHERE tenant = $1 AND key = $2 "
	"AND expires_at > $3::bigint",
	/* PG_IDEM_PUT: only an expired key is there to replace */
	"INSERT INTO idempotency_keys AS k (tenant, key, body_hash, event_id, "
	"created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) "
	"ON CONFLICT (tenant, key) DO UPDATE SET body_hash = "
	"excluded.body_hash, event_id = excluded.event_id, created_at = "
	"excluded.created_at, expires_at = excluded.expires_at "
	"WHERE k.expires_at <= excluded.created_at",
	/* PG_ULID_PUT */ "UPDATE zs_state SET last_ulid = $1 WHERE one = 1",
	/* PG_EVENT_INSERT */
	"INSERT INTO events (id, tenant, created_at, source, type, topic, "
	"payload) VALUES ($1, $2, $3, $4, $5, $6, $7)",
	/* PG_EVENT_GET */
	"SELECT " EVENT_COLS " FROM events WHERE tenant = $1 AND id = $2",
	/* PG_LIST_PENDING_ASC */
	LIST_WHERE(PENDING, ">") " ORDER BY seq ASC LIMIT $7",
	/* PG_LIST_PENDING_DESC */
	LIST_WHERE(PENDING, "<") " ORDER BY seq DESC LIMIT $7",
	/* PG_LIST_LEASED_ASC */
	LIST_WHERE(LEASED, ">") " ORDER BY seq ASC LIMIT $7",
	/* PG_LIST_LEASED_DESC */
	LIST_WHERE(LEASED, "<") " ORDER BY seq DESC LIMIT $7",
	/* PG_LIST_ACKED_ASC */
	LIST_WHERE(ACKED, ">") " ORDER BY seq ASC LIMIT $7",
	/* PG_LIST_ACKED_DESC */
	LIST_WHERE(ACKED, "<") " ORDER BY seq DESC LIMIT $7",
	/* PG_LIST_DEAD_ASC */
	LIST_WHERE(DEAD, ">") " ORDER BY seq ASC LIMIT $7",
	/* PG_LIST_DEAD_DESC */
	LIST_WHERE(DEAD, "<") " ORDER BY seq DESC LIMIT $7",
	/* PG_LIST_ALL_ASC */
	LIST_WHERE(ANY, ">") " ORDER BY seq ASC LIMIT $7",
	/* PG_LIST_ALL_DESC */
	LIST_WHERE(ANY, "<") " ORDER BY seq DESC LIMIT $7",
	/* PG_ACK_GET */
	"SELECT acked_at, lease_id, visible_at FROM events "
	"WHERE tenant = $1 AND id = $2",
	/* PG_ACK_SET: an acknowledgement also ends a dead letter */
	"UPDATE events SET acked_at = $3, dead_at = NULL "
	"WHERE tenant = $1 AND id = $2 AND acked_at IS NULL",
	/* PG_DELETE */ "DELETE FROM events WHERE tenant = $1 AND id = $2",
	/* PG_PURGE_EVENTS */
	"DELETE FROM events WHERE seq IN (SELECT seq FROM events "
	"WHERE acked_at IS NOT NULL AND acked_at < $1 LIMIT $2)",
	/* PG_PURGE_IDEM */
	"DELETE FROM idempotency_keys WHERE (tenant, key) IN "
	"(SELECT tenant, key FROM idempotency_keys WHERE expires_at < $1 "
	"LIMIT $2)",
	/* PG_PURGE_CHANGES */
	"DELETE FROM changes WHERE seq IN (SELECT seq FROM changes "
	"ORDER BY seq LIMIT $2) AND at < $1",
	/* PG_DATA_VERSION */ "SELECT change_seq FROM zs_state WHERE one = 1",
	/* PG_LAST_CHANGE */ "SELECT coalesce(max(seq), 0) FROM changes",
	/* PG_CHANGES_ALL */ CHANGES_SELECT " ORDER BY c.seq LIMIT $3",
	/* PG_CHANGES_TENANT */
	CHANGES_SELECT " AND c.tenant = $4 ORDER BY c.seq LIMIT $3",
	/* PG_STATS_TOTALS */
	"SELECT coalesce(sum(pending), 0), coalesce(sum(acknowledged), 0), "
	"coalesce(sum(dead), 0) FROM source_counts WHERE tenant = $1",
	/* PG_STATS_SOURCES: sources in SQLite's (bytewise) order */
	"SELECT source, pending + acknowledged + dead AS n FROM source_counts "
	"WHERE tenant = $1 AND pending + acknowledged + dead > 0 "
	"ORDER BY n DESC, source COLLATE \"C\" LIMIT $2",
	/* PG_STATS_MINUTES */
	"SELECT created_at / 60000, count(*) FROM events "
	"WHERE tenant = $1 AND created_at >= $2 GROUP BY created_at / 60000",
	/* PG_STATS_LEASED */
	"SELECT count(*) FROM events WHERE tenant = $1 AND " OPEN
	" AND visible_at > $2 AND lease_id IS NOT NULL",
	/* PG_TOKENS_ALL */ "SELECT tenant, name, token FROM webhook_tokens",
	/* PG_TOKEN_ADD */
	"INSERT INTO webhook_tokens (tenant, name, token, created_at) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	/* PG_TOKEN_SET */
	"INSERT INTO webhook_tokens (tenant, name, token, created_at) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, name) DO UPDATE "
	"SET token = excluded.token, created_at = excluded.created_at",
	/* PG_LEASE_PROBE: a plain read, outside any transaction */
	"SELECT id, delivery_count FROM events WHERE " LEASABLE
	" ORDER BY seq LIMIT $6",
	/* PG_LEASE_PICK: rows another lease holds are skipped, not waited
	 * for, and stay locked until COMMIT */
	"SELECT id, delivery_count FROM events WHERE " LEASABLE
	" ORDER BY seq LIMIT $6 FOR UPDATE SKIP LOCKED",
	/* PG_LEASE_TAKE */
	"UPDATE events SET lease_id = $3, visible_at = $4, "
	"delivery_count = delivery_count + 1 WHERE tenant = $1 AND id = $2",
	/* PG_DEAD_LETTER */
	"UPDATE events SET dead_at = $3, lease_id = NULL, visible_at = NULL "
	"WHERE tenant = $1 AND id = $2",
	/* PG_NEXT_VISIBLE */
	"SELECT min(visible_at) FROM events WHERE tenant = $1 AND " OPEN
	" AND visible_at > $2",
	/* PG_EXTEND */
	"UPDATE events SET visible_at = $5 WHERE " LIVE_LEASE,
	/* PG_RELEASE */
	"UPDATE events SET lease_id = NULL, visible_at = $5::bigint WHERE "
	LIVE_LEASE,
	/* PG_REDRIVE */
	"UPDATE events SET dead_at = NULL, delivery_count = 0, "
	"lease_id = NULL, visible_at = NULL "
	"WHERE tenant = $1 AND id = $2 AND " DEAD,
};

/* This process's connection. */
static struct {
	PGconn			*conn;		/* NULL until opened */
	int			 prepared[PG__MAX]; /* on this connection */
	const struct zs_config	*cfg;		/* settings in force */
	int64_t			 next_try;	/* no connection try before */
} pg;

const struct zs_config *
zs_pg_cfg(void)
{
	return pg.cfg;
}

/* Notices (CREATE ... IF NOT EXISTS, say) are not worth a log line. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* A connection's setting (libpq gives NULL when it could not tell). */
static const char *
or_what(const PGconn *c, char *(*get)(const PGconn *))
{
	const char	*s = c ? get(c) : NULL;

	return s && *s ? s : "?";
}

/* The first line of libpq's message, which may hold several. */
static const char *
first_line(const char *msg, char *buf, size_t size)
{
	size_t	 n = strcspn(msg ? msg : "", "\n");

	snprintf(buf, size, "%.*s", (int)n, msg ? msg : "");
	return buf;
}

PGconn *
zs_pg_connect(const struct zs_config *cfg, const char *who)
{
	const char	*keys[4] = { "application_name", "connect_timeout",
			    NULL, NULL };
	const char	*vals[4] = { "zapstream", "5", NULL, NULL };
	char		 set[160], line[512];
	PGconn		*c;
	PGresult	*r;

	if (cfg->db_url[0] != '\0') {
		keys[2] = "dbname";	/* a URL or key=value string */
		vals[2] = cfg->db_url;
	}
	c = PQconnectdbParams(keys, vals, 1);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		zs_log("postgres: %s cannot connect to database %s on %s "
		    "port %s (DATABASE_URL): %s", who, or_what(c, PQdb),
		    or_what(c, PQhost), or_what(c, PQport), first_line(c ?
		    PQerrorMessage(c) : "out of memory", line, sizeof(line)));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	/* Lock waits are bounded like SQLite's busy timeout (503 after). */
	snprintf(set, sizeof(set), "SET lock_timeout = %ld; "
	    "SET synchronous_commit = %s", cfg->busy_timeout_ms,
	    cfg->durability == ZS_DURABILITY_FULL ? "on" : "off");
	r = PQexec(c, set);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		zs_log("postgres: %s in: %s", first_line(PQerrorMessage(c),
		    line, sizeof(line)), set);
		PQclear(r);
		PQfinish(c);
		return NULL;
	}
	PQclear(r);
	return c;
}

/* The schema version of the database; -1 when it has none. */
static int
schema_version(PGconn *c)
{
	PGresult	*r = PQexec(c, pg_sql[PG_PING]);
	int		 v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    !PQgetisnull(r, 0, 0))
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

enum zs_store_rc
zs_pg_open(const struct zs_config *cfg)
{
	int	 v;

	pg.cfg = cfg;
	if (pg.conn != NULL)
		return ZS_STORE_OK;
	/* A server that is down is tried (and logged) once a second, not
	 * at every request. */
	if (zs_time_now_ms() < pg.next_try)
		return ZS_STORE_UNAVAILABLE;
	if ((pg.conn = zs_pg_connect(cfg, "the store")) == NULL) {
		pg.next_try = zs_time_now_ms() + 1000;
		return ZS_STORE_UNAVAILABLE;
	}
	memset(pg.prepared, 0, sizeof(pg.prepared));
	if ((v = schema_version(pg.conn)) != ZS_PG_SCHEMA_VERSION) {
		zs_log("postgres: database %s has schema version %d, this "
		    "build needs %d: run make db-init", PQdb(pg.conn), v,
		    ZS_PG_SCHEMA_VERSION);
		zs_pg_close();
		return ZS_STORE_UNAVAILABLE;
	}
	return ZS_STORE_OK;
}

void
zs_pg_close(void)
{
	PQfinish(pg.conn);
	pg.conn = NULL;
}

enum zs_store_rc
zs_pg_ensure_open(void)
{
	if (pg.conn != NULL && PQstatus(pg.conn) != CONNECTION_OK) {
		zs_log("postgres: the connection was lost; reconnecting");
		zs_pg_close();
	}
	if (pg.conn != NULL)
		return ZS_STORE_OK;
	if (pg.cfg == NULL)
		return ZS_STORE_UNAVAILABLE;
	return zs_pg_open(pg.cfg);
}

enum zs_store_rc
zs_pg_ping(void)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_pg_ensure_open()) != ZS_STORE_OK)
		return rc;
	return zs_pg_run(PG_PING, NULL, NULL);
}

/* ---- Parameters and results ------------------------------------------ */

void
zs_pg_p_init(struct zs_pg_params *p)
{
	p->n = 0;
}

void
zs_pg_p_text(struct zs_pg_params *p, const char *s, size_t len)
{
	if (p->n >= ZS_PG_PARAMS_MAX)
		return;
	/* Sent in binary format, which for text is the bytes themselves:
	 * s need not end at len (a payload lies inside its body). */
	p->v[p->n] = s;
	p->len[p->n] = (int)len;
	p->fmt[p->n] = 1;
	p->n++;
}

void
zs_pg_p_str(struct zs_pg_params *p, const char *s)
{
	zs_pg_p_text(p, s, s ? strlen(s) : 0);
}

void
zs_pg_p_int(struct zs_pg_params *p, int64_t v)
{
	if (p->n >= ZS_PG_PARAMS_MAX)
		return;
	snprintf(p->num[p->n], sizeof(p->num[0]), "%" PRId64, v);
	p->v[p->n] = p->num[p->n];
	p->len[p->n] = 0;
	p->fmt[p->n] = 0;	/* text format, NUL-terminated */
	p->n++;
}

void
zs_pg_p_bin(struct zs_pg_params *p, const void *data, size_t len)
{
	if (p->n >= ZS_PG_PARAMS_MAX)
		return;
	p->v[p->n] = data;
	p->len[p->n] = (int)len;
	p->fmt[p->n] = 1;
	p->n++;
}

int64_t
zs_pg_int(const PGresult *r, int row, int col, int64_t null)
{
	if (PQgetisnull(r, row, col))
		return null;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

const char *
zs_pg_text(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return PQgetvalue(r, row, col);
}

/* ---- Failures ---------------------------------------------------------- */

/* Our code for a failed result r (NULL: no result at all). */
static enum zs_store_rc
map_result(const PGresult *r)
{
	const char	*state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) :
			    NULL;

	if (pg.conn == NULL || PQstatus(pg.conn) != CONNECTION_OK)
		return ZS_STORE_UNAVAILABLE;
	if (state == NULL)
		return r == NULL ? ZS_STORE_UNAVAILABLE : ZS_STORE_ERROR;
	/* lock_timeout, deadlock, serialization, statement cancelled */
	if (strcmp(state, "55P03") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "57014") == 0)
		return ZS_STORE_BUSY;
	/* connection, shutdown, resources, read-only (a standby) */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
	    strncmp(state, "53", 2) == 0 || strcmp(state, "25006") == 0)
		return ZS_STORE_UNAVAILABLE;
	return ZS_STORE_ERROR;
}

/* Logs a failure of sql; closes a lost connection; returns our code. */
static enum zs_store_rc
fail(const PGresult *r, const char *sql)
{
	enum zs_store_rc rc = map_result(r);
	char		 line[512];

	zs_log("postgres: %s in: %s", first_line(r ?
	    PQresultErrorMessage(r) : PQerrorMessage(pg.conn), line,
	    sizeof(line)), sql);
	if (rc == ZS_STORE_UNAVAILABLE)
		zs_pg_close();		/* reconnect on the next call */
	return rc;
}

/* Prepares s on this connection the first time it is used. */
static enum zs_store_rc
prepare(enum pgst s)
{
	char		 name[16];
	PGresult	*r;
	enum zs_store_rc rc = ZS_STORE_OK;

	if (pg.prepared[s])
		return ZS_STORE_OK;
	snprintf(name, sizeof(name), "zs%d", (int)s);
	r = PQprepare(pg.conn, name, pg_sql[s], 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = fail(r, pg_sql[s]);
	else
		pg.prepared[s] = 1;
	PQclear(r);
	return rc;
}

enum zs_store_rc
zs_pg_exec(enum pgst s, const struct zs_pg_params *p, PGresult **res)
{
	static const struct zs_pg_params none;
	enum zs_store_rc rc;
	ExecStatusType	 st;
	PGresult	*r;
	char		 name[16];

	if (res != NULL)
		*res = NULL;
	if (p == NULL)
		p = &none;
	if (pg.conn == NULL)
		return ZS_STORE_UNAVAILABLE;
	if ((rc = prepare(s)) != ZS_STORE_OK)
		return rc;
	snprintf(name, sizeof(name), "zs%d", (int)s);
	r = PQexecPrepared(pg.conn, name, p->n, p->v, p->len, p->fmt, 0);
	st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = fail(r, pg_sql[s]);
		PQclear(r);
		return rc;
	}
	if (res != NULL)
		*res = r;
	else
		PQclear(r);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_run(enum pgst s, const struct zs_pg_params *p, long *changed)
{
	enum zs_store_rc rc;
	PGresult	*r;

	if ((rc = zs_pg_exec(s, p, &r)) != ZS_STORE_OK)
		return rc;
	if (changed != NULL)
		*changed = atol(PQcmdTuples(r));
	PQclear(r);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_command(const char *sql)
{
	enum zs_store_rc rc = ZS_STORE_OK;
	PGresult	*r;

	if (pg.conn == NULL)
		return ZS_STORE_UNAVAILABLE;
	r = PQexec(pg.conn, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = fail(r, sql);
	PQclear(r);
	return rc;
}

/* ---- Transactions ------------------------------------------------------ */

enum zs_store_rc
zs_pg_begin(char *last_ulid, size_t size)
{
	static const char sql[] = "BEGIN; "
	    "SELECT last_ulid FROM zs_state WHERE one = 1 FOR UPDATE";
	enum zs_store_rc rc = ZS_STORE_OK;
	PGresult	*r;

	if (pg.conn == NULL)
		return ZS_STORE_UNAVAILABLE;
	r = PQexec(pg.conn, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		rc = fail(r, sql);
		PQclear(r);
		return zs_pg_rollback(rc);
	}
	if (last_ulid != NULL)
		snprintf(last_ulid, size, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_pg_commit(void)
{
	return zs_pg_command("COMMIT");
}

enum zs_store_rc
zs_pg_rollback(enum zs_store_rc rc)
{
	PGresult	*r;

	if (pg.conn != NULL &&
	    PQtransactionStatus(pg.conn) != PQTRANS_IDLE) {
		r = PQexec(pg.conn, "ROLLBACK");
		PQclear(r);
	}
	return rc;
}

/* ---- Events ------------------------------------------------------------ */

void
zs_pg_read_event(const PGresult *r, int row, int64_t now,
    struct zs_event *ev)
{
	const char	*id = zs_pg_text(r, row, 1);
	int64_t		 visible;

	ev->seq = zs_pg_int(r, row, 0, 0);
	snprintf(ev->id, sizeof(ev->id), "%s", id ? id : "");
	ev->created_ms = zs_pg_int(r, row, 2, 0);
	ev->acked_ms = zs_pg_int(r, row, 3, -1);
	ev->source = zs_pg_text(r, row, 4);
	ev->type = zs_pg_text(r, row, 5);
	ev->topic = zs_pg_text(r, row, 6);
	ev->payload = zs_pg_text(r, row, 7);
	ev->payload_len = (size_t)PQgetlength(r, row, 7);
	if (ev->payload == NULL) {
		ev->payload = "{}";
		ev->payload_len = 2;
	}
	ev->delivery_count = zs_pg_int(r, row, 8, 0);
	ev->lease_id = zs_pg_text(r, row, 9);
	visible = zs_pg_int(r, row, 10, -1);
	ev->dead_ms = zs_pg_int(r, row, 11, -1);
	zs_event_set_status(ev, visible, now);
}
