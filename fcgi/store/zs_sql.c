/*
 * zs_sql: the statements that read the same in SQLite and PostgreSQL,
 * written once. Placeholders are ?N; the PostgreSQL driver turns them into
 * $N when it prepares a statement. Each parameter first appears where its
 * type can be told from a column (topic = ?4 before ?4 IS NULL), because
 * PostgreSQL infers the types of a statement's parameters from there.
 */
#include <stddef.h>

#include "store/zs_sql.h"
#include "store/zs_sql_list.h"

#define EVENT_COLS ZS_SQL_EVENT_COLS
#define OPEN ZS_SQL_OPEN
#define DEAD ZS_SQL_DEAD()
#define FILTER ZS_SQL_FILTER
#define CHANGES_SELECT \
	"SELECT c.seq, c.kind, c.tenant, c.event_id, c.at, c.source, " \
	"c.type, c.topic, e.created_at, e.payload, c.until_at, " \
	"c.deliveries FROM changes c " \
	"LEFT JOIN events e ON c.kind = 'created' AND e.id = c.event_id " \
	"WHERE c.seq > ?1 AND c.seq <= ?2"
/* Leasable now: ?1 tenant, ?2 now, ?3 topic, ?4 type, ?5 source. */
#define LEASABLE \
	"SELECT id, delivery_count FROM events WHERE tenant = ?1 AND " OPEN \
	" AND (visible_at IS NULL OR visible_at <= ?2) AND " \
	FILTER("topic", "3") " AND " FILTER("type", "4") " AND " \
	FILTER("source", "5") " ORDER BY seq LIMIT ?6"
/* A live lease: ?1 tenant, ?2 id, ?3 lease_id, ?4 now. */
#define LIVE_LEASE \
	"tenant = ?1 AND id = ?2 AND lease_id = ?3 AND visible_at > ?4 " \
	"AND " OPEN

