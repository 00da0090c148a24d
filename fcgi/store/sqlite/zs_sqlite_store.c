/*
 * zs_store on SQLite: one database in WAL mode, every statement declared in
 * the table below and prepared once per process, writes inside
 * BEGIN IMMEDIATE, busy waits bounded by DB_BUSY_TIMEOUT_MS.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "parse/zs_event.h"
#include "util/zs_file.h"
#include "util/zs_log.h"
#include "store/sqlite/zs_sqlite.h"
#include "store/zs_store_ops.h"
#include "util/zs_time.h"

/* The schema version this build reads and writes. */
#define ZS_SCHEMA_VERSION 3


#define EVENT_COLS \
	"seq, id, created_at, acked_at, source, type, topic, payload, " \
	"delivery_count, lease_id, visible_at, dead_at"
/*
 * ?1 tenant, ?2 cursor seq, ?3 since, ?4 topic, ?5 type, ?6 source,
 * ?7 limit, ?8 now (for the lease states).
 */
#define LIST_WHERE(status, cmp) \
	"SELECT " EVENT_COLS " FROM events WHERE tenant = ?1 AND " status \
	" AND seq " cmp " ?2 AND created_at > ?3" \
	" AND (?4 IS NULL OR topic = ?4) AND (?5 IS NULL OR type = ?5)" \
	" AND (?6 IS NULL OR source = ?6)"
/* ?1 after, ?2 upto, ?3 limit (?4 tenant). */
#define CHANGES_SELECT \
	"SELECT c.seq, c.kind, c.tenant, c.event_id, c.at, c.source, " \
	"c.type, c.topic, e.created_at, e.payload, c.until_at, " \
	"c.deliveries FROM changes c " \
	"LEFT JOIN events e ON c.kind = 'created' AND e.id = c.event_id " \
	"WHERE c.seq > ?1 AND c.seq <= ?2"
/* The states of zs_sqlite.h's migration 003, as WHERE terms. */
#define OPEN "acked_at IS NULL AND dead_at IS NULL"
#define PENDING OPEN " AND (lease_id IS NULL OR visible_at <= ?8)"
#define LEASED OPEN " AND lease_id IS NOT NULL AND visible_at > ?8"
#define ACKED "acked_at IS NOT NULL"
#define DEAD "dead_at IS NOT NULL AND acked_at IS NULL"
#define ANY "1"
/* Leasable now: ?1 tenant, ?2 now, ?3 topic, ?4 type, ?5 source. */
#define LEASABLE \
	"tenant = ?1 AND " OPEN " AND (visible_at IS NULL OR " \
	"visible_at <= ?2) AND (?3 IS NULL OR topic = ?3) AND " \
	"(?4 IS NULL OR type = ?4) AND (?5 IS NULL OR source = ?5)"
/* A live lease: ?1 tenant, ?2 id, ?3 lease_id, ?4 now. */
#define LIVE_LEASE \
	"tenant = ?1 AND id = ?2 AND lease_id = ?3 AND visible_at > ?4 " \
	"AND " OPEN

