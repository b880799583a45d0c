/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_OFO_H
#define TT_TCP_OFO_H

/*
 * The out-of-order queue of a connection (RFC 9293 3.10.7.4: segments
 * beyond RCV.NXT are held "for later processing"): the buffers of received
 * segments, kept by reference through tcp_stack_ops.hold, sorted by
 * sequence number, never overlapping, bounded per connection (segments and
 * bytes) and per lcore (a pool of entries).  Whatever a bound refuses is
 * counted in ofo_dropped; the peer sends it again.
 */

#include <stdint.h>

struct tcp_stack;
struct tcp_conn;
struct tcp_seg;
struct tcp_sack_block;

struct tcp_ofo_seg {
	struct tcp_ofo_seg *next;
	const uint8_t *data;       /* payload of [seq, seq + len) */
	void *handle;              /* from tcp_stack_ops.hold */
	uint32_t seq;
	uint32_t len;
	uint32_t stamp;            /* arrival order: SACK blocks, most recent first */
};

/* Per connection. */
struct tcp_ofo {
	struct tcp_ofo_seg *head;  /* lowest sequence first */
	uint32_t bytes;
	uint16_t n;
	uint32_t stamp;            /* next arrival number */
};

/* Per stack: every queue's entries come from here. */
struct tcp_ofo_pool {
	struct tcp_ofo_seg *ent;
	struct tcp_ofo_seg *free;
	uint32_t cap;
	uint32_t used;
};

int tcp_ofo_pool_init(struct tcp_ofo_pool *p, uint32_t cap);
void tcp_ofo_pool_fini(struct tcp_ofo_pool *p);

/* Hold seg's payload bytes [seq, seq + len) (seq beyond rcv_nxt) in c's
 * queue; counts ofo_queued or ofo_dropped. */
void tcp_ofo_insert(struct tcp_stack *s, struct tcp_conn *c,
		    const struct tcp_seg *seg, uint32_t seq, const uint8_t *data,
		    uint32_t len);
/* Hand the app what the queue holds at rcv_nxt, in order, advancing
 * rcv_nxt; false when c was released by the application meanwhile. */
bool tcp_ofo_deliver(struct tcp_stack *s, struct tcp_conn *c);
/* Release every held buffer (every path that ends c, or a FIN in order). */
void tcp_ofo_purge(struct tcp_stack *s, struct tcp_conn *c);
/* Up to max SACK blocks for the queue, RFC 2018 4: the block holding the
 * most recently received segment first, then the others by recency. */
unsigned tcp_ofo_sack_blocks(const struct tcp_conn *c,
			     struct tcp_sack_block *b, unsigned max);

#endif
