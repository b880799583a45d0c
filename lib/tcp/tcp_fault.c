/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault injection for the close sequence (issue "every teardown path"): a
 * drop probability for each of the four segments of a close — first FIN,
 * its ACK, second FIN, final ACK — whichever side sends it.  Segments are
 * classified from the connection's own state, so the same knob covers
 * tcpterm as active or passive closer, on transmit and on receive.
 */
#include "stats/rng.h"
#include "tcp/tcp_priv.h"

enum close_step { STEP_NONE, STEP_FIN1, STEP_FIN1_ACK, STEP_FIN2, STEP_FIN2_ACK };

void
tcp_stack_set_fault(struct tcp_stack *s, const struct tt_fault_config *f, uint64_t seed)
{
	bool any = f != NULL && (f->drop_fin1 > 0 || f->drop_fin1_ack > 0 ||
				 f->drop_fin2 > 0 || f->drop_fin2_ack > 0);

	s->fault = any ? f : NULL;
	s->fault_rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static bool
drop_step(struct tcp_stack *s, enum close_step step)
{
	const struct tt_fault_config *f = s->fault;
	double p;

	switch (step) {
	case STEP_FIN1:
		p = f->drop_fin1;
		break;
	case STEP_FIN1_ACK:
		p = f->drop_fin1_ack;
		break;
	case STEP_FIN2:
		p = f->drop_fin2;
		break;
	case STEP_FIN2_ACK:
		p = f->drop_fin2_ack;
		break;
	default:
		return false;
	}
	if (p <= 0 || tt_rand01(&s->fault_rng) >= p)
		return false;
	switch (step) {
	case STEP_FIN1:
		TT_INC(s->st, fault_drop_fin1);
		break;
	case STEP_FIN1_ACK:
		TT_INC(s->st, fault_drop_fin1_ack);
		break;
	case STEP_FIN2:
		TT_INC(s->st, fault_drop_fin2);
		break;
	default:
		TT_INC(s->st, fault_drop_fin2_ack);
		break;
	}
	return true;
}

bool
tcp_fault_tx(struct tcp_stack *s, const struct tcp_conn *c, const struct tcp_seg *seg)
{
	enum close_step step = STEP_NONE;

	if (seg->flags & (TCP_F_RST | TCP_F_SYN))
		return false;
	if (seg->flags & TCP_F_FIN)
		/* Our FIN is the first unless the peer's came already. */
		step = (c->flags & TF_RCV_FIN) ? STEP_FIN2 : STEP_FIN1;
	else if (seg->len == 0 && (c->flags & TF_RCV_FIN) && seg->ack == c->rcv_nxt)
		/* A bare ACK of the peer's FIN: of the first FIN while ours
		 * is not sent, else the final ACK. */
		step = (c->flags & TF_FIN_SENT) ? STEP_FIN2_ACK : STEP_FIN1_ACK;
	if (!drop_step(s, step))
		return false;
	/* The step counters count both directions (the peer's FIN dropped
	 * on arrival is a "first FIN" too); what left our side is counted
	 * apart, so FINs sent minus this is what the wire shows. */
	if (seg->flags & TCP_F_FIN)
		TT_INC(s->st, fault_drop_fin_out);
	return true;
}

bool
tcp_fault_tx_tw(struct tcp_stack *s)
{
	/* A TIME_WAIT record only ever sends the final ACK (again). */
	return drop_step(s, STEP_FIN2_ACK);
}

bool
tcp_fault_rx(struct tcp_stack *s, const struct tcp_conn *c, const struct tcp_seg *seg)
{
	enum close_step step = STEP_NONE;

	if (seg->flags & (TCP_F_RST | TCP_F_SYN))
		return false;
	if (seg->flags & TCP_F_FIN)
		step = (c->flags & TF_FIN_SENT) ? STEP_FIN2 : STEP_FIN1;
	else if (seg->len == 0 && (seg->flags & TCP_F_ACK) && (c->flags & TF_FIN_SENT) &&
		 SEQ_GT(seg->ack, c->snd_end))
		step = (c->flags & TF_RCV_FIN) ? STEP_FIN2_ACK : STEP_FIN1_ACK;
	return drop_step(s, step);
}

bool
tcp_fault_rx_tw(struct tcp_stack *s, const struct tcp_seg *seg)
{
	/* The peer's FIN reaching TIME_WAIT is its second FIN, again. */
	if ((seg->flags & TCP_F_FIN) && !(seg->flags & (TCP_F_RST | TCP_F_SYN)))
		return drop_step(s, STEP_FIN2);
	return false;
}