static const char *const stmt_sql[ST__MAX] = {
	/* ST_BEGIN */ "BEGIN IMMEDIATE",
	/* ST_COMMIT */ "COMMIT",
	/* ST_ROLLBACK */ "ROLLBACK",
	/* ST_PING */ "SELECT count(*) FROM ulid_state",
	/* ST_IDEM_GET */
	"SELECT body_hash, event_id, created_at FROM idempotency_keys "
	"WHERE tenant = ?1 AND key = ?2 AND expires_at > ?3",
	/* ST_IDEM_PUT */
	"INSERT OR REPLACE INTO idempotency_keys "
	"(tenant, key, body_hash, event_id, created_at, expires_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* ST_ULID_GET */ "SELECT last FROM ulid_state WHERE only = 1",
	/* ST_ULID_PUT */ "UPDATE ulid_state SET last = ?1 WHERE only = 1",
	/* ST_EVENT_INSERT */
	"INSERT INTO events (id, tenant, created_at, source, type, topic, "
	"payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	/* ST_EVENT_GET */
	"SELECT " EVENT_COLS " FROM events WHERE tenant = ?1 AND id = ?2",
	/* ST_LIST_PENDING_ASC */
	LIST_WHERE(PENDING, ">") " ORDER BY seq ASC LIMIT ?7",
	/* ST_LIST_PENDING_DESC */
	LIST_WHERE(PENDING, "<") " ORDER BY seq DESC LIMIT ?7",
	/* ST_LIST_LEASED_ASC */
	LIST_WHERE(LEASED, ">") " ORDER BY seq ASC LIMIT ?7",
	/* ST_LIST_LEASED_DESC */
	LIST_WHERE(LEASED, "<") " ORDER BY seq DESC LIMIT ?7",
	/* ST_LIST_ACKED_ASC */
	LIST_WHERE(ACKED, ">") " ORDER BY seq ASC LIMIT ?7",
	/* ST_LIST_ACKED_DESC */
	LIST_WHERE(ACKED, "<") " ORDER BY seq DESC LIMIT ?7",
	/* ST_LIST_DEAD_ASC */
	LIST_WHERE(DEAD, ">") " ORDER BY seq ASC LIMIT ?7",
	/* ST_LIST_DEAD_DESC */
	LIST_WHERE(DEAD, "<") " ORDER BY seq DESC LIMIT ?7",
	/* ST_LIST_ALL_ASC */
	LIST_WHERE(ANY, ">") " ORDER BY seq ASC LIMIT ?7",
	/* ST_LIST_ALL_DESC */
	LIST_WHERE(ANY, "<") " ORDER BY seq DESC LIMIT ?7",
	/* ST_ACK_GET */
	"SELECT acked_at, lease_id, visible_at FROM events "
	"WHERE tenant = ?1 AND id = ?2",
	/* ST_ACK_SET: an acknowledgement also ends a dead letter */
	"UPDATE events SET acked_at = ?3, dead_at = NULL "
	"WHERE tenant = ?1 AND id = ?2 AND acked_at IS NULL",
	/* ST_DELETE */ "DELETE FROM events WHERE tenant = ?1 AND id = ?2",
	/* ST_PURGE_EVENTS */
	"DELETE FROM events WHERE seq IN (SELECT seq FROM events "
	"WHERE acked_at IS NOT NULL AND acked_at < ?1 LIMIT ?2)",
	/* ST_PURGE_IDEM */
	"DELETE FROM idempotency_keys WHERE (tenant, key) IN "
	"(SELECT tenant, key FROM idempotency_keys WHERE expires_at < ?1 "
	"LIMIT ?2)",
	/* ST_PURGE_CHANGES */
	"DELETE FROM changes WHERE seq IN (SELECT seq FROM changes "
	"ORDER BY seq LIMIT ?2) AND at < ?1",
	/* ST_DATA_VERSION */ "PRAGMA data_version",
	/* ST_LAST_CHANGE */ "SELECT coalesce(max(seq), 0) FROM changes",
	/* ST_CHANGES_ALL */ CHANGES_SELECT " ORDER BY c.seq LIMIT ?3",
	/* ST_CHANGES_TENANT */
	CHANGES_SELECT " AND c.tenant = ?4 ORDER BY c.seq LIMIT ?3",
	/* ST_BEGIN_READ */ "BEGIN",
	/* ST_STATS_TOTALS */
	"SELECT coalesce(sum(pending), 0), coalesce(sum(acknowledged), 0), "
	"coalesce(sum(dead), 0) FROM source_counts WHERE tenant = ?1",
	/* ST_STATS_SOURCES */
	"SELECT source, pending + acknowledged + dead AS n FROM source_counts "
	"WHERE tenant = ?1 AND n > 0 ORDER BY n DESC, source LIMIT ?2",
	/* ST_STATS_MINUTES */
	"SELECT created_at / 60000, count(*) FROM events "
	"WHERE tenant = ?1 AND created_at >= ?2 GROUP BY created_at / 60000",
	/* ST_STATS_LEASED */
	"SELECT count(*) FROM events WHERE tenant = ?1 AND " OPEN
	" AND visible_at > ?2 AND lease_id IS NOT NULL",
	/* ST_TOKENS_ALL */ "SELECT tenant, name, token FROM webhook_tokens",
	/* ST_TOKEN_ADD */
	"INSERT OR IGNORE INTO webhook_tokens (tenant, name, token, "
	"created_at) VALUES (?1, ?2, ?3, ?4)",
	/* ST_TOKEN_SET */
	"INSERT INTO webhook_tokens (tenant, name, token, created_at) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant, name) DO UPDATE "
	"SET token = excluded.token, created_at = excluded.created_at",
	/* ST_LEASE_PICK */
	"SELECT id, delivery_count FROM events WHERE " LEASABLE
	" ORDER BY seq LIMIT ?6",
	/* ST_LEASE_TAKE */
	"UPDATE events SET lease_id = ?3, visible_at = ?4, "
	"delivery_count = delivery_count + 1 WHERE tenant = ?1 AND id = ?2",
	/* ST_DEAD_LETTER */
	"UPDATE events SET dead_at = ?3, lease_id = NULL, visible_at = NULL "
	"WHERE tenant = ?1 AND id = ?2",
	/* ST_NEXT_VISIBLE */
	"SELECT min(visible_at) FROM events WHERE tenant = ?1 AND " OPEN
	" AND visible_at > ?2",
	/* ST_EXTEND */
	"UPDATE events SET visible_at = ?5 WHERE " LIVE_LEASE,
	/* ST_RELEASE */
	"UPDATE events SET lease_id = NULL, visible_at = ?5 WHERE " LIVE_LEASE,
	/* ST_REDRIVE */
	"UPDATE events SET dead_at = NULL, delivery_count = 0, "
	"lease_id = NULL, visible_at = NULL "
	"WHERE tenant = ?1 AND id = ?2 AND " DEAD,
};

/* This process's connection and its prepared statements. */
static struct {
	sqlite3			*db;		/* NULL until opened */
	sqlite3_stmt		*st[ST__MAX];	/* by enum stmt */
	const struct zs_config	*cfg;		/* settings in force */
	int			 lockfd;	/* DATABASE_PATH-writelock, or -1 */
	int			 locked;	/* we hold lockfd's flock */
} store = { .lockfd = -1 };

const struct zs_config *
zs_sql_cfg(void)
{
	return store.cfg;
}

int
zs_sql_changes(void)
{
	return sqlite3_changes(store.db);
}

/* Maps an SQLite result code to ours. */
static enum zs_store_rc
map_rc(int rc)
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
enum zs_store_rc
zs_sql_fail(int rc, enum stmt s)
{
	enum zs_store_rc out = map_rc(rc);

	zs_log("sqlite: %s (%d) in: %s", store.db ?
	    sqlite3_errmsg(store.db) : sqlite3_errstr(rc), rc, stmt_sql[s]);
	if (out == ZS_STORE_UNAVAILABLE)
		zs_sqlite_close();	/* reopen on the next request */
	return out;
}

