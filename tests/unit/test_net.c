/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/net: ARP, ICMP echo, IPv4/TCP validation and option
 * parsing, TCP frame building, and a fuzz run.
 *
 * Unlike the protocol core these need mbufs, hence a mempool, hence EAL.
 * EAL runs without hugepages, PCI, shared files or telemetry.  When it cannot
 * start, the run FAILS (exit 1, reason on stderr): a skip would pass in CI
 * and hide that nothing was tested (issue 11 item 6).  TT_NET_EAL_EXTRA
 * adds one EAL argument; tests/meson.build uses it to prove that failure.  Frames are built here
 * by hand (not with the code under test) and what the net layer sends is
 * captured by nif->tx.  Every test checks at the end that no mbuf leaked.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "net/net.h"
#include "net/net_rx.h"
#include "stats/rng.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

#define OUR_IP   IP4(10, 0, 0, 1)
#define PEER_IP  IP4(10, 0, 0, 2)
#define OTHER_IP IP4(10, 0, 0, 3)
#define GW_IP    IP4(10, 0, 0, 254)
#define FAR_IP   IP4(192, 0, 2, 7)
#define MASK     IP4(255, 255, 255, 0)

#define T0       UINT64_C(1000000000)   /* a fake "now", us */

#define POOL_SIZE 1023
#define CAP_MAX   8

static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};
static const struct rte_ether_addr gw_mac = {{ 0x02, 0, 0, 0, 0, 0xfe }};
static const struct rte_ether_addr gw_mac2 = {{ 0x02, 0, 0, 0, 0, 0xfd }};
static const struct rte_ether_addr bcast_mac = {
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
};
static const struct rte_ether_addr zero_mac;

static struct rte_mempool *pool;
static bool eal_ok;

/* What an interface handed to nif->tx. */
struct capture {
	struct rte_mbuf *m[CAP_MAX];
	unsigned int n;         /* kept in m[] */
	unsigned int total;     /* all calls */
	bool keep;
};

struct fixture {
	struct net_if nif;
	struct tt_stats st;
	struct capture cap;
};

static struct fixture fx, peer;       /* us, and a peer for round trips */
static unsigned int pool_avail;

/* ---- helpers -------------------------------------------------------- */

#define C(f, name) ((f).st.c[TT_C_##name])

/* main() does not run the tests without EAL; this guards the invariant. */
#define NEED_EAL() do {							\
	if (!eal_ok)							\
		fail_msg("EAL did not start");				\
} while (0)

static void
cap_tx(void *arg, struct rte_mbuf *m)
{
	struct capture *c = arg;

	c->total++;
	if (c->keep && c->n < CAP_MAX)
		c->m[c->n++] = m;
	else
		rte_pktmbuf_free(m);
}

static void
cap_clear(struct capture *c)
{
	for (unsigned int i = 0; i < c->n; i++)
		rte_pktmbuf_free(c->m[i]);
	c->n = 0;
	c->total = 0;
}

static void
fixture_init(struct fixture *f, const struct rte_ether_addr *mac, uint32_t ip)
{
	memset(f, 0, sizeof(*f));
	f->nif.mac = *mac;
	f->nif.ip = ip;
	f->nif.netmask = MASK;
	f->nif.gateway = GW_IP;
	f->nif.mp = pool;
	f->nif.st = &f->st;
	f->nif.tx = cap_tx;
	f->nif.tx_arg = &f->cap;
	f->cap.keep = true;
}

/* The drop counters the net layer uses, summed. */
static uint64_t
drops(const struct fixture *f)
{
	return f->st.c[TT_C_drop_short] + f->st.c[TT_C_drop_bad_header] +
		f->st.c[TT_C_drop_bad_cksum] + f->st.c[TT_C_drop_ip_fragment] +
		f->st.c[TT_C_drop_not_ours] + f->st.c[TT_C_drop_no_arp];
}

/* Everything that accounts for a consumed frame. */
static uint64_t
accounted(const struct fixture *f)
{
	return drops(f) + f->st.c[TT_C_arp_replies_sent] +
		f->st.c[TT_C_icmp_echo_replies] + f->st.c[TT_C_mbuf_alloc_failed] +
		f->st.c[TT_C_icmp_unreach_sent] + f->st.c[TT_C_icmp_rate_limited];
}

/* A frame to build: Ethernet, IPv4, then TCP, ICMP echo or raw bytes. */
struct pkt {
	struct rte_ether_addr dmac, smac;
	uint16_t etype;
	uint32_t src, dst;
	uint8_t proto;
	uint16_t frag;          /* fragment_offset field, host order */
	uint16_t sport, dport;  /* ICMP: ident, sequence */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint8_t opt[40];
	unsigned int optlen;    /* multiple of 4 */
	uint8_t data[256];
	unsigned int dlen;
	unsigned int pad;       /* bytes after the IPv4 packet */
};

static const uint8_t syn_opts[20] = {
	2, 4, 0x05, 0xb4,                       /* MSS 1460 */
	4, 2,                                   /* SACK permitted */
	8, 10, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0,  /* TS 0x11223344 0 */
	1, 3, 3, 7,                             /* NOP, WS 7 */
};

/* A Linux-like SYN from the peer to our port 80. */
static struct pkt
pkt_syn(void)
{
	struct pkt p = {
		.dmac = our_mac, .smac = peer_mac,
		.etype = RTE_ETHER_TYPE_IPV4,
		.src = PEER_IP, .dst = OUR_IP, .proto = IPPROTO_TCP,
		.frag = RTE_IPV4_HDR_DF_FLAG,
		.sport = 40000, .dport = 80, .seq = 0xfffffff0, .ack = 0,
		.flags = TCP_F_SYN, .wnd = 64240,
		.optlen = sizeof(syn_opts),
	};

	memcpy(p.opt, syn_opts, sizeof(syn_opts));
	return p;
}

/* An ICMP echo request from the peer, 4 data bytes. */
static struct pkt
pkt_ping(void)
{
	struct pkt p = {
		.dmac = our_mac, .smac = peer_mac,
		.etype = RTE_ETHER_TYPE_IPV4,
		.src = PEER_IP, .dst = OUR_IP, .proto = IPPROTO_ICMP,
		.sport = 0x1234, .dport = 7,
		.data = { 'a', 'b', 'c', 'd' }, .dlen = 4,
	};

	return p;
}

static void
fix_ip(uint8_t *b)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + RTE_ETHER_HDR_LEN);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

static void
fix_tcp(uint8_t *b)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + RTE_ETHER_HDR_LEN);
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)((uint8_t *)ip +
							 rte_ipv4_hdr_len(ip));

	tcp->cksum = 0;
	tcp->cksum = rte_ipv4_udptcp_cksum(ip, tcp);
}

/* Write p at b; returns the frame length. */
static unsigned int
build(uint8_t *b, const struct pkt *p)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint8_t *l4 = (uint8_t *)(ip + 1);
	unsigned int l4len;

	eth->dst_addr = p->dmac;
	eth->src_addr = p->smac;
	eth->ether_type = rte_cpu_to_be_16(p->etype);

	if (p->proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;

		assert_true(p->optlen % 4 == 0);
		l4len = sizeof(*tcp) + p->optlen + p->dlen;
		tcp->src_port = rte_cpu_to_be_16(p->sport);
		tcp->dst_port = rte_cpu_to_be_16(p->dport);
		tcp->sent_seq = rte_cpu_to_be_32(p->seq);
		tcp->recv_ack = rte_cpu_to_be_32(p->ack);
		tcp->data_off = (uint8_t)(((sizeof(*tcp) + p->optlen) / 4) << 4);
		tcp->tcp_flags = p->flags;
		tcp->rx_win = rte_cpu_to_be_16(p->wnd);
		tcp->cksum = 0;
		tcp->tcp_urp = 0;
		memcpy(tcp + 1, p->opt, p->optlen);
		memcpy((uint8_t *)(tcp + 1) + p->optlen, p->data, p->dlen);
	} else if (p->proto == IPPROTO_ICMP) {
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;

		l4len = sizeof(*icmp) + p->dlen;
		icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
		icmp->icmp_code = 0;
		icmp->icmp_cksum = 0;
		icmp->icmp_ident = rte_cpu_to_be_16(p->sport);
		icmp->icmp_seq_nb = rte_cpu_to_be_16(p->dport);
		memcpy(icmp + 1, p->data, p->dlen);
		icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, l4len);
	} else {
		l4len = p->dlen;
		memcpy(l4, p->data, p->dlen);
	}

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + l4len));
	ip->packet_id = RTE_BE16(0x4242);
	ip->fragment_offset = rte_cpu_to_be_16(p->frag);
	ip->time_to_live = 64;
	ip->next_proto_id = p->proto;
	ip->src_addr = rte_cpu_to_be_32(p->src);
	ip->dst_addr = rte_cpu_to_be_32(p->dst);
	fix_ip(b);
	if (p->proto == IPPROTO_TCP)
		fix_tcp(b);
	memset(l4 + l4len, 0, p->pad);
	return (unsigned int)(sizeof(*eth) + sizeof(*ip) + l4len + p->pad);
}

