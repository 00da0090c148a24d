/*
 * zs_pg: the PostgreSQL driver's inside, shared by its files and by
 * nothing else (the store reaches it through zs_pg_driver, zs_db.h).
 * zs_pg_conn.c owns the process's one connection and runs the statements
 * of zs_sql.h, prepared on first use, once per connection;
 * zs_pg_listen.c waits for changes (LISTEN/NOTIFY), zs_pg_migrate.c
 * applies sql/postgres/, zs_pg_ratelimit.c keeps the rate-limit buckets
 * and zs_pg_sql.c holds the statements PostgreSQL writes its own way.
 * Every value is sent as a bound parameter.
 */
#ifndef ZS_PG_H
#define ZS_PG_H

#include <libpq-fe.h>

#include "parse/zs_config.h"
#include "store/zs_db.h"

/* The schema version this build reads and writes (sql/postgres/NNN_). */
#define ZS_PG_SCHEMA_VERSION 6

/* Parameters of the largest statement (a search: 28); a bind past it is
 * dropped, and PostgreSQL then refuses the statement. */
#define ZS_PG_PARAMS_MAX 32

/* PostgreSQL's texts, by zs_sql (NULL: zs_sql_common's); in either,
 * ?N is made $N. */
extern const char *const zs_pg_sql[SQL__MAX];

/* The text PostgreSQL runs for s ($N placeholders), or NULL. */
const char	*zs_pg_text(enum zs_sql s);
/* The settings the store was opened with (NULL before). */
const struct zs_config *zs_pg_cfg(void);
/* Who a connection is for: a responder's (every session timeout) or
 * zs-admin's (migrations and copies may rightly run long). */
enum zs_pg_use {
	ZS_PG_SERVE = 0,	/* statement and idle-in-transaction timeouts */
	ZS_PG_ADMIN,		/* neither (one transaction may copy
				   an inbox) */
	ZS_PG__MAX
};

/*
 * Connects to cfg's database (DATABASE_URL, else libpq's PG* variables)
 * without blocking past a deadline (ZS_PG_CONNECT_MS, or the URL's own
 * connect_timeout), with TCP keepalives unless the URL sets them, and
 * applies the per-session settings of use; NULL after one log line that
 * names the server but never the password.
 */
PGconn		*zs_pg_connect(const struct zs_config *cfg, const char *who,
		    enum zs_pg_use use);
/*
 * 1 when c is gone: NULL, bad, or idle with the server's goodbye (a
 * FATAL at shutdown or pg_terminate_backend, or EOF) waiting on its
 * socket, found without blocking. A connection inside a transaction or
 * a statement is not looked at (its next result will tell).
 */
int		 zs_pg_gone(PGconn *c);

/*
 * When to try a connection again. Every holder of a connection (the
 * store, the listener, the rate limiter) keeps one: the first try after
 * a loss is at once, later ones back off from ZS_PG_RETRY_FIRST_MS,
 * doubling up to ZS_PG_RETRY_MAX_MS, so a server that is down costs one
 * refused connect (and one log line) per process per second at most,
 * and one that is back is found within that second.
 */
struct zs_pg_retry {
	int64_t		 next_try;	/* no try before (ms, zs_time) */
	long		 wait_ms;	/* wait after the next failure */
	int		 down;		/* lost or failed since the last
					   connection that worked */
};

#define ZS_PG_CONNECT_MS	 1000	/* deadline of one connect */
#define ZS_PG_RETRY_FIRST_MS	 100
#define ZS_PG_RETRY_MAX_MS	 1000

/* 1 when a try may be made now. */
int		 zs_pg_retry_due(const struct zs_pg_retry *);
/* A connect that failed: counted, and the next one backs off. */
void		 zs_pg_retry_failed(struct zs_pg_retry *);
/* A connection found broken: counted; the next try is at once. */
void		 zs_pg_retry_lost(struct zs_pg_retry *);
/* A connect that worked: a reconnect (counted) if it follows a loss. */
void		 zs_pg_retry_ok(struct zs_pg_retry *);
/* The first line of libpq's message msg, in buf. */
const char	*zs_pg_first_line(const char *msg, char *buf, size_t size);

enum zs_store_rc zs_pg_wait_change(long poll_ms);
enum zs_store_rc zs_pg_migrate(const struct zs_config *, const char *,
		    int *, int *);
enum zs_store_rc zs_pg_rate_take(const struct zs_config *, const char *key,
		    long cap, int64_t now_ms, double *tokens, int *allowed);

#endif
