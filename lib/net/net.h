/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_NET_H
#define TT_NET_H

/*
 * L2/L3 glue between mbufs and the protocol core: Ethernet, ARP, IPv4,
 * ICMP echo, IPv6 with Neighbor Discovery and ICMPv6 echo (docs/ipv6.md).  One struct net_if per (lcore, port): it is written only by the
 * lcore that owns it.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "stats/stats.h"
#include "tcp/tcp_seg.h"

#define ARP_CACHE_SIZE 64          /* entries per lcore and port, power of 2 */
#define ARP_REQUEST_INTERVAL_US 1000000  /* at most one request per second per IP */

struct arp_entry {
	uint32_t ip;                /* host order; 0 = free */
	struct rte_ether_addr mac;
	bool resolved;
	uint64_t updated;           /* us */
	uint64_t last_request;      /* us */
};

struct arp_cache {
	struct arp_entry e[ARP_CACHE_SIZE];
};

/* IPv6 neighbours (RFC 4861), the same shape as the ARP cache. */
#define ND_CACHE_SIZE 64           /* entries per lcore and port, power of 2 */
#define ND_SOLICIT_INTERVAL_US 1000000  /* RetransTimer (RFC 4861 10): 1 s */

struct nd_entry {
	uint8_t ip[16];             /* as on the wire */
	bool used;
	bool resolved;
	struct rte_ether_addr mac;
	uint64_t updated;           /* us */
	uint64_t last_request;      /* us */
};

struct nd_cache {
	struct nd_entry e[ND_CACHE_SIZE];
};

/* Segments waiting for ARP or Neighbor Discovery to resolve their next hop
 * (Linux: the neighbour's unres_qlen queue), sent when the reply comes,
 * dropped and counted in drop_no_arp (IPv4) or drop_no_nd (IPv6) after
 * ARP_PENDING_US or when the queue is full.  One queue for both families:
 * one bound on the mbufs it holds. */
#define ARP_PENDING_MAX 1024
#define ARP_PENDING_US  1000000
struct arp_pending {
	unsigned n;
	struct {
		struct rte_mbuf *m;
		uint64_t t;
		union tt_addr nh;   /* v4 host order, or v6 as on the wire */
		bool v6;
	} e[ARP_PENDING_MAX];
};

/* Token bucket of the ICMP errors we originate (icmp.c). */
struct icmp_rate {
	bool started;
	uint32_t tokens;
	uint64_t stamp;             /* us: tokens are earned from here */
};

/* Packets the net layer wants sent (ARP/ICMP replies, TCP segments). */
typedef void (*net_tx_fn)(void *arg, struct rte_mbuf *m);

struct net_if {
	uint16_t port_id;
	uint16_t queue_id;
	struct rte_ether_addr mac;
	uint32_t ip;                /* host order */
	uint32_t netmask;           /* host order */
	uint32_t gateway;           /* host order, 0 = none */
	uint32_t ip_lo, ip_hi;      /* more local addresses (a client's source
	                             * range), host order; 0 = none */
	/* IPv6 (docs/ipv6.md); addresses as on the wire.  Nothing IPv6 is
	 * accepted or sent without has_ip6. */
	bool has_ip6;
	uint8_t prefix6_len;        /* ip6/prefix6_len is on-link */
	bool has_gateway6;
	uint8_t ip6[16];
	uint8_t ip6_ll[16];         /* fe80::/64 from the MAC (net_ip6_link_local) */
	uint8_t gateway6[16];
	uint8_t ip6_lo[16], ip6_hi[16]; /* more local addresses (the client's
	                             * IPv6 source range), differing in the last
	                             * 32 bits only; all zero = none */
	bool rx_cksum_offload;      /* trust RTE_MBUF_F_RX_*_CKSUM_GOOD/BAD */
	bool tx_ip_cksum_offload;   /* RTE_ETH_TX_OFFLOAD_IPV4_CKSUM enabled */
	bool tx_tcp_cksum_offload;  /* RTE_ETH_TX_OFFLOAD_TCP_CKSUM enabled */
	struct rte_mempool *mp;
	struct arp_cache arp;
	/* Index in arp.e of the entry arp_resolve() last returned: the next
	 * packet usually goes to the same next hop (arp_resolve_last). */
	uint16_t arp_last;
	uint16_t nd_last;           /* the same for nd.e and nd_resolve() */
	struct nd_cache nd;
	struct arp_pending pend;
	struct icmp_rate icmp_rate;
	struct tt_stats *st;
	net_tx_fn tx;
	void *tx_arg;
};

/* Result of net_input(). */
enum net_verdict {
	NET_CONSUMED = 0,   /* handled here (ARP, ICMP) or dropped and counted; m is freed */
	NET_TCP,            /* a valid TCP segment for us: seg filled, m still owned by the caller */
};

/*
 * Validate and dispatch one received frame.  ARP requests for our address
 * are answered (and the sender learned), ARP replies learned, ICMP echo
 * requests answered; IPv4 and TCP headers and checksums are validated (RX
 * offload flags when enabled, rte_ip helpers otherwise); fragments,
 * malformed and foreign packets are counted by reason and freed.  For a
 * valid TCP segment to our address, seg is filled (payload points into m)
 * and NET_TCP is returned; on-link senders are learned into the ARP cache.
 */
enum net_verdict net_input(struct net_if *nif, struct rte_mbuf *m,
			   struct tcp_seg *seg, uint64_t now);

