/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Micro-benchmark of the per-lcore tables, ns per operation at 1M and 10M
 * entries (not a test; numbers only):
 *
 *  - TIME_WAIT table (lib/tcp/tw_table.h): insert, lookup hit, lookup miss,
 *    expiry of every record in FIFO order;
 *  - connection table (lib/tcp/conn_table.h) against rte_hash with the same
 *    key and hash (keyed SipHash-1-3), single writer: insert, lookup hit in
 *    random order, and rte_hash's bulk lookup of 32 keys, its best case;
 *  - the hash itself (ns/hash), and a hash flood: 65,536 tuples built to
 *    share one bucket under the former CRC32C hash (bench/crc_collide.h)
 *    against as many ordinary tuples, looked up in the connection table.
 *
 * rte_hash allocates from EAL memory, so EAL starts with
 * --no-huge -m 4096 unless EAL arguments are given:
 *
 *   build/bench/micro_tables [EAL args] [-- N...]
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "crc_collide.h"
#include "tcp/conn_table.h"
#include "tcp/tw_table.h"

#define MICRO_BULK 32

static uint64_t micro_seed = 88172645463325252ULL;

static uint64_t
micro_rand(void)
{
	micro_seed ^= micro_seed << 13;
	micro_seed ^= micro_seed >> 7;
	micro_seed ^= micro_seed << 17;
	return micro_seed;
}

/* CPU time of this thread: on a shared machine, time spent waiting for a
 * CPU is not the table's cost (page faults, in the kernel, still count). */
static uint64_t
micro_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of this thread: the flood figures compare a few ns, and a
 * shared box steals wall time unevenly. */
static uint64_t
micro_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Transparent hugepages where the kernel gives them: the tables of a
 * running tcpterm are large and mostly TLB-missing either way. */
static void *
micro_alloc(size_t sz)
{
	const size_t huge = 2u << 20;
	void *p;

	sz = (sz + huge - 1) & ~(huge - 1);
	p = aligned_alloc(huge, sz);
	if (p != NULL) {
		madvise(p, sz, MADV_HUGEPAGE);
		memset(p, 0, sz);
	}
	return p;
}

/* Tuple i, distinct for every i < 2^32: what a server sees from many
 * clients on one listening port.  miss != 0 gives a tuple never inserted. */
static void
micro_tuple(uint32_t i, int miss, struct tcp_tuple *t)
{
	*t = tcp_tuple4(0xc6120101u,               /* 198.18.1.1 */
			0x0a000000u + (i >> 16), (uint16_t)(miss ? 81 : 80),
			(uint16_t)(i & 0xffff));
}

/* A random permutation of 0..n-1 (Fisher-Yates). */
static uint32_t *
micro_perm(uint32_t n)
{
	uint32_t *p = micro_alloc((size_t)n * sizeof(*p));

	if (p == NULL)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		p[i] = i;
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(micro_rand() % (i + 1));
		uint32_t x = p[i];

		p[i] = p[j];
		p[j] = x;
	}
	return p;
}

static void
micro_line(const char *table, uint32_t n, const char *op, uint64_t ns, uint64_t ops)
{
	printf("%-10s %10" PRIu32 "  %-22s %8.1f ns/op\n", table, n, op,
	       (double)ns / (double)ops);
}

