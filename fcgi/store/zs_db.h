/*
 * zs_db: the small driver a storage backend provides, and the store's
 * operations (zs_store_*.c) written once over it. A driver owns one
 * connection per process and runs the statements of zs_sql.h by id,
 * prepared once; the store is used by one thread at a time
 * (zs_store_lock), so a driver keeps the state of each statement (its
 * bound values, its current row) beside it and needs no handles.
 *
 * A statement's life: reset, bind 1..n, step until no row, done. Values
 * read from a row live until the next step or done of that statement. A
 * failure is logged by the driver with the statement's text and mapped
 * to a zs_store_rc; a lost connection is closed, and reopened by the next
 * zs_db_ensure_open.
 *
 * Only here do the engines differ: transactions and the writers' queue,
 * how a change is waited for, migrations, connection handling, and
 * where rate-limit buckets live. Responders never see this header.
 */
#ifndef ZS_DB_H
#define ZS_DB_H

#include <stddef.h>
#include <stdint.h>

#include "parse/zs_config.h"
#include "store/zs_sql.h"
#include "store/zs_store.h"

enum zs_tx {
	ZS_TX_WRITE = 0,	/* a write, in the writers' queue */
	ZS_TX_READ,		/* a read-only snapshot */
	ZS_TX__MAX
};

struct zs_driver {
	const char	*name;
	/* 1 when the store writes the search rows of q= itself
	 * (SQL_SEARCH_ADD and the like); 0 when the database keeps its
	 * search index by itself. */
	int		 search_rows;
	/* Connects (once) and checks the schema version. */
	enum zs_store_rc (*open)(const struct zs_config *);
	void		 (*close)(void);
	/* 1 when the connection is open and fit for use; one that is not
	 * (lost, or its file moved away) is closed first. */
	int		 (*usable)(void);
	enum zs_store_rc (*begin)(enum zs_tx);
	enum zs_store_rc (*commit)(void);
	/* Ends a failed (or read) transaction, if one is open; returns rc. */
	enum zs_store_rc (*rollback)(enum zs_store_rc rc);
	/* Forgets s's row and values; every parameter is NULL again. */
	void		 (*reset)(enum zs_sql s);
	/* Bind parameter i (1-based); text and blobs must outlive the step;
	 * NULL text binds SQL NULL. */
	void		 (*bind_int)(enum zs_sql s, int i, int64_t v);
	void		 (*bind_text)(enum zs_sql s, int i, const char *,
			    size_t len);
	void		 (*bind_blob)(enum zs_sql s, int i, const void *,
			    size_t len);
	/* Runs s (the first step) or moves to its next row: *row is 1 on
	 * a row, 0 past the last one. */
	enum zs_store_rc (*step)(enum zs_sql s, int *row);
	int		 (*is_null)(enum zs_sql s, int col);
	int64_t		 (*col_int)(enum zs_sql s, int col); /* NULL: 0 */
	/* Text of col (NULL for SQL NULL); *len (if not NULL) its bytes. */
	const char	*(*col_text)(enum zs_sql s, int col, size_t *len);
	/* Ends s's run: its row and values are gone. */
	void		 (*done)(enum zs_sql s);
	/* Rows the last run of s changed. */
	long		 (*changes)(enum zs_sql s);
	/* zs_store_wait_change, zs_store_migrate, zs_store_check and
	 * zs_store_rate_take (NULL: buckets are not kept in the store). */
	enum zs_store_rc (*wait_change)(long poll_ms);
	enum zs_store_rc (*migrate)(const struct zs_config *, const char *,
			    int *, int *);
	enum zs_store_rc (*check)(const struct zs_config *, char *, size_t);
	enum zs_store_rc (*rate_take)(const struct zs_config *, const char *,
			    long, int64_t, double *, int *);
};

/*
 * A driver's table. Every driver names its functions alike (drv_open,
 * drv_step...: static, in its main file), so that this one list says
 * what a driver is; label names it, and migrate, wait and rate_take
 * are its functions of those names (rate_take may be NULL); rows is
 * search_rows.
 */
