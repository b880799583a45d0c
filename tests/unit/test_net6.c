/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the IPv6 half of lib/net: IPv6 and extension header
 * validation, TCP over IPv6 into a tuple, ICMPv6 echo and errors, Neighbor
 * Discovery (solicitations answered, advertisements learned, the pending
 * queue), and IPv6 TCP output.
 *
 * As test_net.c: EAL without hugepages (a failure to start FAILS the run),
 * frames built here by hand with an independent checksum (DPDK's
 * rte_raw_cksum over a pseudo-header written here), what the interface
 * sends captured by nif->tx, and every test checks that no mbuf leaked.
 * Addresses are from 2001:2::/48 (RFC 5180).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* rte_ipv6_udptcp_cksum_verify() is experimental in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_tcp.h>

#include "net/net.h"
#include "net/net_priv.h"    /* NET_IP6_MAX_EXT */

#define T0        UINT64_C(1000000000)   /* a fake "now", us */
#define POOL_SIZE 2047          /* a full pending queue and more */
#define CAP_MAX   8

#define A6(...) { 0x20, 0x01, 0x00, 0x02, __VA_ARGS__ }

/* 2001:2::/64 is our link; 2001:2:0:1::/64 is behind the router. */
static const uint8_t our6[16] = A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
static const uint8_t peer6[16] = A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
static const uint8_t other6[16] = A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56);
static const uint8_t gw6[16] = A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe);
static const uint8_t far6[16] = A6(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7);
static const uint8_t lo6[16] = A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
static const uint8_t hi6[16] = A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff);
static const uint8_t peer_ll[16] = { 0xfe, 0x80, [8] = 0, 0, 0, 0xff, 0xfe, 0, 0, 2 };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
static const uint8_t unspec[16];

static const struct rte_ether_addr our_mac = {{ 0x02, 0, 0, 0, 0, 0x01 }};
static const struct rte_ether_addr peer_mac = {{ 0x02, 0, 0, 0, 0, 0x02 }};
static const struct rte_ether_addr peer_mac2 = {{ 0x02, 0, 0, 0, 0, 0x22 }};
static const struct rte_ether_addr gw_mac = {{ 0x02, 0, 0, 0, 0, 0xfe }};

static struct rte_mempool *pool;
static bool eal_ok;

struct capture {
	struct rte_mbuf *m[CAP_MAX];
	unsigned int n;
	unsigned int total;
};

struct fixture {
	struct net_if nif;
	struct tt_stats st;
	struct capture cap;
};

static struct fixture fx, peer;
static unsigned int pool_avail;

#define C(f, name) ((f).st.c[TT_C_##name])

#define NEED_EAL() do {							\
	if (!eal_ok)							\
		fail_msg("EAL did not start");				\
} while (0)

static void
cap_tx(void *arg, struct rte_mbuf *m)
{
	struct capture *c = arg;

	c->total++;
	if (c->n < CAP_MAX)
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
fixture_init(struct fixture *f, const struct rte_ether_addr *mac, const uint8_t ip6[16])
{
	memset(f, 0, sizeof(*f));
	f->nif.mac = *mac;
	f->nif.has_ip6 = true;
	memcpy(f->nif.ip6, ip6, 16);
	f->nif.prefix6_len = 64;
	net_ip6_link_local(mac, f->nif.ip6_ll);
	f->nif.has_gateway6 = true;
	memcpy(f->nif.gateway6, gw6, 16);
	f->nif.mp = pool;
	f->nif.st = &f->st;
	f->nif.tx = cap_tx;
	f->nif.tx_arg = &f->cap;
}

/* Every drop counter the net layer has, summed. */
static uint64_t
drops(const struct fixture *f)
{
	return C(*f, drop_short) + C(*f, drop_bad_header) + C(*f, drop_bad_cksum) +
		C(*f, drop_ip_fragment) + C(*f, drop_not_ours) + C(*f, drop_no_arp) +
		C(*f, drop_ip6_ext) + C(*f, drop_nd_invalid) + C(*f, drop_no_nd) +
		C(*f, drop_no_route6);
}

/* ---- frames ---------------------------------------------------------- */

/* What goes after the IPv6 header: optional extension headers (their
 * next-header bytes written by the test), then an upper-layer message. */
struct pkt6 {
	struct rte_ether_addr dmac, smac;
	uint8_t src[16], dst[16];
	uint8_t hlim;
	uint8_t ext[256];
	unsigned int extlen;
	uint8_t ext_first;      /* next header of the IPv6 header if extlen */
	uint8_t proto;          /* the upper layer's protocol */
	uint8_t l4[512];
	unsigned int l4len;
	bool bad_cksum;         /* leave the upper-layer checksum wrong */
	unsigned int pad;       /* bytes after the packet (Ethernet padding) */
};

/* The RFC 8200 8.1 checksum, written here independently of lib/net. */
static uint16_t
cksum6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
       const uint8_t *l4, unsigned int len)
{
	static uint8_t b[40 + 2048];
	uint32_t be = rte_cpu_to_be_32(len);

	memcpy(b, src, 16);
	memcpy(b + 16, dst, 16);
	memcpy(b + 32, &be, 4);
	b[36] = b[37] = b[38] = 0;
	b[39] = proto;
	memcpy(b + 40, l4, len);
	return (uint16_t)~rte_raw_cksum(b, 40 + len);
}

static unsigned int
build6(uint8_t *b, const struct pkt6 *p)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	uint8_t *ext = (uint8_t *)(ip + 1), *l4 = ext + p->extlen;
	unsigned int ck_at = p->proto == IPPROTO_TCP ? 16 : 2;
	uint16_t ck;

	eth->dst_addr = p->dmac;
	eth->src_addr = p->smac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(0x60000000u);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)(p->extlen + p->l4len));
	ip->proto = p->extlen ? p->ext_first : p->proto;
	ip->hop_limits = p->hlim;
	memcpy(ip->src_addr, p->src, 16);
	memcpy(ip->dst_addr, p->dst, 16);
	memcpy(ext, p->ext, p->extlen);
	memcpy(l4, p->l4, p->l4len);
	if (p->l4len >= ck_at + 2 && (p->proto == IPPROTO_TCP || p->proto == 58)) {
		memset(l4 + ck_at, 0, 2);
		ck = cksum6(p->src, p->dst, p->proto, l4, p->l4len);
		if (p->bad_cksum)
			ck ^= 0x0100;
		memcpy(l4 + ck_at, &ck, 2);
	}
	memset(l4 + p->l4len, 0, p->pad);
	return 14 + 40 + p->extlen + p->l4len + p->pad;
}

static const uint8_t syn_opts[20] = {
	2, 4, 0x05, 0x8c,                       /* MSS 1420 */
	4, 2,                                   /* SACK permitted */
	8, 10, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0,
	1, 3, 3, 7,                             /* NOP, WS 7 */
};

/* A TCP header at l4 (options optlen, a multiple of 4, then data). */
static unsigned int
tcp_l4(uint8_t *l4, uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags,
       const uint8_t *opt, unsigned int optlen, const void *data, unsigned int dlen)
{
	struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4;

	memset(t, 0, sizeof(*t));
	t->src_port = rte_cpu_to_be_16(sport);
	t->dst_port = rte_cpu_to_be_16(dport);
	t->sent_seq = rte_cpu_to_be_32(seq);
	t->recv_ack = rte_cpu_to_be_32(flags & 0x10 ? 77 : 0);
	t->data_off = (uint8_t)(((20 + optlen) / 4) << 4);
	t->tcp_flags = flags;
	t->rx_win = RTE_BE16(64800);
	if (optlen > 0)
		memcpy(t + 1, opt, optlen);
	if (dlen > 0)
		memcpy(l4 + 20 + optlen, data, dlen);
	return 20 + optlen + dlen;
}

