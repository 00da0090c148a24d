/*
 * zs-stats: GET /stats for the dashboard: counts from the source_counts
 * table the triggers keep, and the last hour per minute from an index
 * range, so the cost does not grow with the number of stored events.
 */
#include "boundary/zs_app.h"
#include "util/zs_time.h"

static void
get_stats(struct zs_req *req)
{
	struct zs_stats		 st;
	struct zs_buf		 b;
	enum zs_store_rc	 rc;
	char			 t[ZS_TIME_BUFSZ];
	size_t			 i;

	if ((rc = zs_store_stats(req->tenant, zs_time_now_ms(), &st)) !=
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
	zs_buf_puts(&b, "],\"per_minute\":[");
	for (i = 0; i < ZS_STATS_MINUTES; i++) {
		zs_time_format(st.first_minute_ms + (int64_t)i * 60000, t);
		zs_buf_printf(&b, "%s{\"minute\":\"%s\",\"count\":%lld}",
		    i ? "," : "", t, (long long)st.per_minute[i]);
	}
	zs_buf_puts(&b, "]}");
	zs_reply_json(req, 200, &b);
	zs_buf_free(&b);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_GET, "/stats", ZS_ROUTE_AUTH | ZS_ROUTE_NO_QUERY, get_stats,
	    NULL },
};

int
main(void)
{
	zs_app_run("zs-stats", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
