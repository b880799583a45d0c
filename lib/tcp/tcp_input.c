/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Segments in: demultiplexing (connection, TIME_WAIT record, listener) and
 * the state machine of RFC 9293 3.10.7, with RFC 5961 (blind RST/SYN),
 * RFC 7323 (timestamps, PAWS), RFC 6298 (RTT) and the close paths of
 * teardown.md.
 */
#include "tcp/tcp_priv.h"

static void
rtt_sample(struct tcp_stack *s, struct tcp_conn *c, uint64_t r)
{
	const struct tt_tcp_config *cfg = s->cfg;
	uint64_t var4, rto;

	/* RFC 6298 2.2-2.3, alpha = 1/8, beta = 1/4. */
	if (c->srtt == 0) {
		c->srtt = (uint32_t)(r ? r : 1);
		c->rttvar = (uint32_t)(r / 2);
	} else {
		uint64_t d = r > c->srtt ? r - c->srtt : c->srtt - r;

		c->rttvar = (uint32_t)((3ull * c->rttvar + d) / 4);
		c->srtt = (uint32_t)((7ull * c->srtt + r) / 8);
	}
	/* Linux's form of the RTO floor: rto_min bounds the variance term
	 * (tcp_set_rto), so RTO = SRTT + max(4 * RTTVAR, rto_min). */
	var4 = 4ull * c->rttvar;
	rto = c->srtt + (var4 > cfg->rto_min ? var4 : cfg->rto_min);
	c->rto = (uint32_t)(rto > cfg->rto_max ? cfg->rto_max : rto);
}

static bool
challenge_ack_allowed(struct tcp_stack *s)
{
	/* RFC 5961 7: a per-lcore limit on challenge ACKs per second. */
	if (s->now - s->challenge_window >= US_PER_S) {
		s->challenge_window = s->now;
		s->challenge_count = 0;
	}
	return s->challenge_count++ < TCP_CHALLENGE_PER_SEC;
}

static void
send_challenge_ack(struct tcp_stack *s, struct tcp_conn *c)
{
	if (challenge_ack_allowed(s)) {
		TT_INC(s->st, challenge_acks);
		tcp_send_ack(s, c);
	}
}

/* Apply the peer's SYN options to c (RFC 9293 3.7.1, RFC 7323). */
static void
take_syn_options(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	const struct tt_tcp_config *cfg = s->cfg;
	uint16_t mss = (seg->opts & TCP_OPT_MSS) ? seg->mss : tcp_default_mss(&seg->t);
	uint16_t own = tcp_own_mss(s, &seg->t);
	uint16_t floor = cfg->min_snd_mss > TCP_MIN_SND_MSS ? cfg->min_snd_mss :
		TCP_MIN_SND_MSS;

	if (floor > own)
		floor = own;        /* never above what we announced */
	if (mss > own)
		mss = own;
	/* Linux tcp_min_snd_mss: a peer's MSS below the floor (0..11 would
	 * wrap once the timestamp option is taken off) is raised to it. */
	if (mss < floor)
		mss = floor;
	if (seg->opts & TCP_OPT_WSCALE) {
		c->flags |= TF_WS;
		/* RFC 7323 2.3: a shift above 14 is used as 14. */
		c->snd_wscale = seg->wscale > 14 ? 14 : seg->wscale;
		c->rcv_wscale = cfg->wscale;
	}
	if ((seg->opts & TCP_OPT_SACK_OK) && cfg->sack)
		c->flags |= TF_SACK;
	if ((seg->opts & TCP_OPT_TS) && cfg->timestamps) {
		c->flags |= TF_TS;
		c->ts_recent = seg->tsval;
		c->ts_recent_stamp = ms_of(s->now);
		mss -= 12;   /* every segment then carries the 12-byte option */
	}
	c->mss = mss;
	c->cwnd = s->cfg->init_cwnd * c->mss;
	c->ssthresh = UINT32_MAX;
}

