/*
 * zs_sql_list: the statements of GET /inbox, written once for both
 * dialects; each dialect gives the two terms it writes its own way, a
 * payload filter (PAYLOAD) and, in a search, the full-text match.
 *
 * ?1 tenant, ?2 cursor seq, ?3 since, ?4-?6 exact topic, type, source,
 * ?7 limit, ?8-?13 their prefixes, each followed by its length in code
 * points, ?14 until, ?15-?26 three payload filters of four each (path,
 * value as text, as a number, as a keyword: ZS_SQL_PAYLOAD_AT); then, in
 * a list, ?27 now (used by the lease states only); in a search, ?27 the
 * search words and ?28 now. PostgreSQL needs every parameter up to the
 * last one used, so the one that only some states use comes last.
 */
#ifndef ZS_SQL_LIST_H
#define ZS_SQL_LIST_H

/* The states of migration 003 (sql/postgres/001_schema.sql), with now
 * the parameter of now. */
#define ZS_SQL_OPEN "acked_at IS NULL AND dead_at IS NULL"
#define ZS_SQL_PENDING(now) ZS_SQL_OPEN \
	" AND (lease_id IS NULL OR visible_at <= ?" now ")"
#define ZS_SQL_LEASED(now) ZS_SQL_OPEN \
	" AND lease_id IS NOT NULL AND visible_at > ?" now
#define ZS_SQL_ACKED(now) "acked_at IS NOT NULL"
#define ZS_SQL_DEAD(now) "dead_at IS NOT NULL AND acked_at IS NULL"
#define ZS_SQL_ANY(now) "1 = 1"
/* A text filter ?n on column c: absent (NULL) matches any. */
#define ZS_SQL_FILTER(c, n) "(" c " = ?" n " OR ?" n " IS NULL)"
/* A prefix ?p of ?k code points on column c: absent (NULL) matches any
 * (substr counts code points in SQLite and PostgreSQL alike). */
#define ZS_SQL_PREFIX(c, p, k) \
	"(substr(" c ", 1, ?" k ") = ?" p " OR ?" p " IS NULL)"
/* The first parameter of payload filter k (0-2). */
#define ZS_SQL_PAYLOAD_AT(k) (15 + 4 * (k))

/* Every term of a list of status, after (">") or before ("<") ?2, with
 * the dialect's PAYLOAD(path, text, number, keyword). */
#define ZS_SQL_LIST_TERMS(PAYLOAD, status, cmp) \
	"tenant = ?1 AND " status " AND seq " cmp " ?2 AND created_at > ?3 " \
	"AND " ZS_SQL_FILTER("topic", "4") " AND " ZS_SQL_FILTER("type", "5") \
	" AND " ZS_SQL_FILTER("source", "6") " AND " \
	ZS_SQL_PREFIX("topic", "8", "9") " AND " \
	ZS_SQL_PREFIX("type", "10", "11") " AND " \
	ZS_SQL_PREFIX("source", "12", "13") " AND created_at < ?14 AND " \
	PAYLOAD("15", "16", "17", "18") " AND " \
	PAYLOAD("19", "20", "21", "22") " AND " \
	PAYLOAD("23", "24", "25", "26")

/* A list: by seq, in order. */
#define ZS_SQL_LIST(PAYLOAD, status, cmp, order) \
	"SELECT " ZS_SQL_EVENT_COLS " FROM events WHERE " \
	ZS_SQL_LIST_TERMS(PAYLOAD, status, cmp) " ORDER BY seq " order \
	" LIMIT ?7"

/*
 * A dialect's ten statements of one kind, one per state and order: KIND
 * is SQL_LIST or SQL_SEARCH (their enum names), MAKE(status, cmp, order)
 * writes one, and now is the parameter of now.
 */
#define ZS_SQL_BY_STATE(KIND, MAKE, now) \
	[KIND##_PENDING_ASC] = MAKE(ZS_SQL_PENDING(now), ">", "ASC"), \
	[KIND##_PENDING_DESC] = MAKE(ZS_SQL_PENDING(now), "<", "DESC"), \
	[KIND##_LEASED_ASC] = MAKE(ZS_SQL_LEASED(now), ">", "ASC"), \
	[KIND##_LEASED_DESC] = MAKE(ZS_SQL_LEASED(now), "<", "DESC"), \
	[KIND##_ACKED_ASC] = MAKE(ZS_SQL_ACKED(now), ">", "ASC"), \
	[KIND##_ACKED_DESC] = MAKE(ZS_SQL_ACKED(now), "<", "DESC"), \
	[KIND##_DEAD_ASC] = MAKE(ZS_SQL_DEAD(now), ">", "ASC"), \
	[KIND##_DEAD_DESC] = MAKE(ZS_SQL_DEAD(now), "<", "DESC"), \
	[KIND##_ALL_ASC] = MAKE(ZS_SQL_ANY(now), ">", "ASC"), \
	[KIND##_ALL_DESC] = MAKE(ZS_SQL_ANY(now), "<", "DESC")
/* The ten lists, from LIST(status, cmp, order); the ten searches. */
#define ZS_SQL_LISTS(LIST) ZS_SQL_BY_STATE(SQL_LIST, LIST, "27")
#define ZS_SQL_SEARCHES(SEARCH) ZS_SQL_BY_STATE(SQL_SEARCH, SEARCH, "28")

#endif
