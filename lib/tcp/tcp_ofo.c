/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order queue: segments beyond rcv_nxt held by reference until the
 * hole before them fills (RFC 9293 3.10.7.4), and the SACK blocks that
 * describe them (RFC 2018 4).
 */
#include <stdlib.h>

#include "tcp/tcp_priv.h"

int
tcp_ofo_pool_init(struct tcp_ofo_pool *p, uint32_t cap)
{
	p->cap = cap;
	p->used = 0;
	p->free = NULL;
	p->ent = NULL;
	if (cap == 0)
		return 0;
	p->ent = calloc(cap, sizeof(*p->ent));
	if (p->ent == NULL)
		return -1;
	for (uint32_t i = cap; i-- > 0;) {
		p->ent[i].next = p->free;
		p->free = &p->ent[i];
	}
	return 0;
}

void
tcp_ofo_pool_fini(struct tcp_ofo_pool *p)
{
	free(p->ent);
	p->ent = NULL;
	p->free = NULL;
	p->cap = 0;
}

static void
ent_free(struct tcp_stack *s, struct tcp_ofo_seg *e)
{
	s->ops.release(s->ops_arg, e->handle);
	e->next = s->ofo_pool.free;
	s->ofo_pool.free = e;
	s->ofo_pool.used--;
}

/* Unlink *pp from c's queue and free it. */
static void
ent_drop(struct tcp_stack *s, struct tcp_conn *c, struct tcp_ofo_seg **pp)
{
	struct tcp_ofo_seg *e = *pp;

	*pp = e->next;
	c->ofo.n--;
	c->ofo.bytes -= e->len;
	ent_free(s, e);
}

void
tcp_ofo_purge(struct tcp_stack *s, struct tcp_conn *c)
{
	while (c->ofo.head != NULL)
		ent_drop(s, c, &c->ofo.head);
}

/* Make room for len more bytes and one more entry by dropping the highest
 * segments above seq (Linux's tcp_prune_ofo_queue: the end of the queue
 * is the least useful part); false when the new segment is what goes. */
static bool
make_room(struct tcp_stack *s, struct tcp_conn *c, uint32_t seq, uint32_t len)
{
	const struct tt_tcp_config *cfg = s->cfg;

	for (;;) {
		struct tcp_ofo_seg **pp;

		if (c->ofo.n < cfg->ofo_max_segs && c->ofo.bytes + len <= cfg->rcv_wnd &&
		    s->ofo_pool.free != NULL)
			return true;
		if (c->ofo.head == NULL)
			return false;
		for (pp = &c->ofo.head; (*pp)->next != NULL; pp = &(*pp)->next)
			;
		if (!SEQ_GT((*pp)->seq, seq))
			return false;
		TT_INC(s->st, ofo_dropped);
		ent_drop(s, c, pp);
	}
}

