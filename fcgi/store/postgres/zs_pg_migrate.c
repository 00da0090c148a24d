/*
 * The PostgreSQL driver's migrations: SQLDIR/postgres/NNN_name.sql brings
 * the database to version NNN; each file is applied in one transaction
 * with its row in schema_version, so a failed file leaves the database as
 * it was. An advisory lock lets several nodes run make db-init at once.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/postgres/zs_pg.h"
#include "util/zs_file.h"
#include "util/zs_log.h"

/* Runs sql on c with the parameter v (or none when v is NULL); 0, or -1
 * after a log line naming what. */
static int
run(PGconn *c, const char *sql, const char *v, const char *what)
{
	PGresult	*r = v ? PQexecParams(c, sql, 1, NULL, &v, NULL, NULL,
			    0) : PQexec(c, sql);
	ExecStatusType	 st = PQresultStatus(r);
	int		 ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok)
		zs_log("migrate: %s: %s", what, PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

/* The newest version applied; -1 on failure. */
static int
version(PGconn *c)
{
	PGresult	*r;
	int		 v = -1;

	r = PQexec(c, zs_pg_text(SQL_MIGRATE_VERSION));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0));
	else
		zs_log("migrate: %s", PQresultErrorMessage(r));
	PQclear(r);
	return v;
}

/* Applies one file and records version in one transaction (a
 * zs_db_apply_fn on the connection ctx). */
static enum zs_store_rc
apply(void *ctx, const char *path, int v)
{
	PGconn	*c = ctx;
	char	*sql, num[16];
	int	 rc;

	if ((sql = zs_file_read(path, ZS_FILE_SQL_MAX)) == NULL) {
		zs_log("migrate: cannot read %s", path);
		return ZS_STORE_ERROR;
	}
	snprintf(num, sizeof(num), "%d", v);
	rc = run(c, zs_pg_text(SQL_MIGRATE_BEGIN), NULL, path) == 0 &&
	    run(c, sql, NULL, path) == 0 &&
	    run(c, zs_pg_text(SQL_MIGRATE_RECORD), num, path) == 0 &&
	    run(c, zs_pg_text(SQL_COMMIT), NULL, path) == 0 ? 0 : -1;
	free(sql);
	if (rc == -1)
		run(c, zs_pg_text(SQL_ROLLBACK), NULL, path);
	return rc == 0 ? ZS_STORE_OK : ZS_STORE_ERROR;
}

enum zs_store_rc
zs_pg_migrate(const struct zs_config *cfg, const char *dir, int *from,
    int *to)
{
	char			 path[2048];
	PGconn			*c;
	enum zs_store_rc	 rc = ZS_STORE_ERROR;

	*from = *to = -1;
	if ((c = zs_pg_connect(cfg, "migrate", ZS_PG_ADMIN)) == NULL)
		return ZS_STORE_UNAVAILABLE;
	if (run(c, zs_pg_text(SQL_MIGRATE_LOCK), NULL, "lock") == 0 &&
	    run(c, zs_pg_text(SQL_MIGRATE_TABLE), NULL, "schema_version") ==
	    0 && (*from = *to = version(c)) >= 0) {
		snprintf(path, sizeof(path), "%s/postgres", dir);
		rc = zs_db_migrate_dir(path, 1, to, ZS_PG_SCHEMA_VERSION, apply,
		    c);
	}
	/* The search index of q=, as SEARCH_INDEX says (zs_pg_sql.c). */
	if (rc == ZS_STORE_OK && run(c, zs_pg_text(cfg->search_index ?
	    SQL_SEARCH_INDEX_ON : SQL_SEARCH_INDEX_OFF), NULL,
	    "search index") != 0)
		rc = ZS_STORE_ERROR;
	PQfinish(c);		/* ends the session: frees the lock */
	return rc;
}
