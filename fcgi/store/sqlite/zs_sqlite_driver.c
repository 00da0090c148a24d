/*
 * The SQLite driver (zs_db.h): one database in WAL mode, every statement
 * prepared once per process, writes inside BEGIN IMMEDIATE behind a
 * cross-process write lock, busy waits bounded by DB_BUSY_TIMEOUT_MS.
 * SQLite has a single writer: the group commit of zs_writer.c makes one
 * transaction of many inserts, and the write lock below queues the
 * writers of every process in the kernel instead of SQLite's busy loop.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite/zs_sqlite.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"

/* This process's connection and its prepared statements. */
static struct {
	sqlite3			*db;		/* NULL until opened */
	sqlite3_stmt		*st[SQL__MAX];	/* by enum zs_sql */
	const struct zs_config	*cfg;		/* settings in force */
	int			 lockfd;	/* DATABASE_PATH-writelock, or -1 */
	int			 locked;	/* we hold lockfd's flock */
} store = { .lockfd = -1 };

static void	 drv_close(void);

/* The longest a statement waits for a lock, DB_BUSY_TIMEOUT_MS. */
static long	 busy_ms;

/*
 * SQLite's busy handler: sleeps as SQLite's own (sqlite3_busy_timeout)
 * would, 1 ms growing to 100 ms, until busy_ms in all, and counts each
 * wait and each give-up for GET /metrics. count is how often it has been
 * called for this lock.
 */
static int
busy_wait(void *arg, int count)
{
	static const int delays[] = { 1, 2, 5, 10, 15, 20, 25, 25, 25, 50,
	    50, 100 };
	const int	 n = (int)(sizeof(delays) / sizeof(delays[0]));
	long		 waited = 0, delay;
	int		 i;
	struct timespec	 ts;

	(void)arg;
	for (i = 0; i < count; i++)
		waited += delays[i < n ? i : n - 1];
	delay = delays[count < n ? count : n - 1];
	if (waited >= busy_ms) {
		zs_metrics_store(ZS_MS_SQLITE_BUSY_TIMEOUTS);
		return 0;
	}
	if (delay > busy_ms - waited)
		delay = busy_ms - waited;
	zs_metrics_store(ZS_MS_SQLITE_BUSY_WAITS);
	ts.tv_sec = delay / 1000;
	ts.tv_nsec = (delay % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	return 1;
}

const char *
zs_sqlite_text(enum zs_sql s)
{
	return zs_sqlite_sql[s] ? zs_sqlite_sql[s] : zs_sql_common[s];
}

enum zs_store_rc
zs_sqlite_map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return ZS_STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ZS_STORE_BUSY;
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_PERM:
	case SQLITE_PROTOCOL:
		return ZS_STORE_UNAVAILABLE;
	default:
		return ZS_STORE_ERROR;
	}
}

/* Logs a failed statement with its text and SQLite's message. */
static enum zs_store_rc
fail(int rc, enum zs_sql s)
{
	enum zs_store_rc out = zs_sqlite_map_rc(rc);

	zs_log("sqlite: %s (%d) in: %s", store.db ?
	    sqlite3_errmsg(store.db) : sqlite3_errstr(rc), rc,
	    zs_sqlite_text(s));
	if (out == ZS_STORE_UNAVAILABLE)
		drv_close();	/* reopen on the next request */
	return out;
}

/* ---- Statements -------------------------------------------------------- */

static void
drv_reset(enum zs_sql s)
{
	if (store.st[s] == NULL)
		return;		/* closed after a failure */
	sqlite3_reset(store.st[s]);
	sqlite3_clear_bindings(store.st[s]);
}

static void
drv_bind_int(enum zs_sql s, int i, int64_t v)
{
	sqlite3_bind_int64(store.st[s], i, v);
}

static void
drv_bind_text(enum zs_sql s, int i, const char *v, size_t len)
{
	if (v == NULL)
		sqlite3_bind_null(store.st[s], i);
	else
		sqlite3_bind_text(store.st[s], i, v, (int)len, SQLITE_STATIC);
}

static void
drv_bind_blob(enum zs_sql s, int i, const void *v, size_t len)
{
	sqlite3_bind_blob(store.st[s], i, v, (int)len, SQLITE_STATIC);
}

static enum zs_store_rc
drv_step(enum zs_sql s, int *row)
{
	int	 rc = sqlite3_step(store.st[s]);

	*row = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(rc, s);
	return ZS_STORE_OK;
}

static int
drv_is_null(enum zs_sql s, int col)
{
	return sqlite3_column_type(store.st[s], col) == SQLITE_NULL;
}

