/* zs_file: small files read whole. See zs_file.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/zs_file.h"

char *
zs_file_read(const char *path, size_t max)
{
	FILE	*f;
	char	*s;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((s = malloc(max + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(s, 1, max + 1, f);
	if (ferror(f) || n > max) {
		errno = ferror(f) ? EIO : EFBIG;
		free(s);
		s = NULL;
	} else
		s[n] = '\0';
	fclose(f);
	return s;
}