/* A SYN from the on-link peer to our port 80. */
static struct pkt6
pkt_syn6(void)
{
	struct pkt6 p = {
		.dmac = our_mac, .smac = peer_mac, .hlim = 64, .proto = IPPROTO_TCP,
	};

	memcpy(p.src, peer6, 16);
	memcpy(p.dst, our6, 16);
	p.l4len = tcp_l4(p.l4, 40000, 80, 0xfffffff0, 0x02, syn_opts,
			 sizeof(syn_opts), NULL, 0);
	return p;
}

/* An ICMPv6 message of type/code with body (after the 4-byte header). */
static struct pkt6
pkt_icmp6(uint8_t type, uint8_t code, const void *body, unsigned int blen)
{
	struct pkt6 p = {
		.dmac = our_mac, .smac = peer_mac, .hlim = 64, .proto = 58,
	};

	memcpy(p.src, peer6, 16);
	memcpy(p.dst, our6, 16);
	p.l4[0] = type;
	p.l4[1] = code;
	memcpy(p.l4 + 4, body, blen);
	p.l4len = 4 + blen;
	return p;
}

/* A Neighbor Solicitation for target from src, with a source link-layer
 * option of smac unless !opt, to target's solicited-node group. */
static struct pkt6
pkt_ns(const uint8_t src[16], const uint8_t target[16], bool opt)
{
	uint8_t body[4 + 16 + 8] = { 0 };
	struct pkt6 p;

	memcpy(body + 4, target, 16);
	body[20] = 1;
	body[21] = 1;
	memcpy(body + 22, peer_mac.addr_bytes, 6);
	p = pkt_icmp6(135, 0, body, opt ? sizeof(body) : 20);
	p.hlim = 255;
	memcpy(p.src, src, 16);
	memcpy(p.dst, (uint8_t[16]){ 0xff, 0x02, [11] = 1, [12] = 0xff,
				     target[13], target[14], target[15] }, 16);
	p.dmac = (struct rte_ether_addr){{ 0x33, 0x33, 0xff, target[13], target[14],
					   target[15] }};
	return p;
}

/* A Neighbor Advertisement for target with flags and a target
 * link-layer option of mac (NULL: none), to us. */
static struct pkt6
pkt_na(const uint8_t target[16], uint8_t flags, const struct rte_ether_addr *mac)
{
	uint8_t body[4 + 16 + 8] = { flags };
	struct pkt6 p;

	memcpy(body + 4, target, 16);
	body[20] = 2;
	body[21] = 1;
	if (mac != NULL)
		memcpy(body + 22, mac->addr_bytes, 6);
	p = pkt_icmp6(136, 0, body, mac != NULL ? sizeof(body) : 20);
	p.hlim = 255;
	memcpy(p.src, target, 16);
	return p;
}

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
mbuf6(const struct pkt6 *p)
{
	static uint8_t b[1024];

	return mbuf_of(b, build6(b, p));
}

static uint8_t *
data(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, uint8_t *);
}

/* Feed m and expect it dropped on counter c alone, nothing sent. */
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

/* Feed a TCP frame and expect it accepted, no drop counted. */
static struct rte_mbuf *
expect_tcp(struct rte_mbuf *m, struct tcp_seg *seg)
{
	uint64_t all = drops(&fx);

	memset(seg, 0xa5, sizeof(*seg));
	assert_int_equal(net_input(&fx.nif, m, seg, T0), NET_TCP);
	assert_int_equal(drops(&fx), all);
	return m;
}

/* The upper-layer checksum of a frame we sent is right (verified with
 * the test's own sum: it must come out 0 over the message). */
static void
assert_l4_cksum_ok(const uint8_t *frame, uint8_t proto)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(frame + 14);
	unsigned int len = rte_be_to_cpu_16(ip->payload_len);
	uint8_t b[2048];

	/* Summing a message with its checksum in place gives 0 after the
	 * complement. */
	memcpy(b, frame + 54, len);
	assert_int_equal(cksum6(ip->src_addr, ip->dst_addr, proto, b, len), 0);
}

/* ---- fixtures --------------------------------------------------------- */

static bool
eal_start(void)
{
	char *argv[] = {
		"test_net6", "--no-huge", "-m", "64", "--no-pci", "--no-shconf",
		"--no-telemetry", "-l", "0", "--log-level", "*:error", NULL,
	};

	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "test_net6: FAIL: rte_eal_init failed (%s): "
			"no test can run\n", rte_strerror(rte_errno));
		return false;
	}
	pool = rte_pktmbuf_pool_create("test_net6", POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "test_net6: FAIL: no mempool (%s)\n",
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
	fixture_init(&fx, &our_mac, our6);
	fixture_init(&peer, &peer_mac, peer6);
	if (eal_ok)
		pool_avail = rte_mempool_avail_count(pool);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (!eal_ok)
		return 0;
	net_if_release(&fx.nif);
	net_if_release(&peer.nif);
	cap_clear(&fx.cap);
	cap_clear(&peer.cap);
	if (rte_mempool_avail_count(pool) != pool_avail) {
		fprintf(stderr, "mbuf leak: %u in the pool, %u expected\n",
			rte_mempool_avail_count(pool), pool_avail);
		return -1;
	}
	return 0;
}

/* ---- addresses -------------------------------------------------------- */

static void
test_link_local_eui64(void **state)
{
	/* RFC 4291 appendix A: 34-56-78-9A-BC-DE -> 3656:78ff:fe9a:bcde. */
	static const struct rte_ether_addr mac = {{ 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde }};
	static const uint8_t want[16] = { 0xfe, 0x80, [8] = 0x36, 0x56, 0x78, 0xff,
					  0xfe, 0x9a, 0xbc, 0xde };
	static const uint8_t want_ours[16] = { 0xfe, 0x80, [11] = 0xff, 0xfe, 0, 0, 1 };
	uint8_t ll[16];

	(void)state;
	net_ip6_link_local(&mac, ll);
	assert_memory_equal(ll, want, 16);
	assert_memory_equal(fx.nif.ip6_ll, want_ours, 16);

	/* Ours: the address, the link-local one, the client's range. */
	assert_true(net_is_local6(&fx.nif, our6));
	assert_true(net_is_local6(&fx.nif, want_ours));
	assert_false(net_is_local6(&fx.nif, peer6));
	assert_false(net_is_local6(&fx.nif, unspec));
	assert_false(net_is_local6(&fx.nif, lo6));
	memcpy(fx.nif.ip6_lo, lo6, 16);
	memcpy(fx.nif.ip6_hi, hi6, 16);
	assert_true(net_is_local6(&fx.nif, lo6));
	assert_true(net_is_local6(&fx.nif, hi6));
	assert_true(net_is_local6(&fx.nif, (uint8_t[16])A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x80)));
	assert_false(net_is_local6(&fx.nif, (uint8_t[16])A6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0)));
	assert_false(net_is_local6(&fx.nif, (uint8_t[16])A6(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x80)));
	assert_false(net_is_local6(&fx.nif, unspec));
	fx.nif.has_ip6 = false;
	assert_false(net_is_local6(&fx.nif, our6));

	/* An IPv6-only port (ip 0) owns no IPv4 address, not even 0. */
	assert_false(net_is_local(&fx.nif, 0));
}

