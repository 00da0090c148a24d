/*
 * zs_app: the responder loop and the request boundary. See zs_app.h.
 * Handlers never read raw parameters for anything zs_req already holds.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "boundary/zs_app.h"
#include "boundary/zs_auth.h"
#include "threads/zs_hub.h"
#include "util/zs_log.h"
#include "parse/zs_query.h"
#include "util/zs_time.h"
#include "util/zs_ulid.h"

extern char **environ;

/* The loop's own state: the responder's routes and settings. */
static struct {
	const char		*name;		/* for logs */
	const struct zs_route	*routes;
	size_t			 nroutes;
	struct zs_config	 cfg;
} app;

int
zs_req_fields(struct zs_req *req, const struct zs_field *fields, size_t n,
    struct zs_field_value *vals, const char *what)
{
	struct zs_details	 d;
	enum zs_fields_rc	 rc;
	char			 msg[128];

	zs_details_init(&d);
	rc = zs_fields_check(req->body, req->body_len, fields, n, vals, &d,
	    msg, sizeof(msg));
	if (rc == ZS_FIELDS_JSON)
		zs_reply_error(req, ZS_ERR_INVALID_JSON, msg, NULL);
	else if (rc == ZS_FIELDS_NOMEM)
		zs_reply_error(req, ZS_ERR_INTERNAL, msg, NULL);
	else if (rc == ZS_FIELDS_INVALID) {
		snprintf(msg, sizeof(msg), "the %s is not valid; see details",
		    what);
		zs_reply_error(req, ZS_ERR_VALIDATION_FAILED, msg, &d);
	}
	zs_details_free(&d);
	return rc == ZS_FIELDS_OK ? 0 : -1;
}

const char *
zs_req_param(const struct zs_req *req, const char *name)
{
	return FCGX_GetParam(name, req->envp);
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

/*
 * CGI only: 1 when the program runs as a non-parsed-header script (Apache
 * runs a file named nph-* so), 0 when not, -1 before the first write.
 */
static int cgi_nph = -1;

/*
 * CGI only: writes the head of the reply. Apache turns any 200 with a
 * Location header (an idempotent replay) into a redirect, so the shared
 * host layout runs the responders as nph-*: they then write the status
 * line themselves and the response goes to the client untouched, its end
 * marked by closing the connection.
 */
static void
cgi_write_head(const char *data, size_t len)
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
	if (fr != NULL && len > 8192)
		write_records(fr, data, len);
	else if (fr != NULL)
		FCGX_PutStr(data, (int)len, fr->out);
	else if (cgi_nph == -1)
		cgi_write_head(data, len);
	else
		fwrite(data, 1, len, stdout);
}

/* Reads exactly len body bytes; returns bytes read. */
static size_t
read_body(struct zs_req *req, char *buf, size_t len)
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

/*
 * Matches path against pattern; a "{id}" segment matches one non-empty
 * segment, copied to id. Returns 1 on a match.
 */
