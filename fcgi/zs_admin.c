/*
 * zs-admin: the commands make runs around the responders.
 *   zs-admin check            validate the configuration and database dir
 *   zs-admin migrate SQLDIR   create or upgrade the database
 *   zs-admin purge            remove what retention allows, now
 * Exit status 0 on success, 1 with one message on stderr otherwise.
 */
#include <stdio.h>
#include <string.h>

#include "zs_config.h"
#include "zs_store.h"
#include "zs_time.h"

static int
usage(void)
{
	fprintf(stderr, "usage: zs-admin check | migrate SQLDIR | purge\n");
	return 1;
}

int
main(int argc, char *argv[])
{
	struct zs_config	 cfg;
	char			 err[512];
	int			 from, to;
	long			 n, total = 0;
	enum zs_store_rc	 rc;

	if (argc < 2)
		return usage();
	if (zs_config_load(&cfg, err, sizeof(err)) == -1 ||
	    zs_config_check_dir(&cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "zapstream: configuration error: %s\n", err);
		return 1;
	}
	if (strcmp(argv[1], "check") == 0 && argc == 2)
		return 0;
	if (strcmp(argv[1], "migrate") == 0 && argc == 3) {
		if (zs_store_migrate(&cfg, argv[2], &from, &to) != ZS_STORE_OK) {
			fprintf(stderr, "zapstream: cannot migrate %s (see "
			    "the message above)\n", cfg.db_path);
			return 1;
		}
		if (from == to)
			printf("database %s is at schema version %d\n",
			    cfg.db_path, to);
		else
			printf("database %s: schema version %d -> %d\n",
			    cfg.db_path, from, to);
		return 0;
	}
	if (strcmp(argv[1], "purge") == 0 && argc == 2) {
		if (zs_store_open(&cfg) != ZS_STORE_OK)
			return 1;
		do {
			rc = zs_store_purge(zs_time_now_ms(), 1000, &n);
			total += n;
		} while (rc == ZS_STORE_OK && n == 1000);
		zs_store_close();
		printf("purged %ld events\n", total);
		return rc == ZS_STORE_OK ? 0 : 1;
	}
	return usage();
}