static void
test_next_hop6(void **state)
{
	uint8_t nh[16];
	uint8_t edge[16] = A6(0, 0, 0, 0x0f, 0, 0, 0, 0, 0, 0, 0, 9);

	(void)state;
	assert_true(net_next_hop6(&fx.nif, peer6, nh));
	assert_memory_equal(nh, peer6, 16);
	assert_true(net_next_hop6(&fx.nif, peer_ll, nh));
	assert_memory_equal(nh, peer_ll, 16);
	assert_true(net_next_hop6(&fx.nif, far6, nh));
	assert_memory_equal(nh, gw6, 16);
	/* A prefix that ends inside a byte: /60 covers 2001:2:0:0-f. */
	fx.nif.prefix6_len = 60;
	assert_true(net_next_hop6(&fx.nif, edge, nh));
	assert_memory_equal(nh, edge, 16);
	edge[7] = 0x10;
	assert_true(net_next_hop6(&fx.nif, edge, nh));
	assert_memory_equal(nh, gw6, 16);
	fx.nif.prefix6_len = 64;
	fx.nif.has_gateway6 = false;
	assert_false(net_next_hop6(&fx.nif, far6, nh));
	assert_true(net_next_hop6(&fx.nif, peer_ll, nh));
}

/* ---- TCP in ----------------------------------------------------------- */

static void
test_tcp6_syn_parsed(void **state)
{
	struct pkt6 p = pkt_syn6();
	struct tcp_tuple want;
	struct rte_mbuf *m;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	p.pad = 6;                  /* Ethernet padding is not payload */
	m = expect_tcp(mbuf6(&p), &seg);
	memset(&want, 0, sizeof(want));
	want.v6 = 1;
	memcpy(want.laddr.v6, our6, 16);
	memcpy(want.raddr.v6, peer6, 16);
	want.lport = 80;
	want.rport = 40000;
	assert_memory_equal(&seg.t, &want, sizeof(want));   /* padding zeroed too */
	assert_int_equal(seg.seq, 0xfffffff0);
	assert_int_equal(seg.flags, 0x02);
	assert_int_equal(seg.wnd, 64800);
	assert_int_equal(seg.opts, TCP_OPT_MSS | TCP_OPT_SACK_OK | TCP_OPT_TS | TCP_OPT_WSCALE);
	assert_int_equal(seg.mss, 1420);
	assert_int_equal(seg.wscale, 7);
	assert_int_equal(seg.tsval, 0x11223344);
	assert_int_equal(seg.len, 0);
	assert_ptr_equal(seg.pkt, m);
	rte_pktmbuf_free(m);

	/* Data to our link-local address from the peer's. */
	p = pkt_syn6();
	memcpy(p.src, peer_ll, 16);
	memcpy(p.dst, fx.nif.ip6_ll, 16);
	p.l4len = tcp_l4(p.l4, 40001, 8080, 5, 0x18, NULL, 0, "GET /", 5);
	m = expect_tcp(mbuf6(&p), &seg);
	assert_memory_equal(seg.t.laddr.v6, fx.nif.ip6_ll, 16);
	assert_memory_equal(seg.t.raddr.v6, peer_ll, 16);
	assert_int_equal(seg.t.lport, 8080);
	assert_int_equal(seg.len, 5);
	assert_memory_equal(seg.payload, "GET /", 5);
	rte_pktmbuf_free(m);

	/* To the client's range: ours; past its end: not ours. */
	memcpy(fx.nif.ip6_lo, lo6, 16);
	memcpy(fx.nif.ip6_hi, hi6, 16);
	p = pkt_syn6();
	memcpy(p.dst, hi6, 16);
	m = expect_tcp(mbuf6(&p), &seg);
	assert_memory_equal(seg.t.laddr.v6, hi6, 16);
	rte_pktmbuf_free(m);
	p.dst[14] = 2;
	p.dst[15] = 0;
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
}

static void
test_tcp6_bad_cksum(void **state)
{
	struct pkt6 p = pkt_syn6();
	struct rte_mbuf *m;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	p.bad_cksum = true;
	expect_drop(mbuf6(&p), TT_C_drop_bad_cksum);

	/* With RX offload the flags decide: BAD drops a good segment ... */
	fx.nif.rx_cksum_offload = true;
	p.bad_cksum = false;
	m = mbuf6(&p);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_BAD;
	expect_drop(m, TT_C_drop_bad_cksum);
	/* ... GOOD is trusted, UNKNOWN is checked in software. */
	p.bad_cksum = true;
	m = mbuf6(&p);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	rte_pktmbuf_free(expect_tcp(m, &seg));
	m = mbuf6(&p);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
	expect_drop(m, TT_C_drop_bad_cksum);
	assert_int_equal(C(fx, drop_bad_cksum), 3);
}

static void
test_ip6_truncated_and_malformed(void **state)
{
	struct pkt6 p = pkt_syn6();
	uint8_t b[512];
	unsigned int len;
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	/* Cut inside the IPv6 header. */
	len = build6(b, &p);
	expect_drop(mbuf_of(b, 14 + 39), TT_C_drop_short);
	/* Payload length beyond the frame: truncated. */
	expect_drop(mbuf_of(b, len - 1), TT_C_drop_short);
	/* Payload length too short for the TCP header. */
	m = mbuf_of(b, len);
	data(m)[14 + 5] = 19;
	expect_drop(m, TT_C_drop_short);
	/* Version 4 in an IPv6 frame. */
	m = mbuf_of(b, len);
	data(m)[14] = 0x40;
	expect_drop(m, TT_C_drop_bad_header);
	/* Payload length 0 (a jumbogram we do not take). */
	m = mbuf_of(b, len);
	data(m)[14 + 4] = data(m)[14 + 5] = 0;
	expect_drop(m, TT_C_drop_bad_header);
	/* TCP data offset past the segment. */
	m = mbuf_of(b, len);
	data(m)[54 + 12] = 0xf0;
	expect_drop(m, TT_C_drop_bad_header);
	/* UDP and no-next-header: nobody listens. */
	p = pkt_syn6();
	p.proto = 17;
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	p.proto = 59;
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
}

static void
test_ip6_addresses(void **state)
{
	static const uint8_t loop[16] = { [15] = 1 };
	static const uint8_t mapped[16] = { [10] = 0xff, 0xff, 198, 18, 0, 2 };
	static const uint8_t mcast[16] = { 0xff, 0x0e, [15] = 7 };
	struct pkt6 p;

	(void)state;
	NEED_EAL();
	p = pkt_syn6();
	memcpy(p.dst, other6, 16);
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	/* TCP to a group, even the ones ND listens on. */
	memcpy(p.dst, all_nodes, 16);
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	p = pkt_ns(peer6, our6, true);
	p.proto = IPPROTO_TCP;
	p.l4len = tcp_l4(p.l4, 1, 80, 1, 0x02, NULL, 0, NULL, 0);
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);

	/* Impossible sources (RFC 4291 2.5.2, 2.5.3, 2.5.5.2, 2.7). */
	p = pkt_syn6();
	memcpy(p.src, mcast, 16);
	expect_drop(mbuf6(&p), TT_C_drop_bad_header);
	memcpy(p.src, unspec, 16);
	expect_drop(mbuf6(&p), TT_C_drop_bad_header);
	memcpy(p.src, loop, 16);
	expect_drop(mbuf6(&p), TT_C_drop_bad_header);
	memcpy(p.src, mapped, 16);
	expect_drop(mbuf6(&p), TT_C_drop_bad_header);
	memcpy(p.src, our6, 16);
	expect_drop(mbuf6(&p), TT_C_drop_bad_header);

	/* A port without ip6 speaks no IPv6. */
	fx.nif.has_ip6 = false;
	p = pkt_syn6();
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	assert_int_equal(C(fx, drop_not_ours), 4);
	assert_int_equal(C(fx, drop_bad_header), 5);
}

