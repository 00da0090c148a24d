/*
 * zs_shm: a small file beside the database, memory-mapped and shared by
 * every responder process of the host (rate limits, stream and long-poll
 * slots, failed-key counts). Writers hold flock(2) on it; the kernel drops
 * the lock when a holder dies, so a killed process cannot wedge the rest.
 * flock does not exclude the threads of one process: callers add a mutex.
 */
#ifndef ZS_SHM_H
#define ZS_SHM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Opens path (created mode 0600), sizes it to size bytes and maps it,
 * returning the map with the file locked (the caller checks or sets up
 * its header, then calls zs_shm_unlock) and its descriptor in *fd; or
 * NULL with errno set (the caller logs it, as often as it likes).
 */
void	*zs_shm_open(const char *path, size_t size, int *fd);
/* Unmaps and closes what zs_shm_open returned; *map and *fd are reset. */
void	 zs_shm_close(void **map, size_t size, int *fd);
/* FNV-1a of the string s: how the files name an entry (a tenant, an
 * address) without holding it. */
uint64_t zs_shm_hash(const char *s);
/* Take and drop the file's lock: 0, or -1 (the lock failed). */
int	 zs_shm_lock(int fd);
void	 zs_shm_unlock(int fd);

#endif
