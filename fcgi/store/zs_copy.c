/*
 * zs_copy: zs-admin copy-to-postgres. See zs_copy.h.
 *
 * Events are inserted in SQLite's seq order, so they get PostgreSQL seqs
 * in the same order (the numbers differ, so a paging cursor of the SQLite
 * days does not carry over; change seqs continue after SQLite's, so a
 * stream's Last-Event-ID of the SQLite days replays what came since).
 * The triggers count each copied event in its state; the change rows they
 * write are removed before COMMIT, so open streams do not see a copied
 * inbox as new events.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/zs_copy.h"
#include "store/postgres/zs_pg.h"

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

/* Copies the events, in seq order; 0 or -1. */
static int
copy_events(sqlite3 *db, PGconn *c, struct tally *t)
{
	static const char ins[] =
	    "INSERT INTO events (id, tenant, created_at, source, type, topic, "
	    "payload, acked_at, delivery_count, lease_id, visible_at, dead_at) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
	    "ON CONFLICT (id) DO NOTHING";
	static const char ack[] =
	    "UPDATE events SET acked_at = $2, dead_at = NULL "
	    "WHERE id = $1 AND acked_at IS NULL";
	sqlite3_stmt	*st;
	const char	*v[COPY_COLS];
	long		 n;
	int		 i, step, rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, tenant, created_at, source, "
	    "type, topic, payload, acked_at, delivery_count, lease_id, "
	    "visible_at, dead_at FROM events ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s\n",
		    sqlite3_errmsg(db));
		return -1;
	}
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < COPY_COLS; i++)
			v[i] = col(st, i);
		if ((rc = exec(c, ins, COPY_COLS, v, -1, 0, &n)) == -1)
			break;
		if (n == 1) {
			t->events++;
			continue;
		}
		t->present++;
		/* acknowledged in SQLite since the last run */
		if (v[7] != NULL && (rc = exec(c, ack, 2, (const char *[]){
		    v[0], v[7] }, -1, 0, &n)) == 0)
			t->acks += n;
	}
	if (rc == 0 && step != SQLITE_DONE) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s\n",
		    sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Copies each row of sel through ins (n columns; column bin binary). */
static int
copy_rows(sqlite3 *db, PGconn *c, const char *sel, const char *ins, int n,
    int bin, long *copied)
{
	sqlite3_stmt	*st;
	const char	*v[COPY_COLS];
	long		 k;
	int		 i, step, rc = 0, binlen = 0;

	if (sqlite3_prepare_v2(db, sel, -1, &st, NULL) != SQLITE_OK) {
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
		if ((rc = exec(c, ins, n, v, bin, binlen, &k)) == 0)
			*copied += k;
	}
	if (rc == 0 && step != SQLITE_DONE) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s\n",
		    sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Everything, inside the open PostgreSQL transaction; 0 or -1. */
static int
copy_all(sqlite3 *db, PGconn *c, const char *before, struct tally *t)
{
	sqlite3_stmt	*st;
	char		 last[64] = "";

	if (copy_events(db, c, t) == -1 ||
	    copy_rows(db, c, "SELECT tenant, key, body_hash, event_id, "
	    "created_at, expires_at FROM idempotency_keys",
	    "INSERT INTO idempotency_keys (tenant, key, body_hash, event_id, "
	    "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) "
	    "ON CONFLICT DO NOTHING", 6, 2, &t->keys) == -1 ||
	    copy_rows(db, c, "SELECT token, tenant, name, created_at "
	    "FROM webhook_tokens", "INSERT INTO webhook_tokens (token, tenant, "
	    "name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	    4, -1, &t->tokens) == -1)
		return -1;
	/* New ids must sort after the copied ones. */
	if (sqlite3_prepare_v2(db, "SELECT last FROM ulid_state", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    col(st, 0) != NULL)
		snprintf(last, sizeof(last), "%s", col(st, 0));
	sqlite3_finalize(st);
	if (exec(c, "UPDATE zs_state SET last_ulid = $1 WHERE one = 1 AND "
	    "$1 COLLATE \"C\" > last_ulid COLLATE \"C\"", 1,
	    (const char *[]){ last }, -1, 0, NULL) == -1)
		return -1;
	/* Change seqs go on from SQLite's, so a browser that reconnects with
	 * a Last-Event-ID of the SQLite days replays what came since. */
	snprintf(last, sizeof(last), "0");
	if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence WHERE "
	    "name = 'changes'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && col(st, 0) != NULL)
		snprintf(last, sizeof(last), "%s", col(st, 0));
	sqlite3_finalize(st);
	if (exec(c, "UPDATE zs_state SET change_seq = greatest(change_seq, "
	    "$1::bigint) WHERE one = 1", 1, (const char *[]){ last }, -1, 0,
	    NULL) == -1)
		return -1;
	/* The copy is not news for the live streams. */
	return exec(c, "DELETE FROM changes WHERE seq > $1", 1,
	    (const char *[]){ before }, -1, 0, NULL);
}

/* Opens DATABASE_PATH read-only and checks it is a ZapStream inbox. */
static sqlite3 *
open_sqlite(const struct zs_config *cfg)
{
	sqlite3_stmt	*st;
	sqlite3		*db = NULL;
	int		 v = -1;

	if (sqlite3_open_v2(cfg->db_path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (v != 3) {
		fprintf(stderr, "zapstream: copy-to-postgres: %s is not a "
		    "ZapStream SQLite database at schema version 3 (run "
		    "make db-init with STORAGE_BACKEND=sqlite first)\n",
		    cfg->db_path);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, (int)cfg->busy_timeout_ms);
	return db;
}

int
zs_copy_to_postgres(const struct zs_config *cfg)
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
	if ((c = zs_pg_connect(cfg, "copy-to-postgres")) == NULL) {
		sqlite3_close(db);
		return -1;
	}
	/* One snapshot of SQLite, one transaction in PostgreSQL, with the
	 * writers' lock: all or nothing, in order. */
	r = PQexec(c, "BEGIN; SELECT change_seq FROM zs_state WHERE one = 1 "
	    "FOR UPDATE");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		snprintf(before, sizeof(before), "%s", PQgetvalue(r, 0, 0));
		rc = 0;
	} else
		fprintf(stderr, "zapstream: copy-to-postgres: %s (run make "
		    "db-init with STORAGE_BACKEND=postgres first)\n",
		    PQresultErrorMessage(r));
	PQclear(r);
	if (rc == 0 && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = -1;
	if (rc == 0)
		rc = copy_all(db, c, before, &t);
	if (rc == 0)
		rc = exec(c, "COMMIT", 0, NULL, -1, 0, NULL);
	else
		PQclear(PQexec(c, "ROLLBACK"));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
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