/* Give the IPv4 header of frame b (len bytes) n bytes of options. */
static unsigned int
add_ip_options(uint8_t *b, unsigned int len, const uint8_t *opt,
	       unsigned int n)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + RTE_ETHER_HDR_LEN);
	unsigned int at = RTE_ETHER_HDR_LEN + sizeof(*ip);

	memmove(b + at + n, b + at, len - at);
	memcpy(b + at, opt, n);
	ip->version_ihl = (uint8_t)(0x40 | (20 + n) / 4);
	ip->total_length = rte_cpu_to_be_16(
		(uint16_t)(rte_be_to_cpu_16(ip->total_length) + n));
	fix_ip(b);
	return len + n;
}

/* An mbuf holding len bytes of data. */
static struct rte_mbuf *
mbuf_of(const void *data, unsigned int len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	void *d;

	assert_non_null(m);
	d = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(d);
	memcpy(d, data, len);
	return m;
}

static struct rte_mbuf *
mbuf_pkt(const struct pkt *p)
{
	uint8_t b[512];

	return mbuf_of(b, build(b, p));
}

static struct rte_mbuf *
mbuf_arp(uint16_t op, const struct rte_ether_addr *eth_dst,
	 const struct rte_ether_addr *sha, uint32_t sip,
	 const struct rte_ether_addr *tha, uint32_t tip)
{
	uint8_t b[60] = { 0 };      /* padded to the Ethernet minimum */
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	eth->dst_addr = *eth_dst;
	eth->src_addr = *sha;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	arp->arp_data.arp_sha = *sha;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	arp->arp_data.arp_tha = *tha;
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	return mbuf_of(b, sizeof(b));
}

static uint8_t *
data(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, uint8_t *);
}

/* Feed m to our interface and expect it dropped on counter c, alone. */
static void
expect_drop(struct rte_mbuf *m, enum tt_counter c)
{
	struct tcp_seg seg;
	uint64_t before = fx.st.c[c], all = drops(&fx);
	unsigned int sent = fx.cap.total;

	assert_int_equal(net_input(&fx.nif, m, &seg, T0), NET_CONSUMED);
	if (fx.st.c[c] != before + 1)
		fail_msg("expected drop on counter %s", tt_counter_names[c]);
	assert_int_equal(drops(&fx), all + 1);
	assert_int_equal(fx.cap.total, sent);
}

/* Feed a TCP frame and expect it accepted; returns the mbuf to free. */
static struct rte_mbuf *
expect_tcp(struct rte_mbuf *m, struct tcp_seg *seg)
{
	uint64_t all = drops(&fx);

	memset(seg, 0xa5, sizeof(*seg));
	assert_int_equal(net_input(&fx.nif, m, seg, T0), NET_TCP);
	assert_int_equal(drops(&fx), all);
	return m;
}

/* ---- fixtures ------------------------------------------------------- */

static bool
eal_start(void)
{
	char *extra = getenv("TT_NET_EAL_EXTRA");
	char *argv[] = {
		"test_net", "--no-huge", "-m", "64", "--no-pci", "--no-shconf",
		"--no-telemetry", "-l", "0", "--log-level", "*:error", extra, NULL,
	};
	int argc = (int)RTE_DIM(argv) - (extra != NULL && *extra ? 1 : 2);

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "test_net: FAIL: rte_eal_init failed (%s): "
			"no test can run\n", rte_strerror(rte_errno));
		return false;
	}
	pool = rte_pktmbuf_pool_create("test_net", POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "test_net: FAIL: no mempool (%s): no test can run\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return false;
	}
	eal_ok = true;
	return true;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (eal_ok) {
		rte_mempool_free(pool);
		rte_eal_cleanup();
	}
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	fixture_init(&fx, &our_mac, OUR_IP);
	fixture_init(&peer, &peer_mac, PEER_IP);
	if (eal_ok)
		pool_avail = rte_mempool_avail_count(pool);
	return 0;
}

/* Fails the test if an mbuf leaked (cache size 0: the count is exact). */
static int
teardown(void **state)
{
	(void)state;
	if (!eal_ok)
		return 0;
	cap_clear(&fx.cap);
	cap_clear(&peer.cap);
	if (rte_mempool_avail_count(pool) != pool_avail) {
		fprintf(stderr, "mbuf leak: %u in the pool, %u expected\n",
			rte_mempool_avail_count(pool), pool_avail);
		return -1;
	}
	return 0;
}

/* ---- ARP ------------------------------------------------------------ */

static void
test_arp_request_answered(void **state)
{
	const struct rte_ether_hdr *eth;
	const struct rte_arp_hdr *arp;
	const struct rte_ether_addr *mac;
	struct tcp_seg seg;
	struct rte_ether_addr a;

	(void)state;
	NEED_EAL();
	assert_int_equal(net_input(&fx.nif, mbuf_arp(RTE_ARP_OP_REQUEST,
		&bcast_mac, &peer_mac, PEER_IP, &zero_mac, OUR_IP), &seg, T0),
		NET_CONSUMED);

	assert_int_equal(C(fx, arp_rx), 1);
	assert_int_equal(C(fx, arp_replies_sent), 1);
	assert_int_equal(drops(&fx), 0);
	assert_int_equal(fx.cap.n, 1);
	assert_true(rte_pktmbuf_pkt_len(fx.cap.m[0]) >=
		    sizeof(*eth) + sizeof(*arp));
	eth = rte_pktmbuf_mtod(fx.cap.m[0], const struct rte_ether_hdr *);
	arp = (const struct rte_arp_hdr *)(eth + 1);
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, &peer_mac));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &our_mac));
	assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	assert_int_equal(arp->arp_hardware, RTE_BE16(RTE_ARP_HRD_ETHER));
	assert_int_equal(arp->arp_protocol, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	assert_int_equal(arp->arp_hlen, 6);
	assert_int_equal(arp->arp_plen, 4);
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	a = arp->arp_data.arp_sha;
	assert_true(rte_is_same_ether_addr(&a, &our_mac));
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_sip), OUR_IP);
	a = arp->arp_data.arp_tha;
	assert_true(rte_is_same_ether_addr(&a, &peer_mac));
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_tip), PEER_IP);

	/* RFC 826: the requester is added to the table. */
	mac = arp_lookup(&fx.nif.arp, PEER_IP);
	assert_non_null(mac);
	assert_true(rte_is_same_ether_addr(mac, &peer_mac));
}

static void
test_arp_request_for_other_ip_ignored(void **state)
{
	(void)state;
	NEED_EAL();
	expect_drop(mbuf_arp(RTE_ARP_OP_REQUEST, &bcast_mac, &peer_mac,
			     PEER_IP, &zero_mac, OTHER_IP), TT_C_drop_not_ours);
	assert_int_equal(C(fx, arp_rx), 1);
	assert_int_equal(C(fx, arp_replies_sent), 0);
	assert_null(arp_lookup(&fx.nif.arp, PEER_IP));
}

static void
test_arp_reply_and_gratuitous(void **state)
{
	struct tcp_seg seg;
	const struct rte_ether_addr *mac;

	(void)state;
	NEED_EAL();
	/* A reply to us is learned and needs no answer. */
	assert_int_equal(net_input(&fx.nif, mbuf_arp(RTE_ARP_OP_REPLY,
		&our_mac, &gw_mac, GW_IP, &our_mac, OUR_IP), &seg, T0),
		NET_CONSUMED);
	mac = arp_lookup(&fx.nif.arp, GW_IP);
	assert_non_null(mac);
	assert_true(rte_is_same_ether_addr(mac, &gw_mac));
	assert_int_equal(fx.cap.total, 0);
	assert_int_equal(drops(&fx), 0);

	/* Gratuitous ARP from an unknown host: not learned, counted. */
	expect_drop(mbuf_arp(RTE_ARP_OP_REQUEST, &bcast_mac, &peer_mac,
			     PEER_IP, &zero_mac, PEER_IP), TT_C_drop_not_ours);
	assert_null(arp_lookup(&fx.nif.arp, PEER_IP));

	/* Gratuitous ARP moving a known address to a new MAC: learned. */
	assert_int_equal(net_input(&fx.nif, mbuf_arp(RTE_ARP_OP_REQUEST,
		&bcast_mac, &gw_mac2, GW_IP, &zero_mac, GW_IP), &seg, T0),
		NET_CONSUMED);
	mac = arp_lookup(&fx.nif.arp, GW_IP);
	assert_non_null(mac);
	assert_true(rte_is_same_ether_addr(mac, &gw_mac2));
	assert_int_equal(drops(&fx), 1);
	assert_int_equal(fx.cap.total, 0);
	assert_int_equal(C(fx, arp_rx), 3);

	/* An off-link sender is answered but never learned (it can never
	 * be a next hop, only take a next hop's place in the cache). */
	assert_int_equal(net_input(&fx.nif, mbuf_arp(RTE_ARP_OP_REQUEST,
		&bcast_mac, &peer_mac, FAR_IP, &zero_mac, OUR_IP), &seg, T0),
		NET_CONSUMED);
	assert_int_equal(C(fx, arp_replies_sent), 1);
	assert_null(arp_lookup(&fx.nif.arp, FAR_IP));
	assert_int_equal(drops(&fx), 1);
}

