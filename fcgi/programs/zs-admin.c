/*
 * zs-admin: the commands make runs around the responders.
 *   zs-admin check            validate the configuration and database dir
 *   zs-admin label            print the database as the messages name it
 *                             (a PostgreSQL URL without its password), for
 *                             make dev's banner
 *   zs-admin migrate SQLDIR   create or upgrade the database
 *   zs-admin purge            remove what retention allows, now
 *   zs-admin copy-to-postgres copy the SQLite inbox (DATABASE_PATH) into
 *                             PostgreSQL (DATABASE_URL); safe to re-run
 *   zs-admin hooks            list the webhook sources and their URLs
 *   zs-admin hook-add NAME TENANT SCHEME [TOPIC]
 *                             add a source to WEBHOOK_SOURCES_FILE (the
 *                             secret is read from standard input, so it
 *                             stays out of ps and shell history) and print
 *                             its URL
 *   zs-admin hook-rotate TENANT NAME
 *                             give a source a new URL; the old one stops
 * URLs are printed under PUBLIC_URL (default http://127.0.0.1:PORT, the
 * address make dev serves on and make hooks prints).
 * Exit status 0 on success, 1 with one message on stderr otherwise; check
 * exits 2 when the keys are unsafe (see cmd_check).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/zs_config.h"
#include "store/zs_copy.h"
#include "store/zs_store.h"
#include "util/zs_time.h"
#include "webhooks/zs_token.h"

/* Large: kept out of main's stack frame. */
static struct zs_config	 cfg;
static zs_token_t	 tokens[ZS_SOURCES_MAX];

/* Prints the usage line; returns the exit status 1. */
static int
usage(void)
{
	fprintf(stderr, "usage: zs-admin check | label | migrate SQLDIR | "
	    "purge | hooks | status | copy-to-postgres | search-rebuild\n"
	    "       zs-admin hook-add NAME TENANT SCHEME [TOPIC] "
	    "<secret-file\n       zs-admin hook-rotate TENANT NAME\n");
	return 1;
}

/* Prints one source's line: name, tenant, scheme, topic, URL. */
static void
print_source(size_t i)
{
	const struct zs_source	*src = &cfg.sources[i];
	const char		*base = getenv("PUBLIC_URL");
	size_t			 len;

	if (base == NULL || *base == '\0') {
		printf("%s\t%s\t%s\t%s\thttp://127.0.0.1:%d/hooks/%s\n",
		    src->name, src->tenant, zs_scheme_names[src->scheme],
		    src->topic[0] ? src->topic : "-", cfg.port, tokens[i]);
		return;
	}
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		len--;
	printf("%s\t%s\t%s\t%s\t%.*s/hooks/%s\n", src->name, src->tenant,
	    zs_scheme_names[src->scheme], src->topic[0] ? src->topic : "-",
	    (int)len, base, tokens[i]);
}

/* Opens the store and fills tokens[]; 0, or 1 after a message. */
static int
load_tokens(void)
{
	char	 label[ZS_CONFIG_URL_MAX + 1];

	if (zs_store_open(&cfg) != ZS_STORE_OK ||
	    zs_token_load(&cfg, tokens) != ZS_STORE_OK) {
		fprintf(stderr, "zapstream: cannot read the webhook tokens "
		    "from %s (run make db-init)\n",
		    zs_config_db_label(&cfg, label, sizeof(label)));
		return 1;
	}
	return 0;
}

/* zs-admin hooks: every source and its URL; 0 or 1. */
static int
cmd_hooks(void)
{
	size_t	 i;

	if (load_tokens() != 0)
		return 1;
	for (i = 0; i < cfg.nsources; i++)
		print_source(i);
	if (cfg.nsources == 0)
		fprintf(stderr, "no webhook sources: set WEBHOOK_SOURCES or "
		    "WEBHOOK_SOURCES_FILE\n");
	return 0;
}

/* Reads one line (the secret) from stdin into buf without its newline. */
static int
read_secret(char *buf, size_t cap)
{
	size_t	 n;

	if (isatty(STDIN_FILENO))
		fprintf(stderr, "signing secret (one line): ");
	if (fgets(buf, (int)cap, stdin) == NULL)
		return -1;
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && !feof(stdin))
		return -1;		/* longer than cap */
	buf[n] = '\0';
	return 0;
}