struct tcp_conn *
tcp_syn_recv_conn(struct tcp_stack *s, struct tcp_listener *l,
		  const struct tcp_seg *seg, uint32_t iss)
{
	/* seg is (a copy of) the segment being processed: its tuple's hash
	 * is s->seg_hash. */
	struct tcp_conn *c = conn_alloc(s, &seg->t, s->seg_hash);

	if (c == NULL) {
		TT_INC(s->st, conn_table_full);
		return NULL;
	}
	c->app = l->app;
	c->app_arg = l->app_arg;
	conn_set_state(s, c, TCP_SYN_RECEIVED);
	c->flags |= TF_PASSIVE;
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->iss = iss;
	c->snd_una = iss;
	c->snd_nxt = iss;
	c->snd_max = iss;
	c->snd_end = iss + 1;
	take_syn_options(s, c, seg);
	c->snd_wnd = seg->wnd;     /* RFC 7323 2.2: never scaled in a SYN */
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = iss;
	c->last_rx = s->now;
	TT_INC(s->st, passive_opens);
	return c;
}

void
tcp_passive_open(struct tcp_stack *s, struct tcp_listener *l,
		 const struct tcp_seg *seg, uint32_t iss)
{
	struct tcp_conn *c = tcp_syn_recv_conn(s, l, seg, iss);

	if (c == NULL) {
		/* A full table refuses with RST and a counter. */
		tcp_send_rst_reply(s, seg);
		return;
	}
	tcp_send_syn(s, c);
	tcp_arm_rto(s, c);
}

static void conn_segment(struct tcp_stack *s, struct tcp_conn *c,
			 const struct tcp_seg *seg);

static void
listen_input(struct tcp_stack *s, struct tcp_listener *l, const struct tcp_seg *seg)
{
	/* RFC 9293 3.10.7.2 */
	if (seg->flags & TCP_F_RST)
		return;
	if (seg->flags & TCP_F_ACK) {
		struct tcp_conn *c;

		/* The third segment of a handshake answered with a SYN
		 * cookie (tcp_syncookie.c) opens the connection now. */
		switch (tcp_syncookie_ack(s, l, seg, &c)) {
		case TCP_COOKIE_OK:
			conn_segment(s, c, seg);
			return;
		case TCP_COOKIE_FULL:
			return;
		case TCP_COOKIE_BAD:
			tcp_send_rst_reply(s, seg);
			return;
		case TCP_COOKIE_NONE:
			break;
		}
		TT_INC(s->st, drop_no_conn);
		tcp_send_rst_reply(s, seg);
		return;
	}
	if (!(seg->flags & TCP_F_SYN))
		return;
	if (!s->accepting) {
		TT_INC(s->st, drop_draining);
		tcp_send_rst_reply(s, seg);
		return;
	}
	if (tcp_syncookie_syn(s, seg))
		return;
	tcp_passive_open(s, l, seg, tcp_isn(s, &seg->t));
}

static void
enter_established(struct tcp_stack *s, struct tcp_conn *c)
{
	conn_set_state(s, c, TCP_ESTABLISHED);
	c->flags |= TF_ESTABLISHED;
	c->retries = 0;
	c->flags &= ~TF_RETRANS;
	TT_INC(s->st, conns_established);
	if (s->cfg->keepalive)
		c->t_ka = s->now + s->cfg->keepalive_time;
	if (c->app->established != NULL)
		c->app->established(c->app_arg, c, s->now);
}

