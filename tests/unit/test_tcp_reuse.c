/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound tuples (tcp_reuse.h): the software Toeplitz hash against the
 * Microsoft RSS verification vectors, pools that land on their own queue
 * and partition the tuple space, the tw_reuse rules (teardown.md "Ways to
 * limit TIME_WAIT": delay, timestamps, loopback, ISN) and a full
 * connect / active close / reuse run on the harness stack.  IPv6 (issue
 * 12): the Microsoft IPv6 vectors, pools over IPv6 (and mixed) targets
 * whose every tuple lands where DPDK's rte_softrss() over the whole IPv6
 * tuple says the NIC puts it, picks of v6 tuples, and tw_reuse of a v6
 * TIME_WAIT record.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_thash.h>

#include "harness.h"
#include "tcp/tcp_reuse.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define OPTS_ALL (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define SA       (TCP_F_SYN | TCP_F_ACK)
#define A        TCP_F_ACK
#define FA       (TCP_F_FIN | TCP_F_ACK)

#define TARGET_PORT 8080
#define GAP 65537u      /* Linux: old snd_nxt + 65535 + 2 */

/* The 40-byte key of the Microsoft RSS verification suite. */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static void
rss_init(struct tt_rss_info *rss, uint32_t reta_size, unsigned n_queues)
{
	memset(rss, 0, sizeof(*rss));
	memcpy(rss->key, ms_key, sizeof(ms_key));
	rss->key_len = sizeof(ms_key);
	rss->reta_size = reta_size;
	/* Not a plain i % n: a RETA as a NIC might hold after rebalancing. */
	for (uint32_t i = 0; i < reta_size; i++)
		rss->reta[i] = (uint16_t)((i * 7 + i / 5) % n_queues);
}

/* The port's ip6 (the default IPv6 source), 2001:2::1 (RFC 5180). */
static const uint8_t local6[16] = { 0x20, 0x01, 0, 2, [15] = 1 };

static void
ip6_of(uint8_t out[16], const char *text)
{
	assert_int_equal(inet_pton(AF_INET6, text, out), 1);
}

static uint32_t
low32(const uint8_t *a)
{
	return (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 | (uint32_t)a[14] << 8 | a[15];
}

/*
 * The queue the NIC steers t's return packet (src = target, dst = us) to,
 * computed from the whole tuple with DPDK directly, not through the pool's
 * per-field shortcut: rte_softrss() over the IPv4 or IPv6 input set.
 */
static unsigned
nic_queue(const struct tt_rss_info *rss, const struct tcp_tuple *t)
{
	uint32_t key[10] = { 0 };
	union rte_thash_tuple tu;
	struct rte_ipv6_hdr ip;
	uint32_t h;

	memcpy(key, rss->key, rss->key_len < sizeof(key) ? rss->key_len : sizeof(key));
	memset(&tu, 0, sizeof(tu));
	if (!t->v6) {
		tu.v4.src_addr = t->raddr.v4;
		tu.v4.dst_addr = t->laddr.v4;
		tu.v4.sport = t->rport;
		tu.v4.dport = t->lport;
		h = rte_softrss((uint32_t *)&tu, RTE_THASH_V4_L4_LEN, (const uint8_t *)key);
	} else {
		memset(&ip, 0, sizeof(ip));
		memcpy(ip.src_addr, t->raddr.v6, 16);
		memcpy(ip.dst_addr, t->laddr.v6, 16);
		rte_thash_load_v6_addrs(&ip, &tu);
		tu.v6.sport = t->rport;
		tu.v6.dport = t->lport;
		h = rte_softrss((uint32_t *)&tu, RTE_THASH_V6_L4_LEN, (const uint8_t *)key);
	}
	return rss->reta[h % rss->reta_size];
}

/* An IPv6 tuple, zeroed first as every tuple must be. */
static struct tcp_tuple
tuple6(const uint8_t *l, const uint8_t *r, uint16_t lport, uint16_t rport)
{
	struct tcp_tuple t;

	memset(&t, 0, sizeof(t));
	memcpy(t.laddr.v6, l, 16);
	memcpy(t.raddr.v6, r, 16);
	t.lport = lport;
	t.rport = rport;
	t.v6 = 1;
	return t;
}

/* Targets n4 IPv4 ones (198.18.1.10 + i) then n6 IPv6 ones (2001:2::100
 * + i), IPv6 sources src6_first .. +n_src6 - 1 (none when 0). */
static void
client_init6(struct tt_client_config *cc, unsigned n4, unsigned n6,
	     const char *src6_first, uint32_t n_src6, uint16_t port_first,
	     uint16_t port_last)
{
	memset(cc, 0, sizeof(*cc));
	for (unsigned i = 0; i < n4 + n6; i++) {
		cc->target_port[i] = (uint16_t)(TARGET_PORT + i * 11);
		if (i < n4) {
			cc->target_ip[i] = IP(198, 18, 1, 10 + i);
		} else {
			ip6_of(cc->target_ip6[i], "2001:2::100");
			cc->target_ip6[i][15] = (uint8_t)(i - n4);
			cc->target_v6[i] = true;
		}
	}
	cc->n_targets = n4 + n6;
	if (n_src6 != 0) {
		uint32_t last;

		cc->has_src_ip6 = true;
		ip6_of(cc->src_ip6_first, src6_first);
		memcpy(cc->src_ip6_last, cc->src_ip6_first, 16);
		last = low32(cc->src_ip6_first) + n_src6 - 1;
		cc->src_ip6_last[12] = (uint8_t)(last >> 24);
		cc->src_ip6_last[13] = (uint8_t)(last >> 16);
		cc->src_ip6_last[14] = (uint8_t)(last >> 8);
		cc->src_ip6_last[15] = (uint8_t)last;
	}
	cc->src_port_first = port_first;
	cc->src_port_last = port_last;
}

static void
client_init(struct tt_client_config *cc, unsigned n_targets, uint32_t ip_first,
	    uint32_t ip_last, uint16_t port_first, uint16_t port_last)
{
	memset(cc, 0, sizeof(*cc));
	for (unsigned i = 0; i < n_targets; i++) {
		cc->target_ip[i] = IP(198, 18, 1, 10 + i);
		cc->target_port[i] = (uint16_t)(TARGET_PORT + i * 11);
	}
	cc->n_targets = n_targets;
	cc->src_ip_first = ip_first;
	cc->src_ip_last = ip_last;
	cc->src_port_first = port_first;
	cc->src_port_last = port_last;
}

static void
pool_init_ok(struct tuple_pool *p, const struct tt_client_config *cc,
	     unsigned queue, unsigned n_queues, const struct tt_rss_info *rss)
{
	char err[256] = "";
	int rc = tuple_pool_init(p, cc, H_LADDR, local6, queue, n_queues, rss, err,
				 sizeof(err));

	if (rc != 0)
		print_error("tuple_pool_init: %d %s\n", rc, err);
	assert_int_equal(rc, 0);
}

/* ---- the hash ---- */

static void
test_rss_hash_microsoft_vectors(void **state)
{
	/* "Verifying the RSS hash calculation", IPv4 with TCP: the packet's
	 * source and destination, and the expected hash. */
	static const struct {
		uint32_t src, dst;
		uint16_t sport, dport;
		uint32_t hash;
	} v[] = {
		{ IP(66, 9, 149, 187), IP(161, 142, 100, 80), 2794, 1766, 0x51ccc178 },
		{ IP(199, 92, 111, 2), IP(65, 69, 140, 83), 14230, 4739, 0xc626b0ea },
		{ IP(24, 19, 198, 95), IP(12, 22, 207, 184), 12898, 38024, 0x5c2b394a },
		{ IP(38, 27, 205, 30), IP(209, 142, 163, 6), 48228, 2217, 0xafc7327f },
		{ IP(153, 39, 163, 191), IP(202, 188, 127, 2), 44251, 1303, 0x10e828a2 },
	};
	struct tt_rss_info rss;

	(void)state;
	rss_init(&rss, 128, 4);
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t h = tuple_rss_hash(&rss, v[i].src, v[i].dst, v[i].sport,
					    v[i].dport);

		if (h != v[i].hash)
			print_error("vector %u: hash 0x%08x, expected 0x%08x\n", i, h,
				    v[i].hash);
		assert_int_equal(h, v[i].hash);
		/* The low bits pick the RETA entry. */
		assert_int_equal(tuple_rss_queue(&rss, h), rss.reta[h % 128]);
	}
	/* A key longer than 16 bytes only matters beyond IPv4/TCP. */
	rss.key_len = 16;
	assert_int_equal(tuple_rss_hash(&rss, v[0].src, v[0].dst, v[0].sport,
					v[0].dport), v[0].hash);
}

/* ---- pools ---- */

/*
 * Two lcores (queues 0 and 1) over the same configuration: every tuple of
 * lcore q's pool hashes (the return packet, computed directly, not through
 * the pool's shortcut) to queue q, and each tuple belongs to exactly one.
 */
static void
check_two_queue_partition(const struct tt_rss_info *rss, unsigned n_targets,
			  uint32_t n_ips, uint16_t pf, uint16_t pl)
{
	struct tt_client_config cc;
	struct tuple_pool p[2];
	uint64_t mine[2] = { 0, 0 };

	client_init(&cc, n_targets, IP(198, 18, 0, 100), IP(198, 18, 0, 100) + n_ips - 1,
		    pf, pl);
	pool_init_ok(&p[0], &cc, 0, 2, rss);
	pool_init_ok(&p[1], &cc, 1, 2, rss);
	for (unsigned ti = 0; ti < n_targets; ti++) {
		for (uint32_t si = 0; si < n_ips; si++) {
			for (uint32_t port = pf; port <= pl; port++) {
				struct tcp_tuple t = {
					.laddr.v4 = cc.src_ip_first + si,
					.raddr.v4 = cc.target_ip[ti],
					.lport = (uint16_t)port,
					.rport = cc.target_port[ti],
				};
				uint32_t h = tuple_rss_hash(rss, t.raddr.v4, t.laddr.v4,
							    t.rport, t.lport);
				unsigned q = tuple_rss_queue(rss, h);
				bool o0 = tuple_owned(&p[0], &t);
				bool o1 = tuple_owned(&p[1], &t);

				assert_true(q < 2);
				/* disjoint, union = everything */
				assert_true(o0 != o1);
				/* ... and on the queue the NIC would use */
				assert_true(q == 0 ? o0 : o1);
				mine[q]++;
			}
		}
		assert_int_equal(tuple_pool_count(&p[0], ti) + tuple_pool_count(&p[1], ti),
				 (uint64_t)n_ips * (pl - pf + 1));
	}
	/* Both lcores got a real share. */
	assert_true(mine[0] > (uint64_t)n_targets * n_ips * (pl - pf + 1) / 4);
	assert_true(mine[1] > (uint64_t)n_targets * n_ips * (pl - pf + 1) / 4);
	tuple_pool_free(&p[0]);
	tuple_pool_free(&p[1]);
}

static void
test_pool_two_queues_full_port_range(void **state)
{
	struct tt_rss_info rss;

	(void)state;
	rss_init(&rss, 128, 2);
	check_two_queue_partition(&rss, 1, 1, 1024, 65535);
}

static void
test_pool_two_queues_ip_range_and_targets(void **state)
{
	struct tt_rss_info rss;

	(void)state;
	rss_init(&rss, 512, 2);
	check_two_queue_partition(&rss, 3, 5, 30000, 33000);
}

static void
test_pool_two_queues_reta_not_power_of_two(void **state)
{
	struct tt_rss_info rss;

	(void)state;
	/* hash % 96 is not a bit mask: the per-(ip, target) path */
	rss_init(&rss, 96, 2);
	check_two_queue_partition(&rss, 2, 3, 40000, 42000);
}

static void
test_pool_without_rss_modulo(void **state)
{
	struct tt_client_config cc;
	struct tt_rss_info norss;
	struct tuple_pool p[3];

	(void)state;
	memset(&norss, 0, sizeof(norss));   /* key_len 0: no RSS */
	client_init(&cc, 2, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 5000, 5999);
	for (unsigned q = 0; q < 3; q++)
		pool_init_ok(&p[q], &cc, q, 3, q == 1 ? &norss : NULL);
	for (unsigned ti = 0; ti < 2; ti++) {
		for (uint32_t ip = cc.src_ip_first; ip <= cc.src_ip_last; ip++) {
			for (uint32_t port = 5000; port <= 5999; port++) {
				struct tcp_tuple t = { .laddr.v4 = ip, .raddr.v4 = cc.target_ip[ti], .lport = (uint16_t)port, .rport = cc.target_port[ti] };

				for (unsigned q = 0; q < 3; q++)
					assert_int_equal(tuple_owned(&p[q], &t),
							 port % 3 == q);
			}
		}
		/* 5000..5999: 334 ports with port % 3 == 2, 333 for 0 and 1 */
		assert_int_equal(tuple_pool_count(&p[0], ti), 2 * 333);
		assert_int_equal(tuple_pool_count(&p[1], ti), 2 * 333);
		assert_int_equal(tuple_pool_count(&p[2], ti), 2 * 334);
	}
	for (unsigned q = 0; q < 3; q++)
		tuple_pool_free(&p[q]);
}

static void
test_pool_owned_rejects_foreign_tuples(void **state)
{
	struct tt_client_config cc;
	struct tuple_pool p;
	struct tcp_tuple t = { .laddr.v4 = IP(10, 0, 0, 1), .raddr.v4 = 0, .lport = 5001, .rport = 0 };

	(void)state;
	client_init(&cc, 1, IP(10, 0, 0, 1), IP(10, 0, 0, 1), 5000, 5009);
	pool_init_ok(&p, &cc, 0, 1, NULL);
	t.raddr.v4 = cc.target_ip[0];
	t.rport = cc.target_port[0];
	assert_true(tuple_owned(&p, &t));
	t.lport = 5010;                         /* outside the port range */
	assert_false(tuple_owned(&p, &t));
	t.lport = 5001;
	t.laddr.v4 = IP(10, 0, 0, 2);              /* outside the ip range */
	assert_false(tuple_owned(&p, &t));
	t.laddr.v4 = IP(10, 0, 0, 1);
	t.rport++;                              /* not a target */
	assert_false(tuple_owned(&p, &t));
	tuple_pool_free(&p);
}

static void
test_pool_init_errors(void **state)
{
	struct tt_client_config cc;
	struct tt_rss_info rss;
	struct tuple_pool p;
	char err[256];

	(void)state;
	client_init(&cc, 1, 0, 0, 1000, 2000);
	/* no source address at all */
	err[0] = '\0';
	assert_int_equal(tuple_pool_init(&p, &cc, 0, NULL, 0, 1, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "source ip"));
	/* queue out of range */
	assert_int_equal(tuple_pool_init(&p, &cc, H_LADDR, NULL, 2, 2, NULL, err, sizeof(err)),
			 -EINVAL);
	/* a /15 of source addresses */
	client_init(&cc, 1, IP(10, 0, 0, 0), IP(10, 1, 255, 255), 1000, 2000);
	assert_int_equal(tuple_pool_init(&p, &cc, H_LADDR, NULL, 0, 1, NULL, err, sizeof(err)),
			 -E2BIG);
	assert_non_null(strstr(err, "131072"));
	/* non-power-of-two RETA, 16 targets x 4096 ips x all ports: refused
	 * with the size it would need */
	rss_init(&rss, 96, 2);
	client_init(&cc, 16, IP(10, 0, 0, 0), IP(10, 0, 15, 255), 1, 65535);
	err[0] = '\0';
	assert_int_equal(tuple_pool_init(&p, &cc, H_LADDR, NULL, 0, 2, &rss, err, sizeof(err)),
			 -E2BIG);
	assert_non_null(strstr(err, "not a power of two"));
	/* ... while a power-of-two RETA shares bitmaps and fits */
	rss_init(&rss, 128, 2);
	assert_int_equal(tuple_pool_init(&p, &cc, H_LADDR, NULL, 0, 2, &rss, err, sizeof(err)), 0);
	assert_true(p.n_classes <= 128);
	tuple_pool_free(&p);
	/* bad RSS key length */
	rss.key_len = 8;
	client_init(&cc, 1, 0, 0, 1000, 2000);
	assert_int_equal(tuple_pool_init(&p, &cc, H_LADDR, NULL, 0, 2, &rss, err, sizeof(err)),
			 -EINVAL);
}

/* ---- IPv6 pools ---- */

static void
test_rss_hash6_microsoft_vectors(void **state)
{
	/* "Verifying the RSS hash calculation", IPv6 with TCP. */
	static const struct {
		const char *src, *dst;
		uint16_t sport, dport;
		uint32_t hash;
	} v[] = {
		{ "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766, 0x40207d3d },
		{ "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739, 0xdde51bbf },
		{ "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf",
		  44251, 38024, 0x02d1feef },
	};
	struct tt_rss_info rss;
	uint8_t src[16], dst[16];

	(void)state;
	rss_init(&rss, 128, 4);
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ip6_of(src, v[i].src);
		ip6_of(dst, v[i].dst);
		uint32_t h = tuple_rss_hash6(&rss, src, dst, v[i].sport, v[i].dport);

		if (h != v[i].hash)
			print_error("vector %u: hash 0x%08x, expected 0x%08x\n", i, h,
				    v[i].hash);
		assert_int_equal(h, v[i].hash);
		/* and the NIC view of the same packet, seen from the receiver
		 * (local = dst), agrees */
		struct tcp_tuple t = tuple6(dst, src, v[i].dport, v[i].sport);

		assert_int_equal(nic_queue(&rss, &t), rss.reta[h % 128]);
	}
}

/*
 * Two lcores over targets of both families: every tuple, IPv4 or IPv6,
 * belongs to exactly one pool, the one of the queue rte_softrss() over the
 * whole return tuple picks; IPv6 targets pair with the IPv6 sources only.
 */
static void
check_two_queue_partition6(const struct tt_rss_info *rss, unsigned n4, unsigned n6,
			   const char *src6, uint32_t n_src6, uint16_t pf, uint16_t pl)
{
	struct tt_client_config cc;
	struct tuple_pool p[2];
	uint64_t mine[2] = { 0, 0 }, total = 0;

	client_init6(&cc, n4, n6, src6, n_src6, pf, pl);
	pool_init_ok(&p[0], &cc, 0, 2, rss);
	pool_init_ok(&p[1], &cc, 1, 2, rss);
	for (unsigned ti = 0; ti < n4 + n6; ti++) {
		bool v6 = cc.target_v6[ti];
		uint32_t n_src = v6 ? (n_src6 ? n_src6 : 1) : 1;

		for (uint32_t si = 0; si < n_src; si++) {
			uint8_t l6[16];

			memcpy(l6, n_src6 ? cc.src_ip6_first : local6, 16);
			uint32_t lo = low32(l6) + si;

			l6[12] = (uint8_t)(lo >> 24);
			l6[13] = (uint8_t)(lo >> 16);
			l6[14] = (uint8_t)(lo >> 8);
			l6[15] = (uint8_t)lo;
			for (uint32_t port = pf; port <= pl; port++) {
				struct tcp_tuple t = v6 ?
					tuple6(l6, cc.target_ip6[ti], (uint16_t)port,
					       cc.target_port[ti]) :
					tcp_tuple4(H_LADDR, cc.target_ip[ti], (uint16_t)port,
						   cc.target_port[ti]);
				unsigned q = nic_queue(rss, &t);
				bool o0 = tuple_owned(&p[0], &t);
				bool o1 = tuple_owned(&p[1], &t);

				assert_true(q < 2);
				assert_true(o0 != o1);
				assert_true(q == 0 ? o0 : o1);
				mine[q]++;
			}
		}
		assert_int_equal(tuple_pool_count(&p[0], ti) + tuple_pool_count(&p[1], ti),
				 (uint64_t)n_src * (pl - pf + 1));
		total += (uint64_t)n_src * (pl - pf + 1);
	}
	assert_true(mine[0] > total / 4);
	assert_true(mine[1] > total / 4);
	tuple_pool_free(&p[0]);
	tuple_pool_free(&p[1]);
}

static void
test_pool6_two_queues_default_source(void **state)
{
	struct tt_rss_info rss;

	(void)state;
	rss_init(&rss, 128, 2);
	/* IPv6 only, the port's ip6 as the one source */
	check_two_queue_partition6(&rss, 0, 2, NULL, 0, 20000, 24000);
}

static void
test_pool6_two_queues_mixed_range(void **state)
{
	struct tt_rss_info rss;

	(void)state;
	/* a range across a 16-bit boundary of the last 32 bits, two IPv6
	 * and two IPv4 targets, RETA of 512 */
	rss_init(&rss, 512, 2);
	check_two_queue_partition6(&rss, 2, 2, "2001:2::fffe", 4, 30000, 31500);
}

static void
test_pool6_two_queues_small_reta_both_families(void **state)
{
	struct tt_rss_info rss;

	(void)state;
	/* 4 RETA entries: IPv4 and IPv6 (source, target) pairs surely agree
	 * in the bits the RETA looks at, yet own different ports (the port
	 * bits sit elsewhere in the IPv6 input): the classes must not mix */
	rss_init(&rss, 4, 2);
	check_two_queue_partition6(&rss, 2, 2, "2001:2::10", 8, 50000, 50500);
}

static void
test_pool6_two_queues_reta_not_power_of_two(void **state)
{
	struct tt_rss_info rss;

	(void)state;
	rss_init(&rss, 96, 2);
	check_two_queue_partition6(&rss, 1, 2, "2001:2::10", 3, 40000, 41000);
}

static void
test_pool6_without_rss_modulo(void **state)
{
	struct tt_client_config cc;
	struct tuple_pool p[2];
	uint8_t l6[16];

	(void)state;
	client_init6(&cc, 0, 1, "2001:2::20", 2, 5000, 5099);
	for (unsigned q = 0; q < 2; q++)
		pool_init_ok(&p[q], &cc, q, 2, NULL);
	memcpy(l6, cc.src_ip6_first, 16);
	for (unsigned k = 0; k < 2; k++, l6[15]++) {
		for (uint32_t port = 5000; port <= 5099; port++) {
			struct tcp_tuple t = tuple6(l6, cc.target_ip6[0], (uint16_t)port,
						    cc.target_port[0]);

			for (unsigned q = 0; q < 2; q++)
				assert_int_equal(tuple_owned(&p[q], &t), port % 2 == q);
		}
	}
	assert_int_equal(tuple_pool_count(&p[0], 0), 2 * 50);
	assert_int_equal(tuple_pool_count(&p[1], 0), 2 * 50);
	for (unsigned q = 0; q < 2; q++)
		tuple_pool_free(&p[q]);
}

static void
test_pool6_owned_rejects_foreign_tuples(void **state)
{
	struct tt_client_config cc;
	struct tuple_pool p;
	struct tcp_tuple t, v4;
	uint8_t l6[16];

	(void)state;
	/* one IPv6 target, sources 2001:2::30-2001:2::31, one lcore */
	client_init6(&cc, 0, 1, "2001:2::30", 2, 5000, 5009);
	pool_init_ok(&p, &cc, 0, 1, NULL);
	ip6_of(l6, "2001:2::31");
	t = tuple6(l6, cc.target_ip6[0], 5001, cc.target_port[0]);
	assert_true(tuple_owned(&p, &t));
	t.lport = 5010;                          /* outside the port range */
	assert_false(tuple_owned(&p, &t));
	t.lport = 5001;
	t.laddr.v6[15] = 0x32;                   /* outside the source range */
	assert_false(tuple_owned(&p, &t));
	t.laddr.v6[15] = 0x31;
	t.laddr.v6[3] = 3;                       /* same last 32 bits, other /96 */
	assert_false(tuple_owned(&p, &t));
	t.laddr.v6[3] = 2;
	t.raddr.v6[0] ^= 1;                      /* not a target */
	assert_false(tuple_owned(&p, &t));
	t.raddr.v6[0] ^= 1;
	t.rport++;                               /* not the target's port */
	assert_false(tuple_owned(&p, &t));
	t.rport--;
	assert_true(tuple_owned(&p, &t));
	/* an IPv4 tuple never matches a pool without IPv4 targets */
	v4 = tcp_tuple4(H_LADDR, IP(198, 18, 1, 10), 5001, cc.target_port[0]);
	assert_false(tuple_owned(&p, &v4));
	tuple_pool_free(&p);

	/* ... and an IPv6 tuple never matches an IPv4 target: a v4 target
	 * 0.0.0.0-looking v6 address must not alias it */
	client_init6(&cc, 1, 0, NULL, 0, 5000, 5009);
	pool_init_ok(&p, &cc, 0, 1, NULL);
	v4 = tcp_tuple4(H_LADDR, cc.target_ip[0], 5001, cc.target_port[0]);
	assert_true(tuple_owned(&p, &v4));
	t = v4;
	t.v6 = 1;
	assert_false(tuple_owned(&p, &t));
	tuple_pool_free(&p);
}

static void
test_pool6_init_errors(void **state)
{
	struct tt_client_config cc;
	struct tt_rss_info rss;
	struct tuple_pool p;
	char err[256];

	(void)state;
	/* an IPv6 target, no IPv6 source at all (the port has no ip6) */
	client_init6(&cc, 1, 1, NULL, 0, 1000, 2000);
	err[0] = '\0';
	assert_int_equal(tuple_pool_init(&p, &cc, H_LADDR, NULL, 0, 1, NULL, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "IPv6"));
	/* ... an IPv4-only pool needs no IPv6 source */
	client_init6(&cc, 1, 0, NULL, 0, 1000, 2000);
	assert_int_equal(tuple_pool_init(&p, &cc, H_LADDR, NULL, 0, 1, NULL, err,
					 sizeof(err)), 0);
	tuple_pool_free(&p);
	/* ... and an IPv6-only pool no IPv4 one */
	client_init6(&cc, 0, 1, NULL, 0, 1000, 2000);
	assert_int_equal(tuple_pool_init(&p, &cc, 0, local6, 0, 1, NULL, err,
					 sizeof(err)), 0);
	assert_int_equal(p.n_src, 0);
	tuple_pool_free(&p);
	/* a 16-byte key covers IPv4/TCP but not IPv6/TCP */
	rss_init(&rss, 128, 2);
	rss.key_len = 16;
	err[0] = '\0';
	assert_int_equal(tuple_pool_init(&p, &cc, 0, local6, 0, 2, &rss, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "IPv6 targets need 40"));
	/* more than a /112 of IPv6 sources */
	client_init6(&cc, 0, 1, "2001:2::1:0", 65537, 1000, 2000);
	assert_int_equal(tuple_pool_init(&p, &cc, 0, local6, 0, 1, NULL, err,
					 sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "65537"));
	/* ends that differ beyond the last 32 bits (config refuses them) */
	client_init6(&cc, 0, 1, "2001:2::10", 2, 1000, 2000);
	cc.src_ip6_last[3] = 3;
	assert_int_equal(tuple_pool_init(&p, &cc, 0, local6, 0, 1, NULL, err,
					 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "last 32 bits"));
}

/* ---- tuple_pick on a stack ---- */

static void
start_reuse(struct harness *h, uint8_t tw_reuse)
{
	struct tt_tcp_config cfg;

	h_default_config(&cfg);
	cfg.tw_reuse = tw_reuse;
	h_start(h, &cfg);
}

/* One source ip (the bench's), one target, ports [pf, pl], one lcore. */
static void
small_pool(struct tuple_pool *p, uint16_t pf, uint16_t pl)
{
	struct tt_client_config cc;

	client_init(&cc, 1, 0, 0, pf, pl);
	cc.target_ip[0] = H_RADDR;
	pool_init_ok(p, &cc, 0, 1, NULL);
}

static struct tcp_tuple
tuple_of(uint16_t lport)
{
	struct tcp_tuple t = { .laddr.v4 = H_LADDR, .raddr.v4 = H_RADDR, .lport = lport, .rport = TARGET_PORT };

	return t;
}

/* A TIME_WAIT record as tcp_enter_time_wait leaves it. */
static struct tw_rec *
put_tw(struct harness *h, uint16_t lport, uint32_t snd_nxt, bool ts,
       uint32_t stamp_ms)
{
	struct tcp_tuple t = tuple_of(lport);
	struct tw_rec *r = tw_insert(&h->s.tw, &t,
				     (uint32_t)(h->now / H_MS) + 60 * 1000);

	assert_non_null(r);
	r->snd_nxt = snd_nxt;
	r->rcv_nxt = 1;
	tw_set_ts_stamp(&h->s.tw, r, stamp_ms);
	r->flags = ts ? TW_F_TS : 0;
	h->st.state[TCP_TIME_WAIT]++;
	return r;
}

static void
noop_established(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct tcp_conn **slot = arg;

	(void)now;
	*slot = c;
}

static void
noop_recv(void *arg, struct tcp_conn *c, const uint8_t *d, uint32_t len, uint64_t now)
{
	(void)arg, (void)c, (void)d, (void)len, (void)now;
}

static void
noop_conn(void *arg, struct tcp_conn *c, uint64_t now)
{
	(void)arg, (void)c, (void)now;
}

static void
noop_acked(void *arg, struct tcp_conn *c, uint32_t bytes, uint64_t now)
{
	(void)arg, (void)c, (void)bytes, (void)now;
}

static void
noop_closed(void *arg, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct tcp_conn **slot = arg;

	(void)why;
	if (*slot == c)
		*slot = NULL;
}

static void
noop_fill(void *arg, struct tcp_conn *c, uint32_t off, uint8_t *dst, uint32_t len)
{
	(void)arg, (void)c, (void)off;
	memset(dst, 'x', len);
}

/* The client application: remembers its connection in *arg. */
static const struct tcp_app_ops client_ops = {
	.established = noop_established,
	.recv = noop_recv,
	.eof = noop_conn,
	.acked = noop_acked,
	.timer = noop_conn,
	.closed = noop_closed,
	.fill = noop_fill,
};

static struct tcp_conn *client_conn;

static struct tcp_conn *
connect_port(struct harness *h, uint16_t lport)
{
	struct tcp_tuple t = tuple_of(lport);
	struct tcp_conn *c = tcp_connect(&h->s, &t, &client_ops, &client_conn, 0, h->now);

	assert_non_null(c);
	return c;
}

static enum tuple_pick
pick(struct harness *h, struct tuple_pool *p, struct tcp_tuple *t, uint32_t *isn,
     unsigned budget)
{
	*isn = 0xdeadbeef;
	return tuple_pick(p, &h->s, 0, t, isn, h->now, budget);
}

static void
test_pick_round_robin_covers_the_pool(void **state)
{
	struct harness *h = *state;
	struct tt_client_config cc;
	struct tt_rss_info rss;
	struct tuple_pool p;
	struct tcp_tuple t, first;
	uint32_t isn;
	uint64_t n;

	start_reuse(h, 1);
	/* 3 source ips x 200 ports, queue 1 of 2 */
	rss_init(&rss, 128, 2);
	client_init(&cc, 1, IP(198, 18, 0, 1), IP(198, 18, 0, 3), 20000, 20199);
	pool_init_ok(&p, &cc, 1, 2, &rss);
	n = tuple_pool_count(&p, 0);
	assert_true(n > 150 && n < 450);
	/* One lap: every tuple of the pool once, each owned, each hashing to
	 * queue 1; the next lap starts over at the first. */
	for (uint64_t i = 0; i < n; i++) {
		assert_int_equal(pick(h, &p, &t, &isn, 8), PICK_FREE);
		assert_int_equal(isn, 0);
		assert_true(tuple_owned(&p, &t));
		assert_int_equal(tuple_rss_queue(&rss, tuple_rss_hash(&rss, t.raddr.v4,
					t.laddr.v4, t.rport, t.lport)), 1);
		if (i == 0)
			first = t;
		else
			assert_false(tcp_tuple_eq(&t, &first));
		/* Occupy it so a repeat within the lap would show. */
		assert_non_null(tcp_connect(&h->s, &t, &client_ops, &client_conn, 0,
					    h->now));
	}
	/* Everything is live now: nothing to give, within one lap. */
	assert_int_equal(pick(h, &p, &t, &isn, 100000), PICK_NONE);
	tuple_pool_free(&p);
}

static void
test_pick_skips_live_connections(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 1);
	small_pool(&p, 10000, 10003);
	connect_port(h, 10000);
	connect_port(h, 10001);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_FREE);
	assert_true(tcp_tuple_eq(&t, &(struct tcp_tuple){ .laddr.v4 = H_LADDR, .raddr.v4 = H_RADDR, .lport = 10002, .rport = TARGET_PORT }));
	assert_int_equal(isn, 0);
	h_expect_cnt(h, tuples_skipped, 0);    /* live ones are not "skipped" */
	tuple_pool_free(&p);
}

