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
 *   - after a poll that came more than a tick after the previous one
 *     (the lcore was off its CPU): at least twice what fell due in the
 *     gap at the recent insertion rate (tw_budget_after_gap);
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

/*
 * After a gap: the lcore did not poll for gap_ms (off its CPU), so about
 * per_ms x gap_ms records fell due meanwhile, late already.  They all go
 * in this poll (up to the cap), so that the records falling due in its
 * last tick are not left behind them to become late as well (doubling
 * from the floor would take several polls).
 */
static inline uint32_t
tw_budget_after_gap(uint32_t budget, uint32_t per_ms, uint32_t gap_ms)
{
	uint64_t b = 2ull * per_ms * ((uint64_t)gap_ms + 1);

	if (gap_ms <= 1 || b <= budget)
		return budget;
	return b > TW_BUDGET_CAP ? TW_BUDGET_CAP : (uint32_t)b;
}

#define TW_RATE_WINDOW_MS 16u

/*
 * Records inserted per ms, from `inserted` over the last window_ms: rises
 * at once, falls by a quarter per window (a window that held a stall
 * inserted little, yet as much falls due 2MSL later as before).
 */
static inline uint32_t
tw_rate_next(uint32_t per_ms, uint64_t inserted, uint32_t window_ms)
{
	uint64_t r = window_ms ? inserted / window_ms : inserted;
	uint32_t decayed = per_ms - per_ms / 4;

	if (r > UINT32_MAX)
		r = UINT32_MAX;
	return (uint32_t)r > decayed ? (uint32_t)r : decayed;
}

/* The rule's state, one per TIME_WAIT table (struct tcp_stack). */
struct tw_pacer {
	uint32_t budget;          /* for the next poll (tw_budget_next) */
	uint32_t poll_ms;         /* the last poll's ms */
	uint32_t per_ms;          /* records inserted per ms (tw_rate_next) */
	uint32_t rate_ms;         /* start of the rate window */
	uint64_t rate_created;    /* records created, at rate_ms */
	uint64_t created_seen;    /* records created, at the last poll */
};

static inline void
tw_pacer_init(struct tw_pacer *p, uint32_t now_ms)
{
	p->budget = TW_BUDGET_FLOOR;
	p->poll_ms = p->rate_ms = now_ms;
	p->per_ms = 0;
	p->rate_created = p->created_seen = 0;
}

/* A poll at now_ms, `created` records inserted so far in all: its budget. */
static inline uint32_t
tw_pacer_begin(struct tw_pacer *p, uint32_t now_ms, uint64_t created)
{
	uint32_t gap_ms = now_ms - p->poll_ms;

	if (now_ms - p->rate_ms >= TW_RATE_WINDOW_MS) {
		p->per_ms = tw_rate_next(p->per_ms, created - p->rate_created, now_ms - p->rate_ms);
		p->rate_ms = now_ms;
		p->rate_created = created;
	}
	p->poll_ms = now_ms;
	return tw_budget_after_gap(p->budget, p->per_ms, gap_ms);
}

/* The poll expired `expired` records with `budget`: the next one's. */
static inline void
tw_pacer_end(struct tw_pacer *p, uint32_t budget, uint32_t expired, uint64_t created)
{
	p->budget = tw_budget_next(budget, expired, created - p->created_seen);
	p->created_seen = created;
}

#endif