static void
syn_sent_input(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	bool ack_ok = false;

	/* RFC 9293 3.10.7.3 */
	if (seg->flags & TCP_F_ACK) {
		if (SEQ_LEQ(seg->ack, c->iss) || SEQ_GT(seg->ack, c->snd_max)) {
			if (!(seg->flags & TCP_F_RST))
				tcp_send_rst_reply(s, seg);
			return;
		}
		ack_ok = true;
	}
	if (seg->flags & TCP_F_RST) {
		if (ack_ok) {
			TT_INC(s->st, rsts_received);
			TT_INC(s->st, connect_failed_refused);
			conn_release(s, c, TCP_CLOSED_RESET);
		}
		return;
	}
	if (!(seg->flags & TCP_F_SYN))
		return;
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	take_syn_options(s, c, seg);
	if (!(seg->opts & TCP_OPT_WSCALE))
		c->rcv_wscale = 0;
	c->snd_wnd = seg->wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = seg->ack;
	c->last_rx = s->now;
	if (!ack_ok) {
		/* Simultaneous open. */
		conn_set_state(s, c, TCP_SYN_RECEIVED);
		tcp_send_syn(s, c);
		tcp_arm_rto(s, c);
		return;
	}
	c->snd_una = seg->ack;
	if ((c->flags & TF_RTT) && !(c->flags & TF_RETRANS))
		rtt_sample(s, c, s->now - c->rtt_start);
	c->flags &= ~TF_RTT;
	c->t_rtx = 0;
	c->flags |= TF_ACK_NOW;
	/* The ACK of the SYN-ACK (with what the application queues now)
	 * leaves from conn_segment's output pass, right after this. */
	enter_established(s, c);
}

/* RFC 9293 3.10.7.4, first check: is the segment acceptable? */
static bool
seq_acceptable(const struct tcp_stack *s, const struct tcp_conn *c,
	       const struct tcp_seg *seg)
{
	/* The window we advertised, not the configured one: without window
	 * scaling only 65535 bytes were offered. */
	uint32_t wnd = (uint32_t)tcp_rcv_wnd_field(s, c) <<
		((c->flags & TF_WS) ? c->rcv_wscale : 0);
	uint32_t len = seg->len + !!(seg->flags & TCP_F_SYN) + !!(seg->flags & TCP_F_FIN);
	uint32_t lo = c->rcv_nxt, hi = c->rcv_nxt + wnd;

	if (len == 0)
		return wnd == 0 ? seg->seq == lo :
			SEQ_GEQ(seg->seq, lo) && SEQ_LT(seg->seq, hi);
	if (wnd == 0)
		return false;
	return (SEQ_GEQ(seg->seq, lo) && SEQ_LT(seg->seq, hi)) ||
		(SEQ_GEQ(seg->seq + len - 1, lo) && SEQ_LT(seg->seq + len - 1, hi));
}

