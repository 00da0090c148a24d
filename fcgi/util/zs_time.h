/* zs_time: the two clocks (wall and monotonic) and RFC 3339 text. */
#ifndef ZS_TIME_H
#define ZS_TIME_H

#include <stddef.h>
#include <stdint.h>

/* Length of "2026-11-27T01:16:24.123Z" plus the NUL. */
#define ZS_TIME_BUFSZ 25

/* Milliseconds since the Unix epoch, from CLOCK_REALTIME. */
int64_t	 zs_time_now_ms(void);
/* Milliseconds from CLOCK_MONOTONIC: for timeouts and intervals, which a
 * change of the wall clock must not stretch or cut short. */
int64_t	 zs_time_mono_ms(void);
/* Microseconds from CLOCK_MONOTONIC: for request durations. */
int64_t	 zs_time_mono_us(void);
/* Formats ms as RFC 3339 UTC with milliseconds into buf[ZS_TIME_BUFSZ]. */
void	 zs_time_format(int64_t ms, char *buf);
/*
 * Parses an RFC 3339 date-time (any offset, optional fraction; digits past
 * milliseconds are truncated) into *ms. Returns 0, or -1 when malformed.
 */
int	 zs_time_parse(const char *s, int64_t *ms);

#endif
