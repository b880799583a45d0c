/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TW_BUDGET_H
#define TT_TW_BUDGET_H

/*
 * How many TIME_WAIT records one poll may expire.
 *
 * Every record waits the same 2MSL, so what falls due per poll is what was
 * inserted per poll 2MSL ago.  The budget bounds a poll's work (a backlog
 * never starves RX) but must keep up, or expiries run late (design.md:
 * never more than one tick).  The rule, a pure function of the last poll:
 *
 *   - at least TW_BUDGET_FLOOR;
 *   - at least twice the records inserted since the last poll (the rate
 *     2MSL ago may have been up to twice today's);
 *   - if the last poll used its whole budget, more may be due (a stall, or
 *     a rate that was higher 2MSL ago): double it, so a backlog of B
 *     records is gone within log2(B / floor) polls;
 *   - at most TW_BUDGET_CAP, which bounds one poll's expiry work (about
 *     0.1 us per record: ~1.6 ms).
 *
 * tw_expire() stops at the first record not yet due, so a large budget
 * costs nothing when little is due.
 */

#include <stdint.h>

#define TW_BUDGET_FLOOR  256u
#define TW_BUDGET_CAP    16384u

/* Budget for the next poll, given this poll's budget, the records it
 * expired, and the records inserted since the previous poll. */
static inline uint32_t
tw_budget_next(uint32_t budget, uint32_t expired, uint64_t inserted)
{
	uint64_t b = TW_BUDGET_FLOOR;

	if (2 * inserted > b)
		b = 2 * inserted;
	if (expired >= budget && 2ull * budget > b)
		b = 2ull * budget;
	return b > TW_BUDGET_CAP ? TW_BUDGET_CAP : (uint32_t)b;
}

#endif