/* Processing of the ACK field; returns false when c is gone. */
static bool
ack_input(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	uint32_t ack = seg->ack;

	if (c->state == TCP_SYN_RECEIVED) {
		if (!(SEQ_LT(c->snd_una, ack) && SEQ_LEQ(ack, c->snd_max))) {
			tcp_send_rst_reply(s, seg);
			return true;
		}
		c->snd_wnd = (uint32_t)seg->wnd << c->snd_wscale;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		enter_established(s, c);
		if (c->flags & TF_FREED)
			return false;
	}
	if (SEQ_GT(ack, c->snd_max)) {
		/* ACK of something not yet sent: ACK and drop. */
		TT_INC(s->st, drop_bad_ack);
		tcp_send_ack(s, c);
		return false;
	}
	if ((c->flags & TF_SACK) && (seg->opts & TCP_OPT_SACK))
		tcp_sack_update(c, seg);
	if (SEQ_GT(ack, c->snd_una)) {
		uint32_t acked = ack - c->snd_una;
		uint32_t app_acked = acked;
		uint32_t first = c->iss + 1;

		if (SEQ_LT(c->snd_una, first))
			app_acked--;                 /* our SYN */
		if ((c->flags & TF_FIN_SENT) && SEQ_GT(ack, c->snd_end))
			app_acked--;                 /* our FIN */
		if ((c->flags & TF_RTT) && SEQ_GT(ack, c->rtt_seq))
			rtt_sample(s, c, s->now - c->rtt_start);
		if (c->flags & TF_RTT && SEQ_GT(ack, c->rtt_seq))
			c->flags &= ~TF_RTT;
		if (c->flags & TF_RETRANS) {
			/* New data acknowledged: forget the backoff (RFC 6298 5.7
			 * allows it once an RTT sample is taken; Linux does it on
			 * any forward progress). */
			c->flags &= ~TF_RETRANS;
			if (c->srtt) {
				uint64_t v = 4ull * c->rttvar;
				uint64_t rto = c->srtt + (v > s->cfg->rto_min ? v : s->cfg->rto_min);

				c->rto = (uint32_t)(rto > s->cfg->rto_max ? s->cfg->rto_max : rto);
			} else {
				c->rto = (uint32_t)s->cfg->rto_initial;
			}
		}
		c->retries = 0;
		/* RFC 5681 3.1: slow start, then congestion avoidance (not
		 * during SACK recovery, RFC 6675 5); the ACK of our SYN is no
		 * data (a 1-byte segment followed). */
		if (c->sack.recovery)
			;
		else if (c->cwnd < c->ssthresh)
			c->cwnd += app_acked < c->mss ? app_acked : c->mss;
		else
			c->cwnd += (uint32_t)((uint64_t)c->mss * c->mss / c->cwnd) + 1;
		c->snd_una = ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una))
			c->snd_nxt = c->snd_una;
		c->dupacks = 0;
		c->t_rtx = 0;
		if (c->snd_una != c->snd_max)
			c->t_rtx = s->now + c->rto;
		tcp_tlp_ack(s, c);      /* probe episode; next PTO (RFC 8985) */
		if (c->sack.n > 0)
			tcp_sack_acked(c);
		if (c->sack.recovery) {
			/* RFC 6675 5: recovery ends once RecoveryPoint is
			 * acknowledged; a partial ACK resends the next hole. */
			if (SEQ_GEQ(ack, c->sack.recover)) {
				c->sack.recovery = 0;
				c->cwnd = c->ssthresh;
			} else {
				tcp_sack_retransmit(s, c);
			}
		}
		if (app_acked > 0 && !(c->flags & TF_ORPHAN) && c->app->acked != NULL) {
			c->app->acked(c->app_arg, c, app_acked, s->now);
			if (c->flags & TF_FREED)
				return false;
		}
	} else if (ack == c->snd_una && c->snd_max != c->snd_una &&
		   (((c->flags & TF_SACK) && (seg->opts & TCP_OPT_SACK)) ||
		    (seg->len == 0 && !(seg->flags & TCP_F_FIN) && c->snd_wnd != 0 &&
		     ((uint32_t)seg->wnd << c->snd_wscale) == c->snd_wnd))) {
		/* RFC 5681 3.2: the third duplicate ACK triggers a fast
		 * retransmit (not the answers to zero-window probes: the
		 * byte they leave unacknowledged was never lost); with
		 * SACK, RFC 6675 5 also enters recovery once more than 2
		 * segments above snd_una are SACKed, and
		 * resends holes, not snd_una only.  An ACK with SACK blocks
		 * counts whatever its window (a receiver growing its buffer
		 * changes the window in every ACK; Linux does the same). */
		++c->dupacks;
		if ((c->flags & TF_SACK) && (c->sack.n > 0 || c->sack.recovery)) {
			if (c->sack.recovery) {
				tcp_sack_retransmit(s, c);
			} else if (c->dupacks >= 3 ||
				   tcp_sack_bytes(c, c->snd_una, c->snd_max) > 2u * c->mss) {
				uint32_t half = (c->snd_max - c->snd_una) / 2;

				c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
				c->cwnd = c->ssthresh;
				c->sack.recovery = 1;
				tcp_tlp_recovery(c);    /* fast recovery: no probe */
				c->sack.recover = c->snd_max;
				c->sack.high_rxt = c->snd_una;
				TT_INC(s->st, fast_retransmits);
				tcp_sack_retransmit(s, c);
			}
		} else if (c->dupacks == 3) {
			uint32_t half = (c->snd_max - c->snd_una) / 2;

			c->ssthresh = half > 2u * c->mss ? half : 2u * c->mss;
			c->cwnd = c->ssthresh + 3u * c->mss;
			TT_INC(s->st, fast_retransmits);
			tcp_retransmit_one(s, c);
		} else if (c->dupacks > 3) {
			c->cwnd += c->mss;
		}
	}
	/* Zero-window probing: an acceptable ACK, even one that moves
	 * nothing, shows the peer alive, so the probes start counting
	 * again (Linux tcp_ack: icsk_probes_out = 0), and a peer that
	 * keeps its window shut is never dropped for it. */
	if (c->snd_wnd == 0 && SEQ_GEQ(ack, c->snd_una))
		c->retries = 0;
	/* RFC 9293 3.10.7.4: window update from newer segments only. */
	if (SEQ_LT(c->snd_wl1, seg->seq) ||
	    (c->snd_wl1 == seg->seq && SEQ_LEQ(c->snd_wl2, ack))) {
		c->snd_wnd = (uint32_t)seg->wnd << c->snd_wscale;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
	}

	if (!tcp_fin_acked(c))
		return true;
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		conn_set_state(s, c, TCP_FIN_WAIT_2);
		c->t_rtx = 0;
		/* teardown.md: an orphan waits fin_timeout for the peer's FIN;
		 * after shutdown(SHUT_WR) it waits with no limit, keep-alive
		 * probing it as Linux does (tcp_keepalive_timer). */
		c->t_ka = (c->flags & TF_ORPHAN) ? s->now + s->cfg->fin_timeout :
			s->cfg->keepalive ? s->now + s->cfg->keepalive_time : 0;
		conn_timer_update(s, c);
		break;
	case TCP_CLOSING:
		tcp_enter_time_wait(s, c);
		return false;
	case TCP_LAST_ACK:
		conn_release(s, c, TCP_CLOSED_NORMAL);
		return false;
	default:
		break;
	}
	return true;
}

