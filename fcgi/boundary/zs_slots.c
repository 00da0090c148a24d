/* zs_slots: caps on open streams and long polls. See zs_slots.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "boundary/zs_slots.h"
#include "util/zs_log.h"
#include "util/zs_shm.h"

#define SLOTS_MAGIC 0x5a53534cu	/* "ZSSL" */

/* The file: a header, then the entries. */
struct slots_file {
	uint32_t	 magic;		/* SLOTS_MAGIC once initialised */
	uint32_t	 nslots;	/* ZS_SLOTS_MAX */
	uint32_t	 used;		/* entries past this one are all free */
	uint32_t	 pad;
	struct zs_slot	 slot[ZS_SLOTS_MAX];
};

static struct {
	int			 fd;	/* -1 when closed */
	struct slots_file	*map;	/* NULL when closed */
	int			 warned; /* the last take could not count */
	pthread_mutex_t		 lock;	/* flock does not exclude threads */
} sl = { -1, NULL, 0, PTHREAD_MUTEX_INITIALIZER };

/* The tenant's id in the table: a hash of its name. */
static uint64_t
tenant_id(const char *tenant)
{
	return zs_shm_hash(tenant);
}

/*
 * The key's id in the table: 8 bytes of its SHA-256, so the file never
 * holds the key and a changed API_KEYS keeps each key's count. 0 when
 * the digest fails.
 */
static uint64_t
key_id(const struct zs_api_key *k)
{
	unsigned char	 d[32];
	unsigned int	 dlen;
	uint64_t	 id;

	if (k->hashed)
		memcpy(d, k->digest, sizeof(d));
	else if (EVP_Digest(k->key, k->keylen, d, &dlen, EVP_sha256(),
	    NULL) != 1)
		return 0;
	memcpy(&id, d, sizeof(id));
	return id;
}

