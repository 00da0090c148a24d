/*
 * zs_sqlite: the SQLite driver's inside, shared by its files and by
 * nothing else (the store reaches it through zs_sqlite_driver, zs_db.h).
 * zs_sqlite_driver.c owns the connection and the statements, prepared
 * once; zs_sqlite_migrate.c applies sql/; zs_sqlite_sql.c holds the
 * statements SQLite writes its own way.
 */
#ifndef ZS_SQLITE_H
#define ZS_SQLITE_H

#include <sqlite3.h>

#include "parse/zs_config.h"
#include "store/zs_db.h"

/* The schema version this build reads and writes (PRAGMA user_version). */
#define ZS_SQLITE_SCHEMA_VERSION 8

/* SQLite's texts, by zs_sql (NULL: zs_sql_common's). */
extern const char *const zs_sqlite_sql[SQL__MAX];

/* The text SQLite runs for s, or NULL when it has none. */
const char	*zs_sqlite_text(enum zs_sql s);
/* Our code for an SQLite result code. */
enum zs_store_rc zs_sqlite_map_rc(int rc);
/* Opens the database file and applies the per-connection settings. */
enum zs_store_rc zs_sqlite_connect(const struct zs_config *, int flags,
		    sqlite3 **out);
/* Reads PRAGMA user_version; -1 on failure. */
int		 zs_sqlite_user_version(sqlite3 *);
enum zs_store_rc zs_sqlite_migrate(const struct zs_config *, const char *,
		    int *, int *);

#endif