static void
test_tw_reuse_0_skips(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 0);
	small_pool(&p, 10000, 10003);
	put_tw(h, 10000, 5000, true, 0);
	h_advance(h, 10 * H_S);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_FREE);
	assert_int_equal(t.lport, 10001);
	h_expect_cnt(h, tuples_skipped, 1);
	h_expect_cnt(h, tw_reused, 0);
	assert_non_null(tcp_tw_lookup(&h->s, &(struct tcp_tuple){ .laddr.v4 = H_LADDR, .raddr.v4 = H_RADDR, .lport = 10000, .rport = TARGET_PORT }));
	tuple_pool_free(&p);
}

static void
test_tw_reuse_1_after_delay_reused(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 1);
	small_pool(&p, 10000, 10003);
	put_tw(h, 10000, 0x12345678, true, (uint32_t)(h->now / H_MS));
	h_advance(h, 1 * H_S + 1 * H_MS);      /* older than tw_reuse_delay */
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_REUSE);
	assert_int_equal(t.lport, 10000);
	assert_int_equal(isn, 0x12345678u + GAP);
	assert_null(tcp_tw_lookup(&h->s, &t));
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	h_expect_cnt(h, tw_reused, 1);
	h_expect_cnt(h, tuples_skipped, 0);
	tuple_pool_free(&p);
}

