/*
 * zs_store_ops: what a storage backend provides, one function per call of
 * zs_store.h with the same meaning. zs_store.c picks a backend when the
 * store is opened and forwards every call to it; responders never see
 * this table.
 */
#ifndef ZS_STORE_OPS_H
#define ZS_STORE_OPS_H

#include "store/zs_store.h"

struct zs_store_ops {
	const char	*name;
	enum zs_store_rc (*open)(const struct zs_config *);
	void		 (*close)(void);
	enum zs_store_rc (*ping)(void);
	enum zs_store_rc (*insert_batch)(const struct zs_new_event *const *,
			    struct zs_inserted *, enum zs_store_rc *, size_t);
	enum zs_store_rc (*list)(const char *, const struct zs_list_params *,
			    zs_event_fn, void *, int *, int64_t *);
	enum zs_store_rc (*get)(const char *, const char *, zs_event_fn,
			    void *);
	enum zs_store_rc (*ack)(const char *, const char *, const char *,
			    int64_t *, int *);
	enum zs_store_rc (*ack_batch)(const char *, const char *const *,
			    size_t, int *);
	enum zs_store_rc (*delete)(const char *, const char *);
	enum zs_store_rc (*purge)(int64_t, long, long *);
	enum zs_store_rc (*data_version)(int64_t *);
	enum zs_store_rc (*wait_change)(long);
	enum zs_store_rc (*last_change)(int64_t *);
	enum zs_store_rc (*changes)(const char *, int64_t, int64_t, long,
			    zs_change_fn, void *, long *);
	enum zs_store_rc (*stats)(const char *, int64_t, struct zs_stats *);
	enum zs_store_rc (*tokens)(zs_token_fn, void *);
	enum zs_store_rc (*token_put)(const char *, const char *,
			    const char *, int);
	enum zs_store_rc (*migrate)(const struct zs_config *, const char *,
			    int *, int *);
	enum zs_store_rc (*lease)(const char *,
			    const struct zs_lease_params *, zs_event_fn, void *,
			    long *, int64_t *);
	enum zs_store_rc (*extend)(const char *, const char *, const char *,
			    long, int64_t *);
	enum zs_store_rc (*release)(const char *, const char *, const char *,
			    long, int64_t *);
	enum zs_store_rc (*redrive)(const char *, const char *);
};

/* SQLite in WAL mode (zs_store_sqlite.c, zs_sqlite_lease.c). */
extern const struct zs_store_ops zs_sqlite_ops;
/* PostgreSQL through libpq (zs_store_pg.c, zs_pg_*.c). */
extern const struct zs_store_ops zs_pg_ops;

#endif