void
tcp_ofo_insert(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
	       uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct tcp_ofo_seg **pp = &c->ofo.head, *e;
	uint32_t end = seq + len;
	const uint8_t *held;
	void *h;

	if (s->cfg->ofo_max_segs == 0 || s->ops.hold == NULL || seg->pkt == NULL) {
		TT_INC(s->st, ofo_dropped);
		return;
	}
	/* Skip what ends before us; trim the head against an entry that
	 * overlaps it; an entry that covers us makes us a duplicate (its
	 * block is then the one to report first, RFC 2018 4). */
	while (*pp != NULL && SEQ_LEQ((*pp)->seq + (*pp)->len, seq))
		pp = &(*pp)->next;
	if (*pp != NULL && SEQ_LEQ((*pp)->seq, seq)) {
		uint32_t pend = (*pp)->seq + (*pp)->len;

		if (SEQ_GEQ(pend, end)) {
			TT_ADD(s->st, rx_dup_bytes, len);
			(*pp)->stamp = c->ofo.stamp++;
			return;
		}
		TT_ADD(s->st, rx_dup_bytes, pend - seq);
		data += pend - seq;
		seq = pend;
		len = end - seq;
		pp = &(*pp)->next;
	}
	/* Hold before changing the queue: a buffer the glue cannot keep
	 * must not cost the entries this one would replace. */
	held = data;
	h = s->ops.hold(s->ops_arg, seg, &held);
	if (h == NULL) {
		TT_INC(s->st, ofo_dropped);
		return;
	}
	/* Entries inside [seq, end) are replaced by this one. */
	while (*pp != NULL && SEQ_LEQ((*pp)->seq + (*pp)->len, end)) {
		TT_ADD(s->st, rx_dup_bytes, (*pp)->len);
		ent_drop(s, c, pp);
	}
	/* Trim the tail against the next entry. */
	if (*pp != NULL && SEQ_LT((*pp)->seq, end)) {
		TT_ADD(s->st, rx_dup_bytes, end - (*pp)->seq);
		end = (*pp)->seq;
		len = end - seq;
	}
	if (!make_room(s, c, seq, len)) {
		s->ops.release(s->ops_arg, h);
		TT_INC(s->st, ofo_dropped);
		return;
	}
	/* make_room may have dropped entries: find the place again. */
	for (pp = &c->ofo.head; *pp != NULL && SEQ_LT((*pp)->seq, seq); pp = &(*pp)->next)
		;
	e = s->ofo_pool.free;
	s->ofo_pool.free = e->next;
	s->ofo_pool.used++;
	e->handle = h;
	e->data = held;
	e->seq = seq;
	e->len = len;
	e->stamp = c->ofo.stamp++;
	e->next = *pp;
	*pp = e;
	c->ofo.n++;
	c->ofo.bytes += len;
	TT_INC(s->st, ofo_queued);
}

bool
tcp_ofo_deliver(struct tcp_stack *s, struct tcp_conn *c)
{
	while (c->ofo.head != NULL && SEQ_LEQ(c->ofo.head->seq, c->rcv_nxt)) {
		struct tcp_ofo_seg *e = c->ofo.head;
		uint32_t end = e->seq + e->len;
		uint32_t skip = c->rcv_nxt - e->seq;

		if ((c->flags & TF_ORPHAN) && SEQ_GT(end, c->rcv_nxt)) {
			/* The application closed while reading the bytes
			 * before these: it will never read them.  As Linux's
			 * close() with unread data (RFC 2525 2.17): RST. */
			tcp_send_rst_conn(s, c);
			conn_release(s, c, TCP_CLOSED_ABORT);
			return false;
		}

		/* Unlink first: the application may release c (and purge
		 * the queue) from recv(). */
		c->ofo.head = e->next;
		c->ofo.n--;
		c->ofo.bytes -= e->len;
		TT_ADD(s->st, rx_dup_bytes, SEQ_GT(end, c->rcv_nxt) ? skip : e->len);
		if (SEQ_GT(end, c->rcv_nxt)) {
			c->rcv_nxt = end;
			if (c->app->recv != NULL)
				c->app->recv(c->app_arg, c, e->data + skip,
					     e->len - skip, s->now);
		}
		ent_free(s, e);
		if (c->flags & TF_FREED)
			return false;
	}
	return true;
}

unsigned
tcp_ofo_sack_blocks(const struct tcp_conn *c, struct tcp_sack_block *b, unsigned max)
{
	uint32_t rec[TCP_SACK_MAX_BLOCKS];
	const struct tcp_ofo_seg *e = c->ofo.head;
	unsigned n = 0;

	if (max > TCP_SACK_MAX_BLOCKS)
		max = TCP_SACK_MAX_BLOCKS;
	while (e != NULL) {
		/* One block per run of adjacent segments; its recency is
		 * that of its newest segment. */
		struct tcp_sack_block blk = { .start = e->seq, .end = e->seq + e->len };
		uint32_t age = c->ofo.stamp - e->stamp;
		unsigned i;

		for (e = e->next; e != NULL && e->seq == blk.end; e = e->next) {
			blk.end = e->seq + e->len;
			if (c->ofo.stamp - e->stamp < age)
				age = c->ofo.stamp - e->stamp;
		}
		/* Keep the max most recent, sorted newest first. */
		for (i = n; i > 0 && rec[i - 1] > age; i--) {
			if (i < max) {
				b[i] = b[i - 1];
				rec[i] = rec[i - 1];
			}
		}
		if (i < max) {
			b[i] = blk;
			rec[i] = age;
			if (n < max)
				n++;
		}
	}
	return n;
}
