/*
 * zs_store: the webhook delivery log, written once over the driver
 * (zs_db.h). A refusal is one row and one count in one transaction; the
 * rows past the newest ZS_REJECTS_KEPT of its source go in the same
 * transaction, so a source never holds more.
 */
#include <string.h>

#include "store/zs_db.h"

enum zs_store_rc
zs_store_reject_add(const char *tenant, const char *source,
    const struct zs_rejection *r)
{
	enum zs_store_rc	 rc;

	if ((rc = zs_db_begin()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(SQL_REJECT_ADD);
	zs_db_str(SQL_REJECT_ADD, 1, tenant);
	zs_db_str(SQL_REJECT_ADD, 2, source);
	zs_db->bind_int(SQL_REJECT_ADD, 3, r->at_ms);
	zs_db_str(SQL_REJECT_ADD, 4, r->reason);
	zs_db->bind_int(SQL_REJECT_ADD, 5, r->status);
	zs_db_str(SQL_REJECT_ADD, 6, r->request_id);
	if ((rc = zs_db_run(SQL_REJECT_ADD)) != ZS_STORE_OK)
		return zs_db_end(rc);
	zs_db->reset(SQL_REJECT_COUNT);
	zs_db_str(SQL_REJECT_COUNT, 1, tenant);
	zs_db_str(SQL_REJECT_COUNT, 2, source);
	zs_db_str(SQL_REJECT_COUNT, 3, r->reason);
	zs_db->bind_int(SQL_REJECT_COUNT, 4, r->at_ms);
	if ((rc = zs_db_run(SQL_REJECT_COUNT)) != ZS_STORE_OK)
		return zs_db_end(rc);
	zs_db->reset(SQL_REJECT_TRIM);
	zs_db_str(SQL_REJECT_TRIM, 1, tenant);
	zs_db_str(SQL_REJECT_TRIM, 2, source);
	zs_db->bind_int(SQL_REJECT_TRIM, 3, ZS_REJECTS_KEPT);
	return zs_db_end(zs_db_run(SQL_REJECT_TRIM));
}

enum zs_store_rc
zs_store_rejections(const char *tenant, const char *source,
    zs_rejection_fn fn, void *arg)
{
	struct zs_rejection	 r;
	enum zs_store_rc	 rc;
	int			 row;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(SQL_REJECTS_GET);
	zs_db_str(SQL_REJECTS_GET, 1, tenant);
	zs_db_str(SQL_REJECTS_GET, 2, source);
	zs_db->bind_int(SQL_REJECTS_GET, 3, ZS_REJECTS_KEPT);
	while ((rc = zs_db->step(SQL_REJECTS_GET, &row)) == ZS_STORE_OK &&
	    row) {
		memset(&r, 0, sizeof(r));
		r.at_ms = zs_db->col_int(SQL_REJECTS_GET, 0);
		r.reason = zs_db->col_text(SQL_REJECTS_GET, 1, NULL);
		r.status = (int)zs_db->col_int(SQL_REJECTS_GET, 2);
		r.request_id = zs_db->col_text(SQL_REJECTS_GET, 3, NULL);
		if (r.reason != NULL && r.request_id != NULL)
			fn(&r, arg);
	}
	zs_db->done(SQL_REJECTS_GET);
	return rc;
}

enum zs_store_rc
zs_store_reject_counts(const char *tenant, zs_reject_count_fn fn, void *arg)
{
	enum zs_store_rc	 rc;
	const char		*source, *reason;
	int			 row;

	if ((rc = zs_db_ensure_open()) != ZS_STORE_OK)
		return rc;
	zs_db->reset(SQL_REJECT_COUNTS);
	zs_db_str(SQL_REJECT_COUNTS, 1, tenant);
	while ((rc = zs_db->step(SQL_REJECT_COUNTS, &row)) == ZS_STORE_OK &&
	    row) {
		source = zs_db->col_text(SQL_REJECT_COUNTS, 0, NULL);
		reason = zs_db->col_text(SQL_REJECT_COUNTS, 1, NULL);
		if (source != NULL && reason != NULL)
			fn(source, reason,
			    zs_db->col_int(SQL_REJECT_COUNTS, 2),
			    zs_db->col_int(SQL_REJECT_COUNTS, 3), arg);
	}
	zs_db->done(SQL_REJECT_COUNTS);
	return rc;
}
