/*
 * zs_db: the helpers the store's operations share over the driver. See
 * zs_db.h.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_event.h"
#include "store/zs_db.h"
#include "parse/zs_text.h"
#include "util/zs_log.h"

const struct zs_driver *zs_db = &zs_sqlite_driver;

/* The settings the store was opened with. */
static const struct zs_config	*db_cfg;

/* The installation's secret, read once, when the store first opens. */
static struct {
	unsigned char	 k[ZS_SEAL_KEY_LEN];
	int		 loaded;
} secret;

const struct zs_driver *
zs_db_driver(const struct zs_config *cfg)
{
	return cfg->backend == ZS_BACKEND_POSTGRES ? &zs_pg_driver :
	    &zs_sqlite_driver;
}

void
zs_db_select(const struct zs_config *cfg)
{
	db_cfg = cfg;
	zs_db = zs_db_driver(cfg);
}

const struct zs_config *
zs_db_cfg(void)
{
	return db_cfg;
}

/* Reads the installation's secret (64 hex digits) on the open store. */
static enum zs_store_rc
load_secret(void)
{
	enum zs_store_rc	 rc;
	const char		*hex = NULL;
	size_t			 len = 0, i;
	int			 row, hi, lo, ok;

	zs_db->reset(SQL_SECRET_GET);
	if ((rc = zs_db->step(SQL_SECRET_GET, &row)) == ZS_STORE_OK && row)
		hex = zs_db->col_text(SQL_SECRET_GET, 0, &len);
	ok = hex != NULL && len == 2 * ZS_SEAL_KEY_LEN;
	for (i = 0; ok && i < ZS_SEAL_KEY_LEN; i++) {
		hi = zs_text_hex((unsigned char)hex[2 * i]);
		lo = zs_text_hex((unsigned char)hex[2 * i + 1]);
		if ((ok = hi >= 0 && lo >= 0))
			secret.k[i] = (unsigned char)(hi << 4 | lo);
	}
	zs_db->done(SQL_SECRET_GET);
	if (rc != ZS_STORE_OK)
		return rc;
	if (!ok) {
		zs_log("the installation's secret (table install_secret) is "
		    "missing or damaged: run make db-init");
		return ZS_STORE_UNAVAILABLE;
	}
	secret.loaded = 1;
	return ZS_STORE_OK;
}

enum zs_store_rc
zs_db_open(const struct zs_config *cfg)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db->open(cfg)) != ZS_STORE_OK || secret.loaded)
		return rc;
	if ((rc = load_secret()) != ZS_STORE_OK)
		zs_db->close();		/* never run without it */
	return rc;
}

const unsigned char *
zs_db_secret(void)
{
	return secret.loaded ? secret.k : NULL;
}

enum zs_store_rc
zs_db_ensure_open(void)
{
	if (zs_db->usable())
		return ZS_STORE_OK;
	if (db_cfg == NULL)
		return ZS_STORE_UNAVAILABLE;
	return zs_db_open(db_cfg);
}

void
zs_db_str(enum zs_sql s, int i, const char *str)
{
	zs_db->bind_text(s, i, str, str ? strlen(str) : 0);
}

void
zs_db_filter(enum zs_sql s, int i, const struct zs_filter *f)
{
	zs_db->bind_text(s, i, f->len && !f->prefix ? f->s : NULL, f->len);
}

void
zs_db_prefix(enum zs_sql s, int i, const struct zs_filter *f)
{
	zs_db->bind_text(s, i, f->prefix ? f->s : NULL, f->len);
	zs_db->bind_int(s, i + 1, (int64_t)f->chars);
}

void
zs_db_event(enum zs_sql s, const char *tenant, const char *id)
{
	zs_db->reset(s);
	zs_db_str(s, 1, tenant);
	zs_db_str(s, 2, id);
}

enum zs_store_rc
zs_db_run(enum zs_sql s)
{
	enum zs_store_rc	 rc;
	int			 row;

	rc = zs_db->step(s, &row);
	zs_db->done(s);
	return rc;
}

enum zs_store_rc
zs_db_one_int(enum zs_sql s, int64_t *out)
{
	enum zs_store_rc	 rc;
	int			 row;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(s);
	if ((rc = zs_db->step(s, &row)) == ZS_STORE_OK)
		*out = row ? zs_db->col_int(s, 0) : 0;
	zs_db->done(s);
	return rc;
}

int64_t
zs_db_int_or(enum zs_sql s, int col, int64_t null)
{
	return zs_db->is_null(s, col) ? null : zs_db->col_int(s, col);
}

enum zs_store_rc
zs_db_begin(void)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	return zs_db->begin(ZS_TX_WRITE);
}

enum zs_store_rc
zs_db_end(enum zs_store_rc rc)
{
	if (rc != ZS_STORE_OK || (rc = zs_db->commit()) != ZS_STORE_OK)
		return zs_db->rollback(rc);
	return ZS_STORE_OK;
}

void
zs_db_read_event(enum zs_sql s, int64_t now, struct zs_event *ev)
{
	const char	*id = zs_db->col_text(s, 1, NULL);
	int64_t		 visible;

	ev->seq = zs_db->col_int(s, 0);
	snprintf(ev->id, sizeof(ev->id), "%s", id ? id : "");
	ev->created_ms = zs_db->col_int(s, 2);
	ev->acked_ms = zs_db_int_or(s, 3, -1);
	ev->source = zs_db->col_text(s, 4, NULL);
	ev->type = zs_db->col_text(s, 5, NULL);
	ev->topic = zs_db->col_text(s, 6, NULL);
	ev->payload = zs_db->col_text(s, 7, &ev->payload_len);
	if (ev->payload == NULL) {
		ev->payload = "{}";
		ev->payload_len = 2;
	}
	ev->delivery_count = zs_db->col_int(s, 8);
	ev->lease_id = zs_db->col_text(s, 9, NULL);
	visible = zs_db_int_or(s, 10, -1);
	ev->dead_ms = zs_db_int_or(s, 11, -1);
	zs_event_set_status(ev, visible, now);
}

enum zs_store_rc
zs_db_migrate_dir(const char *dir, int required, int *version, int newest,
    zs_db_apply_fn apply, void *ctx)
{
	char			 path[2048];
	struct dirent		**names = NULL;
	enum zs_store_rc	 rc = ZS_STORE_OK;
	int			 n, i, num;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0 && required) {
		zs_log("migrate: cannot read the directory %s", dir);
		return ZS_STORE_ERROR;
	}
	for (i = 0; i < n && rc == ZS_STORE_OK; i++) {
		num = atoi(names[i]->d_name);
		if (num <= *version || strstr(names[i]->d_name, ".sql") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if ((rc = apply(ctx, path, num)) == ZS_STORE_OK)
			*version = num;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == ZS_STORE_OK && *version > newest) {
		zs_log("migrate: database is at version %d, newer than this "
		    "build (%d)", *version, newest);
		rc = ZS_STORE_ERROR;
	}
	return rc;
}
