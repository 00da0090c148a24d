/*
 * zs_sql: every statement the store runs, one enum for both backends.
 * zs_sql.c holds the text of those that read the same in every dialect
 * (standard SQL with ?N placeholders); each backend has a table of its
 * own, indexed by the same enum, for the statements its engine writes
 * differently (store/sqlite/zs_sqlite_sql.c, store/postgres/zs_pg_sql.c).
 * A backend prepares each statement once and runs it by its id.
 *
 * Parameters are numbered as in the comment beside each name; a row's
 * columns are listed where the reading code needs them by position.
 */
#ifndef ZS_SQL_H
#define ZS_SQL_H

/* The columns of an event row, in the order zs_db_read_event reads. */
#define ZS_SQL_EVENT_COLS \
	"seq, id, created_at, acked_at, source, type, topic, payload, " \
	"delivery_count, lease_id, visible_at, dead_at"

/* The seqs one purge step removes: ?1 cutoff, ?2 limit (in the order
 * of the index, so that the search rows go first for the same events). */
#define ZS_SQL_PURGED "SELECT seq FROM events WHERE acked_at IS NOT NULL " \
	"AND acked_at < ?1 ORDER BY acked_at, seq LIMIT ?2"

enum zs_sql {
	SQL_BEGIN,		/* a write transaction, in the writers' queue */
	SQL_BEGIN_READ,		/* a read-only snapshot */
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_PING,		/* a cheap read: the database answers */
	SQL_IDEM_GET,		/* 1 tenant, 2 key, 3 now, 4 body hash:
				   same body?, event_id, created_at */
	SQL_IDEM_PUT,		/* 1 tenant, 2 key, 3 hash, 4 event_id,
				   5 created_at, 6 expires_at */
	SQL_ULID_GET,		/* the last event id's ULID (text) */
	SQL_ULID_PUT,		/* 1 the new last ULID */
	SQL_EVENT_INSERT,	/* 1 id, 2 tenant, 3 created_at, 4 source,
				   5 type, 6 topic, 7 payload */
	SQL_EVENT_GET,		/* 1 tenant, 2 id: ZS_SQL_EVENT_COLS */
	/* GET /inbox, with the parameters of zs_sql_list.h:
	 * ZS_SQL_EVENT_COLS */
	SQL_LIST_PENDING_ASC,
	SQL_LIST_PENDING_DESC,
	SQL_LIST_LEASED_ASC,
	SQL_LIST_LEASED_DESC,
	SQL_LIST_ACKED_ASC,
	SQL_LIST_ACKED_DESC,
	SQL_LIST_DEAD_ASC,
	SQL_LIST_DEAD_DESC,
	SQL_LIST_ALL_ASC,
	SQL_LIST_ALL_DESC,
	/* The same with the search words (q=): zs_sql_list.h */
	SQL_SEARCH_PENDING_ASC,
	SQL_SEARCH_PENDING_DESC,
	SQL_SEARCH_LEASED_ASC,
	SQL_SEARCH_LEASED_DESC,
	SQL_SEARCH_ACKED_ASC,
	SQL_SEARCH_ACKED_DESC,
	SQL_SEARCH_DEAD_ASC,
	SQL_SEARCH_DEAD_DESC,
	SQL_SEARCH_ALL_ASC,
	SQL_SEARCH_ALL_DESC,
	/* The search rows a driver keeps itself (zs_driver.search_rows),
	 * written in batches (sql/migrations/007_search.sql): */
	SQL_SEARCH_BACKLOG,	/* events stored since the last batch */
	SQL_SEARCH_ADD,		/* the next 1 events' */
	SQL_SEARCH_MARK,	/* ... and where they end: 1 as ADD's */
	SQL_SEARCH_DROP,	/* an event's, before its delete: 1 tenant,
				   2 id */
	SQL_SEARCH_PURGE,	/* a purge step's, before it: as
				   SQL_PURGE_EVENTS */
	SQL_SEARCH_CLEAR,	/* all of them (zs-admin search-rebuild) ... */
	SQL_SEARCH_RESET,	/* ... and the batches start at the first */
	SQL_ACK_GET,		/* 1 tenant, 2 id: acked_at, lease_id,
				   visible_at */
	SQL_ACK_SET,		/* 1 tenant, 2 id, 3 now */
	SQL_DELETE,		/* 1 tenant, 2 id */
	SQL_PURGE_EVENTS,	/* 1 cutoff, 2 limit */
	SQL_PURGE_IDEM,		/* 1 now, 2 limit */
	SQL_PURGE_CHANGES,	/* 1 cutoff, 2 limit */
	SQL_PURGE_MINUTES,	/* 1 cutoff (Unix minute), 2 limit */
	SQL_DATA_VERSION,	/* moves when another connection commits */
	SQL_LAST_CHANGE,	/* the newest change seq, or 0 */
	/* 1 after, 2 upto, 3 limit (4 tenant): seq, kind, tenant,
	 * event_id, at, source, type, topic, created_at, payload,
	 * until_at, deliveries */
	SQL_CHANGES_ALL,
	SQL_CHANGES_TENANT,
	SQL_STATS_TOTALS,	/* 1 tenant: pending, acknowledged, dead */
	SQL_STATS_SOURCES,	/* 1 tenant, 2 limit: source, count */
	SQL_STATS_BUCKETS,	/* 1 tenant, 2 first Unix minute: minute,
				   events received (event_minutes) */
	SQL_STATS_LEASED,	/* 1 tenant, 2 now: count */
	SQL_STATS_OLDEST,	/* 1 tenant, 2 now: the oldest pending's
				   created_at */
	SQL_QUEUE,		/* 1 now: tenant, pending (leased too),
				   acknowledged, dead, leased, the oldest
				   pending created_at, by tenant */
	SQL_TOKENS_ALL,		/* tenant, name, token */
	SQL_TOKEN_ADD,		/* 1 tenant, 2 name, 3 token, 4 now */
	SQL_TOKEN_SET,		/* the same, replacing */
	/* The webhook delivery log (sql/migrations/006_hook_rejections.sql):
	 * 1 tenant, 2 source, 3 at, 4 reason, 5 status, 6 request id */
	SQL_REJECT_ADD,
	SQL_REJECT_COUNT,	/* 1 tenant, 2 source, 3 reason, 4 at */
	SQL_REJECT_TRIM,	/* 1 tenant, 2 source, 3 rows kept */
	SQL_REJECTS_GET,	/* 1 tenant, 2 source, 3 limit: at, reason,
				   status, request id, newest first */
	SQL_REJECT_COUNTS,	/* 1 tenant: source, reason, n, last_at */
	/* 1 tenant, 2 now, 3 topic, 4 type, 5 source, 6 limit: id,
	 * delivery_count; PROBE outside a transaction, PICK inside */
	SQL_LEASE_PROBE,
	SQL_LEASE_PICK,
	SQL_LEASE_TAKE,		/* 1 tenant, 2 id, 3 lease_id, 4 until */
	SQL_DEAD_LETTER,	/* 1 tenant, 2 id, 3 now */
	SQL_NEXT_VISIBLE,	/* 1 tenant, 2 now: min(visible_at) */
	/* 1 tenant, 2 id, 3 lease_id, 4 now, 5 new visible_at or NULL */
	SQL_EXTEND,
	SQL_RELEASE,
	SQL_REDRIVE,		/* 1 tenant, 2 id */
	SQL_SECRET_GET,		/* the installation's secret (hex), read
				   at open; zs-admin copy reads it too */
	/* Run on connections other than the store's (not prepared): */
	SQL_SESSION,		/* a new connection's settings: 1 lock wait
				   (ms), 2 durability, or the text that
				   the durability follows; PostgreSQL's
				   3 statement and 4 idle-in-transaction
				   timeouts (ms, 0: none) */
	SQL_LISTEN,		/* ask to be told of changes (if it can) */
	SQL_RATE_TAKE,		/* 1 bucket, 2 capacity, 3 now: tokens,
				   allowed (backends that keep buckets) */
	/* zs-admin migrate, on a connection of its own */
	SQL_SEARCH_INDEX_ON,	/* PostgreSQL: the search index, made ... */
	SQL_SEARCH_INDEX_OFF,	/* ... or dropped, as SEARCH_INDEX says */
	SQL_MIGRATE_SETUP,	/* before anything: the journal mode */
	SQL_MIGRATE_LOCK,	/* one migration at a time, on every node */
	SQL_MIGRATE_TABLE,	/* where the version is kept, if a table */
	SQL_MIGRATE_VERSION,	/* the schema version, 0 for none */
	SQL_MIGRATE_BEGIN,	/* the transaction of one file */
	SQL_MIGRATE_RECORD,	/* sets the version: 1 the version, or the
				   text that the number follows */
	/* zs-admin copy-to-postgres (zs_copy.c): what it reads (and
	 * SQL_ULID_GET) ... */
	SQL_COPY_EVENTS,	/* id, tenant, created_at, source, type,
				   topic, payload, acked_at, delivery_count,
				   lease_id, visible_at, dead_at by seq */
	SQL_COPY_IDEM,		/* tenant, key, body_hash, event_id,
				   created_at, expires_at */
	SQL_COPY_TOKENS,	/* token, tenant, name, created_at */
	SQL_COPY_LAST_SEQ,	/* the last change seq handed out */
	/* ... and what it writes, with the same columns as parameters */
	SQL_COPY_BEGIN,		/* the writers' lock: change seq so far */
	SQL_COPY_EVENT_PUT,
	SQL_COPY_ACK_PUT,	/* 1 id, 2 acked_at */
	SQL_COPY_IDEM_PUT,
	SQL_COPY_TOKEN_PUT,
	SQL_COPY_ULID_PUT,	/* 1 the last ULID, if later */
	SQL_COPY_SEQ_PUT,	/* 1 the last change seq, if later */
	SQL_COPY_SECRET_PUT,	/* 1 the installation's secret (hex) */
	SQL_COPY_CHANGES_DROP,	/* 1 the change seq before the copy */
	SQL__MAX
};

/* The first statement the store does not prepare: connection set-up,
 * the listener, the buckets, zs-admin migrate and copy-to-postgres. */
#define SQL__STORE_MAX SQL_SESSION

/* The texts that every dialect shares (NULL: each dialect has its own). */
extern const char *const zs_sql_common[SQL__MAX];

#endif