/* Appends line to file, after a newline if the file lacks a final one. */
static int
append_line(const char *file, const char *line)
{
	struct stat	 st;
	char		 last = '\n';
	int		 fd, ok;

	if ((fd = open(file, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	ok = (last == '\n' || write(fd, "\n", 1) == 1) &&
	    write(fd, line, strlen(line)) == (ssize_t)strlen(line) &&
	    write(fd, "\n", 1) == 1;
	return close(fd) == 0 && ok ? 0 : -1;
}

/*
 * zs-admin hook-add NAME TENANT SCHEME [TOPIC]: checks the new entry as
 * the responders will, appends it to WEBHOOK_SOURCES_FILE and prints its
 * URL; 0 or 1. Messages never hold the secret.
 */
static int
cmd_hook_add(int argc, char *argv[])
{
	const char		*file = getenv("WEBHOOK_SOURCES_FILE");
	struct zs_source	 one;
	char			 secret[ZS_SOURCE_SECRET_MAX + 2] = "";
	char			 entry[640], err[512] = "";
	size_t			 n = 0, k;
	int			 i, none;

	if (argc < 5 || argc > 6)
		return usage();
	if (file == NULL || *file == '\0') {
		fprintf(stderr, "zapstream: hook-add writes to "
		    "WEBHOOK_SOURCES_FILE: set it to a file path\n");
		return 1;
	}
	none = strcmp(argv[4], "none") == 0;
	if (!none && (read_secret(secret, sizeof(secret)) == -1 ||
	    strpbrk(secret, ":;") != NULL)) {
		fprintf(stderr, "zapstream: hook-add reads the signing secret "
		    "as one line of standard input, without ':' or ';'\n");
		return 1;
	}
	if (argc == 6 && strpbrk(argv[5], ":;") != NULL) {
		fprintf(stderr, "zapstream: the topic may not contain ':' or "
		    "';'\n");
		return 1;
	}
	snprintf(entry, sizeof(entry), "%s:%s:%s:%s%s%s", argv[2], argv[3],
	    argv[4], secret, argc == 6 ? ":" : "", argc == 6 ? argv[5] : "");
	if (zs_source_parse(entry, "hook-add", 0, &one, 1, &n, err,
	    sizeof(err)) == -1 || n != 1) {
		fprintf(stderr, "zapstream: %s\n", n != 1 && err[0] == '\0' ?
		    "hook-add: the source is empty" : err);
		return 1;
	}
	for (k = 0; k < cfg.nkeys; k++)
		if (strcmp(cfg.keys[k].tenant, one.tenant) == 0)
			break;
	if (k == cfg.nkeys) {
		fprintf(stderr, "zapstream: tenant %s has no key in "
		    "API_KEYS\n", one.tenant);
		return 1;
	}
	if (zs_source_find(cfg.sources, cfg.nsources, one.tenant,
	    one.name) >= 0) {
		fprintf(stderr, "zapstream: tenant %s already has a source "
		    "named %s\n", one.tenant, one.name);
		return 1;
	}
	if (append_line(file, entry) == -1) {
		fprintf(stderr, "zapstream: cannot append to %s: %s\n", file,
		    strerror(errno));
		return 1;
	}
	if (zs_config_load(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "zapstream: configuration error: %s\n", err);
		return 1;
	}
	if (load_tokens() != 0)
		return 1;
	i = zs_source_find(cfg.sources, cfg.nsources, one.tenant, one.name);
	print_source((size_t)i);
	fprintf(stderr, "added to %s; restart ZapStream so the responders "
	    "read it\n", file);
	return 0;
}

/* zs-admin hook-rotate TENANT NAME: a new token, printed; 0 or 1. */
static int
cmd_hook_rotate(const char *tenant, const char *name)
{
	int	 i;

	if ((i = zs_source_find(cfg.sources, cfg.nsources, tenant, name)) <
	    0) {
		fprintf(stderr, "zapstream: tenant %s has no source named %s\n",
		    tenant, name);
		return 1;
	}
	if (load_tokens() != 0)
		return 1;
	if (zs_token_rotate(&cfg, (size_t)i, tokens[i]) != ZS_STORE_OK) {
		fprintf(stderr, "zapstream: cannot store the new token\n");
		return 1;
	}
	print_source((size_t)i);
	return 0;
}

/* Prints one tenant's row of zs-admin status. */
static void
print_queue(const struct zs_queue *q, void *arg)
{
	int64_t	*now = arg;
	double	 age = q->oldest_ms < 0 || q->oldest_ms > *now ? 0 :
		    (double)(*now - q->oldest_ms) / 1000.0;

	printf("%-24s %-8s %9lld %9lld %9lld %12lld %10.1f\n", q->tenant,
	    "default", (long long)q->pending, (long long)q->leased,
	    (long long)q->dead, (long long)q->acknowledged, age);
}

/*
 * zs-admin status: per tenant and group, the counts GET /stats and GET
 * /metrics show (the same store query as /metrics). 0 or 1.
 */
static int
cmd_status(void)
{
	int64_t	 now = zs_time_now_ms();

	if (zs_store_open(&cfg) != ZS_STORE_OK)
		return 1;
	printf("%-24s %-8s %9s %9s %9s %12s %10s\n", "tenant", "group",
	    "pending", "leased", "dead", "acknowledged", "oldest_s");
	if (zs_store_queue(now, print_queue, &now) != ZS_STORE_OK) {
		fprintf(stderr, "zapstream: cannot read the queue (see the "
		    "message above)\n");
		return 1;
	}
	return 0;
}

/*
 * zs-admin check: the configuration was checked already; a database
 * server is also reached, and reported (one line naming it when it
 * cannot be). 0, 1 (the configuration or the database is bad) or 2 (the
 * keys would let anyone in, or nobody: outside DEV_MODE, no keys or a
 * publicly known one).
 */
static int
cmd_check(void)
{
	char		 report[512];
	const char	*pub;

	if (zs_store_check(&cfg, report, sizeof(report)) != ZS_STORE_OK)
		return 1;	/* the one line says why */
	if (*report != '\0')
		printf("%s\n", report);
	if (cfg.dev_mode) {
		printf("development mode (DEV_MODE=1): never on a host others "
		    "can reach\n");
		return 0;
	}
	if (cfg.nkeys == 0) {
		fprintf(stderr, "zapstream: API_KEYS is not set: every request "
		    "would be refused; set it (docs/configuration.md)\n");
		return 2;
	}
	if ((pub = zs_config_public_key(&cfg)) != NULL) {
		fprintf(stderr, "zapstream: API_KEYS holds the publicly known "
		    "key %s: replace it with a long random key "
		    "(docs/configuration.md)\n", pub);
		return 2;
	}
	return 0;
}

/* hook-add may name a file that does not exist yet: make it, empty. */
static void
touch_sources_file(void)
{
	const char	*file = getenv("WEBHOOK_SOURCES_FILE");
	int		 fd;

	if (file != NULL && *file != '\0' && access(file, F_OK) == -1 &&
	    (fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) != -1)
		close(fd);
}

int
main(int argc, char *argv[])
{
	char			 err[512], label[ZS_CONFIG_URL_MAX + 1];
	int			 from, to;
	long			 n, total = 0;
	enum zs_store_rc	 rc;
	struct timespec		 pause = { 0, 5 * 1000 * 1000 };	/* 5 ms */

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "hook-add") == 0)
		touch_sources_file();
	if (zs_config_load(&cfg, err, sizeof(err)) == -1 ||
	    zs_config_check_dir(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "zapstream: configuration error: %s\n", err);
		return 1;
	}
	zs_config_db_label(&cfg, label, sizeof(label));
	if (strcmp(argv[1], "check") == 0 && argc == 2)
		return cmd_check();
	if (strcmp(argv[1], "label") == 0 && argc == 2) {
		printf("%s\n", label);
		return 0;
	}
	if (strcmp(argv[1], "copy-to-postgres") == 0 && argc == 2)
		return zs_copy_inbox(&cfg) == 0 ? 0 : 1;
	if (strcmp(argv[1], "migrate") == 0 && argc == 3) {
		if (zs_store_migrate(&cfg, argv[2], &from, &to) != ZS_STORE_OK) {
			fprintf(stderr, "zapstream: cannot migrate %s (see "
			    "the message above)\n", label);
			return 1;
		}
		if (from == to)
			printf("database %s is at schema version %d\n",
			    label, to);
		else
			printf("database %s: schema version %d -> %d\n",
			    label, from, to);
		return 0;
	}
	if (strcmp(argv[1], "purge") == 0 && argc == 2) {
		if (zs_store_open(&cfg) != ZS_STORE_OK)
			return 1;
		do {
			rc = zs_store_purge(zs_time_now_ms(), 1000, &n);
			total += n;
			/*
			 * Let queued writers in: flock is not first come,
			 * first served, and retaking it at once made them
			 * wait through several rounds.
			 */
			nanosleep(&pause, NULL);
		} while (rc == ZS_STORE_OK && n == 1000);
		zs_store_close();
		printf("purged %ld events\n", total);
		return rc == ZS_STORE_OK ? 0 : 1;
	}
	if (strcmp(argv[1], "search-rebuild") == 0 && argc == 2) {
		if (zs_store_open(&cfg) != ZS_STORE_OK ||
		    zs_store_search_rebuild(&n) != ZS_STORE_OK) {
			fprintf(stderr, "zapstream: cannot rebuild the search "
			    "index of %s (see the message above)\n", label);
			return 1;
		}
		zs_store_close();
		if (n < 0)
			printf("database %s keeps its search index itself: "
			    "nothing to rebuild\n", label);
		else
			printf("search index of %s: %ld events\n", label, n);
		return 0;
	}
	if (strcmp(argv[1], "hooks") == 0 && argc == 2)
		return cmd_hooks();
	if (strcmp(argv[1], "status") == 0 && argc == 2)
		return cmd_status();
	if (strcmp(argv[1], "hook-add") == 0)
		return cmd_hook_add(argc, argv);
	if (strcmp(argv[1], "hook-rotate") == 0 && argc == 4)
		return cmd_hook_rotate(argv[2], argv[3]);
	return usage();
}
