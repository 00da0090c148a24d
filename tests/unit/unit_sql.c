/* zs-unit: the statement tables of both dialects. See zs_unit.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres/zs_pg.h"
#include "store/sqlite/zs_sqlite.h"
#include "zs_unit.h"

/* ---- sql ------------------------------------------------------------------ */

/* The largest $N of a PostgreSQL text; -1 when a ? placeholder is left. */
static int
pg_params(const char *sql)
{
	const char	*p;
	int		 n = 0;

	if (strchr(sql, '?') != NULL)
		return -1;
	for (p = sql; (p = strchr(p, '$')) != NULL; p++)
		if (atoi(p + 1) > n)
			n = atoi(p + 1);
	return n;
}

/* 1 for the statements of the search rows a driver writes itself. */
static int
search_row_sql(int i)
{
	return i >= SQL_SEARCH_BACKLOG && i <= SQL_SEARCH_RESET;
}

/*
 * Every statement the store prepares has a text in both dialects, the
 * same parameters in each, and PostgreSQL's use $N only; but those of
 * the search rows only in the dialects whose driver writes them.
 */
void
suite_sql(void)
{
	char		 name[32];
	const char	*lite, *pg;
	const char	*p;
	int		 i, n;

	for (i = 0; i < SQL__STORE_MAX; i++) {
		snprintf(name, sizeof(name), "statement %d", i);
		begins(name);
		lite = zs_sqlite_text((enum zs_sql)i);
		pg = zs_pg_text((enum zs_sql)i);
		if (search_row_sql(i)) {
			CHECK((lite != NULL) == zs_sqlite_driver.search_rows &&
			    (pg != NULL) == zs_pg_driver.search_rows,
			    "SQLite %s, PostgreSQL %s", qs(lite), qs(pg));
			continue;
		}
		CHECK(lite != NULL && pg != NULL, "SQLite %s, PostgreSQL %s",
		    qs(lite), qs(pg));
		if (lite == NULL || pg == NULL)
			continue;
		CHECK((n = pg_params(pg)) >= 0 && n <= ZS_PG_PARAMS_MAX,
		    "PostgreSQL text %s",
		    qs(pg));
		for (p = lite, n = 0; (p = strchr(p, '?')) != NULL; p++)
			if (atoi(p + 1) > n)
				n = atoi(p + 1);
		CHECK(n == pg_params(pg), "?%d in SQLite's "
		    "%s, $%d in PostgreSQL's %s", n, qs(lite), pg_params(pg),
		    qs(pg));
	}
}
