/*
 * The SQLite driver's migrations: sql/schema.sql makes version 1, then
 * sql/migrations/NNN_name.sql brings the file to version NNN, each in one
 * transaction with PRAGMA user_version, so a failed file leaves the
 * database as it was. The database is put in WAL mode first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/zs_sqlite.h"
#include "util/zs_file.h"
#include "util/zs_log.h"

/* Applies one file and sets user_version in one transaction (a
 * zs_db_apply_fn on the sqlite3 connection ctx). */
static enum zs_store_rc
apply(void *ctx, const char *path, int version)
{
	sqlite3	*db = ctx;
	char	*sql, *msg = NULL, setv[48];
	int	 rc;

	if ((sql = zs_file_read(path, ZS_FILE_SQL_MAX)) == NULL) {
		zs_log("migrate: cannot read %s", path);
		return ZS_STORE_ERROR;
	}
	snprintf(setv, sizeof(setv), "%s%d", zs_sqlite_text(SQL_MIGRATE_RECORD),
	    version);
	rc = sqlite3_exec(db, zs_sqlite_text(SQL_MIGRATE_BEGIN), NULL, NULL,
	    &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, setv, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, zs_sqlite_text(SQL_COMMIT), NULL, NULL,
		    &msg);
	free(sql);
	if (rc != SQLITE_OK) {
		zs_log("migrate: %s: %s", path, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_exec(db, zs_sqlite_text(SQL_ROLLBACK), NULL, NULL, NULL);
		return zs_sqlite_map_rc(rc) == ZS_STORE_OK ? ZS_STORE_ERROR :
		    zs_sqlite_map_rc(rc);
	}
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_sqlite_migrate(const struct zs_config *cfg, const char *dir, int *from,
    int *to)
{
	char			 path[2048];
	sqlite3			*db = NULL;
	enum zs_store_rc	 rc;
	char			*msg = NULL;

	if ((rc = zs_sqlite_connect(cfg, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, &db)) != ZS_STORE_OK)
		return rc;
	if (sqlite3_exec(db, zs_sqlite_text(SQL_MIGRATE_SETUP), NULL, NULL,
	    &msg) != SQLITE_OK) {
		zs_log("migrate: cannot switch to WAL: %s", msg ? msg : "?");
		sqlite3_free(msg);
		rc = ZS_STORE_UNAVAILABLE;
		goto out;
	}
	if ((*from = *to = zs_sqlite_user_version(db)) < 0) {
		rc = ZS_STORE_UNAVAILABLE;
		goto out;
	}
	if (*to == 0) {
		snprintf(path, sizeof(path), "%s/schema.sql", dir);
		if ((rc = apply(db, path, 1)) != ZS_STORE_OK)
			goto out;
		*to = 1;
	}
	snprintf(path, sizeof(path), "%s/migrations", dir);
	rc = zs_db_migrate_dir(path, 0, to, ZS_SQLITE_SCHEMA_VERSION, apply,
	    db);
out:
	sqlite3_close(db);
	return rc;
}