/* Hop-by-hop with PadN, then destination options with Pad1s. */
static const uint8_t hbh_dst[16] = {
	60, 0, 1, 4, 0, 0, 0, 0,        /* HBH -> DSTOPTS, PadN(4) */
	6, 0, 0, 0, 0, 0, 0, 0,         /* DSTOPTS -> TCP, 6 x Pad1 */
};

static void
test_ip6_ext_headers(void **state)
{
	struct pkt6 p;
	struct rte_mbuf *m;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	p = pkt_syn6();
	p.l4len = tcp_l4(p.l4, 40000, 80, 9, 0x18, NULL, 0, "abc", 3);
	memcpy(p.ext, hbh_dst, sizeof(hbh_dst));
	p.extlen = sizeof(hbh_dst);
	p.ext_first = 0;
	m = expect_tcp(mbuf6(&p), &seg);
	assert_int_equal(seg.t.v6, 1);
	assert_int_equal(seg.seq, 9);
	assert_int_equal(seg.len, 3);
	assert_memory_equal(seg.payload, "abc", 3);
	rte_pktmbuf_free(m);

	/* A routing header with nothing left to visit is skipped
	 * (RFC 8200 4.4), a router alert (00 action bits) too. */
	p.ext_first = 43;
	memcpy(p.ext, (uint8_t[]){ 60, 0, 0, 0, 0, 0, 0, 0,
				   6, 0, 5, 2, 0, 0, 1, 0 }, 16);
	rte_pktmbuf_free(expect_tcp(mbuf6(&p), &seg));
	assert_int_equal(seg.len, 3);

	/* Segments left: we would have to forward it. */
	p.ext[3] = 1;
	expect_drop(mbuf6(&p), TT_C_drop_ip6_ext);

	/* Hop-by-hop anywhere but first (RFC 8200 4.1). */
	p.ext_first = 60;
	memcpy(p.ext, (uint8_t[]){ 0, 0, 1, 4, 0, 0, 0, 0,
				   6, 0, 1, 4, 0, 0, 0, 0 }, 16);
	expect_drop(mbuf6(&p), TT_C_drop_ip6_ext);

	/* An unknown option whose action is "discard" (01). */
	p.ext_first = 60;
	memcpy(p.ext, (uint8_t[]){ 6, 0, 0x47, 2, 0, 0, 1, 0 }, 8);
	p.extlen = 8;
	expect_drop(mbuf6(&p), TT_C_drop_ip6_ext);
	/* An option running past its header. */
	memcpy(p.ext, (uint8_t[]){ 6, 0, 1, 5, 0, 0, 0, 0 }, 8);
	expect_drop(mbuf6(&p), TT_C_drop_ip6_ext);
	/* A header running past the packet. */
	memcpy(p.ext, (uint8_t[]){ 6, 200, 1, 4, 0, 0, 0, 0 }, 8);
	expect_drop(mbuf6(&p), TT_C_drop_ip6_ext);

	/* More headers than NET_IP6_MAX_EXT. */
	p.extlen = 0;
	for (unsigned int i = 0; i <= NET_IP6_MAX_EXT; i++) {
		static const uint8_t pad[8] = { 60, 0, 1, 4, 0, 0, 0, 0 };

		memcpy(p.ext + p.extlen, pad, 8);
		p.extlen += 8;
	}
	p.ext[p.extlen - 8] = 6;
	expect_drop(mbuf6(&p), TT_C_drop_ip6_ext);
	/* ... and exactly the limit is fine. */
	p.extlen -= 8;
	p.ext[p.extlen - 8] = 6;
	rte_pktmbuf_free(expect_tcp(mbuf6(&p), &seg));

	/* A fragment header: we do not reassemble (as IPv4). */
	p.ext_first = 44;
	memcpy(p.ext, (uint8_t[]){ 6, 0, 0, 1, 0, 0, 0, 42 }, 8);
	p.extlen = 8;
	expect_drop(mbuf6(&p), TT_C_drop_ip_fragment);
	/* Behind a destination options header too. */
	p.ext_first = 60;
	memcpy(p.ext, (uint8_t[]){ 44, 0, 1, 4, 0, 0, 0, 0,
				   6, 0, 0, 0, 0, 0, 0, 1 }, 16);
	p.extlen = 16;
	expect_drop(mbuf6(&p), TT_C_drop_ip_fragment);
	assert_int_equal(C(fx, drop_ip6_ext), 6);
	assert_int_equal(C(fx, drop_ip_fragment), 2);
}

/* ---- Neighbor Discovery ------------------------------------------------ */

/* The NA in cap slot i: to eth_dst/dst, flags, target, our TLLA. */
static void
check_na(unsigned int i, const struct rte_ether_addr *eth_dst, const uint8_t dst[16],
	 uint8_t flags, const uint8_t target[16])
{
	const uint8_t *b = data(fx.cap.m[i]);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(b + 14);
	const uint8_t *na = b + 54;

	assert_int_equal(rte_pktmbuf_pkt_len(fx.cap.m[i]), 14 + 40 + 32);
	assert_memory_equal(b, eth_dst, 6);
	assert_memory_equal(b + 6, &our_mac, 6);
	assert_int_equal(b[12], 0x86);
	assert_int_equal(b[13], 0xdd);
	assert_int_equal(b[14] >> 4, 6);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 32);
	assert_int_equal(ip->proto, 58);
	assert_int_equal(ip->hop_limits, 255);          /* RFC 4861 7.1.2 */
	assert_memory_equal(ip->src_addr, target, 16);
	assert_memory_equal(ip->dst_addr, dst, 16);
	assert_int_equal(na[0], 136);
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], flags);
	assert_int_equal(na[5] | na[6] | na[7], 0);
	assert_memory_equal(na + 8, target, 16);
	assert_int_equal(na[24], 2);                    /* target link-layer */
	assert_int_equal(na[25], 1);
	assert_memory_equal(na + 26, &our_mac, 6);
	assert_l4_cksum_ok(b, 58);
}

static void
test_nd_ns_answered(void **state)
{
	struct pkt6 p;
	struct tcp_seg seg;

	(void)state;
	NEED_EAL();
	p = pkt_ns(peer6, our6, true);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(C(fx, nd_rx), 1);
	assert_int_equal(C(fx, nd_adverts_sent), 1);
	assert_int_equal(drops(&fx), 0);
	assert_int_equal(fx.cap.n, 1);
	check_na(0, &peer_mac, peer6, 0x60, our6);      /* S and O, not R */
	/* RFC 4861 7.2.3: the solicitor is learned. */
	assert_non_null(nd_lookup(&fx.nif.nd, peer6));
	assert_true(rte_is_same_ether_addr(nd_lookup(&fx.nif.nd, peer6), &peer_mac));

	/* For our link-local address, from the peer's. */
	cap_clear(&fx.cap);
	p = pkt_ns(peer_ll, fx.nif.ip6_ll, true);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(fx.cap.n, 1);
	check_na(0, &peer_mac, peer_ll, 0x60, fx.nif.ip6_ll);

	/* For an address of the client's range. */
	cap_clear(&fx.cap);
	memcpy(fx.nif.ip6_lo, lo6, 16);
	memcpy(fx.nif.ip6_hi, hi6, 16);
	p = pkt_ns(peer6, hi6, true);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(fx.cap.n, 1);
	check_na(0, &peer_mac, peer6, 0x60, hi6);

	/* A unicast probe without the option (NUD): answered to the MAC it
	 * came from. */
	cap_clear(&fx.cap);
	p = pkt_ns(peer6, our6, false);
	memcpy(p.dst, our6, 16);
	p.dmac = our_mac;
	p.smac = peer_mac2;
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(fx.cap.n, 1);
	check_na(0, &peer_mac2, peer6, 0x60, our6);

	/* Duplicate address detection of our address (RFC 4861 7.2.4):
	 * from ::, answered to all nodes, not solicited. */
	cap_clear(&fx.cap);
	p = pkt_ns(unspec, our6, false);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(fx.cap.n, 1);
	check_na(0, &(struct rte_ether_addr){{ 0x33, 0x33, 0, 0, 0, 1 }}, all_nodes,
		 0x20, our6);
	assert_int_equal(C(fx, nd_adverts_sent), 5);
	assert_int_equal(drops(&fx), 0);
}