static void
test_tw_reuse_1_within_delay_skipped(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 1);
	small_pool(&p, 10000, 10000);
	put_tw(h, 10000, 7, true, (uint32_t)(h->now / H_MS));
	/* exactly tw_reuse_delay old: not "after" yet */
	h_advance(h, 1 * H_S);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 1);
	assert_non_null(tcp_tw_lookup(&h->s, &(struct tcp_tuple){ .laddr.v4 = H_LADDR, .raddr.v4 = H_RADDR, .lport = 10000, .rport = TARGET_PORT }));
	/* one ms later it is */
	h_advance(h, 1 * H_MS);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_REUSE);
	assert_int_equal(isn, 7 + GAP);
	tuple_pool_free(&p);
}

static void
test_tw_reuse_delay_configurable(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 1);
	h->cfg.tw_reuse_delay = 5 * H_S;
	small_pool(&p, 10000, 10000);
	put_tw(h, 10000, 7, true, (uint32_t)(h->now / H_MS));
	h_advance(h, 2 * H_S);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_NONE);
	h_advance(h, 3 * H_S + 1 * H_MS);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_REUSE);
	tuple_pool_free(&p);
}

static void
test_tw_reuse_needs_timestamps(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 1);
	small_pool(&p, 10000, 10001);
	put_tw(h, 10000, 7, false, (uint32_t)(h->now / H_MS));
	h_advance(h, 30 * H_S);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_FREE);
	assert_int_equal(t.lport, 10001);
	h_expect_cnt(h, tuples_skipped, 1);
	h_expect_cnt(h, tw_reused, 0);
	tuple_pool_free(&p);
}

