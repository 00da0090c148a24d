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
static struct zs_pg_retry retry; /* when to connect again */

enum zs_store_rc
zs_pg_rate_take(const struct zs_config *cfg, const char *key, long cap,
    int64_t now_ms, double *tokens, int *allowed)
{
	const char	*sql = zs_pg_text(SQL_RATE_TAKE);
	char		 capv[24], nowv[24], line[256];
	const char	*v[3] = { key, capv, nowv };
	PGresult	*r;
	int		 ok;

	if (conn != NULL && zs_pg_gone(conn)) {
		zs_log("postgres: the rate limiter's connection was lost (%s); "
		    "reconnecting", zs_pg_first_line(PQerrorMessage(conn),
		    line, sizeof(line)));
		PQfinish(conn);
		conn = NULL;
		zs_pg_retry_lost(&retry);
	}
	if (conn == NULL) {
		if (!zs_pg_retry_due(&retry))
			return ZS_STORE_UNAVAILABLE;
		if ((conn = zs_pg_connect(cfg, "the rate limiter",
		    ZS_PG_SERVE)) == NULL) {
			zs_pg_retry_failed(&retry);
			return ZS_STORE_UNAVAILABLE;
		}
		zs_pg_retry_ok(&retry);
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
