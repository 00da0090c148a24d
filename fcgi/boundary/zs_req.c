/* zs_req: a request's parameters, body and reply bytes. See zs_req.h. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "boundary/zs_cgi.h"
#include "boundary/zs_access.h"
#include "boundary/zs_req.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"
#include "util/zs_time.h"

const char *
zs_req_param(const struct zs_req *req, const char *name)
{
	return FCGX_GetParam(name, req->envp);
}

size_t
zs_req_read(struct zs_req *req, char *buf, size_t len)
{
	FCGX_Request	*fr = req->io;
	size_t		 got = 0;
	int		 n;

	while (got < len) {
		if (fr != NULL)
			n = FCGX_GetStr(buf + got, (int)(len - got), fr->in);
		else
			n = (int)fread(buf + got, 1, len - got, stdin);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

int
zs_req_flush(struct zs_req *req)
{
	FCGX_Request	*fr = req->io;

	if (fr != NULL)
		return FCGX_FFlush(fr->out) == 0 && FCGX_GetError(fr->out) == 0 ?
		    0 : -1;
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

/* Writes all of iov[0..n), which it may change. 0, or -1 with errno. */
static int
writev_all(int fd, struct iovec *iov, int n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = writev(fd, iov, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
			w -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * Sends data as FastCGI stdout records straight to the connection, after
 * what libfcgi holds. libfcgi copies output through an 8 KB buffer and
 * writes one record per 8 KB: a 17 KB page of GET /inbox took three
 * write(2)s, and lighttpd woke up for each. A failed write marks the
 * stream failed, as libfcgi itself would.
 */
static void
write_records(FCGX_Request *fr, const char *data, size_t len)
{
	static const char	 zeros[8];
	FCGI_Header		 h;
	struct iovec		 iov[3];
	size_t			 n, pad;

	if (FCGX_FFlush(fr->out) != 0)
		return;
	while (len > 0) {
		n = len <= 0xffff ? len : 0xfff8;	/* records of 64 KB */
		pad = (8 - n % 8) % 8;
		h.version = FCGI_VERSION_1;
		h.type = FCGI_STDOUT;
		h.requestIdB1 = (unsigned char)(fr->requestId >> 8);
		h.requestIdB0 = (unsigned char)fr->requestId;
		h.contentLengthB1 = (unsigned char)(n >> 8);
		h.contentLengthB0 = (unsigned char)n;
		h.paddingLength = (unsigned char)pad;
		h.reserved = 0;
		iov[0].iov_base = &h;
		iov[0].iov_len = sizeof(h);
		iov[1].iov_base = (void *)(uintptr_t)data;
		iov[1].iov_len = n;
		iov[2].iov_base = (void *)(uintptr_t)zeros;
		iov[2].iov_len = pad;
		if (writev_all(fr->ipcFd, iov, 3) == -1) {
			if (fr->out->FCGI_errno == 0)
				fr->out->FCGI_errno = errno;
			fr->out->isClosed = 1;
			return;
		}
		data += n;
		len -= n;
	}
}

void
zs_req_write(struct zs_req *req, const char *data, size_t len)
{
	FCGX_Request	*fr = req->io;

	if (len == 0)
		return;
	req->bytes_out += len;
	if (fr == NULL)
		zs_cgi_write(data, len);
	else if (len > 8192)
		write_records(fr, data, len);
	else
		FCGX_PutStr(data, (int)len, fr->out);
}

/*
 * Reads what is left of an FCGX request's input when that is little (the
 * end-of-input record, a few kilobytes at most). Returns 1 when the input
 * was read to its end.
 */
static int
drain_input(FCGX_Request *fr)
{
	char	 rest[4096];
	int	 n = 1;

	/* FCGX_GetStr returns less than asked only at the end. */
	while (!FCGX_HasSeenEOF(fr->in) && n > 0 && n < (int)sizeof(rest))
		n = FCGX_GetStr(rest, sizeof(rest), fr->in);
	return FCGX_HasSeenEOF(fr->in);
}

int
zs_req_gone(struct zs_req *req)
{
	FCGX_Request	*fr = req->io;
	struct pollfd	 p;

	if (fr == NULL)
		return 0;	/* CGI: the next write fails instead */
	if (fr->ipcFd < 0)
		return 1;
	p.fd = fr->ipcFd;
	p.events = POLLIN | POLLRDHUP;
	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL))
		return 1;
	if (FCGX_HasSeenEOF(fr->in))
		return 1;	/* input after its end: FCGI_ABORT_REQUEST */
	/* What was readable may be the rest of the input (its end record,
	 * which GET requests leave unread): read it, then look again. */
	if (!drain_input(fr))
		return 0;	/* a body still arriving */
	if (FCGX_GetError(fr->in) != 0)
		return 1;	/* the connection ended inside the input */
	p.revents = 0;
	return poll(&p, 1, 0) > 0;
}

/*
 * When the input was read to the end, the connection is simply closed.
 * Otherwise libfcgi's own close runs: it shuts down the sending side and
 * reads until the web server hangs up, so that unread input cannot make
 * the server's writes fail before it has the reply. That wait costs a
 * sleep and a wake-up per request, so it is kept for the rare request
 * whose body was left unread (an early 413, say).
 */
void
zs_req_end(void *io)
{
	FCGX_Request	*fr = io;

	if (drain_input(fr))
		FCGX_Detach(fr);
	FCGX_Finish_r(fr);
}

struct zs_req *
zs_req_defer(struct zs_req *req)
{
	struct zs_req	*d;

	if (!req->may_defer || (d = malloc(sizeof(*d))) == NULL)
		return NULL;
	/* Any read that could wait happens here, on the request's thread. */
	(void)drain_input(req->io);
	*d = *req;		/* takes the bodies and the header buffer */
	req->body = NULL;
	memset(&req->parsed, 0, sizeof(req->parsed));
	zs_buf_init(&req->headers, 0);
	req->deferred = 1;
	return d;
}

void
zs_req_done(struct zs_req *req)
{
	FCGX_Request	*fr = req->io;

	zs_access_log(req);
	zs_metrics_request(req->route, req->status,
	    zs_time_mono_us() - req->start_us);
	zs_log_set_request(NULL);
	/* zs_req_defer drained the input: the writer never waits to read. */
	FCGX_Detach(fr);
	FCGX_Finish_r(fr);
	free(fr);
	free(req->body);
	zs_body_free(&req->parsed);
	zs_buf_free(&req->headers);
	free(req);
}
