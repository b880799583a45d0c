/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_NET_PRIV_H
#define TT_NET_PRIV_H

/*
 * Shared by the files of lib/net only (input, output, ARP); not part of the
 * API in net.h.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "net/net.h"

/* TCP option kinds (RFC 9293 3.1, RFC 7323, RFC 2018). */
#define NET_TCPOPT_EOL        0
#define NET_TCPOPT_NOP        1
#define NET_TCPOPT_MSS        2
#define NET_TCPOPT_WSCALE     3
#define NET_TCPOPT_SACK_OK    4
#define NET_TCPOPT_TS         8
#define NET_TCPOPT_SACK       5

#define NET_TCPOLEN_MSS       4
#define NET_TCPOLEN_WSCALE    3
#define NET_TCPOLEN_SACK_OK   2
#define NET_TCPOLEN_TS        10
#define NET_TCPOLEN_SACK_BASE 2       /* kind, length; then 8 per block */
#define NET_TCPOLEN_SACK_PERBLOCK 8

/* RFC 7323 2.3: a shift above 14 is used as 14. */
#define NET_TCP_MAX_WSCALE    14

/* ICMP destination unreachable (RFC 792) and the codes we send. */
#define NET_ICMP_DEST_UNREACH  3
#define NET_ICMP_PROT_UNREACH  2
#define NET_ICMP_PORT_UNREACH  3

/* TTL of what we originate (RFC 1122 3.2.1.7; 64 as Linux uses). */
#define NET_IP_TTL            64

/*
 * A resolved entry that has not been confirmed (by an ARP packet or traffic
 * from that MAC) for this long is still used, but a request goes out to
 * check it, so a neighbour that changed MAC without a gratuitous ARP is
 * found again (the STALE/PROBE idea of RFC 4861 7.3, applied to ARP).
 */
#define ARP_STALE_US (60ULL * 1000000)

/* Same subnet as our address: reachable without the gateway. */
static inline bool
net_on_link(const struct net_if *nif, uint32_t ip)
{
	return ((ip ^ nif->ip) & nif->netmask) == 0;
}

/*
 * A source address a host may legitimately use (RFC 1122 3.2.1.3): not
 * 0.0.0.0, not loopback, not multicast/class E/limited broadcast, not the
 * directed broadcast of our subnet (RFC 3021: /31 and /32 have none), and
 * not our own address (a looped or spoofed frame).
 */
static inline bool
net_src_ok(const struct net_if *nif, uint32_t src)
{
	if (src == 0 || net_is_local(nif, src))
		return false;
	if ((src >> 24) == 127 || src >= 0xe0000000)
		return false;
	if (nif->netmask < 0xfffffffe && net_on_link(nif, src) &&
	    (src | nif->netmask) == UINT32_MAX)
		return false;
	return true;
}

/*
 * A received mbuf whose data we may rewrite and re-send: ours alone and
 * with its own data buffer (not attached to another mbuf or to an
 * external buffer shared with other packets).
 */
static inline bool
net_mbuf_writable(const struct rte_mbuf *m)
{
	return rte_mbuf_refcnt_read(m) == 1 && RTE_MBUF_DIRECT(m) &&
		m->nb_segs == 1;
}

/*
 * For an answer rewritten in place (echo replies): m itself when it may
 * be rewritten, else a one-segment copy (m freed either way); NULL, with
 * mbuf_alloc_failed counted, when no copy could be made.
 */
static inline struct rte_mbuf *
net_mbuf_own_copy(struct net_if *nif, struct rte_mbuf *m)
{
	struct rte_mbuf *c;

	if (net_mbuf_writable(m))
		return m;
	c = rte_pktmbuf_copy(m, nif->mp, 0, UINT32_MAX);
	rte_pktmbuf_free(m);
	if (c == NULL || c->nb_segs != 1) {
		rte_pktmbuf_free(c);
		TT_INC(nif->st, mbuf_alloc_failed);
		return NULL;
	}
	return c;
}

/*
 * For an answer built from scratch (ARP reply, Neighbor Advertisement):
 * m emptied when it may be reused, else a fresh mbuf (m freed); NULL, with
 * mbuf_alloc_failed counted, when none is left.
 */
static inline struct rte_mbuf *
net_mbuf_for_reply(struct net_if *nif, struct rte_mbuf *m)
{
	if (net_mbuf_writable(m)) {
		rte_pktmbuf_reset(m);
		return m;
	}
	rte_pktmbuf_free(m);
	m = rte_pktmbuf_alloc(nif->mp);
	if (m == NULL)
		TT_INC(nif->st, mbuf_alloc_failed);
	return m;
}

/*
 * The Ethernet header of a frame from us, appended to the empty mbuf m
 * with room for len bytes after it: to dst (NULL: zeros, written when the
 * next hop resolves, arp_pending_add), of ether_type (network order).
 * NULL when m (may be NULL) has no room.
 */
