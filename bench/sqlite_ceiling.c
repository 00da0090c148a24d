/*
 * sqlite_ceiling: ceiling (b) of bench/run, the storage ceiling. Creates a
 * fresh database from sql/schema.sql (to which bench/run appends the files
 * of sql/migrations, in the order zs-admin migrate applies them: the same
 * tables, triggers and indexes), in WAL mode with the per-connection
 * pragmas of zs_sqlite_sql.c (SQL_SESSION), and, from one thread, stores
 * events the way ZapStream does for POST /events:
 *
 *   BEGIN IMMEDIATE
 *     per event: SELECT last FROM ulid_state; next ULID;
 *                UPDATE ulid_state; INSERT INTO events (the triggers then
 *                update source_counts and append to changes)
 *   COMMIT
 *
 * with the same row ZapStream stores for bench/post_event.lua's request
 * (source, type, topic and the minified payload object), for SECONDS
 * seconds, EVENTS_PER_TX events per transaction (1: one commit per event;
 * 64: what group commit does under load).
 *
 *   sqlite_ceiling SCHEMA_SQL DB_PATH FULL|NORMAL EVENTS_PER_TX SECONDS
 *
 * Prints one line: sync=... per_tx=... events=... seconds=...
 * events_per_s=... tx_per_s=...
 *
 * Not included (ZapStream does them, they are cheap): the flock taken
 * before BEGIN IMMEDIATE, and clock reads per batch.
 *
 *   cc -O2 -o sqlite_ceiling bench/sqlite_ceiling.c -lsqlite3
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

/* The payload object of bench/post_event.lua, as ZapStream stores it. */
static const char payload[] =
    "{\"order_id\":\"ord_0001234567\",\"customer\":\"cus_bench_000042\","
    "\"amount_cents\":12999,\"currency\":\"EUR\",\"items\":3,"
    "\"note\":\"wrk benchmark event\"}";

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

struct ulid {
	uint64_t	 ms;
	uint16_t	 hi;
	uint64_t	 lo;
};

static sqlite3	*db;