static void
test_arp_malformed(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	m = mbuf_arp(RTE_ARP_OP_REQUEST, &bcast_mac, &peer_mac, PEER_IP,
		     &zero_mac, OUR_IP);
	rte_pktmbuf_trim(m, 60 - (RTE_ETHER_HDR_LEN + 20));
	expect_drop(m, TT_C_drop_short);

	m = mbuf_arp(RTE_ARP_OP_REQUEST, &bcast_mac, &peer_mac, PEER_IP,
		     &zero_mac, OUR_IP);
	data(m)[RTE_ETHER_HDR_LEN + 4] = 8;             /* hlen */
	expect_drop(m, TT_C_drop_bad_header);

	m = mbuf_arp(RTE_ARP_OP_REQUEST, &bcast_mac, &peer_mac, PEER_IP,
		     &zero_mac, OUR_IP);
	data(m)[RTE_ETHER_HDR_LEN + 3] = 0x06;          /* protocol 0x0806 */
	expect_drop(m, TT_C_drop_bad_header);

	m = mbuf_arp(RTE_ARP_OP_REVREQUEST, &bcast_mac, &peer_mac, PEER_IP,
		     &zero_mac, OUR_IP);
	expect_drop(m, TT_C_drop_not_ours);

	/* A multicast sender hardware address must not be learned. */
	m = mbuf_arp(RTE_ARP_OP_REQUEST, &bcast_mac, &bcast_mac, PEER_IP,
		     &zero_mac, OUR_IP);
	expect_drop(m, TT_C_drop_bad_header);

	assert_int_equal(C(fx, arp_rx), 5);
	assert_null(arp_lookup(&fx.nif.arp, PEER_IP));
}

/* ---- ICMP ----------------------------------------------------------- */

static void
test_icmp_echo_reply(void **state)
{
	struct pkt p = pkt_ping();
	const uint8_t *r;
	const struct rte_ipv4_hdr *ip;
	const struct rte_icmp_hdr *icmp;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	p.pad = 60 - (14 + 20 + 8 + 4);     /* a padded minimum frame */
	assert_int_equal(net_input(&fx.nif, mbuf_pkt(&p), &seg, T0),
			 NET_CONSUMED);
	assert_int_equal(C(fx, icmp_echo_replies), 1);
	assert_int_equal(drops(&fx), 0);
	assert_int_equal(fx.cap.n, 1);

	/* The padding is not echoed back. */
	assert_int_equal(rte_pktmbuf_pkt_len(fx.cap.m[0]), 14 + 20 + 8 + 4);
	assert_int_equal(rte_pktmbuf_data_len(fx.cap.m[0]), 14 + 20 + 8 + 4);
	r = data(fx.cap.m[0]);
	assert_memory_equal(r, &peer_mac, 6);
	assert_memory_equal(r + 6, &our_mac, 6);
	ip = (const struct rte_ipv4_hdr *)(r + 14);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), OUR_IP);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), PEER_IP);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 8 + 4);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	icmp = (const struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(icmp->icmp_code, 0);
	assert_int_equal(rte_be_to_cpu_16(icmp->icmp_ident), 0x1234);
	assert_int_equal(rte_be_to_cpu_16(icmp->icmp_seq_nb), 7);
	assert_memory_equal(icmp + 1, "abcd", 4);
	assert_int_equal(rte_raw_cksum(icmp, 12), 0xffff);
	assert_int_equal(fx.cap.m[0]->ol_flags, 0);

	/* IP traffic teaches nothing: neighbours come from ARP only. */
	assert_null(arp_lookup(&fx.nif.arp, PEER_IP));
}

static void
test_icmp_echo_ip_options_not_echoed(void **state)
{
	static const uint8_t rr[8] = { 7, 7, 4, 0, 0, 0, 0, 0 }; /* RR */
	struct pkt p = pkt_ping();
	const struct rte_ipv4_hdr *ip;
	const struct rte_icmp_hdr *icmp;
	struct tcp_seg seg;
	uint8_t b[512];
	unsigned int len;

	(void)state;
	NEED_EAL();
	len = add_ip_options(b, build(b, &p), rr, sizeof(rr));
	assert_int_equal(net_input(&fx.nif, mbuf_of(b, len), &seg, T0),
			 NET_CONSUMED);
	assert_int_equal(C(fx, icmp_echo_replies), 1);
	assert_int_equal(fx.cap.n, 1);
	assert_int_equal(rte_pktmbuf_pkt_len(fx.cap.m[0]), 14 + 20 + 8 + 4);
	assert_memory_equal(data(fx.cap.m[0]), &peer_mac, 6);
	ip = rte_pktmbuf_mtod_offset(fx.cap.m[0], const struct rte_ipv4_hdr *,
				     14);
	assert_int_equal(ip->version_ihl, 0x45);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 8 + 4);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), PEER_IP);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	icmp = (const struct rte_icmp_hdr *)(ip + 1);
	assert_int_equal(icmp->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_memory_equal(icmp + 1, "abcd", 4);
	assert_int_equal(rte_raw_cksum(icmp, 12), 0xffff);
}

static void
test_icmp_malformed(void **state)
{
	struct pkt p = pkt_ping();
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	m = mbuf_pkt(&p);
	data(m)[14 + 20 + 8] ^= 1;                      /* data, not cksum */
	expect_drop(m, TT_C_drop_bad_cksum);

	m = mbuf_pkt(&p);
	data(m)[14 + 20] = 13;                          /* timestamp request */
	data(m)[14 + 20 + 2] = 0;
	data(m)[14 + 20 + 3] = 0;
	{
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(data(m) + 34);

		icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, 12);
	}
	expect_drop(m, TT_C_drop_not_ours);

	/* An ICMP header cut short by total_length. */
	p.dlen = 0;
	m = mbuf_pkt(&p);
	data(m)[14 + 3] = 20 + 4;                       /* total_length */
	fix_ip(data(m));
	expect_drop(m, TT_C_drop_short);
	assert_int_equal(fx.cap.total, 0);
}

/* ---- ICMP errors ---------------------------------------------------- */

/* A UDP datagram from the peer to port dport with n data bytes; checksum
 * 0 (none, RFC 768) unless cksum is given. */
static struct pkt
pkt_udp(uint16_t dport, unsigned int n, uint16_t cksum)
{
	struct pkt p = {
		.dmac = our_mac, .smac = peer_mac,
		.etype = RTE_ETHER_TYPE_IPV4,
		.src = PEER_IP, .dst = OUR_IP, .proto = IPPROTO_UDP,
	};
	struct rte_udp_hdr *u = (struct rte_udp_hdr *)p.data;

	u->src_port = RTE_BE16(5353);
	u->dst_port = rte_cpu_to_be_16(dport);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*u) + n));
	u->dgram_cksum = rte_cpu_to_be_16(cksum);
	for (unsigned int i = 0; i < n; i++)
		p.data[sizeof(*u) + i] = (uint8_t)('A' + i % 26);
	p.dlen = (unsigned int)sizeof(*u) + n;
	return p;
}

/* Check fx.cap.m[i] is ICMP unreachable code for the datagram in b/len. */
static void
check_unreach(unsigned int i, uint8_t code, const uint8_t *b, unsigned int len)
{
	const uint8_t *r = data(fx.cap.m[i]);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(r + 14);
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(ip + 1);
	unsigned int quote = len - 14;

	assert_memory_equal(r, &peer_mac, 6);
	assert_memory_equal(r + 6, &our_mac, 6);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), 20 + 8 + quote);
	assert_int_equal(rte_pktmbuf_data_len(fx.cap.m[i]), 14 + 20 + 8 + quote);
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
	assert_int_equal(rte_be_to_cpu_32(ip->src_addr), OUR_IP);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr), PEER_IP);
	assert_int_equal(icmp->icmp_type, 3);
	assert_int_equal(icmp->icmp_code, code);
	assert_int_equal(rte_raw_cksum(icmp, 8 + quote), 0xffff);
	/* RFC 792: the datagram's header and (at least 8) first bytes. */
	assert_memory_equal(icmp + 1, b + 14, quote);
}

/* UDP to a port we do not serve: port unreachable (RFC 1122 4.1.3.1);
 * a bad checksum or length: silently dropped, as Linux. */
static void
test_udp_port_unreachable(void **state)
{
	struct pkt p = pkt_udp(53, 20, 0);
	uint8_t b[512];
	unsigned int len;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	len = build(b, &p);
	assert_int_equal(net_input(&fx.nif, mbuf_of(b, len), &seg, T0), NET_CONSUMED);
	assert_int_equal(fx.cap.n, 1);
	assert_int_equal(C(fx, icmp_unreach_sent), 1);
	check_unreach(0, 3, b, len);
	assert_int_equal(drops(&fx), 0);

	p = pkt_udp(53, 20, 0x1234);            /* wrong checksum */
	expect_drop(mbuf_pkt(&p), TT_C_drop_bad_cksum);
	p = pkt_udp(53, 20, 0);
	p.data[5] = 200;                        /* length past the packet */
	expect_drop(mbuf_pkt(&p), TT_C_drop_bad_header);
	p.dlen = 4;                             /* no room for the header */
	expect_drop(mbuf_pkt(&p), TT_C_drop_short);
	assert_int_equal(C(fx, icmp_unreach_sent), 1);
}

