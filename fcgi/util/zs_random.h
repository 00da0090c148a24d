/*
 * zs_random: random bytes from the kernel (getrandom(2)), drawn from a
 * per-thread pool so that a request's ids cost no system call: one
 * getrandom(2) fills the pool for many requests.
 */
#ifndef ZS_RANDOM_H
#define ZS_RANDOM_H

#include <stddef.h>

#define ZS_RANDOM_MAX	 64	/* bytes one call may ask for */

/* Fills buf with n (at most ZS_RANDOM_MAX) random bytes. 0, or -1. */
int	 zs_random(void *buf, size_t n);

#endif