static void
test_tw_reuse_2_loopback_only(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	struct tw_rec *r;
	struct tcp_tuple rt;
	uint32_t isn, now_ms;

	start_reuse(h, 2);
	small_pool(&p, 10000, 10000);
	r = put_tw(h, 10000, 7, true, (uint32_t)(h->now / H_MS));
	h_advance(h, 30 * H_S);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 1);
	/* The rule alone: a loopback address (either side, as Linux) would
	 * allow it; 1 allows any address. */
	tw_set_ts_stamp(&h->s.tw, r, 0);
	now_ms = tw_rec_expire(&h->s.tw, r) - 1;
	rt = tuple_of(10000);
	assert_false(tw_reuse_ok(&h->cfg, &h->s.tw, r, &rt, now_ms));
	rt.laddr.v4 = IP(127, 0, 0, 1);
	assert_true(tw_reuse_ok(&h->cfg, &h->s.tw, r, &rt, now_ms));
	rt.laddr.v4 = H_LADDR;
	rt.raddr.v4 = IP(127, 0, 0, 2);
	assert_true(tw_reuse_ok(&h->cfg, &h->s.tw, r, &rt, now_ms));
	rt.raddr.v4 = H_RADDR;
	h->cfg.tw_reuse = 1;
	assert_true(tw_reuse_ok(&h->cfg, &h->s.tw, r, &rt, now_ms));
	h->cfg.tw_reuse = 0;
	rt.laddr.v4 = rt.raddr.v4 = IP(127, 0, 0, 1);
	assert_false(tw_reuse_ok(&h->cfg, &h->s.tw, r, &rt, now_ms));
	tuple_pool_free(&p);
}