/* VmRSS of this process in KiB, 0 if unknown. */
static uint64_t
micro_rss_kb(void)
{
	char line[256];
	uint64_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %" SCNu64, &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
micro_tw(uint32_t n, const uint32_t *perm)
{
	struct tw_table tw;
	struct tcp_tuple t;
	uint64_t t0, found = 0, rss0 = micro_rss_kb(), rss1;
	uint32_t left, now_ms;

	t0 = micro_ns();
	if (tw_init(&tw, n) < 0) {
		fprintf(stderr, "tw_init(%" PRIu32 ") failed\n", n);
		return -1;
	}
	micro_line("tw_table", n, "init (per record)", micro_ns() - t0, n);

	/* Expiries spread over 60 s, in insertion order (the FIFO's order). */
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		micro_tuple(i, 0, &t);
		if (tw_insert(&tw, &t, 60000u + (uint32_t)((uint64_t)i * 60000u / n)) == NULL) {
			fprintf(stderr, "tw_insert failed at %" PRIu32 "\n", i);
			return -1;
		}
	}
	micro_line("tw_table", n, "insert", micro_ns() - t0, n);
	/* What the full table made resident (records, index, block bases,
	 * address pairs, pages faulted in ahead). */
	rss1 = micro_rss_kb();
	if (rss0 != 0 && rss1 != 0)
		printf("%-10s %10" PRIu32 "  %-22s %8.1f bytes (VmRSS growth over init + inserts)\n",
		       "tw_table", n, "RSS per record", (double)(rss1 - rss0) * 1024 / n);

	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		micro_tuple(perm[i], 0, &t);
		found += tw_lookup(&tw, &t) != NULL;
	}
	micro_line("tw_table", n, "lookup hit (random)", micro_ns() - t0, n);
	if (found != n)
		fprintf(stderr, "tw_lookup: %" PRIu64 " of %" PRIu32 " found\n", found, n);

	found = 0;
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		micro_tuple(perm[i], 1, &t);
		found += tw_lookup(&tw, &t) != NULL;
	}
	micro_line("tw_table", n, "lookup miss", micro_ns() - t0, n);

	/* Expire by advancing the clock 1 ms per call, as the poll loop does. */
	left = n;
	now_ms = 60000;
	t0 = micro_ns();
	while (left > 0 && now_ms < 200000) {
		left -= tw_expire(&tw, now_ms, UINT32_MAX);
		now_ms++;
	}
	micro_line("tw_table", n, "expire (per record)", micro_ns() - t0, n);
	if (left != 0 || tw_count(&tw) != 0)
		fprintf(stderr, "tw_expire left %" PRIu32 "\n", left);
	/* The whole allocation per record at full capacity: records,
	 * spare ring slots for holes, the index, and the address pairs
	 * (1/65536 as many as records here). */
	{
		double rec = sizeof(struct tw_rec);
		double spare = (double)(tw.nslots - n) * sizeof(struct tw_rec) / n;
		double idx = (double)tw.bkt_bytes / n;

		printf("%-10s %10" PRIu32 "  %-22s %8.1f bytes (record %.0f + spare slots %.1f + index %.1f)\n",
		       "tw_table", n, "memory per record", rec + spare + idx, rec, spare, idx);
	}
	tw_free(&tw);
	return 0;
}

static int
micro_ct(uint32_t n, const uint32_t *perm)
{
	struct conn_table ct;
	struct ct_node *nodes = micro_alloc((size_t)n * sizeof(*nodes));
	uint64_t t0, found = 0;

	if (nodes == NULL || ct_init(&ct, n) < 0) {
		fprintf(stderr, "conn table of %" PRIu32 ": no memory\n", n);
		free(nodes);
		return -1;
	}
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		micro_tuple(i, 0, &nodes[i].t);
		ct_insert(&ct, &nodes[i]);
	}
	micro_line("conn_table", n, "insert", micro_ns() - t0, n);
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		struct tcp_tuple t;

		micro_tuple(perm[i], 0, &t);
		found += ct_lookup(&ct, &t) != NULL;
	}
	micro_line("conn_table", n, "lookup hit (random)", micro_ns() - t0, n);
	if (found != n)
		fprintf(stderr, "ct_lookup: %" PRIu64 " of %" PRIu32 " found\n", found, n);
	found = 0;
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		struct tcp_tuple t;

		micro_tuple(perm[i], 1, &t);
		found += ct_lookup(&ct, &t) != NULL;
	}
	micro_line("conn_table", n, "lookup miss", micro_ns() - t0, n);
	ct_free(&ct);
	free(nodes);
	return 0;
}

/* Longest chain if keys went into 2^bits buckets by hash fn. */
static uint32_t
micro_longest(const struct tcp_tuple *v, uint32_t n, uint32_t mask,
	      uint32_t (*fn)(const struct tcp_tuple *))
{
	uint32_t *chain = calloc((size_t)mask + 1, sizeof(*chain));
	uint32_t longest = 0;

	if (chain == NULL)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = fn(&v[i]) & mask;

		if (++chain[b] > longest)
			longest = chain[b];
	}
	free(chain);
	return longest;
}

/* Lookups of v[] in a connection table holding them; ns per lookup. */
static double
micro_ct_lookup_ns(const struct tcp_tuple *v, uint32_t n, unsigned reps)
{
	struct conn_table ct;
	struct ct_node *nodes = calloc(n, sizeof(*nodes));
	uint64_t t0, found = 0, ns;

	if (nodes == NULL || ct_init(&ct, n) < 0) {
		free(nodes);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		nodes[i].t = v[i];
		ct_insert(&ct, &nodes[i]);
	}
	t0 = micro_cpu_ns();
	for (unsigned r = 0; r < reps; r++)
		for (uint32_t i = 0; i < n; i++)
			found += ct_lookup(&ct, &v[(i * 40503u) & (n - 1)]) != NULL;
	ns = micro_cpu_ns() - t0;
	if (found != (uint64_t)n * reps)
		fprintf(stderr, "flood: %" PRIu64 " found\n", found);
	ct_free(&ct);
	free(nodes);
	return (double)ns / ((double)n * reps);
}