/* Resets and clears a statement for its next use; returns it. */
sqlite3_stmt *
zs_sql_stmt(enum stmt s)
{
	sqlite3_reset(store.st[s]);
	sqlite3_clear_bindings(store.st[s]);
	return store.st[s];
}

/* Steps a statement that returns no row (or ignores its rows). */
enum zs_store_rc
zs_sql_run(enum stmt s)
{
	int	 rc = sqlite3_step(store.st[s]);

	sqlite3_reset(store.st[s]);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return zs_sql_fail(rc, s);
	return ZS_STORE_OK;
}

void
zs_sql_bind_text(sqlite3_stmt *st, int i, const char *s, size_t len)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, (int)len, SQLITE_STATIC);
}

void
zs_sql_bind_str(sqlite3_stmt *st, int i, const char *s)
{
	zs_sql_bind_text(st, i, s, s ? strlen(s) : 0);
}

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

enum zs_store_rc
zs_sql_begin(void)
{
	enum zs_store_rc	 rc;

	write_lock();
	zs_sql_stmt(ST_BEGIN);
	if ((rc = zs_sql_run(ST_BEGIN)) != ZS_STORE_OK)
		write_unlock();
	return rc;
}

enum zs_store_rc
zs_sql_commit(void)
{
	enum zs_store_rc	 rc;

	zs_sql_stmt(ST_COMMIT);
	rc = zs_sql_run(ST_COMMIT);
	if (rc == ZS_STORE_OK)
		write_unlock();
	return rc;
}

/* Ends a failed transaction; keeps the first error. */
enum zs_store_rc
zs_sql_rollback(enum zs_store_rc rc)
{
	if (store.db != NULL && !sqlite3_get_autocommit(store.db)) {
		zs_sql_stmt(ST_ROLLBACK);
		sqlite3_step(store.st[ST_ROLLBACK]);
		sqlite3_reset(store.st[ST_ROLLBACK]);
	}
	write_unlock();
	return rc;
}

/* Opens the database file and applies per-connection settings. */
static enum zs_store_rc
connect_db(const struct zs_config *cfg, int flags, sqlite3 **out)
{
	char	 pragmas[200];
	char	*msg = NULL;
	int	 rc;

	rc = sqlite3_open_v2(cfg->db_path, out, flags, NULL);
	if (rc != SQLITE_OK) {
		zs_log("sqlite: cannot open %s: %s", cfg->db_path,
		    *out ? sqlite3_errmsg(*out) : sqlite3_errstr(rc));
		sqlite3_close(*out);
		*out = NULL;
		return ZS_STORE_UNAVAILABLE;
	}
	sqlite3_busy_timeout(*out, (int)cfg->busy_timeout_ms);
	sqlite3_extended_result_codes(*out, 1);
	/*
	 * journal_size_limit: truncate the WAL after a checkpoint instead
	 * of keeping its high-water size. temp_store: each INSERT of a
	 * batch (it fires triggers) keeps a statement journal so that it
	 * can fail alone; in memory that is a copy of a few pages, in a
	 * temporary file it was 9 pwrite(2)s per event.
	 */
	snprintf(pragmas, sizeof(pragmas), "PRAGMA synchronous = %s; "
	    "PRAGMA foreign_keys = OFF; PRAGMA trusted_schema = OFF; "
	    "PRAGMA journal_size_limit = 16777216; "
	    "PRAGMA temp_store = MEMORY;",
	    cfg->durability == ZS_DURABILITY_FULL ? "FULL" : "NORMAL");
	if ((rc = sqlite3_exec(*out, pragmas, NULL, NULL, &msg)) !=
	    SQLITE_OK) {
		zs_log("sqlite: %s in: %s", msg ? msg : "?", pragmas);
		sqlite3_free(msg);
		sqlite3_close(*out);
		*out = NULL;
		return map_rc(rc) == ZS_STORE_BUSY ? ZS_STORE_BUSY :
		    ZS_STORE_UNAVAILABLE;
	}
	return ZS_STORE_OK;
}

/* Reads PRAGMA user_version; -1 on failure. */
static int
user_version(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

enum zs_store_rc
zs_sqlite_open(const struct zs_config *cfg)
{
	enum zs_store_rc	 rc;
	int			 i, v;

	store.cfg = cfg;
	if (store.db != NULL)
		return ZS_STORE_OK;
	/*
	 * NOMUTEX: SQLite's own per-call mutex is waste here, because every
	 * process uses its connection from one thread at a time (threaded
	 * responders serialise the store: zs_writer.c, zs_hub.c).
	 */
	if ((rc = connect_db(cfg, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    &store.db)) != ZS_STORE_OK)
		return rc;
	if ((v = user_version(store.db)) != ZS_SCHEMA_VERSION) {
		zs_log("sqlite: %s has schema version %d, this build needs "
		    "%d: run make db-init", cfg->db_path, v,
		    ZS_SCHEMA_VERSION);
		zs_sqlite_close();
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
	for (i = 0; i < ST__MAX; i++)
		if (sqlite3_prepare_v3(store.db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &store.st[i], NULL) !=
		    SQLITE_OK) {
			/* Never run half-prepared: close and retry later. */
			rc = zs_sql_fail(sqlite3_errcode(store.db), (enum stmt)i);
			zs_sqlite_close();
			return rc == ZS_STORE_ERROR ? ZS_STORE_UNAVAILABLE : rc;
		}
	return ZS_STORE_OK;
}

void
zs_sqlite_close(void)
{
	int	 i;

	for (i = 0; i < ST__MAX; i++) {
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

/* Opens the store if a past failure closed it. */
enum zs_store_rc
zs_sql_ensure_open(void)
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
		zs_sqlite_close();
	}
	if (store.db != NULL)
		return ZS_STORE_OK;
	if (store.cfg == NULL)
		return ZS_STORE_UNAVAILABLE;
	return zs_sqlite_open(store.cfg);
}

enum zs_store_rc
zs_sqlite_ping(void)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_sql_stmt(ST_PING);
	return zs_sql_run(ST_PING);
}

/* Column col of the current row, or null when it is NULL. */
static int64_t
int_or(sqlite3_stmt *st, int col, int64_t null)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return null;
	return sqlite3_column_int64(st, col);
}

