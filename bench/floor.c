/*
 * floor: ceiling (a) of bench/run, the floor of this architecture per
 * request. A minimal libfcgi responder: one thread, an FCGX_Accept_r
 * loop, reads and discards the request body, answers a fixed small JSON
 * body. lighttpd starts it through bench/lighttpd-floor.conf with the
 * same process count as the real responders, so what wrk measures
 * against it is lighttpd plus the FastCGI round trip and nothing else.
 *
 * Built twice. As is, it ends each request with libfcgi's own close,
 * which shuts down its side and waits for lighttpd to hang up: floor
 * (a), the textbook loop the issue measured. With -DFLOOR_PLAIN_CLOSE
 * it closes the connection at once, as ZapStream's responders do once
 * a request's input is read (zs_app.c, end_request): floor (a'), the
 * lowest this architecture goes.
 *
 *   cc -O2 -o floor bench/floor.c -lfcgi
 *   cc -O2 -DFLOOR_PLAIN_CLOSE -o floor-plain bench/floor.c -lfcgi
 */
#include <fcgiapp.h>

static const char reply[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 21\r\n"
    "\r\n"
    "{\"status\":\"accepted\"}";

int
main(void)
{
	FCGX_Request	 req;
	char		 buf[4096];

	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&req) >= 0) {
		/* Read the body as a real responder must. */
		while (FCGX_GetStr(buf, sizeof(buf), req.in) > 0)
			;
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, req.out);
#ifdef FLOOR_PLAIN_CLOSE
		FCGX_Detach(&req);	/* Finish_r then just closes */
#endif
		FCGX_Finish_r(&req);
	}
	return 0;
}
