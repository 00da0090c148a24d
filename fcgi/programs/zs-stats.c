/*
 * zs-stats: GET /stats for the dashboard: counts from the source_counts
 * table the triggers keep, and events received per minute, hour or day
 * (?range=1h|24h|7d, or a custom ?since=&until= within the last 7 days)
 * from the event_minutes table they keep too, so the cost grows neither
 * with the stored events nor with the range's ingest.
 */
#include "boundary/zs_app.h"
#include "parse/zs_query.h"
#include "util/zs_time.h"

static void
get_stats(struct zs_req *req)
{
	static const char *const ranges[ZS_RANGE__MAX] = { "1h", "24h", "7d" };
	struct zs_stats		 st;
	struct zs_stats_params	 sp;
	struct zs_stats_window	 w;
	struct zs_query_error	 qe;
	struct zs_buf		 b;
	enum zs_store_rc	 rc;
	int64_t			 now = zs_time_now_ms();
	char			 t[ZS_TIME_BUFSZ];
	size_t			 i;

	if (zs_query_stats(req->query, &sp, &qe) == -1) {
		zs_reply_invalid(req, qe.unprocessable ?
		    ZS_ERR_VALIDATION_FAILED : ZS_ERR_INVALID_PARAMETER,
		    qe.field, qe.message);
		return;
	}
	if (sp.since_ms < 0)
		zs_stats_window_range(sp.range, now, &w);
	else if (sp.since_ms >= now) {
		zs_reply_invalid(req, ZS_ERR_VALIDATION_FAILED, "since",
		    "must be in the past");
		return;
	} else if (sp.since_ms < now - ZS_STATS_SINCE_MS) {
		zs_reply_invalid(req, ZS_ERR_VALIDATION_FAILED, "since",
		    "must be within the last 7 days: the counts per minute "
		    "are kept that long");
		return;
	} else	/* a window past now ends now: nothing comes after */
		zs_stats_window_custom(sp.since_ms, sp.until_ms < 0 ||
		    sp.until_ms > now ? now + 1 : sp.until_ms, &w);
	if ((rc = zs_store_stats(req->tenant, now, &w, &st)) !=
	    ZS_STORE_OK) {
		zs_reply_store(req, rc);
		return;
	}
	zs_buf_init(&b, 0);
	zs_buf_printf(&b, "{\"pending\":%lld,\"leased\":%lld,"
	    "\"acknowledged\":%lld,\"dead\":%lld,\"total\":%lld,",
	    (long long)st.pending, (long long)st.leased,
	    (long long)st.acknowledged, (long long)st.dead,
	    (long long)(st.pending + st.leased + st.acknowledged + st.dead));
	if (st.oldest_pending_ms < 0)
		zs_buf_puts(&b, "\"oldest_pending_at\":null,");
	else {
		zs_time_format(st.oldest_pending_ms, t);
		zs_buf_printf(&b, "\"oldest_pending_at\":\"%s\",", t);
	}
	zs_buf_puts(&b, "\"by_source\":[");
	for (i = 0; i < st.nsources; i++) {
		zs_buf_puts(&b, i ? ",{\"source\":" : "{\"source\":");
		zs_buf_json_strz(&b, st.sources[i].given ?
		    st.sources[i].name : NULL);
		zs_buf_printf(&b, ",\"count\":%lld}",
		    (long long)st.sources[i].count);
	}
	/* The same buckets twice for 1h: per_minute as it always was, and
	 * buckets as every range has them. */
	zs_buf_printf(&b, "],\"range\":\"%s\",\"bucket\":\"%s\",",
	    sp.since_ms < 0 ? ranges[sp.range] : "custom",
	    st.bucket_ms == 60000 ? "minute" :
	    st.bucket_ms == 3600000 ? "hour" : "day");
	if (sp.since_ms < 0 && sp.range == ZS_RANGE_1H) {
		zs_buf_puts(&b, "\"per_minute\":[");
		for (i = 0; i < st.nbuckets; i++) {
			zs_time_format(st.first_bucket_ms +
			    (int64_t)i * st.bucket_ms, t);
			zs_buf_printf(&b, "%s{\"minute\":\"%s\","
			    "\"count\":%lld}", i ? "," : "", t,
			    (long long)st.buckets[i]);
		}
		zs_buf_puts(&b, "],");
	}
	zs_buf_puts(&b, "\"buckets\":[");
	for (i = 0; i < st.nbuckets; i++) {
		zs_time_format(st.first_bucket_ms + (int64_t)i * st.bucket_ms,
		    t);
		zs_buf_printf(&b, "%s{\"start\":\"%s\",\"count\":%lld}",
		    i ? "," : "", t, (long long)st.buckets[i]);
	}
	zs_buf_puts(&b, "]}");
	zs_reply_json(req, 200, &b);
	zs_buf_free(&b);
}

static const struct zs_route routes[] = {
	/* ?range=, ?since=&until= (zs_query_stats): not ZS_ROUTE_NO_QUERY */
	{ ZS_METHOD_GET, "/stats", ZS_ROUTE_AUTH, get_stats, NULL },
};

int
main(void)
{
	zs_app_run("zs-stats", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
