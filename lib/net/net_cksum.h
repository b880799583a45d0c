/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_NET_CKSUM_H
#define TT_NET_CKSUM_H

/*
 * The Internet checksum (RFC 1071) 64 bits at a time.  rte_raw_cksum()
 * in DPDK 22.11 adds one 16-bit word per iteration; with no checksum
 * offload (net_memif) it was the largest single cost per packet on both
 * sides (bench/README.md, "Where the cycles go").  RFC 1071 2(B) and 2(C):
 * the one's complement sum is independent of byte order and may be
 * accumulated in wider words with the carries added back at the end, so
 * summing 64-bit words (2^64 = 1 mod 0xffff) and folding gives the same
 * 16-bit value as rte_raw_cksum() for every input, including which of
 * 0 / 0xffff comes out (0 only for all-zero data).  tests/unit/
 * test_net_cksum.c checks that equality against DPDK's, for the x86-64
 * code and the portable one (net_cksum_portable).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_ip.h>

#include "net/net_bswap.h"

#if defined(__x86_64__) && !defined(NET_CKSUM_PORTABLE)
/*
 * x86-64: add-with-carry chains, the carry out of each 64-bit add going
 * into the next and the last one added back (end-around carry, RFC 1071
 * 2(C)), as Linux's csum_partial: 32 bytes per 7 instructions (decq and
 * leaq leave the carry flag alone, so the chain runs across iterations)
 * where the portable loop below takes ~24.  At every step s is a one's
 * complement sum: a carry out leaves at most 2^64 - 2 in the register, so
 * adding it back never overflows, and s is 0 only if everything added was.
 */
static inline uint64_t
net_cksum_add64(uint64_t s, uint64_t w)
{
	__asm__("addq %[w], %[s]\n\tadcq $0, %[s]" : [s] "+r" (s) : [w] "r" (w) : "cc");
	return s;
}

/* 64 -> 16 bits with end-around carries (Linux csum_fold, without the
 * complement): the same value in 1..0xffff for any non-zero s. */
static inline uint16_t
net_cksum_fold(uint64_t s)
{
	uint32_t lo = (uint32_t)s, hi = (uint32_t)(s >> 32);

	__asm__("addl %[hi], %[lo]\n\tadcl $0, %[lo]" : [lo] "+r" (lo) : [hi] "r" (hi) : "cc");
	/* The two halves added in the upper half; 0xffff + carry carries
	 * the carry into it. */
	hi = lo << 16;
	lo &= 0xffff0000;
	__asm__("addl %[hi], %[lo]\n\tadcl $0xffff, %[lo]" : [lo] "+r" (lo) : [hi] "r" (hi) : "cc");
	return (uint16_t)(lo >> 16);
}

/*
 * The 16-bit one's complement sum of init (a sum of 16/32-bit words as
 * they lie in memory) and len bytes at buf, folded but not complemented.
 * With init 0, the same result as rte_raw_cksum(buf, len).
 */
static inline uint16_t
net_cksum_from(uint64_t init, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = init, w = 0;
	size_t n = len / 32;
	unsigned int o = 0;
	uint32_t w4;
	uint16_t w2;

	if (n > 0)
		__asm__("clc\n"
			"1:\tadcq 0(%[p]), %[s]\n\t"
			"adcq 8(%[p]), %[s]\n\t"
			"adcq 16(%[p]), %[s]\n\t"
			"adcq 24(%[p]), %[s]\n\t"
			"leaq 32(%[p]), %[p]\n\t"
			"decq %[n]\n\t"
			"jnz 1b\n\t"
			"adcq $0, %[s]"
			: [s] "+r" (s), [p] "+r" (p), [n] "+r" (n)
			:
			: "cc", "memory");
	if (len & 16) {
		__asm__("addq 0(%[p]), %[s]\n\t"
			"adcq 8(%[p]), %[s]\n\t"
			"adcq $0, %[s]"
			: [s] "+r" (s)
			: [p] "r" (p), "m" (*(const uint8_t (*)[16])p)
			: "cc");
		p += 16;
	}
	if (len & 8) {
		memcpy(&w, p, 8);
		s = net_cksum_add64(s, w);
		p += 8;
		w = 0;
	}
	/* The last 0..7 bytes as one zero-padded 64-bit word, each at its
	 * place (an odd last byte is the first of a 16-bit word, as DPDK's
	 * "byte order independent" handling). */
	if (len & 4) {
		memcpy(&w4, p, 4);
		w = w4;
		o = 4;
	}
	if (len & 2) {
		memcpy(&w2, p + o, 2);
		w |= (uint64_t)w2 << (o * 8);
		o += 2;
	}
	if (len & 1)
		w |= (uint64_t)p[o] << (o * 8);
	s = net_cksum_add64(s, w);
	return net_cksum_fold(s);
}
#else
/* Elsewhere, or when NET_CKSUM_PORTABLE asks for it (test_net_cksum
 * runs both): a sum of words folded to 16 bits (RFC 1071 2(C)). */
