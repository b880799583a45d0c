/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segments out: data and FIN as the windows allow, pure ACKs, SYN/SYN-ACK,
 * RSTs, keep-alive probes, retransmission on RTO.
 */
#include "tcp/tcp_priv.h"

struct fill_ctx {
	struct tcp_conn *c;
	uint32_t off;
};

static void
fill_from_app(void *arg, uint8_t *dst, uint32_t len)
{
	struct fill_ctx *f = arg;

	f->c->app->fill(f->c->app_arg, f->c, f->off, dst, len);
}

/* Header fields common to every segment of c. */
static void
seg_init(struct tcp_stack *s, struct tcp_conn *c, struct tcp_seg *seg,
	 uint8_t flags, uint32_t seq)
{
	seg->t = c->node.t;
	seg->seq = seq;
	seg->ack = (flags & TCP_F_ACK) ? c->rcv_nxt : 0;
	seg->flags = flags;
	seg->wnd = tcp_rcv_wnd_field(s, c);
	seg->opts = 0;
	seg->mss = 0;
	seg->wscale = 0;
	seg->payload = NULL;
	seg->pkt = NULL;
	seg->len = 0;
	seg->nsack = 0;
	if (c->flags & TF_TS) {
		seg->opts |= TCP_OPT_TS;
		seg->tsval = tcp_ts_now(s->now, c->ts_offset);
		seg->tsecr = c->ts_recent;
	} else {
		seg->tsval = seg->tsecr = 0;
	}
	if ((c->flags & TF_SACK) && c->ofo.head != NULL && (flags & TCP_F_ACK) &&
	    !(flags & (TCP_F_SYN | TCP_F_RST))) {
		/* RFC 2018 3: 40 option bytes hold 4 blocks, 3 beside a
		 * timestamp. */
		seg->nsack = (uint8_t)tcp_ofo_sack_blocks(c, seg->sack,
			(c->flags & TF_TS) ? TCP_SACK_MAX_BLOCKS - 1 : TCP_SACK_MAX_BLOCKS);
		if (seg->nsack > 0)
			seg->opts |= TCP_OPT_SACK;
	}
}

/* Every segment we send with ACK acknowledges rcv_nxt: no ACK owed. */
static void
ack_sent(struct tcp_conn *c)
{
	c->flags &= ~(TF_ACK_NOW | TF_DELACK);
	c->segs_unacked = 0;
	c->t_dack = 0;
}

static void
xmit(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg,
     uint32_t payload_off)
{
	struct fill_ctx f = { .c = c, .off = payload_off };

	if (seg->flags & TCP_F_ACK)
		ack_sent(c);
	if (seg->opts & TCP_OPT_SACK)
		TT_ADD(s->st, sack_blocks_sent, seg->nsack);
	tcp_emit(s, c, seg, seg->len ? fill_from_app : NULL, &f);
}

/* Linux's tcp_xmit_probe_skb, for keep-alive and zero-window probes alike
 * (RFC 9293 3.8.4, 3.8.6.1): no data, SEG.SEQ = SND.UNA - 1, an old
 * sequence number the peer must answer with an ACK (and its window). */
static void
send_probe(struct tcp_stack *s, struct tcp_conn *c)
{
	struct tcp_seg seg;

	seg_init(s, c, &seg, TCP_F_ACK, c->snd_una - 1);
	xmit(s, c, &seg, 0);
}

static void
count_retransmit(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	if (seg->len > 0)
		TT_INC(s->st, data_retransmits);
	if (seg->flags & TCP_F_FIN)
		TT_INC(s->st, fin_retransmits);
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		TT_INC(s->st, rtx_fin_wait_1);
		break;
	case TCP_CLOSING:
		TT_INC(s->st, rtx_closing);
		break;
	case TCP_LAST_ACK:
		TT_INC(s->st, rtx_last_ack);
		break;
	default:
		break;
	}
}

