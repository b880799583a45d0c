/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_SEG_H
#define TT_TCP_SEG_H

/*
 * The segment view the protocol core works on: what the DPDK glue parses out
 * of an mbuf on input, and what the core hands the glue to build on output.
 * All fields are in host byte order.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20
#define TCP_F_ECE 0x40
#define TCP_F_CWR 0x80

/* Which options a segment carries. */
#define TCP_OPT_MSS       0x01
#define TCP_OPT_WSCALE    0x02
#define TCP_OPT_SACK_OK   0x04
#define TCP_OPT_TS        0x08
#define TCP_OPT_SACK      0x10   /* SACK blocks (RFC 2018 3), nsack of them */

/* RFC 2018 3: at most 4 blocks fit in 40 bytes of options (3 with TS). */
#define TCP_SACK_MAX_BLOCKS 4

struct tcp_sack_block {
	uint32_t start;      /* first sequence number of the block */
	uint32_t end;        /* sequence number after the block */
};

/*
 * An address of either family (issue 12).  IPv4: v4 in host order, the
 * other 12 bytes zero; IPv6: the 16 bytes as on the wire (network order).
 * Zeroed tails let tuples compare and hash as whole words, and keep IPv4
 * hashes what they were.
 */
union tt_addr {
	uint32_t v4;
	uint8_t v6[16];
	uint64_t w[2];
};

struct tcp_tuple {
	union tt_addr laddr; /* local (tcpterm's) address */
	union tt_addr raddr; /* remote address */
	uint16_t lport;
	uint16_t rport;
	uint8_t v6;          /* 1: both addresses IPv6 */
	uint8_t pad[3];      /* zero */
};

struct tcp_seg {
	struct tcp_tuple t;  /* seen from tcpterm: local = our side */
	uint32_t seq;
	uint32_t ack;
	uint16_t wnd;        /* raw window field (unscaled) */
	uint8_t flags;       /* TCP_F_* */
	uint8_t opts;        /* TCP_OPT_* present */
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval;
	uint32_t tsecr;
	const uint8_t *payload;  /* input only */
	uint32_t len;            /* payload bytes */
	void *pkt;               /* input only: the buffer holding payload
				  * (an mbuf), for tcp_stack_ops.hold */
	uint8_t nsack;           /* SACK blocks when opts has TCP_OPT_SACK */
	struct tcp_sack_block sack[TCP_SACK_MAX_BLOCKS];
};

static inline union tt_addr
tt_addr4(uint32_t v4)
{
	union tt_addr a = { .w = { v4, 0 } };

	return a;
}

static inline bool
tt_addr_eq(const union tt_addr *a, const union tt_addr *b)
{
	return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1])) == 0;
}

/* 32 bits standing for an address where a fold is enough (sampling and
 * slot hashes that are keyed afterwards): IPv4 gives itself. */
static inline uint32_t
tt_addr_fold(const union tt_addr *a)
{
	uint64_t x = a->w[0] ^ a->w[1];

	return (uint32_t)x ^ (uint32_t)(x >> 32);
}

/* An IPv4 tuple (host order addresses). */
static inline struct tcp_tuple
tcp_tuple4(uint32_t laddr, uint32_t raddr, uint16_t lport, uint16_t rport)
{
	struct tcp_tuple t = {
		.laddr = tt_addr4(laddr), .raddr = tt_addr4(raddr),
		.lport = lport, .rport = rport,
	};

	return t;
}

static inline uint64_t
tcp_tuple_tail(const struct tcp_tuple *t)
{
	uint64_t v;

	memcpy(&v, &t->lport, sizeof(v));
	return v;
}

static inline bool
tcp_tuple_eq(const struct tcp_tuple *a, const struct tcp_tuple *b)
{
	return ((a->laddr.w[0] ^ b->laddr.w[0]) | (a->laddr.w[1] ^ b->laddr.w[1]) |
		(a->raddr.w[0] ^ b->raddr.w[0]) | (a->raddr.w[1] ^ b->raddr.w[1]) |
		(tcp_tuple_tail(a) ^ tcp_tuple_tail(b))) == 0;
}

_Static_assert(sizeof(struct tcp_tuple) == 40, "tuples compare as five words");

#endif
