/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sender's SACK scoreboard (RFC 2018, RFC 6675 3): sorted, merged
 * ranges of our sequence space the peer holds beyond snd_una.
 */
#include <string.h>

#include "tcp/tcp_priv.h"

static void
board_remove(struct tcp_sack_board *b, unsigned i)
{
	memmove(&b->start[i], &b->start[i + 1], (b->n - i - 1) * sizeof(b->start[0]));
	memmove(&b->end[i], &b->end[i + 1], (b->n - i - 1) * sizeof(b->end[0]));
	b->n--;
}

/* Add [lo, hi) keeping the ranges sorted and disjoint. */
static void
board_add(struct tcp_sack_board *b, uint32_t lo, uint32_t hi)
{
	unsigned i = 0;

	while (i < b->n && SEQ_LT(b->end[i], lo))
		i++;
	/* Ranges i.. that touch or overlap [lo, hi) merge into it. */
	while (i < b->n && SEQ_LEQ(b->start[i], hi)) {
		if (SEQ_LT(b->start[i], lo))
			lo = b->start[i];
		if (SEQ_GT(b->end[i], hi))
			hi = b->end[i];
		board_remove(b, i);
	}
	if (b->n == TCP_SACK_BOARD) {
		/* Full: the highest range matters least (the holes below
		 * it are resent first); drop it, or the new one if higher. */
		if (i == b->n)
			return;
		b->n--;
	}
	memmove(&b->start[i + 1], &b->start[i], (b->n - i) * sizeof(b->start[0]));
	memmove(&b->end[i + 1], &b->end[i], (b->n - i) * sizeof(b->end[0]));
	b->start[i] = lo;
	b->end[i] = hi;
	b->n++;
}

void
tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (!(seg->opts & TCP_OPT_SACK))
		return;
	for (unsigned k = 0; k < seg->nsack && k < TCP_SACK_MAX_BLOCKS; k++) {
		uint32_t lo = seg->sack[k].start, hi = seg->sack[k].end;

		/* RFC 2018 4 / RFC 6675 5.1: only blocks of data we sent and
		 * that is not cumulatively acknowledged (a D-SACK block below
		 * the ACK, RFC 2883, says nothing about holes). */
		if (!SEQ_LT(lo, hi) || SEQ_GT(hi, c->snd_max) ||
		    SEQ_LEQ(hi, seg->ack) || SEQ_LEQ(hi, c->snd_una))
			continue;
		if (SEQ_LT(lo, c->snd_una))
			lo = c->snd_una;
		board_add(&c->sack, lo, hi);
	}
}

void
tcp_sack_acked(struct tcp_conn *c)
{
	struct tcp_sack_board *b = &c->sack;

	while (b->n > 0 && SEQ_LEQ(b->end[0], c->snd_una))
		board_remove(b, 0);
	if (b->n > 0 && SEQ_LT(b->start[0], c->snd_una))
		b->start[0] = c->snd_una;
}

void
tcp_sack_clear(struct tcp_conn *c)
{
	c->sack.n = 0;
}

uint32_t
tcp_sack_bytes(const struct tcp_conn *c, uint32_t lo, uint32_t hi)
{
	const struct tcp_sack_board *b = &c->sack;
	uint32_t sum = 0;

	for (unsigned i = 0; i < b->n; i++) {
		uint32_t a = SEQ_GT(b->start[i], lo) ? b->start[i] : lo;
		uint32_t z = SEQ_LT(b->end[i], hi) ? b->end[i] : hi;

		if (SEQ_LT(a, z))
			sum += z - a;
	}
	return sum;
}

uint32_t
tcp_sack_skip(const struct tcp_conn *c, uint32_t seq)
{
	const struct tcp_sack_board *b = &c->sack;

	for (unsigned i = 0; i < b->n; i++)
		if (SEQ_LEQ(b->start[i], seq) && SEQ_LT(seq, b->end[i]))
			return b->end[i];
	return seq;
}

uint32_t
tcp_sack_clip(const struct tcp_conn *c, uint32_t seq, uint32_t len)
{
	const struct tcp_sack_board *b = &c->sack;

	for (unsigned i = 0; i < b->n; i++)
		if (SEQ_GT(b->start[i], seq) && SEQ_LT(b->start[i], seq + len))
			return b->start[i] - seq;
	return len;
}

bool
tcp_sack_next_hole(const struct tcp_conn *c, uint32_t from, uint32_t *seq,
		   uint32_t *len)
{
	const struct tcp_sack_board *b = &c->sack;

	if (b->n == 0)
		return false;
	from = tcp_sack_skip(c, from);
	if (!SEQ_LT(from, b->end[b->n - 1]))
		return false;
	/* from is below the highest SACKed range and in no range: a hole up
	 * to the next range's start. */
	for (unsigned i = 0; i < b->n; i++) {
		if (SEQ_GT(b->start[i], from)) {
			*seq = from;
			*len = b->start[i] - from;
			return true;
		}
	}
	return false;
}
