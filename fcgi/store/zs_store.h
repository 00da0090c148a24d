/*
 * zs_store: every read and write of events goes through this interface,
 * with the same meaning whichever backend the settings choose
 * (STORAGE_BACKEND; a driver per backend under store/, see zs_db.h); no
 * responder knows which one runs. Every call is scoped to one tenant.
 * Strings passed in are borrowed for the call only; rows handed to a
 * callback live until the callback returns.
 */
#ifndef ZS_STORE_H
#define ZS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "parse/zs_config.h"
#include "parse/zs_text.h"
#include "util/zs_seal.h"
#include "util/zs_ulid.h"

#define ZS_EVENT_ID_LEN	 (4 + ZS_ULID_LEN)	/* "evt_" + ULID */
#define ZS_LIST_MAX	 500			/* largest page */
#define ZS_ACK_BATCH_MAX 500			/* ids in one batch ack */

enum zs_store_rc {
	ZS_STORE_OK = 0,
	ZS_STORE_NOTFOUND,	/* no such event for this tenant (404) */
	ZS_STORE_CONFLICT,	/* idempotency key reused, other body (422) */
	ZS_STORE_BUSY,		/* locked past the busy timeout (503) */
	ZS_STORE_UNAVAILABLE,	/* cannot open or read the database (503) */
	ZS_STORE_LEASE_NOT_HELD, /* that lease is not the live one (409) */
	ZS_STORE_NOT_DEAD,	/* redrive of an event that is not dead (409) */
	ZS_STORE_ERROR,		/* anything else (500); logged */
	ZS_STORE__MAX
};

/* An event's state; as a list filter, ZS_STATUS_ALL matches any. */
enum zs_status_filter {
	ZS_STATUS_PENDING = 0,	/* waiting: no live lease, not dead */
	ZS_STATUS_LEASED,	/* a worker holds a live lease */
	ZS_STATUS_ACKED,	/* acknowledged */
	ZS_STATUS_DEAD,		/* dead-lettered after MAX_DELIVERIES */
	ZS_STATUS_ALL,
	ZS_STATUS__MAX
};

enum zs_order {
	ZS_ORDER_ASC = 0,	/* oldest first */
	ZS_ORDER_DESC,		/* newest first */
	ZS_ORDER__MAX
};

/* One stored event, as a store hands it to a callback. */
struct zs_event {
	char		 id[ZS_EVENT_ID_LEN + 1]; /* "evt_" + ULID */
	int64_t		 seq;		/* storage order; cursors use it */
	int64_t		 created_ms;	/* Unix ms */
	int64_t		 acked_ms;	/* Unix ms, or -1 while pending */
	enum zs_status_filter status;	/* never ZS_STATUS_ALL */
	int64_t		 delivery_count; /* leases so far */
	int64_t		 lease_expires_ms; /* live lease's end, or -1 */
	int64_t		 visible_ms;	/* pending, but not leasable before
					   this (a delayed release), or -1 */
	int64_t		 dead_ms;	/* Unix ms, or -1 unless dead */
	const char	*lease_id;	/* the newest lease, or NULL */
	const char	*source;	/* NULL when not given */
	const char	*type;		/* NULL when not given */
	const char	*topic;		/* NULL when not given */
	const char	*payload;	/* minified JSON object */
	size_t		 payload_len;	/* bytes in payload */
};

typedef void (*zs_event_fn)(const struct zs_event *, void *arg);

/* A filter value: absent when len is 0. */
struct zs_filter {
	char	 s[ZS_TEXT_MAX_BYTES + 1];	/* UTF-8, NUL-terminated */
	size_t	 len;				/* 0 when absent */
	int	 prefix;			/* 1: s is a prefix ("fin*"
						   given; "" matches any
						   value but none) */
	size_t	 chars;				/* code points in s */
};

/* q=: at most this many bytes and words, once made words (zs_query.c). */
#define ZS_SEARCH_BYTES	256
#define ZS_SEARCH_WORDS	8

