/*
 * zs_pg: the PostgreSQL store's inside, shared by its files and by nothing
 * else (responders include zs_store.h only; zs_store.c reaches these
 * through zs_pg_ops). zs_pg_conn.c owns the process's one connection and
 * the one table of statements, indexed by enum pgst and prepared once per
 * connection; zs_store_pg.c (events), zs_pg_lease.c (leases),
 * zs_pg_read.c (changes, stats, tokens, the wake-up) and zs_pg_migrate.c
 * use them. Every value is sent as a bound parameter.
 *
 * Every write transaction starts by locking the one row of zs_state
 * (zs_pg_begin), so writers queue in one order on every node and seqs are
 * handed out in commit order (sql/postgres/001_schema.sql).
 */
#ifndef ZS_PG_H
#define ZS_PG_H

#include <libpq-fe.h>

#include "parse/zs_config.h"
#include "store/zs_store.h"

enum pgst {
	PG_PING,
	PG_IDEM_GET,
	PG_IDEM_PUT,
	PG_ULID_PUT,
	PG_EVENT_INSERT,
	PG_EVENT_GET,
	PG_LIST_PENDING_ASC,
	PG_LIST_PENDING_DESC,
	PG_LIST_LEASED_ASC,
	PG_LIST_LEASED_DESC,
	PG_LIST_ACKED_ASC,
	PG_LIST_ACKED_DESC,
	PG_LIST_DEAD_ASC,
	PG_LIST_DEAD_DESC,
	PG_LIST_ALL_ASC,
	PG_LIST_ALL_DESC,
	PG_ACK_GET,
	PG_ACK_SET,
	PG_DELETE,
	PG_PURGE_EVENTS,
	PG_PURGE_IDEM,
	PG_PURGE_CHANGES,
	PG_DATA_VERSION,
	PG_LAST_CHANGE,
	PG_CHANGES_ALL,
	PG_CHANGES_TENANT,
	PG_STATS_TOTALS,
	PG_STATS_SOURCES,
	PG_STATS_MINUTES,
	PG_STATS_LEASED,
	PG_TOKENS_ALL,
	PG_TOKEN_ADD,
	PG_TOKEN_SET,
	PG_LEASE_PROBE,
	PG_LEASE_PICK,
	PG_LEASE_TAKE,
	PG_DEAD_LETTER,
	PG_NEXT_VISIBLE,
	PG_EXTEND,
	PG_RELEASE,
	PG_REDRIVE,
	PG__MAX
};

#define ZS_PG_PARAMS_MAX 8	/* parameters of the largest statement */

/* The parameters of one statement, in order ($1, $2, ...). */
struct zs_pg_params {
	int		 n;				/* used */
	const char	*v[ZS_PG_PARAMS_MAX];		/* NULL: SQL NULL */
	int		 len[ZS_PG_PARAMS_MAX];		/* bytes, binary */
	int		 fmt[ZS_PG_PARAMS_MAX];		/* 1: binary */
	char		 num[ZS_PG_PARAMS_MAX][24];	/* integers' text */
};

/* The zs_store.h calls, as zs_pg_ops provides them. */
enum zs_store_rc zs_pg_open(const struct zs_config *);
void		 zs_pg_close(void);
enum zs_store_rc zs_pg_ping(void);
enum zs_store_rc zs_pg_insert_batch(const struct zs_new_event *const *,
		    struct zs_inserted *, enum zs_store_rc *, size_t);
enum zs_store_rc zs_pg_list(const char *, const struct zs_list_params *,
		    zs_event_fn, void *, int *, int64_t *);
enum zs_store_rc zs_pg_get(const char *, const char *, zs_event_fn, void *);
enum zs_store_rc zs_pg_ack(const char *, const char *, const char *,
		    int64_t *, int *);
enum zs_store_rc zs_pg_ack_batch(const char *, const char *const *, size_t,
		    int *);
