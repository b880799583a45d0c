/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the hierarchical timer wheel, all on a fake clock: the test
 * chooses every `now`, so "never early, at most one tick late" is checked
 * exactly rather than statistically.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include "timer/timer_wheel.h"

#define ALL	UINT_MAX	/* budget: no limit */

/* Deterministic PRNG (splitmix64) so a failure reproduces. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
ceil_to(uint64_t us, uint64_t tick)
{
	return (us + tick - 1) / tick * tick;
}

/* Records every callback: which timer, at what `now`. */
struct fire_log {
	unsigned n;
	struct tmw_timer *t[256];
	uint64_t now[256];
};

static void
log_cb(struct tmw_timer *t, void *arg, uint64_t now)
{
	struct fire_log *lg = arg;

	/* The header promises the timer is no longer pending in cb. */
	assert_false(tmw_pending(t));
	assert_true(now >= t->expire);
	assert_true(lg->n < 256);
	lg->t[lg->n] = t;
	lg->now[lg->n] = now;
	lg->n++;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Arm timers at exp[] (absolute us, in the given order) on a wheel created
 * at `base`, then walk the clock to each expiry boundary b: at b - 1
 * nothing may fire, at b exactly the timers due at b fire, with now == b.
 */
static void
check_exact(uint64_t tick, uint64_t base, const uint64_t *exp, unsigned n)
{
	struct tmw_wheel *w = tmw_create(tick, base);
	struct tmw_timer *tm = calloc(n, sizeof(*tm));
	uint64_t *b = calloc(n, sizeof(*b));
	struct fire_log lg = { 0 };
	unsigned i, j, due;

	assert_non_null(w);
	assert_non_null(tm);
	assert_non_null(b);
	assert_true(n <= 256);
	for (i = 0; i < n; i++) {
		tmw_timer_init(&tm[i]);
		tmw_arm(w, &tm[i], exp[i]);
		b[i] = ceil_to(exp[i], tick);
	}
	assert_int_equal(tmw_count(w), n);
	qsort(b, n, sizeof(*b), cmp_u64);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && b[j] == b[i]; j++)
			;
		due = j - i;
		/* The hint may be early but never later than the boundary. */
		assert_true(tmw_next_expiry(w) <= b[i]);
		assert_int_equal(tmw_advance(w, b[i] - 1, ALL, log_cb, &lg), 0);
		lg.n = 0;
		assert_int_equal(tmw_advance(w, b[i], ALL, log_cb, &lg), due);
		for (j = 0; j < lg.n; j++) {
			assert_int_equal(lg.now[j], b[i]);
			assert_int_equal(ceil_to(lg.t[j]->expire, tick), b[i]);
		}
		lg.n = 0;
		j = i + due;
		assert_int_equal(tmw_count(w), n - j);
	}
	assert_int_equal(tmw_count(w), 0);
	assert_int_equal(tmw_next_expiry(w), UINT64_MAX);
	free(b);
	free(tm);
	tmw_destroy(w);
}

static void
test_create(void **state)
{
	struct tmw_wheel *w;

	(void)state;
	assert_null(tmw_create(0, 0));
	w = tmw_create(1000, 123456);
	assert_non_null(w);
	assert_int_equal(tmw_count(w), 0);
	assert_int_equal(tmw_next_expiry(w), UINT64_MAX);
	tmw_destroy(w);
	tmw_destroy(NULL);
}

static void
test_order_across_levels(void **state)
{
	/* One timer per level boundary, armed out of order. */
	static const uint64_t off[] = {
		1ULL << 36, 3, 65536, 255, (1ULL << 32) + 7, 256,
		(1ULL << 24) - 1, 300, 1ULL << 32, 1000, 65535, 5ULL << 24,
		70000, 1ULL << 20, 1ULL << 24, 200, (1ULL << 32) - 1,
	};
	uint64_t e[sizeof(off) / sizeof(off[0])];
	unsigned i, n = sizeof(off) / sizeof(off[0]);

	(void)state;
	for (i = 0; i < n; i++)
		e[i] = off[i];
	check_exact(1, 0, e, n);
	/* Same shape on a 1 ms tick with unaligned expiries. */
	for (i = 0; i < n; i++)
		e[i] = 5000 + off[i] * 1000 - 333;
	check_exact(1000, 5000, e, n);
}

struct precise_ctx {
	uint64_t tick;
	unsigned fired;
};