/* payload.<path>=<value> of GET /inbox (zs_query.c). */
#define ZS_PAYLOAD_FILTERS	3
#define ZS_PAYLOAD_PATH_BYTES	128
#define ZS_PAYLOAD_DEPTH	8
#define ZS_PAYLOAD_VALUE_BYTES	1024
struct zs_payload_filter {
	char		 path[ZS_PAYLOAD_PATH_BYTES + 1];
					/* member names ([A-Za-z0-9_-]) joined
					   by '.' */
	char		 value[ZS_PAYLOAD_VALUE_BYTES + 1];
	size_t		 value_len;	/* UTF-8, no control characters */
	int		 number;	/* 1: the value is a JSON number,
					   which matches by value too */
	const char	*keyword;	/* "true", "false", "null", or NULL */
};

/* GET /inbox, checked. */
struct zs_list_params {
	long			 limit;		/* 1..ZS_LIST_MAX */
	enum zs_status_filter	 status;
	enum zs_order		 order;
	struct zs_filter	 topic;
	struct zs_filter	 type;
	struct zs_filter	 source;
	int64_t			 since_ms;	/* created after; -1 = any */
	int64_t			 until_ms;	/* created before; -1 = any */
	char			 q[ZS_SEARCH_BYTES + 1];
					/* q=: lower-case words (letters and
					   digits) each with a space before
					   the next; "" = no search */
	struct zs_payload_filter payload[ZS_PAYLOAD_FILTERS];
	int			 npayload;
	char			 hint[ZS_SEARCH_BYTES + 1];
					/* the words of q, then words that
					   every match of the payload filters
					   has in its payload's text
					   (zs_search.c says when), as q; ""
					   when no filter gives any: a search
					   index may narrow with them */
	int64_t			 after_seq;	/* cursor position; -1 = none */
};

/*
 * Whose idempotency key: an API client's (the Idempotency-Key of
 * POST /events) or a webhook delivery's (zs-hooks: "<source>:<delivery
 * id>"). Each has a namespace of its own, so that no client key can
 * stand for a delivery that is yet to come, nor the other way round.
 */
enum zs_idem_scope {
	ZS_IDEM_API = 0,
	ZS_IDEM_HOOK,
	ZS_IDEM__MAX
};

#define ZS_IDEM_KEY_MAX	 512	/* bytes of a key within its scope */

/* POST /events, checked. */
struct zs_new_event {
	const char	*tenant;
	const char	*source;	/* NULL when not given */
	const char	*type;		/* NULL when not given */
	const char	*topic;		/* NULL when not given */
	const char	*payload;	/* minified JSON object */
	size_t		 payload_len;
	const char	*idem_key;	/* NULL when not given */
	enum zs_idem_scope idem_scope;	/* the key's namespace */
	unsigned char	 body_hash[32];	/* SHA-256 of the minified body */
};

/* What POST /events answers. */
struct zs_inserted {
	char		 id[ZS_EVENT_ID_LEN + 1];
	int64_t		 created_ms;
	int		 replayed;	/* 1: an idempotent replay */
};

enum zs_change_kind {
	ZS_CHANGE_CREATED = 0,
	ZS_CHANGE_ACKNOWLEDGED,
	ZS_CHANGE_DELETED,
	ZS_CHANGE_LEASED,
	ZS_CHANGE_RELEASED,
	ZS_CHANGE_DEAD_LETTERED,
	ZS_CHANGE_REDRIVEN,
	ZS_CHANGE__MAX
};

/* One row of the change sequence, as the stream reads it. */
struct zs_change {
	int64_t			 seq;		/* the SSE id */
	enum zs_change_kind	 kind;
	const char		*tenant;
	const char		*event_id;
	int64_t			 at;		/* Unix ms of the change */
	const char		*source;	/* the event's, or NULL */
	const char		*type;		/* the event's, or NULL */
	const char		*topic;		/* the event's, or NULL */
	int64_t			 until;		/* leased: lease end; released:
						   visible again; else -1 */
	int64_t			 deliveries;	/* leased, dead_lettered: the
						   delivery count; else -1 */
	int			 has_event;	/* created: the row still exists */
	struct zs_event		 event;		/* created: as it was created */
};

/* Takes one change; returns 0 to go on, nonzero to stop before it (the
 * change is then not counted, and a later call can start from it). */
typedef int (*zs_change_fn)(const struct zs_change *, void *arg);

