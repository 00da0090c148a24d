/*
 * The PostgreSQL driver's wait for a change (zs_store_wait_change), the
 * one thing PostgreSQL can tell where SQLite must be polled: every
 * transaction that writes a change row sends NOTIFY zapstream_changes
 * (a trigger, sql/postgres/001_schema.sql). The hub waits for it on a
 * connection of its own, which does nothing but LISTEN (SQL_LISTEN), so
 * it never holds the store's connection (or its lock) while
 * it waits. A notification is a hint: the hub still reads the change
 * table, and reads it anyway every WAKE_FALLBACK_MS, so a lost
 * notification (or a lost listening connection) costs at most that.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>

#include "store/postgres/zs_pg.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"

#define WAKE_FALLBACK_MS 1000	/* longest wait without a notification */

/* The hub's listening connection (only the hub's thread uses it). */
static PGconn *listener;
static struct zs_pg_retry retry;	/* when to open it again */

/* Lets a lost listening connection go (logged, counted). */
static void
listen_lost(void)
{
	char	 line[512];

	zs_log("postgres: the stream's listener was lost (%s); reconnecting",
	    zs_pg_first_line(PQerrorMessage(listener), line, sizeof(line)));
	PQfinish(listener);
	listener = NULL;
	zs_pg_retry_lost(&retry);
}

/* Opens the listening connection: 0 when it was open, 1 when it has just
 * been opened (and LISTENs), -1 when it cannot be (logged). */
static int
listen_open(void)
{
	PGresult	*r;
	int		 ok;

	if (listener != NULL && zs_pg_gone(listener))
		listen_lost();
	if (listener != NULL)
		return 0;
	if (!zs_pg_retry_due(&retry))
		return -1;
	if (zs_pg_cfg() == NULL ||
	    (listener = zs_pg_connect(zs_pg_cfg(), "the stream's listener",
	    ZS_PG_SERVE)) == NULL) {
		zs_pg_retry_failed(&retry);
		return -1;
	}
	r = PQexec(listener, zs_pg_text(SQL_LISTEN));
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		zs_log("postgres: LISTEN failed: %s", PQerrorMessage(listener));
		PQfinish(listener);
		listener = NULL;
		zs_pg_retry_failed(&retry);
		return -1;
	}
	zs_pg_retry_ok(&retry);
	return 1;
}

/* Takes every notification that has arrived; 1 if there was one. */
static int
drain(void)
{
	PGnotify	*n;
	int		 any = 0;

	while ((n = PQnotifies(listener)) != NULL) {
		PQfreemem(n);
		any = 1;
	}
	return any;
}

/*
 * Returns when a change may have been committed: at a notification, or
 * after WAKE_FALLBACK_MS without one (poll_ms, SQLite's tick, does not
 * apply: nothing is polled). Without a listening connection it waits
 * poll_ms and tries to open one again next time (zs_pg_retry): the
 * first call after a reopen returns at once, so the hub reads what was
 * committed while it was not listening.
 */
enum zs_store_rc
zs_pg_wait_change(long poll_ms)
{
	struct pollfd	 pfd;
	struct timespec	 ts;
	int64_t		 end = zs_time_now_ms() + WAKE_FALLBACK_MS, left;

	switch (listen_open()) {
	case -1:
		ts.tv_sec = poll_ms / 1000;
		ts.tv_nsec = (poll_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		return ZS_STORE_UNAVAILABLE;
	case 1:
		/* Listening from now on: what was committed before can
		 * only be found by reading, at once. */
		return ZS_STORE_OK;
	default:
		break;
	}
	if (drain()) {		/* (zs_pg_gone may have read them) */
		zs_metrics_store(ZS_MS_PG_NOTIFY_WAKEUPS);
		return ZS_STORE_OK;
	}
	while ((left = end - zs_time_now_ms()) > 0) {
		pfd.fd = PQsocket(listener);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (pfd.fd < 0)
			break;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			break;
		if (pfd.revents == 0)
			continue;
		if (PQconsumeInput(listener) != 1 ||
		    PQstatus(listener) != CONNECTION_OK) {
			listen_lost();	/* reopened, and read, next time */
			break;
		}
		if (drain()) {
			zs_metrics_store(ZS_MS_PG_NOTIFY_WAKEUPS);
			break;
		}
	}
	return ZS_STORE_OK;
}