static inline struct rte_ether_hdr *
net_eth_append(const struct net_if *nif, struct rte_mbuf *m, size_t len,
	       const struct rte_ether_addr *dst, rte_be16_t ether_type)
{
	struct rte_ether_hdr *eth;

	if (m == NULL || sizeof(*eth) + len > UINT16_MAX)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*eth) + len));
	if (eth == NULL)
		return NULL;
	if (dst != NULL)
		rte_ether_addr_copy(dst, &eth->dst_addr);
	else
		memset(&eth->dst_addr, 0, sizeof(eth->dst_addr));
	rte_ether_addr_copy(&nif->mac, &eth->src_addr);
	eth->ether_type = ether_type;
	return eth;
}

/* True when the ICMP error budget (Linux icmp_msgs_per_sec/burst) allows
 * one more error now; takes the token. */
bool icmp_rate_allow(struct icmp_rate *rl, uint64_t now);
/* Answer m (Ethernet frame, IPv4 packet trimmed to its total length) with
 * ICMP destination unreachable code, rate-limited; frees m. */
void icmp_send_unreach(struct net_if *nif, struct rte_mbuf *m, uint8_t code,
		       uint64_t now);

/* Handle one ARP frame (Ethernet header at the start of m); frees m. */
enum net_verdict arp_input(struct net_if *nif, struct rte_mbuf *m,
			   uint64_t now);

/*
 * MAC of next hop ip for output, or NULL when unresolved (a rate-limited
 * request is then sent).  A stale entry is returned and re-checked.
 */
void arp_pending_add(struct net_if *nif, struct rte_mbuf *m, uint32_t nh, uint64_t now);
const struct rte_ether_addr *arp_resolve(struct net_if *nif, uint32_t ip,
					 uint64_t now);

/* The pending queue of both families (arp.c): queue m for next hop nh;
 * send what waits for nh (now at mac) and expire what waited too long. */
void net_pending_add(struct net_if *nif, struct rte_mbuf *m, const union tt_addr *nh,
		     bool v6, uint64_t now);
void net_pending_flush(struct net_if *nif, const union tt_addr *nh, bool v6,
		       const struct rte_ether_addr *mac, uint64_t now);

/*
 * Traffic from mac confirms an existing entry for ip: refresh its age when
 * the MAC matches; never creates or changes an entry.
 */
void arp_confirm(struct arp_cache *c, uint32_t ip,
		 const struct rte_ether_addr *mac, uint64_t now);

/*
 * arp_resolve() and arp_confirm() for the next hop of the previous packet
 * without the lookup: an address has at most one entry, so the remembered
 * entry, if it still holds ip, is the one the lookup would find (and the
 * same answer: resolved and not stale, or the full path).
 */
static inline const struct rte_ether_addr *
arp_resolve_last(struct net_if *nif, uint32_t ip, uint64_t now)
{
	const struct arp_entry *e = &nif->arp.e[nif->arp_last];

	if (likely(e->ip == ip && ip != 0 && e->resolved &&
		   now - e->updated < ARP_STALE_US))
		return &e->mac;
	return arp_resolve(nif, ip, now);
}

static inline void
arp_confirm_last(struct net_if *nif, uint32_t ip, const struct rte_ether_addr *mac,
		 uint64_t now)
{
	struct arp_entry *e = &nif->arp.e[nif->arp_last];

	if (likely(e->ip == ip && ip != 0)) {
		if (e->resolved && rte_is_same_ether_addr(&e->mac, mac))
			e->updated = now;
		return;
	}
	arp_confirm(&nif->arp, ip, mac, now);
}

/* ---- IPv6 (net_input6.c, icmp6.c, nd.c) ---------------------------- */

/* Hop limit of what we originate: 64 as Linux (RFC 8200 3 leaves it to
 * the host); Neighbor Discovery always uses 255 (RFC 4861 7.1). */
#define NET_IP6_HOP_LIMIT     64
#define NET_ND_HOP_LIMIT      255

/* Extension headers we walk (RFC 8200 4), and the bound on how many. */
#define NET_IP6_HOPOPTS       0
#define NET_IP6_ROUTING       43
#define NET_IP6_FRAGMENT      44
#define NET_IP6_ICMP          58
#define NET_IP6_NONXT         59
#define NET_IP6_DSTOPTS       60
#define NET_IP6_MAX_EXT       8

/* ICMPv6 types (RFC 4443 2.1, RFC 4861 4). */
#define NET_ICMP6_DEST_UNREACH 1
#define NET_ICMP6_PKT_TOO_BIG  2
#define NET_ICMP6_ECHO_REQUEST 128
#define NET_ICMP6_ECHO_REPLY   129
#define NET_ND_ROUTER_SOLICIT  133
#define NET_ND_REDIRECT        137
#define NET_ND_NEIGH_SOLICIT   135
#define NET_ND_NEIGH_ADVERT    136
#define NET_ND_OPT_SLLA        1    /* source link-layer address */
#define NET_ND_OPT_TLLA        2    /* target link-layer address */
#define NET_ND_NA_ROUTER       0x80 /* flags, first byte after the checksum */
#define NET_ND_NA_SOLICITED    0x40
#define NET_ND_NA_OVERRIDE     0x20

