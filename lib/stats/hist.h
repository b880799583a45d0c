/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_HIST_H
#define TT_HIST_H

/*
 * Latency histogram, one per lcore and metric, in microseconds.
 *
 * Log-linear buckets in the manner of HdrHistogram: values below
 * 2 * HIST_SUB are counted exactly, and every power of two above is cut into
 * HIST_SUB equal buckets, so a bucket is at most 1/HIST_SUB (3.1%) of its
 * values wide.  The array has a fixed size covering 0 .. HIST_MAX_US (about
 * 134 s); larger values count in the top bucket.  Adding a sample is a few
 * instructions and never allocates.
 *
 * Counts only grow.  A reporter on another lcore takes per-interval figures
 * without locks by copying the histogram each interval and subtracting the
 * previous copy (hist_sub): every bucket is monotonic, so a copy taken while
 * the owner writes is at worst a few samples short, never negative.
 */

#include <stdint.h>

#define HIST_SUB_BITS  5
#define HIST_SUB       (1u << HIST_SUB_BITS)          /* 32 buckets per octave */
#define HIST_TOP_BIT   26                             /* highest octave: 2^26 us */
#define HIST_MAX_US    ((1ull << (HIST_TOP_BIT + 1)) - 1)
#define HIST_NBUCKETS  (2 * HIST_SUB + (HIST_TOP_BIT - HIST_SUB_BITS) * HIST_SUB)

struct hist {
	uint64_t count;              /* samples */
	uint64_t sum;                /* of the sample values, us (for the mean) */
	uint64_t b[HIST_NBUCKETS];
};

/* Bucket of value v (us). */
static inline unsigned
hist_bucket(uint64_t v)
{
	unsigned msb, shift;

	if (v < 2 * HIST_SUB)
		return (unsigned)v;
	if (v > HIST_MAX_US)
		v = HIST_MAX_US;
	msb = 63u - (unsigned)__builtin_clzll(v);
	shift = msb - HIST_SUB_BITS;      /* v >> shift lies in [SUB, 2 SUB) */
	return 2 * HIST_SUB + (shift - 1) * HIST_SUB +
		(unsigned)(v >> shift) - HIST_SUB;
}

static inline void
hist_add(struct hist *h, uint64_t us)
{
	h->b[hist_bucket(us)]++;
	h->count++;
	h->sum += us;
}

static inline uint64_t
hist_count(const struct hist *h)
{
	return h->count;
}

void hist_reset(struct hist *h);

/* dst += src (e.g. the lcores' histograms into one). */
void hist_merge(struct hist *dst, const struct hist *src);

/* dst = now - before: the samples of one interval from two copies of a
 * cumulative histogram (dst may be now). */
void hist_sub(struct hist *dst, const struct hist *now, const struct hist *before);

/* Lowest and highest value counted in bucket i. */
uint64_t hist_bucket_lo(unsigned i);
uint64_t hist_bucket_hi(unsigned i);

/*
 * The p-th percentile (0 <= p <= 100), us: the middle of the bucket holding
 * the sample of rank ceil(p / 100 * count) (at least 1), so within 1.6% of
 * a true sample value.  0 when the histogram is empty.
 */
uint64_t hist_percentile(const struct hist *h, double p);

/* Mean of the samples, us (0 when empty). */
uint64_t hist_mean(const struct hist *h);

#endif