static void
schedule_ack(struct tcp_stack *s, struct tcp_conn *c)
{
	/* RFC 1122 4.2.3.2 / RFC 5681 4.2: ACK at least every second full
	 * segment, otherwise within delayed_ack. */
	if (s->cfg->delayed_ack == 0 || ++c->segs_unacked >= 2) {
		c->flags |= TF_ACK_NOW;
		return;
	}
	if (!(c->flags & TF_DELACK)) {
		c->flags |= TF_DELACK;
		c->t_dack = s->now + s->cfg->delayed_ack;
		conn_timer_update(s, c);
	}
}

/* Data and FIN; returns false when c is gone. */
static bool
data_input(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	bool fin = seg->flags & TCP_F_FIN;
	uint32_t seq = seg->seq;
	uint32_t len = seg->len;
	const uint8_t *p = seg->payload;
	bool had_ofo = false;

	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
		break;
	default:
		/* CLOSE_WAIT, CLOSING, LAST_ACK: the peer's FIN came already;
		 * RFC 9293 says ignore the text.  A duplicate FIN was ACKed
		 * by the acceptability test. */
		return true;
	}
	if (len == 0 && !fin)
		return true;
	if (SEQ_GT(seq, c->rcv_nxt)) {
		/* Out of order (RFC 9293 3.10.7.4): hold the data for when the
		 * hole fills (not for an orphan, which takes no more data); a
		 * duplicate ACK at once, with SACK blocks, tells the peer what
		 * is missing (RFC 5681 4.2, RFC 2018 4).  An early FIN is not
		 * kept: the peer sends it again after the data. */
		if (len > 0 && !(c->flags & TF_ORPHAN))
			tcp_ofo_insert(s, c, seg, seq, p, len);
		tcp_send_ack(s, c);
		return true;
	}
	if (SEQ_LT(seq, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - seq;

		if (skip > len) {    /* only an old FIN: acceptability ACKs it */
			TT_ADD(s->st, rx_dup_bytes, len);
			return true;
		}
		TT_ADD(s->st, rx_dup_bytes, skip);
		p += skip;
		len -= skip;
	}
	if (len > 0) {
		if (c->flags & TF_ORPHAN) {
			/* teardown.md: data for a connection the application
			 * closed gets RST (Linux tcp_rcv_state_process with
			 * RCV_SHUTDOWN, answered as tcp_v4_send_reset:
			 * <SEQ=SEG.ACK>). */
			tcp_send_rst_reply(s, seg);
			conn_release(s, c, TCP_CLOSED_ABORT);
			return false;
		}
		c->rcv_nxt += len;
		/* RFC 5681 4.2: ACK at once a segment that fills (part of)
		 * a hole. */
		had_ofo = c->ofo.head != NULL;
		if (had_ofo)
			c->flags |= TF_ACK_NOW;
		else
			schedule_ack(s, c);
	}
	if (fin) {
		/* Nothing comes after the FIN: what the queue holds beyond
		 * it is not part of the stream. */
		if (c->ofo.head != NULL)
			tcp_ofo_purge(s, c);
		/* The FIN is in order: end of the peer's stream.  The state
		 * changes before the application reads, as in a kernel stack
		 * where the whole segment is processed first. */
		c->rcv_nxt++;
		c->flags |= TF_RCV_FIN;
		switch (c->state) {
		case TCP_ESTABLISHED:
			conn_set_state(s, c, TCP_CLOSE_WAIT);
			TT_INC(s->st, passive_closes);
			/* As Linux in pingpong mode, delay this ACK: when the
			 * application closes at once, our FIN carries it (the
			 * three-way close of teardown.md). */
			if (s->cfg->delayed_ack == 0) {
				c->flags |= TF_ACK_NOW;
			} else if (!(c->flags & TF_DELACK)) {
				c->flags |= TF_DELACK;
				c->t_dack = s->now + s->cfg->delayed_ack;
				conn_timer_update(s, c);
			}
			break;
		case TCP_FIN_WAIT_1:
			/* Our FIN is not acknowledged yet: simultaneous close. */
			conn_set_state(s, c, TCP_CLOSING);
			TT_INC(s->st, simultaneous_closes);
			c->flags |= TF_ACK_NOW;
			break;
		default:
			break;
		}
	}
	if (len > 0 && c->app->recv != NULL) {
		c->app->recv(c->app_arg, c, p, len, s->now);
		if (c->flags & TF_FREED)
			return false;
	}
	if (had_ofo && !fin && !tcp_ofo_deliver(s, c))
		return false;
	if (!fin)
		return true;
	if (c->app->eof != NULL && !(c->flags & TF_ORPHAN)) {
		c->app->eof(c->app_arg, c, s->now);
		if (c->flags & TF_FREED)
			return false;
	}
	if (c->state == TCP_FIN_WAIT_2) {
		/* The peer's FIN ends the close: the final ACK, then
		 * TIME_WAIT (teardown.md step 4). */
		tcp_send_ack(s, c);
		tcp_enter_time_wait(s, c);
		return false;
	}
	return true;
}