/* An IP protocol we do not speak (GRE): protocol unreachable. */
static void
test_proto_unreachable(void **state)
{
	struct pkt p = pkt_udp(53, 12, 0);
	uint8_t b[512];
	unsigned int len;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	p.proto = 47;
	len = build(b, &p);
	assert_int_equal(net_input(&fx.nif, mbuf_of(b, len), &seg, T0), NET_CONSUMED);
	assert_int_equal(fx.cap.n, 1);
	check_unreach(0, 2, b, len);
	assert_int_equal(C(fx, icmp_unreach_sent), 1);

	/* A large datagram is quoted up to 576 bytes in all. */
	{
		static uint8_t big[1514];
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(big + 14);
		const struct rte_ipv4_hdr *rip;

		memcpy(big, b, 34);
		ip->total_length = rte_cpu_to_be_16(1500);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		assert_int_equal(net_input(&fx.nif, mbuf_of(big, sizeof(big)), &seg, T0),
				 NET_CONSUMED);
		assert_int_equal(fx.cap.n, 2);
		rip = (const struct rte_ipv4_hdr *)(data(fx.cap.m[1]) + 14);
		assert_int_equal(rte_be_to_cpu_16(rip->total_length), 576);
	}
}

/* Linux icmp_msgs_burst (50) then icmp_msgs_per_sec (1000/s). */
static void
test_icmp_unreach_rate_limited(void **state)
{
	struct pkt p = pkt_udp(9, 4, 0);
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	fx.cap.keep = false;
	for (unsigned int i = 0; i < 60; i++)
		assert_int_equal(net_input(&fx.nif, mbuf_pkt(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(C(fx, icmp_unreach_sent), 50);
	assert_int_equal(C(fx, icmp_rate_limited), 10);
	assert_int_equal(fx.cap.total, 50);
	/* One token per ms. */
	assert_int_equal(net_input(&fx.nif, mbuf_pkt(&p), &seg, T0 + 999), NET_CONSUMED);
	assert_int_equal(C(fx, icmp_unreach_sent), 50);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(net_input(&fx.nif, mbuf_pkt(&p), &seg, T0 + 1000), NET_CONSUMED);
	assert_int_equal(C(fx, icmp_unreach_sent), 51);
	assert_int_equal(C(fx, icmp_rate_limited), 13);
	/* A quiet second refills the burst, no more. */
	for (unsigned int i = 0; i < 60; i++)
		assert_int_equal(net_input(&fx.nif, mbuf_pkt(&p), &seg, T0 + 2000000), NET_CONSUMED);
	assert_int_equal(C(fx, icmp_unreach_sent), 101);
	assert_int_equal(C(fx, icmp_rate_limited), 23);
	assert_int_equal(drops(&fx), 0);
}

/* ---- TCP input ------------------------------------------------------ */

static void
test_tcp_syn_options_parsed(void **state)
{
	struct pkt p = pkt_syn();
	struct tcp_seg seg;
	struct rte_mbuf *m;
	const struct rte_ether_addr *mac;

	(void)state;
	NEED_EAL();
	m = expect_tcp(mbuf_pkt(&p), &seg);
	assert_int_equal(seg.t.laddr.v4, OUR_IP);
	assert_int_equal(seg.t.lport, 80);
	assert_int_equal(seg.t.raddr.v4, PEER_IP);
	assert_int_equal(seg.t.rport, 40000);
	assert_int_equal(seg.seq, 0xfffffff0);
	assert_int_equal(seg.ack, 0);
	assert_int_equal(seg.wnd, 64240);
	assert_int_equal(seg.flags, TCP_F_SYN);
	assert_int_equal(seg.opts, TCP_OPT_MSS | TCP_OPT_WSCALE |
			 TCP_OPT_SACK_OK | TCP_OPT_TS);
	assert_int_equal(seg.mss, 1460);
	assert_int_equal(seg.wscale, 7);
	assert_int_equal(seg.tsval, 0x11223344);
	assert_int_equal(seg.tsecr, 0);
	assert_int_equal(seg.len, 0);
	assert_ptr_equal(seg.payload, data(m) + 14 + 20 + 40);
	rte_pktmbuf_free(m);

	/* Not learned from IP (ARP only); nothing sent. */
	mac = arp_lookup(&fx.nif.arp, PEER_IP);
	assert_null(mac);
	assert_int_equal(fx.cap.total, 0);

	/* IPv4 options are skipped. */
	{
		static const uint8_t ipopt[4] = { 1, 1, 1, 0 };
		uint8_t b[512];
		unsigned int len = add_ip_options(b, build(b, &p), ipopt, 4);

		m = expect_tcp(mbuf_of(b, len), &seg);
		assert_int_equal(seg.opts, TCP_OPT_MSS | TCP_OPT_WSCALE |
				 TCP_OPT_SACK_OK | TCP_OPT_TS);
		assert_int_equal(seg.tsval, 0x11223344);
		assert_ptr_equal(seg.payload, data(m) + 14 + 24 + 40);
		rte_pktmbuf_free(m);
	}

	/* A shift above 14 is read as 14 (RFC 7323 2.3). */
	p.opt[19] = 15;
	m = expect_tcp(mbuf_pkt(&p), &seg);
	assert_int_equal(seg.wscale, 14);
	rte_pktmbuf_free(m);
}

static void
test_tcp_data_segment(void **state)
{
	static const uint8_t ts_opts[12] = {
		1, 1, 8, 10, 0, 0, 0, 5, 0xde, 0xad, 0xbe, 0xef,
	};
	struct pkt p = pkt_syn();
	struct tcp_seg seg;
	struct rte_mbuf *m, *tail;
	unsigned int len;

	(void)state;
	NEED_EAL();
	p.flags = TCP_F_ACK | TCP_F_PSH | TCP_F_ECE | TCP_F_CWR;
	p.ack = 77;
	memcpy(p.opt, ts_opts, sizeof(ts_opts));
	p.optlen = sizeof(ts_opts);
	memcpy(p.data, "hello", 5);
	p.dlen = 5;
	p.pad = 3;                  /* Ethernet padding: not payload */
	m = expect_tcp(mbuf_pkt(&p), &seg);
	assert_int_equal(seg.flags, p.flags);
	assert_int_equal(seg.ack, 77);
	assert_int_equal(seg.opts, TCP_OPT_TS);
	assert_int_equal(seg.tsval, 5);
	assert_int_equal(seg.tsecr, 0xdeadbeef);
	assert_int_equal(seg.len, 5);
	assert_memory_equal(seg.payload, "hello", 5);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 20 + 32 + 5);
	rte_pktmbuf_free(m);

	/* MSS, window scale and SACK-permitted only count on a SYN. */
	p = pkt_syn();
	p.flags = TCP_F_ACK;
	m = expect_tcp(mbuf_pkt(&p), &seg);
	assert_int_equal(seg.opts, TCP_OPT_TS);
	assert_int_equal(seg.mss, 0);
	assert_int_equal(seg.wscale, 0);
	rte_pktmbuf_free(m);

	/* Unknown options are skipped by length; EOL ends the list. */
	p = pkt_syn();
	{
		static const uint8_t o[16] = {
			2, 4, 0x02, 0x18,       /* MSS 536 */
			30, 6, 9, 9, 9, 9,      /* unknown kind 30 */
			0,                      /* EOL */
			3, 3, 9, 0, 0,          /* after EOL: ignored */
		};
		memcpy(p.opt, o, sizeof(o));
		p.optlen = sizeof(o);
	}
	m = expect_tcp(mbuf_pkt(&p), &seg);
	assert_int_equal(seg.opts, TCP_OPT_MSS);
	assert_int_equal(seg.mss, 536);
	rte_pktmbuf_free(m);

	/* A frame split over two mbufs is made contiguous first. */
	p = pkt_syn();
	p.flags = TCP_F_ACK;
	memset(p.data, 'x', 100);
	p.dlen = 100;
	{
		uint8_t b[512];

		len = build(b, &p);
		m = mbuf_of(b, 40);
		tail = mbuf_of(b + 40, len - 40);
		assert_int_equal(rte_pktmbuf_chain(m, tail), 0);
	}
	m = expect_tcp(m, &seg);
	assert_int_equal(seg.len, 100);
	assert_int_equal(seg.opts, TCP_OPT_TS);
	assert_int_equal(seg.tsval, 0x11223344);
	assert_int_equal(seg.payload[0], 'x');
	assert_int_equal(seg.payload[99], 'x');
	assert_true(seg.payload + seg.len <= data(m) + rte_pktmbuf_data_len(m));
	rte_pktmbuf_free(m);
}

static void
test_tcp_learn_on_link_only(void **state)
{
	struct pkt p = pkt_syn();
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	p.src = FAR_IP;
	p.smac = gw_mac;
	rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
	assert_int_equal(seg.t.raddr.v4, FAR_IP);
	assert_null(arp_lookup(&fx.nif.arp, FAR_IP));
	assert_null(arp_lookup(&fx.nif.arp, GW_IP));

	/* A multicast source MAC is never learned. */
	p = pkt_syn();
	p.smac = bcast_mac;
	rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
	assert_null(arp_lookup(&fx.nif.arp, PEER_IP));
}

/*
 * IP traffic never writes the ARP cache (Linux learns from ARP only): a
 * packet from a known address with another MAC, even to a closed port,
 * leaves the entry alone; one with the same MAC refreshes it; an unknown
 * sender is not added.
 */
static void
test_ip_does_not_poison_arp(void **state)
{
	struct pkt p = pkt_syn();
	struct tcp_seg seg;
	const struct rte_ether_addr *mac;

	(void)state;
	NEED_EAL();
	arp_learn(&fx.nif.arp, GW_IP, &gw_mac, T0);
	arp_learn(&fx.nif.arp, PEER_IP, &peer_mac, T0);

	/* An on-link host claims the gateway's address with its own MAC. */
	p.src = GW_IP;
	p.smac = gw_mac2;
	p.dport = 9;
	rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
	mac = arp_lookup(&fx.nif.arp, GW_IP);
	assert_non_null(mac);
	assert_true(rte_is_same_ether_addr(mac, &gw_mac));

	/* And the peer's. */
	p.src = PEER_IP;
	rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
	mac = arp_lookup(&fx.nif.arp, PEER_IP);
	assert_true(rte_is_same_ether_addr(mac, &peer_mac));

	/* An off-link packet through another router: the gateway stays. */
	p.src = FAR_IP;
	rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
	assert_true(rte_is_same_ether_addr(arp_lookup(&fx.nif.arp, GW_IP), &gw_mac));

	/* An unknown on-link sender is not added. */
	p.src = PEER_IP + 7;
	p.smac = peer_mac;
	rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
	assert_null(arp_lookup(&fx.nif.arp, PEER_IP + 7));
}

static void
test_bad_ip_cksum(void **state)
{
	struct pkt p = pkt_syn();
	struct rte_mbuf *m;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	m = mbuf_pkt(&p);
	data(m)[14 + 10] ^= 0x40;
	expect_drop(m, TT_C_drop_bad_cksum);

	/* With RX offload: trust GOOD and BAD, check UNKNOWN in software. */
	fx.nif.rx_cksum_offload = true;
	m = mbuf_pkt(&p);
	data(m)[14 + 10] ^= 0x40;
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	rte_pktmbuf_free(expect_tcp(m, &seg));

	m = mbuf_pkt(&p);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	expect_drop(m, TT_C_drop_bad_cksum);

	m = mbuf_pkt(&p);
	data(m)[14 + 10] ^= 0x40;
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
	expect_drop(m, TT_C_drop_bad_cksum);

	/* Without offload the flags are ignored. */
	fx.nif.rx_cksum_offload = false;
	m = mbuf_pkt(&p);
	data(m)[14 + 10] ^= 0x40;
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	expect_drop(m, TT_C_drop_bad_cksum);
	assert_int_equal(C(fx, drop_bad_cksum), 4);
}

static void
test_bad_tcp_cksum(void **state)
{
	struct pkt p = pkt_syn();
	struct rte_mbuf *m;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	memcpy(p.data, "payload", 7);
	p.dlen = 7;
	m = mbuf_pkt(&p);
	data(m)[14 + 20 + 40 + 3] ^= 0x10;
	expect_drop(m, TT_C_drop_bad_cksum);

	/* Checksum covers the pseudo-header: a changed address breaks it
	 * even with the IPv4 header checksum fixed. */
	m = mbuf_pkt(&p);
	data(m)[14 + 12 + 3] ^= 0x08;                   /* 10.0.0.10 */
	fix_ip(data(m));
	expect_drop(m, TT_C_drop_bad_cksum);

	fx.nif.rx_cksum_offload = true;
	m = mbuf_pkt(&p);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD;
	expect_drop(m, TT_C_drop_bad_cksum);

	/* NONE: verified by the device though the field is not filled. */
	m = mbuf_pkt(&p);
	data(m)[14 + 20 + 16] ^= 0xff;
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_NONE | RTE_MBUF_F_RX_L4_CKSUM_NONE;
	rte_pktmbuf_free(expect_tcp(m, &seg));
	assert_int_equal(C(fx, drop_bad_cksum), 3);
}

static void
test_ip_fragment(void **state)
{
	struct pkt p = pkt_syn();

	(void)state;
	NEED_EAL();
	p.frag = RTE_IPV4_HDR_MF_FLAG;
	expect_drop(mbuf_pkt(&p), TT_C_drop_ip_fragment);
	p.frag = RTE_IPV4_HDR_DF_FLAG | 185;       /* offset 1480 */
	expect_drop(mbuf_pkt(&p), TT_C_drop_ip_fragment);
	assert_int_equal(C(fx, drop_ip_fragment), 2);
}

static void
test_short_frames(void **state)
{
	struct pkt p = pkt_syn();
	uint8_t b[512];
	unsigned int len = build(b, &p);
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	expect_drop(mbuf_of(b, 0), TT_C_drop_short);
	expect_drop(mbuf_of(b, 10), TT_C_drop_short);
	expect_drop(mbuf_of(b, 14 + 19), TT_C_drop_short);   /* IPv4 cut */
	/* Frame shorter than the IPv4 total_length says. */
	expect_drop(mbuf_of(b, len - 1), TT_C_drop_short);

	/* total_length leaves no room for a TCP header. */
	m = mbuf_of(b, len);
	data(m)[14 + 2] = 0;
	data(m)[14 + 3] = 20 + 12;
	fix_ip(data(m));
	expect_drop(m, TT_C_drop_short);
	assert_int_equal(C(fx, drop_short), 5);
}

static void
test_bad_ip_header(void **state)
{
	struct pkt p = pkt_syn();
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	m = mbuf_pkt(&p);
	data(m)[14] = 0x44;                     /* IHL 4: below the minimum */
	fix_ip(data(m));
	expect_drop(m, TT_C_drop_bad_header);

	m = mbuf_pkt(&p);
	data(m)[14] = 0x65;                     /* version 6 */
	expect_drop(m, TT_C_drop_bad_header);

	/* IHL 15 (60 bytes): inside the frame (padding) but past
	 * total_length. */
	p.optlen = 0;
	p.pad = 30;
	m = mbuf_pkt(&p);
	data(m)[14] = 0x4f;
	fix_ip(data(m));
	expect_drop(m, TT_C_drop_bad_header);

	m = mbuf_pkt(&p);
	data(m)[14 + 2] = 0;
	data(m)[14 + 3] = 19;                   /* total_length < header */
	fix_ip(data(m));
	expect_drop(m, TT_C_drop_bad_header);
	assert_int_equal(C(fx, drop_bad_header), 4);
}

static void
test_bad_data_offset(void **state)
{
	struct pkt p = pkt_syn();
	struct rte_mbuf *m;
	const unsigned int doff_at = 14 + 20 + 12;

	(void)state;
	NEED_EAL();
	m = mbuf_pkt(&p);
	data(m)[doff_at] = 4 << 4;              /* 16 bytes: below the header */
	fix_tcp(data(m));
	expect_drop(m, TT_C_drop_bad_header);

	p.optlen = 0;
	m = mbuf_pkt(&p);
	data(m)[doff_at] = 15 << 4;             /* 60 bytes, segment has 20 */
	fix_tcp(data(m));
	expect_drop(m, TT_C_drop_bad_header);
	assert_int_equal(C(fx, drop_bad_header), 2);
}

/*
 * Malformed options after a good MSS: as Linux, the segment is still
 * handed up (a SYN gets its SYN-ACK), a broken length ends the parsing
 * keeping the MSS, a known kind with a wrong length is ignored; each such
 * segment is counted.
 */
static void
test_bad_options(void **state)
{
	static const uint8_t bad[][8] = {
		{ 1, 1, 1, 1, 8, 10, 0, 0 },    /* TS runs past the header */
		{ 2, 0, 0, 0, 0, 0, 0, 0 },     /* length 0 */
		{ 30, 1, 0, 0, 0, 0, 0, 0 },    /* length 1 */
		{ 1, 1, 1, 1, 1, 1, 1, 2 },     /* kind without a length byte */
		{ 2, 3, 5, 1, 1, 1, 1, 1 },     /* MSS with length 3 */
		{ 2, 6, 0, 9, 0, 0, 1, 1 },     /* MSS with length 6 */
		{ 3, 4, 7, 0, 1, 1, 1, 1 },     /* WS with length 4 */
		{ 4, 3, 0, 1, 1, 1, 1, 1 },     /* SACK_OK with length 3 */
		{ 8, 8, 0, 0, 0, 1, 0, 0 },     /* TS with length 8 */
		{ 5, 2, 1, 1, 1, 1, 1, 1 },     /* SACK with no block */
		{ 5, 6, 0, 0, 0, 1, 1, 1 },     /* SACK, half a block */
		{ 30, 9, 0, 0, 0, 0, 0, 0 },    /* unknown, past the header */
	};
	struct pkt p = pkt_syn();
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		static const uint8_t mss[4] = { 2, 4, 0x03, 0xe8 };  /* 1000 */

		memcpy(p.opt, mss, sizeof(mss));
		memcpy(p.opt + 4, bad[i], sizeof(bad[i]));
		p.optlen = sizeof(mss) + sizeof(bad[i]);
		rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
		if (seg.opts != TCP_OPT_MSS || seg.mss != 1000)
			fail_msg("case %u: opts %#x mss %u", i, seg.opts, seg.mss);
		assert_int_equal(seg.flags, TCP_F_SYN);
		assert_int_equal(C(fx, tcp_bad_options), i + 1);
	}
	assert_int_equal(C(fx, drop_bad_header), 0);

	/* Good options are not counted. */
	p = pkt_syn();
	rte_pktmbuf_free(expect_tcp(mbuf_pkt(&p), &seg));
	assert_int_equal(C(fx, tcp_bad_options), RTE_DIM(bad));
}

static void
test_not_ours(void **state)
{
	struct pkt p;
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	p = pkt_syn();
	p.dst = OTHER_IP;
	expect_drop(mbuf_pkt(&p), TT_C_drop_not_ours);

	p = pkt_syn();
	p.dst = IP4(255, 255, 255, 255);
	p.dmac = bcast_mac;
	expect_drop(mbuf_pkt(&p), TT_C_drop_not_ours);

	p = pkt_syn();
	p.dst = IP4(224, 0, 0, 1);
	expect_drop(mbuf_pkt(&p), TT_C_drop_not_ours);

	p = pkt_syn();
	p.dmac = peer_mac;                      /* unicast, another station */
	expect_drop(mbuf_pkt(&p), TT_C_drop_not_ours);

	p = pkt_syn();
	p.etype = RTE_ETHER_TYPE_IPV6;
	expect_drop(mbuf_pkt(&p), TT_C_drop_not_ours);

	/* 802.1Q-tagged frames are not supported. */
	p = pkt_syn();
	m = mbuf_pkt(&p);
	data(m)[12] = 0x81;
	data(m)[13] = 0x00;
	expect_drop(m, TT_C_drop_not_ours);
	assert_int_equal(C(fx, drop_not_ours), 6);

	/* Impossible sources (RFC 1122 3.2.1.3) are malformed. */
	p = pkt_syn();
	p.src = IP4(127, 0, 0, 1);
	expect_drop(mbuf_pkt(&p), TT_C_drop_bad_header);
	p.src = IP4(10, 0, 0, 255);             /* our subnet's broadcast */
	expect_drop(mbuf_pkt(&p), TT_C_drop_bad_header);
	p.src = IP4(239, 1, 2, 3);
	expect_drop(mbuf_pkt(&p), TT_C_drop_bad_header);
	p.src = OUR_IP;
	expect_drop(mbuf_pkt(&p), TT_C_drop_bad_header);
	assert_null(arp_lookup(&fx.nif.arp, IP4(10, 0, 0, 255)));
}

static void
test_zero_frames(void **state)
{
	uint8_t z[64] = { 0 };
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	/* What net_null delivers. */
	expect_drop(mbuf_of(z, sizeof(z)), TT_C_drop_not_ours);

	/* Zeros behind an IPv4 or ARP header for us. */
	m = mbuf_of(z, sizeof(z));
	memcpy(data(m), &our_mac, 6);
	data(m)[12] = 0x08;
	expect_drop(m, TT_C_drop_bad_header);

	m = mbuf_of(z, sizeof(z));
	memcpy(data(m), &bcast_mac, 6);
	data(m)[12] = 0x08;
	data(m)[13] = 0x06;
	expect_drop(m, TT_C_drop_bad_header);
	assert_int_equal(fx.cap.total, 0);
}

/* ---- TCP output ----------------------------------------------------- */

struct fill_ctx {
	uint8_t seed;
	uint32_t calls, len;
};

static void
fill_pattern(void *arg, uint8_t *dst, uint32_t len)
{
	struct fill_ctx *f = arg;

	f->calls++;
	f->len = len;
	for (uint32_t i = 0; i < len; i++)
		dst[i] = (uint8_t)(f->seed + i * 7);
}

static struct tcp_seg
seg_out(uint8_t flags, uint8_t opts, uint32_t len)
{
	struct tcp_seg s = {
		.t = { .laddr.v4 = OUR_IP, .raddr.v4 = PEER_IP,
		       .lport = 80, .rport = 40000 },
		.seq = 0x01020304, .ack = 0xfffffffe, .wnd = 29200,
		.flags = flags, .opts = opts,
		.mss = 1460, .wscale = 9, .tsval = 0xa1b2c3d4, .tsecr = 77,
		.len = len,
	};

	return s;
}

/* Send s from us, check the raw options, parse it back at the peer. */
static void
roundtrip(const struct tcp_seg *s, const uint8_t *want_opts,
	  unsigned int want_optlen, uint8_t want_opts_mask)
{
	struct fill_ctx fc = { .seed = 3 };
	struct tcp_seg r;
	struct rte_mbuf *m;
	const uint8_t *b;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *tcp;

	cap_clear(&fx.cap);
	assert_int_equal(net_send_tcp(&fx.nif, s, fill_pattern, &fc, T0), 0);
	assert_int_equal(fx.cap.n, 1);
	assert_int_equal(fc.calls, s->len > 0 ? 1 : 0);
	assert_int_equal(fc.len, s->len);
	m = fx.cap.m[0];
	fx.cap.n = 0;
	b = data(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m),
			 14 + 20 + 20 + want_optlen + s->len);
	assert_memory_equal(b, &peer_mac, 6);
	assert_memory_equal(b + 6, &our_mac, 6);
	ip = (const struct rte_ipv4_hdr *)(b + 14);
	assert_int_equal(ip->version_ihl, 0x45);
	assert_int_equal(ip->time_to_live, 64);
	assert_int_equal(ip->fragment_offset, RTE_BE16(RTE_IPV4_HDR_DF_FLAG));
	assert_int_equal(ip->next_proto_id, IPPROTO_TCP);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length),
			 20 + 20 + want_optlen + s->len);
	tcp = (const struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(tcp->data_off >> 4, (20 + want_optlen) / 4);
	assert_memory_equal(tcp + 1, want_opts, want_optlen);
	assert_int_equal(m->ol_flags, 0);
	/* Both checksums right by DPDK's sums, not only by our receive path. */
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	{
		uint32_t l4len = 20 + want_optlen + s->len;
		uint32_t sum = rte_raw_cksum(tcp, l4len) + rte_ipv4_phdr_cksum(ip, 0);

		sum = (sum & 0xffff) + (sum >> 16);
		assert_int_equal(sum, 0xffff);
	}

	/* The peer sees the mirror image. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(net_input(&peer.nif, m, &r, T0), NET_TCP);
	assert_int_equal(drops(&peer), 0);
	assert_int_equal(r.t.laddr.v4, PEER_IP);
	assert_int_equal(r.t.raddr.v4, OUR_IP);
	assert_int_equal(r.t.lport, 40000);
	assert_int_equal(r.t.rport, 80);
	assert_int_equal(r.seq, s->seq);
	assert_int_equal(r.ack, s->ack);
	assert_int_equal(r.wnd, s->wnd);
	assert_int_equal(r.flags, s->flags);
	assert_int_equal(r.opts, want_opts_mask);
	if (want_opts_mask & TCP_OPT_MSS)
		assert_int_equal(r.mss, s->mss);
	if (want_opts_mask & TCP_OPT_WSCALE)
		assert_int_equal(r.wscale, s->wscale);
	if (want_opts_mask & TCP_OPT_TS) {
		assert_int_equal(r.tsval, s->tsval);
		assert_int_equal(r.tsecr, s->tsecr);
	}
	if (want_opts_mask & TCP_OPT_SACK) {
		assert_int_equal(r.nsack, (want_optlen - ((want_opts_mask & TCP_OPT_TS) ? 12 : 0) - 4) / 8);
		for (unsigned int i = 0; i < r.nsack; i++) {
			assert_int_equal(r.sack[i].start, s->sack[i].start);
			assert_int_equal(r.sack[i].end, s->sack[i].end);
		}
	}
	assert_int_equal(r.len, s->len);
	for (uint32_t i = 0; i < s->len; i++)
		assert_int_equal(r.payload[i], (uint8_t)(3 + i * 7));
	rte_pktmbuf_free(m);
}

static void
test_send_tcp_roundtrip(void **state)
{
	static const uint8_t syn_all[20] = {
		2, 4, 0x05, 0xb4,
		4, 2, 8, 10, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 77,
		1, 3, 3, 9,
	};
	static const uint8_t syn_no_ts[12] = {
		2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 9,
	};
	static const uint8_t ts_only[12] = {
		1, 1, 8, 10, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 77,
	};
#define BLK(i) 0x##i##0, 0, 0, 1, 0x##i##0, 0, 2, 1
	static const uint8_t ts_sack3[40] = {
		1, 1, 8, 10, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 77,
		1, 1, 5, 26, BLK(1), BLK(2), BLK(3),
	};
	static const uint8_t sack4[36] = {
		1, 1, 5, 34, BLK(1), BLK(2), BLK(3), BLK(4),
	};
#undef BLK
	const uint8_t all = TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK |
		TCP_OPT_TS;
	struct tcp_seg s;

	(void)state;
	NEED_EAL();
	arp_learn(&fx.nif.arp, PEER_IP, &peer_mac, T0);

	s = seg_out(TCP_F_SYN | TCP_F_ACK, all, 100);
	roundtrip(&s, syn_all, sizeof(syn_all), all);

	s = seg_out(TCP_F_SYN, all & ~TCP_OPT_TS, 0);
	roundtrip(&s, syn_no_ts, sizeof(syn_no_ts), all & ~TCP_OPT_TS);

	/* Not a SYN: only timestamps go out, whatever opts says. */
	s = seg_out(TCP_F_ACK | TCP_F_PSH, all, 1400);
	roundtrip(&s, ts_only, sizeof(ts_only), TCP_OPT_TS);

	s = seg_out(TCP_F_ACK | TCP_F_FIN, 0, 1);
	roundtrip(&s, (const uint8_t *)"", 0, 0);

	/* SACK blocks (RFC 2018 3) after the timestamp: 3 fit beside it
	 * (a fourth is left out), 4 without it; none on a SYN. */
	s = seg_out(TCP_F_ACK, TCP_OPT_TS | TCP_OPT_SACK, 0);
	s.nsack = 4;
	for (unsigned int i = 0; i < 4; i++) {
		s.sack[i].start = 0x10000000u * (i + 1) + 1;
		s.sack[i].end = 0x10000000u * (i + 1) + 0x0201;
	}
	roundtrip(&s, ts_sack3, sizeof(ts_sack3), TCP_OPT_TS | TCP_OPT_SACK);
	s.opts = TCP_OPT_SACK;
	roundtrip(&s, sack4, sizeof(sack4), TCP_OPT_SACK);
	s.flags = TCP_F_SYN | TCP_F_ACK;
	s.opts = TCP_OPT_SACK;
	roundtrip(&s, (const uint8_t *)"", 0, 0);

	/* Our frames taught the peer nothing (ARP only). */
	assert_null(arp_lookup(&peer.nif.arp, OUR_IP));
	assert_int_equal(drops(&fx), 0);
}