#define ZS_STATS_SOURCES	 50	/* sources listed, most events first */
#define ZS_STATS_MINUTES	 60	/* minutes of per_minute, to now */
#define ZS_STATS_BUCKETS_MAX	 60	/* the most buckets of any range */
/* How long zs-admin purge keeps event_minutes rows: the widest range (7
 * days) and one more, whatever RETENTION_DAYS says of the events. */
#define ZS_STATS_KEEP_MS	 (8 * 86400000LL)

/* GET /stats?range=: how far back the buckets go, and how wide each is. */
enum zs_stats_range {
	ZS_RANGE_1H = 0,	/* 60 minutes (the default) */
	ZS_RANGE_24H,		/* 24 hours */
	ZS_RANGE_7D,		/* 7 days (UTC) */
	ZS_RANGE__MAX
};

/* GET /stats. */
struct zs_stats {
	int64_t		 pending;	/* neither leased nor dead */
	int64_t		 leased;
	int64_t		 acknowledged;
	int64_t		 dead;
	int64_t		 oldest_pending_ms; /* its creation; -1: none */
	struct {
		char	 name[ZS_TEXT_MAX_BYTES + 1];
		int	 given;		/* 0: events without a source */
		int64_t	 count;		/* every stored event */
	}		 sources[ZS_STATS_SOURCES];
	size_t		 nsources;
	/* Events received (event_minutes: a delete does not take one back)
	 * per bucket, the last bucket holding now; bucket i starts at
	 * first_bucket_ms + i * bucket_ms (whole UTC minutes, hours, days). */
	int64_t		 bucket_ms;	/* 60000, 3600000 or 86400000 */
	size_t		 nbuckets;	/* 1 to ZS_STATS_BUCKETS_MAX */
	int64_t		 first_bucket_ms;
	int64_t		 buckets[ZS_STATS_BUCKETS_MAX];
};

/* The buckets GET /stats counts: n of bucket_ms each (a whole UTC
 * minute, hour or day), bucket i starting at first_ms + i * bucket_ms. */
struct zs_stats_window {
	int64_t		 first_ms;
	int64_t		 bucket_ms;
	size_t		 n;
};

/* How far back GET /stats?since= may reach: the counts purge keeps, but
 * a day less, so that a window never starts in a minute half purged. */
#define ZS_STATS_SINCE_MS	 (ZS_STATS_KEEP_MS - 86400000LL)

/* The window of range, its last bucket holding now_ms. */
void		 zs_stats_window_range(enum zs_stats_range, int64_t now_ms,
		    struct zs_stats_window *);
/*
 * The window holding since_ms to until_ms (a custom range): minutes when
 * ZS_STATS_BUCKETS_MAX of them cover it, else hours, else days. The
 * caller has checked since_ms < until_ms and the reach (ZS_STATS_SINCE_MS).
 */
void		 zs_stats_window_custom(int64_t since_ms, int64_t until_ms,
		    struct zs_stats_window *);

/*
 * The store is used by one thread at a time: a process whose threads
 * share it (the stream's hub, leases, CGI exit) takes this lock around
 * every call. A plain mutex; not held while waiting (zs_store_wait_change).
 */
void		 zs_store_lock(void);
void		 zs_store_unlock(void);
/* Opens the store for this process (once); later calls are cheap. */
enum zs_store_rc zs_store_open(const struct zs_config *);
void		 zs_store_close(void);
/* Checks the database answers a read. */
enum zs_store_rc zs_store_ping(void);
/*
 * The key that seals tenant's public ids (SSE ids and paging cursors,
 * util/zs_seal.h), derived from the installation's secret, which the
 * store reads once when it opens. Once open, it runs no statement (so a
 * zs_change_fn may call it).
 */
enum zs_store_rc zs_store_tenant_key(const char *tenant,
		    struct zs_seal_key *out);
/*
 * Stores one event and (if given) its idempotency key in one transaction.
 * With a live key: the same body hash replays (replayed = 1), another body
 * is ZS_STORE_CONFLICT.
 */
enum zs_store_rc zs_store_insert(const struct zs_new_event *,
		    struct zs_inserted *);
/*
 * Stores n events in one transaction (one commit, one fsync): rcs[i] is
 * each one's result as zs_store_insert would give it. When the
 * transaction fails, every rcs[i] is that failure and nothing was stored.
 * Returns ZS_STORE_OK when the transaction committed.
 */
