/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) for one (lcore, port): a small set-associative cache of
 * neighbour MACs, rate-limited requests, replies for our address.
 *
 * The cache is written only by the lcore that owns the net_if, so it needs
 * no locks.  It only ever holds on-link neighbours (next hops), so its size
 * bounds what an attacker on the LAN can make us remember.
 */

#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "net/net.h"
#include "net/net_priv.h"

/* 2-way set associative: a hash collision costs an eviction only when a
 * third neighbour lands in the same set. */
#define ARP_WAYS 2
#define ARP_SETS (ARP_CACHE_SIZE / ARP_WAYS)

_Static_assert(ARP_CACHE_SIZE >= 2 * ARP_WAYS &&
	       (ARP_CACHE_SIZE & (ARP_CACHE_SIZE - 1)) == 0,
	       "ARP_CACHE_SIZE must be a power of 2 of at least 4");

static struct arp_entry *
arp_set(const struct arp_cache *c, uint32_t ip)
{
	/* Fibonacci hashing: the top bits of the product depend on all the
	 * bits of ip, so neighbours that differ only in the last octet spread
	 * over all the sets. */
	uint32_t h = (ip * UINT32_C(2654435769)) >> (32 - __builtin_ctz(ARP_SETS));

	return (struct arp_entry *)&c->e[h * ARP_WAYS];
}

static struct arp_entry *
arp_find(const struct arp_cache *c, uint32_t ip)
{
	struct arp_entry *set;

	if (ip == 0)    /* 0 marks a free entry */
		return NULL;
	set = arp_set(c, ip);
	for (unsigned int w = 0; w < ARP_WAYS; w++)
		if (set[w].ip == ip)
			return &set[w];
	return NULL;
}

/* When an entry was last of use: confirmed if resolved, asked for if not. */
static uint64_t
arp_stamp(const struct arp_entry *e)
{
	return e->resolved ? e->updated : e->last_request;
}

/*
 * The entry to give a new address: a free way, else one still waiting
 * for a reply (it only holds a rate-limit stamp), else the one confirmed
 * longest ago.
 */
static struct arp_entry *
arp_victim(const struct arp_cache *c, uint32_t ip)
{
	struct arp_entry *set = arp_set(c, ip);
	struct arp_entry *v = &set[0];

	for (unsigned int w = 0; w < ARP_WAYS; w++) {
		struct arp_entry *e = &set[w];

		if (e->ip == 0)
			return e;
		if (e->resolved != v->resolved) {
			if (!e->resolved)
				v = e;
		} else if (arp_stamp(e) < arp_stamp(v)) {
			v = e;
		}
	}
	return v;
}

static struct arp_entry *
arp_insert(struct arp_cache *c, uint32_t ip, uint64_t now)
{
	struct arp_entry *e = arp_victim(c, ip);

	memset(e, 0, sizeof(*e));
	e->ip = ip;
	/* A request may go out at once (unsigned arithmetic: now minus this
	 * is exactly the interval, whatever now is). */
	e->last_request = now - ARP_REQUEST_INTERVAL_US;
	return e;
}

void
arp_learn(struct arp_cache *c, uint32_t ip, const struct rte_ether_addr *mac,
	  uint64_t now)
{
	struct arp_entry *e;

	if (ip == 0)
		return;
	e = arp_find(c, ip);
	if (e == NULL)
		e = arp_insert(c, ip, now);
	rte_ether_addr_copy(mac, &e->mac);
	e->resolved = true;
	e->updated = now;
}

const struct rte_ether_addr *
arp_lookup(const struct arp_cache *c, uint32_t ip)
{
	const struct arp_entry *e = arp_find(c, ip);

	return e != NULL && e->resolved ? &e->mac : NULL;
}

void
arp_confirm(struct arp_cache *c, uint32_t ip, const struct rte_ether_addr *mac,
	    uint64_t now)
{
	struct arp_entry *e = arp_find(c, ip);

	if (e != NULL && e->resolved && rte_is_same_ether_addr(&e->mac, mac))
		e->updated = now;
}

