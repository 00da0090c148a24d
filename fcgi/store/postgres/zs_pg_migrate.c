/*
 * zs_store on PostgreSQL: migrations. SQLDIR/postgres/NNN_name.sql brings
 * the database to version NNN; each file is applied in one transaction
 * with its row in schema_version, so a failed file leaves the database as
 * it was. An advisory lock lets several nodes run make db-init at once.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/zs_file.h"
#include "util/zs_log.h"
#include "store/postgres/zs_pg.h"

/* Any number: the advisory lock key that serialises migrations. */
#define MIGRATE_LOCK "7353001"

/* Runs sql (no parameters) on c; 0, or -1 after a log line naming what. */
static int
run(PGconn *c, const char *sql, const char *what)
{
	PGresult	*r = PQexec(c, sql);
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

	r = PQexec(c, "SELECT coalesce(max(version), 0) FROM schema_version");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0));
	else
		zs_log("migrate: %s", PQresultErrorMessage(r));
	PQclear(r);
	return v;
}

/* Applies one file and records version in one transaction; 0 or -1. */
static int
apply(PGconn *c, const char *path, int v)
{
	char	*sql, setv[96];
	int	 rc;

	if ((sql = zs_file_read(path, ZS_FILE_SQL_MAX)) == NULL) {
		zs_log("migrate: cannot read %s", path);
		return -1;
	}
	snprintf(setv, sizeof(setv), "INSERT INTO schema_version (version) "
	    "VALUES (%d)", v);
	rc = run(c, "BEGIN", path) == 0 && run(c, sql, path) == 0 &&
	    run(c, setv, path) == 0 && run(c, "COMMIT", path) == 0 ? 0 : -1;
	free(sql);
	if (rc == -1)
		run(c, "ROLLBACK", path);
	return rc;
}

enum zs_store_rc
zs_pg_migrate(const struct zs_config *cfg, const char *dir, int *from,
    int *to)
{
	char			 path[2048];
	struct dirent		**names = NULL;
	PGconn			*c;
	enum zs_store_rc	 rc = ZS_STORE_ERROR;
	int			 n = 0, i, v, num;

	*from = *to = -1;
	if ((c = zs_pg_connect(cfg, "migrate")) == NULL)
		return ZS_STORE_UNAVAILABLE;
	if (run(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", "lock") ==
	    -1 || run(c, "CREATE TABLE IF NOT EXISTS schema_version ("
	    "version integer PRIMARY KEY, applied_at timestamptz NOT NULL "
	    "DEFAULT now())", "schema_version") == -1 ||
	    (v = version(c)) < 0)
		goto out;
	*from = *to = v;
	snprintf(path, sizeof(path), "%s/postgres", dir);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		zs_log("migrate: cannot read the directory %s", path);
		n = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		num = atoi(names[i]->d_name);
		if (num <= v || strstr(names[i]->d_name, ".sql") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/postgres/%s", dir,
		    names[i]->d_name);
		if (apply(c, path, num) == -1)
			goto out;
		*to = v = num;
	}
	rc = v > ZS_PG_SCHEMA_VERSION ? ZS_STORE_ERROR : ZS_STORE_OK;
	if (rc != ZS_STORE_OK)
		zs_log("migrate: database is at version %d, newer than this "
		    "build (%d)", v, ZS_PG_SCHEMA_VERSION);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	PQfinish(c);		/* ends the session: frees the lock */
	return rc;
}
