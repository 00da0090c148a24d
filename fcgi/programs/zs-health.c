/*
 * zs-health: GET /health, without authentication, for load balancers and
 * `make health-check`. 503 when the database does not answer, or when
 * there are no API keys (every other request would be refused).
 */
#include "boundary/zs_app.h"
#include "parse/zs_event.h"

static void
get_health(struct zs_req *req)
{
	struct zs_buf		 b;
	enum zs_store_rc	 rc;
	int			 ok, keys = req->cfg->nkeys > 0;

	rc = zs_store_open(req->cfg);
	if (rc == ZS_STORE_OK)
		rc = zs_store_ping();
	ok = rc == ZS_STORE_OK;
	zs_buf_init(&b, 0);
	zs_buf_printf(&b, "{\"status\":\"%s\",\"version\":\"%s\","
	    "\"database\":\"%s\"%s}", ok && keys ? "ok" : "degraded",
	    ZS_VERSION, ok ? "ok" : "unavailable",
	    keys ? "" : ",\"api_keys\":\"none\"");
	if (!ok || !keys)
		zs_reply_header(req, "Retry-After: 5");
	zs_reply_json(req, ok && keys ? 200 : 503, &b);
	zs_buf_free(&b);
}

static const struct zs_route routes[] = {
	{ ZS_METHOD_GET, "/health", 0, get_health, NULL },
};

int
main(void)
{
	zs_app_run("zs-health", routes, sizeof(routes) / sizeof(routes[0]));
	return 0;
}