void
zs_sql_read_event(sqlite3_stmt *st, int64_t now, struct zs_event *ev)
{
	int64_t		 visible;

	const char	*id = (const char *)sqlite3_column_text(st, 1);

	ev->seq = sqlite3_column_int64(st, 0);
	snprintf(ev->id, sizeof(ev->id), "%s", id ? id : "");
	ev->created_ms = sqlite3_column_int64(st, 2);
	ev->acked_ms = int_or(st, 3, -1);
	ev->source = (const char *)sqlite3_column_text(st, 4);
	ev->type = (const char *)sqlite3_column_text(st, 5);
	ev->topic = (const char *)sqlite3_column_text(st, 6);
	ev->payload = (const char *)sqlite3_column_text(st, 7);
	ev->payload_len = (size_t)sqlite3_column_bytes(st, 7);
	if (ev->payload == NULL) {
		ev->payload = "{}";
		ev->payload_len = 2;
	}
	ev->delivery_count = sqlite3_column_int64(st, 8);
	ev->lease_id = (const char *)sqlite3_column_text(st, 9);
	visible = int_or(st, 10, -1);
	ev->dead_ms = int_or(st, 11, -1);
	zs_event_set_status(ev, visible, now);
}

/*
 * Looks up a live idempotency key inside the open transaction. Returns
 * ZS_STORE_NOTFOUND when there is none, ZS_STORE_OK with out filled for a
 * replay, ZS_STORE_CONFLICT for another body.
 */
static enum zs_store_rc
idem_lookup(const struct zs_new_event *ev, int64_t now,
    struct zs_inserted *out)
{
	sqlite3_stmt	*st = zs_sql_stmt(ST_IDEM_GET);
	const void	*hash;
	const char	*id;
	int		 rc;

	zs_sql_bind_str(st, 1, ev->tenant);
	zs_sql_bind_str(st, 2, ev->idem_key);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		return ZS_STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return zs_sql_fail(rc, ST_IDEM_GET);
	hash = sqlite3_column_blob(st, 0);
	if (sqlite3_column_bytes(st, 0) != 32 || hash == NULL ||
	    memcmp(hash, ev->body_hash, 32) != 0) {
		sqlite3_reset(st);
		return ZS_STORE_CONFLICT;
	}
	id = (const char *)sqlite3_column_text(st, 1);
	snprintf(out->id, sizeof(out->id), "%s", id ? id : "");
	out->created_ms = sqlite3_column_int64(st, 2);
	out->replayed = 1;
	sqlite3_reset(st);
	return ZS_STORE_OK;
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
	sqlite3_stmt	*st = zs_sql_stmt(ST_ULID_GET);
	const char	*last;
	int		 rc;

	memset(u, 0, sizeof(*u));
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return zs_sql_fail(rc, ST_ULID_GET);
	last = (const char *)sqlite3_column_text(st, 0);
	if (last != NULL && zs_ulid_decode(last, &u->last) == 0)
		u->have = 1;
	sqlite3_reset(st);
	return ZS_STORE_OK;
}

static enum zs_store_rc
ulid_write(const struct ulid_run *u)
{
	char	 last[ZS_ULID_LEN + 1];

	if (u->made == 0)
		return ZS_STORE_OK;
	zs_ulid_encode(&u->last, last);
	zs_sql_bind_str(zs_sql_stmt(ST_ULID_PUT), 1, last);
	return zs_sql_run(ST_ULID_PUT);
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
 * Stores one event inside the open transaction: ZS_STORE_OK (with
 * out->replayed set for an idempotent replay), ZS_STORE_CONFLICT (nothing
 * written), or an error that dooms the transaction.
 */
static enum zs_store_rc
insert_one(const struct zs_new_event *ev, int64_t now, struct ulid_run *u,
    struct zs_inserted *out)
{
	enum zs_store_rc	 rc;
	sqlite3_stmt		*st;

	memset(out, 0, sizeof(*out));
	if (ev->idem_key != NULL) {
		rc = idem_lookup(ev, now, out);
		if (rc != ZS_STORE_NOTFOUND)
			return rc;	/* replay, conflict or error */
	}
	if ((rc = next_id(u, now, out->id)) != ZS_STORE_OK)
		return rc;
	out->created_ms = now;

	st = zs_sql_stmt(ST_EVENT_INSERT);
	zs_sql_bind_str(st, 1, out->id);
	zs_sql_bind_str(st, 2, ev->tenant);
	sqlite3_bind_int64(st, 3, now);
	zs_sql_bind_str(st, 4, ev->source);
	zs_sql_bind_str(st, 5, ev->type);
	zs_sql_bind_str(st, 6, ev->topic);
	zs_sql_bind_text(st, 7, ev->payload, ev->payload_len);
	if ((rc = zs_sql_run(ST_EVENT_INSERT)) != ZS_STORE_OK || ev->idem_key == NULL)
		return rc;

	st = zs_sql_stmt(ST_IDEM_PUT);
	zs_sql_bind_str(st, 1, ev->tenant);
	zs_sql_bind_str(st, 2, ev->idem_key);
	sqlite3_bind_blob(st, 3, ev->body_hash, 32, SQLITE_STATIC);
	zs_sql_bind_str(st, 4, out->id);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now + store.cfg->idem_ttl_hours * 3600 * 1000);
	return zs_sql_run(ST_IDEM_PUT);
}

