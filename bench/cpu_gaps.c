/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How often a busy thread loses its CPU on this machine, with no tcpterm
 * in the way: one thread per CPU, pinned, reads the TSC in a tight loop
 * for the given seconds and counts the gaps between two reads longer than
 * a threshold (1 ms: one tcpterm tick).  A poll-mode lcore cannot be on
 * time through such a gap; bench/tw_scaling.sh compares its own
 * poll_gaps with this machine's.
 *
 *   cpu_gaps SECONDS [THRESHOLD_US]
 *
 * Prints one JSON object: per CPU the gaps, their total and longest in us,
 * and the TSC rate used.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <x86intrin.h>

struct cpu_run {
	pthread_t th;
	int cpu;
	double secs;
	uint64_t thresh;   /* TSC cycles */
	uint64_t end;
	uint64_t gaps, gap_cycles, longest;
	int ok;
};

static double
tsc_hz(void)
{
	struct timespec a, b;
	uint64_t t0, t1;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = __rdtsc();
	usleep(200000);
	clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	t1 = __rdtsc();
	return (double)(t1 - t0) / ((double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
}

static void *
spin(void *arg)
{
	struct cpu_run *r = arg;
	cpu_set_t set;
	uint64_t prev, now;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	r->ok = pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
	prev = __rdtsc();
	while ((now = __rdtsc()) < r->end) {
		uint64_t d = now - prev;

		if (d > r->thresh) {
			r->gaps++;
			r->gap_cycles += d;
			if (d > r->longest)
				r->longest = d;
		}
		prev = now;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	double secs, hz;
	uint64_t thresh_us;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct cpu_run *r;

	if (argc < 2 || (secs = atof(argv[1])) <= 0 || secs > 3600) {
		fprintf(stderr, "usage: cpu_gaps SECONDS (0 < S <= 3600) [THRESHOLD_US]\n");
		return 2;
	}
	thresh_us = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000;
	if (thresh_us == 0 || ncpu < 1) {
		fprintf(stderr, "cpu_gaps: bad threshold or no CPUs\n");
		return 2;
	}
	hz = tsc_hz();
	r = calloc((size_t)ncpu, sizeof(*r));
	if (r == NULL)
		return 1;
	for (long i = 0; i < ncpu; i++) {
		r[i].cpu = (int)i;
		r[i].thresh = (uint64_t)(hz * (double)thresh_us / 1e6);
		r[i].end = __rdtsc() + (uint64_t)(hz * secs);
		if (pthread_create(&r[i].th, NULL, spin, &r[i]) != 0) {
			fprintf(stderr, "cpu_gaps: cannot start a thread\n");
			return 1;
		}
	}
	printf("{\"seconds\": %.1f, \"threshold_us\": %" PRIu64 ", \"tsc_hz\": %.0f, \"cpus\": [",
	       secs, thresh_us, hz);
	for (long i = 0; i < ncpu; i++) {
		pthread_join(r[i].th, NULL);
		printf("%s{\"cpu\": %d, \"pinned\": %s, \"gaps\": %" PRIu64 ", \"gap_us\": %.0f, "
		       "\"longest_us\": %.0f}", i ? ", " : "", r[i].cpu, r[i].ok ? "true" : "false",
		       r[i].gaps, (double)r[i].gap_cycles / hz * 1e6, (double)r[i].longest / hz * 1e6);
	}
	printf("]}\n");
	free(r);
	return 0;
}
