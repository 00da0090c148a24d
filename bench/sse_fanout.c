/*
 * sse_fanout: opens N streams (GET /inbox/stream) and, from a second
 * thread, posts events at a fixed rate; reports how long each event took
 * from its POST's 201 to its arrival on every stream.
 *
 *   sse_fanout PORT KEY STREAMS RATE SECONDS
 *
 * Prints one line of key=value figures: streams connected at the start
 * and at the end, events posted, deliveries expected and seen, and the
 * p50, p95 and max delivery latency in milliseconds. Loopback only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ID_LEN	 30		/* "evt_" + 26 */
#define TOPIC	 "bench-fanout"

/* One posted event: its id and when its 201 arrived. */
struct posted {
	char	 id[ID_LEN + 1];
	int64_t	 t_ns;
};

/* One arrival of an event on a stream. */
struct seen {
	char	 id[ID_LEN + 1];
	int64_t	 t_ns;
};

/* A stream's connection and its partial line. */
struct conn {
	int	 fd;
	int	 open;		/* still connected */
	int	 ready;		/* "retry:" arrived */
	char	 line[128];	/* start of the current line */
	size_t	 len;		/* bytes of the line seen (may exceed line) */
};

static int		 port;
static const char	*key;
static struct posted	*posts;
static size_t		 nposts;
static pthread_mutex_t	 posts_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int	 writer_done;

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
dial(void)
{
	struct sockaddr_in	 sa;
	int			 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes all of s; 0 or -1. */
static int
write_all(int fd, const char *s, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, s, n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Posts one event over a new connection; fills id. 0 or -1. */
static int
post_one(int n, char *id)
{
	char	 req[512], body[128], resp[2048];
	char	*p;
	int	 fd, len;
	ssize_t	 r;
	size_t	 got = 0;

	len = snprintf(body, sizeof(body),
	    "{\"topic\":\"" TOPIC "\",\"payload\":{\"n\":%d}}", n);
	snprintf(req, sizeof(req), "POST /events HTTP/1.0\r\nHost: x\r\n"
	    "X-API-Key: %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %d\r\n\r\n%s", key, len, body);
	if ((fd = dial()) == -1)
		return -1;
	if (write_all(fd, req, strlen(req)) == -1) {
		close(fd);
		return -1;
	}
	while (got < sizeof(resp) - 1 &&
	    (r = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	resp[got] = '\0';
	if (strncmp(resp, "HTTP/1.0 201", 12) != 0 ||
	    (p = strstr(resp, "\"id\":\"")) == NULL)
		return -1;
	memcpy(id, p + 6, ID_LEN);
	id[ID_LEN] = '\0';
	return 0;
}

/* Posts at the given rate for the given seconds. */
static void *
writer(void *arg)
{
	const long	*cfg = arg;	/* rate, seconds */
	int64_t		 start = now_ns(), gap = 1000000000LL / cfg[0];
	int64_t		 next = start;
	struct timespec	 ts;
	char		 id[ID_LEN + 1];
	long		 i, total = cfg[0] * cfg[1];

	for (i = 0; i < total; i++) {
		while (now_ns() < next) {
			ts.tv_sec = 0;
			ts.tv_nsec = 200000;
			nanosleep(&ts, NULL);
		}
		next += gap;
		if (post_one((int)i, id) == -1) {
			fprintf(stderr, "sse_fanout: a POST failed\n");
			continue;
		}
		pthread_mutex_lock(&posts_lock);
		memcpy(posts[nposts].id, id, sizeof(id));
		posts[nposts].t_ns = now_ns();
		nposts++;
		pthread_mutex_unlock(&posts_lock);
	}
	writer_done = 1;
	return NULL;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_posted(const void *a, const void *b)
{
	return strcmp(((const struct posted *)a)->id,
	    ((const struct posted *)b)->id);
}

/* Handles one complete line of a stream. */
static void
on_line(struct conn *c, struct seen *seen, size_t *nseen, size_t cap)
{
	const char	*pfx = "data: {\"id\":\"";
	size_t		 n = strlen(pfx);

	if (c->len >= 6 && strncmp(c->line, "retry:", 6) == 0)
		c->ready = 1;
	if (c->len >= n + ID_LEN && strncmp(c->line, pfx, n) == 0 &&
	    *nseen < cap) {
		memcpy(seen[*nseen].id, c->line + n, ID_LEN);
		seen[*nseen].id[ID_LEN] = '\0';
		seen[*nseen].t_ns = now_ns();
		(*nseen)++;
	}
}

/* Reads what one stream has and handles its complete lines. */
static void
read_conn(int ep, struct conn *c, struct seen *seen, size_t *nseen,
    size_t cap)
{
	static char	 buf[65536];
	ssize_t		 r, j;

	if ((r = read(c->fd, buf, sizeof(buf))) <= 0) {
		if (r == -1 && errno == EAGAIN)
			return;
		c->open = 0;
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		return;
	}
	for (j = 0; j < r; j++) {
		if (buf[j] == '\n') {
			on_line(c, seen, nseen, cap);
			c->len = 0;
		} else if (c->len++ < sizeof(c->line))
			c->line[c->len - 1] = buf[j];
	}
}

int
main(int argc, char *argv[])
{
	struct rlimit		 rl = { 65536, 65536 };
	struct epoll_event	 ev, evs[256];
	struct conn		*conns;
	struct seen		*seen;
	struct posted		 key_p, *hit;
	pthread_t		 wt;
	long			 wcfg[2];
	char			 req[512];
	int64_t			*lat, end_ns;
	size_t			 nseen = 0, cap, nlat = 0, i;
	int			 nstreams, ep, n, k, connected = 0, ready;

	if (argc != 6) {
		fprintf(stderr, "usage: sse_fanout PORT KEY STREAMS RATE "
		    "SECONDS\n");
		return 2;
	}
	port = atoi(argv[1]);
	key = argv[2];
	nstreams = atoi(argv[3]);
	wcfg[0] = atol(argv[4]);
	wcfg[1] = atol(argv[5]);
	setrlimit(RLIMIT_NOFILE, &rl);
	cap = (size_t)nstreams * (size_t)(wcfg[0] * wcfg[1]) + 16;
	conns = calloc((size_t)nstreams, sizeof(*conns));
	seen = calloc(cap, sizeof(*seen));
	posts = calloc((size_t)(wcfg[0] * wcfg[1]) + 1, sizeof(*posts));
	lat = calloc(cap, sizeof(*lat));
	if (conns == NULL || seen == NULL || posts == NULL || lat == NULL ||
	    (ep = epoll_create1(0)) == -1)
		return 1;

	snprintf(req, sizeof(req), "GET /inbox/stream?topic=" TOPIC
	    "&api_key=%s HTTP/1.0\r\nHost: x\r\n\r\n", key);
	for (k = 0; k < nstreams; k++) {
		if ((conns[k].fd = dial()) == -1 ||
		    write_all(conns[k].fd, req, strlen(req)) == -1) {
			fprintf(stderr, "sse_fanout: stream %d failed to "
			    "open\n", k);
			conns[k].fd = -1;
			continue;
		}
		fcntl(conns[k].fd, F_SETFL, O_NONBLOCK);
		conns[k].open = 1;
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)k;
		epoll_ctl(ep, EPOLL_CTL_ADD, conns[k].fd, &ev);
	}

	/* Wait (at most 30 s) until every stream got its "retry:" line. */
	end_ns = now_ns() + 30000000000LL;
	for (;;) {
		for (ready = 0, k = 0; k < nstreams; k++)
			ready += conns[k].ready;
		if (ready == nstreams || now_ns() > end_ns)
			break;
		n = epoll_wait(ep, evs, 256, 100);
		for (i = 0; i < (size_t)(n > 0 ? n : 0); i++)
			read_conn(ep, &conns[evs[i].data.u32], seen, &nseen,
			    cap);
	}
	for (k = 0; k < nstreams; k++)
		connected += conns[k].ready;
	nseen = 0;

	pthread_create(&wt, NULL, writer, wcfg);
	end_ns = -1;
	for (;;) {
		if (writer_done && end_ns < 0)
			end_ns = now_ns() + 2000000000LL;	/* drain 2 s */
		if (end_ns > 0 && now_ns() > end_ns)
			break;
		n = epoll_wait(ep, evs, 256, 50);
		for (i = 0; i < (size_t)(n > 0 ? n : 0); i++)
			read_conn(ep, &conns[evs[i].data.u32], seen, &nseen,
			    cap);
	}
	pthread_join(wt, NULL);

	qsort(posts, nposts, sizeof(*posts), cmp_posted);
	for (i = 0; i < nseen; i++) {
		memcpy(key_p.id, seen[i].id, sizeof(key_p.id));
		hit = bsearch(&key_p, posts, nposts, sizeof(*posts),
		    cmp_posted);
		if (hit == NULL)
			continue;
		lat[nlat++] = seen[i].t_ns > hit->t_ns ?
		    seen[i].t_ns - hit->t_ns : 0;
	}
	qsort(lat, nlat, sizeof(*lat), cmp_i64);
	for (ready = 0, k = 0; k < nstreams; k++)
		ready += conns[k].open;
	printf("streams=%d connected=%d open_at_end=%d posted=%zu "
	    "expected=%zu delivered=%zu p50_ms=%.1f p95_ms=%.1f "
	    "max_ms=%.1f\n", nstreams, connected, ready, nposts,
	    nposts * (size_t)connected, nlat,
	    nlat ? lat[nlat / 2] / 1e6 : -1.0,
	    nlat ? lat[nlat * 95 / 100] / 1e6 : -1.0,
	    nlat ? lat[nlat - 1] / 1e6 : -1.0);
	return 0;
}
