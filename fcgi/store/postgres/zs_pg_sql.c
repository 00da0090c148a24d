/*
 * The statements PostgreSQL writes in its own way (zs_sql.h), with $N
 * placeholders; the others are zs_sql.c's. Grouped by why they differ.
 */
#include <stddef.h>

#include "store/postgres/zs_pg.h"
#include "store/zs_sql_list.h"

/*
 * q=: the words of the payload as SQLite's FTS5 tokenizer finds them
 * (runs of letters and digits; punctuation and spaces between), lower
 * case, matched by the GIN index events_search (zs-admin migrate makes
 * it unless SEARCH_INDEX=off). The expression must read as the index's.
 */
#define WORDS "to_tsvector('simple', regexp_replace(payload, " \
	"'[[:punct:][:space:]]+', ' ', 'g'))"
/*
 * payload.<path>=<value>: the value at the path (member names joined by
 * dots) equals the value as a JSON string, as a number (jsonb compares
 * numbers by value: 4200 = 4200.0), or as the keyword true, false or null.
 * Every parameter is text (the driver sends text as its bytes, in
 * binary format), cast where it is used as another type.
 */
#define PAYLOAD(p, t, n, k) \
	"(?" p "::text IS NULL OR (payload::jsonb #> string_to_array(?" p \
	"::text, '.')) IN (to_jsonb(?" t "::text), to_jsonb(?" n \
	"::text::numeric), ?" k "::text::jsonb))"
#define LIST(status, cmp, order) ZS_SQL_LIST(PAYLOAD, status, cmp, order)
#define SEARCH(status, cmp, order) \
	"SELECT " ZS_SQL_EVENT_COLS " FROM events WHERE " WORDS \
	" @@ plainto_tsquery('simple', ?27) AND " \
	ZS_SQL_LIST_TERMS(PAYLOAD, status, cmp) " ORDER BY seq " order \
	" LIMIT ?7"

