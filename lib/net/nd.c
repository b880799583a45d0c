/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 Neighbor Discovery (RFC 4861) for one (lcore, port), as much as a
 * host that only terminates TCP needs: a neighbour cache of the same shape
 * as the ARP cache (2-way set associative, bounded), rate-limited
 * Neighbor Solicitations to the solicited-node group, Neighbor
 * Advertisements for our addresses, and the pending queue flushed when an
 * advertisement resolves a next hop.  Router advertisements, redirects and
 * the full NUD state machine are left out by design: next hops come from
 * the configuration (ip6/prefix6_len, gateway6), and a long-unconfirmed
 * entry is re-solicited as ARP re-checks its entries (docs/ipv6.md lists
 * what a host stack would add).
 *
 * Written only by the lcore that owns the net_if: no locks.
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

#define ND_WAYS 2
#define ND_SETS (ND_CACHE_SIZE / ND_WAYS)

_Static_assert(ND_CACHE_SIZE >= 2 * ND_WAYS &&
	       (ND_CACHE_SIZE & (ND_CACHE_SIZE - 1)) == 0,
	       "ND_CACHE_SIZE must be a power of 2 of at least 4");

/* NS and NA: ICMPv6 header (8), target (16), one link-layer address
 * option (8) (RFC 4861 4.3, 4.4, 4.6.1). */
#define ND_MSG_LEN   24
#define ND_OPT_LEN   8
#define ND_FRAME_LEN (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr) + \
		      ND_MSG_LEN + ND_OPT_LEN)

/* ---- addresses ------------------------------------------------------ */

void
net_ip6_link_local(const struct rte_ether_addr *mac, uint8_t ll[16])
{
	const uint8_t *b = mac->addr_bytes;

	memset(ll, 0, 16);
	ll[0] = 0xfe;
	ll[1] = 0x80;
	ll[8] = b[0] ^ 0x02;        /* universal/local bit inverted */
	ll[9] = b[1];
	ll[10] = b[2];
	ll[11] = 0xff;
	ll[12] = 0xfe;
	ll[13] = b[3];
	ll[14] = b[4];
	ll[15] = b[5];
}

bool
net_on_link6(const struct net_if *nif, const uint8_t a[16])
{
	unsigned int len = nif->prefix6_len > 128 ? 128 : nif->prefix6_len;
	unsigned int bytes = len / 8, bits = len % 8;

	if (net_ip6_is_link_local(a))
		return true;
	if (!nif->has_ip6 || memcmp(a, nif->ip6, bytes) != 0)
		return false;
	return bits == 0 ||
		((a[bytes] ^ nif->ip6[bytes]) & (uint8_t)(0xff00 >> bits)) == 0;
}

bool
net_next_hop6(const struct net_if *nif, const uint8_t dst[16], uint8_t nh[16])
{
	if (net_on_link6(nif, dst)) {
		memcpy(nh, dst, 16);
		return true;
	}
	if (!nif->has_gateway6)
		return false;
	memcpy(nh, nif->gateway6, 16);
	return true;
}

/* The group a solicitation for target goes to (RFC 4291 2.7.1) and its
 * MAC (RFC 2464 7: 33:33 and the group's last 32 bits). */
