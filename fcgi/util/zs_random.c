/* zs_random: pooled random bytes. See zs_random.h. */
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include "util/zs_random.h"

#define POOL_BYTES	 512

/* This thread's unused random bytes: pool[used..POOL_BYTES). */
static _Thread_local unsigned char	 pool[POOL_BYTES];
static _Thread_local size_t		 used = POOL_BYTES;

int
zs_random(void *buf, size_t n)
{
	if (n > ZS_RANDOM_MAX)
		return -1;
	if (POOL_BYTES - used < n) {
		if (getrandom(pool, sizeof(pool), 0) != (ssize_t)sizeof(pool))
			return -1;
		used = 0;
	}
	memcpy(buf, pool + used, n);
	/* Handed out once: wipe them from the pool. */
	memset(pool + used, 0, n);
	used += n;
	return 0;
}
