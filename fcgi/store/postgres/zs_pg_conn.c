/*
 * The PostgreSQL driver (zs_db.h): the process's one connection, the
 * statements (prepared on first use, once per connection), their values
 * and results, failures and transactions. See zs_pg.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/zs_pg.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"

#define PARAMS_MAX ZS_PG_PARAMS_MAX

/* One statement's values and, once it has run, its result. */
struct query {
	int		 n;			/* parameters bound: 1..n */
	const char	*v[PARAMS_MAX];		/* NULL: SQL NULL */
	int		 len[PARAMS_MAX];	/* bytes, binary */
	int		 fmt[PARAMS_MAX];	/* 1: binary */
	char		 num[PARAMS_MAX][24];	/* integers' text */
	PGresult	*res;			/* NULL until run */
	int		 row;			/* current row of res */
	long		 changed;		/* rows the run changed */
	int		 streaming;		/* running in single-row mode */
	int		 ended;			/* ... and its last row came */
};

/* This process's connection. */
static struct {
	PGconn			*conn;		/* NULL until opened */
	int			 prepared[SQL__MAX]; /* on this connection */
	struct query		 q[SQL__MAX];	/* by enum zs_sql */
	const struct zs_config	*cfg;		/* settings in force */
	struct zs_pg_retry	 retry;		/* when to connect again */
} pg;

static void	 drv_close(void);

const struct zs_config *
zs_pg_cfg(void)
{
	return pg.cfg;
}

/*
 * The shared texts use ?N, which PostgreSQL does not know: each is
 * rewritten with $N the first time it is needed, and kept for the life of
 * the process (a few kilobytes, once).
 */
const char *
zs_pg_text(enum zs_sql s)
{
	static char	*made[SQL__MAX];
	const char	*from = zs_pg_sql[s] ? zs_pg_sql[s] : zs_sql_common[s];
	char		*p;

	if (from == NULL || strchr(from, '?') == NULL)
		return from;
	if (made[s] == NULL && (made[s] = strdup(from)) != NULL)
		for (p = made[s]; (p = strchr(p, '?')) != NULL; p++)
			*p = '$';
	return made[s] ? made[s] : "(out of memory)";
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

const char *
zs_pg_first_line(const char *msg, char *buf, size_t size)
{
	size_t	 n = strcspn(msg ? msg : "", "\n");

	snprintf(buf, size, "%.*s", (int)n, msg ? msg : "");
	return buf;
}

/* ---- Connecting ------------------------------------------------------- */

/*
 * The session's bounds, and why. A statement that runs this long is
 * stuck (a request's statements take milliseconds; lock waits end at
 * DB_BUSY_TIMEOUT_MS first): ended, its request answers 503. A session
 * idle inside a transaction this long belongs to a process that hangs
 * (stopped, or wedged) while it may hold zs_state's row, on which every
 * node's writers queue: the server ends it, and the writers go on.
 */
#define STATEMENT_TIMEOUT_MS	 30000
#define IDLE_TX_TIMEOUT_MS	 10000

/*
 * TCP keepalives: a server that vanished without a word (a crashed host,
 * a dropped route) is noticed by an idle connection after about
 * IDLE + INTERVAL * COUNT seconds, and tcp_user_timeout ends a send the
 * server never acknowledges, rather than the kernel's many minutes.
 */
static const char *const keep_keys[] = {
	"keepalives", "keepalives_idle", "keepalives_interval",
	"keepalives_count", "tcp_user_timeout",
};
static const char *const keep_vals[] = { "1", "10", "5", "3", "20000" };
#define KEEP_N	 (sizeof(keep_keys) / sizeof(keep_keys[0]))

/* A connect_timeout the user set (URL or PGCONNECT_TIMEOUT) in ms, or
 * ZS_PG_CONNECT_MS; libpq's own does not apply to PQconnectPoll. */
static long
connect_ms(PGconn *c)
{
	PQconninfoOption	*o, *all = PQconninfo(c);
	long			 ms = ZS_PG_CONNECT_MS, v;

	for (o = all; o != NULL && o->keyword != NULL; o++)
		if (strcmp(o->keyword, "connect_timeout") == 0 &&
		    o->val != NULL && (v = atol(o->val)) > 0)
			ms = v < 2 ? 2000 : v * 1000;	/* libpq's floor */
	PQconninfoFree(all);
	return ms;
}

/*
 * Starts a connection and drives it with poll() until it is made, fails
 * or its deadline passes: an address that does not answer costs that
 * deadline, not the kernel's SYN retries. 0 when it is open; -1 with
 * the reason in why.
 */
static int
connect_poll(PGconn *c, char *why, size_t size)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	struct pollfd	 pfd;
	int64_t		 end, left;
	char		 line[512];

	if (PQstatus(c) == CONNECTION_BAD)
		goto failed;
	end = zs_time_now_ms() + connect_ms(c);
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED)
			goto failed;
		if ((left = end - zs_time_now_ms()) <= 0) {
			snprintf(why, size, "no answer within %ld ms",
			    connect_ms(c));
			return -1;
		}
		pfd.fd = PQsocket(c);	/* it changes from host to host */
		pfd.events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		pfd.revents = 0;
		if (pfd.fd < 0)
			goto failed;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR) {
			snprintf(why, size, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd.revents != 0)
			st = PQconnectPoll(c);
	}
	return 0;