static void
test_nd_ns_invalid(void **state)
{
	struct pkt6 p;

	(void)state;
	NEED_EAL();
	/* Forwarded (hop limit below 255): not from our link. */
	p = pkt_ns(peer6, our6, true);
	p.hlim = 64;
	expect_drop(mbuf6(&p), TT_C_drop_nd_invalid);
	assert_null(nd_lookup(&fx.nif.nd, peer6));
	p = pkt_ns(peer6, our6, true);
	p.l4[1] = 1;                                    /* code */
	expect_drop(mbuf6(&p), TT_C_drop_nd_invalid);
	p = pkt_ns(peer6, our6, true);
	p.l4[25] = 0;                                   /* option length 0 */
	expect_drop(mbuf6(&p), TT_C_drop_nd_invalid);
	p = pkt_ns(peer6, our6, true);
	p.l4[25] = 2;                                   /* option past the end */
	expect_drop(mbuf6(&p), TT_C_drop_nd_invalid);
	p = pkt_ns(peer6, our6, true);
	p.l4len = 20;                                   /* shorter than 24 */
	expect_drop(mbuf6(&p), TT_C_drop_nd_invalid);
	p = pkt_ns(peer6, all_nodes, true);             /* multicast target */
	memcpy(p.dst, our6, 16);
	expect_drop(mbuf6(&p), TT_C_drop_nd_invalid);
	/* DAD with a source link-layer option (RFC 4861 7.1.1). */
	p = pkt_ns(unspec, our6, true);
	expect_drop(mbuf6(&p), TT_C_drop_nd_invalid);
	/* A bad ICMPv6 checksum. */
	p = pkt_ns(peer6, our6, true);
	p.bad_cksum = true;
	expect_drop(mbuf6(&p), TT_C_drop_bad_cksum);
	/* Someone else's address. */
	p = pkt_ns(peer6, other6, true);
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	assert_int_equal(C(fx, nd_adverts_sent), 0);
	assert_null(nd_lookup(&fx.nif.nd, peer6));
}

/* The NS in cap slot i: for target, from src, to its solicited-node group. */
static void
check_ns(unsigned int i, const uint8_t src[16], const uint8_t target[16])
{
	const uint8_t *b = data(fx.cap.m[i]);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(b + 14);
	const uint8_t grp[16] = { 0xff, 0x02, [11] = 1, 0xff, target[13], target[14],
				  target[15] };
	const uint8_t mac[6] = { 0x33, 0x33, 0xff, target[13], target[14], target[15] };

	assert_memory_equal(b, mac, 6);
	assert_memory_equal(b + 6, &our_mac, 6);
	assert_int_equal(b[12], 0x86);
	assert_int_equal(ip->hop_limits, 255);
	assert_int_equal(ip->proto, 58);
	assert_memory_equal(ip->src_addr, src, 16);
	assert_memory_equal(ip->dst_addr, grp, 16);
	assert_int_equal(b[54], 135);
	assert_int_equal(b[55], 0);
	assert_memory_equal(b + 54 + 8, target, 16);
	assert_int_equal(b[54 + 24], 1);                /* source link-layer */
	assert_int_equal(b[54 + 25], 1);
	assert_memory_equal(b + 54 + 26, &our_mac, 6);
	assert_l4_cksum_ok(b, 58);
}

static struct tcp_seg
seg6_out(const uint8_t raddr[16], uint8_t flags, uint8_t opts, uint32_t len)
{
	struct tcp_seg s;

	memset(&s, 0, sizeof(s));
	s.t.v6 = 1;
	memcpy(s.t.laddr.v6, our6, 16);
	memcpy(s.t.raddr.v6, raddr, 16);
	s.t.lport = 80;
	s.t.rport = 40000;
	s.seq = 0x01020304;
	s.ack = 0xfffffffe;
	s.wnd = 29200;
	s.flags = flags;
	s.opts = opts;
	s.mss = 1440;
	s.wscale = 9;
	s.tsval = 0xa1b2c3d4;
	s.tsecr = 77;
	s.len = len;
	return s;
}

static void
test_nd_resolve_and_flush(void **state)
{
	struct tcp_seg s = seg6_out(peer6, 0x10, 0, 10), seg;
	struct pkt6 p;
	uint64_t now = 0;      /* a clock starting at 0, as test_net's */

	(void)state;
	NEED_EAL();
	/* Unresolved: one NS, the segment waits. */
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_int_equal(fx.nif.pend.n, 1);
	assert_int_equal(C(fx, nd_solicits_sent), 1);
	assert_int_equal(fx.cap.n, 1);
	check_ns(0, our6, peer6);
	/* Within RetransTimer: queued, no second NS. */
	now += 1000;
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_false(nd_solicit(&fx.nif, peer6, our6, now));
	assert_int_equal(fx.nif.pend.n, 2);
	assert_int_equal(fx.cap.total, 1);

	/* An advertisement for someone we never asked about: ignored. */
	cap_clear(&fx.cap);
	p = pkt_na(other6, 0x60, &peer_mac2);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_null(nd_lookup(&fx.nif.nd, other6));
	/* A solicited advertisement to a group is invalid (7.1.2). */
	p = pkt_na(peer6, 0x60, &peer_mac);
	memcpy(p.dst, all_nodes, 16);
	p.dmac = (struct rte_ether_addr){{ 0x33, 0x33, 0, 0, 0, 1 }};
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_int_equal(C(fx, drop_nd_invalid), 1);
	/* From the unspecified address: invalid too. */
	p = pkt_na(peer6, 0x60, &peer_mac);
	memcpy(p.src, unspec, 16);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_int_equal(C(fx, drop_nd_invalid), 2);
	assert_null(nd_lookup(&fx.nif.nd, peer6));
	/* One without the target's link-layer address teaches nothing. */
	p = pkt_na(peer6, 0x60, NULL);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_null(nd_lookup(&fx.nif.nd, peer6));
	assert_int_equal(fx.nif.pend.n, 2);
	assert_int_equal(fx.cap.total, 0);

	/* The answer: learned, and both waiting segments leave to it. */
	p = pkt_na(peer6, 0x60, &peer_mac);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_int_equal(C(fx, nd_rx), 5);
	assert_int_equal(fx.nif.pend.n, 0);
	assert_int_equal(fx.cap.n, 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_memory_equal(data(fx.cap.m[i]), &peer_mac, 6);
		assert_int_equal(data(fx.cap.m[i])[12], 0x86);
	}
	assert_true(rte_is_same_ether_addr(nd_lookup(&fx.nif.nd, peer6), &peer_mac));
	assert_int_equal(C(fx, drop_no_nd), 0);

	/* Without the override flag a resolved entry keeps its MAC; with
	 * it the MAC moves (RFC 4861 7.2.5). */
	p = pkt_na(peer6, 0x00, &peer_mac2);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_true(rte_is_same_ether_addr(nd_lookup(&fx.nif.nd, peer6), &peer_mac));
	p = pkt_na(peer6, 0x20, &peer_mac2);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_true(rte_is_same_ether_addr(nd_lookup(&fx.nif.nd, peer6), &peer_mac2));
	/* An advertisement claiming our own address changes nothing. */
	p = pkt_na(our6, 0x20, &peer_mac2);
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, now), NET_CONSUMED);
	assert_null(nd_lookup(&fx.nif.nd, our6));

	/* A segment that waits too long is dropped, counted. */
	cap_clear(&fx.cap);
	s = seg6_out(other6, 0x10, 0, 0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, now), 0);
	assert_int_equal(fx.nif.pend.n, 1);
	nd_pending_flush(&fx.nif, unspec, NULL, now + ARP_PENDING_US + 1);
	assert_int_equal(fx.nif.pend.n, 0);
	assert_int_equal(C(fx, drop_no_nd), 1);
	assert_int_equal(C(fx, drop_no_arp), 0);
}

