/*
 * zs_store: opening the backend chosen by the settings (zs_db.h), the
 * store lock, and the calls of zs_store.h that only a driver can answer.
 * The operations themselves are zs_store_events.c, zs_store_lease.c and
 * zs_store_reads.c, written once over the driver.
 */
#include <pthread.h>

#include "store/zs_db.h"

/* Serialises the threads of one process on its one connection. */
static pthread_mutex_t		 store_lock = PTHREAD_MUTEX_INITIALIZER;

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
	zs_db_select(cfg);
	return zs_db_open(cfg);
}

enum zs_store_rc
zs_store_tenant_key(const char *tenant, struct zs_seal_key *out)
{
	enum zs_store_rc	 rc;

	if (zs_db_secret() == NULL && (rc = zs_db_ensure_open()) !=
	    ZS_STORE_OK)
		return rc;
	if (zs_db_secret() == NULL)
		return ZS_STORE_UNAVAILABLE;
	return zs_seal_key(zs_db_secret(), tenant, out) == 0 ? ZS_STORE_OK :
	    ZS_STORE_ERROR;
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
	return zs_db_driver(cfg)->migrate(cfg, dir, from, to);
}

enum zs_store_rc
zs_store_check(const struct zs_config *cfg, char *report, size_t size)
{
	if (size > 0)
		*report = '\0';
	return zs_db_driver(cfg)->check(cfg, report, size);
}

int
zs_store_keeps_buckets(const struct zs_config *cfg)
{
	return zs_db_driver(cfg)->rate_take != NULL;
}

enum zs_store_rc
zs_store_rate_take(const struct zs_config *cfg, const char *bucket,
    long cap, int64_t now_ms, double *tokens, int *allowed)
{
	const struct zs_driver	*d = zs_db_driver(cfg);

	if (d->rate_take == NULL)
		return ZS_STORE_ERROR;
	return d->rate_take(cfg, bucket, cap, now_ms, tokens, allowed);
}
