/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 receive path (RFC 8200): header and payload length checks, the
 * extension header walk, then TCP (as the IPv4 path: a filled tcp_seg and
 * NET_TCP) or ICMPv6 (icmp6.c: echo, Neighbor Discovery, errors).
 *
 * As in net_input.c every frame ends in exactly one place: handed to TCP,
 * answered, or freed with a drop counter incremented; every length read
 * from the wire is checked against what the mbuf holds before it is used.
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
#include "net/net_rx.h"

/* Largest options header we walk: the 8-bit length field allows 2048
 * bytes; anything longer than a frame is already cut by the length check. */
#define IP6_EXT_LEN(p) (((unsigned int)(p)[1] + 1) * 8)

static bool
tcp6_cksum_ok(const struct net_if *nif, const struct rte_mbuf *m,
	      const struct rte_ipv6_hdr *ip, const struct rte_tcp_hdr *tcp,
	      unsigned int l4len)
{
	switch (rx_cksum_hint(nif, m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_MASK,
			      RTE_MBUF_F_RX_L4_CKSUM_GOOD,
			      RTE_MBUF_F_RX_L4_CKSUM_BAD)) {
	case CKSUM_OK:
		return true;
	case CKSUM_BAD:
		return false;
	default:
		/* RFC 8200 8.1: mandatory for TCP as for every upper layer. */
		return net_ipv6_l4_sum(ip, IPPROTO_TCP, tcp, l4len) == 0xffff;
	}
}

/*
 * As ipv4_learn: a valid segment only refreshes the neighbour entry of
 * its sender (on-link) or of the router that forwarded it, when the MAC
 * matches what ND taught us; it never creates or changes an entry.
 */
static void
ipv6_learn(struct net_if *nif, const struct rte_ether_hdr *eth,
	   const uint8_t src[16], uint64_t now)
{
	if (!rte_is_valid_assigned_ether_addr(&eth->src_addr))
		return;
	if (net_on_link6(nif, src))
		nd_confirm_last(nif, src, &eth->src_addr, now);
	else if (nif->has_gateway6)
		nd_confirm_last(nif, nif->gateway6, &eth->src_addr, now);
}

static enum net_verdict
tcp6_input(struct net_if *nif, struct rte_mbuf *m, struct tcp_seg *seg,
	   const struct rte_ipv6_hdr *ip, unsigned int off, unsigned int l4len,
	   uint64_t now)
{
	const struct rte_tcp_hdr *tcp;
	unsigned int doff;

	if (l4len < sizeof(*tcp))
		NET_DROP(nif, m, drop_short);
	tcp = (const struct rte_tcp_hdr *)((const uint8_t *)ip + off);
	doff = (tcp->data_off >> 4) * 4;
	if (doff < sizeof(*tcp) || doff > l4len)
		NET_DROP(nif, m, drop_bad_header);
	if (!tcp6_cksum_ok(nif, m, ip, tcp, l4len))
		NET_DROP(nif, m, drop_bad_cksum);

	tcp_seg_fill(nif, seg, m, tcp, doff, l4len);
	seg->t.v6 = 1;
	memcpy(seg->t.laddr.v6, ip->dst_addr, 16);
	memcpy(seg->t.raddr.v6, ip->src_addr, 16);

	ipv6_learn(nif, rte_pktmbuf_mtod(m, const struct rte_ether_hdr *),
		   ip->src_addr, now);
	return NET_TCP;
}

/*
 * The options of a hop-by-hop or destination options header (RFC 8200
 * 4.2): Pad1 and PadN are skipped, and so is any option whose type's two
 * high bits are 00; any other unknown option (01: discard; 10, 11: discard
 * and send a parameter problem, which we do not) drops the packet.  We
 * know no option that changes how we process a packet: the jumbo payload
 * (C2) and the router alert (05, 00: skipped) included.
 */
static bool
ip6_opts_ok(const uint8_t *p, unsigned int len)
{
	unsigned int i = 2;

	while (i < len) {
		uint8_t type = p[i];

		if (type == 0) {            /* Pad1 */
			i++;
			continue;
		}
		if (len - i < 2 || p[i + 1] > len - i - 2)
			return false;
		if ((type >> 6) != 0)       /* PadN (1) and 00xxxxxx go on */
			return false;
		i += 2u + p[i + 1];
	}
	return true;
}