static void
solicited_node(const uint8_t target[16], uint8_t grp[16], struct rte_ether_addr *mac)
{
	static const uint8_t p[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	memcpy(grp, p, sizeof(p));
	memcpy(grp + 13, target + 13, 3);
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(mac->addr_bytes + 2, grp + 12, 4);
}

/* ---- cache ---------------------------------------------------------- */

static struct nd_entry *
nd_set(const struct nd_cache *c, const uint8_t ip[16])
{
	uint64_t w[2];
	uint32_t x, h;

	/* Fibonacci hashing of the folded address: the low 64 bits (the
	 * interface identifier) differ between neighbours of a prefix. */
	memcpy(w, ip, 16);
	x = (uint32_t)(w[0] ^ w[1]) ^ (uint32_t)((w[0] ^ w[1]) >> 32);
	h = (x * UINT32_C(2654435769)) >> (32 - __builtin_ctz(ND_SETS));
	return (struct nd_entry *)&c->e[h * ND_WAYS];
}

static struct nd_entry *
nd_find(const struct nd_cache *c, const uint8_t ip[16])
{
	struct nd_entry *set = nd_set(c, ip);

	for (unsigned int w = 0; w < ND_WAYS; w++)
		if (set[w].used && memcmp(set[w].ip, ip, 16) == 0)
			return &set[w];
	return NULL;
}

static uint64_t
nd_stamp(const struct nd_entry *e)
{
	return e->resolved ? e->updated : e->last_request;
}

/* A free way, else one still waiting for an answer, else the one
 * confirmed longest ago (as arp_victim). */
static struct nd_entry *
nd_insert(struct nd_cache *c, const uint8_t ip[16], uint64_t now)
{
	struct nd_entry *set = nd_set(c, ip);
	struct nd_entry *v = &set[0];

	for (unsigned int w = 0; w < ND_WAYS; w++) {
		struct nd_entry *e = &set[w];

		if (!e->used) {
			v = e;
			break;
		}
		if (e->resolved != v->resolved) {
			if (!e->resolved)
				v = e;
		} else if (nd_stamp(e) < nd_stamp(v)) {
			v = e;
		}
	}
	memset(v, 0, sizeof(*v));
	memcpy(v->ip, ip, 16);
	v->used = true;
	v->last_request = now - ND_SOLICIT_INTERVAL_US;
	return v;
}

void
nd_learn(struct nd_cache *c, const uint8_t ip[16], const struct rte_ether_addr *mac,
	 uint64_t now)
{
	struct nd_entry *e;

	if (net_ip6_is_zero(ip) || net_ip6_is_mcast(ip))
		return;
	e = nd_find(c, ip);
	if (e == NULL)
		e = nd_insert(c, ip, now);
	rte_ether_addr_copy(mac, &e->mac);
	e->resolved = true;
	e->updated = now;
}

const struct rte_ether_addr *
nd_lookup(const struct nd_cache *c, const uint8_t ip[16])
{
	const struct nd_entry *e = nd_find(c, ip);

	return e != NULL && e->resolved ? &e->mac : NULL;
}

void
nd_confirm(struct nd_cache *c, const uint8_t ip[16], const struct rte_ether_addr *mac,
	   uint64_t now)
{
	struct nd_entry *e = nd_find(c, ip);

	if (e != NULL && e->resolved && rte_is_same_ether_addr(&e->mac, mac))
		e->updated = now;
}

/* ---- messages ------------------------------------------------------- */

/*
 * Write an NS or NA from us into the empty mbuf m: IPv6 hop limit 255
 * (RFC 4861 7.1), the ICMPv6 header with flags (NA) or zero (NS), target,
 * and one link-layer address option of type opt carrying our MAC.
 */
static int
nd_build(const struct net_if *nif, struct rte_mbuf *m,
	 const struct rte_ether_addr *eth_dst, const uint8_t src[16],
	 const uint8_t dst[16], uint8_t type, uint8_t flags,
	 const uint8_t target[16], uint8_t opt)
{
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	uint8_t *p;
	uint16_t ck;

	eth = net_eth_append(nif, m, ND_FRAME_LEN - sizeof(*eth), eth_dst,
			     RTE_BE16(RTE_ETHER_TYPE_IPV6));
	if (eth == NULL)
		return -1;
	ip = (struct rte_ipv6_hdr *)(eth + 1);
	p = (uint8_t *)(ip + 1);

	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = RTE_BE16(ND_MSG_LEN + ND_OPT_LEN);
	ip->proto = NET_IP6_ICMP;
	ip->hop_limits = NET_ND_HOP_LIMIT;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);

	memset(p, 0, ND_MSG_LEN + ND_OPT_LEN);
	p[0] = type;
	p[4] = flags;
	memcpy(p + 8, target, 16);
	p[ND_MSG_LEN] = opt;
	p[ND_MSG_LEN + 1] = 1;      /* in units of 8 bytes */
	memcpy(p + ND_MSG_LEN + 2, nif->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	ck = (uint16_t)~net_ipv6_l4_sum(ip, NET_IP6_ICMP, p, ND_MSG_LEN + ND_OPT_LEN);
	memcpy(p + 2, &ck, sizeof(ck));
	return 0;
}

bool
nd_solicit(struct net_if *nif, const uint8_t target[16], const uint8_t src[16],
	   uint64_t now)
{
	struct rte_ether_addr mac;
	struct nd_entry *e;
	struct rte_mbuf *m;
	uint8_t grp[16];

	if (!nif->has_ip6 || net_ip6_is_zero(target) || net_ip6_is_mcast(target))
		return false;
	e = nd_find(&nif->nd, target);
	/* RFC 4861 7.2.2: no more than one solicitation per RetransTimer
	 * (1 s), however hard TCP keeps sending. */
	if (e != NULL && now - e->last_request < ND_SOLICIT_INTERVAL_US)
		return false;
	/* RFC 4861 7.2.2: the source is the address of the packet that
	 * prompted the solicitation (one of ours); a link-local target is
	 * asked from our link-local address, so the answer stays on-link. */
	if (net_ip6_is_link_local(target) && nif->ip6_ll[0] == 0xfe)
		src = nif->ip6_ll;
	else if (src == NULL || !net_is_local6(nif, src))
		src = nif->ip6;
	solicited_node(target, grp, &mac);

	m = rte_pktmbuf_alloc(nif->mp);
	if (m == NULL) {
		TT_INC(nif->st, mbuf_alloc_failed);
		return false;
	}
	if (nd_build(nif, m, &mac, src, grp, NET_ND_NEIGH_SOLICIT, 0, target,
		     NET_ND_OPT_SLLA) < 0) {
		rte_pktmbuf_free(m);
		TT_INC(nif->st, mbuf_alloc_failed);
		return false;
	}
	if (e == NULL)
		e = nd_insert(&nif->nd, target, now);
	e->last_request = now;
	TT_INC(nif->st, nd_solicits_sent);
	nif->tx(nif->tx_arg, m);
	return true;
}

const struct rte_ether_addr *
nd_resolve(struct net_if *nif, const uint8_t ip[16], const uint8_t src[16],
	   uint64_t now)
{
	struct nd_entry *e = nd_find(&nif->nd, ip);

	if (e == NULL || !e->resolved) {
		nd_solicit(nif, ip, src, now);
		return NULL;
	}
	if (now - e->updated >= ND_STALE_US)
		nd_solicit(nif, ip, src, now);
	else
		nif->nd_last = (uint16_t)(e - nif->nd.e);
	return &e->mac;
}

void
nd_pending_flush(struct net_if *nif, const uint8_t ip[16],
		 const struct rte_ether_addr *mac, uint64_t now)
{
	union tt_addr a;

	memcpy(a.v6, ip, 16);
	net_pending_flush(nif, &a, true, mac, now);
}

/* Answer a solicitation for target (ours): in place when m may be
 * rewritten (RFC 4861 7.2.4). */
static void
nd_advertise(struct net_if *nif, struct rte_mbuf *m, const struct rte_ether_addr *eth_dst,
	     const uint8_t dst[16], uint8_t flags, const uint8_t target[16])
{
	uint8_t t[16], d[16];

	/* Both may point into m, which is about to be rewritten. */
	memcpy(t, target, 16);
	memcpy(d, dst, 16);
	m = net_mbuf_for_reply(nif, m);
	if (m == NULL)
		return;
	/* The source is the target itself, as Linux does: an address of
	 * ours the soliciting node is asking about. */
	if (nd_build(nif, m, eth_dst, t, d, NET_ND_NEIGH_ADVERT, flags, t,
		     NET_ND_OPT_TLLA) < 0) {
		rte_pktmbuf_free(m);
		TT_INC(nif->st, mbuf_alloc_failed);
		return;
	}
	TT_INC(nif->st, nd_adverts_sent);
	nif->tx(nif->tx_arg, m);
}

/*
 * The options after the fixed part (RFC 4861 4.6): every option has a
 * non-zero length (7.1.1, 7.1.2: else the message is invalid) and must fit;
 * *lla is set to the Ethernet address of the first option of type want
 * (NULL when absent or not a usable unicast MAC).
 */
static bool
nd_options(const uint8_t *p, unsigned int len, uint8_t want,
	   struct rte_ether_addr *lla, bool *have)
{
	unsigned int i = ND_MSG_LEN;

	*have = false;
	while (i < len) {
		unsigned int olen;

		if (len - i < 2 || p[i + 1] == 0)
			return false;
		olen = (unsigned int)p[i + 1] * 8;
		if (olen > len - i)
			return false;
		if (p[i] == want && !*have && olen == ND_OPT_LEN) {
			memcpy(lla->addr_bytes, p + i + 2, RTE_ETHER_ADDR_LEN);
			*have = rte_is_valid_assigned_ether_addr(lla);
		}
		i += olen;
	}
	return true;
}

enum net_verdict
nd_input(struct net_if *nif, struct rte_mbuf *m, unsigned int off,
	 unsigned int l4len, bool dst_ours, uint64_t now)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv6_hdr *ip;
	const uint8_t *p, *target;
	struct rte_ether_addr lla;
	struct nd_entry *e;
	bool have_lla, src_unspec;
	uint8_t type, flags;

	TT_INC(nif->st, nd_rx);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	ip = (const struct rte_ipv6_hdr *)(eth + 1);
	p = (const uint8_t *)ip + off;
	type = p[0];
	/* Router solicitations and advertisements, redirects: routes are
	 * configured (gateway6), not learned; counted in nd_rx only. */
	if (type != NET_ND_NEIGH_SOLICIT && type != NET_ND_NEIGH_ADVERT)
		goto drop;

	/* RFC 4861 7.1.1 / 7.1.2: hop limit 255 (it was not forwarded:
	 * the sender is on our link), code 0, at least 24 bytes, target not
	 * multicast, options of non-zero length. */
	if (ip->hop_limits != NET_ND_HOP_LIMIT || p[1] != 0 || l4len < ND_MSG_LEN)
		goto invalid;
	target = p + 8;
	if (net_ip6_is_mcast(target))
		goto invalid;
	if (!nd_options(p, l4len, type == NET_ND_NEIGH_SOLICIT ? NET_ND_OPT_SLLA :
			NET_ND_OPT_TLLA, &lla, &have_lla))
		goto invalid;
	src_unspec = net_ip6_is_zero(ip->src_addr);

	if (type == NET_ND_NEIGH_SOLICIT) {
		/* 7.1.1: from the unspecified address (duplicate address
		 * detection) only to a solicited-node group, and without a
		 * source link-layer address option. */
		if (src_unspec && (dst_ours || !net_ip6_is_solicited_node(ip->dst_addr) ||
				   have_lla))
			goto invalid;
		/* 7.2.3: a solicitation for someone else's address is not
		 * ours to answer. */
		if (!net_is_local6(nif, target)) {
			TT_INC(nif->st, drop_not_ours);
			goto drop;
		}
		if (src_unspec) {
			/* 7.2.4: DAD for one of our addresses: tell all nodes,
			 * not solicited. */
			static const uint8_t all[16] = { 0xff, 0x02, [15] = 1 };
			static const struct rte_ether_addr all_mac = {
				{ 0x33, 0x33, 0, 0, 0, 1 }
			};

			nd_advertise(nif, m, &all_mac, all, NET_ND_NA_OVERRIDE, target);
			return NET_CONSUMED;
		}
		/* 7.2.3: the sender's link-layer address goes into the cache
		 * (and releases what waits for it). */
		if (have_lla) {
			nd_learn(&nif->nd, ip->src_addr, &lla, now);
			nd_pending_flush(nif, ip->src_addr, &lla, now);
		} else {
			/* A unicast probe without the option: answer the
			 * MAC it came from. */
			lla = eth->src_addr;
		}
		nd_advertise(nif, m, &lla, ip->src_addr,
			     NET_ND_NA_SOLICITED | NET_ND_NA_OVERRIDE, target);
		return NET_CONSUMED;
	}

	/* Neighbor Advertisement. */
	flags = p[4];
	/* 7.1.2: a solicited advertisement is never multicast; and only a
	 * solicitation may come from the unspecified address (4.4: the
	 * source of an NA is an address of the sender's interface). */
	if ((!dst_ours && (flags & NET_ND_NA_SOLICITED)) || src_unspec)
		goto invalid;
	/* Someone else claims one of our addresses: we keep it. */
	if (net_is_local6(nif, target)) {
		TT_INC(nif->st, drop_not_ours);
		goto drop;
	}
	/* 7.2.5: an advertisement for an address not in the cache is
	 * ignored (we only ever cache next hops we asked for or were asked
	 * by); without the target's link-layer address there is nothing to
	 * learn; an entry already resolved changes MAC only with the
	 * override flag (7.2.5, "If the Override flag is clear ..."). */
	e = nd_find(&nif->nd, target);
	if (e == NULL || !have_lla)
		goto drop;
	if (e->resolved && !(flags & NET_ND_NA_OVERRIDE) &&
	    !rte_is_same_ether_addr(&e->mac, &lla))
		goto drop;
	nd_learn(&nif->nd, target, &lla, now);
	nd_pending_flush(nif, target, &lla, now);
	goto drop;

invalid:
	TT_INC(nif->st, drop_nd_invalid);
drop:
	rte_pktmbuf_free(m);
	return NET_CONSUMED;
}
