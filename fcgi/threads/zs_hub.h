/*
 * zs_hub: one poller per stream process. It watches the change table
 * (zs_store_data_version first, so an idle database costs one cheap read
 * per tick), formats each new change once into a ring of recent frames,
 * and wakes the streams, which copy out what matches their filter. The
 * store is not thread-safe: the hub and the streams use it only between
 * zs_store_lock() and zs_store_unlock().
 *
 * Invariant: the ring holds the frames of every change with seq in
 * (seq of the oldest kept, zs_hub's head], in order: at most 8192 frames
 * and about STREAM_RING_BYTES of text (always the newest frame, however
 * large), so one tenant's large payloads cannot grow the process. A
 * stream whose next frame was dropped is told so and must reconnect (the
 * client then replays from its Last-Event-ID, out of the database).
 */
#ifndef ZS_HUB_H
#define ZS_HUB_H

#include <stdint.h>

#include "boundary/zs_sse.h"
#include "parse/zs_config.h"
#include "util/zs_buf.h"

/* A stream's place in the ring. */
struct zs_hub_pos {
	uint64_t	 next;		/* ring counter of the next frame */
	int64_t		 seq;		/* seq of the last change seen */
	int64_t		 after;		/* frames of changes up to this seq
					   are skipped: the stream starts
					   after them */
};

/* Starts the poller thread. Returns 0 or -1 (logged). */
int	 zs_hub_start(const struct zs_config *);
/* The hub's present: where a new stream starts reading live frames. */
void	 zs_hub_now(struct zs_hub_pos *);
/*
 * Appends to out the frames after pos that pass f, waiting until there is
 * at least one or until deadline_ms (zs_time_mono_ms) passes. Returns
 * 0, or -1 when pos fell out of the ring.
 */
int	 zs_hub_wait(struct zs_hub_pos *pos, const struct zs_sse_filter *f,
	    struct zs_buf *out, int64_t deadline_ms);

#endif
