/*
 * zs_ratelimit on PostgreSQL: the buckets are rows of rate_buckets
 * (sql/postgres/002_rate_limits.sql), so every node of a cluster takes
 * from the same bucket. One call of zs_rate_take per request, on a
 * connection of this process's own (the store's connection may be inside
 * a transaction on another thread); zs_ratelimit.c serialises callers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/zs_log.h"
#include "store/postgres/zs_pg.h"
#include "boundary/zs_ratelimit.h"
#include "util/zs_time.h"

static PGconn	*conn;		/* NULL until opened, or after a failure */
static int64_t	 next_try;	/* no reconnect (nor log line) before */

int
zs_pg_rate_take(const struct zs_config *cfg, const char *key, long cap,
    int64_t now_ms, double *tokens, int *allowed)
{
	static const char sql[] =
	    "SELECT tokens, allowed FROM zs_rate_take($1, $2, $3)";
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
			return -1;
		next_try = zs_time_now_ms() + 1000;
		if ((conn = zs_pg_connect(cfg, "the rate limiter")) == NULL)
			return -1;
	}
	snprintf(capv, sizeof(capv), "%ld", cap);
	snprintf(nowv, sizeof(nowv), "%lld", (long long)now_ms);
	r = PQexecParams(conn, sql, 3, NULL, v, NULL, NULL, 0);
	ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok) {
		*tokens = strtod(PQgetvalue(r, 0, 0), NULL);
		*allowed = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	} else {
		snprintf(line, sizeof(line), "%s", PQresultErrorMessage(r));
		line[strcspn(line, "\n")] = '\0';
		zs_log("postgres: %s in: %s", line, sql);
	}
	PQclear(r);
	return ok ? 0 : -1;
}
