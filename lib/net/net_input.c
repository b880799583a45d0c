/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive path: Ethernet -> ARP | IPv4 -> ICMP echo | TCP | UDP and other
 * protocols (ICMP unreachable) | IPv6 (net_input6.c).
 *
 * Every frame ends in exactly one place: handed to TCP (NET_TCP), answered
 * (ARP/ICMP reply), or freed with one drop counter incremented.  Nothing
 * read from the wire is trusted before its length has been checked against
 * what the mbuf holds.
 */

/* rte_ipv4_udptcp_cksum_verify() (UDP for ICMP unreachables) is an
 * experimental API in DPDK 22.11. */
#define ALLOW_EXPERIMENTAL_API

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "net/net.h"
#include "net/net_cksum.h"
#include "net/net_bswap.h"
#include "net/net_priv.h"
#include "net/net_rx.h"

static bool
ipv4_cksum_ok(const struct net_if *nif, const struct rte_mbuf *m,
	      const struct rte_ipv4_hdr *ip, unsigned int hlen)
{
	switch (rx_cksum_hint(nif, m->ol_flags, RTE_MBUF_F_RX_IP_CKSUM_MASK,
			      RTE_MBUF_F_RX_IP_CKSUM_GOOD,
			      RTE_MBUF_F_RX_IP_CKSUM_BAD)) {
	case CKSUM_OK:
		return true;
	case CKSUM_BAD:
		return false;
	default:
		/* RFC 1071: summing a header with its checksum in place
		 * gives all ones.  The usual 20 bytes with a constant length,
		 * which the compiler unrolls (no loop or tail tests). */
		if (likely(hlen == sizeof(*ip)))
			return net_raw_cksum(ip, sizeof(*ip)) == 0xffff;
		return net_raw_cksum(ip, hlen) == 0xffff;
	}
}

static bool
tcp_cksum_ok(const struct net_if *nif, const struct rte_mbuf *m,
	     const struct rte_ipv4_hdr *ip, const struct rte_tcp_hdr *tcp,
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
		return net_ipv4_tcp_sum(ip, tcp, l4len) == 0xffff;
	}
}

/*
 * A valid packet only confirms what ARP taught us: it refreshes the
 * sender's entry (or the gateway's, for an off-link sender) when the MAC
 * matches, and never creates or changes one.  Linux learns neighbours
 * from ARP alone; learning from IP would let any on-link host, with one
 * packet to a closed port, move the gateway's or a peer's address to its
 * own MAC.
 */
static __rte_always_inline void
ipv4_learn(struct net_if *nif, const struct rte_ether_hdr *eth, uint32_t src,
	   uint64_t now)
{
	if (!rte_is_valid_assigned_ether_addr(&eth->src_addr))
		return;
	if (net_on_link(nif, src))
		arp_confirm_last(nif, src, &eth->src_addr, now);
	else if (nif->gateway != 0)
		arp_confirm_last(nif, nif->gateway, &eth->src_addr, now);
}

static enum net_verdict
tcp_input(struct net_if *nif, struct rte_mbuf *m, struct tcp_seg *seg,
	  struct rte_ipv4_hdr *ip, unsigned int hlen, unsigned int l4len,
	  uint64_t now)
{
	const struct rte_tcp_hdr *tcp;
	unsigned int doff;

	if (l4len < sizeof(*tcp))
		NET_DROP(nif, m, drop_short);
	tcp = (const struct rte_tcp_hdr *)((const uint8_t *)ip + hlen);
	doff = (tcp->data_off >> 4) * 4;
	if (doff < sizeof(*tcp) || doff > l4len)
		NET_DROP(nif, m, drop_bad_header);
	if (!tcp_cksum_ok(nif, m, ip, tcp, l4len))
		NET_DROP(nif, m, drop_bad_cksum);

	tcp_seg_fill(nif, seg, m, tcp, doff, l4len);
	seg->t.laddr.v4 = net_ntohl(ip->dst_addr);
	seg->t.raddr.v4 = net_ntohl(ip->src_addr);

	ipv4_learn(nif, rte_pktmbuf_mtod(m, const struct rte_ether_hdr *),
		   seg->t.raddr.v4, now);
	return NET_TCP;
}

/* RFC 792 / RFC 1122 3.2.2.6: answer an echo request with the same data. */
static __rte_noinline enum net_verdict
icmp_input(struct net_if *nif, struct rte_mbuf *m, unsigned int hlen,
	   unsigned int l4len, uint64_t now)
{
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_ether_addr peer;
	uint32_t addr;

	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(*eth));
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hlen);
	if (l4len < sizeof(*icmp))
		NET_DROP(nif, m, drop_short);
	if (rte_raw_cksum(icmp, l4len) != 0xffff)
		NET_DROP(nif, m, drop_bad_cksum);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		NET_DROP(nif, m, drop_not_ours);

	ipv4_learn(nif, rte_pktmbuf_mtod(m, const struct rte_ether_hdr *),
		   net_ntohl(ip->src_addr), now);

	m = net_mbuf_own_copy(nif, m);
	if (m == NULL)
		return NET_CONSUMED;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
				     sizeof(*eth));
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hlen);
	if (hlen > sizeof(*ip)) {
		/* RFC 1122 3.2.2.6 wants record-route and timestamp options
		 * updated and source routes reversed in the reply; we answer
		 * without options instead of echoing them unchanged. */
		uint8_t *base = rte_pktmbuf_mtod(m, uint8_t *);
		unsigned int optlen = hlen - sizeof(*ip);

		memmove(base + optlen, base, sizeof(*eth) + sizeof(*ip));
		rte_pktmbuf_adj(m, (uint16_t)optlen);
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
					     sizeof(*eth));
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = net_htons((uint16_t)(sizeof(*ip) +
							      l4len));
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	/* Back the way it came: the sender's MAC is the right next hop for
	 * an on-link peer, and the router that forwarded it otherwise. */
	peer = eth->src_addr;
	eth->dst_addr = peer;
	eth->src_addr = nif->mac;

	addr = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = addr;
	ip->time_to_live = NET_IP_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, l4len);

	/* The RX flags describe the request, not this frame. */
	m->ol_flags = 0;
	TT_INC(nif->st, icmp_echo_replies);
	nif->tx(nif->tx_arg, m);
	return NET_CONSUMED;
}

