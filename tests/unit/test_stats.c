/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/stats: the counter and state names every report uses (JSON keys,
 * console, telemetry), summing per-lcore stats, and the seeded generator
 * behind the fault knobs and rst_fraction (same seed, same sequence).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stats/rng.h"
#include "stats/stats.h"
#include "tcp/tcp.h"

/* Counter names are JSON keys and telemetry names: non-empty snake_case,
 * unique, each with a help text. */
static void
test_counter_names(void **state)
{
	(void)state;
	for (unsigned k = 0; k < TT_NCOUNTERS; k++) {
		const char *n = tt_counter_names[k];

		assert_non_null(n);
		assert_true(strlen(n) > 0);
		assert_true(islower((unsigned char)n[0]));
		for (const char *p = n; *p; p++)
			assert_true(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
				    *p == '_');
		assert_non_null(tt_counter_help[k]);
		assert_true(strlen(tt_counter_help[k]) > 0);
		for (unsigned j = 0; j < k; j++)
			assert_string_not_equal(n, tt_counter_names[j]);
	}
	/* The enum and the name table come from one X-macro. */
	assert_string_equal(tt_counter_names[TT_C_tw_created], "tw_created");
	assert_string_equal(tt_counter_names[TT_C_http_responses], "http_responses");
}

/* The 11 RFC 9293 states, spelled as RFC 9293 does (the JSON keys). */
static void
test_state_names(void **state)
{
	static const char *const rfc[] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
		"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
		"TIME_WAIT",
	};
	unsigned found = 0;

	(void)state;
	assert_int_equal(TCP_NSTATES, 11);
	for (unsigned k = 0; k < TCP_NSTATES; k++)
		for (unsigned i = 0; i < 11; i++)
			found += strcmp(tcp_state_name((enum tcp_state)k), rfc[i]) == 0;
	assert_int_equal(found, 11);
	assert_string_equal(tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(tcp_state_name(TCP_CLOSE_WAIT), "CLOSE_WAIT");
	assert_string_equal(tcp_state_name((enum tcp_state)TCP_NSTATES), "?");
	assert_string_equal(tcp_state_name((enum tcp_state)-1), "?");
}

/* Summing lcores: counters add, gauges add (one lcore's gauge may be
 * negative for a moment: a connection it counted moved elsewhere), and out
 * starts from zero whatever it held. */
static void
test_sum(void **state)
{
	static struct tt_stats a, b, c, out;
	struct tt_stats *in[3] = { &a, &b, &c };

	(void)state;
	for (unsigned k = 0; k < TT_NCOUNTERS; k++) {
		a.c[k] = k;
		b.c[k] = 1000 * k;
		c.c[k] = UINT64_C(1) << 40;
	}
	for (unsigned k = 0; k < TCP_NSTATES; k++) {
		a.state[k] = (int64_t)k;
		b.state[k] = -1;
		c.state[k] = 7;
	}
	memset(&out, 0xab, sizeof(out));
	tt_stats_sum(&out, in, 3);
	for (unsigned k = 0; k < TT_NCOUNTERS; k++)
		assert_int_equal(out.c[k], 1001 * (uint64_t)k + (UINT64_C(1) << 40));
	for (unsigned k = 0; k < TCP_NSTATES; k++)
		assert_int_equal(out.state[k], (int64_t)k + 6);
	tt_stats_sum(&out, in, 1);
	assert_int_equal(out.c[5], 5);
	assert_int_equal(out.state[TCP_TIME_WAIT], TCP_TIME_WAIT);
	tt_stats_sum(&out, in, 0);
	for (unsigned k = 0; k < TT_NCOUNTERS; k++)
		assert_int_equal(out.c[k], 0);
	for (unsigned k = 0; k < TCP_NSTATES; k++)
		assert_int_equal(out.state[k], 0);
}

/* [fault] seed: the same seed gives the same sequence (reproducible
 * drops), another seed another one; a zero state is not stuck at zero. */
static void
test_rng_seed(void **state)
{
	uint64_t s1 = 7, s2 = 7, s3 = 8, z = 0;
	unsigned differ = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		uint64_t a = tt_rand64(&s1), b = tt_rand64(&s2), c = tt_rand64(&s3);

		assert_int_equal(a, b);
		differ += a != c;
	}
	assert_true(differ > 990);
	assert_int_not_equal(tt_rand64(&z), 0);
	assert_int_not_equal(z, 0);
}

/* tt_rand01: in [0, 1), and uniform enough that a probability p drops a
 * fraction p (what drop_* and rst_fraction rely on). */
static void
test_rng_uniform(void **state)
{
	uint64_t s = 12345;
	unsigned below[4] = { 0 };
	const unsigned n = 200000;

	(void)state;
	for (unsigned i = 0; i < n; i++) {
		double v = tt_rand01(&s);

		assert_true(v >= 0.0 && v < 1.0);
		below[0] += v < 0.01;
		below[1] += v < 0.1;
		below[2] += v < 0.5;
		below[3] += v < 0.9;
	}
	/* Within 5 standard deviations of n * p. */
	assert_in_range(below[0], 2000 - 223, 2000 + 223);
	assert_in_range(below[1], 20000 - 671, 20000 + 671);
	assert_in_range(below[2], 100000 - 1118, 100000 + 1118);
	assert_in_range(below[3], 180000 - 671, 180000 + 671);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_names),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_sum),
		cmocka_unit_test(test_rng_seed),
		cmocka_unit_test(test_rng_uniform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
