/*
 * seed: fills a ZapStream database (already created by zs-admin migrate)
 * with N events of one tenant for the scale figures of bench/run, fast
 * and through the schema's own triggers, so source_counts and changes
 * stay consistent exactly as if the events had been posted and acked:
 *
 *   - created_at spread evenly over the SPAN_DAYS days before now (the
 *     newest a minute ago), ids "evt_" + ULID made from created_at, so
 *     they increase with seq as ZapStream's do; ulid_state is left at
 *     the last one;
 *   - 8 sources, 6 types, 4 topics; a ~200-byte payload that varies;
 *   - every second event acknowledged 30 s after it was created, with
 *     the UPDATE ZapStream runs (its trigger moves the count and appends
 *     an "acknowledged" change);
 *   - the ids of the pending half are written, shuffled, one a line, to
 *     IDS_OUT (for bench/ack.lua).
 *
 *   seed DB_PATH N SPAN_DAYS IDS_OUT
 *
 * One transaction with no journal and synchronous=OFF (a benchmark
 * fixture, not data), then back to WAL mode as zs-admin migrate left it.
 *
 *   cc -O2 -o seed bench/seed.c -lsqlite3
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char *const sources[] = { "billing", "shop", "crm", "github",
    "stripe", "forms", "calendar", "support" };
static const char *const types[] = { "invoice.paid", "order.created",
    "contact.updated", "push", "charge.succeeded", "form.submitted" };
static const char *const topics[] = { "finance", "orders", "sales", "dev" };

static sqlite3	*db;
static uint64_t	 rng = 0x9e3779b97f4a7c15ULL;

static void
die(const char *what)
{
	fprintf(stderr, "seed: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	exit(1);
}

/* xorshift64*: fixture randomness, reproducible. */
static uint64_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static void
ulid(uint64_t ms, uint16_t hi, uint64_t lo, char out[31])
{
	int	 i;

	memcpy(out, "evt_", 4);
	for (i = 9; i >= 0; i--) {
		out[4 + i] = crockford[ms & 31];
		ms >>= 5;
	}
	for (i = 25; i >= 10; i--) {
		out[4 + i] = crockford[lo & 31];
		lo = lo >> 5 | (uint64_t)(hi & 31) << 59;
		hi >>= 5;
	}
	out[30] = '\0';
}

static void
exec(const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "seed: %s: %s\n", sql, msg ? msg : "?");
		exit(1);
	}
}

static sqlite3_stmt *
prep(const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(sql);
	return st;
}

static void
step(sqlite3_stmt *st, const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
main(int argc, char *argv[])
{
	sqlite3_stmt	*ins, *ack, *ust;
	struct timespec	 ts;
	char		 id[31], payload[400], (*pending)[31];
	int64_t		 now, first, ms, prev_ms = -1;
	uint64_t	 lo = 0;
	uint16_t	 hi = 0;
	long		 n, i, npending = 0, j;
	double		 span;
	FILE		*f;
	int		 plen;

	if (argc != 5) {
		fprintf(stderr, "usage: seed DB_PATH N SPAN_DAYS IDS_OUT\n");
		return 2;
	}
	n = atol(argv[2]);
	span = atof(argv[3]) * 86400000.0;
	if (n < 2 || span <= 0) {
		fprintf(stderr, "seed: bad N or SPAN_DAYS\n");
		return 2;
	}
	if ((pending = malloc((size_t)(n / 2 + 1) * sizeof(*pending))) == NULL)
		die("out of memory");
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	first = now - 60000 - (int64_t)span;

	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		die("open");
	/* A fixture: no journal, no syncs; back to WAL at the end. */
	exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
	    "PRAGMA cache_size = -1048576");
	ins = prep("INSERT INTO events (id, tenant, created_at, source, type, "
	    "topic, payload) VALUES (?1, 'tenant_dev', ?2, ?3, ?4, ?5, ?6)");
	ack = prep("UPDATE events SET acked_at = ?2 WHERE seq = ?1");
	ust = prep("UPDATE ulid_state SET last = ?1 WHERE only = 1");

	exec("BEGIN");
	for (i = 0; i < n; i++) {
		ms = first + (int64_t)((double)i * span / (double)n);
		if (ms <= prev_ms) {		/* monotonic within one ms */
			if (++lo == 0)
				hi++;
		} else {
			uint64_t r = rnd();
			hi = (uint16_t)(r & 0x7fff);
			lo = rnd();
			prev_ms = ms;
		}
		ulid((uint64_t)ms, hi, lo, id);
		plen = snprintf(payload, sizeof(payload),
		    "{\"order_id\":\"ord_%010ld\",\"customer\":\"cus_%06llu\","
		    "\"amount_cents\":%llu,\"currency\":\"EUR\",\"items\":%llu,"
		    "\"shipping\":{\"country\":\"DE\",\"zip\":\"%05llu\"},"
		    "\"note\":\"seeded event %ld for the scale benchmark\"}",
		    i, (unsigned long long)(rnd() % 1000000),
		    (unsigned long long)(rnd() % 100000),
		    (unsigned long long)(1 + rnd() % 9),
		    (unsigned long long)(rnd() % 100000), i);
		sqlite3_bind_text(ins, 1, id, 30, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, ms);
		sqlite3_bind_text(ins, 3, sources[rnd() % 8], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, types[rnd() % 6], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, topics[rnd() % 4], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, payload, plen, SQLITE_STATIC);
		step(ins, "INSERT INTO events");
		if (i % 2 == 1) {
			sqlite3_bind_int64(ack, 1,
			    sqlite3_last_insert_rowid(db));
			sqlite3_bind_int64(ack, 2, ms + 30000 < now ?
			    ms + 30000 : now);
			step(ack, "UPDATE events (ack)");
		} else
			memcpy(pending[npending++], id, 31);
	}
	sqlite3_bind_text(ust, 1, id + 4, 26, SQLITE_STATIC);
	step(ust, "UPDATE ulid_state");
	exec("COMMIT");
	sqlite3_finalize(ins);
	sqlite3_finalize(ack);
	sqlite3_finalize(ust);
	exec("PRAGMA journal_mode = WAL");
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");

	/* Fisher-Yates, so acks land all over the table. */
	for (i = npending - 1; i > 0; i--) {
		j = (long)(rnd() % (uint64_t)(i + 1));
		memcpy(id, pending[i], 31);
		memcpy(pending[i], pending[j], 31);
		memcpy(pending[j], id, 31);
	}
	if ((f = fopen(argv[4], "w")) == NULL)
		die("cannot write the ids file");
	for (i = 0; i < npending; i++)
		fprintf(f, "%s\n", pending[i]);
	if (fclose(f) != 0)
		die("cannot write the ids file");
	free(pending);
	printf("seeded %ld events (%ld pending) over %.1f days\n", n, npending,
	    span / 86400000.0);
	return 0;
}