#define ZS_DRIVER(label, rows, migrate_fn, wait_fn, rate_fn) {		\
	.name = (label), .search_rows = (rows),				\
	.open = drv_open, .close = drv_close,				\
	.usable = drv_usable, .begin = drv_begin, .commit = drv_commit,	\
	.rollback = drv_rollback, .reset = drv_reset,			\
	.bind_int = drv_bind_int, .bind_text = drv_bind_text,		\
	.bind_blob = drv_bind_blob, .step = drv_step,			\
	.is_null = drv_is_null, .col_int = drv_col_int,		\
	.col_text = drv_col_text, .done = drv_done,			\
	.changes = drv_changes, .wait_change = (wait_fn),		\
	.migrate = (migrate_fn), .check = drv_check,			\
	.rate_take = (rate_fn),						\
}

extern const struct zs_driver zs_sqlite_driver;	/* store/sqlite/ */
extern const struct zs_driver zs_pg_driver;	/* store/postgres/ */

/* The driver in use: SQLite's until a store is opened. */
extern const struct zs_driver *zs_db;

/* The driver cfg asks for, opened or not (migrations, checks). */
const struct zs_driver *zs_db_driver(const struct zs_config *cfg);
/* Makes the driver cfg asks for the one in use (zs_store_open). */
void		 zs_db_select(const struct zs_config *cfg);
/* The settings the store was opened with (NULL before). */
const struct zs_config *zs_db_cfg(void);
/* Opens the driver in use (once) and reads the installation's secret
 * the first time; a store without its secret is not opened. */
enum zs_store_rc zs_db_open(const struct zs_config *cfg);
/* The installation's secret (ZS_SEAL_KEY_LEN bytes), or NULL until the
 * store has opened. */
const unsigned char *zs_db_secret(void);
/* Opens the store again if a past failure closed it. */
enum zs_store_rc zs_db_ensure_open(void);
/* Applies one migration file as schema version; the driver's. */
typedef enum zs_store_rc (*zs_db_apply_fn)(void *ctx, const char *path,
		    int version);
/*
 * Applies the files of dir named NNN_*.sql with NNN above *version, in
 * order, each by apply; *version follows. A missing dir is an error only
 * when required. Then ZS_STORE_ERROR (logged) when *version is above
 * newest, the version this build knows.
 */
enum zs_store_rc zs_db_migrate_dir(const char *dir, int required,
		    int *version, int newest, zs_db_apply_fn apply, void *ctx);
/* Binds a NUL-terminated string, or NULL. */
void		 zs_db_str(enum zs_sql s, int i, const char *str);
/* Binds a list or lease filter: NULL when absent or a prefix. */
void		 zs_db_filter(enum zs_sql s, int i, const struct zs_filter *);
/* Binds a list filter's prefix at i (NULL when it is none) and its
 * length in code points at i + 1. */
void		 zs_db_prefix(enum zs_sql s, int i, const struct zs_filter *);
/* Binds ?1 tenant and ?2 id of statement s, after a reset. */
void		 zs_db_event(enum zs_sql s, const char *tenant,
		    const char *id);
/* Runs s, which returns no row (or whose rows are ignored). */
enum zs_store_rc zs_db_run(enum zs_sql s);
/* Runs s, which returns one row, and reads its column 0 into *out. */
enum zs_store_rc zs_db_one_int(enum zs_sql s, int64_t *out);
/* Column col of the current row, or null when it is NULL. */
int64_t		 zs_db_int_or(enum zs_sql s, int col, int64_t null);
/* Opens the store if need be and begins a write transaction. */
enum zs_store_rc zs_db_begin(void);
/* Ends the open write transaction: commits when rc is ZS_STORE_OK and
 * rolls back otherwise (or when the commit fails). Returns the result. */
enum zs_store_rc zs_db_end(enum zs_store_rc rc);
/* Reads the current row of a ZS_SQL_EVENT_COLS statement; now_ms decides
 * whether a lease is live. The strings live as the row does. */
void		 zs_db_read_event(enum zs_sql s, int64_t now_ms,
		    struct zs_event *);

#endif
