/* zs_cgi: serving as a plain CGI program. See zs_cgi.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boundary/zs_cgi.h"

/*
 * 1 when the program runs as a non-parsed-header script (Apache runs a
 * file named nph-* so), 0 when not, -1 before the first write.
 */
static int cgi_nph = -1;

/*
 * Writes the head of the reply. Apache turns any 200 with a Location
 * header (an idempotent replay) into a redirect, so the shared host layout
 * runs the responders as nph-*: they then write the status line
 * themselves and the response goes to the client untouched, its end
 * marked by closing the connection.
 */
static void
write_head(const char *data, size_t len)
{
	const char	*f = getenv("SCRIPT_FILENAME"), *base, *eol;
	const char	*proto = getenv("SERVER_PROTOCOL");

	base = f != NULL && strrchr(f, '/') != NULL ? strrchr(f, '/') + 1 : f;
	cgi_nph = base != NULL && strncmp(base, "nph-", 4) == 0;
	if (!cgi_nph || len < 8 || strncmp(data, "Status: ", 8) != 0 ||
	    (eol = memchr(data, '\n', len)) == NULL) {
		fwrite(data, 1, len, stdout);
		return;
	}
	if (proto == NULL || strncmp(proto, "HTTP/1.", 7) != 0 ||
	    strlen(proto) != 8)
		proto = "HTTP/1.0";
	fprintf(stdout, "%s ", proto);
	fwrite(data + 8, 1, (size_t)(eol + 1 - (data + 8)), stdout);
	fputs("Connection: close\r\n", stdout);
	fwrite(eol + 1, 1, len - (size_t)(eol + 1 - data), stdout);
}

void
zs_cgi_write(const char *data, size_t len)
{
	if (cgi_nph == -1)
		write_head(data, len);
	else
		fwrite(data, 1, len, stdout);
}

void
zs_cgi_spool_chunked_body(long max_payload)
{
	FILE	*tmp;
	char	 buf[8192], len[32];
	size_t	 total = 0, keep, cap = (size_t)max_payload + 1;
	ssize_t	 n;

	if (getenv("CONTENT_LENGTH") != NULL ||
	    getenv("HTTP_TRANSFER_ENCODING") == NULL ||
	    (tmp = tmpfile()) == NULL)
		return;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
		keep = total < cap ? cap - total : 0;
		if (keep > (size_t)n)
			keep = (size_t)n;
		if (keep > 0 && fwrite(buf, 1, keep, tmp) != keep)
			break;
		total += (size_t)n;
	}
	if (fflush(tmp) == 0 && dup2(fileno(tmp), STDIN_FILENO) != -1 &&
	    lseek(STDIN_FILENO, 0, SEEK_SET) == 0) {
		snprintf(len, sizeof(len), "%zu", total);
		setenv("CONTENT_LENGTH", len, 1);
	}
	fclose(tmp);
}

void
zs_cgi_drain_body(void)
{
	const char	*v = getenv("CONTENT_LENGTH");
	char		 buf[8192];
	long long	 left = v != NULL ? atoll(v) : 0;
	size_t		 n;

	while (left > 0 && (n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		left -= (long long)n;
}
