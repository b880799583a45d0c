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

#define NET_TCPOLEN_MSS       4
#define NET_TCPOLEN_WSCALE    3
#define NET_TCPOLEN_SACK_OK   2
#define NET_TCPOLEN_TS        10

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

/*
 * Traffic from mac confirms an existing entry for ip: refresh its age when
 * the MAC matches; never creates or changes an entry.
 */
void arp_confirm(struct arp_cache *c, uint32_t ip,
		 const struct rte_ether_addr *mac, uint64_t now);

#endif