/* A neighbour unconfirmed for long is still used and checked by one
 * solicitation, also when it is the entry remembered from the previous
 * segment (nd_resolve_last); a fresh one is used without asking. */
static void
test_send_tcp6_stale_entry_rechecked(void **state)
{
	struct tcp_seg s = seg6_out(peer6, 0x10, 0, 0);

	(void)state;
	NEED_EAL();
	nd_learn(&fx.nif.nd, peer6, &peer_mac, T0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0 + 1000), 0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0 + 2000), 0);
	assert_int_equal(C(fx, nd_solicits_sent), 0);
	cap_clear(&fx.cap);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL,
				      T0 + 3600ULL * 1000000), 0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL,
				      T0 + 3600ULL * 1000000 + 1), 0);
	assert_int_equal(C(fx, nd_solicits_sent), 1);
	/* The solicitation, then both segments to the known MAC. */
	assert_int_equal(fx.cap.total, 3);
	assert_memory_equal(data(fx.cap.m[1]), &peer_mac, 6);
	assert_memory_equal(data(fx.cap.m[2]), &peer_mac, 6);
	assert_int_equal(C(fx, drop_no_nd), 0);
}

static void
test_nd_pending_full(void **state)
{
	struct tcp_seg s = seg6_out(peer6, 0x10, 0, 0);

	(void)state;
	NEED_EAL();
	for (unsigned int i = 0; i < ARP_PENDING_MAX; i++)
		assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), 0);
	assert_int_equal(C(fx, drop_no_nd), 0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), 0);
	assert_int_equal(fx.nif.pend.n, ARP_PENDING_MAX);
	assert_int_equal(C(fx, drop_no_nd), 1);
	/* An IPv4 answer does not release IPv6 segments. */
	arp_pending_flush(&fx.nif, 0, &peer_mac, T0);
	assert_int_equal(fx.nif.pend.n, ARP_PENDING_MAX);
	nd_pending_flush(&fx.nif, peer6, &peer_mac, T0);
	assert_int_equal(fx.nif.pend.n, 0);
	assert_int_equal(fx.cap.total, 1 + ARP_PENDING_MAX);   /* NS + all */
}

static void
test_nd_cache(void **state)
{
	struct nd_cache *c = &fx.nif.nd;
	struct rte_ether_addr mac = peer_mac;
	uint8_t a[16];
	unsigned int found = 0;

	(void)state;
	nd_learn(c, unspec, &mac, T0);
	assert_null(nd_lookup(c, unspec));
	nd_learn(c, all_nodes, &mac, T0);
	assert_null(nd_lookup(c, all_nodes));
	memcpy(a, peer6, 16);
	for (unsigned int i = 1; i <= 1000; i++) {
		a[14] = (uint8_t)(i >> 8);
		a[15] = (uint8_t)i;
		mac.addr_bytes[4] = a[14];
		mac.addr_bytes[5] = a[15];
		nd_learn(c, a, &mac, T0 + i);
		assert_non_null(nd_lookup(c, a));
		assert_true(rte_is_same_ether_addr(nd_lookup(c, a), &mac));
	}
	for (unsigned int i = 1; i <= 1000; i++) {
		a[14] = (uint8_t)(i >> 8);
		a[15] = (uint8_t)i;
		found += nd_lookup(c, a) != NULL;
	}
	assert_true(found > ND_CACHE_SIZE / 2 && found <= ND_CACHE_SIZE);
}

/* ---- ICMPv6 ------------------------------------------------------------ */

static void
test_icmp6_echo(void **state)
{
	static const uint8_t body[] = { 0x12, 0x34, 0, 7, 'p', 'i', 'n', 'g', '!' };
	struct pkt6 p = pkt_icmp6(128, 0, body, sizeof(body));
	const struct rte_ipv6_hdr *ip;
	struct tcp_seg seg;
	const uint8_t *b;

	(void)state;
	NEED_EAL();
	p.hlim = 3;
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(C(fx, icmp_echo_replies), 1);
	assert_int_equal(fx.cap.n, 1);
	b = data(fx.cap.m[0]);
	ip = (const struct rte_ipv6_hdr *)(b + 14);
	assert_int_equal(rte_pktmbuf_pkt_len(fx.cap.m[0]), 14 + 40 + 4 + sizeof(body));
	assert_memory_equal(b, &peer_mac, 6);
	assert_memory_equal(b + 6, &our_mac, 6);
	assert_memory_equal(ip->src_addr, our6, 16);
	assert_memory_equal(ip->dst_addr, peer6, 16);
	assert_int_equal(ip->hop_limits, 64);
	assert_int_equal(ip->proto, 58);
	assert_int_equal(b[54], 129);
	assert_int_equal(b[55], 0);
	assert_memory_equal(b + 58, body, sizeof(body));
	assert_l4_cksum_ok(b, 58);

	/* Behind a destination options header: answered without it. */
	cap_clear(&fx.cap);
	p.ext_first = 60;
	memcpy(p.ext, (uint8_t[]){ 58, 0, 1, 4, 0, 0, 0, 0 }, 8);
	p.extlen = 8;
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &seg, T0), NET_CONSUMED);
	assert_int_equal(fx.cap.n, 1);
	b = data(fx.cap.m[0]);
	ip = (const struct rte_ipv6_hdr *)(b + 14);
	assert_int_equal(rte_pktmbuf_pkt_len(fx.cap.m[0]), 14 + 40 + 4 + sizeof(body));
	assert_int_equal(ip->proto, 58);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 4 + sizeof(body));
	assert_memory_equal(b + 58, body, sizeof(body));
	assert_l4_cksum_ok(b, 58);

	/* Bad checksum, to a group, echo replies: not answered. */
	cap_clear(&fx.cap);
	p = pkt_icmp6(128, 0, body, sizeof(body));
	p.bad_cksum = true;
	expect_drop(mbuf6(&p), TT_C_drop_bad_cksum);
	p.bad_cksum = false;
	memcpy(p.dst, all_nodes, 16);
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	p = pkt_icmp6(129, 0, body, sizeof(body));
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	p = pkt_icmp6(128, 0, body, 2);
	expect_drop(mbuf6(&p), TT_C_drop_short);
	assert_int_equal(C(fx, icmp_echo_replies), 2);
}