static void
die(const char *what)
{
	fprintf(stderr, "sqlite_ceiling: %s: %s\n", what,
	    db ? sqlite3_errmsg(db) : "?");
	exit(1);
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cval(char c)
{
	const char *p = c ? strchr(crockford, c) : NULL;

	return p ? (int)(p - crockford) : -1;
}

static int
decode(const char *s, struct ulid *u)
{
	int	 i, v;

	if (s == NULL || strlen(s) != 26)
		return -1;
	u->ms = 0;
	u->hi = 0;
	u->lo = 0;
	for (i = 0; i < 10; i++) {
		if ((v = cval(s[i])) < 0)
			return -1;
		u->ms = u->ms << 5 | (uint64_t)v;
	}
	for (i = 10; i < 26; i++) {
		if ((v = cval(s[i])) < 0)
			return -1;
		u->hi = (uint16_t)(u->hi << 5 | u->lo >> 59);
		u->lo = u->lo << 5 | (uint64_t)v;
	}
	return 0;
}

static void
encode(const struct ulid *u, char buf[27])
{
	uint64_t	 t = u->ms, hi = u->hi, lo = u->lo;
	int		 i;

	for (i = 9; i >= 0; i--) {
		buf[i] = crockford[t & 31];
		t >>= 5;
	}
	for (i = 25; i >= 10; i--) {
		buf[i] = crockford[lo & 31];
		lo = lo >> 5 | (hi & 31) << 59;
		hi >>= 5;
	}
	buf[26] = '\0';
}

/* The next ULID after prev (or none), as zs_ulid_next makes it. */
static void
next_ulid(const struct ulid *prev, int have_prev, uint64_t ms, struct ulid *o)
{
	unsigned char	 r[10];
	int		 i;

	if (have_prev && ms <= prev->ms) {
		*o = *prev;
		if (++o->lo == 0 && ++o->hi == 0)
			o->ms++;
		return;
	}
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		die("getrandom");
	o->ms = ms;
	o->hi = (uint16_t)((r[0] << 8 | r[1]) & 0x7fff);
	o->lo = 0;
	for (i = 2; i < 10; i++)
		o->lo = o->lo << 8 | r[i];
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*s;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (s = malloc((size_t)n + 1)) == NULL ||
	    fread(s, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "sqlite_ceiling: cannot read %s\n", path);
		exit(1);
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

static sqlite3_stmt *
prep(const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void
step_done(sqlite3_stmt *st, const char *what)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		die(what);
}

int
main(int argc, char *argv[])
{
	sqlite3_stmt	*begin, *commit, *uget, *uput, *ins;
	struct ulid	 prev, next;
	char		 pragmas[256], id[31], *schema, *msg = NULL;
	const char	*last;
	double		 t0, t1, secs;
	long		 per_tx, events = 0, txs = 0, i;
	int		 have_prev;
	int64_t		 now;

	if (argc != 6) {
		fprintf(stderr, "usage: sqlite_ceiling SCHEMA_SQL DB_PATH "
		    "FULL|NORMAL EVENTS_PER_TX SECONDS\n");
		return 2;
	}
	if (strcmp(argv[3], "FULL") != 0 && strcmp(argv[3], "NORMAL") != 0) {
		fprintf(stderr, "sqlite_ceiling: synchronous must be FULL or "
		    "NORMAL\n");
		return 2;
	}
	per_tx = atol(argv[4]);
	secs = atof(argv[5]);
	if (per_tx < 1 || secs <= 0) {
		fprintf(stderr, "sqlite_ceiling: bad EVENTS_PER_TX or SECONDS\n");
		return 2;
	}
	schema = slurp(argv[1]);
	unlink(argv[2]);
	if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		die("open");
	sqlite3_busy_timeout(db, 5000);
	/* What zs-admin migrate and zs_sqlite_driver.c's zs_sqlite_connect do. */
	snprintf(pragmas, sizeof(pragmas), "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = %s; PRAGMA foreign_keys = OFF; "
	    "PRAGMA trusted_schema = OFF; "
	    "PRAGMA journal_size_limit = 16777216; "
	    "PRAGMA temp_store = MEMORY;", argv[3]);
	if (sqlite3_exec(db, pragmas, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "sqlite_ceiling: schema: %s\n", msg ? msg : "?");
		return 1;
	}
	free(schema);

	begin = prep("BEGIN IMMEDIATE");
	commit = prep("COMMIT");
	uget = prep("SELECT last FROM ulid_state WHERE only = 1");
	uput = prep("UPDATE ulid_state SET last = ?1 WHERE only = 1");
	ins = prep("INSERT INTO events (id, tenant, created_at, source, "
	    "type, topic, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");

	t0 = mono();
	do {
		step_done(begin, "BEGIN IMMEDIATE");
		now = now_ms();
		for (i = 0; i < per_tx; i++) {
			sqlite3_reset(uget);
			if (sqlite3_step(uget) != SQLITE_ROW)
				die("SELECT ulid_state");
			last = (const char *)sqlite3_column_text(uget, 0);
			have_prev = decode(last, &prev) == 0;
			sqlite3_reset(uget);
			next_ulid(&prev, have_prev, (uint64_t)now, &next);
			memcpy(id, "evt_", 4);
			encode(&next, id + 4);

			sqlite3_reset(uput);
			sqlite3_clear_bindings(uput);
			sqlite3_bind_text(uput, 1, id + 4, 26, SQLITE_STATIC);
			step_done(uput, "UPDATE ulid_state");

			sqlite3_reset(ins);
			sqlite3_clear_bindings(ins);
			sqlite3_bind_text(ins, 1, id, 30, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, "tenant_dev", -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(ins, 3, now);
			sqlite3_bind_text(ins, 4, "bench", -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 5, "order.created", -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(ins, 6, "orders", -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 7, payload,
			    (int)sizeof(payload) - 1, SQLITE_STATIC);
			step_done(ins, "INSERT INTO events");
		}
		step_done(commit, "COMMIT");
		events += per_tx;
		txs++;
		t1 = mono();
	} while (t1 - t0 < secs);

	printf("sync=%s per_tx=%ld events=%ld seconds=%.2f events_per_s=%.0f "
	    "tx_per_s=%.0f\n", argv[3], per_tx, events, t1 - t0,
	    (double)events / (t1 - t0), (double)txs / (t1 - t0));
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_finalize(uget);
	sqlite3_finalize(uput);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