static int
route_match(const char *pattern, const char *path, char *id)
{
	size_t	 n;

	while (*pattern != '\0') {
		if (strncmp(pattern, "{id}", 4) == 0) {
			n = strcspn(path, "/");
			if (n == 0)
				return 0;
			memcpy(id, path, n);
			id[n] = '\0';
			pattern += 4;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
}

/*
 * Finds the route for req's method and path. A literal pattern that
 * matches the path hides the "{id}" patterns (so GET /inbox/ack is a 405,
 * not a lookup of an event called "ack"). Fills allow with the path's
 * methods. Returns 1 when the path is known, with *r NULL when the method
 * is not allowed there.
 */
static int
find_route(struct zs_req *req, const struct zs_route **r, char *allow,
    size_t allowsz)
{
	char	 id[ZS_HTTP_PATH_MAX + 1];
	size_t	 i;
	int	 pass, known = 0;
	const char *m;

	*r = NULL;
	for (pass = 0; pass < 2 && !known; pass++) {
		for (i = 0; i < app.nroutes; i++) {
			const struct zs_route *rt = &app.routes[i];
			int literal = strstr(rt->pattern, "{id}") == NULL;
			if (literal != (pass == 0) ||
			    !route_match(rt->pattern, req->path, id))
				continue;
			known = 1;
			m = zs_method_names[rt->method];
			if (strstr(allow, m) == NULL) {
				if (allow[0] != '\0')
					strncat(allow, ", ", allowsz -
					    strlen(allow) - 1);
				strncat(allow, m, allowsz - strlen(allow) - 1);
			}
			if (rt->method == req->method && *r == NULL) {
				*r = rt;
				memcpy(req->id, id, sizeof(id));
			}
		}
	}
	return known;
}

/* Sets req->request_id: the client's if usable, else a new one. */
static void
set_request_id(struct zs_req *req)
{
	const char	*v = zs_req_param(req, "HTTP_X_REQUEST_ID");
	struct zs_ulid	 u;
	char		 s[ZS_ULID_LEN + 1];

	if (zs_http_request_id_ok(v)) {
		snprintf(req->request_id, sizeof(req->request_id), "%s", v);
		return;
	}
	if (zs_ulid_next(NULL, (uint64_t)zs_time_now_ms(), &u) == -1)
		memset(&u, 0, sizeof(u));
	zs_ulid_encode(&u, s);
	snprintf(req->request_id, sizeof(req->request_id), "req_%s", s);
}

/* Answers OPTIONS: the methods of this path, and CORS if allowed. */
static void
reply_options(struct zs_req *req, const char *allow)
{
	zs_reply_header(req, "Allow: %s, OPTIONS", allow);
	if (req->origin != NULL &&
	    zs_req_param(req, "HTTP_ACCESS_CONTROL_REQUEST_METHOD") != NULL) {
		zs_reply_header(req, "Access-Control-Allow-Methods: %s, "
		    "OPTIONS", allow);
		zs_reply_header(req, "Access-Control-Allow-Headers: "
		    "Authorization, X-API-Key, Content-Type, Idempotency-Key, "
		    "X-Idempotency-Key, Last-Event-ID, X-Request-Id");
		zs_reply_header(req, "Access-Control-Max-Age: 600");
	}
	zs_reply_json(req, 204, NULL);
}

/*
 * Finds the API key (also ?api_key= when query_key); sets tenant. Returns
 * 0, or -1 after replying 401.
 */
static int
authenticate(struct zs_req *req, int query_key)
{
	const char	*v, *key = NULL;
	size_t		 len = 0;
	int		 bad = 0;
	char		 qkey[ZS_QUERY_VALUE_MAX + 1];

	if ((v = zs_req_param(req, "HTTP_AUTHORIZATION")) != NULL)
		bad = zs_auth_bearer(v, &key, &len);
	else if ((v = zs_req_param(req, "HTTP_X_API_KEY")) != NULL)
		bad = zs_auth_plain(v, &key, &len);
	else if (query_key &&
	    zs_query_find(req->query, "api_key", qkey, &len) == 1) {
		v = key = qkey;
	}
	if (key == NULL || bad)
		req->key_index = -1;
	else
		req->key_index = zs_auth_lookup(&app.cfg, key, len);
	if (req->key_index >= 0) {
		req->tenant = app.cfg.keys[req->key_index].tenant;
		return 0;
	}
	zs_reply_header(req, "WWW-Authenticate: Bearer realm=\"zapstream\"");
	zs_reply_error(req, ZS_ERR_UNAUTHORIZED, v == NULL ?
	    "missing API key: send Authorization: Bearer <key> or "
	    "X-API-Key: <key>" : "unknown API key", NULL);
	return -1;
}

/* Reads the idempotency headers. Returns 0 or -1 after replying 400. */
static int
read_idem(struct zs_req *req)
{
	const char		*a = zs_req_param(req, "HTTP_IDEMPOTENCY_KEY");
	const char		*b = zs_req_param(req, "HTTP_X_IDEMPOTENCY_KEY");
	char			 ka[ZS_HTTP_IDEM_MAX + 1] = "";
	char			 kb[ZS_HTTP_IDEM_MAX + 1] = "";
	int			 bad;
	struct zs_details	 d;

	if (a == NULL && b == NULL)
		return 0;
	bad = (a != NULL && zs_http_idem_key(a, ka) == -1) ||
	    (b != NULL && zs_http_idem_key(b, kb) == -1) ||
	    (a != NULL && b != NULL && strcmp(ka, kb) != 0);
	if (bad) {
		zs_details_init(&d);
		zs_details_add(&d, a ? "Idempotency-Key" : "X-Idempotency-Key",
		    a && b ? "both headers must carry the same key, of 1 to "
		    "255 visible ASCII characters" : "must be 1 to 255 visible "
		    "ASCII characters");
		zs_reply_error(req, ZS_ERR_INVALID_PARAMETER,
		    "the idempotency key is malformed", &d);
		zs_details_free(&d);
		return -1;
	}
	memcpy(req->idem_key, a ? ka : kb, sizeof(req->idem_key));
	req->has_idem = 1;
	return 0;
}

/* Reads and checks the body. Returns 0 or -1 after replying. */
static int
read_request_body(struct zs_req *req, const struct zs_route *r)
{
	long		 len;
	int		 too_big;
	char		 msg[96];

	len = zs_http_content_length(zs_req_param(req, "CONTENT_LENGTH"),
	    app.cfg.max_payload, &too_big);
	if (too_big) {
		snprintf(msg, sizeof(msg), "the body is larger than %ld bytes",
		    app.cfg.max_payload);
		zs_reply_error(req, ZS_ERR_PAYLOAD_TOO_LARGE, msg, NULL);
		return -1;
	}
	if (len < 0) {
		zs_reply_error(req, ZS_ERR_INVALID_PARAMETER,
		    "the Content-Length header is malformed", NULL);
		return -1;
	}
	if (!(r->flags & ZS_ROUTE_BODY) || len == 0)
		return 0;	/* unread bytes are discarded by libfcgi */
	if (zs_http_ctype(zs_req_param(req, "CONTENT_TYPE")) ==
	    ZS_CTYPE_OTHER) {
		zs_reply_error(req, ZS_ERR_UNSUPPORTED_MEDIA_TYPE,
		    "send the body as Content-Type: application/json", NULL);
		return -1;
	}
	if ((req->body = malloc((size_t)len + 1)) == NULL) {
		zs_reply_error(req, ZS_ERR_INTERNAL, "out of memory", NULL);
		return -1;
	}
	req->body_len = read_body(req, req->body, (size_t)len);
	req->body[req->body_len] = '\0';
	if (req->body_len != (size_t)len) {
		zs_reply_error(req, ZS_ERR_INVALID_JSON,
		    "the body ended before Content-Length bytes arrived", NULL);
		return -1;
	}
	return 0;
}

/* Parses one request and hands it to its route. */
static void
handle(struct zs_req *req)
{
	const struct zs_route	*r = NULL;
	const char		*origin;
	char			 allow[64] = "";
	int			 path_known = 0;

	set_request_id(req);
	zs_log_set_request(req->request_id);
	req->cfg = &app.cfg;
	req->key_index = -1;
	req->method = zs_http_method(zs_req_param(req, "REQUEST_METHOD"));
	req->query = zs_req_param(req, "QUERY_STRING");
	if (req->query == NULL)
		req->query = "";
	origin = zs_req_param(req, "HTTP_ORIGIN");
	if (origin != NULL &&
	    zs_config_origin_allowed(&app.cfg, origin, strlen(origin)))
		req->origin = origin;

	if (zs_http_path(zs_req_param(req, "REQUEST_URI"), req->path) == 0)
		path_known = find_route(req, &r, allow, sizeof(allow));
	if (!path_known) {
		zs_reply_error(req, ZS_ERR_NOT_FOUND, "no such route; see "
		    "/docs for the API", NULL);
		return;
	}
	if (r == NULL && req->method == ZS_METHOD_OPTIONS) {
		reply_options(req, allow);
		return;
	}
	if (r == NULL) {
		zs_reply_header(req, "Allow: %s, OPTIONS", allow);
		zs_reply_error(req, ZS_ERR_METHOD_NOT_ALLOWED,
		    "this method is not allowed here; see the Allow header",
		    NULL);
		return;
	}
	if (r->flags & ZS_ROUTE_AUTH) {
		if (authenticate(req, r->flags & ZS_ROUTE_QUERY_KEY) == -1)
			return;
		zs_ratelimit_take(req->key_index, zs_time_now_ms(), &req->rate);
		if (!req->rate.allowed) {
			zs_reply_header(req, "Retry-After: %ld",
			    req->rate.retry_after_s);
			zs_reply_error(req, ZS_ERR_RATE_LIMITED, "too many "
			    "requests for this API key; see Retry-After", NULL);
			return;
		}
	}
	if (read_request_body(req, r) == -1)
		return;
	if ((r->flags & ZS_ROUTE_IDEM) && read_idem(req) == -1)
		return;
	r->handler(req);
	if (!req->replied && !req->deferred) {
		zs_log("handler for %s sent no reply", r->pattern);
		zs_reply_error(req, ZS_ERR_INTERNAL,
		    "internal error; the log has details", NULL);
	}
}

/* Serves one request; 1 when its handler deferred it (zs_req_defer). */
static int
serve(void *io, char **envp, int may_defer)
{
	struct zs_req	 req;

	memset(&req, 0, sizeof(req));
	req.io = io;
	req.envp = envp;
	req.may_defer = may_defer;
	zs_buf_init(&req.headers, 8192);
	handle(&req);
	free(req.body);
	zs_buf_free(&req.headers);
	zs_log_set_request(NULL);
	return req.deferred;
}

void
zs_app_serve(void *io, char **envp)
{
	serve(io, envp, 0);
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

/*
 * Ends an FCGX request: when its input was read to the end, the connection
 * is simply closed. Otherwise libfcgi's own close runs: it shuts down the
 * sending side and reads until the web server hangs up, so that unread
 * input cannot make the server's writes fail before it has the reply.
 * That wait costs a sleep and a wake-up per request, so it is kept for
 * the rare request whose body was left unread (an early 413, say).
 */
static void
end_request(FCGX_Request *fr)
{
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
	*d = *req;		/* takes the body and the header buffer */
	req->body = NULL;
	zs_buf_init(&req->headers, 0);
	req->deferred = 1;
	return d;
}

void
zs_req_done(struct zs_req *req)
{
	FCGX_Request	*fr = req->io;

	zs_log_set_request(NULL);
	/* zs_req_defer drained the input: the writer never waits to read. */
	FCGX_Detach(fr);
	FCGX_Finish_r(fr);
	free(fr);
	free(req->body);
	zs_buf_free(&req->headers);
	free(req);
}

void
zs_app_refuse(void *io, char **envp, const char *message)
{
	struct zs_req	 req;

	memset(&req, 0, sizeof(req));
	req.io = io;
	req.envp = envp;
	zs_buf_init(&req.headers, 1024);
	set_request_id(&req);
	zs_reply_header(&req, "Retry-After: 5");
	zs_reply_error(&req, ZS_ERR_UNAVAILABLE, message, NULL);
	zs_buf_free(&req.headers);
}

const struct zs_config *
zs_app_init(const char *name, const struct zs_route *routes, size_t nroutes)
{
	char	 err[512];

	app.name = name;
	app.routes = routes;
	app.nroutes = nroutes;
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Every request mallocs and frees its body: keep freed memory in the
	 * process rather than handing it back with madvise(2) each time,
	 * which in a threaded responder means a TLB shootdown on every core.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	if (zs_config_load(&app.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: configuration error: %s\n", name, err);
		exit(1);
	}
	/* Failures here are logged and retried on each request. */
	zs_store_open(&app.cfg);
	zs_ratelimit_open(&app.cfg);
	return &app.cfg;
}

/*
 * CGI only: Apache hands a chunked body to a CGI program on stdin without
 * CONTENT_LENGTH. Reads all of it, keeping up to MAX_PAYLOAD_BYTES + 1
 * bytes in a temporary file that becomes stdin, and sets CONTENT_LENGTH to
 * the whole length, so the request boundary sees an ordinary body (or a
 * 413). Without a temporary file the body counts as missing.
 */
static void
cgi_spool_chunked_body(void)
{
	FILE	*tmp;
	char	 buf[8192], len[32];
	size_t	 total = 0, keep, cap = (size_t)app.cfg.max_payload + 1;
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

/*
 * CGI only: reads what is left of a body the reply did not need (up to
 * CONTENT_LENGTH bytes, or end of input), because Apache answers nothing
 * at all when the program exits before taking the whole body.
 */
static void
cgi_drain_body(void)
{
	const char	*v = getenv("CONTENT_LENGTH");
	char		 buf[8192];
	long long	 left = v != NULL ? atoll(v) : 0;
	size_t		 n;

	while (left > 0 && (n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		left -= (long long)n;
}

/* In CGI mode: serves the one request of this process and exits. */
static void
serve_cgi_if_cgi(void)
{
	if (!FCGX_IsCGI())
		return;
	cgi_spool_chunked_body();
	zs_app_serve(NULL, environ);
	fflush(stdout);
	cgi_drain_body();
	/* A hub thread (zs-stream, zs-lease) may be using the store: wait
	 * for it, and keep it out until exit. */
	zs_store_lock();
	zs_store_close();
	exit(0);
}

void
zs_app_run(const char *name, const struct zs_route *routes, size_t nroutes)
{
	FCGX_Request	 fr;

	zs_app_init(name, routes, nroutes);
	serve_cgi_if_cgi();
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0) {
		fprintf(stderr, "%s: cannot start FastCGI\n", name);
		exit(1);
	}
	while (FCGX_Accept_r(&fr) >= 0) {
		zs_app_serve(&fr, fr.envp);
		end_request(&fr);
	}
	zs_store_close();
	zs_ratelimit_close();
	exit(0);
}

void
zs_app_default_sigterm(void)
{
	/*
	 * libfcgi's handler only asks FCGX_Accept_r to return, which a
	 * thread blocked in accept(2) or on a lock never sees: a threaded
	 * responder must die of SIGTERM like any other process. A transaction
	 * cut short rolls back; no reply was sent for it.
	 */
	signal(SIGTERM, SIG_DFL);
}

/*
 * One pool thread: accept, serve, repeat. The threads call accept(2) on
 * the shared socket at once; the kernel hands each connection to one of
 * them. A request whose handler deferred it keeps its FCGX_Request (the
 * thread that answers it frees it), so the thread takes a new one.
 */
static void *
pool_loop(void *arg)
{
	FCGX_Request	*fr = NULL;
	int		 rc;

	(void)arg;
	for (;;) {
		if (fr == NULL && ((fr = malloc(sizeof(*fr))) == NULL ||
		    FCGX_InitRequest(fr, 0, 0) != 0)) {
			zs_log("cannot take requests: out of memory");
			sleep(1);
			free(fr);
			fr = NULL;
			continue;
		}
		rc = FCGX_Accept_r(fr);
		if (rc < 0)
			break;
		if (serve(fr, fr->envp, 1))
			fr = NULL;	/* now the deferred request's */
		else
			end_request(fr);
	}
	return NULL;
}

void
zs_app_run_pool(const char *name, const struct zs_route *routes,
    size_t nroutes, int nthreads, int (*start)(void))
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	int		 i;

	zs_app_init(name, routes, nroutes);
	serve_cgi_if_cgi();
	if (FCGX_Init() != 0 || (start != NULL && start() != 0)) {
		fprintf(stderr, "%s: cannot start\n", name);
		exit(1);
	}
	zs_app_default_sigterm();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&t, &attr, pool_loop, NULL) != 0)
			zs_log("could start only %d threads", i);
	pool_loop(NULL);
	exit(0);
}
