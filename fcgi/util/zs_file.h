/* zs_file: reading a small file (configuration, SQL) whole. */
#ifndef ZS_FILE_H
#define ZS_FILE_H

#include <stddef.h>

#define ZS_FILE_SQL_MAX	 (1024 * 1024)	/* bytes in one schema or migration */

/*
 * Reads the file at path (at most max bytes) into a new NUL-terminated
 * string, or returns NULL with errno set (EFBIG when it is larger).
 */
char	*zs_file_read(const char *path, size_t max);

#endif