enum zs_store_rc
zs_sqlite_insert_batch(const struct zs_new_event *const *evs,
    struct zs_inserted *outs, enum zs_store_rc *rcs, size_t n)
{
	struct ulid_run		 u;
	enum zs_store_rc	 rc;
	int64_t			 now;
	size_t			 i;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_sql_begin()) != ZS_STORE_OK)
		goto fail;
	if ((rc = ulid_read(&u)) != ZS_STORE_OK) {
		rc = zs_sql_rollback(rc);
		goto fail;
	}
	now = zs_time_now_ms();
	for (i = 0; i < n; i++) {
		rcs[i] = insert_one(evs[i], now, &u, &outs[i]);
		if (rcs[i] != ZS_STORE_OK && rcs[i] != ZS_STORE_CONFLICT) {
			rc = zs_sql_rollback(rcs[i]);
			goto fail;
		}
	}
	if ((rc = ulid_write(&u)) != ZS_STORE_OK ||
	    (rc = zs_sql_commit()) != ZS_STORE_OK) {
		rc = zs_sql_rollback(rc);
		goto fail;
	}
	return ZS_STORE_OK;
fail:
	for (i = 0; i < n; i++)
		rcs[i] = rc;
	return rc;
}

enum zs_store_rc
zs_sqlite_list(const char *tenant, const struct zs_list_params *p,
    zs_event_fn fn, void *arg, int *more, int64_t *last_seq)
{
	static const enum stmt which[ZS_STATUS__MAX][ZS_ORDER__MAX] = {
		{ ST_LIST_PENDING_ASC, ST_LIST_PENDING_DESC },
		{ ST_LIST_LEASED_ASC, ST_LIST_LEASED_DESC },
		{ ST_LIST_ACKED_ASC, ST_LIST_ACKED_DESC },
		{ ST_LIST_DEAD_ASC, ST_LIST_DEAD_DESC },
		{ ST_LIST_ALL_ASC, ST_LIST_ALL_DESC },
	};
	int64_t			 now = zs_time_now_ms();
	enum zs_store_rc	 rc;
	enum stmt		 s;
	sqlite3_stmt		*st;
	struct zs_event		 ev;
	long			 n = 0;
	int			 step;

	*more = 0;
	*last_seq = -1;
	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	s = which[p->status][p->order];
	st = zs_sql_stmt(s);
	zs_sql_bind_str(st, 1, tenant);
	sqlite3_bind_int64(st, 2, p->after_seq >= 0 ? p->after_seq :
	    (p->order == ZS_ORDER_ASC ? -1 : INT64_MAX));
	sqlite3_bind_int64(st, 3, p->since_ms);
	if (p->topic.len)
		zs_sql_bind_text(st, 4, p->topic.s, p->topic.len);
	if (p->type.len)
		zs_sql_bind_text(st, 5, p->type.s, p->type.len);
	if (p->source.len)
		zs_sql_bind_text(st, 6, p->source.s, p->source.len);
	sqlite3_bind_int64(st, 7, p->limit + 1);
	if (p->status == ZS_STATUS_PENDING || p->status == ZS_STATUS_LEASED)
		sqlite3_bind_int64(st, 8, now);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == p->limit) {
			*more = 1;
			break;
		}
		zs_sql_read_event(st, now, &ev);
		fn(&ev, arg);
		*last_seq = ev.seq;
		n++;
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return zs_sql_fail(step, s);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_get(const char *tenant, const char *id, zs_event_fn fn, void *arg)
{
	enum zs_store_rc	 rc;
	sqlite3_stmt		*st;
	struct zs_event		 ev;
	int			 step;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	st = zs_sql_stmt(ST_EVENT_GET);
	zs_sql_bind_str(st, 1, tenant);
	zs_sql_bind_str(st, 2, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		zs_sql_read_event(st, zs_time_now_ms(), &ev);
		fn(&ev, arg);
		rc = ZS_STORE_OK;
	} else if (step == SQLITE_DONE)
		rc = ZS_STORE_NOTFOUND;
	else
		rc = zs_sql_fail(step, ST_EVENT_GET);
	sqlite3_reset(st);
	return rc;
}

/*
 * Acknowledges one id inside the open transaction. With lease_id, sets
 * *lost when that was not the event's live lease at the (first)
 * acknowledgement. An acknowledgement changes neither lease_id nor
 * visible_at, and nothing changes them afterwards, so a retry gives the
 * same answer.
 */