static void
test_tw_reuse_isn_never_zero(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 1);
	small_pool(&p, 10000, 10001);
	put_tw(h, 10000, 0u - GAP, true, (uint32_t)(h->now / H_MS));
	put_tw(h, 10001, 0xffff0001u, true, (uint32_t)(h->now / H_MS));
	h_advance(h, 2 * H_S);
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_REUSE);
	assert_int_equal(isn, 1);               /* 0 means "generate one" */
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_REUSE);
	assert_int_equal(isn, 2);               /* modulo 2^32 */
	tuple_pool_free(&p);
}

static void
test_expired_unreaped_record_is_free(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 0);
	small_pool(&p, 10000, 10000);
	put_tw(h, 10000, 7, false, 0);
	/* Past 2MSL without a timer pass (the bench clock moved by hand). */
	h->now += 61 * H_S;
	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_FREE);
	assert_int_equal(isn, 0);
	assert_null(tcp_tw_lookup(&h->s, &t));
	h_expect_cnt(h, tw_expired, 1);
	h_expect_cnt(h, tuples_skipped, 0);
	h_expect_cnt(h, tw_reused, 0);
	tuple_pool_free(&p);
}

static void
test_exhaustion_within_budget(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p, empty;
	struct tt_client_config cc;
	struct tcp_tuple t;
	uint32_t isn;

	start_reuse(h, 0);
	small_pool(&p, 10000, 10003);
	for (uint16_t port = 10000; port < 10004; port++)
		put_tw(h, port, 7, true, 0);
	h_advance(h, 5 * H_S);
	/* budget 3: three lookups, then give up */
	assert_int_equal(pick(h, &p, &t, &isn, 3), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 3);
	/* a large budget still looks at each tuple once per call */
	assert_int_equal(pick(h, &p, &t, &isn, 1000000), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 3 + 4);
	/* budget 0 looks at nothing */
	assert_int_equal(pick(h, &p, &t, &isn, 0), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 7);
	/* an lcore that owns no port at all (one port, 2 lcores) */
	client_init(&cc, 1, 0, 0, 10001, 10001);
	pool_init_ok(&empty, &cc, 0, 2, NULL);
	assert_int_equal(tuple_pool_count(&empty, 0), 0);
	assert_int_equal(tuple_pick(&empty, &h->s, 0, &t, &isn, h->now, 16), PICK_NONE);
	/* and a target index out of range */
	assert_int_equal(tuple_pick(&p, &h->s, 1, &t, &isn, h->now, 16), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 7);
	tuple_pool_free(&empty);
	tuple_pool_free(&p);
}

