/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the latency histogram: bucket layout (exact below 64 us,
 * at most 3.1% wide above, contiguous up to HIST_MAX_US), percentiles,
 * merge and interval subtraction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats/hist.h"

static struct hist *
hist_new(void)
{
	struct hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	return h;
}

/* |got - want| <= want * pct / 100 */
static void
assert_near(uint64_t got, uint64_t want, double pct)
{
	double d = got > want ? (double)(got - want) : (double)(want - got);

	if (d > (double)want * pct / 100.0) {
		print_error("got %llu, want %llu within %.1f%%\n",
			    (unsigned long long)got, (unsigned long long)want, pct);
		fail();
	}
}

static void
test_layout_contiguous(void **state)
{
	(void)state;
	/* Buckets tile [0, HIST_MAX_US] without gap or overlap. */
	assert_int_equal(hist_bucket_lo(0), 0);
	for (unsigned i = 1; i < HIST_NBUCKETS; i++)
		assert_int_equal(hist_bucket_lo(i), hist_bucket_hi(i - 1) + 1);
	assert_int_equal(hist_bucket_hi(HIST_NBUCKETS - 1), HIST_MAX_US);
	/* 100 s fits. */
	assert_true(HIST_MAX_US >= 100000000ull);
}

static void
test_bucket_of_value(void **state)
{
	(void)state;
	/* Exact below 2 * HIST_SUB. */
	for (uint64_t v = 0; v < 2 * HIST_SUB; v++) {
		assert_int_equal(hist_bucket(v), v);
		assert_int_equal(hist_bucket_lo((unsigned)v), hist_bucket_hi((unsigned)v));
	}
	/* Every value lands in the bucket whose range holds it, and buckets
	 * are narrow: width / lo <= 1 / HIST_SUB. */
	for (uint64_t v = 0; v < (1u << 21); v++) {
		unsigned b = hist_bucket(v);

		assert_true(b < HIST_NBUCKETS);
		assert_true(hist_bucket_lo(b) <= v && v <= hist_bucket_hi(b));
	}
	for (unsigned i = 2 * HIST_SUB; i < HIST_NBUCKETS; i++) {
		uint64_t w = hist_bucket_hi(i) - hist_bucket_lo(i) + 1;

		assert_true(w * HIST_SUB <= hist_bucket_lo(i));
	}
	/* Sampled over the whole range, up to 2^27 - 1. */
	for (uint64_t v = 1; v <= HIST_MAX_US; v = v * 3 / 2 + 1) {
		unsigned b = hist_bucket(v);

		assert_true(hist_bucket_lo(b) <= v && v <= hist_bucket_hi(b));
	}
	/* Beyond the top: the last bucket. */
	assert_int_equal(hist_bucket(HIST_MAX_US), HIST_NBUCKETS - 1);
	assert_int_equal(hist_bucket(HIST_MAX_US + 1), HIST_NBUCKETS - 1);
	assert_int_equal(hist_bucket(UINT64_MAX), HIST_NBUCKETS - 1);
}

static void
test_empty(void **state)
{
	struct hist *h = hist_new();

	(void)state;
	assert_int_equal(hist_count(h), 0);
	assert_int_equal(hist_percentile(h, 50), 0);
	assert_int_equal(hist_percentile(h, 99), 0);
	assert_int_equal(hist_mean(h), 0);
	free(h);
}

static void
test_single_values_precision(void **state)
{
	(void)state;
	/* One sample anywhere from 1 us to 100 s: every percentile is that
	 * value within 3%. */
	for (uint64_t v = 1; v <= 100000000ull; v = v * 5 / 4 + 1) {
		struct hist *h = hist_new();

		hist_add(h, v);
		assert_int_equal(hist_count(h), 1);
		assert_near(hist_percentile(h, 0), v, 3.0);
		assert_near(hist_percentile(h, 50), v, 3.0);
		assert_near(hist_percentile(h, 100), v, 3.0);
		free(h);
	}
}

static void
test_percentiles_uniform(void **state)
{
	struct hist *h = hist_new();

	(void)state;
	for (uint64_t v = 1; v <= 10000; v++)
		hist_add(h, v);
	assert_int_equal(hist_count(h), 10000);
	assert_near(hist_percentile(h, 50), 5000, 3.0);
	assert_near(hist_percentile(h, 90), 9000, 3.0);
	assert_near(hist_percentile(h, 99), 9900, 3.0);
	assert_near(hist_percentile(h, 100), 10000, 3.0);
	assert_int_equal(hist_percentile(h, 0), 1);
	/* Exact region: p0.5 is the 50th sample. */
	assert_int_equal(hist_percentile(h, 0.5), 50);
	assert_int_equal(hist_mean(h), 5000);
	free(h);
}

static void
test_percentiles_bimodal(void **state)
{
	struct hist *h = hist_new();

	(void)state;
	/* 98 fast (100 us), 2 slow (1 s, a SYN retransmission): p50 sees the
	 * fast ones, p99 the slow. */
	for (int i = 0; i < 98; i++)
		hist_add(h, 100);
	hist_add(h, 1000000);
	hist_add(h, 1000000);
	assert_near(hist_percentile(h, 50), 100, 3.0);
	assert_near(hist_percentile(h, 98), 100, 3.0);
	assert_near(hist_percentile(h, 99), 1000000, 3.0);
	free(h);
}

static void
test_merge(void **state)
{
	struct hist *a = hist_new(), *b = hist_new();

	(void)state;
	for (int i = 0; i < 100; i++)
		hist_add(a, 10);
	for (int i = 0; i < 300; i++)
		hist_add(b, 1000);
	hist_merge(a, b);
	assert_int_equal(hist_count(a), 400);
	assert_int_equal(a->b[hist_bucket(10)], 100);
	assert_int_equal(a->b[hist_bucket(1000)], 300);
	assert_int_equal(hist_percentile(a, 25), 10);
	assert_near(hist_percentile(a, 26), 1000, 3.0);
	assert_int_equal(hist_mean(a), (100 * 10 + 300 * 1000) / 400);
	/* b is unchanged. */
	assert_int_equal(hist_count(b), 300);
	free(a);
	free(b);
}

static void
test_sub_interval(void **state)
{
	struct hist *live = hist_new(), *prev = hist_new(), *iv = hist_new();

	(void)state;
	/* First interval: slow samples; the reporter keeps a copy. */
	for (int i = 0; i < 50; i++)
		hist_add(live, 50000);
	memcpy(prev, live, sizeof(*prev));
	/* Second interval: fast samples only. */
	for (int i = 0; i < 20; i++)
		hist_add(live, 20);
	hist_sub(iv, live, prev);
	assert_int_equal(hist_count(iv), 20);
	assert_int_equal(hist_percentile(iv, 99), 20);
	assert_int_equal(hist_mean(iv), 20);
	/* In place. */
	hist_sub(live, live, prev);
	assert_int_equal(hist_count(live), 20);
	assert_int_equal(live->b[hist_bucket(50000)], 0);
	hist_reset(live);
	assert_int_equal(hist_count(live), 0);
	assert_int_equal(hist_percentile(live, 50), 0);
	free(live);
	free(prev);
	free(iv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_contiguous),
		cmocka_unit_test(test_bucket_of_value),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_single_values_precision),
		cmocka_unit_test(test_percentiles_uniform),
		cmocka_unit_test(test_percentiles_bimodal),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_sub_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