/* A neighbour entry unconfirmed for this long is still used and checked
 * with a unicast-less solicitation, as ARP_STALE_US (RFC 4861 7.3). */
#define ND_STALE_US ARP_STALE_US

static inline bool
net_ip6_is_mcast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool
net_ip6_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;     /* fe80::/10 */
}

/* ff02::1:ffXX:XXXX (RFC 4291 2.7.1). */
static inline bool
net_ip6_is_solicited_node(const uint8_t a[16])
{
	static const uint8_t p[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
				       0, 0, 0, 1, 0xff };

	return memcmp(a, p, sizeof(p)) == 0;
}

/* ff02::1, all nodes (RFC 4291 2.7.1). */
static inline bool
net_ip6_is_all_nodes(const uint8_t a[16])
{
	static const uint8_t p[16] = { 0xff, 0x02, [15] = 1 };

	return memcmp(a, p, sizeof(p)) == 0;
}

/* Inside ip6/prefix6_len, or link-local: reachable without a router. */
bool net_on_link6(const struct net_if *nif, const uint8_t a[16]);

/*
 * A source address a host may accept traffic from (RFC 4291 2.5.2, 2.5.3,
 * 2.5.5.2, 2.7; Linux ipv6_rcv): not unspecified, not loopback, not
 * multicast, not IPv4-mapped, not one of ours (a looped or spoofed frame).
 * The unspecified source of a DAD solicitation is handled by nd.c.
 */
static inline bool
net_src_ok6(const struct net_if *nif, const uint8_t s[16])
{
	static const uint8_t loop[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (net_ip6_is_mcast(s) || net_ip6_is_zero(s) ||
	    memcmp(s, loop, 16) == 0 || memcmp(s, mapped, 12) == 0)
		return false;
	return !net_is_local6(nif, s);
}

/* Validate and dispatch an IPv6 frame (Ethernet header at the start of
 * m); net_input's contract. */
enum net_verdict ipv6_input(struct net_if *nif, struct rte_mbuf *m,
			    struct tcp_seg *seg, uint64_t now);

/* An ICMPv6 message at offset off of m (l4len bytes, the packet trimmed
 * to its payload length); dst_ours: the destination is one of our
 * unicast addresses (else the solicited-node or all-nodes group).  Frees m. */
enum net_verdict icmp6_input(struct net_if *nif, struct rte_mbuf *m,
			     unsigned int off, unsigned int l4len, bool dst_ours,
			     uint64_t now);

/* A Neighbor Solicitation or Advertisement (checksum already checked),
 * as icmp6_input.  Frees m. */
enum net_verdict nd_input(struct net_if *nif, struct rte_mbuf *m,
			  unsigned int off, unsigned int l4len, bool dst_ours,
			  uint64_t now);

/* MAC of IPv6 next hop ip for output (src: our address the packet comes
 * from, for the solicitation), or NULL when unresolved (a rate-limited
 * solicitation is then sent).  A stale entry is returned and re-checked. */
const struct rte_ether_addr *nd_resolve(struct net_if *nif, const uint8_t ip[16],
					const uint8_t src[16], uint64_t now);

/* Traffic from mac confirms an existing resolved entry for ip (refreshes
 * its age when the MAC matches; never creates or changes one). */
void nd_confirm(struct nd_cache *c, const uint8_t ip[16],
		const struct rte_ether_addr *mac, uint64_t now);

/* nd_resolve() and nd_confirm() for the next hop of the previous packet,
 * as arp_resolve_last() and arp_confirm_last(). */
static inline bool
nd_last_is(const struct nd_entry *e, const uint8_t ip[16])
{
	uint64_t a[2], b[2];

	memcpy(a, e->ip, 16);
	memcpy(b, ip, 16);
	return e->used && ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
}

static inline const struct rte_ether_addr *
nd_resolve_last(struct net_if *nif, const uint8_t ip[16], const uint8_t src[16],
		uint64_t now)
{
	const struct nd_entry *e = &nif->nd.e[nif->nd_last];

	if (likely(nd_last_is(e, ip) && e->resolved &&
		   now - e->updated < ND_STALE_US))
		return &e->mac;
	return nd_resolve(nif, ip, src, now);
}

static inline void
nd_confirm_last(struct net_if *nif, const uint8_t ip[16],
		const struct rte_ether_addr *mac, uint64_t now)
{
	struct nd_entry *e = &nif->nd.e[nif->nd_last];

	if (likely(nd_last_is(e, ip))) {
		if (e->resolved && rte_is_same_ether_addr(&e->mac, mac))
			e->updated = now;
		return;
	}
	nd_confirm(&nif->nd, ip, mac, now);
}

#endif
