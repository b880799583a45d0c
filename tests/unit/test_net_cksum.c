/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/net/net_cksum.h must give exactly what DPDK's helpers give (the
 * stack used those before, and peers check what we send): every length
 * from 0 to 1600 bytes at every alignment of 0..7, random data, all-zero
 * and all-0xff data (the 0 / 0xffff corner of one's complement), and
 * whole IPv4/TCP frames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "net/net_cksum.h"
#include "stats/rng.h"

#define MAXLEN 1600

static uint8_t buf[MAXLEN + 16];

static void
fill(uint64_t *rng, int kind)
{
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = kind == 0 ? (uint8_t)tt_rand64(rng) : kind == 1 ? 0 : 0xff;
}

static void
test_raw_equals_dpdk(void **state)
{
	uint64_t rng = 12345;

	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		fill(&rng, kind);
		for (size_t off = 0; off < 8; off++)
			for (size_t len = 0; len <= MAXLEN; len++)
				assert_int_equal(net_raw_cksum(buf + off, len),
						 rte_raw_cksum(buf + off, len));
	}
}

/* Sums that land on the 0xffff / 0 boundary after folding. */
static void
test_raw_fold_corners(void **state)
{
	static const uint16_t words[][4] = {
		{ 0xffff, 0x0001, 0, 0 },
		{ 0xffff, 0xffff, 0xffff, 0xffff },
		{ 0x8000, 0x8000, 0x7fff, 0 },
		{ 0x0001, 0xfffe, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < RTE_DIM(words); i++)
		for (size_t len = 0; len <= sizeof(words[i]); len++)
			assert_int_equal(net_raw_cksum(words[i], len),
					 rte_raw_cksum(words[i], len));
}

static void
test_ipv4_and_tcp_equal_dpdk(void **state)
{
	uint64_t rng = 777;

	(void)state;
	for (int n = 0; n < 2000; n++) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(ip + 1);
		uint32_t l4len = sizeof(*tcp) + (uint32_t)(tt_rand64(&rng) % 1400);

		fill(&rng, 0);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4len));
		ip->next_proto_id = IPPROTO_TCP;
		ip->hdr_checksum = 0;
		assert_int_equal(net_ipv4_cksum(ip), rte_ipv4_cksum(ip));
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		tcp->cksum = 0;
		assert_int_equal((uint16_t)~net_ipv4_tcp_sum(ip, tcp, l4len),
				 rte_ipv4_udptcp_cksum(ip, tcp));
		/* A correct frame verifies; one flipped bit does not. */
		tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
		assert_int_equal(net_ipv4_tcp_sum(ip, tcp, l4len), 0xffff);
		((uint8_t *)tcp)[tt_rand64(&rng) % l4len] ^= (uint8_t)(1u << (n % 8));
		assert_int_not_equal(net_ipv4_tcp_sum(ip, tcp, l4len), 0xffff);
	}
}

/* The IPv6 upper-layer sum (RFC 8200 8.1) against DPDK's, any length. */
static void
test_ipv6_tcp_equal_dpdk(void **state)
{
	uint64_t rng = 4242;

	(void)state;
	for (int n = 0; n < 2000; n++) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)buf;
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(ip + 1);
		uint32_t l4len = sizeof(*tcp) + (uint32_t)(tt_rand64(&rng) % 1400);

		fill(&rng, n % 50 == 7 ? 2 : 0);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)l4len);
		ip->proto = IPPROTO_TCP;
		tcp->cksum = 0;
		assert_int_equal((uint16_t)~net_ipv6_l4_sum(ip, IPPROTO_TCP, tcp, l4len),
				 rte_ipv6_udptcp_cksum(ip, tcp));
		tcp->cksum = rte_ipv6_udptcp_cksum(ip, tcp);
		assert_int_equal(net_ipv6_l4_sum(ip, IPPROTO_TCP, tcp, l4len), 0xffff);
		((uint8_t *)tcp)[tt_rand64(&rng) % l4len] ^= (uint8_t)(1u << (n % 8));
		assert_int_not_equal(net_ipv6_l4_sum(ip, IPPROTO_TCP, tcp, l4len), 0xffff);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw_equals_dpdk),
		cmocka_unit_test(test_raw_fold_corners),
		cmocka_unit_test(test_ipv4_and_tcp_equal_dpdk),
		cmocka_unit_test(test_ipv6_tcp_equal_dpdk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
