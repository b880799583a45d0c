/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 (RFC 4443) as a TCP terminator needs it: echo requests answered
 * (4.1, 4.2), Neighbor Discovery handed to nd.c, destination unreachable
 * and packet too big about our own TCP packets counted.  The IPv4 path
 * does not act on ICMP errors either (no PMTU discovery: we send what the
 * configured MSS allows, and IPv6 routers never fragment), so they are
 * counted for the operator, not reported to the stack.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net/net.h"
#include "net/net_cksum.h"
#include "net/net_priv.h"
#include "net/net_rx.h"

#define ICMP6_HDR_LEN 8      /* type, code, checksum, 4 more bytes */

/* RFC 4443 4.2: the reply carries the request's identifier, sequence
 * number and data, from the address the request went to. */
static enum net_verdict
icmp6_echo(struct net_if *nif, struct rte_mbuf *m, unsigned int off,
	   unsigned int l4len)
{
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	struct rte_ether_addr peer;
	uint8_t *icmp, a[16];
	uint16_t ck;

	m = net_mbuf_own_copy(nif, m);
	if (m == NULL)
		return NET_CONSUMED;
	if (off > sizeof(*ip)) {
		/* Extension headers of the request are not echoed (routing
		 * headers would need reversing): the reply goes without. */
		uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
		unsigned int ext = off - (unsigned int)sizeof(*ip);

		memmove(base + ext, base, sizeof(*eth) + sizeof(*ip));
		rte_pktmbuf_adj(m, (uint16_t)ext);
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	icmp = (uint8_t *)(ip + 1);

	/* Back the way it came: the sender's MAC is the next hop (the
	 * router, for an off-link sender), as for ICMP echo. */
	peer = eth->src_addr;
	eth->dst_addr = peer;
	eth->src_addr = nif->mac;

	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)l4len);
	ip->proto = NET_IP6_ICMP;
	ip->hop_limits = NET_IP6_HOP_LIMIT;
	memcpy(a, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, a, 16);

	icmp[0] = NET_ICMP6_ECHO_REPLY;
	icmp[2] = icmp[3] = 0;
	ck = (uint16_t)~net_ipv6_l4_sum(ip, NET_IP6_ICMP, icmp, l4len);
	memcpy(icmp + 2, &ck, sizeof(ck));

	/* The RX flags describe the request, not this frame. */
	m->ol_flags = 0;
	TT_INC(nif->st, icmp_echo_replies);
	nif->tx(nif->tx_arg, m);
	return NET_CONSUMED;
}

/*
 * Destination unreachable (RFC 4443 3.1) and packet too big (3.2): the
 * quoted packet must be a TCP packet of ours (our address as its source)
 * for the message to mean anything to us.  Counted, then freed.
 */
static enum net_verdict
icmp6_error(struct net_if *nif, struct rte_mbuf *m, const uint8_t *icmp,
	    unsigned int l4len)
{
	const struct rte_ipv6_hdr *q;

	if (l4len < ICMP6_HDR_LEN + sizeof(*q))
		NET_DROP(nif, m, drop_short);
	q = (const struct rte_ipv6_hdr *)(icmp + ICMP6_HDR_LEN);
	if ((q->vtc_flow & RTE_BE32(0xf0000000u)) != RTE_BE32(6u << 28) ||
	    q->proto != IPPROTO_TCP || !net_is_local6(nif, q->src_addr))
		NET_DROP(nif, m, drop_not_ours);
	if (icmp[0] == NET_ICMP6_PKT_TOO_BIG)
		TT_INC(nif->st, icmp6_too_big_rx);
	else
		TT_INC(nif->st, icmp6_unreach_rx);
	rte_pktmbuf_free(m);
	return NET_CONSUMED;
}

enum net_verdict
icmp6_input(struct net_if *nif, struct rte_mbuf *m, unsigned int off,
	    unsigned int l4len, bool dst_ours, uint64_t now)
{
	const struct rte_ipv6_hdr *ip;
	const uint8_t *icmp;

	if (l4len < 4)
		NET_DROP(nif, m, drop_short);
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
				     sizeof(struct rte_ether_hdr));
	icmp = (const uint8_t *)ip + off;
	/* RFC 4443 2.3: the checksum covers the pseudo-header too. */
	if (net_ipv6_l4_sum(ip, NET_IP6_ICMP, icmp, l4len) != 0xffff)
		NET_DROP(nif, m, drop_bad_cksum);
	if (icmp[0] >= NET_ND_ROUTER_SOLICIT && icmp[0] <= NET_ND_REDIRECT)
		return nd_input(nif, m, off, l4len, dst_ours, now);

	/* The rest is unicast between two real addresses: echo to a group
	 * is not answered (Linux's default answers it; a terminator need
	 * not), and the unspecified address is ND's alone. */
	if (!dst_ours)
		NET_DROP(nif, m, drop_not_ours);
	if (net_ip6_is_zero(ip->src_addr))
		NET_DROP(nif, m, drop_bad_header);
	switch (icmp[0]) {
	case NET_ICMP6_ECHO_REQUEST:
		if (l4len < ICMP6_HDR_LEN)
			NET_DROP(nif, m, drop_short);
		if (icmp[1] != 0)
			NET_DROP(nif, m, drop_not_ours);
		return icmp6_echo(nif, m, off, l4len);
	case NET_ICMP6_DEST_UNREACH:
	case NET_ICMP6_PKT_TOO_BIG:
		return icmp6_error(nif, m, icmp, l4len);
	default:
		/* Echo replies, time exceeded, parameter problems, MLD:
		 * nothing we asked for or act on. */
		NET_DROP(nif, m, drop_not_ours);
	}
}
