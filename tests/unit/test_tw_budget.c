/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TIME_WAIT expiry budget per poll (tcp/tw_budget.h): the rule itself,
 * then the rule driving a real tw_table on a fake clock, where a fixed
 * budget expires records more than one tick late and the rule does not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tcp/conn_table.h"
#include "tcp/tw_budget.h"
#include "tcp/tw_table.h"

static void
test_floor_when_quiet(void **state)
{
	(void)state;
	assert_int_equal(tw_budget_next(TW_BUDGET_FLOOR, 0, 0), TW_BUDGET_FLOOR);
	assert_int_equal(tw_budget_next(TW_BUDGET_FLOOR, 3, 10), TW_BUDGET_FLOOR);
	/* A large budget not used up shrinks back at once. */
	assert_int_equal(tw_budget_next(8192, 100, 0), TW_BUDGET_FLOOR);
}

static void
test_twice_the_arrivals(void **state)
{
	(void)state;
	assert_int_equal(tw_budget_next(TW_BUDGET_FLOOR, 0, 500), 1000);
	assert_int_equal(tw_budget_next(1000, 10, 3000), 6000);
	assert_int_equal(tw_budget_next(6000, 0, 129), TW_BUDGET_FLOOR + 2);
}

static void
test_doubles_when_used_up(void **state)
{
	(void)state;
	assert_int_equal(tw_budget_next(256, 256, 0), 512);
	assert_int_equal(tw_budget_next(512, 512, 0), 1024);
	/* Twice the arrivals wins when it is larger. */
	assert_int_equal(tw_budget_next(256, 256, 1000), 2000);
	assert_int_equal(tw_budget_next(4000, 4000, 1000), 8000);
}

static void
test_capped(void **state)
{
	(void)state;
	assert_int_equal(tw_budget_next(TW_BUDGET_CAP, TW_BUDGET_CAP, 0), TW_BUDGET_CAP);
	assert_int_equal(tw_budget_next(TW_BUDGET_FLOOR, 0, 1ull << 40), TW_BUDGET_CAP);
	assert_int_equal(tw_budget_next(UINT32_MAX, UINT32_MAX, UINT64_MAX / 2), TW_BUDGET_CAP);
}

static struct tcp_tuple
tuple(uint32_t i)
{
	struct tcp_tuple t = {
		.laddr.v4 = 0xc6120001u,
		.raddr.v4 = 0xc6120002u + (i >> 16),
		.lport = 80,
		.rport = (uint16_t)i,
	};

	return t;
}

enum rule { FIXED, DOUBLING, PACER };

struct sim {
	enum rule rule;
	uint32_t burst, burst_ms;   /* records inserted up front, expiring at burst_ms */
	uint32_t per_poll;          /* records inserted by each poll */
	uint32_t tw_ms;             /* their TIME_WAIT */
	uint64_t poll_us, end_us;   /* a poll every poll_us until end_us */
	uint64_t stall_at_us, stall_us;   /* no poll from stall_at_us for stall_us */
	uint32_t expiry_ns;         /* the clock moves this much per record expired */
	uint32_t late, deferred;    /* results */
};

/*
 * Polls every poll_us from 0 to end_us (plus expiry_ns per record each
 * poll expires: the work takes time); each poll first inserts `per_poll`
 * records expiring tw_ms later, then expires with the budget of the rule:
 * FIXED (the floor), DOUBLING (tw_budget_next alone) or PACER (the
 * stack's: tw_pacer_begin/end).  Checks that everything due was expired by
 * the end.
 */
static void
simulate(struct sim *m)
{
	struct tw_table tw;
	struct tw_pacer p;
	uint32_t budget = TW_BUDGET_FLOOR, next = 0;
	uint64_t created = 0;

	assert_int_equal(tw_init(&tw, 1u << 20), 0);
	tw_pacer_init(&p, 0);
	for (uint32_t i = 0; i < m->burst; i++) {
		struct tcp_tuple t = tuple(next++);

		assert_non_null(tw_insert(&tw, &t, m->burst_ms));
	}
	created = m->burst;
	m->late = m->deferred = 0;
	for (uint64_t now = 0; now <= m->end_us;) {
		uint32_t now_ms = (uint32_t)(now / 1000), n;

		for (uint32_t i = 0; i < m->per_poll; i++) {
			struct tcp_tuple t = tuple(next++);

			assert_non_null(tw_insert(&tw, &t, now_ms + m->tw_ms));
		}
		created += m->per_poll;
		if (m->rule == PACER)
			budget = tw_pacer_begin(&p, now_ms, created);
		n = tw_expire(&tw, now_ms, budget);
		if (m->rule == PACER)
			tw_pacer_end(&p, budget, n, created);
		else if (m->rule == DOUBLING)
			budget = tw_budget_next(budget, n, m->per_poll);
		m->late += tw.expired_late;
		m->deferred += tw.expired_deferred;
		tw.expired_late = tw.expired_deferred = 0;
		now += m->poll_us + (uint64_t)n * m->expiry_ns / 1000;
		if (m->stall_us > 0 && now >= m->stall_at_us && now < m->stall_at_us + m->stall_us)
			now = m->stall_at_us + m->stall_us;
	}
	/* Nothing due is left behind at the end (the run ends well after). */
	if (m->rule != FIXED)
		assert_true(tw_oldest(&tw) == NULL ||
			    tw_rec_expire(&tw, tw_oldest(&tw)) > (uint32_t)(m->end_us / 1000) - 2);
	tw_free(&tw);
}