/*
 * Walk the extension headers from *nh at *off (RFC 8200 4.1): hop-by-hop
 * options (first only), routing (segments left 0 only: we are the final
 * destination and forward nothing, 4.4), destination options; at most
 * NET_IP6_MAX_EXT of them.  A fragment header is a counted drop
 * (drop_ip_fragment): as for IPv4 we do not reassemble.  Leaves *nh and
 * *off at the upper-layer header; returns false with m freed and counted.
 */
static bool
ip6_walk_ext(struct net_if *nif, struct rte_mbuf *m, const uint8_t *l3,
	     unsigned int end, uint8_t *nh, unsigned int *off)
{
	for (unsigned int n = 0;; n++) {
		const uint8_t *p = l3 + *off;
		unsigned int len;

		switch (*nh) {
		case NET_IP6_HOPOPTS:
		case NET_IP6_ROUTING:
		case NET_IP6_DSTOPTS:
			break;
		case NET_IP6_FRAGMENT:
			TT_INC(nif->st, drop_ip_fragment);
			rte_pktmbuf_free(m);
			return false;
		default:
			return true;
		}
		if ((*nh == NET_IP6_HOPOPTS && n != 0) || n == NET_IP6_MAX_EXT ||
		    end - *off < 8)
			goto bad;
		len = IP6_EXT_LEN(p);
		if (len > end - *off)
			goto bad;
		if (*nh == NET_IP6_ROUTING ? p[3] != 0 : !ip6_opts_ok(p, len))
			goto bad;
		*nh = p[0];
		*off += len;
	}
bad:
	TT_INC(nif->st, drop_ip6_ext);
	rte_pktmbuf_free(m);
	return false;
}

enum net_verdict
ipv6_input(struct net_if *nif, struct rte_mbuf *m, struct tcp_seg *seg,
	   uint64_t now)
{
	const struct rte_ipv6_hdr *ip;
	unsigned int avail, plen, off;
	bool dst_ours;
	uint8_t nh;

	/* A port without ip6 does not speak IPv6 at all. */
	if (!nif->has_ip6)
		NET_DROP(nif, m, drop_not_ours);
	avail = rte_pktmbuf_data_len(m) - sizeof(struct rte_ether_hdr);
	if (avail < sizeof(*ip))
		NET_DROP(nif, m, drop_short);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
				     sizeof(struct rte_ether_hdr));
	if ((net_ntohl(ip->vtc_flow) >> 28) != 6)
		NET_DROP(nif, m, drop_bad_header);
	plen = net_ntohs(ip->payload_len);
	/* 0 announces a jumbogram (RFC 2675), which no link of ours carries. */
	if (plen == 0)
		NET_DROP(nif, m, drop_bad_header);
	if (plen > avail - sizeof(*ip))
		NET_DROP(nif, m, drop_short);
	/* Padding after the payload is not ours to hand up or echo back. */
	if (sizeof(*ip) + plen < avail)
		rte_pktmbuf_trim(m, (uint16_t)(avail - sizeof(*ip) - plen));

	/* Ours: one of our unicast addresses; Neighbor Discovery also comes
	 * to a solicited-node group and to all-nodes (RFC 4861 7.2). */
	dst_ours = net_is_local6(nif, ip->dst_addr);
	if (!dst_ours && !net_ip6_is_solicited_node(ip->dst_addr) &&
	    !net_ip6_is_all_nodes(ip->dst_addr))
		NET_DROP(nif, m, drop_not_ours);
	/* The unspecified source is legal in a DAD solicitation only: nd.c
	 * checks it; anything else from it is dropped below. */
	if (!net_src_ok6(nif, ip->src_addr) && !net_ip6_is_zero(ip->src_addr))
		NET_DROP(nif, m, drop_bad_header);

	nh = ip->proto;
	off = sizeof(*ip);
	if (unlikely(nh != IPPROTO_TCP) &&
	    !ip6_walk_ext(nif, m, (const uint8_t *)ip, sizeof(*ip) + plen, &nh, &off))
		return NET_CONSUMED;

	if (nh == IPPROTO_TCP) {
		/* RFC 4291 2.7: multicast is never a TCP destination. */
		if (!dst_ours)
			NET_DROP(nif, m, drop_not_ours);
		if (net_ip6_is_zero(ip->src_addr))
			NET_DROP(nif, m, drop_bad_header);
		return tcp6_input(nif, m, seg, ip, off, sizeof(*ip) + plen - off, now);
	}
	if (nh == NET_IP6_ICMP)
		return icmp6_input(nif, m, off, sizeof(*ip) + plen - off, dst_ours, now);
	/* UDP, No Next Header and the rest: nothing of ours listens. */
	NET_DROP(nif, m, drop_not_ours);
}
