/*
 * lease_bench: leases against ZapStream on loopback (issue 8).
 *
 *   lease_bench PORT KEY work WORKERS EVENTS
 *	Posts EVENTS events twice, under two topics. The baseline: WORKERS
 *	threads acknowledge the first set by id (listed beforehand), with
 *	no lease. Then WORKERS threads lease (limit 10) and acknowledge with
 *	the lease_id until the second set is empty. Prints events/s of both
 *	and their ratio, and checks every event was acknowledged once.
 *
 *   lease_bench PORT KEY wake ROUNDS
 *	ROUNDS times: a long poll (wait 20) waits on an empty topic, an
 *	event is posted, and the time from the POST's 201 to the lease's
 *	reply is taken. Prints p50, p95 and max in milliseconds.
 *
 * One key=value line per result. HTTP/1.0, one connection per request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ID_LEN		 30		/* "evt_" or "lse_" + 26 */
#define RESP_MAX	 (1 << 20)
#define WORKERS_MAX	 64

static int		 port;
static const char	*key;

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Sends one request with an optional JSON body and reads the whole reply
 * into resp (RESP_MAX bytes). Returns the status code, or -1.
 */
static int
http(const char *method, const char *path, const char *body, char *resp)
{
	struct sockaddr_in	 sa;
	char			 head[512];
	size_t			 got = 0, blen = body ? strlen(body) : 0;
	ssize_t			 r;
	int			 fd, hlen;

	hlen = snprintf(head, sizeof(head), "%s %s HTTP/1.0\r\nHost: x\r\n"
	    "X-API-Key: %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", method, path, key, blen);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    write(fd, head, (size_t)hlen) != hlen ||
	    (blen > 0 && write(fd, body, blen) != (ssize_t)blen)) {
		close(fd);
		return -1;
	}
	while (got < RESP_MAX - 1 &&
	    (r = read(fd, resp + got, RESP_MAX - 1 - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	resp[got] = '\0';
	if (strncmp(resp, "HTTP/1.", 7) != 0 || got < 12)
		return -1;
	return atoi(resp + 9);
}

/* Copies the ID_LEN characters after the next `"name":"` from *p on. */
static int
next_field(const char **p, const char *name, char *out)
{
	char		 pat[32];
	const char	*q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", name);
	if ((q = strstr(*p, pat)) == NULL)
		return -1;
	q += strlen(pat);
	memcpy(out, q, ID_LEN);
	out[ID_LEN] = '\0';
	*p = q + ID_LEN;
	return 0;
}

static int
post_events(const char *topic, int n, char *resp)
{
	char	 body[256];
	int	 i;

	for (i = 0; i < n; i++) {
		snprintf(body, sizeof(body), "{\"source\":\"bench\",\"type\":"
		    "\"job.created\",\"topic\":\"%s\",\"payload\":{\"job\":%d,"
		    "\"note\":\"a job for a worker to run\"}}", topic, i);
		if (http("POST", "/events", body, resp) != 201)
			return -1;
	}
	return 0;
}

static int
ack(const char *id, const char *lease_id, char *resp)
{
	char	 path[64], body[64];

	snprintf(path, sizeof(path), "/inbox/%s/ack", id);
	if (lease_id != NULL)
		snprintf(body, sizeof(body), "{\"lease_id\":\"%s\"}", lease_id);
	return http("POST", path, lease_id ? body : NULL, resp) == 200 ?
	    0 : -1;
}

/* ---- work ------------------------------------------------------------- */

struct worker {
	pthread_t	 t;
	char		(*ids)[ID_LEN + 1];	/* baseline: ids to ack */
	int		 nids;
	int		 done;			/* events acknowledged */
	int		 lost;			/* acks with lease_lost */
	int		 errors;
};

static void *
ack_worker(void *arg)
{
	struct worker	*w = arg;
	char		*resp = malloc(RESP_MAX);
	int		 i;

	for (i = 0; resp != NULL && i < w->nids; i++) {
		if (ack(w->ids[i], NULL, resp) == 0)
			w->done++;
		else
			w->errors++;
	}
	free(resp);
	return NULL;
}

static void *
lease_worker(void *arg)
{
	struct worker	*w = arg;
	char		*resp = malloc(RESP_MAX), *ack_resp = malloc(RESP_MAX);
	char		 id[ID_LEN + 1], lid[ID_LEN + 1];
	const char	*p;
	int		 n;

	while (resp != NULL && ack_resp != NULL) {
		if (http("POST", "/inbox/lease", "{\"topic\":\"bench-lease\","
		    "\"limit\":10,\"visibility_timeout\":120}", resp) != 200) {
			w->errors++;
			break;
		}
		p = resp;
		n = 0;
		while (next_field(&p, "id", id) == 0 &&
		    next_field(&p, "lease_id", lid) == 0) {
			n++;
			if (ack(id, lid, ack_resp) == 0)
				w->done++;
			else
				w->errors++;
			if (strstr(ack_resp, "\"lease_lost\":true"))
				w->lost++;
		}
		if (n == 0)
			break;
	}
	free(resp);
	free(ack_resp);
	return NULL;
}

/* Lists every pending id of topic into ids (cap n); returns the count. */
static int
list_ids(const char *topic, char (*ids)[ID_LEN + 1], int n, char *resp)
{
	char		 path[256], cursor[128] = "";
	const char	*p, *c;
	int		 got = 0;

	for (;;) {
		snprintf(path, sizeof(path), "/inbox?topic=%s&limit=500%s%s",
		    topic, *cursor ? "&cursor=" : "", cursor);
		if (http("GET", path, NULL, resp) != 200)
			return -1;
		p = resp;
		while (got < n && next_field(&p, "id", ids[got]) == 0)
			got++;
		if ((c = strstr(resp, "\"next_cursor\":\"")) == NULL)
			return got;
		c += strlen("\"next_cursor\":\"");
		snprintf(cursor, sizeof(cursor), "%.*s",
		    (int)strcspn(c, "\""), c);
	}
}

/* Runs nw workers of fn; returns events/s, with done/lost/errors summed. */
static double
run_workers(void *(*fn)(void *), struct worker *w, int nw, int *done,
    int *lost, int *errors)
{
	int64_t	 t0 = now_ns();
	int	 i;

	for (i = 0; i < nw; i++)
		pthread_create(&w[i].t, NULL, fn, &w[i]);
	*done = *lost = *errors = 0;
	for (i = 0; i < nw; i++) {
		pthread_join(w[i].t, NULL);
		*done += w[i].done;
		*lost += w[i].lost;
		*errors += w[i].errors;
	}
	return *done / ((now_ns() - t0) / 1e9);
}

static int
work(int nw, int nevents)
{
	struct worker	 w[WORKERS_MAX];
	char		(*ids)[ID_LEN + 1];
	char		*resp = malloc(RESP_MAX);
	double		 base, leased;
	int		 i, n, done, lost, errors, per;

	ids = calloc((size_t)nevents, sizeof(*ids));
	if (resp == NULL || ids == NULL || nw < 1 || nw > WORKERS_MAX)
		return 1;
	if (post_events("bench-ack", nevents, resp) == -1 ||
	    post_events("bench-lease", nevents, resp) == -1) {
		fprintf(stderr, "lease_bench: posting failed\n");
		return 1;
	}
	if ((n = list_ids("bench-ack", ids, nevents, resp)) != nevents) {
		fprintf(stderr, "lease_bench: listed %d of %d\n", n, nevents);
		return 1;
	}
	memset(w, 0, sizeof(w));
	per = (nevents + nw - 1) / nw;
	for (i = 0; i < nw; i++) {
		w[i].ids = ids + i * per;
		w[i].nids = i * per + per <= nevents ? per : nevents - i * per;
	}
	base = run_workers(ack_worker, w, nw, &done, &lost, &errors);
	printf("ack_only_events_per_s=%.0f acked=%d errors=%d\n", base, done,
	    errors);
	memset(w, 0, sizeof(w));
	leased = run_workers(lease_worker, w, nw, &done, &lost, &errors);
	printf("lease_ack_events_per_s=%.0f acked=%d lease_lost=%d "
	    "errors=%d ratio=%.2f\n", leased, done, lost, errors,
	    leased / base);
	/* Every event once: nothing is left pending under either topic. */
	n = list_ids("bench-lease", ids, nevents, resp);
	free(resp);
	free(ids);
	return done == nevents && errors == 0 && lost == 0 && n == 0 ? 0 : 1;
}

/* ---- wake ------------------------------------------------------------- */

struct waiter {
	char	*resp;
	int	 status;
	int64_t	 t_reply;
};

static void *
long_poll(void *arg)
{
	struct waiter	*wt = arg;

	wt->status = http("POST", "/inbox/lease",
	    "{\"topic\":\"bench-wake\",\"limit\":1,\"wait\":20}", wt->resp);
	wt->t_reply = now_ns();
	return NULL;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
wake(int rounds)
{
	struct waiter	 wt;
	struct timespec	 settle;
	pthread_t	 t;
	int64_t		*lat = calloc((size_t)rounds, sizeof(*lat)), t_post;
	char		*resp = malloc(RESP_MAX), id[ID_LEN + 1], lid[ID_LEN + 1];
	const char	*p;
	int		 i, errors = 0;

	wt.resp = malloc(RESP_MAX);
	if (lat == NULL || resp == NULL || wt.resp == NULL)
		return 1;
	for (i = 0; i < rounds; i++) {
		pthread_create(&t, NULL, long_poll, &wt);
		/* The poll is waiting; a random extra 0-99 ms, so the posts
		 * do not keep one phase against the hub's poll ticks. */
		settle.tv_sec = 0;
		settle.tv_nsec = (300 + rand() % 100) * 1000000L;
		nanosleep(&settle, NULL);
		if (post_events("bench-wake", 1, resp) == -1)
			errors++;
		t_post = now_ns();
		pthread_join(t, NULL);
		lat[i] = wt.t_reply - t_post;
		p = wt.resp;
		if (wt.status != 200 || next_field(&p, "id", id) == -1 ||
		    next_field(&p, "lease_id", lid) == -1 ||
		    ack(id, lid, resp) == -1)
			errors++;
	}
	qsort(lat, (size_t)rounds, sizeof(*lat), cmp_i64);
	printf("wake_rounds=%d p50_ms=%.1f p95_ms=%.1f max_ms=%.1f "
	    "errors=%d\n", rounds, lat[rounds / 2] / 1e6,
	    lat[rounds * 95 / 100] / 1e6, lat[rounds - 1] / 1e6, errors);
	free(lat);
	free(resp);
	free(wt.resp);
	return errors == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	if (argc >= 5) {
		port = atoi(argv[1]);
		key = argv[2];
		if (strcmp(argv[3], "work") == 0 && argc == 6)
			return work(atoi(argv[4]), atoi(argv[5]));
		if (strcmp(argv[3], "wake") == 0 && argc == 5)
			return wake(atoi(argv[4]));
	}
	fprintf(stderr, "usage: lease_bench PORT KEY work WORKERS EVENTS\n"
	    "       lease_bench PORT KEY wake ROUNDS\n");
	return 2;
}
