/*
 * libFuzzer target: configuration parsing. The input's lines become
 * API_KEYS, CORS_ALLOWED_ORIGINS, DATABASE_URL, RATE_LIMIT_PER_MINUTE and
 * WEBHOOK_SOURCES, in that order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/zs_config.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const vars[] = { "API_KEYS",
	    "CORS_ALLOWED_ORIGINS", "DATABASE_URL", "RATE_LIMIT_PER_MINUTE",
	    "WEBHOOK_SOURCES" };
	static struct zs_config	 cfg;
	/* putenv, not setenv: glibc's setenv never frees a replaced value,
	 * which over millions of runs is an out-of-memory of the harness. */
	static char		 env[5][8192];
	char			 err[512], *text, *line, *next;
	size_t			 i;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	unsetenv("DATABASE_PATH");
	for (i = 0, line = text; i < sizeof(vars) / sizeof(vars[0]); i++) {
		next = line ? strchr(line, '\n') : NULL;
		if (next != NULL)
			*next++ = '\0';
		snprintf(env[i], sizeof(env[i]), "%s=%s", vars[i],
		    line != NULL ? line : "");
		putenv(env[i]);
		line = next;
	}
	zs_config_load(&cfg, err, sizeof(err));
	free(text);
	return 0;
}