static void
test_send_tcp_offload(void **state)
{
	struct tcp_seg s = seg_out(TCP_F_ACK, TCP_OPT_TS, 33);
	struct fill_ctx fc = { .seed = 3 };
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	struct tcp_seg r;

	(void)state;
	NEED_EAL();
	arp_learn(&fx.nif.arp, PEER_IP, &peer_mac, T0);
	fx.nif.tx_ip_cksum_offload = true;
	fx.nif.tx_tcp_cksum_offload = true;
	assert_int_equal(net_send_tcp(&fx.nif, &s, fill_pattern, &fc, T0), 0);
	m = fx.cap.m[0];
	fx.cap.n = 0;
	assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_IPV4 |
			 RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 20);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	tcp = (struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(ip->hdr_checksum, 0);
	assert_int_equal(tcp->cksum, rte_ipv4_phdr_cksum(ip, 0));

	/* Do what the NIC does, then the frame must pass a software check. */
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	tcp->cksum = (uint16_t)~rte_raw_cksum(tcp, 20 + 12 + 33);
	m->ol_flags = 0;
	assert_int_equal(net_input(&peer.nif, m, &r, T0), NET_TCP);
	assert_int_equal(r.len, 33);
	assert_int_equal(r.tsval, s.tsval);
	rte_pktmbuf_free(m);
}