void
tcp_output(struct tcp_stack *s, struct tcp_conn *c)
{
	bool sent = false, sent_new = false;
	uint32_t wnd;

	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	default:
		return;
	}
	wnd = c->snd_wnd < c->cwnd ? c->snd_wnd : c->cwnd;
	for (;;) {
		uint32_t flight, left;
		bool fin_due, sacked = c->sack.n > 0 && SEQ_LT(c->snd_nxt, c->snd_max);
		struct tcp_seg seg;
		uint32_t len;

		/* Going back over sent data (after an RTO): what the peer
		 * SACKed is not sent again (RFC 6675 5.1), and it is not in
		 * flight either (RFC 6675 4, "pipe"). */
		if (sacked)
			c->snd_nxt = tcp_sack_skip(c, c->snd_nxt);
		flight = c->snd_nxt - c->snd_una;
		if (c->sack.n > 0)
			flight -= tcp_sack_bytes(c, c->snd_una, c->snd_nxt);
		left = SEQ_LT(c->snd_nxt, c->snd_end) ? c->snd_end - c->snd_nxt : 0;
		fin_due = (c->flags & TF_FIN_QUEUED) && c->snd_nxt == c->snd_end;
		if (left > 0) {
			uint32_t usable = wnd > flight ? wnd - flight : 0;

			if (usable == 0)
				break;
			len = left < c->mss ? left : c->mss;
			if (len > usable)
				len = usable;
			if (sacked)
				len = tcp_sack_clip(c, c->snd_nxt, len);
		} else if (fin_due) {
			/* A new FIN takes a sequence number inside the peer's
			 * window, as Linux's tcp_snd_wnd_test counts it (end_seq
			 * includes the FIN): behind a shut window it waits, and
			 * the persist timer probes.  A FIN sent before goes
			 * again whatever the window (tcp_retransmit_skb always
			 * sends the segment at snd_una). */
			if (SEQ_GEQ(c->snd_nxt, c->snd_max) &&
			    SEQ_GEQ(c->snd_nxt, c->snd_una + c->snd_wnd))
				break;
			len = 0;
		} else {
			break;
		}
		seg_init(s, c, &seg, TCP_F_ACK, c->snd_nxt);
		seg.len = len;
		if (len > 0 && len == left)
			seg.flags |= TCP_F_PSH;
		if ((c->flags & TF_FIN_QUEUED) && c->snd_nxt + len == c->snd_end &&
		    (SEQ_LT(seg.seq, c->snd_max) ||
		     SEQ_LT(c->snd_nxt + len, c->snd_una + c->snd_wnd)))
			seg.flags |= TCP_F_FIN;   /* (a new one only inside the window) */
		if (SEQ_LT(seg.seq, c->snd_max)) {
			count_retransmit(s, c, &seg);
			if (sacked)
				TT_INC(s->st, sack_retransmits);
		} else {
			if (seg.flags & TCP_F_FIN)
				TT_INC(s->st, fins_sent);
			sent_new = true;
			tcp_tlp_sent_new(c, seg.seq);
			if (!(c->flags & TF_RTT)) {
				/* Time one segment per flight (RFC 6298 3). */
				c->flags |= TF_RTT;
				c->rtt_seq = seg.seq;
				c->rtt_start = s->now;
			}
		}
		xmit(s, c, &seg, seg.seq - (c->iss + 1));
		sent = true;
		c->snd_nxt += len;
		if (seg.flags & TCP_F_FIN) {
			c->snd_nxt++;
			c->flags |= TF_FIN_SENT;
		}
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		if (seg.flags & TCP_F_FIN)
			break;
	}
	if (!sent && (c->flags & TF_ACK_NOW))
		tcp_send_ack(s, c);
	/* Data waiting behind a zero window arms the timer as well: its
	 * expiry sends the window probe (RFC 9293 3.8.6.1), else a peer
	 * that shut its window with nothing in flight stalls us forever. */
	if (c->t_rtx == 0 && (c->snd_nxt != c->snd_una ||
			      (c->snd_wnd == 0 && tcp_send_waiting(c))))
		tcp_arm_rto(s, c);
	else
		conn_timer_update(s, c);
	/* Linux's tcp_write_xmit: new segments sent, one loss probe per
	 * tail (RFC 8985 7.2). */
	if (sent_new)
		tcp_tlp_schedule(s, c, false);
}