/* Fills len payload bytes at dst (for net_build_tcp). */
typedef void (*net_fill_fn)(void *arg, uint8_t *dst, uint32_t len);

/*
 * Build and send a TCP segment described by seg (seg->t is seen from us:
 * laddr/lport are the source).  Options are written from seg->opts
 * (MSS, window scale, SACK-permitted, timestamps, padded to 4 bytes);
 * seg->len payload bytes come from fill(fill_arg).  The next hop's MAC comes
 * from the ARP cache; when unresolved, an ARP request is sent (rate-limited)
 * and the segment queued until the reply comes (arp_pending_flush), at most
 * ARP_PENDING_US; full or stale: dropped, counted in drop_no_arp.  Checksums are
 * offloaded when enabled, computed with rte_ip helpers otherwise.
 * seg->t.v6: an IPv6 frame instead, its next hop resolved by Neighbor
 * Discovery (drop_no_nd, drop_no_route6).
 * Returns 0 when handed to nif->tx, -1 when dropped (counted).
 */
int net_send_tcp(struct net_if *nif, const struct tcp_seg *seg,
		 net_fill_fn fill, void *fill_arg, uint64_t now);

/* ARP cache: learn (or refresh) ip -> mac; look up (NULL when unresolved). */
void arp_learn(struct arp_cache *c, uint32_t ip, const struct rte_ether_addr *mac,
	       uint64_t now);
const struct rte_ether_addr *arp_lookup(const struct arp_cache *c, uint32_t ip);

/* Send an ARP request for ip unless one went out less than
 * ARP_REQUEST_INTERVAL_US ago.  Returns true when a request was sent. */
bool arp_request(struct net_if *nif, uint32_t ip, uint64_t now);

/* Send the segments queued for ip (now resolved to mac); expire old ones.
 * With mac NULL it only expires. */
void arp_pending_flush(struct net_if *nif, uint32_t ip, const struct rte_ether_addr *mac,
		       uint64_t now);
/* Free whatever is still queued (at exit, so every mbuf comes back). */
void net_if_release(struct net_if *nif);

/* One of our addresses on this port (the port's, or the extra range). */
static inline bool
net_is_local(const struct net_if *nif, uint32_t ip)
{
	/* ip 0: the port has no IPv4 address (IPv6 only), and 0.0.0.0 is
	 * nobody's. */
	return (ip == nif->ip && ip != 0) ||
		(nif->ip_lo != 0 && ip >= nif->ip_lo && ip <= nif->ip_hi);
}

/* Next hop for a destination: dst itself on-link (same subnet as our
 * address), else the gateway (0 if there is none).  Inline: once per
 * segment sent. */
static inline uint32_t
net_next_hop(const struct net_if *nif, uint32_t dst)
{
	return ((dst ^ nif->ip) & nif->netmask) == 0 ? dst : nif->gateway;
}

/* ---- IPv6 ---------------------------------------------------------- */

static inline uint32_t
net_rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline bool
net_ip6_is_zero(const uint8_t a[16])
{
	uint64_t w[2];

	memcpy(w, a, 16);
	return (w[0] | w[1]) == 0;
}

/* One of our IPv6 addresses on this port: the configured one, the
 * link-local one, or one of the extra range (same first 96 bits as ip6_lo,
 * last 32 between ip6_lo's and ip6_hi's). */
static inline bool
net_is_local6(const struct net_if *nif, const uint8_t a[16])
{
	uint32_t x;

	if (!nif->has_ip6)
		return false;
	if (memcmp(a, nif->ip6, 16) == 0 ||
	    (nif->ip6_ll[0] == 0xfe && memcmp(a, nif->ip6_ll, 16) == 0))
		return true;
	if (memcmp(a, nif->ip6_lo, 12) != 0)
		return false;
	x = net_rd_be32(a + 12);
	return x >= net_rd_be32(nif->ip6_lo + 12) && x <= net_rd_be32(nif->ip6_hi + 12) &&
		!net_ip6_is_zero(nif->ip6_lo);
}

/* The link-local address of a MAC: fe80::/64 with the modified EUI-64
 * interface identifier (RFC 4291 2.5.1 and appendix A: FFFE in the
 * middle, the universal/local bit inverted). */
void net_ip6_link_local(const struct rte_ether_addr *mac, uint8_t ll[16]);

/* Next hop for an IPv6 destination: dst itself when on-link (inside
 * ip6/prefix6_len, or link-local fe80::/10), else gateway6.  Returns false
 * when there is none (no route). */
bool net_next_hop6(const struct net_if *nif, const uint8_t dst[16], uint8_t nh[16]);

/* Neighbour cache: learn (or refresh) ip -> mac; look up (NULL when
 * unresolved). */
void nd_learn(struct nd_cache *c, const uint8_t ip[16],
	      const struct rte_ether_addr *mac, uint64_t now);
const struct rte_ether_addr *nd_lookup(const struct nd_cache *c, const uint8_t ip[16]);

/* Send a Neighbor Solicitation for target (from src, one of ours) to its
 * solicited-node multicast address unless one went out less than
 * ND_SOLICIT_INTERVAL_US ago.  Returns true when one was sent. */
bool nd_solicit(struct net_if *nif, const uint8_t target[16],
		const uint8_t src[16], uint64_t now);

/* Send the segments queued for IPv6 next hop ip (now resolved to mac);
 * expire old ones (of both families).  With mac NULL it only expires. */
void nd_pending_flush(struct net_if *nif, const uint8_t ip[16],
		      const struct rte_ether_addr *mac, uint64_t now);

#endif
