/*
 * zs_sql_list: the WHERE terms of GET /inbox, written once for the plain
 * list (zs_sql.c, both dialects) and each dialect's search, which adds
 * its own full-text match (q=) to them.
 *
 * ?1 tenant, ?2 cursor seq, ?3 since, ?4-?6 exact topic, type, source,
 * ?7 limit, ?8-?13 their prefixes, each followed by its length in code
 * points, ?14 until; then, in a list, ?15 now (used by the lease states
 * only); in a search, ?15 the search words and ?16 now. PostgreSQL
 * needs every parameter up to the last one used, so the one that only
 * some states use comes last.
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
/* Every term of a list of status, after (">") or before ("<") ?2. */
#define ZS_SQL_LIST_TERMS(status, cmp) \
	"tenant = ?1 AND " status " AND seq " cmp " ?2 AND created_at > ?3 " \
	"AND " ZS_SQL_FILTER("topic", "4") " AND " ZS_SQL_FILTER("type", "5") \
	" AND " ZS_SQL_FILTER("source", "6") " AND " \
	ZS_SQL_PREFIX("topic", "8", "9") " AND " \
	ZS_SQL_PREFIX("type", "10", "11") " AND " \
	ZS_SQL_PREFIX("source", "12", "13") " AND created_at < ?14"

/* A dialect's ten search statements, from SEARCH(status, cmp, order). */
#define ZS_SQL_SEARCHES(SEARCH) \
	[SQL_SEARCH_PENDING_ASC] = SEARCH(ZS_SQL_PENDING("16"), ">", "ASC"), \
	[SQL_SEARCH_PENDING_DESC] = SEARCH(ZS_SQL_PENDING("16"), "<", "DESC"), \
	[SQL_SEARCH_LEASED_ASC] = SEARCH(ZS_SQL_LEASED("16"), ">", "ASC"), \
	[SQL_SEARCH_LEASED_DESC] = SEARCH(ZS_SQL_LEASED("16"), "<", "DESC"), \
	[SQL_SEARCH_ACKED_ASC] = SEARCH(ZS_SQL_ACKED("16"), ">", "ASC"), \
	[SQL_SEARCH_ACKED_DESC] = SEARCH(ZS_SQL_ACKED("16"), "<", "DESC"), \
	[SQL_SEARCH_DEAD_ASC] = SEARCH(ZS_SQL_DEAD("16"), ">", "ASC"), \
	[SQL_SEARCH_DEAD_DESC] = SEARCH(ZS_SQL_DEAD("16"), "<", "DESC"), \
	[SQL_SEARCH_ALL_ASC] = SEARCH(ZS_SQL_ANY("16"), ">", "ASC"), \
	[SQL_SEARCH_ALL_DESC] = SEARCH(ZS_SQL_ANY("16"), "<", "DESC")

#endif
