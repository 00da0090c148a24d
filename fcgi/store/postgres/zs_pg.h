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
#define ZS_PG_SCHEMA_VERSION 5

/* Parameters of the largest statement (a list: 15); a bind past it is
 * dropped, and PostgreSQL then refuses the statement. */
#define ZS_PG_PARAMS_MAX 16

/* PostgreSQL's texts, by zs_sql (NULL: zs_sql_common's, ?N made $N). */
extern const char *const zs_pg_sql[SQL__MAX];

/* The text PostgreSQL runs for s ($N placeholders), or NULL. */
const char	*zs_pg_text(enum zs_sql s);
/* The settings the store was opened with (NULL before). */
const struct zs_config *zs_pg_cfg(void);
/*
 * Connects to cfg's database (DATABASE_URL, else libpq's PG* variables)
 * and applies the per-session settings; NULL after one log line that
 * names the server but never the password.
 */
PGconn		*zs_pg_connect(const struct zs_config *cfg, const char *who);
/* The first line of libpq's message msg, in buf. */
const char	*zs_pg_first_line(const char *msg, char *buf, size_t size);

enum zs_store_rc zs_pg_wait_change(long poll_ms);
enum zs_store_rc zs_pg_migrate(const struct zs_config *, const char *,
		    int *, int *);
enum zs_store_rc zs_pg_rate_take(const struct zs_config *, const char *key,
		    long cap, int64_t now_ms, double *tokens, int *allowed);

#endif