static int64_t
drv_col_int(enum zs_sql s, int col)
{
	return sqlite3_column_int64(store.st[s], col);
}

static const char *
drv_col_text(enum zs_sql s, int col, size_t *len)
{
	const char	*v = (const char *)sqlite3_column_text(store.st[s], col);

	if (len != NULL)
		*len = (size_t)sqlite3_column_bytes(store.st[s], col);
	return v;
}

static void
drv_done(enum zs_sql s)
{
	sqlite3_reset(store.st[s]);
}

static long
drv_changes(enum zs_sql s)
{
	(void)s;
	return sqlite3_changes(store.db);
}

/* Steps s, whose rows (if any) are not wanted, and resets it. */
static enum zs_store_rc
drv_run(enum zs_sql s)
{
	enum zs_store_rc	 rc;
	int			 row;

	rc = drv_step(s, &row);
	drv_done(s);
	return rc;
}

/* ---- Transactions ------------------------------------------------------ */

/*
 * Writers of every process queue on an flock(2) of DATABASE_PATH-writelock
 * before BEGIN IMMEDIATE. The kernel wakes the next one as soon as the
 * lock is free, where SQLite's busy handler would sleep 1-100 ms between
 * tries (the long tail of concurrent writes). SQLite's own lock and busy
 * timeout still guard against writers outside ZapStream.
 */
static void
write_lock(void)
{
	if (store.lockfd >= 0 && !store.locked &&
	    flock(store.lockfd, LOCK_EX) == 0)
		store.locked = 1;
}

static void
write_unlock(void)
{
	if (store.locked) {
		flock(store.lockfd, LOCK_UN);
		store.locked = 0;
	}
}

/* A write takes the write lock first; a read is a deferred BEGIN. */
static enum zs_store_rc
drv_begin(enum zs_tx tx)
{
	enum zs_sql		 s = tx == ZS_TX_WRITE ? SQL_BEGIN :
				    SQL_BEGIN_READ;
	enum zs_store_rc	 rc;

	if (tx == ZS_TX_WRITE)
		write_lock();
	drv_reset(s);
	if ((rc = drv_run(s)) != ZS_STORE_OK)
		write_unlock();
	return rc;
}

static enum zs_store_rc
drv_commit(void)
{
	enum zs_store_rc	 rc;

	drv_reset(SQL_COMMIT);
	if ((rc = drv_run(SQL_COMMIT)) == ZS_STORE_OK)
		write_unlock();
	return rc;
}

/* Ends a failed transaction; keeps the first error. */
static enum zs_store_rc
drv_rollback(enum zs_store_rc rc)
{
	if (store.db != NULL && !sqlite3_get_autocommit(store.db)) {
		drv_reset(SQL_ROLLBACK);
		sqlite3_step(store.st[SQL_ROLLBACK]);	/* logged by none */
		drv_done(SQL_ROLLBACK);
	}
	write_unlock();
	return rc;
}

/* ---- The connection ---------------------------------------------------- */