static uint32_t
micro_hash_new(const struct tcp_tuple *t)
{
	return tcp_tuple_hash(t);
}

/*
 * The hash flood of issue "hostile input": 65,536 tuples with one CRC32C
 * value.  Under the old hash they formed one chain (a lookup walked it);
 * under the keyed hash they must cost what random tuples cost.
 */
static int
micro_flood(void)
{
	const uint32_t n = 65536;
	struct tcp_tuple base = { .laddr.v4 = 0xc6120101u, .raddr.v4 = 0x0a000001u, .lport = 80, .rport = 1024 };
	struct tcp_tuple *adv = calloc(n, sizeof(*adv));
	struct tcp_tuple *rnd = calloc(n, sizeof(*rnd));
	volatile uint32_t sink = 0;
	uint64_t t0;
	const unsigned hreps = 200;

	if (adv == NULL || rnd == NULL || crc_collide_tuples(&base, adv, n) != n) {
		fprintf(stderr, "flood: could not build the tuples\n");
		free(adv);
		free(rnd);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t r = micro_rand();

		rnd[i] = base;
		rnd[i].raddr.v4 = (uint32_t)r;
		rnd[i].rport = (uint16_t)(r >> 32);
	}
	t0 = micro_cpu_ns();
	for (unsigned r = 0; r < hreps; r++)
		for (uint32_t i = 0; i < n; i++)
			sink += tcp_tuple_hash(&rnd[i]);
	micro_line("hash", n, "siphash13 (ns/hash)", micro_cpu_ns() - t0, (uint64_t)n * hreps);
	t0 = micro_cpu_ns();
	for (unsigned r = 0; r < hreps; r++)
		for (uint32_t i = 0; i < n; i++)
			sink += crc_collide_old_hash(&rnd[i]);
	micro_line("hash", n, "old crc32c (ns/hash)", micro_cpu_ns() - t0, (uint64_t)n * hreps);
	(void)sink;
	printf("%-10s %10" PRIu32 "  %-22s %8" PRIu32 " (old crc32c) %" PRIu32 " (keyed)\n",
	       "flood", n, "longest chain, adv.",
	       micro_longest(adv, n, n - 1, crc_collide_old_hash),
	       micro_longest(adv, n, n - 1, micro_hash_new));
	printf("%-10s %10" PRIu32 "  %-22s %8" PRIu32 " (old crc32c) %" PRIu32 " (keyed)\n",
	       "flood", n, "longest chain, random",
	       micro_longest(rnd, n, n - 1, crc_collide_old_hash),
	       micro_longest(rnd, n, n - 1, micro_hash_new));
	/* What the old table did with them: one chain, walked on average
	 * halfway for a hit (some of the lookups, it is slow). */
	{
		struct ct_node *chain = calloc(n, sizeof(*chain)), *head = NULL;
		uint64_t found = 0;
		const uint32_t probes = 2000;

		if (chain == NULL)
			return -1;
		for (uint32_t i = 0; i < n; i++) {
			chain[i].t = adv[i];
			chain[i].next = head;
			head = &chain[i];
		}
		t0 = micro_cpu_ns();
		for (uint32_t i = 0; i < probes; i++) {
			const struct tcp_tuple *t = &adv[(i * 40503u) & (n - 1)];
			struct ct_node *c = head;

			while (c != NULL && !tcp_tuple_eq(&c->t, t))
				c = c->next;
			found += c != NULL;
		}
		micro_line("flood", n, "lookup adv., old hash", micro_cpu_ns() - t0, probes);
		if (found != probes)
			fprintf(stderr, "flood: chain walk found %" PRIu64 "\n", found);
		free(chain);
	}
	/* Alternate the two sets and keep each one's best of three: the
	 * first runs otherwise pay for warming the caches and the clock. */
	{
		double best_adv = 1e18, best_rnd = 1e18;

		for (unsigned r = 0; r < 3; r++) {
			double a = micro_ct_lookup_ns(adv, n, 50);
			double b = micro_ct_lookup_ns(rnd, n, 50);

			best_adv = a < best_adv ? a : best_adv;
			best_rnd = b < best_rnd ? b : best_rnd;
		}
		printf("%-10s %10" PRIu32 "  %-22s %8.1f ns/op (best of 3)\n", "flood",
		       n, "lookup adversarial", best_adv);
		printf("%-10s %10" PRIu32 "  %-22s %8.1f ns/op (best of 3)\n", "flood",
		       n, "lookup random", best_rnd);
	}
	free(adv);
	free(rnd);
	return 0;
}

