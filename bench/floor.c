/*
 * floor: ceiling (a) of bench/run, the floor of this architecture per
 * request. A minimal libfcgi responder: one thread, an FCGX_Accept_r
 * loop, reads and discards the request body, answers a fixed small JSON
 * body. lighttpd starts it through bench/lighttpd-floor.conf with the
 * same process count as the real responders, so what wrk measures
 * against it is lighttpd plus the FastCGI round trip and nothing else.
 *
 *   cc -O2 -o floor bench/floor.c -lfcgi
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
		FCGX_Finish_r(&req);
	}
	return 0;
}