enum zs_store_rc
zs_sqlite_connect(const struct zs_config *cfg, int flags, sqlite3 **out)
{
	char	 pragmas[256];
	char	*msg = NULL;
	int	 rc, fd;

	/*
	 * A database that may be made here is made 0600 first (SQLite would
	 * make it 0644): it holds every tenant's events. SQLite gives the
	 * -wal and -shm files the database's mode.
	 */
	if ((flags & SQLITE_OPEN_CREATE) && (fd = open(cfg->db_path,
	    O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0)
		close(fd);
	rc = sqlite3_open_v2(cfg->db_path, out, flags, NULL);
	if (rc != SQLITE_OK) {
		zs_log("sqlite: cannot open %s: %s", cfg->db_path,
		    *out ? sqlite3_errmsg(*out) : sqlite3_errstr(rc));
		sqlite3_close(*out);
		*out = NULL;
		return ZS_STORE_UNAVAILABLE;
	}
	busy_ms = cfg->busy_timeout_ms;
	sqlite3_busy_handler(*out, busy_wait, NULL);
	sqlite3_extended_result_codes(*out, 1);
	snprintf(pragmas, sizeof(pragmas), "%s%s",
	    zs_sqlite_text(SQL_SESSION),
	    cfg->durability == ZS_DURABILITY_FULL ? "FULL" : "NORMAL");
	if ((rc = sqlite3_exec(*out, pragmas, NULL, NULL, &msg)) !=
	    SQLITE_OK) {
		zs_log("sqlite: %s in: %s", msg ? msg : "?", pragmas);
		sqlite3_free(msg);
		sqlite3_close(*out);
		*out = NULL;
		return zs_sqlite_map_rc(rc) == ZS_STORE_BUSY ? ZS_STORE_BUSY :
		    ZS_STORE_UNAVAILABLE;
	}
	return ZS_STORE_OK;
}

int
zs_sqlite_user_version(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(db, zs_sqlite_text(SQL_MIGRATE_VERSION), -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static enum zs_store_rc
drv_open(const struct zs_config *cfg)
{
	enum zs_store_rc	 rc;
	int			 i, v;

	store.cfg = cfg;
	if (store.db != NULL)
		return ZS_STORE_OK;
	/*
	 * NOMUTEX: SQLite's own per-call mutex is waste here, because every
	 * process uses its connection from one thread at a time (threaded
	 * responders serialise the store: zs_writer.c, zs_store_lock).
	 */
	if ((rc = zs_sqlite_connect(cfg, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, &store.db)) != ZS_STORE_OK)
		return rc;
	if ((v = zs_sqlite_user_version(store.db)) !=
	    ZS_SQLITE_SCHEMA_VERSION) {
		zs_log("sqlite: %s has schema version %d, this build needs "
		    "%d: run make db-init", cfg->db_path, v,
		    ZS_SQLITE_SCHEMA_VERSION);
		drv_close();
		return ZS_STORE_UNAVAILABLE;
	}
	if (store.lockfd < 0) {
		char lockpath[ZS_CONFIG_PATH_MAX + 16];
		snprintf(lockpath, sizeof(lockpath), "%s-writelock",
		    cfg->db_path);
		store.lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC,
		    0600);
		if (store.lockfd < 0)
			zs_log("cannot open %s; writers will queue in SQLite",
			    lockpath);
	}
	for (i = 0; i < SQL__STORE_MAX; i++)
		if (zs_sqlite_text((enum zs_sql)i) != NULL &&
		    sqlite3_prepare_v3(store.db, zs_sqlite_text((enum zs_sql)i),
		    -1, SQLITE_PREPARE_PERSISTENT, &store.st[i], NULL) !=
		    SQLITE_OK) {
			/* Never run half-prepared: close and retry later. */
			rc = fail(sqlite3_errcode(store.db), (enum zs_sql)i);
			drv_close();
			return rc == ZS_STORE_ERROR ? ZS_STORE_UNAVAILABLE : rc;
		}
	return ZS_STORE_OK;
}

static void
drv_close(void)
{
	int	 i;

	for (i = 0; i < SQL__MAX; i++) {
		sqlite3_finalize(store.st[i]);
		store.st[i] = NULL;
	}
	sqlite3_close(store.db);
	store.db = NULL;
	write_unlock();
	if (store.lockfd >= 0)
		close(store.lockfd);	/* reopened beside the database */
	store.lockfd = -1;
}

static int
drv_usable(void)
{
	int	 moved = 0;

	/*
	 * A database file deleted or renamed under us (its directory
	 * removed, say) would go on taking writes that nobody can ever read:
	 * notice, close, and let the reopen fail (503) until it is back.
	 */
	if (store.db != NULL &&
	    sqlite3_file_control(store.db, "main", SQLITE_FCNTL_HAS_MOVED,
	    &moved) == SQLITE_OK && moved) {
		zs_log("sqlite: %s was moved or deleted; reopening",
		    store.cfg ? store.cfg->db_path : "the database");
		drv_close();
	}
	return store.db != NULL;
}

/* SQLite cannot tell another process's commit: sleep, and let the
 * caller compare data_version (the hub's poll, every STREAM_POLL_MS). */
static enum zs_store_rc
drv_wait_change(long poll_ms)
{
	struct timespec	 tick;

	tick.tv_sec = poll_ms / 1000;
	tick.tv_nsec = (poll_ms % 1000) * 1000000L;
	nanosleep(&tick, NULL);
	return ZS_STORE_OK;
}

/* A file needs no check beyond the configuration's (zs-admin check). */
static enum zs_store_rc
drv_check(const struct zs_config *cfg, char *report, size_t size)
{
	(void)cfg;
	(void)report;
	(void)size;
	return ZS_STORE_OK;
}

/* The buckets stay in the mapped file of boundary/zs_ratelimit.c, beside
 * the database, shared by the processes of this one machine. */
const struct zs_driver zs_sqlite_driver =
    ZS_DRIVER("sqlite", 1, zs_sqlite_migrate, drv_wait_change, NULL);