/* Refresh a known sender (RFC 826 "merge"); true when it was known. */
static bool
arp_merge(struct arp_cache *c, uint32_t ip, const struct rte_ether_addr *mac,
	  uint64_t now)
{
	if (arp_find(c, ip) == NULL)
		return false;
	arp_learn(c, ip, mac, now);
	return true;
}

/*
 * Write an Ethernet + ARP frame from us into the empty mbuf m.  tha and
 * tip name the target; eth_dst is where the frame goes.
 */
static int
arp_build(const struct net_if *nif, struct rte_mbuf *m, uint16_t op,
	  const struct rte_ether_addr *eth_dst,
	  const struct rte_ether_addr *tha, uint32_t tip, uint32_t sip)
{
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	eth = net_eth_append(nif, m, sizeof(*arp), eth_dst, RTE_BE16(RTE_ETHER_TYPE_ARP));
	if (eth == NULL)
		return -1;
	arp = (struct rte_arp_hdr *)(eth + 1);

	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	arp->arp_opcode = rte_cpu_to_be_16(op);
	arp->arp_data.arp_sha = nif->mac;
	arp->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	arp->arp_data.arp_tha = *tha;
	arp->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	return 0;
}

bool
arp_request(struct net_if *nif, uint32_t ip, uint64_t now)
{
	/* RFC 5227 2.1.1: the target hardware address of a request is 0. */
	static const struct rte_ether_addr zero;
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct arp_entry *e;
	struct rte_mbuf *m;

	if (ip == 0)
		return false;
	e = arp_find(&nif->arp, ip);
	/* RFC 1122 2.3.2.1: no more than one request per address per second
	 * (ARP_REQUEST_INTERVAL_US), however hard TCP keeps sending. */
	if (e != NULL && now - e->last_request < ARP_REQUEST_INTERVAL_US)
		return false;

	m = rte_pktmbuf_alloc(nif->mp);
	if (m == NULL) {
		TT_INC(nif->st, mbuf_alloc_failed);
		return false;
	}
	if (arp_build(nif, m, RTE_ARP_OP_REQUEST, &bcast, &zero, ip, nif->ip) < 0) {
		rte_pktmbuf_free(m);
		TT_INC(nif->st, mbuf_alloc_failed);
		return false;
	}
	if (e == NULL)
		e = arp_insert(&nif->arp, ip, now);
	e->last_request = now;
	TT_INC(nif->st, arp_requests_sent);
	nif->tx(nif->tx_arg, m);
	return true;
}

const struct rte_ether_addr *
arp_resolve(struct net_if *nif, uint32_t ip, uint64_t now)
{
	struct arp_entry *e = arp_find(&nif->arp, ip);

	if (e == NULL || !e->resolved) {
		arp_request(nif, ip, now);
		return NULL;
	}
	if (now - e->updated >= ARP_STALE_US)
		arp_request(nif, ip, now);
	else
		nif->arp_last = (uint16_t)(e - nif->arp.e);
	return &e->mac;
}

/* Answer a request for our address: in place when m may be rewritten. */
static void
arp_reply(struct net_if *nif, struct rte_mbuf *m,
	  const struct rte_ether_addr *sha, uint32_t sip, uint32_t our_ip)
{
	m = net_mbuf_for_reply(nif, m);
	if (m == NULL)
		return;
	if (arp_build(nif, m, RTE_ARP_OP_REPLY, sha, sha, sip, our_ip) < 0) {
		rte_pktmbuf_free(m);
		TT_INC(nif->st, mbuf_alloc_failed);
		return;
	}
	TT_INC(nif->st, arp_replies_sent);
	nif->tx(nif->tx_arg, m);
}