enum zs_store_rc zs_store_insert_batch(const struct zs_new_event *const *evs,
		    struct zs_inserted *outs, enum zs_store_rc *rcs, size_t n);
/*
 * Calls fn for up to p->limit matching events; *more is 1 when another
 * page exists, and *last_seq is the seq of the last event given.
 */
enum zs_store_rc zs_store_list(const char *tenant,
		    const struct zs_list_params *p, zs_event_fn fn, void *arg,
		    int *more, int64_t *last_seq);
/* Calls fn once for the event, or returns ZS_STORE_NOTFOUND. */
enum zs_store_rc zs_store_get(const char *tenant, const char *id,
		    zs_event_fn fn, void *arg);
/*
 * Acknowledges (once); *acked_ms is the first acknowledgement's time.
 * With lease_id (else NULL), *lease_lost is set to 1 when that lease was
 * not the event's live lease (expired, or another lease took the event).
 */
enum zs_store_rc zs_store_ack(const char *tenant, const char *id,
		    const char *lease_id, int64_t *acked_ms, int *lease_lost);
/*
 * Acknowledges n ids in one transaction; found[i] is set to 1 or 0.
 */
enum zs_store_rc zs_store_ack_batch(const char *tenant,
		    const char *const *ids, size_t n, int *found);
enum zs_store_rc zs_store_delete(const char *tenant, const char *id);

/* ---- Leases (zs_store_lease.c) ----------------------------------------- */

#define ZS_LEASE_MAX		 100	/* events in one lease */
#define ZS_LEASE_TIMEOUT_MAX	 43200	/* seconds a lease may last */

/* POST /inbox/lease, checked. */
struct zs_lease_params {
	long			 limit;		/* 1..ZS_LEASE_MAX */
	long			 visibility_s;	/* 1..ZS_LEASE_TIMEOUT_MAX */
	struct zs_filter	 topic;
	struct zs_filter	 type;
	struct zs_filter	 source;
};

/*
 * Leases up to p->limit pending events, oldest first, in one transaction:
 * each gets a new lease_id, a lease ending p->visibility_s from now and
 * one more delivery. An event that already had MAX_DELIVERIES leases is
 * dead-lettered instead of leased. Calls fn for each leased event; *n
 * counts them. When none could be leased, *next_ms is the earliest time
 * one of this tenant's leases or delayed releases ends (-1: none), the
 * time to look again even if nothing is posted.
 */
enum zs_store_rc zs_store_lease(const char *tenant,
		    const struct zs_lease_params *p, zs_event_fn fn, void *arg,
		    long *n, int64_t *next_ms);
/*
 * Moves the end of the live lease lease_id to visibility_s from now.
 * ZS_STORE_LEASE_NOT_HELD when it is not the event's live lease.
 */
enum zs_store_rc zs_store_extend(const char *tenant, const char *id,
		    const char *lease_id, long visibility_s,
		    int64_t *expires_ms);
/*
 * Ends the live lease lease_id early; the event can be leased again
 * delay_s from now (0: at once), *visible_ms.
 */
enum zs_store_rc zs_store_release(const char *tenant, const char *id,
		    const char *lease_id, long delay_s, int64_t *visible_ms);
/* Puts a dead event back to pending with no deliveries counted. */
enum zs_store_rc zs_store_redrive(const char *tenant, const char *id);
/*
 * Removes up to limit acknowledged events older than the retention, and
 * expired idempotency keys and change rows; *removed counts events.
 */
enum zs_store_rc zs_store_purge(int64_t now_ms, long limit, long *removed);
/*
 * A number that changes when another connection commits a change: a
 * cheap test before reading the change table.
 */
enum zs_store_rc zs_store_data_version(int64_t *version);
/*
 * Waits until another connection may have committed a change, without
 * using the store's connection (call it without zs_store_lock): a
 * backend that cannot be told sleeps poll_ms and the caller compares
 * zs_store_data_version; one that can returns when told, or after at
 * most a second without word (a lost notification costs that).
 */
enum zs_store_rc zs_store_wait_change(long poll_ms);
/* The newest change's seq, or 0 when there is none. */
enum zs_store_rc zs_store_last_change(int64_t *seq);
/*
 * Calls fn for up to limit changes with after < seq <= upto, oldest
 * first, of one tenant (or of all when tenant is NULL), until fn asks to
 * stop; *n counts the changes fn took.
 */
