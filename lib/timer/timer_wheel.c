/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hierarchical hashed timer wheel (Varghese and Lauck, "Hashed and
 * Hierarchical Timing Wheels", SOSP 1987): 4 levels of 256 slots, so the
 * wheel spans 2^32 ticks; level l holds timers due 2^(8l) to 2^(8(l+1))
 * ticks ahead and is cascaded one level down when the level below wraps.
 *
 * Time inside the wheel is in ticks.  `cur` is the next tick to process:
 * every tick below it has been cascaded and its level-0 slot moved to the
 * `expired` list.  A timer sits in the slot of the first tick >= cur at
 * which that slot is visited ("hit"), and that hit is never after the
 * timer's rounded-up expiry tick.  That invariant is what every operation
 * below keeps; it does not depend on when the timer was placed, which is
 * what lets advance() skip empty stretches of time without visiting them.
 *
 * Re-arming to a later time while the timer still sits in a slot only
 * rewrites t->expire: the slot is hit no later than the old expiry, hence no
 * later than the new one, and the timer is re-placed from its real expiry
 * when that happens.  A TCP connection pushes its retransmission timer later
 * on nearly every ACK, so this turns most re-arms into one store.
 */

#include <stdlib.h>
#include <string.h>

#include "timer/timer_wheel.h"

#define TMW_LVL_BITS	8
#define TMW_SLOTS	(1u << TMW_LVL_BITS)
#define TMW_SLOT_MASK	(TMW_SLOTS - 1)
#define TMW_LEVELS	4
#define TMW_BM_WORDS	(TMW_SLOTS / 64)
#define TMW_RANGE	(UINT64_C(1) << (TMW_LVL_BITS * TMW_LEVELS))
#define TMW_ALIGN	64

struct tmw_wheel {
	uint64_t cur;		/* next tick to process */
	uint64_t now;		/* latest time seen, in us; never decreases */
	uint64_t count;		/* pending timers, wherever they sit */
	uint64_t tick;		/* tick length in us */
	uint64_t recip;		/* UINT64_MAX / tick: division by multiply */
	unsigned shift;		/* log2(tick) when tick is a power of two */
	bool pow2;
	bool running;		/* inside tmw_advance() */
	/* Due timers waiting for their callback; whatever the budget left. */
	struct tmw_timer expired;
	/* Armed at or before `now` (outside advance) or before the tick
	 * being processed (from a callback): fire at the next advance, so a
	 * callback that re-arms into the past cannot loop forever. */
	struct tmw_timer past;
	/* One bit per non-empty slot, kept exact, so finding the next busy
	 * slot costs a few word scans instead of a walk over the slots. */
	uint64_t bm[TMW_LEVELS][TMW_BM_WORDS];
	/* Sentinel heads: a pending timer's prev is therefore never NULL. */
	struct tmw_timer slot[TMW_LEVELS][TMW_SLOTS];
};

/* floor(us / tick).  A 64-bit divide costs tens of cycles on the arm path,
 * so multiply by m = floor((2^64 - 1) / tick) instead: m * tick > 2^64 -
 * tick, so us * m / 2^64 > us / tick - us / 2^64 > us / tick - 1, and the
 * estimate is at most one below the true quotient; one step fixes it. */
static inline uint64_t
tmw_div_tick(const struct tmw_wheel *w, uint64_t us)
{
	if (w->pow2)
		return us >> w->shift;
#ifdef __SIZEOF_INT128__
	uint64_t q = (uint64_t)(((unsigned __int128)us * w->recip) >> 64);
	uint64_t r = us - q * w->tick;

	return q + (r >= w->tick);
#else
	return us / w->tick;
#endif
}

/* Rounding up is what guarantees a timer never fires early. */
static inline uint64_t
tmw_tick_ceil(const struct tmw_wheel *w, uint64_t us)
{
	uint64_t q = tmw_div_tick(w, us);

	return q + (q * w->tick != us);
}

static inline void
tmw_list_init(struct tmw_timer *h)
{
	h->next = h->prev = h;
}

static inline bool
tmw_list_empty(const struct tmw_timer *h)
{
	return h->next == h;
}

static inline void
tmw_list_append(struct tmw_timer *h, struct tmw_timer *t)
{
	struct tmw_timer *last = h->prev;

	t->next = h;
	t->prev = last;
	last->next = t;
	h->prev = t;
}

/* Move all of src to the tail of dst, keeping order; src ends up empty. */
static inline void
tmw_list_splice(struct tmw_timer *dst, struct tmw_timer *src)
{
	struct tmw_timer *first = src->next, *last = src->prev;

	if (first == src)
		return;
	first->prev = dst->prev;
	dst->prev->next = first;
	last->next = dst;
	dst->prev = last;
	tmw_list_init(src);
}

static inline bool
tmw_bm_test(const struct tmw_wheel *w, unsigned lvl, unsigned idx)
{
	return (w->bm[lvl][idx >> 6] >> (idx & 63)) & 1;
}

static inline void
tmw_bm_set(struct tmw_wheel *w, unsigned lvl, unsigned idx)
{
	w->bm[lvl][idx >> 6] |= UINT64_C(1) << (idx & 63);
}

static inline void
tmw_bm_clear(struct tmw_wheel *w, unsigned lvl, unsigned idx)
{
	w->bm[lvl][idx >> 6] &= ~(UINT64_C(1) << (idx & 63));
}

/* Distance from slot `start` to the first non-empty slot at or after it,
 * going round the level; TMW_SLOTS when the level is empty. */
static inline unsigned
tmw_bm_next(const uint64_t *bm, unsigned start)
{
	unsigned wi = start >> 6, i;
	uint64_t x = bm[wi] & (~UINT64_C(0) << (start & 63));

	/* The last round re-reads the start word for the bits below start. */
	for (i = 0; i <= TMW_BM_WORDS; i++) {
		if (x != 0)
			return ((wi << 6) + (unsigned)__builtin_ctzll(x) -
				start) & TMW_SLOT_MASK;
		wi = (wi + 1) % TMW_BM_WORDS;
		x = bm[wi];
	}
	return TMW_SLOTS;
}

/*
 * Put t (due at tick etick >= base) in the slot of the first tick >= base
 * that visits it no later than etick.  With delta = etick - base in
 * [2^(8l), 2^(8(l+1))), level l's slot for etick is first hit at etick with
 * its low 8l bits cleared, which is > base, and was last hit 2^(8(l+1))
 * ticks before that, which is < base.  Beyond 2^32 ticks the timer is
 * parked as if due at the last tick in range and re-placed from its real
 * expiry when that slot cascades.
 */
static inline void
tmw_place(struct tmw_wheel *w, struct tmw_timer *t, uint64_t etick,
	  uint64_t base)
{
	uint64_t delta = etick - base;
	unsigned lvl, idx;

	if (delta < TMW_SLOTS) {
		lvl = 0;
	} else if (delta < TMW_RANGE) {
		lvl = (unsigned)(63 - __builtin_clzll(delta)) / TMW_LVL_BITS;
	} else {
		etick = base + TMW_RANGE - 1;
		lvl = TMW_LEVELS - 1;
	}
	idx = (etick >> (lvl * TMW_LVL_BITS)) & TMW_SLOT_MASK;
	tmw_list_append(&w->slot[lvl][idx], t);
	tmw_bm_set(w, lvl, idx);
}

/* Take t off whatever list holds it.  When that empties the list (both
 * neighbours are then its head) and the head is a slot, clear the slot's
 * bit; the head's address says which slot it is. */
static inline void
tmw_unlink(struct tmw_wheel *w, struct tmw_timer *t)
{
	struct tmw_timer *p = t->prev, *n = t->next;
	uintptr_t off;
	unsigned i;

	p->next = n;
	n->prev = p;
	if (p != n)
		return;
	off = (uintptr_t)p - (uintptr_t)&w->slot[0][0];
	if (off < sizeof(w->slot)) {
		i = (unsigned)(off / sizeof(struct tmw_timer));
		tmw_bm_clear(w, i / TMW_SLOTS, i % TMW_SLOTS);
	}
}

/* Re-place every timer of a slot being hit at tick `tk` (whose start in us
 * is tk_us): those due by then go to `expired`, the rest further down. */
static void
tmw_cascade(struct tmw_wheel *w, unsigned lvl, unsigned idx, uint64_t tk,
	    uint64_t tk_us)
{
	struct tmw_timer *head = &w->slot[lvl][idx];
	struct tmw_timer *t = head->next, *last = head->prev, *n;

	tmw_bm_clear(w, lvl, idx);
	tmw_list_init(head);
	for (;;) {
		n = t->next;
		if (t->expire <= tk_us)
			tmw_list_append(&w->expired, t);
		else
			tmw_place(w, t, tmw_tick_ceil(w, t->expire), tk);
		if (t == last)
			break;
		t = n;
	}
}

/* Process tick tk (>= cur): cascade every level whose wrap falls on tk,
 * then collect level 0's slot.  Afterwards cur = tk + 1, so callbacks run
 * later see a consistent wheel. */
static void
tmw_process_tick(struct tmw_wheel *w, uint64_t tk)
{
	uint64_t tk_us = tk * w->tick;
	unsigned lvl, sh, idx;

	for (lvl = 1; lvl < TMW_LEVELS; lvl++) {
		sh = lvl * TMW_LVL_BITS;
		if (tk & ((UINT64_C(1) << sh) - 1))
			break;
		idx = (tk >> sh) & TMW_SLOT_MASK;
		if (tmw_bm_test(w, lvl, idx))
			tmw_cascade(w, lvl, idx, tk, tk_us);
	}
	idx = tk & TMW_SLOT_MASK;
	if (tmw_bm_test(w, 0, idx))
		tmw_cascade(w, 0, idx, tk, tk_us);
	w->cur = tk + 1;
}

/* The first tick >= cur that hits a non-empty slot at any level, or
 * UINT64_MAX.  Level l is visited only on ticks that are multiples of
 * 2^(8l), so its first chance is the next such multiple; those grow with
 * l, so the scan stops once they pass the best tick found so far. */
static uint64_t
tmw_next_tick(const struct tmw_wheel *w)
{
	uint64_t best = UINT64_MAX, p, tk;
	unsigned lvl, sh, k;

	k = tmw_bm_next(w->bm[0], w->cur & TMW_SLOT_MASK);
	if (k < TMW_SLOTS) {
		best = w->cur + k;
		if (k == 0)
			return best;
	}
	for (lvl = 1; lvl < TMW_LEVELS; lvl++) {
		sh = lvl * TMW_LVL_BITS;
		p = ((w->cur - 1) >> sh) + 1;	/* cur >= 1 always */
		if ((p << sh) >= best)
			break;
		k = tmw_bm_next(w->bm[lvl], p & TMW_SLOT_MASK);
		if (k < TMW_SLOTS) {
			tk = (p + k) << sh;
			if (tk < best)
				best = tk;
		}
	}
	return best;
}

struct tmw_wheel *
tmw_create(uint64_t tick_us, uint64_t now)
{
	size_t sz = (sizeof(struct tmw_wheel) + TMW_ALIGN - 1) &
		~(size_t)(TMW_ALIGN - 1);
	struct tmw_wheel *w;
	unsigned l, s;

	if (tick_us == 0)
		return NULL;
	w = aligned_alloc(TMW_ALIGN, sz);
	if (w == NULL)
		return NULL;
	memset(w, 0, sz);
	w->tick = tick_us;
	w->recip = UINT64_MAX / tick_us;
	if ((tick_us & (tick_us - 1)) == 0) {
		w->pow2 = true;
		w->shift = (unsigned)__builtin_ctzll(tick_us);
	}
	tmw_list_init(&w->expired);
	tmw_list_init(&w->past);
	for (l = 0; l < TMW_LEVELS; l++)
		for (s = 0; s < TMW_SLOTS; s++)
			tmw_list_init(&w->slot[l][s]);
	w->now = now;
	/* The tick holding `now` has started: expiries in it are past. */
	w->cur = tmw_div_tick(w, now) + 1;
	return w;
}

void
tmw_destroy(struct tmw_wheel *w)
{
	free(w);
}

void
tmw_arm(struct tmw_wheel *w, struct tmw_timer *t, uint64_t expire)
{
	uint64_t etick;

	if (t->prev != NULL) {
		/* Timers in `past` or `expired` have expire <= now, so one
		 * with a later expiry sits in a slot hit before it. */
		if (expire >= t->expire && t->expire > w->now) {
			t->expire = expire;
			return;
		}
		tmw_unlink(w, t);
	} else {
		w->count++;
	}
	t->expire = expire;
	/* cur - 1 <= now / tick, so a later expiry rounds to a tick >= cur. */
	if (expire > w->now) {
		tmw_place(w, t, tmw_tick_ceil(w, expire), w->cur);
		return;
	}
	/* Already due.  Outside advance it fires at the next call even if
	 * `now` is mid-tick.  From a callback, an expiry past the tick being
	 * processed still fires in this call, in time order; only one at or
	 * before it waits, which is what bounds the call. */
	etick = tmw_tick_ceil(w, expire);
	if (w->running && etick >= w->cur)
		tmw_place(w, t, etick, w->cur);
	else
		tmw_list_append(&w->past, t);
}

void
tmw_cancel(struct tmw_wheel *w, struct tmw_timer *t)
{
	if (t->prev == NULL)
		return;
	tmw_unlink(w, t);
	t->next = t->prev = NULL;
	w->count--;
}

unsigned
tmw_advance(struct tmw_wheel *w, uint64_t now, unsigned budget,
	    tmw_expire_cb cb, void *arg)
{
	struct tmw_timer *t;
	unsigned fired = 0;
	uint64_t target, tk;

	/* Callbacks must never see a time before an expiry already taken
	 * as past, so a clock that steps back is held where it was. */
	if (now > w->now)
		w->now = now;
	now = w->now;
	target = tmw_div_tick(w, now);
	if (w->count == 0) {
		if (w->cur <= target)
			w->cur = target + 1;
		return 0;
	}
	tmw_list_splice(&w->expired, &w->past);

	w->running = true;
	for (;;) {
		/* Re-read the head each time: the callback may cancel or
		 * arm anything, including the rest of this list. */
		while (fired < budget && !tmw_list_empty(&w->expired)) {
			t = w->expired.next;
			t->next->prev = &w->expired;
			w->expired.next = t->next;
			t->next = t->prev = NULL;
			w->count--;
			fired++;
			cb(t, arg, now);
		}
		if (fired >= budget || w->cur > target)
			break;
		tk = tmw_next_tick(w);
		if (tk > target) {
			w->cur = target + 1;
			break;
		}
		tmw_process_tick(w, tk);
	}
	w->running = false;
	return fired;
}

uint64_t
tmw_count(const struct tmw_wheel *w)
{
	return w->count;
}

uint64_t
tmw_next_expiry(const struct tmw_wheel *w)
{
	uint64_t tk;

	if (w->count == 0)
		return UINT64_MAX;
	if (!tmw_list_empty(&w->expired) || !tmw_list_empty(&w->past))
		return w->now;
	/* A level-0 hit is an exact expiry tick; a higher level's hit is a
	 * cascade no later than anything it holds, so at worst early. */
	tk = tmw_next_tick(w);
	if (tk > UINT64_MAX / w->tick)
		return UINT64_MAX;
	return tk * w->tick;
}