static void
test_send_tcp_unresolved(void **state)
{
	struct tcp_seg s = seg_out(TCP_F_SYN, TCP_OPT_MSS, 0);
	const struct rte_ether_hdr *eth;
	const struct rte_arp_hdr *arp;
	struct rte_ether_addr a;
	struct tcp_seg seg;
	uint64_t now = 0;      /* a fake clock that starts at zero */

	(void)state;
	NEED_EAL();
	s.t.raddr.v4 = FAR_IP;        /* off-link: via the gateway */
	/* Unresolved: the frame waits for the reply, an ARP request goes. */
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_int_equal(fx.nif.pend.n, 1);
	assert_int_equal(C(fx, drop_no_arp), 0);
	assert_int_equal(C(fx, arp_requests_sent), 1);
	assert_int_equal(fx.cap.n, 1);
	eth = rte_pktmbuf_mtod(fx.cap.m[0], const struct rte_ether_hdr *);
	arp = (const struct rte_arp_hdr *)(eth + 1);
	assert_true(rte_is_broadcast_ether_addr(&eth->dst_addr));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &our_mac));
	assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REQUEST));
	a = arp->arp_data.arp_sha;
	assert_true(rte_is_same_ether_addr(&a, &our_mac));
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_sip), OUR_IP);
	a = arp->arp_data.arp_tha;
	assert_true(rte_is_zero_ether_addr(&a));
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_tip), GW_IP);

	/* Within the interval: queued too, no second request. */
	now += 1;
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	now += ARP_REQUEST_INTERVAL_US - 2;
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_false(arp_request(&fx.nif, GW_IP, now));
	assert_int_equal(fx.nif.pend.n, 3);
	assert_int_equal(C(fx, arp_requests_sent), 1);
	assert_int_equal(fx.cap.total, 1);

	/* One interval after the first: the next request.  The two oldest
	 * frames have waited longer than ARP_PENDING_US by the time of the
	 * flush below and are dropped, counted. */
	now += 1;
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_int_equal(C(fx, arp_requests_sent), 2);
	assert_int_equal(fx.cap.total, 2);
	now += 2;

	/* The reply resolves the gateway: what still waits goes to its MAC. */
	cap_clear(&fx.cap);
	assert_int_equal(net_input(&fx.nif, mbuf_arp(RTE_ARP_OP_REPLY,
		&our_mac, &gw_mac, GW_IP, &our_mac, OUR_IP), &seg, now),
		NET_CONSUMED);
	assert_int_equal(fx.nif.pend.n, 0);
	assert_int_equal(C(fx, drop_no_arp), 2);
	assert_int_equal(fx.cap.n, 2);
	assert_memory_equal(data(fx.cap.m[0]), &gw_mac, 6);
	assert_memory_equal(data(fx.cap.m[1]), &gw_mac, 6);
	cap_clear(&fx.cap);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_int_equal(fx.cap.n, 1);
	assert_memory_equal(data(fx.cap.m[0]), &gw_mac, 6);

	/* On-link destinations are resolved themselves. */
	cap_clear(&fx.cap);
	s.t.raddr.v4 = OTHER_IP;
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_int_equal(fx.cap.n, 1);
	arp = rte_pktmbuf_mtod_offset(fx.cap.m[0], const struct rte_arp_hdr *,
				      14);
	assert_int_equal(rte_be_to_cpu_32(arp->arp_data.arp_tip), OTHER_IP);
	/* A frame that waits too long is dropped and counted. */
	arp_pending_flush(&fx.nif, 0, NULL, now + ARP_PENDING_US + 1);
	assert_int_equal(fx.nif.pend.n, 0);
	assert_int_equal(C(fx, drop_no_arp), 3);

	/* No gateway: no route, nothing to ask, a counted drop. */
	cap_clear(&fx.cap);
	fx.nif.gateway = 0;
	s.t.raddr.v4 = FAR_IP;
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), -1);
	assert_int_equal(fx.cap.total, 0);
	assert_int_equal(C(fx, drop_no_arp), 4);
	assert_int_equal(C(fx, arp_requests_sent), 3);
	net_if_release(&fx.nif);
}