failed:
	snprintf(why, size, "%s", zs_pg_first_line(PQerrorMessage(c), line,
	    sizeof(line)));
	return -1;
}

PGconn *
zs_pg_connect(const struct zs_config *cfg, const char *who,
    enum zs_pg_use use)
{
	const char	*keys[KEEP_N + 3], *vals[KEEP_N + 3];
	const char	*set[4];
	char		 wait[24], stmt[24], idle[24], line[512];
	size_t		 i, n = 0;
	PGconn		*c;
	PGresult	*r;

	keys[n] = "application_name";
	vals[n++] = "zapstream";
	/* before dbname: a URL that sets one of them wins */
	for (i = 0; i < KEEP_N; i++) {
		keys[n] = keep_keys[i];
		vals[n++] = keep_vals[i];
	}
	if (cfg->db_url[0] != '\0') {
		keys[n] = "dbname";	/* a URL or key=value string */
		vals[n++] = cfg->db_url;
	}
	keys[n] = vals[n] = NULL;
	c = PQconnectStartParams(keys, vals, 1);
	if (c == NULL || connect_poll(c, line, sizeof(line)) != 0) {
		zs_log("postgres: %s cannot connect to database %s on %s "
		    "port %s (DATABASE_URL): %s", who, or_what(c, PQdb),
		    or_what(c, PQhost), or_what(c, PQport),
		    c ? line : "out of memory");
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	snprintf(wait, sizeof(wait), "%ld", cfg->busy_timeout_ms);
	snprintf(stmt, sizeof(stmt), "%d", use == ZS_PG_SERVE ?
	    STATEMENT_TIMEOUT_MS : 0);
	snprintf(idle, sizeof(idle), "%d", use == ZS_PG_SERVE ?
	    IDLE_TX_TIMEOUT_MS : 0);
	set[0] = wait;
	set[1] = cfg->durability == ZS_DURABILITY_FULL ? "on" : "off";
	set[2] = stmt;
	set[3] = idle;
	r = PQexecParams(c, zs_pg_text(SQL_SESSION), 4, NULL, set, NULL, NULL,
	    0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		zs_log("postgres: %s in: %s", zs_pg_first_line(
		    PQerrorMessage(c), line, sizeof(line)),
		    zs_pg_text(SQL_SESSION));
		PQclear(r);
		PQfinish(c);
		return NULL;
	}
	PQclear(r);
	return c;
}

int
zs_pg_gone(PGconn *c)
{
	struct pollfd	 pfd;
	int		 i;

	if (c == NULL || PQstatus(c) != CONNECTION_OK)
		return 1;
	if (PQtransactionStatus(c) != PQTRANS_IDLE)
		return 0;
	/* The goodbye is a FATAL (which libpq, idle, takes as a notice)
	 * and then EOF, which a read after it finds: read while there is
	 * something to read, a few times at most. A notification or a
	 * parameter change is kept for the caller. */
	for (i = 0; i < 4; i++) {
		pfd.fd = PQsocket(c);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0)
			return 1;
		if (poll(&pfd, 1, 0) <= 0 || pfd.revents == 0)
			return 0;
		if (PQconsumeInput(c) != 1 || PQstatus(c) != CONNECTION_OK)
			return 1;
		(void)PQisBusy(c);	/* parses what came */
	}
	return 0;
}

/* ---- Retries ----------------------------------------------------------- */

int
zs_pg_retry_due(const struct zs_pg_retry *t)
{
	return zs_time_now_ms() >= t->next_try;
}

