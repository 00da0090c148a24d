/* zs_log: error log lines. See zs_log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "util/zs_log.h"

/* The request id of this thread's request, or "". */
static _Thread_local char current_request[80];

void
zs_log_set_request(const char *request_id)
{
	snprintf(current_request, sizeof(current_request), "%s",
	    request_id ? request_id : "");
}

void
zs_log(const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;
	int	 n;

	n = snprintf(line, sizeof(line), "zapstream[%d]%s%s: ", (int)getpid(),
	    current_request[0] ? " " : "", current_request);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}