/*
 * Picks over a mixed pool (an IPv4 and an IPv6 target, three IPv6
 * sources), queue 1 of 2: one lap to each target gives each of its tuples
 * once, IPv6 ones for the IPv6 target (zeroed, v6 = 1, a source of the
 * range, the target's address), each owned and on queue 1 by
 * rte_softrss() over the whole tuple.
 */
static void
test_pick6_distinct_owned(void **state)
{
	struct harness *h = *state;
	struct tt_client_config cc;
	struct tt_rss_info rss;
	struct tuple_pool p;
	struct tcp_tuple t, first;
	static const uint8_t zero[3];
	uint32_t isn;

	start_reuse(h, 1);
	rss_init(&rss, 128, 2);
	client_init6(&cc, 1, 1, "2001:2::40", 3, 20000, 20099);
	pool_init_ok(&p, &cc, 1, 2, &rss);
	for (unsigned ti = 0; ti < 2; ti++) {
		uint64_t n = tuple_pool_count(&p, ti);

		assert_true(n > 0);
		for (uint64_t i = 0; i < n; i++) {
			isn = 0xdeadbeef;
			assert_int_equal(tuple_pick(&p, &h->s, ti, &t, &isn, h->now, 8),
					 PICK_FREE);
			assert_int_equal(isn, 0);
			assert_int_equal(t.v6, ti == 1);
			assert_memory_equal(t.pad, zero, sizeof(zero));
			if (ti == 1) {
				assert_memory_equal(t.laddr.v6, cc.src_ip6_first, 12);
				assert_in_range(low32(t.laddr.v6), low32(cc.src_ip6_first),
						low32(cc.src_ip6_last));
				assert_memory_equal(t.raddr.v6, cc.target_ip6[1], 16);
			} else {
				assert_int_equal(t.laddr.v4, H_LADDR);
				assert_int_equal(t.laddr.w[1], 0);
			}
			assert_int_equal(t.rport, cc.target_port[ti]);
			assert_true(tuple_owned(&p, &t));
			assert_int_equal(nic_queue(&rss, &t), 1);
			if (i == 0)
				first = t;
			else
				assert_false(tcp_tuple_eq(&t, &first));
			/* occupy it so a repeat within the lap would show */
			assert_non_null(tcp_connect(&h->s, &t, &client_ops, &client_conn, 0,
						    h->now));
		}
		assert_int_equal(tuple_pick(&p, &h->s, ti, &t, &isn, h->now, 100000),
				 PICK_NONE);
	}
	tuple_pool_free(&p);
}

