/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: whole frames into the network layer (lib/net: Ethernet,
 * ARP, IPv4, ICMP, IPv6 with extension headers, ICMPv6 and Neighbor
 * Discovery, TCP header and options, checksums), and the TCP
 * segments it accepts into the stack with the HTTP responder behind it, so
 * that answers (SYN-ACKs, RSTs, ARP replies, echo replies, responses) are
 * built and sent through the same path as on a port.  The interface has
 * both families: 198.18.0.1/24 and 2001:2::1/64 (RFC 5180 ranges).
 *
 * Input: frames, each a 2-byte length, a flags byte (bit 0: the port
 * verifies checksums, so the frame carries the offload's "good" flags;
 * bit 1: those flags say "bad"; bits 2-7: milliseconds to advance the
 * clock first) and the bytes.  Every frame must end counted (passed to TCP,
 * answered, or a counted drop), and after each input every mbuf is back in
 * the pool.  EAL runs with --no-huge: no hugepages, no device.
 */
#include <stdbool.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "config/config.h"
#include "fuzz.h"
#include "http/http_server.h"
#include "net/net.h"
#include "stats/stats.h"
#include "tcp/tcp.h"

#define POOL_SIZE 4095
#define MS 1000ull

static struct rte_mempool *pool;
static struct tt_config cfg;
static struct http_templates tpl;

struct bench {
	struct net_if nif;
	struct tt_stats st;
	struct tcp_stack s;
	struct http_server srv;
	uint64_t now;
	unsigned sent;
};

static void
tx(void *arg, struct rte_mbuf *m)
{
	struct bench *b = arg;

	b->sent++;
	FUZZ_CHECK(rte_pktmbuf_pkt_len(m) >= sizeof(struct rte_ether_hdr));
	rte_pktmbuf_free(m);
}

static void
xmit(void *arg, const struct tcp_seg *seg, tcp_fill_fn fill, void *fill_arg)
{
	struct bench *b = arg;

	net_send_tcp(&b->nif, seg, fill, fill_arg, b->now);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = {
		"fuzz_net", "--no-huge", "-m", "64", "--no-pci", "--no-shconf",
		"--no-telemetry", "-l", "0", "--log-level", "*:error", NULL,
	};

	(void)argc;
	(void)argv;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "fuzz_net: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	pool = rte_pktmbuf_pool_create("fuzz_net", POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "fuzz_net: no mempool\n");
		return -1;
	}
	tt_config_defaults(&cfg);
	cfg.tcp.max_conns = 64;
	if (http_templates_init(&tpl, 500) < 0)
		return -1;
	return 0;
}

static uint64_t
accounted(const struct tt_stats *st)
{
	const uint64_t *c = st->c;

	return c[TT_C_arp_rx] + c[TT_C_icmp_echo_replies] + c[TT_C_drop_short] +
		c[TT_C_drop_bad_header] + c[TT_C_drop_bad_cksum] + c[TT_C_drop_ip_fragment] +
		c[TT_C_drop_not_ours] + c[TT_C_icmp_unreach_sent] + c[TT_C_icmp_rate_limited] +
		c[TT_C_nd_rx] + c[TT_C_drop_ip6_ext] + c[TT_C_icmp6_unreach_rx] +
		c[TT_C_icmp6_too_big_rx];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bench b;
	struct fuzz_in in = { .p = data, .n = size };
	struct tcp_stack_ops ops = { .xmit = xmit };
	static const struct rte_ether_addr mac = {{ 0x02, 0, 0, 0, 0, 1 }};
	static const uint8_t ip6[16] = { 0x20, 0x01, 0, 2, [15] = 1 };
	static const uint8_t gw6[16] = { 0x20, 0x01, 0, 2, [15] = 0xfe };
	uint64_t frames = 0, to_tcp = 0;

	memset(&b, 0, sizeof(b));
	b.now = 1000 * MS;
	b.nif.mac = mac;
	b.nif.ip = 0xc6120001u;            /* 198.18.0.1/24 */
	b.nif.netmask = 0xffffff00u;
	b.nif.gateway = 0xc61200feu;
	b.nif.has_ip6 = true;              /* 2001:2::1/64, gateway6 2001:2::fe */
	memcpy(b.nif.ip6, ip6, 16);
	b.nif.prefix6_len = 64;
	net_ip6_link_local(&mac, b.nif.ip6_ll);
	b.nif.has_gateway6 = true;
	memcpy(b.nif.gateway6, gw6, 16);
	b.nif.mp = pool;
	b.nif.st = &b.st;
	b.nif.tx = tx;
	b.nif.tx_arg = &b;
	FUZZ_CHECK(tcp_stack_init(&b.s, &cfg.tcp, &b.st, &ops, &b, 64, 1000, 1, b.now) == 0);
	http_server_init(&b.srv, &cfg.http, &tpl, &b.s, &b.st, 3);
	FUZZ_CHECK(http_server_listen(&b.srv) == 0);

	while (fz_left(&in) >= 3 && frames < 256) {
		uint16_t len = fz_u16(&in);
		uint8_t flags = fz_u8(&in);
		struct rte_mbuf *m;
		struct tcp_seg seg;
		uint64_t before = accounted(&b.st);

		if (len > fz_left(&in))
			len = (uint16_t)fz_left(&in);
		if (len > RTE_MBUF_DEFAULT_DATAROOM)
			len = RTE_MBUF_DEFAULT_DATAROOM;
		b.now += (uint64_t)(flags >> 2) * MS;
		tcp_timers_run(&b.s, b.now);
		m = rte_pktmbuf_alloc(pool);
		FUZZ_CHECK(m != NULL);
		memcpy(rte_pktmbuf_append(m, len), in.p + in.off, len);
		in.off += len;
		b.nif.rx_cksum_offload = flags & 1;
		if (flags & 1)
			m->ol_flags |= flags & 2 ?
				RTE_MBUF_F_RX_IP_CKSUM_BAD | RTE_MBUF_F_RX_L4_CKSUM_BAD :
				RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		frames++;
		if (net_input(&b.nif, m, &seg, b.now) == NET_TCP) {
			to_tcp++;
			FUZZ_CHECK(seg.len <= len);
			tcp_input(&b.s, &seg, b.now);
			rte_pktmbuf_free(m);
		} else {
			/* Consumed: answered or dropped, and counted. */
			FUZZ_CHECK(accounted(&b.st) > before);
		}
	}
	FUZZ_CHECK(b.st.c[TT_C_pkts_rx] == 0 || b.st.c[TT_C_pkts_rx] <= frames);
	tcp_stack_drain(&b.s, true);
	tcp_stack_abort_all(&b.s);
	tcp_stack_fini(&b.s);
	net_if_release(&b.nif);
	FUZZ_CHECK(rte_mempool_in_use_count(pool) == 0);
	(void)to_tcp;
	return 0;
}