/*
 * UDP: tcpterm serves no UDP port, so a well-formed datagram gets ICMP port
 * unreachable (RFC 1122 4.1.3.1; Linux __udp4_lib_rcv with no socket);
 * one with a bad length or checksum is dropped silently, as Linux does.
 */
static __rte_noinline enum net_verdict
udp_input(struct net_if *nif, struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
	  unsigned int hlen, unsigned int l4len, uint64_t now)
{
	const struct rte_udp_hdr *udp;
	unsigned int ulen;

	if (l4len < sizeof(*udp))
		NET_DROP(nif, m, drop_short);
	udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + hlen);
	ulen = net_ntohs(udp->dgram_len);
	if (ulen < sizeof(*udp) || ulen > l4len)
		NET_DROP(nif, m, drop_bad_header);
	/* RFC 768: a zero checksum means none was computed. */
	if (udp->dgram_cksum != 0 && ulen == l4len &&
	    rte_ipv4_udptcp_cksum_verify(ip, udp) != 0)
		NET_DROP(nif, m, drop_bad_cksum);
	icmp_send_unreach(nif, m, NET_ICMP_PORT_UNREACH, now);
	return NET_CONSUMED;
}

static enum net_verdict
ipv4_input(struct net_if *nif, struct rte_mbuf *m, struct tcp_seg *seg,
	   uint64_t now)
{
	struct rte_ipv4_hdr *ip;
	unsigned int avail, hlen, tot;
	uint32_t src;

	avail = rte_pktmbuf_data_len(m) - sizeof(struct rte_ether_hdr);
	if (avail < sizeof(*ip))
		NET_DROP(nif, m, drop_short);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
				     sizeof(struct rte_ether_hdr));
	if ((ip->version_ihl >> 4) != IPVERSION)
		NET_DROP(nif, m, drop_bad_header);
	hlen = rte_ipv4_hdr_len(ip);
	if (hlen < sizeof(*ip))
		NET_DROP(nif, m, drop_bad_header);
	if (hlen > avail)
		NET_DROP(nif, m, drop_short);
	tot = net_ntohs(ip->total_length);
	if (tot < hlen)
		NET_DROP(nif, m, drop_bad_header);
	if (tot > avail)
		NET_DROP(nif, m, drop_short);
	if (!ipv4_cksum_ok(nif, m, ip, hlen))
		NET_DROP(nif, m, drop_bad_cksum);

	/* Frames are padded to 60 bytes: what follows total_length is not
	 * ours to hand up (or to echo back). */
	if (tot < avail)
		rte_pktmbuf_trim(m, avail - tot);

	/* We do not reassemble: a TCP terminator has no use for fragments
	 * (we send DF and a sane MSS), and keeping them is a memory attack. */
	if (ip->fragment_offset &
	    RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		NET_DROP(nif, m, drop_ip_fragment);
	/* Unicast to our address only: broadcast, multicast and other hosts'
	 * packets (promiscuous ports, a shared segment) are not ours. */
	if (!net_is_local(nif, net_ntohl(ip->dst_addr)))
		NET_DROP(nif, m, drop_not_ours);
	src = net_ntohl(ip->src_addr);
	if (!net_src_ok(nif, src))
		NET_DROP(nif, m, drop_bad_header);

	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
		return tcp_input(nif, m, seg, ip, hlen, tot - hlen, now);
	case IPPROTO_ICMP:
		return icmp_input(nif, m, hlen, tot - hlen, now);
	case IPPROTO_UDP:
		return udp_input(nif, m, ip, hlen, tot - hlen, now);
	default:
		/* RFC 1122 3.2.2.1: a protocol we do not speak. */
		icmp_send_unreach(nif, m, NET_ICMP_PROT_UNREACH, now);
		return NET_CONSUMED;
	}
}

enum net_verdict
net_input(struct net_if *nif, struct rte_mbuf *m, struct tcp_seg *seg,
	  uint64_t now)
{
	const struct rte_ether_hdr *eth;

	/* Headers and payload must be contiguous for seg->payload; a chain
	 * only happens with scattered RX of frames above the mbuf size,
	 * which is not a configuration we run. */
	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) != 0)
		NET_DROP(nif, m, drop_not_ours);
	if (rte_pktmbuf_data_len(m) < sizeof(*eth))
		NET_DROP(nif, m, drop_short);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	/* A port in promiscuous mode (or a shared memif/tap) may show us
	 * unicast frames for other stations. */
	if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &nif->mac))
		NET_DROP(nif, m, drop_not_ours);

	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		return arp_input(nif, m, now);
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return ipv4_input(nif, m, seg, now);
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		return ipv6_input(nif, m, seg, now);
	default:
		/* Including 802.1Q/802.1ad tags: ports are untagged (or the
		 * NIC strips the tag before we see the frame). */
		NET_DROP(nif, m, drop_not_ours);
	}
}
