/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Micro-benchmark of the timer wheel: ns per arm, re-arm (later and
 * earlier), cancel and expiry with 1M and 10M timers pending, on a fake
 * clock.  Not a test; numbers only.
 *
 *   gcc -O2 -D_GNU_SOURCE -Ilib lib/timer/timer_wheel.c \
 *       bench/micro_timer_wheel.c -o /tmp/micro_timer_wheel
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "timer/timer_wheel.h"

#define BENCH_TICK_US	100		/* a plausible TCP timer tick */
#define BENCH_SPAN_US	(2u << 20)	/* expiries up to ~2 s ahead */
#define BENCH_STEP_US	1000		/* advance the clock 1 ms per call */

static uint64_t bench_seed = 88172645463325252ULL;

static uint64_t
bench_rand(void)
{
	bench_seed ^= bench_seed << 13;
	bench_seed ^= bench_seed >> 7;
	bench_seed ^= bench_seed << 17;
	return bench_seed;
}

static uint64_t
bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Connections live in hugepage memory under DPDK; without it every timer
 * touched is also a TLB miss and the figures measure page walks.  Ask for
 * transparent hugepages (best effort). */
static void *
bench_alloc(size_t sz)
{
	const size_t huge = 2u << 20;
	void *p;

	sz = (sz + huge - 1) & ~(huge - 1);
	p = aligned_alloc(huge, sz);
	if (p != NULL)
		madvise(p, sz, MADV_HUGEPAGE);
	return p;
}

static void
bench_cb(struct tmw_timer *t, void *arg, uint64_t now)
{
	(void)t;
	(void)now;
	(*(uint64_t *)arg)++;
}

static void
bench_report(const char *what, size_t n, uint64_t ns)
{
	printf("  %-14s %8.1f ns/op\n", what, (double)ns / (double)n);
}

static int
bench_run(size_t n)
{
	struct tmw_timer *tm = bench_alloc(n * sizeof(*tm));
	uint64_t *exp = malloc(n * sizeof(*exp));
	uint64_t now = 1000000, fired = 0, t0, calls = 0;
	struct tmw_wheel *w = tmw_create(BENCH_TICK_US, now);
	size_t i;

	if (tm == NULL || exp == NULL || w == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		tmw_timer_init(&tm[i]);
		exp[i] = now + 1 + bench_rand() % BENCH_SPAN_US;
	}
	printf("%zu timers, tick %u us:\n", n, BENCH_TICK_US);

	t0 = bench_ns();
	for (i = 0; i < n; i++)
		tmw_arm(w, &tm[i], exp[i]);
	bench_report("arm", n, bench_ns() - t0);

	/* What a connection does on most ACKs: push its timer later. */
	t0 = bench_ns();
	for (i = 0; i < n; i++)
		tmw_arm(w, &tm[i], exp[i] + 5000);
	bench_report("re-arm later", n, bench_ns() - t0);

	t0 = bench_ns();
	for (i = 0; i < n; i++)
		tmw_arm(w, &tm[i], exp[i] - 500 > now ? exp[i] - 500 : now + 1);
	bench_report("re-arm earlier", n, bench_ns() - t0);

	t0 = bench_ns();
	for (i = 0; i < n; i++)
		tmw_cancel(w, &tm[i]);
	bench_report("cancel", n, bench_ns() - t0);

	for (i = 0; i < n; i++)
		tmw_arm(w, &tm[i], exp[i]);
	t0 = bench_ns();
	while (tmw_count(w) > 0) {
		now += BENCH_STEP_US;
		tmw_advance(w, now, 1u << 30, bench_cb, &fired);
		calls++;
	}
	bench_report("expire", n, bench_ns() - t0);
	printf("  (%" PRIu64 " fired in %" PRIu64 " advance calls)\n", fired,
	       calls);

	tmw_destroy(w);
	free(exp);
	free(tm);
	return fired == n ? 0 : 1;
}

int
main(void)
{
	if (bench_run(1000000) != 0)
		return 1;
	return bench_run(10000000);
}
