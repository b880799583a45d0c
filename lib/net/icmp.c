/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors we originate: destination unreachable for a UDP port we do
 * not serve (code 3) and for an IP protocol we do not speak (code 2), as a
 * host must (RFC 1122 3.2.2.1, 4.1.3.1) and Linux does, rate-limited as
 * Linux's icmp_global_allow(): a token bucket of icmp_msgs_burst (50)
 * filled at icmp_msgs_per_sec (1000/s).  Linux adds a per-destination
 * limit (icmp_ratelimit, 1 s); the global bucket already bounds what a
 * flood of probes can make us send.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "net/net.h"
#include "net/net_priv.h"

#define ICMP_MSGS_PER_SEC 1000   /* net.ipv4.icmp_msgs_per_sec */
#define ICMP_MSGS_BURST   50     /* net.ipv4.icmp_msgs_burst */
/* RFC 1812 4.3.2.3: the error, quoted datagram included, fits in 576
 * bytes (Linux icmp_send quotes that much). */
#define ICMP_ERR_MAX      576
/* IP precedence "internetwork control" on ICMP errors, as Linux. */
#define ICMP_ERR_TOS      0xc0

bool
icmp_rate_allow(struct icmp_rate *rl, uint64_t now)
{
	if (!rl->started) {
		rl->started = true;
		rl->tokens = ICMP_MSGS_BURST;
		rl->stamp = now;
	} else if (now > rl->stamp) {
		uint64_t add = (now - rl->stamp) * ICMP_MSGS_PER_SEC / 1000000u;

		if (add > 0) {
			/* Keep the fraction of a token not yet earned. */
			rl->stamp += add * 1000000u / ICMP_MSGS_PER_SEC;
			rl->tokens = add >= ICMP_MSGS_BURST ? ICMP_MSGS_BURST :
				(uint32_t)RTE_MIN((uint64_t)ICMP_MSGS_BURST,
						  rl->tokens + add);
		}
	}
	if (rl->tokens == 0)
		return false;
	rl->tokens--;
	return true;
}

void
icmp_send_unreach(struct net_if *nif, struct rte_mbuf *m, uint8_t code,
		  uint64_t now)
{
	const struct rte_ether_hdr *in_eth;
	const struct rte_ipv4_hdr *in_ip;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *r;
	unsigned int quote, len;

	if (!icmp_rate_allow(&nif->icmp_rate, now)) {
		TT_INC(nif->st, icmp_rate_limited);
		rte_pktmbuf_free(m);
		return;
	}
	in_eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	in_ip = (const struct rte_ipv4_hdr *)(in_eth + 1);
	/* The datagram as received (trimmed to its total length by the
	 * caller), cut to what fits. */
	quote = rte_pktmbuf_data_len(m) - (unsigned int)sizeof(*in_eth);
	if (quote > ICMP_ERR_MAX - sizeof(*ip) - sizeof(*icmp))
		quote = ICMP_ERR_MAX - sizeof(*ip) - sizeof(*icmp);
	len = (unsigned int)(sizeof(*eth) + sizeof(*ip) + sizeof(*icmp)) + quote;

	r = rte_pktmbuf_alloc(nif->mp);
	if (r == NULL || rte_pktmbuf_append(r, (uint16_t)len) == NULL) {
		rte_pktmbuf_free(r);
		rte_pktmbuf_free(m);
		TT_INC(nif->st, mbuf_alloc_failed);
		return;
	}
	eth = rte_pktmbuf_mtod(r, struct rte_ether_hdr *);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	icmp = (struct rte_icmp_hdr *)(ip + 1);

	/* Back the way it came, as the echo reply: the sender's MAC is the
	 * next hop (the router, for an off-link sender). */
	eth->dst_addr = in_eth->src_addr;
	eth->src_addr = nif->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = ICMP_ERR_TOS;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - sizeof(*eth)));
	ip->time_to_live = NET_IP_TTL;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = in_ip->dst_addr;
	ip->dst_addr = in_ip->src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);

	memset(icmp, 0, sizeof(*icmp));
	icmp->icmp_type = NET_ICMP_DEST_UNREACH;
	icmp->icmp_code = code;
	memcpy(icmp + 1, in_ip, quote);
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp) + quote);

	rte_pktmbuf_free(m);
	TT_INC(nif->st, icmp_unreach_sent);
	nif->tx(nif->tx_arg, r);
}
