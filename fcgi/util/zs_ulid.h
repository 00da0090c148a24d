/*
 * zs_ulid: ULIDs (26 characters of Crockford base32: 48-bit millisecond
 * time then 80 random bits) that sort in creation order.
 */
#ifndef ZS_ULID_H
#define ZS_ULID_H

#include <stdint.h>

#define ZS_ULID_LEN 26

struct zs_ulid {
	uint64_t	 ms;		/* 48-bit Unix time in milliseconds */
	uint16_t	 rand_hi;	/* top 16 of the 80 random bits */
	uint64_t	 rand_lo;	/* low 64 of the 80 random bits */
};

/*
 * Makes the next ULID after prev (NULL when there is none) at time now_ms:
 * fresh randomness when the clock moved past prev, else prev + 1, so ids
 * strictly increase even when the clock stands still or steps back.
 * Returns 0, or -1 when no randomness could be read.
 */
int	 zs_ulid_next(const struct zs_ulid *prev, uint64_t now_ms,
	    struct zs_ulid *out);
/* Writes the 26 characters and a NUL into buf. */
void	 zs_ulid_encode(const struct zs_ulid *, char buf[ZS_ULID_LEN + 1]);
/* Parses 26 Crockford characters (case-insensitive); 0 or -1. */
int	 zs_ulid_decode(const char *s, struct zs_ulid *out);

#endif