enum net_verdict
arp_input(struct net_if *nif, struct rte_mbuf *m, uint64_t now)
{
	const struct rte_arp_hdr *arp;
	struct rte_ether_addr sha;
	uint32_t sip, tip;
	uint16_t op;
	bool learnable, known;

	TT_INC(nif->st, arp_rx);
	if (rte_pktmbuf_data_len(m) <
	    sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr)) {
		TT_INC(nif->st, drop_short);
		goto drop;
	}
	arp = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *,
				      sizeof(struct rte_ether_hdr));
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN ||
	    arp->arp_plen != sizeof(uint32_t)) {
		TT_INC(nif->st, drop_bad_header);
		goto drop;
	}
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) {
		TT_INC(nif->st, drop_not_ours);
		goto drop;
	}
	sha = arp->arp_data.arp_sha;
	sip = rte_be_to_cpu_32(arp->arp_data.arp_sip);
	tip = rte_be_to_cpu_32(arp->arp_data.arp_tip);
	if (!rte_is_valid_assigned_ether_addr(&sha)) {
		TT_INC(nif->st, drop_bad_header);
		goto drop;
	}

	/* Only on-link senders are worth remembering: next hops are always
	 * on-link, and anything else could only push a next hop out.  A
	 * sender of 0.0.0.0 is an RFC 5227 probe, not an address to learn. */
	learnable = net_src_ok(nif, sip) && net_on_link(nif, sip);

	/* RFC 826: a sender already in the table is updated whoever the
	 * target is; this is also how gratuitous ARP moves an address. */
	known = learnable && arp_merge(&nif->arp, sip, &sha, now);

	if (!net_is_local(nif, tip)) {
		if (!known)
			TT_INC(nif->st, drop_not_ours);
		goto drop;
	}
	/* RFC 826: "Am I the target?" -> add the sender if not merged. */
	if (learnable && !known)
		arp_learn(&nif->arp, sip, &sha, now);
	if (learnable)
		arp_pending_flush(nif, sip, &sha, now);
	if (op == RTE_ARP_OP_REPLY)
		goto drop;
	/* A probe (sip 0) is answered too, so its sender sees the conflict
	 * (RFC 5227 2.1.1): the reply then names 0.0.0.0 as target. */
	arp_reply(nif, m, &sha, sip, tip);
	return NET_CONSUMED;
drop:
	rte_pktmbuf_free(m);
	return NET_CONSUMED;
}

void
net_pending_add(struct net_if *nif, struct rte_mbuf *m, const union tt_addr *nh,
		bool v6, uint64_t now)
{
	struct arp_pending *q = &nif->pend;

	if (q->n == ARP_PENDING_MAX) {
		if (v6)
			TT_INC(nif->st, drop_no_nd);
		else
			TT_INC(nif->st, drop_no_arp);
		rte_pktmbuf_free(m);
		return;
	}
	q->e[q->n].m = m;
	q->e[q->n].nh = *nh;
	q->e[q->n].v6 = v6;
	q->e[q->n].t = now;
	q->n++;
}

void
arp_pending_add(struct net_if *nif, struct rte_mbuf *m, uint32_t nh, uint64_t now)
{
	union tt_addr a = tt_addr4(nh);

	net_pending_add(nif, m, &a, false, now);
}

void
net_pending_flush(struct net_if *nif, const union tt_addr *nh, bool v6,
		  const struct rte_ether_addr *mac, uint64_t now)
{
	struct arp_pending *q = &nif->pend;
	unsigned k = 0;

	for (unsigned i = 0; i < q->n; i++) {
		struct rte_mbuf *m = q->e[i].m;

		if (now - q->e[i].t > ARP_PENDING_US) {
			/* Stale: TCP has retransmitted it by now anyway. */
			if (q->e[i].v6)
				TT_INC(nif->st, drop_no_nd);
			else
				TT_INC(nif->st, drop_no_arp);
			rte_pktmbuf_free(m);
		} else if (mac != NULL && q->e[i].v6 == v6 &&
			   tt_addr_eq(&q->e[i].nh, nh)) {
			rte_ether_addr_copy(mac, &rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr);
			nif->tx(nif->tx_arg, m);
		} else {
			q->e[k++] = q->e[i];
		}
	}
	q->n = k;
}

void
arp_pending_flush(struct net_if *nif, uint32_t ip, const struct rte_ether_addr *mac,
		  uint64_t now)
{
	union tt_addr a = tt_addr4(ip);

	net_pending_flush(nif, &a, false, mac, now);
}

void
net_if_release(struct net_if *nif)
{
	for (unsigned i = 0; i < nif->pend.n; i++)
		rte_pktmbuf_free(nif->pend.e[i].m);
	nif->pend.n = 0;
}