static void
conn_input(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	bool has_ts = (seg->opts & TCP_OPT_TS) && (c->flags & TF_TS);

	if (c->state == TCP_SYN_SENT) {
		syn_sent_input(s, c, seg);
		return;
	}
	if (c->state == TCP_SYN_RECEIVED && (seg->flags & (TCP_F_SYN | TCP_F_ACK | TCP_F_RST)) ==
	    TCP_F_SYN && seg->seq == c->irs) {
		/* The peer retransmitted its SYN: our SYN-ACK was lost. */
		TT_INC(s->st, synack_retransmits);
		tcp_send_syn(s, c);
		return;
	}
	if (c->state == TCP_SYN_RECEIVED && !(c->flags & TF_PASSIVE) &&
	    (seg->flags & (TCP_F_SYN | TCP_F_ACK | TCP_F_RST)) == (TCP_F_SYN | TCP_F_ACK) &&
	    seg->seq + 1 == c->rcv_nxt && seg->ack == c->snd_nxt) {
		/* Simultaneous open (RFC 9293 figure 8): the peer's SYN-ACK
		 * acknowledges our SYN, and our SYN-ACK already acknowledged
		 * its SYN: established, nothing to answer (Linux's
		 * tcp_validate_incoming lets this SYN-ACK through). */
		c->snd_una = seg->ack;
		c->snd_wnd = seg->wnd;     /* a SYN's window is never scaled */
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		c->t_rtx = 0;
		c->flags &= ~TF_RTT;
		if ((c->flags & TF_TS) && (seg->opts & TCP_OPT_TS)) {
			c->ts_recent = seg->tsval;
			c->ts_recent_stamp = ms_of(s->now);
		}
		enter_established(s, c);
		return;
	}
	/* RFC 7323 5.3: PAWS, unless the last timestamp is over 24 days old. */
	if (has_ts && !(seg->flags & TCP_F_RST) &&
	    (int32_t)(seg->tsval - c->ts_recent) < 0 &&
	    (uint32_t)(ms_of(s->now) - c->ts_recent_stamp) < TCP_PAWS_24DAYS_MS) {
		TT_INC(s->st, drop_paws);
		tcp_send_ack(s, c);
		return;
	}
	if (!seq_acceptable(s, c, seg)) {
		if (!(seg->flags & TCP_F_RST)) {
			/* A retransmission of data we have all of. */
			if (seg->len > 0 && SEQ_LEQ(seg->seq + seg->len, c->rcv_nxt))
				TT_ADD(s->st, rx_dup_bytes, seg->len);
			TT_INC(s->st, drop_out_of_window);
			tcp_send_ack(s, c);
		} else {
			TT_INC(s->st, rsts_ignored);
		}
		return;
	}
	if (seg->flags & TCP_F_RST) {
		/* RFC 5961 3.2: only an RST at exactly rcv_nxt resets; one
		 * elsewhere in the window gets a challenge ACK. */
		if (seg->seq != c->rcv_nxt) {
			TT_INC(s->st, rsts_ignored);
			send_challenge_ack(s, c);
			return;
		}
		TT_INC(s->st, rsts_received);
		conn_release(s, c, TCP_CLOSED_RESET);
		return;
	}
	if (seg->flags & TCP_F_SYN) {
		/* RFC 5961 4.2: a SYN in a synchronized state gets a challenge
		 * ACK, whatever its sequence number. */
		send_challenge_ack(s, c);
		return;
	}
	if (!(seg->flags & TCP_F_ACK))
		return;

	/* RFC 7323 4.3: remember the timestamp of an in-sequence segment. */
	if (has_ts && SEQ_LEQ(seg->seq, c->rcv_nxt) &&
	    (int32_t)(seg->tsval - c->ts_recent) >= 0) {
		c->ts_recent = seg->tsval;
		c->ts_recent_stamp = ms_of(s->now);
	}
	c->last_rx = s->now;
	c->ka_probes = 0;

	if (!ack_input(s, c, seg))
		return;
	data_input(s, c, seg);
}

