/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TIMER_WHEEL_H
#define TT_TIMER_WHEEL_H

/*
 * Hierarchical hashed timer wheel, one per lcore.
 *
 * Hand-written rather than rte_timer: rte_timer keeps a skiplist per lcore
 * (O(log n) arm, ~64-byte handle, needs EAL), while a connection re-arms its
 * timer on almost every segment and an lcore holds millions of them.  Here
 * arm, cancel and re-arm are O(1) with a 24-byte intrusive handle embedded in
 * the owner (the connection), and the protocol core can run it on a fake
 * clock without EAL.
 *
 * Time is an absolute uint64_t in microseconds supplied by the caller; the
 * wheel rounds expiries up to its tick, so a timer never fires early and at
 * most one tick late.
 */

#include <stdbool.h>
#include <stdint.h>

struct tmw_timer {
	struct tmw_timer *next;
	struct tmw_timer *prev;   /* NULL when not pending */
	uint64_t expire;          /* absolute time in us */
};

struct tmw_wheel;

typedef void (*tmw_expire_cb)(struct tmw_timer *t, void *arg, uint64_t now);

/* Create a wheel with a tick of tick_us microseconds, starting at now.
 * Returns NULL on allocation failure or tick_us == 0. */
struct tmw_wheel *tmw_create(uint64_t tick_us, uint64_t now);
void tmw_destroy(struct tmw_wheel *w);

static inline void
tmw_timer_init(struct tmw_timer *t)
{
	t->next = t->prev = 0;
	t->expire = 0;
}

static inline bool
tmw_pending(const struct tmw_timer *t)
{
	return t->prev != 0;
}

/* Arm (or re-arm) t to expire at the absolute time `expire`.  An expiry in
 * the past fires at the next tmw_advance().  From inside a callback, an
 * expiry after the tick being processed fires in the same call once the
 * wheel reaches it; one at or before that tick waits for the next call.
 * Re-arming a pending timer later is a single store (it is re-filed when its
 * old slot comes up), so pushing a timer on every segment is cheap. */
void tmw_arm(struct tmw_wheel *w, struct tmw_timer *t, uint64_t expire);

/* Cancel t if pending; a no-op otherwise. */
void tmw_cancel(struct tmw_wheel *w, struct tmw_timer *t);

/* Advance the wheel to `now`, calling cb for each expired timer (which is no
 * longer pending when cb runs, so cb may re-arm it or free its owner).  At
 * most `budget` callbacks run; the rest stay due for the next call, so a
 * burst of expiries never starves RX.  Returns the number of callbacks run.
 * cb may arm and cancel any timer but must not call tmw_advance().  Timers
 * armed ahead fire in expiry-tick order.  `now` should not go backwards; if
 * it does, the wheel keeps (and passes cb) the latest time it has seen. */
unsigned tmw_advance(struct tmw_wheel *w, uint64_t now, unsigned budget,
		     tmw_expire_cb cb, void *arg);

/* Timers pending now. */
uint64_t tmw_count(const struct tmw_wheel *w);

/* Earliest tick boundary at which something may expire, or UINT64_MAX when
 * nothing is pending (a hint for idle loops; may be early, never late). */
uint64_t tmw_next_expiry(const struct tmw_wheel *w);

#endif