static void
test_send_tcp_stale_entry_rechecked(void **state)
{
	struct tcp_seg s = seg_out(TCP_F_ACK, 0, 0);

	(void)state;
	NEED_EAL();
	arp_learn(&fx.nif.arp, PEER_IP, &peer_mac, T0);
	/* A fresh entry is used without asking. */
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0 + 1000), 0);
	assert_int_equal(C(fx, arp_requests_sent), 0);
	/* Long unconfirmed: still used, and checked by one request. */
	cap_clear(&fx.cap);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL,
				      T0 + 3600ULL * 1000000), 0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL,
				      T0 + 3600ULL * 1000000 + 1), 0);
	assert_int_equal(C(fx, arp_requests_sent), 1);
	assert_int_equal(fx.cap.total, 3);
	assert_int_equal(C(fx, drop_no_arp), 0);
}

static void
test_send_tcp_too_big(void **state)
{
	struct tcp_seg s = seg_out(TCP_F_ACK, 0, 60000);

	(void)state;
	NEED_EAL();
	arp_learn(&fx.nif.arp, PEER_IP, &peer_mac, T0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), -1);
	assert_int_equal(C(fx, mbuf_alloc_failed), 1);
	assert_int_equal(fx.cap.total, 0);
}

/* ---- ARP cache ------------------------------------------------------ */

static void
test_arp_cache(void **state)
{
	struct arp_cache *c = &fx.nif.arp;
	struct rte_ether_addr mac = peer_mac;
	unsigned int found = 0;

	(void)state;
	NEED_EAL();
	assert_int_equal(net_next_hop(&fx.nif, PEER_IP), PEER_IP);
	assert_int_equal(net_next_hop(&fx.nif, FAR_IP), GW_IP);
	fx.nif.gateway = 0;
	assert_int_equal(net_next_hop(&fx.nif, FAR_IP), 0);

	assert_null(arp_lookup(c, 0));
	arp_learn(c, 0, &mac, T0);
	assert_null(arp_lookup(c, 0));

	/* Any two addresses fit together in an empty cache (2 ways). */
	for (uint32_t i = 1; i < 2000; i++) {
		uint32_t a = IP4(10, 0, 0, 0) + i, b = a + 1 + (i * 7919) % 5000;

		memset(c, 0, sizeof(*c));
		arp_learn(c, a, &peer_mac, T0);
		arp_learn(c, b, &gw_mac, T0);
		assert_non_null(arp_lookup(c, a));
		assert_non_null(arp_lookup(c, b));
		assert_true(rte_is_same_ether_addr(arp_lookup(c, a), &peer_mac));
		assert_true(rte_is_same_ether_addr(arp_lookup(c, b), &gw_mac));
	}

	/* Many addresses: the newest is always kept, the size is bounded. */
	memset(c, 0, sizeof(*c));
	for (uint32_t i = 1; i <= 1000; i++) {
		mac.addr_bytes[4] = (uint8_t)(i >> 8);
		mac.addr_bytes[5] = (uint8_t)i;
		arp_learn(c, IP4(10, 1, 0, 0) + i, &mac, T0 + i);
		assert_non_null(arp_lookup(c, IP4(10, 1, 0, 0) + i));
		assert_true(rte_is_same_ether_addr(
			arp_lookup(c, IP4(10, 1, 0, 0) + i), &mac));
	}
	for (uint32_t i = 1; i <= 1000; i++)
		found += arp_lookup(c, IP4(10, 1, 0, 0) + i) != NULL;
	assert_true(found > 0 && found <= ARP_CACHE_SIZE);

	/* Re-learning moves an address to a new MAC. */
	arp_learn(c, IP4(10, 1, 3, 232), &gw_mac2, T0 + 2000);
	assert_true(rte_is_same_ether_addr(arp_lookup(c, IP4(10, 1, 3, 232)),
					   &gw_mac2));
}