bool
tcp_send_tail_probe(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t wnd_end = c->snd_una + c->snd_wnd;
	uint32_t left = SEQ_LT(c->snd_max, c->snd_end) ? c->snd_end - c->snd_max : 0;
	uint32_t seq, end, len;
	struct tcp_seg seg;
	bool fresh;

	/* RFC 8985 7.3: new data if the peer's window allows a segment
	 * (the congestion window is not consulted: Linux's push_one = 2),
	 * else the last segment sent again. */
	len = left < c->mss ? left : c->mss;
	fresh = len > 0 && SEQ_LEQ(c->snd_max + len, wnd_end) && c->snd_nxt == c->snd_max;
	if (fresh) {
		seq = c->snd_max;
	} else {
		seq = SEQ_LT(c->tlp_tail, c->snd_una) ? c->snd_una : c->tlp_tail;
		end = SEQ_LT(c->snd_max, c->snd_end) ? c->snd_max : c->snd_end;
		len = SEQ_LT(seq, end) ? end - seq : 0;
		if (len > c->mss) {          /* the tail's last MSS */
			seq = end - c->mss;
			len = c->mss;
		}
	}
	seg_init(s, c, &seg, TCP_F_ACK, seq);
	seg.len = len;
	if (len > 0 && seq + len == c->snd_end)
		seg.flags |= TCP_F_PSH;
	if ((c->flags & (fresh ? TF_FIN_QUEUED : TF_FIN_SENT)) && seq + len == c->snd_end)
		seg.flags |= TCP_F_FIN;
	if (len == 0 && !(seg.flags & TCP_F_FIN))
		return false;
	if (!fresh) {
		count_retransmit(s, c, &seg);
		/* Karn: no RTT sample from a segment sent twice. */
		if ((c->flags & TF_RTT) && SEQ_GEQ(c->rtt_seq, seq))
			c->flags &= ~TF_RTT;
	} else {
		if (seg.flags & TCP_F_FIN)
			TT_INC(s->st, fins_sent);
		tcp_tlp_sent_new(c, seq);
	}
	xmit(s, c, &seg, seq - (c->iss + 1));
	if (fresh) {
		c->snd_max = seq + len;
		if (seg.flags & TCP_F_FIN) {
			c->snd_max++;
			c->flags |= TF_FIN_SENT;
		}
		c->snd_nxt = c->snd_max;
	}
	return true;
}

void
tcp_retransmit_one(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t left = SEQ_LT(c->snd_una, c->snd_end) ? c->snd_end - c->snd_una : 0;
	struct tcp_seg seg;

	/* RFC 5681 3.2: fast retransmit of the segment at snd_una only. */
	seg_init(s, c, &seg, TCP_F_ACK, c->snd_una);
	seg.len = left < c->mss ? left : c->mss;
	if ((c->flags & TF_FIN_SENT) && seg.len == left)
		seg.flags |= TCP_F_FIN;
	if (seg.len == 0 && !(seg.flags & TCP_F_FIN))
		return;
	c->flags &= ~TF_RTT;
	tcp_tlp_recovery(c);          /* fast recovery: no probe */
	count_retransmit(s, c, &seg);
	xmit(s, c, &seg, seg.seq - (c->iss + 1));
	tcp_arm_rto(s, c);
}

/* RFC 6675 5 (NextSeg rule 1): resend the first hole above HighRxt,
 * at most one segment; false when the scoreboard shows none. */
bool
tcp_sack_retransmit(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t from = SEQ_GT(c->sack.high_rxt, c->snd_una) ? c->sack.high_rxt : c->snd_una;
	struct tcp_seg seg;
	uint32_t seq, len;

	if (!tcp_sack_next_hole(c, from, &seq, &len)) {
		if (c->sack.n == 0 && from == c->snd_una) {
			/* Nothing SACKed: RFC 5681 fast retransmit. */
			tcp_retransmit_one(s, c);
			c->sack.high_rxt = c->snd_una + c->mss;
			return true;
		}
		return false;
	}
	/* A hole lies below a SACKed range, so it never reaches the FIN. */
	seg_init(s, c, &seg, TCP_F_ACK, seq);
	seg.len = len < c->mss ? len : c->mss;
	c->flags &= ~TF_RTT;
	count_retransmit(s, c, &seg);
	TT_INC(s->st, sack_retransmits);
	xmit(s, c, &seg, seg.seq - (c->iss + 1));
	c->sack.high_rxt = seq + seg.len;
	tcp_arm_rto(s, c);
	return true;
}

void
tcp_send_ack(struct tcp_stack *s, struct tcp_conn *c)
{
	struct tcp_seg seg;

	seg_init(s, c, &seg, TCP_F_ACK, c->snd_nxt);
	xmit(s, c, &seg, 0);
	conn_timer_update(s, c);
}