static inline uint16_t
net_cksum_fold(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* As the x86-64 version; init below 2^63. */
static inline uint16_t
net_cksum_from(uint64_t init, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = init, carry = 0, w;
	uint32_t w4;
	uint16_t w2;

	while (len >= 8) {
		memcpy(&w, p, 8);
		s += w;
		carry += s < w;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w4, p, 4);
		s += w4;
		carry += s < w4;
		p += 4;
		len -= 4;
	}
	/* 64 -> 34 bits, with the carries out of bit 63 (each worth 1). */
	s = (s & 0xffffffff) + (s >> 32) + carry;
	if (len >= 2) {
		memcpy(&w2, p, 2);
		s += w2;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		w2 = 0;
		memcpy(&w2, p, 1);   /* as DPDK: byte order independent */
		s += w2;
	}
	return net_cksum_fold(s);
}
#endif

/* Same result as rte_raw_cksum(buf, len). */
static inline uint16_t
net_raw_cksum(const void *buf, size_t len)
{
	return net_cksum_from(0, buf, len);
}

/*
 * The IPv4 pseudo-header (RFC 9293 3.1) as an unfolded sum of words as
 * they lie in memory: addresses (network order, as in the header),
 * protocol and upper-layer length.  Summed directly instead of through
 * rte_ipv4_phdr_cksum(), which builds the 12 bytes and sums them 16 bits
 * at a time.
 */
static inline uint64_t
net_ipv4_phdr_sum(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint32_t l4len)
{
	return (uint64_t)src_be + dst_be + net_htons((uint16_t)proto) +
		net_htons((uint16_t)l4len);
}

/* rte_ipv4_cksum(), with net_raw_cksum. */
static inline uint16_t
net_ipv4_cksum(const struct rte_ipv4_hdr *ip)
{
	return (uint16_t)~net_raw_cksum(ip, rte_ipv4_hdr_len(ip));
}

/* The non-complemented TCP sum over the pseudo-header and l4len bytes at
 * l4 (__rte_ipv4_udptcp_cksum with l4len given). */
static inline uint16_t
net_ipv4_tcp_sum(const struct rte_ipv4_hdr *ip, const void *l4, uint32_t l4len)
{
	return net_cksum_from(net_ipv4_phdr_sum(ip->src_addr, ip->dst_addr,
						ip->next_proto_id, l4len), l4, l4len);
}

/*
 * The non-complemented sum of an upper-layer packet over IPv6 (RFC 8200
 * 8.1): the pseudo-header of ip's addresses, the upper-layer length len and
 * next header proto, then len bytes at l4.  The length is given, not taken
 * from payload_len, so it is right behind extension headers too.  0xffff
 * when a received TCP segment or ICMPv6 message is intact.
 */
static inline uint16_t
net_ipv6_l4_sum(const struct rte_ipv6_hdr *ip, uint8_t proto, const void *l4,
		uint32_t len)
{
	uint32_t a[8];
	uint64_t s;

	/* src_addr and dst_addr are adjacent: 8 words summed into 64 bits
	 * (no carry lost), then the length and next header words. */
	memcpy(a, ip->src_addr, sizeof(a));
	s = (uint64_t)a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
	s += net_htonl(len);
	s += net_htonl(proto);
	return net_cksum_from(s, l4, len);
}

#endif
