/*
 * zs_app: the process models. See zs_app.h. Each one loads the settings,
 * opens the store, and then hands every request to zs_serve.
 */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "boundary/zs_app.h"
#include "boundary/zs_cgi.h"
#include "boundary/zs_serve.h"
#include "util/zs_log.h"
#include "util/zs_metrics.h"

#define THREAD_STACK	 (256 * 1024)	/* bytes; a request needs little */

extern char **environ;

/* This process's responder: its name, routes and settings. */
static struct zs_service svc;

void
zs_app_on_refused(void (*fn)(struct zs_req *))
{
	svc.refused = fn;
}

/* Loads the settings (exits with the message when they are bad) and
 * opens the store and the rate limits. */
static void
init(const char *name, const struct zs_route *routes, size_t nroutes)
{
	char	 err[512];

	svc.name = name;
	svc.routes = routes;
	svc.nroutes = nroutes;
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Every request mallocs and frees its body: keep freed memory in the
	 * process rather than handing it back with madvise(2) each time,
	 * which in a threaded responder means a TLB shootdown on every core.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	if (zs_config_load(&svc.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: configuration error: %s\n", name, err);
		exit(1);
	}
	if (svc.cfg.nkeys == 0)
		zs_log("no API keys are configured: every request that needs "
		    "one is refused with 503 (set API_KEYS; DEV_MODE=1 "
		    "accepts the development key)");
	else if (svc.cfg.dev_mode == 0 && zs_config_public_key(&svc.cfg))
		/* Not named: no key, however public, goes to a log. */
		zs_log("API_KEYS holds a publicly known key (the development "
		    "key or the old samples' key): anyone can use it; "
		    "replace it (zs-admin check fails until then)");
	zs_metrics_setup(svc.cfg.db_path, svc.cfg.metrics_max_tenants);
	/* Failures here are logged and retried on each request. */
	zs_store_open(&svc.cfg);
	zs_ratelimit_open(&svc.cfg);
}

/* In CGI mode: serves the one request of this process and exits. */
static void
serve_cgi_if_cgi(void)
{
	if (!FCGX_IsCGI())
		return;
	zs_cgi_spool_chunked_body(svc.cfg.max_payload);
	zs_serve(&svc, NULL, environ, 0);
	fflush(stdout);
	zs_cgi_drain_body();
	/* A hub thread (zs-stream, zs-lease) may be using the store: wait
	 * for it, and keep it out until exit. */
	zs_store_lock();
	zs_store_close();
	exit(0);
}

/* Starts FastCGI, or exits with a message. */
static void
fcgi_init(void)
{
	if (FCGX_Init() != 0) {
		fprintf(stderr, "%s: cannot start FastCGI\n", svc.name);
		exit(1);
	}
}

/*
 * libfcgi's SIGTERM handler only asks FCGX_Accept_r to return, which a
 * thread blocked in accept(2) or on a lock never sees: a threaded
 * responder must die of SIGTERM like any other process. A transaction cut
 * short rolls back; no reply was sent for it. Call after FCGX_Init.
 */
static void
default_sigterm(void)
{
	signal(SIGTERM, SIG_DFL);
}

/* The attributes of every request thread: detached, a small stack. */
static void
thread_attr(pthread_attr_t *attr)
{
	pthread_attr_init(attr);
	pthread_attr_setstacksize(attr, THREAD_STACK);
	pthread_attr_setdetachstate(attr, PTHREAD_CREATE_DETACHED);
}

/* Starts n - 1 detached threads running fn (the caller is the n-th). */
static void
start_threads(int n, void *(*fn)(void *))
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	int		 i;

	thread_attr(&attr);
	for (i = 1; i < n; i++)
		if (pthread_create(&t, &attr, fn, NULL) != 0)
			zs_log("could start only %d threads", i);
	pthread_attr_destroy(&attr);
}

/* A new FCGX_Request, or NULL after a log line. */
static FCGX_Request *
new_request(void)
{
	FCGX_Request	*fr;

	if ((fr = calloc(1, sizeof(*fr))) == NULL ||
	    FCGX_InitRequest(fr, 0, 0) != 0) {
		zs_log("cannot take requests: out of memory");
		free(fr);
		return NULL;
	}
	return fr;
}

void
zs_app_run(const char *name, const struct zs_route *routes, size_t nroutes)
{
	FCGX_Request	 fr;

	init(name, routes, nroutes);
	serve_cgi_if_cgi();
	fcgi_init();
	if (FCGX_InitRequest(&fr, 0, 0) != 0) {
		fprintf(stderr, "%s: cannot start FastCGI\n", name);
		exit(1);
	}
	while (FCGX_Accept_r(&fr) >= 0) {
		zs_serve(&svc, &fr, fr.envp, 0);
		zs_req_end(&fr);
	}
	zs_store_close();
	zs_ratelimit_close();
	exit(0);
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

	(void)arg;
	for (;;) {
		if (fr == NULL && (fr = new_request()) == NULL) {
			sleep(1);
			continue;
		}
		if (FCGX_Accept_r(fr) < 0)
			break;
		if (zs_serve(&svc, fr, fr->envp, 1))
			fr = NULL;	/* now the deferred request's */
		else
			zs_req_end(fr);
	}
	return NULL;
}

void
zs_app_run_pool(const char *name, const struct zs_route *routes,
    size_t nroutes, int nthreads, int (*start)(const struct zs_config *))
{
	init(name, routes, nroutes);
	serve_cgi_if_cgi();
	fcgi_init();
	if (start != NULL && start(&svc.cfg) != 0) {
		fprintf(stderr, "%s: cannot start\n", name);
		exit(1);
	}
	default_sigterm();
	start_threads(nthreads, pool_loop);
	pool_loop(NULL);
	exit(0);
}

/* Streams open now, at most svc.cfg.stream_max. */
static atomic_int open_streams;

/* Serves one accepted request on its own thread, then frees it. */
static void *
stream_thread(void *arg)
{
	FCGX_Request	*fr = arg;

	zs_serve(&svc, fr, fr->envp, 0);
	FCGX_Finish_r(fr);
	free(fr);
	atomic_fetch_sub(&open_streams, 1);
	return NULL;
}

/* Answers one request at once with 503: every stream slot is taken. */
static void
refuse(FCGX_Request *fr)
{
	zs_serve_refuse(fr, fr->envp, "too many open streams; retry shortly");
	FCGX_Finish_r(fr);
	free(fr);
}

void
zs_app_run_streams(const char *name, const struct zs_route *routes,
    size_t nroutes, int (*start)(const struct zs_config *))
{
	pthread_attr_t	 attr;
	pthread_t	 t;
	FCGX_Request	*fr;
	int		 rc = 1;

	init(name, routes, nroutes);
	if (start(&svc.cfg) != 0) {
		fprintf(stderr, "%s: cannot start\n", name);
		exit(1);
	}
	serve_cgi_if_cgi();
	fcgi_init();
	default_sigterm();
	thread_attr(&attr);
	while ((fr = new_request()) != NULL) {
		if (FCGX_Accept_r(fr) < 0) {
			free(fr);
			rc = 0;
			break;
		}
		if (atomic_fetch_add(&open_streams, 1) >= svc.cfg.stream_max) {
			atomic_fetch_sub(&open_streams, 1);
			refuse(fr);
			continue;
		}
		if (pthread_create(&t, &attr, stream_thread, fr) != 0) {
			atomic_fetch_sub(&open_streams, 1);
			zs_log("stream: cannot start a thread");
			refuse(fr);
		}
	}
	exit(rc);
}