void
zs_pg_retry_failed(struct zs_pg_retry *t)
{
	zs_metrics_store(ZS_MS_PG_CONNECTION_ERRORS);
	if (t->wait_ms < ZS_PG_RETRY_FIRST_MS)
		t->wait_ms = ZS_PG_RETRY_FIRST_MS;
	t->next_try = zs_time_now_ms() + t->wait_ms;
	t->wait_ms = t->wait_ms * 2 > ZS_PG_RETRY_MAX_MS ?
	    ZS_PG_RETRY_MAX_MS : t->wait_ms * 2;
	t->down = 1;
}

void
zs_pg_retry_lost(struct zs_pg_retry *t)
{
	zs_metrics_store(ZS_MS_PG_CONNECTION_ERRORS);
	t->next_try = 0;
	t->down = 1;
}

void
zs_pg_retry_ok(struct zs_pg_retry *t)
{
	if (t->down)
		zs_metrics_store(ZS_MS_PG_RECONNECTS);
	t->down = 0;
	t->wait_ms = 0;
	t->next_try = 0;
}

/* The schema version of the database; -1 when it has none. */
static int
schema_version(PGconn *c)
{
	PGresult	*r = PQexec(c, zs_pg_text(SQL_PING));
	int		 v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    !PQgetisnull(r, 0, 0))
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

static enum zs_store_rc
drv_open(const struct zs_config *cfg)
{
	int	 v;

	pg.cfg = cfg;
	if (pg.conn != NULL)
		return ZS_STORE_OK;
	/* A server that is down is tried (and logged) with a backoff up to
	 * once a second, not at every request; the first try after a lost
	 * connection is at once (a restarted server is likely back). */
	if (!zs_pg_retry_due(&pg.retry))
		return ZS_STORE_UNAVAILABLE;
	if ((pg.conn = zs_pg_connect(cfg, "the store", ZS_PG_SERVE)) ==
	    NULL) {
		zs_pg_retry_failed(&pg.retry);
		return ZS_STORE_UNAVAILABLE;
	}
	memset(pg.prepared, 0, sizeof(pg.prepared));
	if ((v = schema_version(pg.conn)) != ZS_PG_SCHEMA_VERSION) {
		zs_log("postgres: database %s has schema version %d, this "
		    "build needs %d: run make db-init", PQdb(pg.conn), v,
		    ZS_PG_SCHEMA_VERSION);
		drv_close();
		zs_pg_retry_failed(&pg.retry);
		return ZS_STORE_UNAVAILABLE;
	}
	zs_pg_retry_ok(&pg.retry);
	return ZS_STORE_OK;
}

static void
drv_close(void)
{
	int	 i;

	for (i = 0; i < SQL__MAX; i++) {
		PQclear(pg.q[i].res);
		pg.q[i].res = NULL;
		pg.q[i].streaming = 0;
	}
	PQfinish(pg.conn);
	pg.conn = NULL;
}

/* Before a request uses it: a connection the server has closed since
 * (a restart, pg_terminate_backend) is let go here, so that the request
 * reconnects at once instead of failing on it. */
static int
drv_usable(void)
{
	char	 line[512];

	if (pg.conn != NULL && zs_pg_gone(pg.conn)) {
		zs_log("postgres: the connection was lost (%s); reconnecting",
		    zs_pg_first_line(PQerrorMessage(pg.conn), line,
		    sizeof(line)));
		drv_close();
		zs_pg_retry_lost(&pg.retry);
	}
	return pg.conn != NULL;
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

	zs_log("postgres: %s in: %s", zs_pg_first_line(r ?
	    PQresultErrorMessage(r) : PQerrorMessage(pg.conn), line,
	    sizeof(line)), sql);
	if (rc == ZS_STORE_UNAVAILABLE && pg.conn != NULL) {
		drv_close();		/* reconnect on the next call */
		zs_pg_retry_lost(&pg.retry);
	}
	return rc;
}

/* Runs a command of text s without parameters; ok when it gave no rows
 * or exactly one (the writers' lock). */
static enum zs_store_rc
command(enum zs_sql s)
{
	enum zs_store_rc rc = ZS_STORE_OK;
	ExecStatusType	 st;
	PGresult	*r;

	if (pg.conn == NULL)
		return ZS_STORE_UNAVAILABLE;
	r = PQexec(pg.conn, zs_pg_text(s));
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && (st != PGRES_TUPLES_OK ||
	    PQntuples(r) != 1))
		rc = fail(r, zs_pg_text(s));
	PQclear(r);
	return rc;
}

