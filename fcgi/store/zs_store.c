/*
 * zs_store: opening the backend chosen by the settings (zs_db.h), the
 * store lock, and the calls of zs_store.h that only a driver can answer.
 * The operations themselves are zs_store_events.c, zs_store_lease.c and
 * zs_store_reads.c, written once over the driver.
 */
#include <pthread.h>

#include "store/zs_db.h"

const struct zs_driver *zs_db = &zs_sqlite_driver;

/* Serialises the threads of one process on its one connection. */
static pthread_mutex_t		 store_lock = PTHREAD_MUTEX_INITIALIZER;
/* The settings the store was opened with. */
static const struct zs_config	*store_cfg;

/* The driver the settings ask for. */
static const struct zs_driver *
driver(const struct zs_config *cfg)
{
	return cfg->backend == ZS_BACKEND_POSTGRES ? &zs_pg_driver :
	    &zs_sqlite_driver;
}

const struct zs_config *
zs_db_cfg(void)
{
	return store_cfg;
}

enum zs_store_rc
zs_db_ensure_open(void)
{
	if (zs_db->usable())
		return ZS_STORE_OK;
	if (store_cfg == NULL)
		return ZS_STORE_UNAVAILABLE;
	return zs_db->open(store_cfg);
}

void
zs_store_lock(void)
{
	pthread_mutex_lock(&store_lock);
}

void
zs_store_unlock(void)
{
	pthread_mutex_unlock(&store_lock);
}

enum zs_store_rc
zs_store_open(const struct zs_config *cfg)
{
	store_cfg = cfg;
	zs_db = driver(cfg);
	return zs_db->open(cfg);
}

void
zs_store_close(void)
{
	zs_db->close();
}

enum zs_store_rc
zs_store_ping(void)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	return zs_db_run(SQL_PING);
}

enum zs_store_rc
zs_store_wait_change(long poll_ms)
{
	return zs_db->wait_change(poll_ms);
}

enum zs_store_rc
zs_store_migrate(const struct zs_config *cfg, const char *dir, int *from,
    int *to)
{
	return driver(cfg)->migrate(cfg, dir, from, to);
}

enum zs_store_rc
zs_store_check(const struct zs_config *cfg, char *report, size_t size)
{
	if (size > 0)
		*report = '\0';
	return driver(cfg)->check(cfg, report, size);
}

int
zs_store_keeps_buckets(const struct zs_config *cfg)
{
	return driver(cfg)->rate_take != NULL;
}

enum zs_store_rc
zs_store_rate_take(const struct zs_config *cfg, const char *bucket,
    long cap, int64_t now_ms, double *tokens, int *allowed)
{
	const struct zs_driver	*d = driver(cfg);

	if (d->rate_take == NULL)
		return ZS_STORE_ERROR;
	return d->rate_take(cfg, bucket, cap, now_ms, tokens, allowed);
}
