/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_NET_RX_H
#define TT_NET_RX_H

/*
 * Receive helpers shared by the IPv4 (net_input.c) and IPv6
 * (net_input6.c, icmp6.c, nd.c) paths: byte readers, the drop macro, RX
 * checksum offload verdicts and the TCP header and options parser.  Static
 * inline so the IPv4 hot path compiles exactly as when they lived in
 * net_input.c.
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "net/net.h"
#include "net/net_bswap.h"
#include "net/net_priv.h"

/* Free m and count why; the common ending of every drop. */
#define NET_DROP(nif, m, reason) do {			\
	TT_INC((nif)->st, reason);			\
	rte_pktmbuf_free(m);				\
	return NET_CONSUMED;				\
} while (0)

static inline uint16_t
rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return net_ntohs(v);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return net_ntohl(v);
}

/*
 * RX checksum offload verdicts.  NONE means the NIC verified the data
 * although the field in the packet is not filled in (virtual devices):
 * as good as GOOD.  UNKNOWN falls back to software.
 */
enum cksum_hint { CKSUM_CHECK, CKSUM_OK, CKSUM_BAD };

static inline enum cksum_hint
rx_cksum_hint(const struct net_if *nif, uint64_t flags, uint64_t mask,
	      uint64_t good, uint64_t bad)
{
	if (!nif->rx_cksum_offload)
		return CKSUM_CHECK;
	flags &= mask;
	if (flags == bad)
		return CKSUM_BAD;
	if (flags & good)       /* GOOD, or NONE (both bits set) */
		return CKSUM_OK;
	return CKSUM_CHECK;
}

/*
 * Parse the options of a segment into seg; returns false when some were
 * malformed.  RFC 9293 3.1: every option but EOL and NOP carries a length
 * covering kind and length bytes, and an unknown kind is skipped by it
 * (MUST-6).  Malformed options are handled as Linux's tcp_parse_options()
 * does (MUST-7 only asks that we survive them): a length below 2 or one
 * running past the header ends the parsing, keeping what came before; a
 * known kind with the wrong length is skipped by its length and ignored.
 * The segment itself is still processed, so a SYN with a broken option is
 * answered as if the option were absent.  MSS, window scale and
 * SACK-permitted mean something only on a SYN (RFC 9293 3.7.1, RFC 7323
 * 2.2, RFC 2018 2), so they are reported only there; timestamps on any
 * segment, SACK blocks on any but a SYN.
 */
