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

struct tcp_tuple {
	uint32_t laddr;      /* local (tcpterm's) address */
	uint32_t raddr;      /* remote address */
	uint16_t lport;
	uint16_t rport;
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

static inline bool
tcp_tuple_eq(const struct tcp_tuple *a, const struct tcp_tuple *b)
{
	return a->laddr == b->laddr && a->raddr == b->raddr &&
		a->lport == b->lport && a->rport == b->rport;
}

#endif