static void
precise_cb(struct tmw_timer *t, void *arg, uint64_t now)
{
	struct precise_ctx *c = arg;

	assert_true(now >= t->expire);			/* never early */
	assert_true(now - t->expire < c->tick);		/* < one tick late */
	/* The clock moves 1 us at a time, so it fires on the boundary. */
	assert_int_equal(now, ceil_to(t->expire, c->tick));
	c->fired++;
}

static void
test_never_early_one_tick_late(void **state)
{
	static const uint64_t ticks[] = { 1, 7, 1000, 1024 };
	enum { N = 2000, RANGE = 300000 };
	struct tmw_timer *tm = calloc(N, sizeof(*tm));
	uint64_t seed = 42, base = 123456789, now, i;
	unsigned k;

	(void)state;
	assert_non_null(tm);
	for (k = 0; k < sizeof(ticks) / sizeof(ticks[0]); k++) {
		struct precise_ctx c = { .tick = ticks[k] };
		struct tmw_wheel *w = tmw_create(ticks[k], base);

		assert_non_null(w);
		for (i = 0; i < N; i++) {
			tmw_timer_init(&tm[i]);
			tmw_arm(w, &tm[i], base + 1 + rnd(&seed) % RANGE);
		}
		for (now = base; tmw_count(w) > 0 && now <= base + RANGE + 2048;
		     now++)
			tmw_advance(w, now, ALL, precise_cb, &c);
		assert_int_equal(c.fired, N);
		assert_int_equal(tmw_count(w), 0);
		tmw_destroy(w);
	}
	free(tm);
}