const char *const zs_sql_common[SQL__MAX] = {
	[SQL_MIGRATE_BEGIN] = "BEGIN",
	[SQL_COMMIT] = "COMMIT",
	[SQL_ROLLBACK] = "ROLLBACK",
	[SQL_IDEM_GET] =
	"SELECT CASE WHEN body_hash = ?4 THEN 1 ELSE 0 END, event_id, "
	"created_at FROM idempotency_keys "
	"WHERE tenant = ?1 AND key = ?2 AND expires_at > ?3",
	[SQL_EVENT_INSERT] =
	"INSERT INTO events (id, tenant, created_at, source, type, topic, "
	"payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[SQL_EVENT_GET] =
	"SELECT " EVENT_COLS " FROM events WHERE tenant = ?1 AND id = ?2",
	[SQL_ACK_GET] =
	"SELECT acked_at, lease_id, visible_at FROM events "
	"WHERE tenant = ?1 AND id = ?2",
	/* an acknowledgement also ends a dead letter */
	[SQL_ACK_SET] =
	"UPDATE events SET acked_at = ?3, dead_at = NULL "
	"WHERE tenant = ?1 AND id = ?2 AND acked_at IS NULL",
	[SQL_DELETE] = "DELETE FROM events WHERE tenant = ?1 AND id = ?2",
	[SQL_PURGE_EVENTS] =
	"DELETE FROM events WHERE seq IN (" ZS_SQL_PURGED ")",
	[SQL_PURGE_IDEM] =
	"DELETE FROM idempotency_keys WHERE (tenant, key) IN "
	"(SELECT tenant, key FROM idempotency_keys WHERE expires_at < ?1 "
	"LIMIT ?2)",
	[SQL_PURGE_CHANGES] =
	"DELETE FROM changes WHERE seq IN (SELECT seq FROM changes "
	"ORDER BY seq LIMIT ?2) AND at < ?1",
	/* event_minutes older than GET /stats's widest range (zs_store.h) */
	[SQL_PURGE_MINUTES] =
	"DELETE FROM event_minutes WHERE (tenant, minute) IN "
	"(SELECT tenant, minute FROM event_minutes WHERE minute < ?1 "
	"LIMIT ?2)",
	[SQL_LAST_CHANGE] = "SELECT coalesce(max(seq), 0) FROM changes",
	[SQL_CHANGES_ALL] = CHANGES_SELECT " ORDER BY c.seq LIMIT ?3",
	[SQL_CHANGES_TENANT] =
	CHANGES_SELECT " AND c.tenant = ?4 ORDER BY c.seq LIMIT ?3",
	[SQL_STATS_TOTALS] =
	"SELECT coalesce(sum(pending), 0), coalesce(sum(acknowledged), 0), "
	"coalesce(sum(dead), 0) FROM source_counts WHERE tenant = ?1",
	/* event_minutes (sql/migrations/008_event_minutes.sql): a bounded
	 * range of the primary key, not the events of the range. The store
	 * adds the minutes into hours and days itself: in key order, with no
	 * GROUP BY's sort (SQLite's temporary B-tree made 7d's 10,080 rows
	 * cost 2 ms, the plain range a quarter of that). */
	[SQL_STATS_BUCKETS] =
	"SELECT minute, count FROM event_minutes "
	"WHERE tenant = ?1 AND minute >= ?2 AND minute < ?3",
	[SQL_STATS_LEASED] =
	"SELECT count(*) FROM events WHERE tenant = ?1 AND " OPEN
	" AND visible_at > ?2 AND lease_id IS NOT NULL",
	/* pending as SQL_QUEUE counts it: neither leased nor dead */
	[SQL_STATS_OLDEST] =
	"SELECT created_at FROM events WHERE tenant = ?1 AND acked_at IS NULL "
	"AND dead_at IS NULL AND (lease_id IS NULL OR visible_at <= ?2) "
	"ORDER BY seq LIMIT 1",
	[SQL_QUEUE] =
	"SELECT s.tenant, sum(s.pending), sum(s.acknowledged), sum(s.dead), "
	"(SELECT count(*) FROM events e WHERE e.tenant = s.tenant AND "
	"e.acked_at IS NULL AND e.dead_at IS NULL AND e.visible_at > ?1 AND "
	"e.lease_id IS NOT NULL), "
	"(SELECT e.created_at FROM events e WHERE e.tenant = s.tenant AND "
	"e.acked_at IS NULL AND e.dead_at IS NULL AND (e.lease_id IS NULL OR "
	"e.visible_at <= ?1) ORDER BY e.seq LIMIT 1) "
	"FROM source_counts s GROUP BY s.tenant ORDER BY s.tenant",
	[SQL_TOKENS_ALL] = "SELECT tenant, name, token FROM webhook_tokens",
	[SQL_TOKEN_SET] =
	"INSERT INTO webhook_tokens (tenant, name, token, created_at) "
	"VALUES (?1, ?2, ?3, ?4) ON CONFLICT (tenant, name) DO UPDATE "
	"SET token = excluded.token, created_at = excluded.created_at",
	[SQL_REJECT_ADD] = "INSERT INTO hook_rejections (tenant, source, at, "
	"reason, status, request_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SQL_REJECT_COUNT] = "INSERT INTO hook_rejection_counts (tenant, "
	"source, reason, n, last_at) VALUES (?1, ?2, ?3, 1, ?4) "
	"ON CONFLICT (tenant, source, reason) DO UPDATE "
	"SET n = hook_rejection_counts.n + 1, last_at = excluded.last_at",
	/* Below the newest ?3 rows of the source; none when it has fewer. */
	[SQL_REJECT_TRIM] = "DELETE FROM hook_rejections WHERE tenant = ?1 "
	"AND source = ?2 AND seq <= (SELECT seq FROM hook_rejections "
	"WHERE tenant = ?1 AND source = ?2 ORDER BY seq DESC LIMIT 1 "
	"OFFSET ?3)",
	[SQL_REJECTS_GET] = "SELECT at, reason, status, request_id FROM "
	"hook_rejections WHERE tenant = ?1 AND source = ?2 "
	"ORDER BY seq DESC LIMIT ?3",
	[SQL_REJECT_COUNTS] = "SELECT source, reason, n, last_at FROM "
	"hook_rejection_counts WHERE tenant = ?1 ORDER BY source, reason",
	[SQL_LEASE_PROBE] = LEASABLE,
	[SQL_LEASE_PICK] = LEASABLE,
	[SQL_LEASE_TAKE] =
	"UPDATE events SET lease_id = ?3, visible_at = ?4, "
	"delivery_count = delivery_count + 1 WHERE tenant = ?1 AND id = ?2",
	[SQL_DEAD_LETTER] =
	"UPDATE events SET dead_at = ?3, lease_id = NULL, visible_at = NULL "
	"WHERE tenant = ?1 AND id = ?2",
	[SQL_NEXT_VISIBLE] =
	"SELECT min(visible_at) FROM events WHERE tenant = ?1 AND " OPEN
	" AND visible_at > ?2",
	[SQL_EXTEND] = "UPDATE events SET visible_at = ?5 WHERE " LIVE_LEASE,
	[SQL_RELEASE] =
	"UPDATE events SET lease_id = NULL, visible_at = ?5 WHERE " LIVE_LEASE,
	[SQL_REDRIVE] =
	"UPDATE events SET dead_at = NULL, delivery_count = 0, "
	"lease_id = NULL, visible_at = NULL "
	"WHERE tenant = ?1 AND id = ?2 AND " DEAD,
	[SQL_SECRET_GET] = "SELECT secret FROM install_secret WHERE one = 1",
	[SQL_COPY_EVENTS] =
	"SELECT id, tenant, created_at, source, type, topic, payload, "
	"acked_at, delivery_count, lease_id, visible_at, dead_at "
	"FROM events ORDER BY seq",
	[SQL_COPY_IDEM] =
	"SELECT tenant, key, body_hash, event_id, created_at, expires_at "
	"FROM idempotency_keys",
	[SQL_COPY_TOKENS] =
	"SELECT token, tenant, name, created_at FROM webhook_tokens",
};