static enum zs_store_rc
ack_one(const char *tenant, const char *id, const char *lease_id,
    int64_t now, int64_t *acked_ms, int *lost)
{
	sqlite3_stmt	*st = zs_sql_stmt(ST_ACK_GET);
	const char	*held;
	int		 step, pending;

	zs_sql_bind_str(st, 1, tenant);
	zs_sql_bind_str(st, 2, id);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		sqlite3_reset(st);
		return ZS_STORE_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return zs_sql_fail(step, ST_ACK_GET);
	pending = sqlite3_column_type(st, 0) == SQLITE_NULL;
	*acked_ms = pending ? now : sqlite3_column_int64(st, 0);
	if (lease_id != NULL) {
		held = (const char *)sqlite3_column_text(st, 1);
		*lost = held == NULL || strcmp(held, lease_id) != 0 ||
		    int_or(st, 2, -1) <= *acked_ms;
	}
	sqlite3_reset(st);
	if (!pending)
		return ZS_STORE_OK;
	st = zs_sql_stmt(ST_ACK_SET);
	zs_sql_bind_str(st, 1, tenant);
	zs_sql_bind_str(st, 2, id);
	sqlite3_bind_int64(st, 3, now);
	return zs_sql_run(ST_ACK_SET);
}

enum zs_store_rc
zs_sqlite_ack(const char *tenant, const char *id, const char *lease_id,
    int64_t *acked_ms, int *lease_lost)
{
	enum zs_store_rc	 rc;

	*lease_lost = 0;
	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK ||
	    (rc = zs_sql_begin()) != ZS_STORE_OK)
		return rc;
	rc = ack_one(tenant, id, lease_id, zs_time_now_ms(), acked_ms,
	    lease_lost);
	if (rc != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	if ((rc = zs_sql_commit()) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_ack_batch(const char *tenant, const char *const *ids, size_t n,
    int *found)
{
	enum zs_store_rc	 rc;
	int64_t			 now, acked;
	size_t			 i;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK || (rc = zs_sql_begin()) !=
	    ZS_STORE_OK)
		return rc;
	now = zs_time_now_ms();
	for (i = 0; i < n; i++) {
		rc = ack_one(tenant, ids[i], NULL, now, &acked, NULL);
		if (rc != ZS_STORE_OK && rc != ZS_STORE_NOTFOUND)
			return zs_sql_rollback(rc);
		found[i] = rc == ZS_STORE_OK;
	}
	if ((rc = zs_sql_commit()) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_delete(const char *tenant, const char *id)
{
	enum zs_store_rc	 rc;
	sqlite3_stmt		*st;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK || (rc = zs_sql_begin()) !=
	    ZS_STORE_OK)
		return rc;
	st = zs_sql_stmt(ST_DELETE);
	zs_sql_bind_str(st, 1, tenant);
	zs_sql_bind_str(st, 2, id);
	if ((rc = zs_sql_run(ST_DELETE)) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	if (sqlite3_changes(store.db) == 0)
		return zs_sql_rollback(ZS_STORE_NOTFOUND);
	if ((rc = zs_sql_commit()) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return ZS_STORE_OK;
}

/* Runs one purge statement with (cutoff, limit) in its own transaction. */
static enum zs_store_rc
purge_step(enum stmt s, int64_t cutoff, long limit, long *removed)
{
	enum zs_store_rc	 rc;
	sqlite3_stmt		*st;

	if ((rc = zs_sql_begin()) != ZS_STORE_OK)
		return rc;
	st = zs_sql_stmt(s);
	sqlite3_bind_int64(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, limit);
	if ((rc = zs_sql_run(s)) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	*removed = sqlite3_changes(store.db);
	if ((rc = zs_sql_commit()) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_purge(int64_t now, long limit, long *removed)
{
	enum zs_store_rc	 rc;
	int64_t			 keep = store.cfg ?
				    store.cfg->retention_days * 86400000LL : 0;
	long			 n;

	*removed = 0;
	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* Small transactions, so a writer waits at most for one of them. */
	if ((rc = purge_step(ST_PURGE_EVENTS, now - keep, limit, removed)) ||
	    (rc = purge_step(ST_PURGE_IDEM, now, limit, &n)) ||
	    (rc = purge_step(ST_PURGE_CHANGES, now - keep, limit, &n)))
		return rc;
	return ZS_STORE_OK;
}

/* Steps a statement that returns one integer. */
static enum zs_store_rc
one_int(enum stmt s, int64_t *out)
{
	enum zs_store_rc	 rc;
	sqlite3_stmt		*st;
	int			 step;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	st = zs_sql_stmt(s);
	step = sqlite3_step(st);
	if (step != SQLITE_ROW)
		return zs_sql_fail(step, s);
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_data_version(int64_t *version)
{
	return one_int(ST_DATA_VERSION, version);
}

/* SQLite cannot tell another process's commit: sleep, and let the
 * caller compare data_version (the hub's poll, every STREAM_POLL_MS). */
enum zs_store_rc
zs_sqlite_wait_change(long poll_ms)
{
	struct timespec	 tick;

	tick.tv_sec = poll_ms / 1000;
	tick.tv_nsec = (poll_ms % 1000) * 1000000L;
	nanosleep(&tick, NULL);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_last_change(int64_t *seq)
{
	return one_int(ST_LAST_CHANGE, seq);
}

enum zs_store_rc
zs_sqlite_changes(const char *tenant, int64_t after, int64_t upto, long limit,
    zs_change_fn fn, void *arg, long *n)
{
	static const char *const kinds[ZS_CHANGE__MAX] = {
		"created", "acknowledged", "deleted", "leased", "released",
		"dead_lettered", "redriven",
	};
	enum zs_store_rc	 rc;
	enum stmt		 s = tenant ? ST_CHANGES_TENANT : ST_CHANGES_ALL;
	sqlite3_stmt		*st;
	struct zs_change	 c;
	const char		*kind;
	int			 step, k;

	*n = 0;
	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	st = zs_sql_stmt(s);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, upto);
	sqlite3_bind_int64(st, 3, limit);
	if (tenant != NULL)
		zs_sql_bind_str(st, 4, tenant);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.seq = sqlite3_column_int64(st, 0);
		kind = (const char *)sqlite3_column_text(st, 1);
		for (k = 0; k < ZS_CHANGE__MAX; k++)
			if (kind != NULL && strcmp(kind, kinds[k]) == 0)
				break;
		if (k == ZS_CHANGE__MAX)
			continue;	/* the CHECK constraint forbids this */
		c.kind = (enum zs_change_kind)k;
		c.tenant = (const char *)sqlite3_column_text(st, 2);
		c.event_id = (const char *)sqlite3_column_text(st, 3);
		c.at = sqlite3_column_int64(st, 4);
		c.source = (const char *)sqlite3_column_text(st, 5);
		c.type = (const char *)sqlite3_column_text(st, 6);
		c.topic = (const char *)sqlite3_column_text(st, 7);
		c.until = int_or(st, 10, -1);
		c.deliveries = int_or(st, 11, -1);
		if (c.kind == ZS_CHANGE_CREATED &&
		    sqlite3_column_type(st, 9) != SQLITE_NULL) {
			c.has_event = 1;
			snprintf(c.event.id, sizeof(c.event.id), "%s",
			    c.event_id ? c.event_id : "");
			c.event.created_ms = sqlite3_column_int64(st, 8);
			c.event.acked_ms = -1;
			c.event.status = ZS_STATUS_PENDING;
			c.event.lease_expires_ms = -1;
			c.event.visible_ms = -1;
			c.event.dead_ms = -1;
			c.event.source = c.source;
			c.event.type = c.type;
			c.event.topic = c.topic;
			c.event.payload = (const char *)
			    sqlite3_column_text(st, 9);
			c.event.payload_len = (size_t)sqlite3_column_bytes(st, 9);
		}
		if (c.tenant == NULL || c.event_id == NULL)
			continue;
		fn(&c, arg);
		(*n)++;
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return zs_sql_fail(step, s);
	return ZS_STORE_OK;
}

/* Reads the stats statements inside the open read transaction. */
static enum zs_store_rc
stats_read(const char *tenant, int64_t now, struct zs_stats *st)
{
	sqlite3_stmt	*q;
	const char	*name;
	int64_t		 m;
	int		 step;

	q = zs_sql_stmt(ST_STATS_TOTALS);
	zs_sql_bind_str(q, 1, tenant);
	if ((step = sqlite3_step(q)) != SQLITE_ROW)
		return zs_sql_fail(step, ST_STATS_TOTALS);
	st->pending = sqlite3_column_int64(q, 0);
	st->acknowledged = sqlite3_column_int64(q, 1);
	st->dead = sqlite3_column_int64(q, 2);
	sqlite3_reset(q);

	q = zs_sql_stmt(ST_STATS_LEASED);
	zs_sql_bind_str(q, 1, tenant);
	sqlite3_bind_int64(q, 2, now);
	if ((step = sqlite3_step(q)) != SQLITE_ROW)
		return zs_sql_fail(step, ST_STATS_LEASED);
	st->leased = sqlite3_column_int64(q, 0);
	st->pending -= st->leased;	/* source_counts cannot see time */
	sqlite3_reset(q);

	q = zs_sql_stmt(ST_STATS_SOURCES);
	zs_sql_bind_str(q, 1, tenant);
	sqlite3_bind_int(q, 2, ZS_STATS_SOURCES);
	while ((step = sqlite3_step(q)) == SQLITE_ROW &&
	    st->nsources < ZS_STATS_SOURCES) {
		name = (const char *)sqlite3_column_text(q, 0);
		snprintf(st->sources[st->nsources].name,
		    sizeof(st->sources[0].name), "%s", name ? name : "");
		st->sources[st->nsources].given = name != NULL && *name;
		st->sources[st->nsources].count = sqlite3_column_int64(q, 1);
		st->nsources++;
	}
	sqlite3_reset(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return zs_sql_fail(step, ST_STATS_SOURCES);

	q = zs_sql_stmt(ST_STATS_MINUTES);
	zs_sql_bind_str(q, 1, tenant);
	sqlite3_bind_int64(q, 2, st->first_minute_ms);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		m = sqlite3_column_int64(q, 0) - st->first_minute_ms / 60000;
		if (m >= 0 && m < ZS_STATS_MINUTES)
			st->per_minute[m] = sqlite3_column_int64(q, 1);
	}
	sqlite3_reset(q);
	if (step != SQLITE_DONE)
		return zs_sql_fail(step, ST_STATS_MINUTES);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_stats(const char *tenant, int64_t now_ms, struct zs_stats *st)
{
	enum zs_store_rc	 rc;

	memset(st, 0, sizeof(*st));
	st->first_minute_ms = (now_ms / 60000 - (ZS_STATS_MINUTES - 1)) *
	    60000;
	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	/* One snapshot, so the figures agree with each other. */
	zs_sql_stmt(ST_BEGIN_READ);
	if ((rc = zs_sql_run(ST_BEGIN_READ)) != ZS_STORE_OK)
		return rc;
	rc = stats_read(tenant, now_ms, st);
	if (rc != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return zs_sql_rollback(ZS_STORE_OK);	/* a read: nothing to commit */
}

/* ---- Webhook tokens -------------------------------------------------- */

enum zs_store_rc
zs_sqlite_tokens(zs_token_fn fn, void *arg)
{
	enum zs_store_rc	 rc;
	sqlite3_stmt		*st;
	const char		*tenant, *name, *token;
	int			 step;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK)
		return rc;
	st = zs_sql_stmt(ST_TOKENS_ALL);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		tenant = (const char *)sqlite3_column_text(st, 0);
		name = (const char *)sqlite3_column_text(st, 1);
		token = (const char *)sqlite3_column_text(st, 2);
		if (tenant != NULL && name != NULL && token != NULL)
			fn(tenant, name, token, arg);
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return zs_sql_fail(step, ST_TOKENS_ALL);
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_token_put(const char *tenant, const char *name, const char *token,
    int replace)
{
	enum zs_store_rc	 rc;
	enum stmt		 s = replace ? ST_TOKEN_SET : ST_TOKEN_ADD;
	sqlite3_stmt		*st;

	if ((rc = zs_sql_ensure_open()) != ZS_STORE_OK || (rc = zs_sql_begin()) !=
	    ZS_STORE_OK)
		return rc;
	st = zs_sql_stmt(s);
	zs_sql_bind_str(st, 1, tenant);
	zs_sql_bind_str(st, 2, name);
	zs_sql_bind_str(st, 3, token);
	sqlite3_bind_int64(st, 4, zs_time_now_ms());
	if ((rc = zs_sql_run(s)) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	if ((rc = zs_sql_commit()) != ZS_STORE_OK)
		return zs_sql_rollback(rc);
	return ZS_STORE_OK;
}

/* ---- Migrations ------------------------------------------------------ */

/* Applies one file and sets user_version in one transaction. */
static enum zs_store_rc
apply(sqlite3 *db, const char *path, int version)
{
	char	*sql, *msg = NULL, setv[48];
	int	 rc;

	if ((sql = zs_file_read(path, ZS_FILE_SQL_MAX)) == NULL) {
		zs_log("migrate: cannot read %s", path);
		return ZS_STORE_ERROR;
	}
	snprintf(setv, sizeof(setv), "PRAGMA user_version = %d", version);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, setv, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
	free(sql);
	if (rc != SQLITE_OK) {
		zs_log("migrate: %s: %s", path, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return map_rc(rc) == ZS_STORE_OK ? ZS_STORE_ERROR : map_rc(rc);
	}
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_migrate(const struct zs_config *cfg, const char *dir, int *from,
    int *to)
{
	char			 path[2048];
	sqlite3			*db = NULL;
	struct dirent		**names = NULL;
	enum zs_store_rc	 rc;
	int			 n = 0, i, v;
	char			*msg = NULL;

	if ((rc = connect_db(cfg, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, &db)) != ZS_STORE_OK)
		return rc;
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, &msg) !=
	    SQLITE_OK) {
		zs_log("migrate: cannot switch to WAL: %s", msg ? msg : "?");
		sqlite3_free(msg);
		rc = ZS_STORE_UNAVAILABLE;
		goto out;
	}
	*from = *to = v = user_version(db);
	if (v < 0) {
		rc = ZS_STORE_UNAVAILABLE;
		goto out;
	}
	if (v == 0) {
		snprintf(path, sizeof(path), "%s/schema.sql", dir);
		if ((rc = apply(db, path, 1)) != ZS_STORE_OK)
			goto out;
		*to = v = 1;
	}
	snprintf(path, sizeof(path), "%s/migrations", dir);
	n = scandir(path, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		int num = atoi(names[i]->d_name);
		if (num <= v || strstr(names[i]->d_name, ".sql") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/migrations/%s", dir,
		    names[i]->d_name);
		if ((rc = apply(db, path, num)) != ZS_STORE_OK)
			goto out;
		*to = v = num;
	}
	rc = v > ZS_SCHEMA_VERSION ? ZS_STORE_ERROR : ZS_STORE_OK;
	if (rc != ZS_STORE_OK)
		zs_log("migrate: database is at version %d, newer than this "
		    "build (%d)", v, ZS_SCHEMA_VERSION);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sqlite3_close(db);
	return rc;
}

const struct zs_store_ops zs_sqlite_ops = {
	.name = "sqlite",
	.open = zs_sqlite_open,
	.close = zs_sqlite_close,
	.ping = zs_sqlite_ping,
	.insert_batch = zs_sqlite_insert_batch,
	.list = zs_sqlite_list,
	.get = zs_sqlite_get,
	.ack = zs_sqlite_ack,
	.ack_batch = zs_sqlite_ack_batch,
	.delete = zs_sqlite_delete,
	.purge = zs_sqlite_purge,
	.data_version = zs_sqlite_data_version,
	.wait_change = zs_sqlite_wait_change,
	.last_change = zs_sqlite_last_change,
	.changes = zs_sqlite_changes,
	.stats = zs_sqlite_stats,
	.tokens = zs_sqlite_tokens,
	.token_put = zs_sqlite_token_put,
	.migrate = zs_sqlite_migrate,
	.lease = zs_sqlite_lease,
	.extend = zs_sqlite_extend,
	.release = zs_sqlite_release,
	.redrive = zs_sqlite_redrive,
};