enum zs_store_rc zs_pg_delete(const char *, const char *);
enum zs_store_rc zs_pg_purge(int64_t, long, long *);
enum zs_store_rc zs_pg_data_version(int64_t *);
enum zs_store_rc zs_pg_wait_change(long);
enum zs_store_rc zs_pg_last_change(int64_t *);
enum zs_store_rc zs_pg_changes(const char *, int64_t, int64_t, long,
		    zs_change_fn, void *, long *);
enum zs_store_rc zs_pg_stats(const char *, int64_t, struct zs_stats *);
enum zs_store_rc zs_pg_tokens(zs_token_fn, void *);
enum zs_store_rc zs_pg_token_put(const char *, const char *, const char *,
		    int);
enum zs_store_rc zs_pg_migrate(const struct zs_config *, const char *,
		    int *, int *);
enum zs_store_rc zs_pg_lease(const char *, const struct zs_lease_params *,
		    zs_event_fn, void *, long *, int64_t *);
enum zs_store_rc zs_pg_extend(const char *, const char *, const char *, long,
		    int64_t *);
enum zs_store_rc zs_pg_release(const char *, const char *, const char *,
		    long, int64_t *);
enum zs_store_rc zs_pg_redrive(const char *, const char *);

/* The schema version this build reads and writes (sql/postgres/NNN_). */
#define ZS_PG_SCHEMA_VERSION 2

/* The settings the store was opened with (NULL before). */
const struct zs_config *zs_pg_cfg(void);
/*
 * Connects to cfg's database (DATABASE_URL, else libpq's PG* variables)
 * and applies the per-session settings; NULL after one log line that
 * names the server but never the password.
 */
PGconn		*zs_pg_connect(const struct zs_config *cfg, const char *who);
/* Opens the store again if a past failure closed it. */
enum zs_store_rc zs_pg_ensure_open(void);

/* Parameter builders: each appends $n+1. */
void		 zs_pg_p_init(struct zs_pg_params *);
void		 zs_pg_p_str(struct zs_pg_params *, const char *);
void		 zs_pg_p_text(struct zs_pg_params *, const char *, size_t);
void		 zs_pg_p_int(struct zs_pg_params *, int64_t);
void		 zs_pg_p_bin(struct zs_pg_params *, const void *, size_t);

/*
 * Runs statement s with p. On success *res (when res is not NULL) is the
 * result, which the caller clears with PQclear; on failure nothing is
 * left to clear, the failure is logged with the statement, and a lost
 * connection is closed (the next call reconnects).
 */
enum zs_store_rc zs_pg_exec(enum pgst s, const struct zs_pg_params *p,
		    PGresult **res);
/* Runs s and sets *changed (if not NULL) to the rows it changed. */
enum zs_store_rc zs_pg_run(enum pgst s, const struct zs_pg_params *p,
		    long *changed);
/* BEGIN, then lock zs_state (the writers' queue); *last_ulid (if not
 * NULL) receives the last event id's ULID. */
enum zs_store_rc zs_pg_begin(char *last_ulid, size_t size);
enum zs_store_rc zs_pg_commit(void);
/* Ends a failed (or read) transaction; returns rc. */
enum zs_store_rc zs_pg_rollback(enum zs_store_rc rc);
/* A plain command without parameters (BEGIN, COMMIT...); logged. */
enum zs_store_rc zs_pg_command(const char *sql);

/* Integer at (row, col), or null when it is NULL. */
int64_t		 zs_pg_int(const PGresult *, int row, int col, int64_t null);
/* Text at (row, col), or NULL when it is NULL. */
const char	*zs_pg_text(const PGresult *, int row, int col);
/* Reads row of an EVENT_COLS result; now_ms decides whether a lease is
 * live. The strings point into res. */
void		 zs_pg_read_event(const PGresult *, int row, int64_t now_ms,
		    struct zs_event *);

#endif