/* tw_reuse with an IPv6 TIME_WAIT record: taken over after the delay at
 * the old snd_nxt + 65537; tw_reuse = 2 allows ::1 on either side only. */
static void
test_tw_reuse6(void **state)
{
	struct harness *h = *state;
	struct tt_client_config cc;
	struct tuple_pool p;
	struct tcp_tuple t, rt;
	struct tw_rec *r;
	uint8_t a[16];
	uint32_t isn, now_ms;

	start_reuse(h, 1);
	client_init6(&cc, 0, 1, NULL, 0, 10000, 10000);
	pool_init_ok(&p, &cc, 0, 1, NULL);
	rt = tuple6(local6, cc.target_ip6[0], 10000, cc.target_port[0]);
	r = tw_insert(&h->s.tw, &rt, (uint32_t)(h->now / H_MS) + 60 * 1000);
	assert_non_null(r);
	r->snd_nxt = 0x12345678;
	r->rcv_nxt = 1;
	tw_set_ts_stamp(&h->s.tw, r, (uint32_t)(h->now / H_MS));
	r->flags = TW_F_TS;
	h->st.state[TCP_TIME_WAIT]++;
	assert_non_null(tcp_tw_lookup(&h->s, &rt));

	/* within tw_reuse_delay: skipped, the next port is free */
	h_advance(h, 500 * H_MS);
	assert_int_equal(tuple_pick(&p, &h->s, 0, &t, &isn, h->now, 1), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 1);
	/* the rule alone: 2 means loopback only, ::1 on either side */
	h->cfg.tw_reuse = 2;
	now_ms = (uint32_t)(h->now / H_MS) + 2000;
	assert_false(tw_reuse_ok(&h->cfg, &h->s.tw, r, &rt, now_ms));
	t = rt;
	ip6_of(t.laddr.v6, "::1");
	assert_true(tw_reuse_ok(&h->cfg, &h->s.tw, r, &t, now_ms));
	t = rt;
	ip6_of(t.raddr.v6, "::1");
	assert_true(tw_reuse_ok(&h->cfg, &h->s.tw, r, &t, now_ms));
	/* an IPv6 address whose first word would read as 127/8 in IPv4 is
	 * not loopback */
	ip6_of(a, "2001:7f::1");
	t = rt;
	memcpy(t.laddr.v6, a, 16);
	memcpy(t.raddr.v6, a, 16);
	assert_false(tw_reuse_ok(&h->cfg, &h->s.tw, r, &t, now_ms));
	ip6_of(a, "7f00::1");
	memcpy(t.laddr.v6, a, 16);
	memcpy(t.raddr.v6, a, 16);
	assert_false(tw_reuse_ok(&h->cfg, &h->s.tw, r, &t, now_ms));
	h->cfg.tw_reuse = 1;

	/* past the delay: reused in place */
	h_advance(h, 500 * H_MS + 1 * H_MS);
	assert_int_equal(tuple_pick(&p, &h->s, 0, &t, &isn, h->now, 1), PICK_REUSE);
	assert_true(tcp_tuple_eq(&t, &rt));
	assert_int_equal(isn, 0x12345678u + GAP);
	assert_null(tcp_tw_lookup(&h->s, &rt));
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	h_expect_cnt(h, tw_reused, 1);
	tuple_pool_free(&p);
}

