/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Latency histogram: the parts off the per-sample path (see hist.h).
 */
#include <string.h>

#include "stats/hist.h"

void
hist_reset(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
	/* src may be another lcore's, being written: load each word once
	 * (never torn, never cached; see stats.h). */
	for (unsigned i = 0; i < HIST_NBUCKETS; i++)
		dst->b[i] += __atomic_load_n(&src->b[i], __ATOMIC_RELAXED);
	dst->count += __atomic_load_n(&src->count, __ATOMIC_RELAXED);
	dst->sum += __atomic_load_n(&src->sum, __ATOMIC_RELAXED);
}

void
hist_sub(struct hist *dst, const struct hist *now, const struct hist *before)
{
	uint64_t count = 0;

	/* The count is rebuilt from the buckets: in a copy taken while the
	 * owner was writing, count and buckets may disagree by a sample, and
	 * the percentiles must only ever see the buckets. */
	for (unsigned i = 0; i < HIST_NBUCKETS; i++) {
		uint64_t d = now->b[i] >= before->b[i] ? now->b[i] - before->b[i] : 0;

		dst->b[i] = d;
		count += d;
	}
	dst->sum = now->sum >= before->sum ? now->sum - before->sum : 0;
	dst->count = count;
}

uint64_t
hist_bucket_lo(unsigned i)
{
	unsigned shift;

	if (i < 2 * HIST_SUB)
		return i;
	shift = (i - 2 * HIST_SUB) / HIST_SUB + 1;
	return (uint64_t)(HIST_SUB + (i - 2 * HIST_SUB) % HIST_SUB) << shift;
}

uint64_t
hist_bucket_hi(unsigned i)
{
	unsigned shift;

	if (i < 2 * HIST_SUB)
		return i;
	shift = (i - 2 * HIST_SUB) / HIST_SUB + 1;
	return hist_bucket_lo(i) + (1ull << shift) - 1;
}

uint64_t
hist_percentile(const struct hist *h, double p)
{
	uint64_t total = 0, rank, seen = 0;
	double r;

	for (unsigned i = 0; i < HIST_NBUCKETS; i++)
		total += h->b[i];
	if (total == 0)
		return 0;
	if (p < 0)
		p = 0;
	if (p > 100)
		p = 100;
	/* ceil() without libm */
	r = p / 100.0 * (double)total;
	rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (rank == 0)
		rank = 1;
	if (rank > total)
		rank = total;
	for (unsigned i = 0; i < HIST_NBUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			return hist_bucket_lo(i) +
				(hist_bucket_hi(i) - hist_bucket_lo(i)) / 2;
	}
	return hist_bucket_hi(HIST_NBUCKETS - 1);   /* not reached */
}

uint64_t
hist_mean(const struct hist *h)
{
	return h->count ? h->sum / h->count : 0;
}