/* m's late expiries under rule r (m->deferred: of those, the table's). */
static uint32_t
late_with(struct sim *m, enum rule r)
{
	m->rule = r;
	simulate(m);
	return m->late;
}

/* 2MSL ago 3000 records were inserted within one ms; now nothing arrives.
 * Polls every 250 us: a fixed 256 needs 12 polls (3 ms), the rule 4. */
static void
test_backlog_not_late(void **state)
{
	struct sim m = { .burst = 3000, .burst_ms = 10, .poll_us = 250, .end_us = 30000 };

	(void)state;
	assert_true(late_with(&m, FIXED) > 0);
	assert_int_equal(m.deferred, m.late);    /* all seen on time, left */
	assert_int_equal(late_with(&m, DOUBLING), 0);
	assert_int_equal(late_with(&m, PACER), 0);
}

/* A steady 1500 records per 250 us poll (6M/s), 20 ms TIME_WAIT. */
static void
test_steady_rate_not_late(void **state)
{
	struct sim m = { .per_poll = 1500, .tw_ms = 20, .poll_us = 250, .end_us = 100000 };

	(void)state;
	assert_true(late_with(&m, FIXED) > 0);
	assert_int_equal(late_with(&m, DOUBLING), 0);
	assert_int_equal(late_with(&m, PACER), 0);
}

/*
 * 1M records/s (50 per 50 us poll), 20 ms TIME_WAIT, 100 ns per expiry;
 * the lcore is off its CPU for 12 ms.  What fell due meanwhile is late
 * whatever the rule (the stall's).  Doubling from the floor then takes
 * ~1.6 ms of polls to catch up, and the records that were due but on
 * time at the first poll back turn late behind the backlog (the table's
 * doing: deferred); the pacer sizes that poll for the gap.
 */
static void
test_stall_caught_up_at_once(void **state)
{
	struct sim m = { .per_poll = 50, .tw_ms = 20, .poll_us = 50, .end_us = 100000,
			 .stall_at_us = 50000, .stall_us = 12000, .expiry_ns = 100 };
	uint32_t late_doubling;

	(void)state;
	late_doubling = late_with(&m, DOUBLING);
	assert_true(m.deferred > 0);
	/* The 10-11 ms whose records fell due more than a tick before the
	 * lcore came back. */
	assert_in_range(late_with(&m, PACER), 9000, 11000);
	assert_int_equal(m.deferred, 0);
	assert_true(late_doubling > m.late);
}

static void
test_after_gap(void **state)
{
	(void)state;
	/* No gap, or a budget already large enough: unchanged. */
	assert_int_equal(tw_budget_after_gap(256, 1000, 0), 256);
	assert_int_equal(tw_budget_after_gap(256, 1000, 1), 256);
	assert_int_equal(tw_budget_after_gap(9000, 1000, 3), 9000);
	/* 1000/ms, 5 ms gap: twice the 6 ms that fell due. */
	assert_int_equal(tw_budget_after_gap(256, 1000, 5), 12000);
	assert_int_equal(tw_budget_after_gap(256, 1000, 100), TW_BUDGET_CAP);
	assert_int_equal(tw_budget_after_gap(256, UINT32_MAX, UINT32_MAX), TW_BUDGET_CAP);
}

static void
test_rate(void **state)
{
	(void)state;
	assert_int_equal(tw_rate_next(0, 16000, 16), 1000);
	/* A window with a stall in it reads low: a quarter down at most. */
	assert_int_equal(tw_rate_next(1000, 1600, 16), 750);
	assert_int_equal(tw_rate_next(1000, 20000, 16), 1250);
	assert_int_equal(tw_rate_next(0, UINT64_MAX, 1), UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_floor_when_quiet),
		cmocka_unit_test(test_twice_the_arrivals),
		cmocka_unit_test(test_doubles_when_used_up),
		cmocka_unit_test(test_capped),
		cmocka_unit_test(test_backlog_not_late),
		cmocka_unit_test(test_steady_rate_not_late),
		cmocka_unit_test(test_stall_caught_up_at_once),
		cmocka_unit_test(test_after_gap),
		cmocka_unit_test(test_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