static uint32_t
micro_crc(const void *key, uint32_t len, uint32_t init)
{
	(void)len;
	return tcp_tuple_hash(key) ^ init;
}

static int
micro_rte_hash(uint32_t n, const uint32_t *perm)
{
	char name[32];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = n,
		.key_len = sizeof(struct tcp_tuple),
		.hash_func = micro_crc,
		.hash_func_init_val = 0,
		.socket_id = 0,
	};
	struct rte_hash *h;
	uint64_t t0, found = 0;

	snprintf(name, sizeof(name), "micro%" PRIu32, n);
	h = rte_hash_create(&p);
	if (h == NULL) {
		fprintf(stderr, "rte_hash_create(%" PRIu32 ") failed (EAL memory: -m)\n", n);
		return -1;
	}
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		struct tcp_tuple t;

		micro_tuple(i, 0, &t);
		if (rte_hash_add_key_data(h, &t, (void *)(uintptr_t)(i + 1)) < 0) {
			fprintf(stderr, "rte_hash_add_key_data failed at %" PRIu32 "\n", i);
			rte_hash_free(h);
			return -1;
		}
	}
	micro_line("rte_hash", n, "insert", micro_ns() - t0, n);
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		struct tcp_tuple t;
		void *d;

		micro_tuple(perm[i], 0, &t);
		found += rte_hash_lookup_data(h, &t, &d) >= 0;
	}
	micro_line("rte_hash", n, "lookup hit (random)", micro_ns() - t0, n);
	if (found != n)
		fprintf(stderr, "rte_hash: %" PRIu64 " of %" PRIu32 " found\n", found, n);
	found = 0;
	t0 = micro_ns();
	for (uint32_t i = 0; i < n; i++) {
		struct tcp_tuple t;
		void *d;

		micro_tuple(perm[i], 1, &t);
		found += rte_hash_lookup_data(h, &t, &d) >= 0;
	}
	micro_line("rte_hash", n, "lookup miss", micro_ns() - t0, n);
	t0 = micro_ns();
	for (uint32_t i = 0; i + MICRO_BULK <= n; i += MICRO_BULK) {
		struct tcp_tuple t[MICRO_BULK];
		const void *k[MICRO_BULK];
		void *d[MICRO_BULK];
		uint64_t hits = 0;

		for (unsigned j = 0; j < MICRO_BULK; j++) {
			micro_tuple(perm[i + j], 0, &t[j]);
			k[j] = &t[j];
		}
		rte_hash_lookup_bulk_data(h, k, MICRO_BULK, &hits, d);
		found += (uint64_t)__builtin_popcountll(hits);
	}
	micro_line("rte_hash", n, "lookup hit, bulk 32", micro_ns() - t0, n - n % MICRO_BULK);
	rte_hash_free(h);
	return 0;
}

int
main(int argc, char **argv)
{
	char *def[] = { argv[0], "-l", "0", "--no-huge", "-m", "4096", "--no-pci",
			"--no-shconf", "--log-level=error", NULL };
	uint32_t sizes[8] = { 1000000, 10000000 };
	unsigned n_sizes = 2;
	int dd = -1;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			dd = i;
	if (dd > 0 && dd + 1 < argc) {
		n_sizes = 0;
		for (int i = dd + 1; i < argc && n_sizes < 8; i++)
			sizes[n_sizes++] = (uint32_t)strtoul(argv[i], NULL, 0);
	}
	if (argc > 1 && dd != 1) {
		if (rte_eal_init(dd > 0 ? dd : argc, argv) < 0)
			return 1;
	} else if (rte_eal_init((int)(sizeof(def) / sizeof(def[0])) - 1, def) < 0) {
		return 1;
	}
	/* The tables' key, as tcpterm chooses it at start. */
	if (tcp_hash_key_random() < 0) {
		perror("getrandom");
		return 1;
	}
	printf("%-10s %10s  %-22s %8s\n", "table", "entries", "operation", "cost");
	if (micro_flood() < 0)
		return 1;
	for (unsigned s = 0; s < n_sizes; s++) {
		uint32_t *perm = micro_perm(sizes[s]);

		if (perm == NULL)
			return 1;
		if (micro_tw(sizes[s], perm) < 0 || micro_ct(sizes[s], perm) < 0 ||
		    micro_rte_hash(sizes[s], perm) < 0)
			return 1;
		free(perm);
	}
	rte_eal_cleanup();
	return 0;
}
