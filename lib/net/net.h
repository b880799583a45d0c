/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_NET_H
#define TT_NET_H

/*
 * L2/L3 glue between mbufs and the protocol core: Ethernet, ARP, IPv4,
 * ICMP echo.  One struct net_if per (lcore, port): it is written only by the
 * lcore that owns it.
 */

#include <stdbool.h>
#include <stdint.h>

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

/* Segments waiting for ARP to resolve their next hop (Linux: the
 * neighbour's unres_qlen queue), sent when the reply comes, dropped and
 * counted in drop_no_arp after ARP_PENDING_US or when the queue is full. */
#define ARP_PENDING_MAX 1024
#define ARP_PENDING_US  1000000
struct arp_pending {
	unsigned n;
	struct {
		struct rte_mbuf *m;
		uint32_t nh;
		uint64_t t;
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
	bool rx_cksum_offload;      /* trust RTE_MBUF_F_RX_*_CKSUM_GOOD/BAD */
	bool tx_ip_cksum_offload;   /* RTE_ETH_TX_OFFLOAD_IPV4_CKSUM enabled */
	bool tx_tcp_cksum_offload;  /* RTE_ETH_TX_OFFLOAD_TCP_CKSUM enabled */
	struct rte_mempool *mp;
	struct arp_cache arp;
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
	return ip == nif->ip || (nif->ip_lo != 0 && ip >= nif->ip_lo && ip <= nif->ip_hi);
}

/* Next hop for a destination: dst itself on-link, else the gateway (0 if
 * there is none). */
uint32_t net_next_hop(const struct net_if *nif, uint32_t dst);

#endif