/* ---- Statements -------------------------------------------------------- */

/*
 * The change reads (the stream's replay, the hub's poll) may carry many
 * large payloads, and libpq holds a whole result in memory: 500 changes
 * of 500 KB would be 250 MB in one process. They run in single-row mode
 * instead, one row in memory at a time. While such a run is open no other
 * statement can run on the connection; zs_store_changes runs none.
 */
static int
one_row_at_a_time(enum zs_sql s)
{
	return s == SQL_CHANGES_ALL || s == SQL_CHANGES_TENANT;
}

/* Reads and drops what is left of a single-row run: it has ended. */
static void
drain(struct query *q)
{
	PGresult	*r;

	if (q->streaming && !q->ended && pg.conn != NULL)
		while ((r = PQgetResult(pg.conn)) != NULL)
			PQclear(r);
	q->ended = 1;
}

/* Ends a single-row run, read to its end or not. */
static void
end_stream(struct query *q)
{
	drain(q);
	q->streaming = 0;
}

static void
drv_reset(enum zs_sql s)
{
	struct query	*q = &pg.q[s];

	end_stream(q);
	PQclear(q->res);
	q->res = NULL;
	q->n = 0;
	memset(q->v, 0, sizeof(q->v));
}

/* Parameter i of s (1-based), counted in; NULL past the largest. */
static struct query *
param(enum zs_sql s, int i)
{
	struct query	*q = &pg.q[s];

	if (i < 1 || i > PARAMS_MAX)
		return NULL;
	if (q->n < i)
		q->n = i;
	return q;
}

static void
drv_bind_int(enum zs_sql s, int i, int64_t v)
{
	struct query	*q = param(s, i);

	if (q == NULL)
		return;
	snprintf(q->num[i - 1], sizeof(q->num[0]), "%" PRId64, v);
	q->v[i - 1] = q->num[i - 1];
	q->len[i - 1] = 0;
	q->fmt[i - 1] = 0;	/* text format, NUL-terminated */
}

/* Sent in binary format, which for text is the bytes themselves: v need
 * not end at len (a payload lies inside its body). */
static void
drv_bind_text(enum zs_sql s, int i, const char *v, size_t len)
{
	struct query	*q = param(s, i);

	if (q == NULL)
		return;
	q->v[i - 1] = v;
	q->len[i - 1] = (int)len;
	q->fmt[i - 1] = 1;
}

static void
drv_bind_blob(enum zs_sql s, int i, const void *v, size_t len)
{
	drv_bind_text(s, i, v, len);
}

/* Prepares s on this connection the first time it is used. */
static enum zs_store_rc
prepare(enum zs_sql s)
{
	char		 name[16];
	PGresult	*r;
	enum zs_store_rc rc = ZS_STORE_OK;

	if (pg.prepared[s])
		return ZS_STORE_OK;
	snprintf(name, sizeof(name), "zs%d", (int)s);
	r = PQprepare(pg.conn, name, zs_pg_text(s), 0, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = fail(r, zs_pg_text(s));
	else
		pg.prepared[s] = 1;
	PQclear(r);
	return rc;
}

/* Runs s with its values; keeps the result for the steps. */
static enum zs_store_rc
run(enum zs_sql s)
{
	struct query	*q = &pg.q[s];
	enum zs_store_rc rc;
	ExecStatusType	 st;
	PGresult	*r;
	char		 name[16];

	if (pg.conn == NULL)
		return ZS_STORE_UNAVAILABLE;
	if ((rc = prepare(s)) != ZS_STORE_OK)
		return rc;
	snprintf(name, sizeof(name), "zs%d", (int)s);
	if (one_row_at_a_time(s)) {
		if (!PQsendQueryPrepared(pg.conn, name, q->n, q->v, q->len,
		    q->fmt, 0))
			return fail(NULL, zs_pg_text(s));
		q->streaming = 1;
		q->ended = 0;
		q->changed = 0;
		if (!PQsetSingleRowMode(pg.conn)) {
			end_stream(q);
			return fail(NULL, zs_pg_text(s));
		}
		return ZS_STORE_OK;
	}
	r = PQexecPrepared(pg.conn, name, q->n, q->v, q->len, q->fmt, 0);
	st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		rc = fail(r, zs_pg_text(s));
		PQclear(r);
		return rc;
	}
	q->res = r;
	q->row = -1;
	q->changed = atol(PQcmdTuples(r));
	return ZS_STORE_OK;
}