static inline bool
tcp_parse_options(struct tcp_seg *seg, const uint8_t *p, unsigned int len)
{
	bool syn = (seg->flags & TCP_F_SYN) != 0;
	bool ok = true;
	unsigned int i = 0;

	/* Fast path: exactly NOP NOP TS, the options of every non-SYN
	 * segment of a timestamp connection (RFC 7323 appendix A layout; the
	 * same shortcut as Linux tcp_parse_aligned_timestamp). */
	if (len == 2 + NET_TCPOLEN_TS && p[0] == NET_TCPOPT_NOP &&
	    p[1] == NET_TCPOPT_NOP && p[2] == NET_TCPOPT_TS &&
	    p[3] == NET_TCPOLEN_TS) {
		seg->opts |= TCP_OPT_TS;
		seg->tsval = rd32(p + 4);
		seg->tsecr = rd32(p + 8);
		return true;
	}
	/* Fast path: the SYN layout of Linux (tcp_options_write) and of
	 * tcpterm, MSS, SACK_PERM+TS, NOP WS in 20 bytes; the same result as
	 * the loop below gives for it. */
	if (syn && len == 20) {
		static const uint8_t pat[8] = {
			NET_TCPOPT_MSS, NET_TCPOLEN_MSS, 0, 0,
			NET_TCPOPT_SACK_OK, NET_TCPOLEN_SACK_OK,
			NET_TCPOPT_TS, NET_TCPOLEN_TS,
		};
		static const uint8_t msk[8] = { 0xff, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff };
		static const uint8_t tpat[4] = {
			NET_TCPOPT_NOP, NET_TCPOPT_WSCALE, NET_TCPOLEN_WSCALE, 0,
		};
		static const uint8_t tmsk[4] = { 0xff, 0xff, 0xff, 0 };
		uint64_t h, hp, hm;
		uint32_t t, tp, tm;

		memcpy(&h, p, 8);
		memcpy(&hp, pat, 8);
		memcpy(&hm, msk, 8);
		memcpy(&t, p + 16, 4);
		memcpy(&tp, tpat, 4);
		memcpy(&tm, tmsk, 4);
		if ((h & hm) == hp && (t & tm) == tp) {
			seg->opts |= TCP_OPT_MSS | TCP_OPT_SACK_OK | TCP_OPT_TS |
				TCP_OPT_WSCALE;
			seg->mss = rd16(p + 2);
			seg->tsval = rd32(p + 8);
			seg->tsecr = rd32(p + 12);
			seg->wscale = RTE_MIN(p[19], NET_TCP_MAX_WSCALE);
			return true;
		}
	}
	while (i < len) {
		uint8_t kind = p[i];
		unsigned int olen;

		if (kind == NET_TCPOPT_EOL)
			break;
		if (kind == NET_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return false;
		olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return false;
		switch (kind) {
		case NET_TCPOPT_MSS:
			if (olen != NET_TCPOLEN_MSS) {
				ok = false;
			} else if (syn) {
				seg->opts |= TCP_OPT_MSS;
				seg->mss = rd16(p + i + 2);
			}
			break;
		case NET_TCPOPT_WSCALE:
			if (olen != NET_TCPOLEN_WSCALE) {
				ok = false;
			} else if (syn) {
				seg->opts |= TCP_OPT_WSCALE;
				seg->wscale = RTE_MIN(p[i + 2], NET_TCP_MAX_WSCALE);
			}
			break;
		case NET_TCPOPT_SACK_OK:
			if (olen != NET_TCPOLEN_SACK_OK)
				ok = false;
			else if (syn)
				seg->opts |= TCP_OPT_SACK_OK;
			break;
		case NET_TCPOPT_SACK:
			/* RFC 2018 3: 1 to 4 blocks of two 32-bit edges. */
			if (olen < NET_TCPOLEN_SACK_BASE + NET_TCPOLEN_SACK_PERBLOCK ||
			    (olen - NET_TCPOLEN_SACK_BASE) % NET_TCPOLEN_SACK_PERBLOCK != 0 ||
			    (olen - NET_TCPOLEN_SACK_BASE) / NET_TCPOLEN_SACK_PERBLOCK >
			    TCP_SACK_MAX_BLOCKS) {
				ok = false;     /* ignored, as Linux */
				break;
			}
			if (syn)
				break;
			seg->opts |= TCP_OPT_SACK;
			seg->nsack = (uint8_t)((olen - NET_TCPOLEN_SACK_BASE) /
					       NET_TCPOLEN_SACK_PERBLOCK);
			for (unsigned b = 0; b < seg->nsack; b++) {
				const uint8_t *q = p + i + NET_TCPOLEN_SACK_BASE +
					b * NET_TCPOLEN_SACK_PERBLOCK;

				seg->sack[b].start = rd32(q);
				seg->sack[b].end = rd32(q + 4);
			}
			break;
		case NET_TCPOPT_TS:
			if (olen != NET_TCPOLEN_TS) {
				ok = false;
				break;
			}
			seg->opts |= TCP_OPT_TS;
			seg->tsval = rd32(p + i + 2);
			seg->tsecr = rd32(p + i + 6);
			break;
		default:
			break;
		}
		i += olen;
	}
	return ok;
}

/*
 * The family-independent part of a received TCP segment: seg zeroed, then
 * ports, sequence numbers, window, flags, options (a malformed one counted
 * in tcp_bad_options) and payload filled; the caller sets the addresses.
 * doff and l4len were checked by the caller (20 <= doff <= l4len).
 */
/*
 * seg zeroed with plain 16-byte stores: gcc's memset of these 128 bytes is
 * a rep stosq here (-march=native, AMD EPYC), whose start-up costs tens of
 * cycles per segment.  Vector stores the compiler does not turn back into
 * a memset call or rep stos (the empty asm hides the pattern).
 */
static inline void
tcp_seg_zero(struct tcp_seg *seg)
{
	typedef uint64_t v2u64 __attribute__((vector_size(16), aligned(1)));
	const v2u64 z = { 0, 0 };
	unsigned char *p = (unsigned char *)seg;

	RTE_BUILD_BUG_ON(sizeof(*seg) % 16 != 0);
	for (size_t i = 0; i < sizeof(*seg); i += 16) {
		*(v2u64 *)p = z;
		p += 16;
		/* p opaque: no loop the compiler could call a memset. */
		__asm__("" : "+r" (p));
	}
}

static inline void
tcp_seg_fill(struct net_if *nif, struct tcp_seg *seg, struct rte_mbuf *m,
	     const struct rte_tcp_hdr *tcp, unsigned int doff, unsigned int l4len)
{
	tcp_seg_zero(seg);
	seg->flags = tcp->tcp_flags;
	if (!tcp_parse_options(seg, (const uint8_t *)(tcp + 1),
			       doff - sizeof(*tcp)))
		TT_INC(nif->st, tcp_bad_options);
	seg->t.lport = net_ntohs(tcp->dst_port);
	seg->t.rport = net_ntohs(tcp->src_port);
	seg->seq = net_ntohl(tcp->sent_seq);
	seg->ack = net_ntohl(tcp->recv_ack);
	seg->wnd = net_ntohs(tcp->rx_win);
	seg->payload = (const uint8_t *)tcp + doff;
	seg->len = l4len - doff;
	seg->pkt = m;      /* the TCP stack may hold it (out-of-order data) */
}

#endif
