/* zs_access: the access log. See zs_access.h. */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "boundary/zs_access.h"
#include "util/zs_log.h"
#include "util/zs_time.h"

/* Where lines go: -1 until chosen. */
static int		 log_fd = -1;
static pthread_once_t	 log_once = PTHREAD_ONCE_INIT;
static const char	*log_path;	/* ACCESS_LOG, for log_open */

/* Chooses the descriptor once per process. */
static void
log_open(void)
{
	if (log_path == NULL || *log_path == '\0')
		log_fd = STDERR_FILENO;
	else if (strcmp(log_path, "off") == 0)
		log_fd = -2;
	else if ((log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0640)) == -1) {
		zs_log("access log: cannot open %s; logging to the error log "
		    "instead", log_path);
		log_fd = STDERR_FILENO;
	}
}

void
zs_access_log(const struct zs_req *req)
{
	struct zs_buf	 b;
	char		 t[ZS_TIME_BUFSZ];
	int64_t		 us;

	if (req->cfg == NULL)
		return;
	log_path = req->cfg->access_log;
	pthread_once(&log_once, log_open);
	if (log_fd < 0)
		return;
	us = zs_time_mono_us() - req->start_us;
	zs_time_format(zs_time_now_ms(), t);
	zs_buf_init(&b, 4096);
	zs_buf_printf(&b, "{\"time\":\"%s\",\"request_id\":", t);
	zs_buf_json_strz(&b, req->request_id);
	zs_buf_printf(&b, ",\"method\":\"%s\",\"route\":",
	    zs_method_names[req->method]);
	if (req->route != NULL)
		zs_buf_json_strz(&b, req->route);
	else
		zs_buf_puts(&b, "null");
	zs_buf_printf(&b, ",\"status\":%d,\"duration_ms\":%lld.%03lld,"
	    "\"bytes\":%zu,\"tenant\":", req->status, (long long)(us / 1000),
	    (long long)(us % 1000), req->bytes_out);
	if (req->tenant != NULL)
		zs_buf_json_strz(&b, req->tenant);
	else
		zs_buf_puts(&b, "null");
	zs_buf_puts(&b, "}\n");
	if (!b.failed && write(log_fd, b.data, b.len) != (ssize_t)b.len)
		zs_log("access log: a line could not be written");
	zs_buf_free(&b);
}