static void
test_icmp6_errors_counted(void **state)
{
	uint8_t body[4 + 40 + 20] = { 0 };
	struct pkt6 p;

	(void)state;
	NEED_EAL();
	/* Quoting a TCP packet of ours. */
	body[4] = 0x60;
	body[4 + 6] = IPPROTO_TCP;
	body[4 + 7] = 64;
	memcpy(body + 4 + 8, our6, 16);
	memcpy(body + 4 + 24, far6, 16);
	p = pkt_icmp6(1, 3, body, sizeof(body));
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &(struct tcp_seg){ 0 }, T0),
			 NET_CONSUMED);
	assert_int_equal(C(fx, icmp6_unreach_rx), 1);
	body[0] = 0;
	body[2] = 0x05;                                 /* MTU 1280 */
	p = pkt_icmp6(2, 0, body, sizeof(body));
	assert_int_equal(net_input(&fx.nif, mbuf6(&p), &(struct tcp_seg){ 0 }, T0),
			 NET_CONSUMED);
	assert_int_equal(C(fx, icmp6_too_big_rx), 1);
	assert_int_equal(drops(&fx), 0);
	/* Quoting someone else's packet, or cut short. */
	memcpy(body + 4 + 8, other6, 16);
	p = pkt_icmp6(1, 3, body, sizeof(body));
	expect_drop(mbuf6(&p), TT_C_drop_not_ours);
	p = pkt_icmp6(2, 0, body, 20);
	expect_drop(mbuf6(&p), TT_C_drop_short);
	assert_int_equal(fx.cap.total, 0);
}

/* ---- TCP out ------------------------------------------------------------ */

struct fill_ctx {
	unsigned int calls;
};

static void
fill_pattern(void *arg, uint8_t *dst, uint32_t len)
{
	struct fill_ctx *f = arg;

	f->calls++;
	for (uint32_t i = 0; i < len; i++)
		dst[i] = (uint8_t)(3 + i * 7);
}

static void
test_send_tcp6(void **state)
{
	static const uint8_t want_opts[20] = {
		2, 4, 0x05, 0xa0,
		4, 2, 8, 10, 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 77,
		1, 3, 3, 9,
	};
	struct tcp_seg s = seg6_out(peer6, 0x12, TCP_OPT_MSS | TCP_OPT_WSCALE |
				    TCP_OPT_SACK_OK | TCP_OPT_TS, 100), r;
	struct fill_ctx fc = { 0 };
	const struct rte_ipv6_hdr *ip;
	const struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m;
	const uint8_t *b;

	(void)state;
	NEED_EAL();
	nd_learn(&fx.nif.nd, peer6, &peer_mac, T0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, fill_pattern, &fc, T0), 0);
	assert_int_equal(fx.cap.n, 1);
	assert_int_equal(fc.calls, 1);
	m = fx.cap.m[0];
	fx.cap.n = 0;
	b = data(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 40 + 20 + 20 + 100);
	assert_memory_equal(b, &peer_mac, 6);
	assert_memory_equal(b + 6, &our_mac, 6);
	assert_int_equal(b[12], 0x86);
	assert_int_equal(b[13], 0xdd);
	ip = (const struct rte_ipv6_hdr *)(b + 14);
	assert_int_equal(rte_be_to_cpu_32(ip->vtc_flow), 0x60000000u);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 20 + 20 + 100);
	assert_int_equal(ip->proto, IPPROTO_TCP);
	assert_int_equal(ip->hop_limits, 64);
	assert_memory_equal(ip->src_addr, our6, 16);
	assert_memory_equal(ip->dst_addr, peer6, 16);
	tcp = (const struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(rte_be_to_cpu_16(tcp->src_port), 80);
	assert_int_equal(rte_be_to_cpu_16(tcp->dst_port), 40000);
	assert_int_equal(tcp->data_off >> 4, 10);
	assert_memory_equal(tcp + 1, want_opts, sizeof(want_opts));
	/* DPDK's own verification agrees. */
	assert_int_equal(rte_ipv6_udptcp_cksum_verify(ip, tcp), 0);
	assert_l4_cksum_ok(b, IPPROTO_TCP);
	assert_int_equal(m->ol_flags, 0);
	assert_int_equal(m->l3_len, 40);

	/* The peer parses the mirror image. */
	assert_int_equal(net_input(&peer.nif, m, &r, T0), NET_TCP);
	assert_int_equal(r.t.v6, 1);
	assert_memory_equal(r.t.laddr.v6, peer6, 16);
	assert_memory_equal(r.t.raddr.v6, our6, 16);
	assert_int_equal(r.t.lport, 40000);
	assert_int_equal(r.seq, s.seq);
	assert_int_equal(r.ack, s.ack);
	assert_int_equal(r.mss, 1440);
	assert_int_equal(r.len, 100);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(r.payload[i], (uint8_t)(3 + i * 7));
	rte_pktmbuf_free(m);
	/* Our frame taught the peer nothing (ND only). */
	assert_null(nd_lookup(&peer.nif.nd, our6));
	assert_int_equal(drops(&fx) + drops(&peer), 0);
}

static void
test_send_tcp6_offload(void **state)
{
	struct tcp_seg s = seg6_out(peer6, 0x10, TCP_OPT_TS, 33), r;
	struct rte_ipv6_hdr *ip;
	struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m;

	(void)state;
	NEED_EAL();
	nd_learn(&fx.nif.nd, peer6, &peer_mac, T0);
	fx.nif.tx_ip_cksum_offload = true;
	fx.nif.tx_tcp_cksum_offload = true;
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), 0);
	m = fx.cap.m[0];
	fx.cap.n = 0;
	/* No IPv4 flags on an IPv6 frame. */
	assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM);
	assert_int_equal(m->l2_len, 14);
	assert_int_equal(m->l3_len, 40);
	assert_int_equal(m->l4_len, 32);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
	tcp = (struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(tcp->cksum, rte_ipv6_phdr_cksum(ip, 0));
	/* What the NIC does, then a software check must pass. */
	tcp->cksum = 0;
	tcp->cksum = rte_ipv6_udptcp_cksum(ip, tcp);
	m->ol_flags = 0;
	assert_int_equal(net_input(&peer.nif, m, &r, T0), NET_TCP);
	assert_int_equal(r.len, 33);
	rte_pktmbuf_free(m);
}

