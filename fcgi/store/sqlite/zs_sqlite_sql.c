/*
 * The statements SQLite writes in its own way (zs_sql.h); the others are
 * zs_sql.c's. Grouped by why they differ.
 */
#include <stddef.h>

#include "store/sqlite/zs_sqlite.h"
#include "store/zs_sql_list.h"

/*
 * payload.<path>=<value>: the scalar at the path (member names joined by
 * dots, made a JSON path: $."a"."b") equals the value as a string, as a
 * number (?n, NULL unless the value is a JSON number), or as the keyword
 * true, false or null (?k). An absent filter (?p NULL) matches any.
 */
#define JPATH(p) "('$.\"' || replace(?" p ", '.', '\".\"') || '\"')"
#define PAYLOAD(p, t, n, k) \
	"(?" p " IS NULL OR (json_type(payload, " JPATH(p) ") = 'text' " \
	"AND json_extract(payload, " JPATH(p) ") = ?" t ") OR " \
	"(json_type(payload, " JPATH(p) ") IN ('integer', 'real') AND " \
	"json_extract(payload, " JPATH(p) ") = CAST(?" n " AS NUMERIC)) OR " \
	"json_type(payload, " JPATH(p) ") = ?" k ")"
#define LIST(status, cmp, order) ZS_SQL_LIST(PAYLOAD, status, cmp, order)

/*
 * q=: the search rows (events_fts, sql/migrations/007_search.sql), in
 * rowid order, drive the join, so a common word stops at the page's end
 * rather than collecting every match first.
 */
#define SEARCH(status, cmp, order) \
	"SELECT " ZS_SQL_EVENT_COLS " FROM events_fts CROSS JOIN events " \
	"ON events.seq = events_fts.rowid WHERE events_fts MATCH ?27 AND " \
	"events_fts.rowid " cmp " ?2 AND " \
	ZS_SQL_LIST_TERMS(PAYLOAD, status, cmp) \
	" ORDER BY events_fts.rowid " order " LIMIT ?7"
/* An event has search rows when FTS5's size table has its rowid: an
 * event stored while SEARCH_INDEX was off has none, and a 'delete' of
 * rows that are not there would corrupt the index. */
#define INDEXED "EXISTS (SELECT 1 FROM events_fts_docsize WHERE id = seq)"

const char *const zs_sqlite_sql[SQL__MAX] = {
	/* GET /inbox: zs_sql_list.h, with SQLite's JSON functions. */
	ZS_SQL_LISTS(LIST),
	/*
	 * Full-text search: an FTS5 table without content of its own
	 * (sql/migrations/007_search.sql), kept by the store rather than
	 * by triggers, since PRAGMA trusted_schema = OFF keeps virtual
	 * tables out of triggers.
	 */
	ZS_SQL_SEARCHES(SEARCH),
	/* Batches: the events after search_state.upto, by seq. */
	[SQL_SEARCH_BACKLOG] = "SELECT coalesce((SELECT seq FROM "
	    "sqlite_sequence WHERE name = 'events'), 0) - upto "
	    "FROM search_state",
	[SQL_SEARCH_ADD] = "INSERT INTO events_fts (rowid, body) "
	    "SELECT seq, payload FROM events WHERE seq > "
	    "(SELECT upto FROM search_state) ORDER BY seq LIMIT ?1",
	/* The last one ADD took; past the newest when none was left (the
	 * rest were deleted before their words were written). */
	[SQL_SEARCH_MARK] = "UPDATE search_state SET upto = coalesce("
	    "(SELECT max(seq) FROM (SELECT seq FROM events WHERE seq > upto "
	    "ORDER BY seq LIMIT ?1)), (SELECT seq FROM sqlite_sequence "
	    "WHERE name = 'events'), upto)",
	[SQL_SEARCH_DROP] = "INSERT INTO events_fts (events_fts, rowid, "
	    "body) SELECT 'delete', seq, payload FROM events WHERE "
	    "tenant = ?1 AND id = ?2 AND " INDEXED,
	[SQL_SEARCH_PURGE] = "INSERT INTO events_fts (events_fts, rowid, "
	    "body) SELECT 'delete', seq, payload FROM events WHERE seq IN ("
	    ZS_SQL_PURGED ") AND " INDEXED,
	[SQL_SEARCH_CLEAR] =
	    "INSERT INTO events_fts (events_fts) VALUES ('delete-all')",
	[SQL_SEARCH_RESET] = "UPDATE search_state SET upto = 0",

	/*
	 * One writer at a time, and no row locks: a write transaction
	 * takes the database's write lock at BEGIN IMMEDIATE (so the lease
	 * pick inside one needs nothing more than the probe outside); a
	 * read is a deferred BEGIN, one snapshot until it ends.
	 */
	[SQL_BEGIN] = "BEGIN IMMEDIATE",
	[SQL_BEGIN_READ] = "BEGIN",
	[SQL_MIGRATE_BEGIN] = "BEGIN IMMEDIATE",

	/* The last ULID lives in ulid_state, the change seq in
	 * sqlite_sequence, the schema version in the file's header. */
	[SQL_PING] = "SELECT count(*) FROM ulid_state",
	[SQL_ULID_GET] = "SELECT last FROM ulid_state WHERE only = 1",
	[SQL_ULID_PUT] = "UPDATE ulid_state SET last = ?1 WHERE only = 1",
	[SQL_COPY_LAST_SEQ] =
	    "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",

	/*
	 * A connection's settings; SQL_SESSION's text is followed by the
	 * synchronous level of DURABILITY. journal_size_limit: truncate
	 * the WAL after a checkpoint instead of keeping its high-water
	 * size. temp_store: each INSERT of a batch (it fires triggers)
	 * keeps a statement journal so that it can fail alone; in memory
	 * that is a copy of a few pages, in a temporary file it was 9
	 * pwrite(2)s per event.
	 */
	[SQL_SESSION] = "PRAGMA foreign_keys = OFF; "
	    "PRAGMA trusted_schema = OFF; "
	    "PRAGMA journal_size_limit = 16777216; "
	    "PRAGMA temp_store = MEMORY; PRAGMA synchronous = ",

	/* PRAGMAs: SQLite's own statements. One takes no parameters, so
	 * the version is written after SQL_MIGRATE_RECORD's text. WAL
	 * lets readers go on while the writer writes; data_version moves
	 * with every commit of another connection. */
	[SQL_MIGRATE_VERSION] = "PRAGMA user_version",
	[SQL_MIGRATE_RECORD] = "PRAGMA user_version = ",
	[SQL_MIGRATE_SETUP] = "PRAGMA journal_mode = WAL",
	[SQL_DATA_VERSION] = "PRAGMA data_version",

	/* SQLite's conflict clauses: a live key is never replaced, as the
	 * lookup before the insert found none */
	[SQL_IDEM_PUT] = "INSERT OR REPLACE INTO idempotency_keys "
	    "(tenant, key, body_hash, event_id, created_at, expires_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQL_TOKEN_ADD] = "INSERT OR IGNORE INTO webhook_tokens (tenant, "
	    "name, token, created_at) VALUES (?1, ?2, ?3, ?4)",

	/* An alias in WHERE; sources in bytewise (BINARY) order */
	[SQL_STATS_SOURCES] = "SELECT source, pending + acknowledged + dead "
	    "AS n FROM source_counts WHERE tenant = ?1 AND n > 0 "
	    "ORDER BY n DESC, source LIMIT ?2",
};