/* ---- fuzz ----------------------------------------------------------- */

static uint64_t rng;

static uint64_t
rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * UINT64_C(2685821657736338717);
}

static void
free_ext(void *addr, void *opaque)
{
	(void)opaque;
	free(addr);
}

/*
 * An mbuf whose data is a malloc'd block of exactly len bytes, so that
 * AddressSanitizer catches any read past the frame (pool mbufs would hide
 * it: the bytes after a frame are still pool memory).
 */
static struct rte_mbuf *
mbuf_exact(const uint8_t *b, unsigned int len,
	   struct rte_mbuf_ext_shared_info *shinfo)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *buf = malloc(len > 0 ? len : 1);

	assert_non_null(m);
	assert_non_null(buf);
	memcpy(buf, b, len);
	memset(shinfo, 0, sizeof(*shinfo));
	shinfo->free_cb = free_ext;
	rte_mbuf_ext_refcnt_set(shinfo, 1);
	rte_pktmbuf_attach_extbuf(m, buf, 0, (uint16_t)len, shinfo);
	m->data_off = 0;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	return m;
}

static void
test_fuzz(void **state)
{
	enum { N = 100000 };
	struct rte_mbuf_ext_shared_info shinfo;
	struct pkt tmpl[3] = { pkt_syn(), pkt_ping(), pkt_syn() };
	uint8_t t[3][512], b[512];
	unsigned int tlen[3], tcp = 0, consumed = 0;
	const char *env = getenv("TEST_NET_SEED");

	(void)state;
	NEED_EAL();
	rng = env != NULL ? strtoull(env, NULL, 0) : UINT64_C(0x9e3779b97f4a7c15);
	if (rng == 0)
		rng = 1;
	print_message("fuzz seed 0x%" PRIx64 " (TEST_NET_SEED)\n", rng);
	fx.cap.keep = false;
	arp_learn(&fx.nif.arp, GW_IP, &gw_mac, T0);

	tmpl[2].flags = TCP_F_ACK;
	memcpy(tmpl[2].data, "GET / HTTP/1.1\r\n\r\n", 18);
	tmpl[2].dlen = 18;
	for (unsigned int k = 0; k < 3; k++)
		tlen[k] = build(t[k], &tmpl[k]);

	for (unsigned int i = 0; i < N; i++) {
		uint64_t r = rnd(), before = accounted(&fx);
		uint64_t arp_before = C(fx, arp_rx);
		unsigned int len, tot, kind = r % 8;
		struct tcp_seg seg;
		struct rte_mbuf *m;
		enum net_verdict v;

		if (kind < 3) {
			/* Random bytes with a plausible Ethernet header. */
			len = (unsigned int)(rnd() % 200);
			for (unsigned int j = 0; j < len; j++)
				b[j] = (uint8_t)rnd();
			if (len >= 14) {
				memcpy(b, (r >> 8) & 1 ? &our_mac : &bcast_mac, 6);
				b[12] = 0x08;
				b[13] = (r >> 9) & 1 ? 0x06 : 0x00;
			}
		} else if (kind < 6) {
			/* A valid frame with a few bytes changed. */
			unsigned int k = (unsigned int)((r >> 8) % 3);
			unsigned int flips = 1 + (unsigned int)((r >> 12) % 4);

			len = tlen[k];
			memcpy(b, t[k], len);
			for (unsigned int f = 0; f < flips; f++)
				b[14 + rnd() % (len - 14)] = (uint8_t)rnd();
			if ((r >> 16) & 1)
				fix_ip(b);
			tot = (unsigned int)b[16] << 8 | b[17];
			if ((r >> 17) & 1 && k != 1 &&
			    (b[14] & 0x0f) >= 5 && tot + 14 <= len &&
			    tot >= (b[14] & 0x0fu) * 4)
				fix_tcp(b);
		} else {
			/* A valid frame cut short or padded. */
			unsigned int k = (unsigned int)((r >> 8) % 3);

			memcpy(b, t[k], tlen[k]);
			len = (unsigned int)(rnd() % (tlen[k] + 40));
			if (len > tlen[k])
				memset(b + tlen[k], 0, len - tlen[k]);
		}

		m = (i & 1) ? mbuf_exact(b, len, &shinfo) : mbuf_of(b, len);
		fx.nif.rx_cksum_offload = (r >> 20) & 1;
		m->ol_flags |= (r >> 21) & (RTE_MBUF_F_RX_IP_CKSUM_MASK |
					    RTE_MBUF_F_RX_L4_CKSUM_MASK);
		v = net_input(&fx.nif, m, &seg, T0 + i);
		if (v == NET_TCP) {
			const uint8_t *start = data(m);

			assert_true(seg.payload >= start);
			assert_true(seg.payload + seg.len <=
				    start + rte_pktmbuf_data_len(m));
			assert_int_equal(accounted(&fx), before);
			rte_pktmbuf_free(m);
			tcp++;
		} else {
			/* Exactly one reason, or an ARP refresh. */
			uint64_t d = accounted(&fx) - before;

			assert_int_equal(v, NET_CONSUMED);
			if (!(d == 1 || (d == 0 && C(fx, arp_rx) == arp_before + 1)))
				fail_msg("frame %u consumed without a counter", i);
			consumed++;
		}
	}
	print_message("fuzz: %u TCP, %u consumed, %u sent\n", tcp, consumed,
		      fx.cap.total);
	/* The run reached the end of the parser and the reply paths. */
	assert_true(tcp > 0);
	assert_true(C(fx, icmp_echo_replies) > 0);
	assert_true(C(fx, drop_bad_cksum) > 0 && C(fx, drop_bad_header) > 0 &&
		    C(fx, drop_short) > 0 && C(fx, drop_not_ours) > 0);
}

/*
 * tcp_parse_options' fast path for the 20-byte SYN layout (MSS, SACK_PERM
 * TS, NOP WS) gives what the general loop gives: every byte of that layout
 * replaced by each of 256 values, parsed as it is (20 bytes: the fast
 * path when the layout still matches) and followed by EOL padding (24
 * bytes: always the loop, and EOL ends the list, RFC 9293 3.1).
 */
static void
test_syn_options_fast_path_same_as_loop(void **state)
{
	static const uint8_t linux_syn[20] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 3, 3, 7,
	};
	uint64_t rng = 99;
	unsigned int fast = 0;

	(void)state;
	for (unsigned int pos = 0; pos < 20; pos++) {
		for (unsigned int v = 0; v < 256; v++) {
			uint8_t a[24] = { 0 };
			struct tcp_seg x, y;
			bool rx, ry;

			memcpy(a, linux_syn, 20);
			for (unsigned int i = 8; i < 16; i++)
				a[i] = (uint8_t)tt_rand64(&rng);
			a[pos] = (uint8_t)v;
			memset(&x, 0, sizeof(x));
			memset(&y, 0, sizeof(y));
			x.flags = y.flags = TCP_F_SYN;
			rx = tcp_parse_options(&x, a, 20);
			ry = tcp_parse_options(&y, a, 24);
			assert_int_equal(rx, ry);
			assert_memory_equal(&x, &y, sizeof(x));
			fast += x.opts == (TCP_OPT_MSS | TCP_OPT_SACK_OK | TCP_OPT_TS |
					   TCP_OPT_WSCALE);
		}
	}
	/* The unchanged layout (and the free bytes: MSS, TS values and the
	 * shift, which is capped at 14) were parsed in full. */
	assert_true(fast >= 9 * 256);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_arp_request_answered),
		T(test_arp_request_for_other_ip_ignored),
		T(test_arp_reply_and_gratuitous),
		T(test_arp_malformed),
		T(test_icmp_echo_reply),
		T(test_icmp_echo_ip_options_not_echoed),
		T(test_icmp_malformed),
		T(test_udp_port_unreachable),
		T(test_proto_unreachable),
		T(test_icmp_unreach_rate_limited),
		T(test_tcp_syn_options_parsed),
		cmocka_unit_test(test_syn_options_fast_path_same_as_loop),
		T(test_tcp_data_segment),
		T(test_tcp_learn_on_link_only),
		T(test_ip_does_not_poison_arp),
		T(test_bad_ip_cksum),
		T(test_bad_tcp_cksum),
		T(test_ip_fragment),
		T(test_short_frames),
		T(test_bad_ip_header),
		T(test_bad_data_offset),
		T(test_bad_options),
		T(test_not_ours),
		T(test_zero_frames),
		T(test_send_tcp_roundtrip),
		T(test_send_tcp_offload),
		T(test_send_tcp_unresolved),
		T(test_send_tcp_stale_entry_rechecked),
		T(test_send_tcp_too_big),
		T(test_arp_cache),
		T(test_fuzz),
#undef T
	};

	if (!eal_start())
		return 1;
	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