const char *const zs_pg_sql[SQL__MAX] = {
	/* Full-text search, through the index PostgreSQL keeps itself
	 * (so no SQL_SEARCH_ADD and the like: zs_driver.search_rows). */
	ZS_SQL_LISTS(LIST),
	ZS_SQL_SEARCHES(SEARCH),
	[SQL_SEARCH_INDEX_ON] = "CREATE INDEX IF NOT EXISTS events_search "
	    "ON events USING gin (" WORDS ")",
	[SQL_SEARCH_INDEX_OFF] = "DROP INDEX IF EXISTS events_search",

	/*
	 * Many writers, on many nodes: every write transaction starts by
	 * locking the one row of zs_state, so writers queue in one order
	 * and change seqs are handed out in commit order
	 * (sql/postgres/001_schema.sql). A read is a snapshot of its own.
	 */
	[SQL_BEGIN] =
	    "BEGIN; SELECT last_ulid FROM zs_state WHERE one = 1 FOR UPDATE",
	[SQL_COPY_BEGIN] =
	    "BEGIN; SELECT change_seq FROM zs_state WHERE one = 1 FOR UPDATE",
	[SQL_BEGIN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	/* Row locks: the rows another lease holds are skipped, not waited
	 * for, and those picked stay locked until COMMIT. */
	[SQL_LEASE_PICK] = "SELECT id, delivery_count FROM events "
	    "WHERE tenant = $1 AND acked_at IS NULL AND dead_at IS NULL AND "
	    "(visible_at IS NULL OR visible_at <= $2) AND "
	    "(topic = $3 OR $3 IS NULL) AND (type = $4 OR $4 IS NULL) AND "
	    "(source = $5 OR $5 IS NULL) "
	    "ORDER BY seq LIMIT $6 FOR UPDATE SKIP LOCKED",
	/* One migration at a time, whichever node runs it (any number
	 * serves as the advisory lock's key). */
	[SQL_MIGRATE_LOCK] = "SELECT pg_advisory_lock(7353001)",

	/* The last ULID and change seq live in zs_state (the seq moves with
	 * every commit of a change), the schema version in a table. */
	[SQL_ULID_GET] = "SELECT last_ulid FROM zs_state WHERE one = 1",
	[SQL_ULID_PUT] = "UPDATE zs_state SET last_ulid = $1 WHERE one = 1",
	[SQL_DATA_VERSION] = "SELECT change_seq FROM zs_state WHERE one = 1",
	[SQL_PING] = "SELECT max(version) FROM schema_version",
	[SQL_MIGRATE_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_version",
	[SQL_MIGRATE_RECORD] =
	    "INSERT INTO schema_version (version) VALUES ($1)",
	[SQL_MIGRATE_TABLE] = "CREATE TABLE IF NOT EXISTS schema_version "
	    "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())",

	/* ON CONFLICT: of an idempotency key, only an expired one is there
	 * to replace. */
	[SQL_IDEM_PUT] = "INSERT INTO idempotency_keys AS k (tenant, key, "
	    "body_hash, event_id, created_at, expires_at) VALUES "
	    "($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant, key) DO UPDATE "
	    "SET body_hash = excluded.body_hash, event_id = "
	    "excluded.event_id, created_at = excluded.created_at, "
	    "expires_at = excluded.expires_at "
	    "WHERE k.expires_at <= excluded.created_at",
	[SQL_TOKEN_ADD] = "INSERT INTO webhook_tokens (tenant, name, token, "
	    "created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",

	/* No alias in WHERE; sources in SQLite's (bytewise) order. */
	[SQL_STATS_SOURCES] = "SELECT source, pending + acknowledged + dead "
	    "AS n FROM source_counts WHERE tenant = $1 AND "
	    "pending + acknowledged + dead > 0 "
	    "ORDER BY n DESC, source COLLATE \"C\" LIMIT $2",

	/* A connection's settings: lock waits are bounded like SQLite's
	 * busy timeout (503 after), and DURABILITY=normal does not wait
	 * for the commit's flush. */
	[SQL_SESSION] = "SELECT set_config('lock_timeout', $1, false), "
	    "set_config('synchronous_commit', $2, false), "
	    "set_config('statement_timeout', $3, false), "
	    "set_config('idle_in_transaction_session_timeout', $4, false)",

	/* What only a server does: a trigger sends the NOTIFY at every
	 * change (zs_pg_listen.c), and the rate-limit buckets are rows
	 * every node shares (sql/postgres/002_rate_limits.sql). */
	[SQL_LISTEN] = "LISTEN zapstream_changes",
	[SQL_RATE_TAKE] = "SELECT tokens, allowed FROM zs_rate_take($1, $2, $3)",

	/* zs-admin copy-to-postgres (zs_copy.c) writes these, in the one
	 * transaction of SQL_COPY_BEGIN; rows already there are kept. */
	[SQL_COPY_EVENT_PUT] = "INSERT INTO events (id, tenant, created_at, "
	    "source, type, topic, payload, acked_at, delivery_count, "
	    "lease_id, visible_at, dead_at) VALUES ($1, $2, $3, $4, $5, $6, "
	    "$7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
	[SQL_COPY_ACK_PUT] = "UPDATE events SET acked_at = $2, "
	    "dead_at = NULL WHERE id = $1 AND acked_at IS NULL",
	[SQL_COPY_IDEM_PUT] = "INSERT INTO idempotency_keys (tenant, key, "
	    "body_hash, event_id, created_at, expires_at) VALUES "
	    "($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
	[SQL_COPY_TOKEN_PUT] = "INSERT INTO webhook_tokens (token, tenant, "
	    "name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	/* new ids sort after the copied ones; change seqs go on from
	 * SQLite's; the copy is no news for the live streams */
	[SQL_COPY_ULID_PUT] = "UPDATE zs_state SET last_ulid = $1 "
	    "WHERE one = 1 AND $1 COLLATE \"C\" > last_ulid COLLATE \"C\"",
	[SQL_COPY_SEQ_PUT] = "UPDATE zs_state SET change_seq = "
	    "greatest(change_seq, $1::bigint) WHERE one = 1",
	/* the secret too, so public ids of the SQLite days stay valid */
	[SQL_COPY_SECRET_PUT] =
	    "UPDATE install_secret SET secret = $1 WHERE one = 1",
	[SQL_COPY_CHANGES_DROP] = "DELETE FROM changes WHERE seq > $1",
};
