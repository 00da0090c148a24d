/*
 * zs_sqlite: the SQLite store's inside, shared by its files and by nothing
 * else (responders include zs_store.h only; zs_store.c reaches these
 * through zs_sqlite_ops). zs_store_sqlite.c owns the connection and the one
 * table of statements, indexed by enum stmt and prepared once;
 * zs_sqlite_lease.c implements leases with them.
 */
#ifndef ZS_SQLITE_H
#define ZS_SQLITE_H

#include <sqlite3.h>

#include "parse/zs_config.h"
#include "store/zs_store.h"

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

/* The zs_store.h calls, as zs_sqlite_ops provides them. */
enum zs_store_rc zs_sqlite_open(const struct zs_config *);
void		 zs_sqlite_close(void);
enum zs_store_rc zs_sqlite_ping(void);
enum zs_store_rc zs_sqlite_insert_batch(const struct zs_new_event *const *,
		    struct zs_inserted *, enum zs_store_rc *, size_t);
enum zs_store_rc zs_sqlite_list(const char *, const struct zs_list_params *,
		    zs_event_fn, void *, int *, int64_t *);
enum zs_store_rc zs_sqlite_get(const char *, const char *, zs_event_fn,
		    void *);
enum zs_store_rc zs_sqlite_ack(const char *, const char *, const char *,
		    int64_t *, int *);
enum zs_store_rc zs_sqlite_ack_batch(const char *, const char *const *,
		    size_t, int *);
enum zs_store_rc zs_sqlite_delete(const char *, const char *);
enum zs_store_rc zs_sqlite_purge(int64_t, long, long *);
enum zs_store_rc zs_sqlite_data_version(int64_t *);
enum zs_store_rc zs_sqlite_wait_change(long);
enum zs_store_rc zs_sqlite_last_change(int64_t *);
enum zs_store_rc zs_sqlite_changes(const char *, int64_t, int64_t, long,
		    zs_change_fn, void *, long *);
enum zs_store_rc zs_sqlite_stats(const char *, int64_t, struct zs_stats *);
enum zs_store_rc zs_sqlite_tokens(zs_token_fn, void *);
enum zs_store_rc zs_sqlite_token_put(const char *, const char *,
		    const char *, int);
enum zs_store_rc zs_sqlite_migrate(const struct zs_config *, const char *,
		    int *, int *);
enum zs_store_rc zs_sqlite_lease(const char *,
		    const struct zs_lease_params *, zs_event_fn, void *, long *,
		    int64_t *);
enum zs_store_rc zs_sqlite_extend(const char *, const char *, const char *,
		    long, int64_t *);
enum zs_store_rc zs_sqlite_release(const char *, const char *,
		    const char *, long, int64_t *);
enum zs_store_rc zs_sqlite_redrive(const char *, const char *);

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