/* A holder still exists (EPERM: it does, as another user). */
static int
pid_alive(int32_t pid)
{
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* Counts the entries like want: of its kind and key, of its kind and
 * tenant; *free_at gets the first free entry, or size. */
static void
count(const struct zs_slot *tab, uint32_t size, uint32_t used,
    const struct zs_slot *want, long *nkey, long *ntenant, uint32_t *free_at)
{
	uint32_t	 i;

	*nkey = *ntenant = 0;
	*free_at = used < size ? used : size;
	for (i = 0; i < used && i < size; i++) {
		if (tab[i].pid == 0) {
			if (i < *free_at)
				*free_at = i;
			continue;
		}
		if (tab[i].kind != want->kind || tab[i].tenant != want->tenant)
			continue;
		(*ntenant)++;
		if (tab[i].key == want->key)
			(*nkey)++;
	}
}

/* Frees the entries of want's kind and tenant whose holder is gone. */
static void
reap(struct zs_slot *tab, uint32_t size, uint32_t used,
    const struct zs_slot *want, int (*alive)(int32_t))
{
	uint32_t	 i;

	for (i = 0; i < used && i < size; i++)
		if (tab[i].pid != 0 && tab[i].kind == want->kind &&
		    tab[i].tenant == want->tenant && !alive(tab[i].pid))
			memset(&tab[i], 0, sizeof(tab[i]));
}

/* The refusal for these counts, or ZS_SLOTS_OK. */
static enum zs_slots_rc
full(long nkey, long ntenant, long key_cap, long tenant_cap)
{
	if (nkey >= key_cap)
		return ZS_SLOTS_KEY_FULL;
	if (ntenant >= tenant_cap)
		return ZS_SLOTS_TENANT_FULL;
	return ZS_SLOTS_OK;
}

int
zs_slots_pick(struct zs_slot *tab, uint32_t size, uint32_t *used,
    const struct zs_slot *want, long key_cap, long tenant_cap,
    int (*alive)(int32_t), enum zs_slots_rc *rc)
{
	long		 nkey, ntenant;
	uint32_t	 at;

	count(tab, size, *used, want, &nkey, &ntenant, &at);
	if (full(nkey, ntenant, key_cap, tenant_cap) != ZS_SLOTS_OK) {
		reap(tab, size, *used, want, alive);
		count(tab, size, *used, want, &nkey, &ntenant, &at);
	}
	if ((*rc = full(nkey, ntenant, key_cap, tenant_cap)) != ZS_SLOTS_OK)
		return -1;
	if (at == size)
		return -1;	/* full: let through, not counted */
	tab[at] = *want;
	if (at >= *used)
		*used = at + 1;
	return (int)at;
}

/*
 * Maps the file (sl.lock held), and clears what a dead process with this
 * pid left in it: this process has recorded nothing yet. 0 or -1.
 */
static int
slots_open(const struct zs_config *cfg)
{
	char		 path[ZS_CONFIG_PATH_MAX + 16];
	int32_t		 me = (int32_t)getpid();
	uint32_t	 i;

	snprintf(path, sizeof(path), "%s-slots", cfg->db_path);
	if ((sl.map = zs_shm_open(path, sizeof(struct slots_file), &sl.fd)) ==
	    NULL) {
		if (!sl.warned)
			zs_log("slots: cannot map %s: %s", path,
			    strerror(errno));
		return -1;
	}
	if (sl.map->magic != SLOTS_MAGIC || sl.map->nslots != ZS_SLOTS_MAX ||
	    sl.map->used > ZS_SLOTS_MAX) {
		memset(sl.map->slot, 0, sizeof(sl.map->slot));
		sl.map->used = 0;
		sl.map->nslots = ZS_SLOTS_MAX;
		sl.map->magic = SLOTS_MAGIC;
	}
	for (i = 0; i < sl.map->used; i++)
		if (sl.map->slot[i].pid == me)
			memset(&sl.map->slot[i], 0, sizeof(sl.map->slot[i]));
	zs_shm_unlock(sl.fd);
	return 0;
}

/* Logs, once until the table works again, that a take was not counted. */
static void
not_counted(const char *why)
{
	if (!sl.warned++)
		zs_log("slots: %s; streams and long polls are not capped", why);
}

enum zs_slots_rc
zs_slots_take(const struct zs_config *cfg, enum zs_slot_kind kind, int k,
    int *hold)
{
	struct zs_slot		 want;
	enum zs_slots_rc	 rc = ZS_SLOTS_OK;
	long			 key_cap, tenant_cap;
	int			 at;

	*hold = -1;
	if (k < 0 || (size_t)k >= cfg->nkeys)
		return ZS_SLOTS_OK;
	key_cap = kind == ZS_SLOT_STREAM ? cfg->stream_max_key :
	    cfg->wait_max_key;
	tenant_cap = kind == ZS_SLOT_STREAM ? cfg->stream_max_tenant :
	    cfg->wait_max_tenant;
	want.pid = (int32_t)getpid();
	want.kind = kind;
	want.key = key_id(&cfg->keys[k]);
	want.tenant = tenant_id(cfg->keys[k].tenant);

	pthread_mutex_lock(&sl.lock);
	if (sl.map == NULL && slots_open(cfg) == -1) {
		not_counted("the shared file is unusable");
		pthread_mutex_unlock(&sl.lock);
		return ZS_SLOTS_OK;
	}
	if (zs_shm_lock(sl.fd) == -1) {
		not_counted("the shared file cannot be locked");
		pthread_mutex_unlock(&sl.lock);
		return ZS_SLOTS_OK;
	}
	at = zs_slots_pick(sl.map->slot, ZS_SLOTS_MAX, &sl.map->used, &want,
	    key_cap, tenant_cap, pid_alive, &rc);
	zs_shm_unlock(sl.fd);
	if (at >= 0)
		sl.warned = 0;
	else if (rc == ZS_SLOTS_OK)
		not_counted("the table is full");
	pthread_mutex_unlock(&sl.lock);
	*hold = at;
	return rc;
}

void
zs_slots_give(int *hold)
{
	struct zs_slot	*s;

	if (*hold < 0 || *hold >= ZS_SLOTS_MAX)
		return;
	pthread_mutex_lock(&sl.lock);
	if (sl.map != NULL) {
		/* without the flock (it cannot fail on an open file but
		 * for EINTR) the entry, which is this process's, is still
		 * cleared: a leaked entry would count until exit */
		(void)zs_shm_lock(sl.fd);
		s = &sl.map->slot[*hold];
		if (s->pid == (int32_t)getpid())
			memset(s, 0, sizeof(*s));
		while (sl.map->used > 0 &&
		    sl.map->slot[sl.map->used - 1].pid == 0)
			sl.map->used--;
		zs_shm_unlock(sl.fd);
	}
	pthread_mutex_unlock(&sl.lock);
	*hold = -1;
}

long
zs_slots_count(const struct zs_config *cfg, enum zs_slot_kind kind)
{
	long		 n = 0;
	uint32_t	 i;

	pthread_mutex_lock(&sl.lock);
	if ((sl.map == NULL && slots_open(cfg) == -1) ||
	    zs_shm_lock(sl.fd) == -1) {
		pthread_mutex_unlock(&sl.lock);
		return -1;
	}
	for (i = 0; i < sl.map->used; i++)
		if (sl.map->slot[i].kind == (uint32_t)kind &&
		    sl.map->slot[i].pid != 0 && pid_alive(sl.map->slot[i].pid))
			n++;
	zs_shm_unlock(sl.fd);
	pthread_mutex_unlock(&sl.lock);
	return n;
}