static void
test_cancel(void **state)
{
	struct tmw_wheel *w = tmw_create(1, 0);
	struct tmw_timer a, b, c, d, idle;
	struct fire_log lg = { 0 };

	(void)state;
	assert_non_null(w);
	tmw_timer_init(&a);
	tmw_timer_init(&b);
	tmw_timer_init(&c);
	tmw_timer_init(&d);
	tmw_timer_init(&idle);

	/* Not pending: a no-op, and the count must not move. */
	tmw_cancel(w, &idle);
	assert_false(tmw_pending(&idle));
	assert_int_equal(tmw_count(w), 0);

	tmw_arm(w, &a, 100);
	tmw_arm(w, &b, 100);
	tmw_arm(w, &c, 5000);
	assert_true(tmw_pending(&a));
	assert_int_equal(tmw_count(w), 3);
	tmw_cancel(w, &a);
	assert_false(tmw_pending(&a));
	assert_int_equal(tmw_count(w), 2);
	tmw_cancel(w, &a);		/* twice: still a no-op */
	assert_int_equal(tmw_count(w), 2);

	assert_int_equal(tmw_advance(w, 100, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[0], &b);
	tmw_cancel(w, &b);		/* after firing: no-op */
	assert_int_equal(tmw_count(w), 1);

	/* Emptying a slot by cancel must not leave a stale hint behind: the
	 * only timer left is in level 0, whose hint is exact. */
	tmw_arm(w, &d, 300);
	assert_int_equal(tmw_next_expiry(w), 300);
	tmw_cancel(w, &d);
	assert_true(tmw_next_expiry(w) > 300);
	assert_true(tmw_next_expiry(w) <= 5000);
	tmw_cancel(w, &c);
	assert_int_equal(tmw_count(w), 0);
	assert_int_equal(tmw_next_expiry(w), UINT64_MAX);
	assert_int_equal(tmw_advance(w, 100000, ALL, log_cb, &lg), 0);

	/* Cancel of a timer armed in the past (due, not yet fired). */
	tmw_arm(w, &a, 50);
	assert_true(tmw_pending(&a));
	tmw_cancel(w, &a);
	assert_int_equal(tmw_advance(w, 100001, ALL, log_cb, &lg), 0);

	/* A cancelled timer can be armed again and fires normally. */
	tmw_arm(w, &a, 100500);
	assert_int_equal(tmw_advance(w, 100499, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 100500, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[1], &a);
	assert_int_equal(tmw_count(w), 0);
	tmw_destroy(w);
}

static void
test_rearm(void **state)
{
	struct tmw_wheel *w = tmw_create(10, 0);
	struct tmw_timer a, b, c, d, e;
	struct fire_log lg = { 0 };

	(void)state;
	assert_non_null(w);
	tmw_timer_init(&a);
	tmw_timer_init(&b);
	tmw_timer_init(&c);
	tmw_timer_init(&d);
	tmw_timer_init(&e);

	tmw_arm(w, &a, 5000);
	tmw_arm(w, &a, 1000);		/* earlier */
	tmw_arm(w, &b, 1000);
	tmw_arm(w, &b, 5000);		/* later */
	tmw_arm(w, &c, 300);
	tmw_arm(w, &c, 3000000);	/* later, two levels up */
	tmw_arm(w, &c, 2000000);	/* then earlier again */
	assert_int_equal(tmw_count(w), 3);
	assert_int_equal(a.expire, 1000);

	assert_int_equal(tmw_advance(w, 999, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 1000, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[0], &a);
	assert_int_equal(tmw_advance(w, 4999, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 5000, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[1], &b);
	assert_int_equal(tmw_advance(w, 1999999, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 2000000, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[2], &c);
	assert_int_equal(tmw_advance(w, 3000000, ALL, log_cb, &lg), 0);
	lg.n = 0;

	/* Armed in the past, then moved to the future: must wait. */
	tmw_arm(w, &d, 2999990);
	tmw_arm(w, &d, 3000050);
	assert_int_equal(tmw_advance(w, 3000000, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 3000049, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 3000050, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[0], &d);

	/* Pushed later within the current tick's neighbourhood: rounds up
	 * from the new expiry, not the old one. */
	tmw_arm(w, &e, 3000100);
	assert_int_equal(tmw_advance(w, 3000095, ALL, log_cb, &lg), 0);
	tmw_arm(w, &e, 3000105);
	assert_int_equal(tmw_advance(w, 3000100, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 3000109, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 3000110, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[1], &e);
	assert_int_equal(tmw_count(w), 0);
	tmw_destroy(w);
}

static void
test_arm_past_fires_next_advance(void **state)
{
	/* `now` is mid-tick: an expiry before it is due at the next call,
	 * while one after it rounds up to the tick boundary as usual. */
	struct tmw_wheel *w = tmw_create(1000, 1500);
	struct tmw_timer a, b, c, d;
	struct fire_log lg = { 0 };

	(void)state;
	assert_non_null(w);
	tmw_timer_init(&a);
	tmw_timer_init(&b);
	tmw_timer_init(&c);
	tmw_timer_init(&d);
	tmw_arm(w, &a, 1200);
	tmw_arm(w, &b, 1500);
	tmw_arm(w, &c, 0);
	tmw_arm(w, &d, 1700);
	assert_int_equal(tmw_count(w), 4);
	assert_true(tmw_next_expiry(w) <= 1500);
	assert_int_equal(tmw_advance(w, 1600, ALL, log_cb, &lg), 3);
	assert_ptr_equal(lg.t[0], &a);
	assert_ptr_equal(lg.t[1], &b);
	assert_ptr_equal(lg.t[2], &c);
	assert_int_equal(lg.now[0], 1600);
	assert_int_equal(tmw_advance(w, 1999, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_advance(w, 2000, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[3], &d);

	/* Same once the wheel has advanced to a mid-tick `now`. */
	tmw_arm(w, &a, 2300);
	assert_int_equal(tmw_advance(w, 2400, ALL, log_cb, &lg), 0);
	tmw_arm(w, &b, 2400);
	assert_int_equal(tmw_advance(w, 2400, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[4], &b);
	assert_int_equal(tmw_advance(w, 3000, ALL, log_cb, &lg), 1);
	assert_ptr_equal(lg.t[5], &a);
	tmw_destroy(w);
}

struct periodic {
	struct tmw_wheel *w;
	struct tmw_timer t;
	uint64_t period;
	uint64_t until;
	unsigned fired;
	unsigned past_rearms;	/* re-arm into the past this many times */
};

static void
periodic_cb(struct tmw_timer *t, void *arg, uint64_t now)
{
	struct periodic *p = arg;

	assert_ptr_equal(t, &p->t);
	assert_true(now >= t->expire);
	p->fired++;
	if (p->past_rearms > 0) {
		p->past_rearms--;
		tmw_arm(p->w, t, now);
	} else if (t->expire + p->period <= p->until) {
		tmw_arm(p->w, t, t->expire + p->period);
		assert_true(tmw_pending(t));
	}
}

static void
test_rearm_in_callback(void **state)
{
	struct periodic p = { .period = 250, .until = 10000 };
	uint64_t now;

	(void)state;
	p.w = tmw_create(10, 0);
	assert_non_null(p.w);
	tmw_timer_init(&p.t);

	/* Stepping: each firing lands exactly on its schedule. */
	tmw_arm(p.w, &p.t, 250);
	for (now = 0; now <= 10000; now += 5) {
		unsigned before = p.fired;

		tmw_advance(p.w, now, ALL, periodic_cb, &p);
		assert_int_equal(p.fired - before,
				 now != 0 && now % 250 == 0 ? 1 : 0);
	}
	assert_int_equal(p.fired, 40);
	assert_false(tmw_pending(&p.t));

	/* One call spanning many periods: re-arms that fall inside the
	 * window (past the tick being processed) fire in the same call. */
	p.fired = 0;
	p.until = 30000;
	tmw_arm(p.w, &p.t, 10250);
	assert_int_equal(tmw_advance(p.w, 20000, ALL, periodic_cb, &p), 40);
	assert_int_equal(p.t.expire, 20250);
	assert_true(tmw_pending(&p.t));
	tmw_cancel(p.w, &p.t);

	/* Re-arming into the past fires at the next call, not this one, so
	 * an unlimited budget still returns. */
	p.fired = 0;
	p.past_rearms = 3;
	tmw_arm(p.w, &p.t, 20000);
	assert_int_equal(tmw_advance(p.w, 20000, ALL, periodic_cb, &p), 1);
	assert_true(tmw_pending(&p.t));
	assert_true(tmw_next_expiry(p.w) <= 20000);
	assert_int_equal(tmw_advance(p.w, 20000, ALL, periodic_cb, &p), 1);
	assert_int_equal(tmw_advance(p.w, 20001, ALL, periodic_cb, &p), 1);
	assert_int_equal(p.fired, 3);
	tmw_cancel(p.w, &p.t);
	assert_int_equal(tmw_count(p.w), 0);
	tmw_destroy(p.w);
}

struct meddler {
	struct tmw_wheel *w;
	struct tmw_timer t[9];	/* A..I */
	struct fire_log lg;
};

enum { TA, TB, TC, TD, TE, TF, TG, TH, TI };

static void
meddler_cb(struct tmw_timer *t, void *arg, uint64_t now)
{
	struct meddler *m = arg;

	log_cb(t, &m->lg, now);
	if (t != &m->t[TA])
		return;
	tmw_cancel(m->w, t);			/* itself: not pending, no-op */
	tmw_cancel(m->w, &m->t[TB]);		/* same slot, due right now */
	tmw_cancel(m->w, &m->t[TD]);		/* a later slot */
	tmw_arm(m->w, &m->t[TH], 800);		/* same slot, moved later */
	tmw_arm(m->w, &m->t[TF], 550);		/* new, inside this window */
	tmw_arm(m->w, &m->t[TG], now);		/* new, end of this window */
	tmw_arm(m->w, &m->t[TI], 500);		/* the tick being processed */
}

static void
test_cancel_other_from_callback(void **state)
{
	static const unsigned order1[] = { TA, TC, TF, TE, TH, TG };
	struct meddler m = { 0 };
	unsigned i;

	(void)state;
	m.w = tmw_create(1, 0);
	assert_non_null(m.w);
	for (i = 0; i < 9; i++)
		tmw_timer_init(&m.t[i]);
	tmw_arm(m.w, &m.t[TA], 500);
	tmw_arm(m.w, &m.t[TB], 500);
	tmw_arm(m.w, &m.t[TH], 500);
	tmw_arm(m.w, &m.t[TC], 500);
	tmw_arm(m.w, &m.t[TD], 700);
	tmw_arm(m.w, &m.t[TE], 600);

	assert_int_equal(tmw_advance(m.w, 1000, ALL, meddler_cb, &m), 6);
	for (i = 0; i < 6; i++)
		assert_ptr_equal(m.lg.t[i], &m.t[order1[i]]);
	assert_false(tmw_pending(&m.t[TB]));
	assert_false(tmw_pending(&m.t[TD]));
	/* I was armed for the tick already being processed: it waits for
	 * the next call rather than extending this one. */
	assert_true(tmw_pending(&m.t[TI]));
	assert_int_equal(tmw_count(m.w), 1);
	assert_int_equal(tmw_advance(m.w, 1000, ALL, meddler_cb, &m), 1);
	assert_ptr_equal(m.lg.t[6], &m.t[TI]);
	assert_int_equal(tmw_advance(m.w, 5000, ALL, meddler_cb, &m), 0);
	assert_int_equal(tmw_count(m.w), 0);
	tmw_destroy(m.w);
}

static void
test_wrap_every_level(void **state)
{
	/* Start just before each level's wrap (and 2^32 us, 2^40 us) and arm
	 * across every level boundary, so cur crosses each wrap with timers
	 * on both sides of it. */
	static const uint64_t bases[] = {
		0, 250, 65530, (1ULL << 24) - 3, (1ULL << 32) - 5,
		(1ULL << 40) - 7, (1ULL << 48) + (1ULL << 32) - 1,
	};
	static const uint64_t off[] = {
		1, 2, 5, 255, 256, 257, 511, 65535, 65536, 65537,
		(1ULL << 24) - 1, 1ULL << 24, (1ULL << 24) + 1,
		(1ULL << 32) - 1, 1ULL << 32, (1ULL << 32) + 1, 3ULL << 32,
	};
	enum { N = sizeof(off) / sizeof(off[0]) };
	static const uint64_t ticks[] = { 1, 1000 };
	uint64_t e[N], tick;
	unsigned i, b, k;

	(void)state;
	for (k = 0; k < 2; k++) {
		tick = ticks[k];
		for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
			uint64_t base = bases[b] * tick + tick / 2;

			for (i = 0; i < N; i++)
				e[N - 1 - i] = base + off[i] * tick - tick / 3;
			check_exact(tick, base, e, N);
		}
	}
}

static void
test_far_beyond_range(void **state)
{
	static const uint64_t e1[] = {
		1ULL << 44, 1ULL << 33, 10, (1ULL << 40) + 5, 70000,
		(1ULL << 33) + 1,
	};
	static const uint64_t e2[] = {
		1ULL << 52, 3ULL * 1000 * (1ULL << 32) + 1, 999,
		1000ULL * (1ULL << 32), 1000ULL * (1ULL << 32) + 1000,
	};
	struct tmw_wheel *w;
	struct tmw_timer t;
	struct fire_log lg = { 0 };

	(void)state;
	check_exact(1, 0, e1, sizeof(e1) / sizeof(e1[0]));
	check_exact(1000, 0, e2, sizeof(e2) / sizeof(e2[0]));

	/* Parked far away, it stays pending and counted through coarse
	 * jumps that pass several re-parks. */
	w = tmw_create(1, 0);
	assert_non_null(w);
	tmw_timer_init(&t);
	tmw_arm(w, &t, (1ULL << 40) + 3);
	assert_int_equal(tmw_advance(w, 1ULL << 35, ALL, log_cb, &lg), 0);
	assert_true(tmw_pending(&t));
	assert_int_equal(tmw_advance(w, 1ULL << 40, ALL, log_cb, &lg), 0);
	assert_int_equal(tmw_count(w), 1);
	assert_int_equal(tmw_advance(w, (1ULL << 40) + 2, ALL, log_cb, &lg),
			 0);
	assert_int_equal(tmw_advance(w, (1ULL << 40) + 3, ALL, log_cb, &lg),
			 1);
	assert_int_equal(tmw_count(w), 0);
	tmw_destroy(w);
}

static void
test_budget(void **state)
{
	struct tmw_wheel *w = tmw_create(1, 0);
	struct tmw_timer a[100], b[50], c[10];
	struct tmw_timer *expect[160];
	struct fire_log lg = { 0 };
	unsigned i, n = 0, got;

	(void)state;
	assert_non_null(w);
	for (i = 0; i < 100; i++) {
		tmw_timer_init(&a[i]);
		tmw_arm(w, &a[i], 500);
	}
	for (i = 0; i < 50; i++) {
		tmw_timer_init(&b[i]);
		tmw_arm(w, &b[i], 501);
	}
	for (i = 0; i < 10; i++) {
		tmw_timer_init(&c[i]);
		tmw_arm(w, &c[i], 502);
	}
	for (i = 0; i < 100; i++)
		if (i != 40)
			expect[n++] = &a[i];
	for (i = 0; i < 50; i++)
		expect[n++] = &b[i];
	for (i = 0; i < 10; i++)
		expect[n++] = &c[i];

	assert_int_equal(tmw_advance(w, 1000, 0, log_cb, &lg), 0);
	assert_int_equal(tmw_count(w), 160);

	/* Stop in the middle of a slot: exactly `budget` callbacks. */
	assert_int_equal(tmw_advance(w, 1000, 30, log_cb, &lg), 30);
	assert_int_equal(tmw_count(w), 130);
	assert_true(tmw_next_expiry(w) <= 1000);
	/* The leftovers are still pending and can be cancelled. */
	assert_true(tmw_pending(&a[40]));
	tmw_cancel(w, &a[40]);
	assert_int_equal(tmw_count(w), 129);

	got = tmw_advance(w, 1000, 30, log_cb, &lg);
	assert_int_equal(got, 30);
	/* Next budget spans the rest of the slot and two more ticks; a later
	 * now still delivers them, with that now. */
	got = tmw_advance(w, 2000, 100, log_cb, &lg);
	assert_int_equal(got, 99);
	assert_int_equal(lg.n, 159);
	assert_int_equal(n, 159);
	for (i = 0; i < n; i++)
		assert_ptr_equal(lg.t[i], expect[i]);
	assert_int_equal(lg.now[0], 1000);
	assert_int_equal(lg.now[158], 2000);
	assert_int_equal(tmw_count(w), 0);
	tmw_destroy(w);
}

/* Million-timer soak: every timer fires once, in expiry order, never
 * early, and every call that is not cut short by its budget has fired
 * everything due by its `now`. */
struct soak {
	struct tmw_timer *tm;
	uint8_t *fired;
	uint64_t tick;
	uint64_t last;		/* rounded expiry of the last firing */
	uint64_t nfired;
	uint64_t errors;
};

static void
soak_cb(struct tmw_timer *t, void *arg, uint64_t now)
{
	struct soak *s = arg;
	size_t i = (size_t)(t - s->tm);
	uint64_t key = ceil_to(t->expire, s->tick);

	/* Count rather than assert: a million cmocka calls are slow. */
	s->errors += s->fired[i] != 0;
	s->errors += now < t->expire;
	s->errors += key < s->last;
	s->fired[i] = 1;
	s->last = key;
	s->nfired++;
}

static void
soak_run(uint64_t tick, uint64_t seed)
{
	enum { N = 1 << 20 };
	struct soak s = { .tick = tick };
	uint64_t *sorted = malloc(N * sizeof(*sorted));
	uint64_t base = 987654321, now = base, due = 0, iter = 0, i, e;
	struct tmw_wheel *w = tmw_create(tick, base);
	unsigned budget, got;

	s.tm = malloc(N * sizeof(*s.tm));
	s.fired = calloc(N, 1);
	assert_non_null(w);
	assert_non_null(sorted);
	assert_non_null(s.tm);
	assert_non_null(s.fired);
	for (i = 0; i < N; i++) {
		/* Log-uniform offsets: clusters in level 0 and a spread over
		 * every level (on the 1 us tick, some beyond the range). */
		e = base + 1 + rnd(&seed) % (UINT64_C(1) << (rnd(&seed) % 35)) *
			(tick == 1 ? 1 : 3);
		tmw_timer_init(&s.tm[i]);
		tmw_arm(w, &s.tm[i], e);
		sorted[i] = ceil_to(e, tick);
	}
	assert_int_equal(tmw_count(w), N);
	qsort(sorted, N, sizeof(*sorted), cmp_u64);

	while (tmw_count(w) > 0) {
		assert_true(++iter < 10000000);
		now += rnd(&seed) % (UINT64_C(1) << (rnd(&seed) % 31));
		budget = rnd(&seed) % 8 ? 1 + rnd(&seed) % 5000 : ALL;
		got = tmw_advance(w, now, budget, soak_cb, &s);
		assert_true(got <= budget);
		while (due < N && sorted[due] <= now)
			due++;
		if (got < budget)
			assert_int_equal(s.nfired, due);
		else
			assert_true(s.nfired <= due);
		assert_int_equal(tmw_count(w), N - s.nfired);
	}
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.nfired, N);
	for (i = 0; i < N; i++)
		assert_int_equal(s.fired[i], 1);
	assert_int_equal(tmw_next_expiry(w), UINT64_MAX);
	free(s.fired);
	free(s.tm);
	free(sorted);
	tmw_destroy(w);
}

static void
test_million_random(void **state)
{
	(void)state;
	soak_run(1, 7);
	soak_run(1000, 8);
}

struct order_ctx {
	uint64_t last;
	unsigned fired;
	unsigned bad;
};

static void
order_cb(struct tmw_timer *t, void *arg, uint64_t now)
{
	struct order_ctx *c = arg;

	c->bad += t->expire < c->last || now < t->expire;
	c->last = t->expire;
	c->fired++;
}

static void
test_big_jump(void **state)
{
	enum { N = 1000 };
	const uint64_t tick = 1000, base = UINT64_C(1700000000000000);
	struct tmw_timer tm[N], x;
	struct order_ctx c = { 0 };
	struct fire_log lg = { 0 };
	struct tmw_wheel *w;
	uint64_t seed = 99, e, now;
	unsigned i;

	(void)state;
	w = tmw_create(tick, base);
	assert_non_null(w);
	for (i = 0; i < N; i++) {
		tmw_timer_init(&tm[i]);
		tmw_arm(w, &tm[i], base + 1 + rnd(&seed) % (UINT64_C(1) << 40));
	}
	/* 2^50 us is about 35 years: far more ticks than could be walked. */
	now = base + (UINT64_C(1) << 50);
	assert_int_equal(tmw_advance(w, now, ALL, order_cb, &c), N);
	assert_int_equal(c.bad, 0);
	assert_int_equal(tmw_count(w), 0);

	/* The wheel is consistent after the jump. */
	tmw_timer_init(&x);
	e = now + 5 * tick + 17;
	tmw_arm(w, &x, e);
	assert_int_equal(tmw_next_expiry(w), ceil_to(e, tick));
	assert_int_equal(tmw_advance(w, ceil_to(e, tick) - 1, ALL, log_cb,
				     &lg), 0);
	assert_int_equal(tmw_advance(w, ceil_to(e, tick), ALL, log_cb, &lg), 1);

	/* A jump over an empty stretch that stops short of a far timer. */
	e = now + (UINT64_C(1) << 45) + 1;
	tmw_arm(w, &x, e);
	assert_int_equal(tmw_advance(w, now + (UINT64_C(1) << 44), ALL, log_cb,
				     &lg), 0);
	assert_int_equal(tmw_advance(w, ceil_to(e, tick) - 1, ALL, log_cb,
				     &lg), 0);
	assert_int_equal(tmw_advance(w, ceil_to(e, tick), ALL, log_cb, &lg), 1);
	assert_int_equal(lg.now[1], ceil_to(e, tick));
	tmw_destroy(w);
}

static void
test_next_expiry_idle_loop(void **state)
{
	/* An idle loop that sleeps until the hint must never overshoot. */
	static const uint64_t exp[] = { 250, 70001, 10000000, 5000000000ULL };
	struct tmw_wheel *w;
	struct tmw_timer t;
	struct fire_log lg = { 0 };
	uint64_t now, hint, b;
	unsigned k, steps;

	(void)state;
	for (k = 0; k < sizeof(exp) / sizeof(exp[0]); k++) {
		w = tmw_create(100, 0);
		assert_non_null(w);
		tmw_timer_init(&t);
		tmw_arm(w, &t, exp[k]);
		b = ceil_to(exp[k], 100);
		now = 0;
		lg.n = 0;
		for (steps = 0; lg.n == 0; steps++) {
			assert_true(steps < 16);
			hint = tmw_next_expiry(w);
			assert_true(hint <= b);
			assert_true(hint >= now);
			now = hint;
			tmw_advance(w, now, ALL, log_cb, &lg);
		}
		assert_int_equal(lg.now[0], b);
		assert_int_equal(tmw_next_expiry(w), UINT64_MAX);
		tmw_destroy(w);
	}

	/* Armed in the past: the hint says "now". */
	w = tmw_create(100, 1000);
	assert_non_null(w);
	tmw_timer_init(&t);
	tmw_arm(w, &t, 10);
	assert_true(tmw_next_expiry(w) <= 1000);
	assert_int_equal(tmw_advance(w, 1000, ALL, log_cb, &lg), 1);
	tmw_destroy(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_order_across_levels),
		cmocka_unit_test(test_never_early_one_tick_late),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_rearm),
		cmocka_unit_test(test_arm_past_fires_next_advance),
		cmocka_unit_test(test_rearm_in_callback),
		cmocka_unit_test(test_cancel_other_from_callback),
		cmocka_unit_test(test_wrap_every_level),
		cmocka_unit_test(test_far_beyond_range),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_million_random),
		cmocka_unit_test(test_big_jump),
		cmocka_unit_test(test_next_expiry_idle_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
