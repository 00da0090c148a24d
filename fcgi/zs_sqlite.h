/*
 * zs_sqlite: the SQLite store's inside, shared by its files and by nothing
 * else (responders include zs_store.h only). zs_store_sqlite.c owns the
 * connection and the one table of statements, indexed by enum stmt and
 * prepared once; zs_sqlite_lease.c implements leases with them.
 */
#ifndef ZS_SQLITE_H
#define ZS_SQLITE_H

#include <sqlite3.h>

#include "zs_config.h"
#include "zs_store.h"

enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_PING,
	ST_IDEM_GET,
	ST_IDEM_PUT,
	ST_ULID_GET,
	ST_ULID_PUT,
	ST_EVENT_INSERT,
	ST_EVENT_GET,
	ST_LIST_PENDING_ASC,
	ST_LIST_PENDING_DESC,
	ST_LIST_LEASED_ASC,
	ST_LIST_LEASED_DESC,
	ST_LIST_ACKED_ASC,
	ST_LIST_ACKED_DESC,
	ST_LIST_DEAD_ASC,
	ST_LIST_DEAD_DESC,
	ST_LIST_ALL_ASC,
	ST_LIST_ALL_DESC,
	ST_ACK_GET,
	ST_ACK_SET,
	ST_DELETE,
	ST_PURGE_EVENTS,
	ST_PURGE_IDEM,
	ST_PURGE_CHANGES,
	ST_DATA_VERSION,
	ST_LAST_CHANGE,
	ST_CHANGES_ALL,
	ST_CHANGES_TENANT,
	ST_BEGIN_READ,
	ST_STATS_TOTALS,
	ST_STATS_SOURCES,
	ST_STATS_MINUTES,
	ST_STATS_LEASED,
	ST_TOKENS_ALL,
	ST_TOKEN_ADD,
	ST_TOKEN_SET,
	ST_LEASE_PICK,
	ST_LEASE_TAKE,
	ST_DEAD_LETTER,
	ST_NEXT_VISIBLE,
	ST_EXTEND,
	ST_RELEASE,
	ST_REDRIVE,
	ST__MAX
};

/* The settings the store was opened with (NULL before). */
const struct zs_config *zs_sql_cfg(void);
/* Opens the store again if a past failure closed it. */
enum zs_store_rc zs_sql_ensure_open(void);
/* Resets and clears statement s for its next use; returns it. */
sqlite3_stmt	*zs_sql_stmt(enum stmt s);
/* Steps s, which returns no row (or whose rows are ignored), and resets it. */
enum zs_store_rc zs_sql_run(enum stmt s);
/* Logs SQLite's failure rc in statement s; returns our code for it. */
enum zs_store_rc zs_sql_fail(int rc, enum stmt s);
/* Rows the last statement changed. */
int		 zs_sql_changes(void);
/* Binds text (NULL binds SQL NULL); the text must outlive the step. */
void		 zs_sql_bind_text(sqlite3_stmt *, int i, const char *, size_t);
void		 zs_sql_bind_str(sqlite3_stmt *, int i, const char *);
/* BEGIN IMMEDIATE, behind the cross-process write lock. */
enum zs_store_rc zs_sql_begin(void);
enum zs_store_rc zs_sql_commit(void);
/* Ends a failed (or read) transaction; returns rc. */
enum zs_store_rc zs_sql_rollback(enum zs_store_rc rc);
/* Reads the current row of an EVENT_COLS statement; now_ms decides
 * whether a lease is live. */
void		 zs_sql_read_event(sqlite3_stmt *, int64_t now_ms,
		    struct zs_event *);

#endif
