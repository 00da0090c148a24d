/*
 * zs-notfound: lighttpd's 404 handler. Any path no other responder owns
 * gets the JSON 404 with X-Request-Id, so API clients never see HTML.
 */
#include "boundary/zs_app.h"

int
main(void)
{
	zs_app_run("zs-notfound", NULL, 0);
	return 0;
}