/* The next row of a single-row run (run). */
static enum zs_store_rc
next_row(enum zs_sql s, int *row)
{
	struct query	*q = &pg.q[s];
	enum zs_store_rc rc = ZS_STORE_OK;
	ExecStatusType	 st;
	PGresult	*r;

	PQclear(q->res);
	q->res = NULL;
	if (q->ended)
		return ZS_STORE_OK;
	r = PQgetResult(pg.conn);
	if ((st = PQresultStatus(r)) == PGRES_SINGLE_TUPLE) {
		q->res = r;
		q->row = 0;
		*row = 1;
		return ZS_STORE_OK;
	}
	if (st != PGRES_TUPLES_OK)
		rc = fail(r, zs_pg_text(s));
	PQclear(r);
	drain(q);		/* reads the end of the run */
	return rc;
}

static enum zs_store_rc
drv_step(enum zs_sql s, int *row)
{
	struct query	*q = &pg.q[s];
	enum zs_store_rc rc;

	*row = 0;
	if (q->res == NULL && !q->streaming && (rc = run(s)) != ZS_STORE_OK)
		return rc;
	if (q->streaming)
		return next_row(s, row);
	if (q->row < PQntuples(q->res))
		q->row++;
	*row = q->row < PQntuples(q->res);
	return ZS_STORE_OK;
}

static int
drv_is_null(enum zs_sql s, int col)
{
	return PQgetisnull(pg.q[s].res, pg.q[s].row, col);
}

static int64_t
drv_col_int(enum zs_sql s, int col)
{
	if (drv_is_null(s, col))
		return 0;
	return strtoll(PQgetvalue(pg.q[s].res, pg.q[s].row, col), NULL, 10);
}

static const char *
drv_col_text(enum zs_sql s, int col, size_t *len)
{
	const struct query *q = &pg.q[s];

	if (len != NULL)
		*len = (size_t)PQgetlength(q->res, q->row, col);
	if (PQgetisnull(q->res, q->row, col))
		return NULL;
	return PQgetvalue(q->res, q->row, col);
}

static void
drv_done(enum zs_sql s)
{
	end_stream(&pg.q[s]);
	PQclear(pg.q[s].res);
	pg.q[s].res = NULL;
}

static long
drv_changes(enum zs_sql s)
{
	return pg.q[s].changed;
}

/* ---- Transactions ------------------------------------------------------ */

/* A write first locks the row of zs_state: the writers' queue of every
 * node, which hands out change seqs in commit order. */
static enum zs_store_rc
drv_begin(enum zs_tx tx)
{
	enum zs_store_rc rc;

	if ((rc = command(tx == ZS_TX_WRITE ? SQL_BEGIN : SQL_BEGIN_READ)) !=
	    ZS_STORE_OK && pg.conn != NULL &&
	    PQtransactionStatus(pg.conn) != PQTRANS_IDLE)
		PQclear(PQexec(pg.conn, zs_pg_text(SQL_ROLLBACK)));
	return rc;
}

static enum zs_store_rc
drv_commit(void)
{
	return command(SQL_COMMIT);
}

static enum zs_store_rc
drv_rollback(enum zs_store_rc rc)
{
	if (pg.conn != NULL &&
	    PQtransactionStatus(pg.conn) != PQTRANS_IDLE)
		PQclear(PQexec(pg.conn, zs_pg_text(SQL_ROLLBACK)));
	return rc;
}

/* zs-admin check: connects (zs_pg_connect logs one line naming the server
 * when it cannot) and reports the server and the schema version. */
static enum zs_store_rc
drv_check(const struct zs_config *cfg, char *report, size_t size)
{
	PGconn		*c;
	PGresult	*r;
	int		 v = 0;

	if ((c = zs_pg_connect(cfg, "zs-admin", ZS_PG_ADMIN)) == NULL)
		return ZS_STORE_UNAVAILABLE;
	r = PQexec(c, zs_pg_text(SQL_PING));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	snprintf(report, size, "postgres: connected to database %s on %s "
	    "port %s (server %d), schema version %d of %d", PQdb(c),
	    PQhost(c), PQport(c), PQserverVersion(c), v,
	    ZS_PG_SCHEMA_VERSION);
	PQfinish(c);
	return ZS_STORE_OK;
}

const struct zs_driver zs_pg_driver =
    ZS_DRIVER("postgres", 0, zs_pg_migrate, zs_pg_wait_change,
    zs_pg_rate_take);
