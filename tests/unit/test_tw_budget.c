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

/*
 * Polls every poll_us from 0 to end_us; each poll first inserts `per_poll`
 * records expiring tw_ms later, then expires with the budget (adaptive or
 * fixed).  `burst` records expiring at burst_ms are inserted up front (a
 * rate that was higher 2MSL ago than now).  Returns the late expiries, and
 * checks that everything due was expired.
 */
static uint32_t
simulate(bool adaptive, uint32_t burst, uint32_t burst_ms, uint32_t per_poll,
	 uint32_t tw_ms, uint64_t poll_us, uint64_t end_us)
{
	struct tw_table tw;
	uint32_t budget = TW_BUDGET_FLOOR, late = 0, next = 0;

	assert_int_equal(tw_init(&tw, 1u << 20), 0);
	for (uint32_t i = 0; i < burst; i++) {
		struct tcp_tuple t = tuple(next++);

		assert_non_null(tw_insert(&tw, &t, burst_ms));
	}
	for (uint64_t now = 0; now <= end_us; now += poll_us) {
		uint32_t now_ms = (uint32_t)(now / 1000), n;

		for (uint32_t i = 0; i < per_poll; i++) {
			struct tcp_tuple t = tuple(next++);

			assert_non_null(tw_insert(&tw, &t, now_ms + tw_ms));
		}
		n = tw_expire(&tw, now_ms, budget);
		if (adaptive)
			budget = tw_budget_next(budget, n, per_poll);
		late += tw.expired_late;
		tw.expired_late = 0;
	}
	/* Nothing due is left behind at the end (the run ends well after). */
	if (adaptive)
		assert_true(tw_oldest(&tw) == NULL ||
			    tw_rec_expire(&tw, tw_oldest(&tw)) > (uint32_t)(end_us / 1000) - 2);
	tw_free(&tw);
	return late;
}

/* 2MSL ago 3000 records were inserted within one ms; now nothing arrives.
 * Polls every 250 us: a fixed 256 needs 12 polls (3 ms), the rule 4. */
static void
test_backlog_not_late(void **state)
{
	(void)state;
	assert_true(simulate(false, 3000, 10, 0, 0, 250, 30000) > 0);
	assert_int_equal(simulate(true, 3000, 10, 0, 0, 250, 30000), 0);
}

/* A steady 1500 records per 250 us poll (6M/s), 20 ms TIME_WAIT. */
static void
test_steady_rate_not_late(void **state)
{
	(void)state;
	assert_true(simulate(false, 0, 0, 1500, 20, 250, 100000) > 0);
	assert_int_equal(simulate(true, 0, 0, 1500, 20, 250, 100000), 0);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