void
tcp_send_syn(struct tcp_stack *s, struct tcp_conn *c)
{
	const struct tt_tcp_config *cfg = s->cfg;
	bool active = c->state == TCP_SYN_SENT;
	struct tcp_seg seg;

	seg_init(s, c, &seg, active ? TCP_F_SYN : TCP_F_SYN | TCP_F_ACK, c->iss);
	if (active) {
		/* Offer everything configured; the SYN-ACK decides. */
		if (cfg->timestamps) {
			seg.opts |= TCP_OPT_TS;
			seg.tsval = tcp_ts_now(s->now, c->ts_offset);
			seg.tsecr = 0;
		}
		if (cfg->wscale)
			seg.opts |= TCP_OPT_WSCALE;
		if (cfg->sack)
			seg.opts |= TCP_OPT_SACK_OK;
	} else {
		if (c->flags & TF_WS)
			seg.opts |= TCP_OPT_WSCALE;
		if (c->flags & TF_SACK)
			seg.opts |= TCP_OPT_SACK_OK;
	}
	seg.opts |= TCP_OPT_MSS;
	seg.mss = tcp_own_mss(s, tcp_conn_tuple(c));
	seg.wscale = c->rcv_wscale;
	xmit(s, c, &seg, 0);
	if (SEQ_LT(c->snd_max, c->iss + 1)) {
		/* First transmission: time the handshake (RFC 6298 2.1). */
		c->snd_max = c->iss + 1;
		c->flags |= TF_RTT;
		c->rtt_seq = c->iss;
		c->rtt_start = s->now;
	}
	c->snd_nxt = c->iss + 1;
}

void
tcp_send_rst_conn(struct tcp_stack *s, struct tcp_conn *c)
{
	struct tcp_seg seg;

	/* As Linux's tcp_send_active_reset: RST|ACK at snd_nxt. */
	seg_init(s, c, &seg, TCP_F_RST | TCP_F_ACK, c->snd_nxt);
	seg.opts = 0;
	tcp_emit(s, NULL, &seg, NULL, NULL);
	TT_INC(s->st, rsts_sent);
}

void
tcp_send_rst_reply(struct tcp_stack *s, const struct tcp_seg *in)
{
	struct tcp_seg seg = { .t = in->t };

	/* RFC 9293 3.10.7.1: never answer a RST; if the segment had an ACK,
	 * <SEQ=SEG.ACK><CTL=RST>, else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
	 * where SYN and FIN count in SEG.LEN. */
	if (in->flags & TCP_F_RST)
		return;
	if (in->flags & TCP_F_ACK) {
		seg.seq = in->ack;
		seg.flags = TCP_F_RST;
	} else {
		seg.seq = 0;
		seg.ack = in->seq + in->len + !!(in->flags & TCP_F_SYN) +
			!!(in->flags & TCP_F_FIN);
		seg.flags = TCP_F_RST | TCP_F_ACK;
	}
	tcp_emit(s, NULL, &seg, NULL, NULL);
	TT_INC(s->st, rsts_sent);
}

void
tcp_send_keepalive_probe(struct tcp_stack *s, struct tcp_conn *c)
{
	send_probe(s, c);
	TT_INC(s->st, keepalive_probes);
}

void
tcp_retransmit(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t half = flight / 2;

	/* RFC 5681 3.1 (7): after an RTO, ssthresh = max(FlightSize/2, 2*SMSS)
	 * and cwnd = 1 segment; go back to snd_una (RFC 6298 5.4). */
	c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
	c->cwnd = c->mss;
	c->dupacks = 0;
	c->flags &= ~TF_RTT;      /* Karn: no sample from a retransmission */
	c->flags |= TF_RETRANS;
	c->snd_nxt = c->snd_una;
	/* RFC 6675 5.1: the scoreboard outlives the RTO (SACKed data is
	 * not resent), unless the peer dropped data it SACKed (RFC 2018 8,
	 * reneging): its ACK then stops at the start of a SACKed range. */
	c->sack.recovery = 0;
	c->sack.high_rxt = c->snd_una;
	if (c->sack.n > 0 && c->sack.start[0] == c->snd_una)
		tcp_sack_clear(c);
	c->t_rtx = 0;
	tcp_tlp_recovery(c);          /* RTO recovery: no probe */
	tcp_output(s, c);
	if (c->snd_nxt == c->snd_una && tcp_send_waiting(c)) {
		/* Zero window with data or a FIN waiting: the window probe of
		 * RFC 9293 3.8.6.1 on the RTO schedule, as Linux sends it
		 * (tcp_write_wakeup -> tcp_xmit_probe_skb): no data, sequence
		 * snd_una - 1, which the peer must answer with an ACK
		 * carrying its window. */
		send_probe(s, c);
		tcp_arm_rto(s, c);
	}
}
