/*
 * The PostgreSQL driver's rate-limit buckets (zs_store_rate_take): rows of
 * rate_buckets (sql/postgres/002_rate_limits.sql), so every node of a
 * cluster takes from the same bucket. One call per request, on a
 * connection of this process's own (the store's connection may be inside
 * a transaction on another thread); boundary/zs_ratelimit.c serialises
 * callers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/zs_pg.h"
#include "util/zs_log.h"
#include "util/zs_time.h"

static PGconn	*conn;		/* NULL until opened, or after a failure */
static int64_t	 next_try;	/* no reconnect (nor log line) before */

enum zs_store_rc
zs_pg_rate_take(const struct zs_config *cfg, const char *key, long cap,
    int64_t now_ms, double *tokens, int *allowed)
{
	const char	*sql = zs_pg_text(SQL_RATE_TAKE);
	char		 capv[24], nowv[24], line[256];
	const char	*v[3] = { key, capv, nowv };
	PGresult	*r;
	int		 ok;

	if (conn != NULL && PQstatus(conn) != CONNECTION_OK) {
		PQfinish(conn);
		conn = NULL;
	}
	if (conn == NULL) {
		if (zs_time_now_ms() < next_try)
			return ZS_STORE_UNAVAILABLE;
		next_try = zs_time_now_ms() + 1000;
		if ((conn = zs_pg_connect(cfg, "the rate limiter")) == NULL)
			return ZS_STORE_UNAVAILABLE;
	}
	snprintf(capv, sizeof(capv), "%ld", cap);
	snprintf(nowv, sizeof(nowv), "%lld", (long long)now_ms);
	r = PQexecParams(conn, sql, 3, NULL, v, NULL, NULL, 0);
	ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok) {
		*tokens = strtod(PQgetvalue(r, 0, 0), NULL);
		*allowed = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	} else
		zs_log("postgres: %s in: %s", zs_pg_first_line(
		    PQresultErrorMessage(r), line, sizeof(line)), sql);
	PQclear(r);
	return ok ? ZS_STORE_OK : ZS_STORE_ERROR;
}
