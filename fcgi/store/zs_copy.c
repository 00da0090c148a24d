/*
 * zs_copy: zs-admin copy-to-postgres. See zs_copy.h.
 *
 * Events are inserted in SQLite's seq order, so they get PostgreSQL seqs
 * in the same order (the numbers differ, so a paging cursor of the SQLite
 * days does not carry over; change seqs continue after SQLite's, so a
 * stream's Last-Event-ID of the SQLite days replays what came since:
 * the installation's secret, which seals the ids, comes along).
 * The triggers count each copied event in its state; the change rows they
 * write are removed before COMMIT, so open streams do not see a copied
 * inbox as new events.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/zs_pg.h"
#include "store/sqlite/zs_sqlite.h"
#include "store/zs_copy.h"

#define COPY_COLS 12	/* columns of an event */

/* What was copied. */
struct tally {
	long	 events;	/* inserted */
	long	 present;	/* already in PostgreSQL */
	long	 acks;		/* acknowledgements carried over */
	long	 keys;		/* idempotency keys inserted */
	long	 tokens;	/* webhook tokens inserted */
};

/* Runs sql with n text parameters (NULL: SQL NULL; bin marks a binary
 * one of binlen bytes); *changed gets the rows changed. 0 or -1. */
static int
exec(PGconn *c, const char *sql, int n, const char *const *v, int bin,
    int binlen, long *changed)
{
	int		 len[COPY_COLS] = { 0 }, fmt[COPY_COLS] = { 0 };
	PGresult	*r;
	ExecStatusType	 st;

	if (bin >= 0 && bin < COPY_COLS) {
		len[bin] = binlen;
		fmt[bin] = 1;
	}
	r = PQexecParams(c, sql, n, NULL, v, len, fmt, 0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s",
		    PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	if (changed != NULL)
		*changed = atol(PQcmdTuples(r));
	PQclear(r);
	return 0;
}

/* The text of column i of st, or NULL. */
static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * An event that was in PostgreSQL already (v its columns): its
 * acknowledgement in SQLite since the last run is carried over; 0 or -1.
 */
static int
carry_ack(PGconn *c, const char *const *v, struct tally *t)
{
	long	 n;

	t->present++;
	if (v[7] == NULL)
		return 0;
	if (exec(c, zs_pg_text(SQL_COPY_ACK_PUT), 2, (const char *[]){ v[0],
	    v[7] }, -1, 0, &n) == -1)
		return -1;
	t->acks += n;
	return 0;
}

/*
 * Copies each row of sel through ins (n columns; column bin binary),
 * adding the rows inserted to *copied; events (SQL_COPY_EVENTS, in seq
 * order) already there go through carry_ack. 0 or -1.
 */
static int
copy_rows(sqlite3 *db, PGconn *c, enum zs_sql sel, enum zs_sql ins, int n,
    int bin, long *copied, struct tally *t)
{
	sqlite3_stmt	*st;
	const char	*v[COPY_COLS];
	long		 k;
	int		 i, step = SQLITE_DONE, rc = 0, binlen = 0;

	if (sqlite3_prepare_v2(db, zs_sqlite_text(sel), -1, &st, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s\n",
		    sqlite3_errmsg(db));
		return -1;
	}
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			v[i] = i == bin ? sqlite3_column_blob(st, i) :
			    col(st, i);
		if (bin >= 0)
			binlen = sqlite3_column_bytes(st, bin);
		if ((rc = exec(c, zs_pg_text(ins), n, v, bin, binlen, &k)) ==
		    -1)
			break;
		*copied += k;
		if (k == 0 && sel == SQL_COPY_EVENTS)
			rc = carry_ack(c, v, t);
	}
	if (rc == 0 && step != SQLITE_DONE) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s\n",
		    sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * The installation's secret, so that the sealed ids of the SQLite days
 * (a stream's Last-Event-ID) open in PostgreSQL to the same seqs; 0 or -1.
 */
static int
copy_secret(sqlite3 *db, PGconn *c)
{
	sqlite3_stmt	*st;
	char		 hex[80] = "";

	if (sqlite3_prepare_v2(db, zs_sqlite_text(SQL_SECRET_GET), -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    col(st, 0) != NULL)
		snprintf(hex, sizeof(hex), "%s", col(st, 0));
	sqlite3_finalize(st);
	if (hex[0] == '\0') {
		fprintf(stderr, "zapstream: copy-to-postgres: %s has no "
		    "installation secret\n", sqlite3_db_filename(db, "main"));
		return -1;
	}
	return exec(c, zs_pg_text(SQL_COPY_SECRET_PUT), 1,
	    (const char *[]){ hex }, -1, 0, NULL);
}

/* Everything, inside the open PostgreSQL transaction; 0 or -1. */
static int
copy_all(sqlite3 *db, PGconn *c, const char *before, struct tally *t)
{
	sqlite3_stmt	*st;
	char		 last[64] = "";

	if (copy_rows(db, c, SQL_COPY_EVENTS, SQL_COPY_EVENT_PUT, COPY_COLS,
	    -1, &t->events, t) == -1 ||
	    copy_rows(db, c, SQL_COPY_IDEM, SQL_COPY_IDEM_PUT, 6, 2,
	    &t->keys, t) == -1 ||
	    copy_rows(db, c, SQL_COPY_TOKENS, SQL_COPY_TOKEN_PUT, 4, -1,
	    &t->tokens, t) == -1 || copy_secret(db, c) == -1)
		return -1;
	/* New ids must sort after the copied ones. */
	if (sqlite3_prepare_v2(db, zs_sqlite_text(SQL_ULID_GET), -1,
	    &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    col(st, 0) != NULL)
		snprintf(last, sizeof(last), "%s", col(st, 0));
	sqlite3_finalize(st);
	if (exec(c, zs_pg_text(SQL_COPY_ULID_PUT), 1,
	    (const char *[]){ last }, -1, 0, NULL) == -1)
		return -1;
	/* Change seqs go on from SQLite's, so a browser that reconnects with
	 * a Last-Event-ID of the SQLite days replays what came since. */
	snprintf(last, sizeof(last), "0");
	if (sqlite3_prepare_v2(db, zs_sqlite_text(SQL_COPY_LAST_SEQ), -1,
	    &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && col(st, 0) != NULL)
		snprintf(last, sizeof(last), "%s", col(st, 0));
	sqlite3_finalize(st);
	if (exec(c, zs_pg_text(SQL_COPY_SEQ_PUT), 1,
	    (const char *[]){ last }, -1, 0, NULL) == -1)
		return -1;
	/* The copy is not news for the live streams. */
	return exec(c, zs_pg_text(SQL_COPY_CHANGES_DROP), 1,
	    (const char *[]){ before }, -1, 0, NULL);
}

/* Opens DATABASE_PATH read-only and checks it is a ZapStream inbox. */
static sqlite3 *
open_sqlite(const struct zs_config *cfg)
{
	sqlite3		*db = NULL;
	int		 v = -1;

	if (sqlite3_open_v2(cfg->db_path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK)
		v = zs_sqlite_user_version(db);
	if (v != ZS_SQLITE_SCHEMA_VERSION) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s is not a "
		    "ZapStream SQLite database at schema version %d (run "
		    "make db-init with STORAGE_BACKEND=sqlite first)\n",
		    cfg->db_path, ZS_SQLITE_SCHEMA_VERSION);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, (int)cfg->busy_timeout_ms);
	return db;
}

int
zs_copy_inbox(const struct zs_config *cfg)
{
	char		 label[ZS_CONFIG_URL_MAX + 1], before[24] = "0";
	struct tally	 t = { 0, 0, 0, 0, 0 };
	sqlite3		*db;
	PGconn		*c;
	PGresult	*r;
	int		 rc = -1;

	if (cfg->backend != ZS_BACKEND_POSTGRES) {
		fprintf(stderr, "zapstream: copy-to-postgres needs "
		    "STORAGE_BACKEND=postgres and DATABASE_URL (the copy's "
		    "destination) besides DATABASE_PATH (its source)\n");
		return -1;
	}
	if ((db = open_sqlite(cfg)) == NULL)
		return -1;
	if ((c = zs_pg_connect(cfg, "copy-to-postgres", ZS_PG_ADMIN)) == NULL) {
		sqlite3_close(db);
		return -1;
	}
	/* One snapshot of SQLite, one transaction in PostgreSQL, with the
	 * writers' lock: all or nothing, in order. */
	r = PQexec(c, zs_pg_text(SQL_COPY_BEGIN));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		snprintf(before, sizeof(before), "%s", PQgetvalue(r, 0, 0));
		rc = 0;
	} else
		fprintf(stderr, "zapstream: copy-to-postgres: %s (run make "
		    "db-init with STORAGE_BACKEND=postgres first)\n",
		    PQresultErrorMessage(r));
	PQclear(r);
	if (rc == 0 && sqlite3_exec(db, zs_sqlite_text(SQL_BEGIN_READ), NULL,
	    NULL, NULL) != SQLITE_OK)
		rc = -1;
	if (rc == 0)
		rc = copy_all(db, c, before, &t);
	if (rc == 0)
		rc = exec(c, zs_pg_text(SQL_COMMIT), 0, NULL, -1, 0, NULL);
	else
		PQclear(PQexec(c, zs_pg_text(SQL_ROLLBACK)));
	sqlite3_exec(db, zs_sqlite_text(SQL_ROLLBACK), NULL, NULL, NULL);
	if (rc == 0)
		printf("copied %ld events (%ld were there already, %ld "
		    "acknowledgements carried over), %ld idempotency keys, %ld "
		    "webhook tokens from %s to %s\n", t.events, t.present,
		    t.acks, t.keys, t.tokens, cfg->db_path,
		    zs_config_db_label(cfg, label, sizeof(label)));
	PQfinish(c);
	sqlite3_close(db);
	return rc;
}
