/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit path for TCP: one segment view in, one Ethernet/IPv4/TCP or
 * Ethernet/IPv6/TCP frame out through nif->tx.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "net/net.h"
#include "net/net_cksum.h"
#include "net/net_bswap.h"
#include "net/net_priv.h"

/* RFC 9293 3.1: data offset is 4 bits of 32-bit words, 20 of them fixed. */
#define TCP_MAX_OPTLEN 40

static uint8_t *
wr16(uint8_t *p, uint16_t v)
{
	v = net_htons(v);
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

static uint8_t *
wr32(uint8_t *p, uint32_t v)
{
	v = net_htonl(v);
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

/*
 * Write the options of seg in the order and alignment Linux uses
 * (tcp_options_write), which middleboxes and fingerprinting tools expect:
 *   SYN:   MSS, SACK_PERM+TS (or NOP NOP TS, or NOP NOP SACK_PERM), NOP WS
 *   other: NOP NOP TS, NOP NOP SACK blocks
 * Each piece is a multiple of 4 bytes, so no trailing padding is needed.
 * MSS, window scale and SACK-permitted are only sent on a SYN (RFC 9293
 * 3.7.1, RFC 7323 2.2, RFC 2018 2) even if seg->opts asks for them.
 * Returns the length written (at most TCP_MAX_OPTLEN bytes).
 */
static __rte_always_inline unsigned int
tcp_write_options(uint8_t *p, const struct tcp_seg *seg)
{
	bool syn = (seg->flags & TCP_F_SYN) != 0;
	bool sack = syn && (seg->opts & TCP_OPT_SACK_OK);
	uint8_t *o = p;

	if (syn && (seg->opts & TCP_OPT_MSS)) {
		*o++ = NET_TCPOPT_MSS;
		*o++ = NET_TCPOLEN_MSS;
		o = wr16(o, seg->mss);
	}
	if (seg->opts & TCP_OPT_TS) {
		if (sack) {
			*o++ = NET_TCPOPT_SACK_OK;
			*o++ = NET_TCPOLEN_SACK_OK;
		} else {
			*o++ = NET_TCPOPT_NOP;
			*o++ = NET_TCPOPT_NOP;
		}
		*o++ = NET_TCPOPT_TS;
		*o++ = NET_TCPOLEN_TS;
		o = wr32(o, seg->tsval);
		o = wr32(o, seg->tsecr);
	} else if (sack) {
		*o++ = NET_TCPOPT_NOP;
		*o++ = NET_TCPOPT_NOP;
		*o++ = NET_TCPOPT_SACK_OK;
		*o++ = NET_TCPOLEN_SACK_OK;
	}
	if (!syn && (seg->opts & TCP_OPT_SACK) && seg->nsack > 0) {
		/* RFC 2018 3, Linux's layout: NOP NOP SACK, blocks. */
		unsigned int n = seg->nsack;

		/* What fits beside the timestamp: 3 blocks, else 4. */
		if (n > ((seg->opts & TCP_OPT_TS) ? 3u : 4u))
			n = (seg->opts & TCP_OPT_TS) ? 3u : 4u;
		*o++ = NET_TCPOPT_NOP;
		*o++ = NET_TCPOPT_NOP;
		*o++ = NET_TCPOPT_SACK;
		*o++ = (uint8_t)(NET_TCPOLEN_SACK_BASE + n * NET_TCPOLEN_SACK_PERBLOCK);
		for (unsigned int b = 0; b < n; b++) {
			o = wr32(o, seg->sack[b].start);
			o = wr32(o, seg->sack[b].end);
		}
	}
	if (syn && (seg->opts & TCP_OPT_WSCALE)) {
		*o++ = NET_TCPOPT_NOP;
		*o++ = NET_TCPOPT_WSCALE;
		*o++ = NET_TCPOLEN_WSCALE;
		*o++ = seg->wscale;
	}
	return (unsigned int)(o - p);
}

/*
 * The length tcp_write_options() will write for seg, from the same rules,
 * so the frame's size is known before its buffer is taken and the options
 * are written in place (no staging copy).
 */
static __rte_always_inline unsigned int
tcp_options_len(const struct tcp_seg *seg)
{
	bool syn = (seg->flags & TCP_F_SYN) != 0;
	unsigned int len = 0;

	if (syn && (seg->opts & TCP_OPT_MSS))
		len += 4;
	if (seg->opts & TCP_OPT_TS)
		len += 12;      /* SACK_OK+TS or NOP NOP TS */
	else if (syn && (seg->opts & TCP_OPT_SACK_OK))
		len += 4;
	if (!syn && (seg->opts & TCP_OPT_SACK) && seg->nsack > 0) {
		unsigned int max = (seg->opts & TCP_OPT_TS) ? 3u : 4u;

		len += 4 + 8 * RTE_MIN((unsigned int)seg->nsack, max);
	}
	if (syn && (seg->opts & TCP_OPT_WSCALE))
		len += 4;
	return len;
}

/* The TCP header, options (optlen bytes, tcp_options_len) and payload of
 * seg at tcp; checksum 0. */
static __rte_always_inline void
tcp_write_header(struct rte_tcp_hdr *tcp, const struct tcp_seg *seg,
		 unsigned int optlen, net_fill_fn fill, void *fill_arg)
{
	unsigned int written;

	tcp->src_port = net_htons(seg->t.lport);
	tcp->dst_port = net_htons(seg->t.rport);
	tcp->sent_seq = net_htonl(seg->seq);
	tcp->recv_ack = net_htonl(seg->ack);
	tcp->data_off = (uint8_t)(((sizeof(*tcp) + optlen) / 4) << 4);
	tcp->tcp_flags = seg->flags;
	tcp->rx_win = net_htons(seg->wnd);
	tcp->cksum = 0;
	tcp->tcp_urp = 0;
	written = tcp_write_options((uint8_t *)(tcp + 1), seg);
	RTE_ASSERT(written == optlen);
	(void)written;
	if (seg->len > 0) {
		uint8_t *payload = (uint8_t *)(tcp + 1) + optlen;

		if (fill != NULL)
			fill(fill_arg, payload, seg->len);
		else
			memset(payload, 0, seg->len);
	}
}

/*
 * The words of the IPv4 header we send that do not depend on the segment,
 * summed as they lie in memory: version/IHL and TOS, packet ID (0), DF,
 * TTL and protocol.  The checksum field is 0 while it is computed.
 */
#define IP4_FIXED_SUM ((uint64_t)RTE_BE16((uint16_t)(RTE_IPV4_VHL_DEF << 8)) + \
		       RTE_BE16(RTE_IPV4_HDR_DF_FLAG) +				\
		       RTE_BE16((uint16_t)(NET_IP_TTL << 8 | IPPROTO_TCP)))

static int send_tcp6(struct net_if *nif, const struct tcp_seg *seg,
		     net_fill_fn fill, void *fill_arg, uint64_t now);

int
net_send_tcp(struct net_if *nif, const struct tcp_seg *seg,
	     net_fill_fn fill, void *fill_arg, uint64_t now)
{
	const struct rte_ether_addr *dmac;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m;
	unsigned int optlen, l3len;
	uint64_t addrs;
	uint32_t nh;

	if (unlikely(seg->t.v6))
		return send_tcp6(nif, seg, fill, fill_arg, now);
	nh = net_next_hop(nif, seg->t.raddr.v4);
	if (nh == 0) {
		/* Off-link with no gateway: no route. */
		TT_INC(nif->st, drop_no_arp);
		return -1;
	}
	/* Unresolved: the frame waits in the pending queue for the reply
	 * (RFC 1122 2.3.2.2: "SHOULD save at least one packet"). */
	dmac = arp_resolve_last(nif, nh, now);

	optlen = tcp_options_len(seg);
	l3len = sizeof(*ip) + sizeof(*tcp) + optlen + seg->len;

	/* One mbuf per segment: a segment that cannot fit (an MSS above the
	 * pool's data room, or above what IPv4 can carry) has no buffer to go
	 * in, which is what mbuf_alloc_failed counts. */
	m = l3len <= UINT16_MAX ? rte_pktmbuf_alloc(nif->mp) : NULL;
	eth = net_eth_append(nif, m, l3len, dmac, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		TT_INC(nif->st, mbuf_alloc_failed);
		return -1;
	}
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	tcp = (struct rte_tcp_hdr *)(ip + 1);

	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = net_htons((uint16_t)l3len);
	/* RFC 6864 4.1: with DF set the ID has no use; 0 is fine.  DF because
	 * we never fragment: path MTU problems show as retransmissions. */
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = NET_IP_TTL;
	ip->next_proto_id = IPPROTO_TCP;
	ip->hdr_checksum = 0;
	ip->src_addr = net_htonl(seg->t.laddr.v4);
	ip->dst_addr = net_htonl(seg->t.raddr.v4);

	tcp_write_header(tcp, seg, optlen, fill, fill_arg);

	m->l2_len = sizeof(*eth);
	m->l3_len = sizeof(*ip);
	m->l4_len = (uint8_t)(sizeof(*tcp) + optlen);
	/* Both checksums from the sum of the two addresses: the header's
	 * other words are the constants written above but total_length
	 * (RFC 1071 2(A): the words may be added in any order, so the
	 * header is not re-read). */
	addrs = (uint64_t)ip->src_addr + ip->dst_addr;
	if (nif->tx_ip_cksum_offload)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = (uint16_t)~net_cksum_fold(addrs + IP4_FIXED_SUM +
							     ip->total_length);
	if (nif->tx_tcp_cksum_offload) {
		/* The NIC expects the pseudo-header sum in the field. */
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		tcp->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		unsigned int l4len = l3len - (unsigned int)sizeof(*ip);

		tcp->cksum = (uint16_t)~net_cksum_from(addrs +
			net_ipv4_phdr_sum(0, 0, IPPROTO_TCP, l4len), tcp, l4len);
	}

	if (dmac == NULL) {
		arp_pending_add(nif, m, nh, now);
		return 0;
	}
	nif->tx(nif->tx_arg, m);
	return 0;
}

/*
 * The IPv6 frame of seg (RFC 8200 3): traffic class and flow label 0, hop
 * limit 64, no extension headers.  Next hop and pending queue as for IPv4,
 * through Neighbor Discovery.  IPv6 has no header checksum; the TCP one
 * covers the pseudo-header (RFC 8200 8.1).
 */
static int
send_tcp6(struct net_if *nif, const struct tcp_seg *seg, net_fill_fn fill,
	  void *fill_arg, uint64_t now)
{
	const struct rte_ether_addr *dmac;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m;
	unsigned int optlen, l4len;
	union tt_addr nh;

	if (!nif->has_ip6 || !net_next_hop6(nif, seg->t.raddr.v6, nh.v6)) {
		/* Off-link with no gateway6 (or no IPv6 here): no route. */
		TT_INC(nif->st, drop_no_route6);
		return -1;
	}
	dmac = nd_resolve_last(nif, nh.v6, seg->t.laddr.v6, now);

	optlen = tcp_options_len(seg);
	l4len = sizeof(*tcp) + optlen + seg->len;
	m = l4len <= UINT16_MAX ? rte_pktmbuf_alloc(nif->mp) : NULL;
	eth = net_eth_append(nif, m, sizeof(*ip) + l4len, dmac, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		TT_INC(nif->st, mbuf_alloc_failed);
		return -1;
	}
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	tcp = (struct rte_tcp_hdr *)(ip + 1);

	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = net_htons((uint16_t)l4len);
	ip->proto = IPPROTO_TCP;
	ip->hop_limits = NET_IP6_HOP_LIMIT;
	memcpy(ip->src_addr, seg->t.laddr.v6, 16);
	memcpy(ip->dst_addr, seg->t.raddr.v6, 16);

	tcp_write_header(tcp, seg, optlen, fill, fill_arg);

	m->l2_len = sizeof(*eth);
	m->l3_len = sizeof(*ip);
	m->l4_len = (uint8_t)(sizeof(*tcp) + optlen);
	if (nif->tx_tcp_cksum_offload) {
		/* The NIC expects the pseudo-header sum in the field. */
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		tcp->cksum = rte_ipv6_phdr_cksum(ip, m->ol_flags);
	} else {
		tcp->cksum = (uint16_t)~net_ipv6_l4_sum(ip, IPPROTO_TCP, tcp, l4len);
	}

	if (dmac == NULL) {
		net_pending_add(nif, m, &nh, true, now);
		return 0;
	}
	nif->tx(nif->tx_arg, m);
	return 0;
}
