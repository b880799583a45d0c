/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_RNG_H
#define TT_RNG_H

/*
 * xorshift64*: a per-lcore generator (the state lives in the caller's
 * per-lcore struct), fast, reproducible from a seed.  Not for secrets: ISNs
 * use a keyed hash (RFC 6528).
 */

#include <stdint.h>

static inline uint64_t
tt_rand64(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, 1). */
static inline double
tt_rand01(uint64_t *state)
{
	return (double)(tt_rand64(state) >> 11) / (double)(1ull << 53);
}

#endif
