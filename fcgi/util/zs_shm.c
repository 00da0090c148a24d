/* zs_shm: shared memory-mapped files. See zs_shm.h. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/zs_shm.h"

void *
zs_shm_open(const char *path, size_t size, int *fd)
{
	void	*map;
	int	 saved;

	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1)
		return NULL;
	if (flock(*fd, LOCK_EX) == -1 || ftruncate(*fd, (off_t)size) == -1 ||
	    (map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd,
	    0)) == MAP_FAILED) {
		saved = errno;
		close(*fd);
		*fd = -1;
		errno = saved;
		return NULL;
	}
	return map;
}

void
zs_shm_close(void **map, size_t size, int *fd)
{
	if (*map != NULL)
		munmap(*map, size);
	if (*fd != -1)
		close(*fd);
	*map = NULL;
	*fd = -1;
}

uint64_t
zs_shm_hash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

int
zs_shm_lock(int fd)
{
	return flock(fd, LOCK_EX);
}

void
zs_shm_unlock(int fd)
{
	flock(fd, LOCK_UN);
}