static void
conn_segment(struct tcp_stack *s, struct tcp_conn *c, const struct tcp_seg *seg)
{
	s->in_input = true;
	s->timer_defer = c;
	conn_input(s, c, seg);
	s->in_input = false;
	/* One output pass for what the segment and the application's
	 * reaction to it queued (c is a pool record: still valid). */
	if (!(c->flags & TF_FREED))
		tcp_output(s, c);
	/* Then the wheel entry, once, for the deadlines all that left
	 * (a record freed meanwhile was taken off the wheel; one the
	 * application reused for a new connection is armed here). */
	s->timer_defer = NULL;
	if (!(c->flags & TF_FREED))
		conn_timer_set(s, c);
}

/* seg, whose tuple hashes to h (tcp_tuple_hash); inlined into both
 * callers, a frame less per segment. */
static inline __attribute__((always_inline)) void
input_h(struct tcp_stack *s, const struct tcp_seg *seg, uint32_t h, uint64_t now)
{
	struct tcp_conn *c;
	struct tw_rec *r;
	struct tcp_listener *l;

	s->now = now;
	s->seg_hash = h;
	c = (struct tcp_conn *)ct_lookup_h(&s->ct, &seg->t, h);
	if (c != NULL) {
		if (s->fault != NULL && tcp_fault_rx(s, c, seg))
			return;
		conn_segment(s, c, seg);
		return;
	}
	r = s->tw.rec != NULL ? tw_lookup_h(&s->tw, &seg->t, h) : NULL;
	if (r != NULL && tcp_tw_reap_due(s, r, ms_of(now)))
		r = NULL;
	l = r != NULL ? NULL : tcp_find_listener(s, seg->t.lport);
	if ((r != NULL || l != NULL) &&
	    (seg->flags & (TCP_F_SYN | TCP_F_FIN)) == (TCP_F_SYN | TCP_F_FIN)) {
		/* No new connection from SYN+FIN: Linux drops it in LISTEN
		 * (tcp_rcv_state_process), also when a TIME_WAIT record
		 * passed it on as a new incarnation.  A closed port still
		 * answers RST below, as Linux. */
		TT_INC(s->st, drop_syn_fin);
		return;
	}
	if (r != NULL) {
		if (s->fault != NULL && tcp_fault_rx_tw(s, seg))
			return;
		tcp_tw_input(s, r, seg);
		return;
	}
	if (l != NULL) {
		listen_input(s, l, seg);
		return;
	}
	/* RFC 9293 3.10.7.1: CLOSED. */
	TT_INC(s->st, drop_no_listener);
	tcp_send_rst_reply(s, seg);
}