enum zs_store_rc zs_store_changes(const char *tenant, int64_t after,
		    int64_t upto, long limit, zs_change_fn fn, void *arg,
		    long *n);
/* Fills st for tenant as of now_ms, its buckets those of w. */
enum zs_store_rc zs_store_stats(const char *tenant, int64_t now_ms,
		    const struct zs_stats_window *w, struct zs_stats *st);
/* One tenant's queue, as GET /metrics and zs-admin status show it. */
struct zs_queue {
	const char	*tenant;
	int64_t		 pending;	/* neither leased nor dead */
	int64_t		 leased;	/* under a live lease */
	int64_t		 acknowledged;
	int64_t		 dead;
	int64_t		 oldest_ms;	/* the oldest pending event's
					   creation, or -1: none pending */
};

typedef void (*zs_queue_fn)(const struct zs_queue *, void *arg);

/*
 * Calls fn for every tenant with stored events, by name, from one
 * snapshot: the counts the triggers keep, and two index reads per tenant.
 */
enum zs_store_rc zs_store_queue(int64_t now_ms, zs_queue_fn fn, void *arg);
typedef void (*zs_token_fn)(const char *tenant, const char *name,
		    const char *token, void *arg);

/* Calls fn for every stored webhook token (see zs_token.h). */
enum zs_store_rc zs_store_tokens(zs_token_fn fn, void *arg);
/*
 * Stores the token of source (tenant, name): with replace, in place of
 * any it had; without, only when it has none (else nothing changes).
 */
enum zs_store_rc zs_store_token_put(const char *tenant, const char *name,
		    const char *token, int replace);

/* The webhook delivery log: the newest ZS_REJECTS_KEPT refusals per
 * source, and counts by reason that only grow (zs_store_hooks.c). */
#define ZS_REJECTS_KEPT	100
struct zs_rejection {
	int64_t		 at_ms;
	const char	*reason;	/* a word of docs/webhooks.md */
	int		 status;	/* the HTTP status answered */
	const char	*request_id;
};
/* Records one refused delivery of source (tenant, name). */
enum zs_store_rc zs_store_reject_add(const char *tenant, const char *source,
		    const struct zs_rejection *);
typedef void (*zs_rejection_fn)(const struct zs_rejection *, void *arg);
/* Calls fn for the kept refusals of a source, newest first. */
enum zs_store_rc zs_store_rejections(const char *tenant, const char *source,
		    zs_rejection_fn fn, void *arg);
typedef void (*zs_reject_count_fn)(const char *source, const char *reason,
		    int64_t n, int64_t last_ms, void *arg);
/* Calls fn for each (source, reason) of the tenant ever refused. */
enum zs_store_rc zs_store_reject_counts(const char *tenant,
		    zs_reject_count_fn fn, void *arg);

/*
 * Writes the search rows of q= again for every stored event, in one
 * transaction (after a time with SEARCH_INDEX=off): *n events, or -1
 * when the database keeps its search index itself (PostgreSQL).
 */
enum zs_store_rc zs_store_search_rebuild(long *n);

/* Applies sql/ migrations from dir to reach the newest schema version. */
enum zs_store_rc zs_store_migrate(const struct zs_config *, const char *dir,
		    int *from, int *to);
/*
 * zs-admin check: reaches the database the settings name, if it is a
 * server, and describes it in report (empty when there is nothing to
 * say). Not ZS_STORE_OK after one line saying why it cannot be reached.
 */
enum zs_store_rc zs_store_check(const struct zs_config *, char *report,
		    size_t size);
/*
 * 1 when the store keeps the rate-limit buckets itself (a database
 * server that every node shares); 0 when they are the boundary's own.
 */
int		 zs_store_keeps_buckets(const struct zs_config *);
/*
 * Takes one token from the bucket named bucket (capacity cap per minute)
 * at now_ms, on a connection of its own (callers serialise): *tokens
 * left and *allowed, or not ZS_STORE_OK (logged) when it cannot.
 */
enum zs_store_rc zs_store_rate_take(const struct zs_config *,
		    const char *bucket, long cap, int64_t now_ms,
		    double *tokens, int *allowed);

#endif
