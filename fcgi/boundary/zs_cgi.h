/*
 * zs_cgi: what running as a plain CGI program takes (Apache's mod_cgid on
 * a shared host, deploy/cgi): one request per process on stdin/stdout,
 * and two of Apache's habits worked around (a chunked body without
 * CONTENT_LENGTH; a 200 with Location turned into a redirect).
 */
#ifndef ZS_CGI_H
#define ZS_CGI_H

#include <stddef.h>

/*
 * Writes reply bytes to stdout. The first call gets the header block: run
 * as nph-* (a non-parsed-header script), it becomes an HTTP status line
 * and headers that reach the client untouched.
 */
void	 zs_cgi_write(const char *, size_t);
/*
 * Turns a chunked body (no CONTENT_LENGTH) into an ordinary one: keeps up
 * to max_payload + 1 bytes in a temporary file that becomes stdin and sets
 * CONTENT_LENGTH to the whole length, so the request boundary sees a body
 * (or a 413). Without a temporary file the body counts as missing.
 */
void	 zs_cgi_spool_chunked_body(long max_payload);
/*
 * Reads what is left of a body the reply did not need (up to
 * CONTENT_LENGTH bytes, or end of input): Apache answers nothing at all
 * when the program exits before taking the whole body.
 */
void	 zs_cgi_drain_body(void);

#endif