static void
test_send_tcp6_routes(void **state)
{
	struct tcp_seg s = seg6_out(far6, 0x10, 0, 0);
	struct tcp_seg s4 = s;

	(void)state;
	NEED_EAL();
	/* Off-link: to the gateway, asked for first. */
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), 0);
	assert_int_equal(fx.cap.n, 1);
	check_ns(0, our6, gw6);
	assert_int_equal(fx.nif.pend.n, 1);
	cap_clear(&fx.cap);
	nd_learn(&fx.nif.nd, gw6, &gw_mac, T0);
	nd_pending_flush(&fx.nif, gw6, &gw_mac, T0);
	assert_int_equal(fx.cap.n, 1);
	cap_clear(&fx.cap);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), 0);
	assert_int_equal(fx.cap.n, 1);
	assert_memory_equal(data(fx.cap.m[0]), &gw_mac, 6);
	assert_memory_equal(data(fx.cap.m[0]) + 14 + 24, far6, 16);

	/* A link-local destination is on-link and asked for from our
	 * link-local address. */
	cap_clear(&fx.cap);
	s = seg6_out(peer_ll, 0x10, 0, 0);
	memcpy(s.t.laddr.v6, fx.nif.ip6_ll, 16);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), 0);
	check_ns(0, fx.nif.ip6_ll, peer_ll);
	/* From the client's range: the NS comes from that address. */
	cap_clear(&fx.cap);
	memcpy(fx.nif.ip6_lo, lo6, 16);
	memcpy(fx.nif.ip6_hi, hi6, 16);
	s = seg6_out(other6, 0x10, 0, 0);
	memcpy(s.t.laddr.v6, hi6, 16);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), 0);
	check_ns(0, hi6, other6);

	/* No gateway6: no route, nothing sent, counted. */
	cap_clear(&fx.cap);
	fx.nif.has_gateway6 = false;
	s = seg6_out(far6, 0x10, 0, 0);
	assert_int_equal(net_send_tcp(&fx.nif, &s, NULL, NULL, T0), -1);
	assert_int_equal(C(fx, drop_no_route6), 1);
	/* No IPv6 at all on the port: the same. */
	fx.nif.has_ip6 = false;
	s4 = seg6_out(peer6, 0x10, 0, 0);
	assert_int_equal(net_send_tcp(&fx.nif, &s4, NULL, NULL, T0), -1);
	assert_int_equal(C(fx, drop_no_route6), 2);
	assert_int_equal(fx.cap.total, 0);
	assert_int_equal(C(fx, drop_no_arp), 0);
}

/* ---- fuzz --------------------------------------------------------------- */

static uint64_t rng;

static uint64_t
rnd(void)
{
	rng ^= rng >> 12;       /* xorshift64* */
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

/* An mbuf whose data is a malloc'd block of exactly len bytes, so that
 * AddressSanitizer sees any read past the frame (as test_net.c). */
static struct rte_mbuf *
mbuf_exact(const uint8_t *b, unsigned int len, struct rte_mbuf_ext_shared_info *shinfo)
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

/* Everything that accounts for a consumed IPv6 frame. */
static uint64_t
accounted(const struct fixture *f)
{
	return drops(f) + C(*f, nd_rx) + C(*f, icmp_echo_replies) +
		C(*f, icmp6_unreach_rx) + C(*f, icmp6_too_big_rx) + C(*f, mbuf_alloc_failed);
}

/*
 * Valid IPv6 frames (a SYN, one behind extension headers, an NS, an NA,
 * an echo request) with bytes changed, cut short or padded, half of them
 * in exact-size buffers: every frame ends as TCP (payload inside the
 * frame) or consumed with a counter, and the run reaches every verdict.
 */
static void
test_fuzz6(void **state)
{
	enum { N = 60000, K = 5 };
	static const uint8_t body[] = { 0, 1, 0, 2, 'x', 'y' };
	struct rte_mbuf_ext_shared_info shinfo;
	struct pkt6 tmpl[K];
	uint8_t t[K][512], b[600];
	unsigned int tlen[K], tcp = 0;
	const char *env = getenv("TEST_NET_SEED");

	(void)state;
	NEED_EAL();
	rng = env != NULL ? strtoull(env, NULL, 0) : UINT64_C(0x9e3779b97f4a7c15);
	if (rng == 0)
		rng = 1;
	tmpl[0] = pkt_syn6();
	tmpl[1] = pkt_syn6();
	memcpy(tmpl[1].ext, hbh_dst, sizeof(hbh_dst));
	tmpl[1].extlen = sizeof(hbh_dst);
	tmpl[1].ext_first = 0;
	tmpl[2] = pkt_ns(peer6, our6, true);
	tmpl[3] = pkt_na(gw6, 0x60, &gw_mac);
	tmpl[4] = pkt_icmp6(128, 0, body, sizeof(body));
	for (unsigned int k = 0; k < K; k++)
		tlen[k] = build6(t[k], &tmpl[k]);
	memcpy(fx.nif.ip6_lo, lo6, 16);
	memcpy(fx.nif.ip6_hi, hi6, 16);

	for (unsigned int i = 0; i < N; i++) {
		uint64_t r = rnd(), before = accounted(&fx);
		unsigned int k = (unsigned int)((r >> 8) % K), len = tlen[k];
		struct tcp_seg seg;
		struct rte_mbuf *m;

		memcpy(b, t[k], len);
		if (r % 3 == 0) {
			/* A valid frame cut short or padded. */
			len = (unsigned int)(rnd() % (tlen[k] + 40));
			if (len > tlen[k])
				memset(b + tlen[k], 0, len - tlen[k]);
		} else {
			unsigned int flips = 1 + (unsigned int)((r >> 12) % 4);

			for (unsigned int f = 0; f < flips; f++)
				b[14 + rnd() % (len - 14)] = (uint8_t)rnd();
			if ((r >> 16) & 1) {
				/* Keep the upper-layer checksum right (as far as
				 * the lengths still allow), so the mutation
				 * reaches what follows it. */
				struct pkt6 q = tmpl[k];
				const uint8_t *ip = b + 14;

				memcpy(q.src, ip + 8, 16);
				memcpy(q.dst, ip + 24, 16);
				q.hlim = ip[7];
				if (k == 1)
					memcpy(q.ext, ip + 40, q.extlen);
				memcpy(q.l4, ip + 40 + q.extlen, q.l4len);
				len = build6(b, &q);
			}
		}
		m = (i & 1) ? mbuf_exact(b, len, &shinfo) : mbuf_of(b, len);
		fx.nif.rx_cksum_offload = (r >> 20) & 1;
		m->ol_flags |= (r >> 21) & RTE_MBUF_F_RX_L4_CKSUM_MASK;
		if (net_input(&fx.nif, m, &seg, T0 + i) == NET_TCP) {
			assert_true(seg.payload >= data(m));
			assert_true(seg.payload + seg.len <= data(m) + rte_pktmbuf_data_len(m));
			assert_int_equal(seg.t.v6, 1);
			assert_int_equal(accounted(&fx), before);
			rte_pktmbuf_free(m);
			tcp++;
		} else if (accounted(&fx) == before) {
			fail_msg("frame %u consumed without a counter", i);
		}
		cap_clear(&fx.cap);
	}
	net_if_release(&fx.nif);
	print_message("fuzz6: %u TCP of %u\n", tcp, (unsigned int)N);
	assert_true(tcp > 0);
	assert_true(C(fx, nd_adverts_sent) > 0 && C(fx, icmp_echo_replies) > 0);
	assert_true(C(fx, drop_bad_cksum) > 0 && C(fx, drop_bad_header) > 0 &&
		    C(fx, drop_short) > 0 && C(fx, drop_not_ours) > 0 &&
		    C(fx, drop_ip6_ext) > 0 && C(fx, drop_nd_invalid) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_link_local_eui64),
		T(test_next_hop6),
		T(test_tcp6_syn_parsed),
		T(test_tcp6_bad_cksum),
		T(test_ip6_truncated_and_malformed),
		T(test_ip6_addresses),
		T(test_ip6_ext_headers),
		T(test_nd_ns_answered),
		T(test_nd_ns_invalid),
		T(test_nd_resolve_and_flush),
		T(test_send_tcp6_stale_entry_rechecked),
		T(test_nd_pending_full),
		T(test_nd_cache),
		T(test_icmp6_echo),
		T(test_icmp6_errors_counted),
		T(test_send_tcp6),
		T(test_send_tcp6_offload),
		T(test_send_tcp6_routes),
		T(test_fuzz6),
#undef T
	};

	if (!eal_start())
		return 1;
	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
