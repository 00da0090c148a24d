/*
 * zs_store: the calls of zs_store.h, forwarded to the backend chosen when
 * the store is opened (zs_store_ops.h): SQLite or PostgreSQL.
 */
#include <pthread.h>

#include "store/zs_store_ops.h"

/* Serialises the threads of one process on its one connection. */
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

/* The backend in use; SQLite until a store is opened. */
static const struct zs_store_ops *ops = &zs_sqlite_ops;

/* The backend the settings ask for. */
static const struct zs_store_ops *
backend(const struct zs_config *cfg)
{
	return cfg->backend == ZS_BACKEND_POSTGRES ? &zs_pg_ops :
	    &zs_sqlite_ops;
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
	ops = backend(cfg);
	return ops->open(cfg);
}

void
zs_store_close(void)
{
	ops->close();
}

enum zs_store_rc
zs_store_ping(void)
{
	return ops->ping();
}

enum zs_store_rc
zs_store_insert(const struct zs_new_event *ev, struct zs_inserted *out)
{
	enum zs_store_rc	 rc;

	ops->insert_batch(&ev, out, &rc, 1);
	return rc;
}

enum zs_store_rc
zs_store_insert_batch(const struct zs_new_event *const *evs,
    struct zs_inserted *outs, enum zs_store_rc *rcs, size_t n)
{
	return ops->insert_batch(evs, outs, rcs, n);
}

enum zs_store_rc
zs_store_list(const char *tenant, const struct zs_list_params *p,
    zs_event_fn fn, void *arg, int *more, int64_t *last_seq)
{
	return ops->list(tenant, p, fn, arg, more, last_seq);
}

enum zs_store_rc
zs_store_get(const char *tenant, const char *id, zs_event_fn fn, void *arg)
{
	return ops->get(tenant, id, fn, arg);
}

enum zs_store_rc
zs_store_ack(const char *tenant, const char *id, const char *lease_id,
    int64_t *acked_ms, int *lease_lost)
{
	return ops->ack(tenant, id, lease_id, acked_ms, lease_lost);
}

enum zs_store_rc
zs_store_ack_batch(const char *tenant, const char *const *ids, size_t n,
    int *found)
{
	return ops->ack_batch(tenant, ids, n, found);
}

enum zs_store_rc
zs_store_delete(const char *tenant, const char *id)
{
	return ops->delete(tenant, id);
}

enum zs_store_rc
zs_store_purge(int64_t now_ms, long limit, long *removed)
{
	return ops->purge(now_ms, limit, removed);
}

enum zs_store_rc
zs_store_data_version(int64_t *version)
{
	return ops->data_version(version);
}

enum zs_store_rc
zs_store_wait_change(long poll_ms)
{
	return ops->wait_change(poll_ms);
}

enum zs_store_rc
zs_store_last_change(int64_t *seq)
{
	return ops->last_change(seq);
}

enum zs_store_rc
zs_store_changes(const char *tenant, int64_t after, int64_t upto, long limit,
    zs_change_fn fn, void *arg, long *n)
{
	return ops->changes(tenant, after, upto, limit, fn, arg, n);
}

enum zs_store_rc
zs_store_stats(const char *tenant, int64_t now_ms, struct zs_stats *st)
{
	return ops->stats(tenant, now_ms, st);
}

enum zs_store_rc
zs_store_tokens(zs_token_fn fn, void *arg)
{
	return ops->tokens(fn, arg);
}

enum zs_store_rc
zs_store_token_put(const char *tenant, const char *name, const char *token,
    int replace)
{
	return ops->token_put(tenant, name, token, replace);
}

enum zs_store_rc
zs_store_migrate(const struct zs_config *cfg, const char *dir, int *from,
    int *to)
{
	return backend(cfg)->migrate(cfg, dir, from, to);
}

enum zs_store_rc
zs_store_lease(const char *tenant, const struct zs_lease_params *p,
    zs_event_fn fn, void *arg, long *n, int64_t *next_ms)
{
	return ops->lease(tenant, p, fn, arg, n, next_ms);
}

enum zs_store_rc
zs_store_extend(const char *tenant, const char *id, const char *lease_id,
    long visibility_s, int64_t *expires_ms)
{
	return ops->extend(tenant, id, lease_id, visibility_s, expires_ms);
}

enum zs_store_rc
zs_store_release(const char *tenant, const char *id, const char *lease_id,
    long delay_s, int64_t *visible_ms)
{
	return ops->release(tenant, id, lease_id, delay_s, visible_ms);
}

enum zs_store_rc
zs_store_redrive(const char *tenant, const char *id)
{
	return ops->redrive(tenant, id);
}