/*
 * The whole path: connect from the pool through tcp_connect, close first
 * (FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT), then the only port of the pool is
 * refused while younger than tw_reuse_delay and reused after it, the new
 * SYN starting at the old snd_nxt + 65537.
 */
static void
test_full_run_connect_close_reuse(void **state)
{
	struct harness *h = *state;
	struct tuple_pool p;
	struct tcp_tuple t, t2;
	const struct h_sent *syn;
	struct tcp_seg sa;
	struct tw_rec *r;
	uint32_t isn, iss, old_snd_nxt;

	start_reuse(h, 1);
	small_pool(&p, 20000, 20000);
	client_conn = NULL;

	assert_int_equal(pick(h, &p, &t, &isn, 16), PICK_FREE);
	assert_non_null(tcp_connect(&h->s, &t, &client_ops, &client_conn, isn, h->now));
	h->peer.t = t;
	syn = h_expect(h, TCP_F_SYN, H_ANY, H_ANY, 0);
	assert_true(syn->seg.opts & TCP_OPT_TS);
	iss = syn->seg.seq;
	h->iss = iss;
	h_expect_state(h, TCP_SYN_SENT);

	/* SYN-ACK with every option */
	h_advance(h, 10 * H_MS);
	h->peer.ts = true;
	sa = h_mk(h, SA, h->peer.isn, iss + 1, 0);
	sa.opts = OPTS_ALL;
	sa.mss = 1460;
	sa.wscale = h->peer.wscale;
	h->peer.snd_nxt = h->peer.isn + 1;
	h->peer.rcv_nxt = iss + 1;
	h_input(h, &sa);
	h_expect(h, A, iss + 1, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_non_null(client_conn);

	/* We close first. */
	h_advance(h, 100 * H_MS);
	tcp_close(&h->s, client_conn);
	h_expect(h, FA, iss + 1, h->peer.isn + 1, 0);
	h_advance(h, 10 * H_MS);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_advance(h, 10 * H_MS);
	h_in_fin(h);
	h_expect(h, A, iss + 2, h->peer.isn + 2, 0);
	h_expect_state(h, TCP_TIME_WAIT);
	r = tcp_tw_lookup(&h->s, &t);
	assert_non_null(r);
	assert_true(r->flags & TW_F_TS);
	old_snd_nxt = r->snd_nxt;
	assert_int_equal(old_snd_nxt, iss + 2);

	/* Half a second on: too young, and the pool has nothing else. */
	h_advance(h, 500 * H_MS);
	assert_int_equal(pick(h, &p, &t2, &isn, 16), PICK_NONE);
	h_expect_cnt(h, tuples_skipped, 1);
	h_expect_state(h, TCP_TIME_WAIT);

	/* Past tw_reuse_delay since the peer's last timestamp (its FIN). */
	h_advance(h, 500 * H_MS + 1 * H_MS);
	assert_int_equal(pick(h, &p, &t2, &isn, 16), PICK_REUSE);
	assert_true(tcp_tuple_eq(&t, &t2));
	assert_int_equal(isn, old_snd_nxt + GAP);
	h_expect_cnt(h, tw_reused, 1);
	h_expect_state(h, TCP_CLOSED);
	h_check_gauges(h);

	assert_non_null(tcp_connect(&h->s, &t2, &client_ops, &client_conn, isn, h->now));
	syn = h_expect(h, TCP_F_SYN, old_snd_nxt + GAP, H_ANY, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_SYN_SENT);
	h_expect_cnt(h, connects_started, 2);
	tuple_pool_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rss_hash_microsoft_vectors),
		cmocka_unit_test(test_pool_two_queues_full_port_range),
		cmocka_unit_test(test_pool_two_queues_ip_range_and_targets),
		cmocka_unit_test(test_pool_two_queues_reta_not_power_of_two),
		cmocka_unit_test(test_pool_without_rss_modulo),
		cmocka_unit_test(test_pool_owned_rejects_foreign_tuples),
		cmocka_unit_test(test_pool_init_errors),
		cmocka_unit_test(test_rss_hash6_microsoft_vectors),
		cmocka_unit_test(test_pool6_two_queues_default_source),
		cmocka_unit_test(test_pool6_two_queues_mixed_range),
		cmocka_unit_test(test_pool6_two_queues_small_reta_both_families),
		cmocka_unit_test(test_pool6_two_queues_reta_not_power_of_two),
		cmocka_unit_test(test_pool6_without_rss_modulo),
		cmocka_unit_test(test_pool6_owned_rejects_foreign_tuples),
		cmocka_unit_test(test_pool6_init_errors),
		cmocka_unit_test_setup_teardown(test_pick6_distinct_owned, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse6, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_pick_round_robin_covers_the_pool, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_pick_skips_live_connections, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse_0_skips, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse_1_after_delay_reused, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse_1_within_delay_skipped, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse_delay_configurable, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse_needs_timestamps, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse_2_loopback_only, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_reuse_isn_never_zero, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_expired_unreaped_record_is_free, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion_within_budget, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_full_run_connect_close_reuse, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