void
tcp_input(struct tcp_stack *s, const struct tcp_seg *seg, uint64_t now)
{
	input_h(s, seg, tcp_tuple_hash(&seg->t), now);
}

void
tcp_input_burst(struct tcp_stack *s, const struct tcp_seg *segs, unsigned n,
		uint64_t now)
{
	bool ct = s->ct.count >= s->prefetch_min;
	bool tw = s->tw.rec != NULL && tw_count(&s->tw) >= s->prefetch_min;
	uint32_t h[TCP_BURST_MAX];

	if (!ct && !tw) {
		for (unsigned i = 0; i < n; i++)
			tcp_input(s, &segs[i], now);
		return;
	}
	/* Each segment's hash, computed here for the prefetches, serves
	 * its lookups too (input_h).  Two passes of prefetches so the
	 * bucket misses of the burst overlap, then those of the chain heads
	 * they point to; TIME_WAIT is looked up on a connection-table miss,
	 * which is a SYN in the common case.  A FIN is what puts an active
	 * closer's connection in TIME_WAIT: its index buckets, where the
	 * record's entry goes, are fetched with the others instead of
	 * missing one at a time in tw_insert. */
	for (unsigned base = 0; base < n; base += TCP_BURST_MAX) {
		unsigned k = n - base < TCP_BURST_MAX ? n - base : TCP_BURST_MAX;
		const struct tcp_seg *sg = segs + base;

		for (unsigned i = 0; i < k; i++) {
			h[i] = tcp_tuple_hash(&sg[i].t);
			if (ct)
				ct_prefetch(&s->ct, h[i]);
			if (tw && (sg[i].flags & (TCP_F_SYN | TCP_F_FIN)))
				tw_prefetch(&s->tw, h[i]);
		}
		for (unsigned i = 0; i < k; i++) {
			if (ct)
				ct_prefetch_node(&s->ct, h[i]);
			if (tw && (sg[i].flags & TCP_F_SYN))
				tw_prefetch_rec(&s->tw, h[i]);
		}
		for (unsigned i = 0; i < k; i++)
			input_h(s, &sg[i], h[i], now);
	}
}
