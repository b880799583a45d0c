/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME_WAIT: turning a connection into a compact record, and what a
 * segment that hits a record does (teardown.md "Segments that arrive in
 * TIME_WAIT"; Linux tcp_timewait_state_process()).  tw_verdict() decides,
 * tcp_tw_input() acts, so each decision is testable on its own.
 */
#include "tcp/tcp_priv.h"
#include "tcp/tcp_timewait.h"

static uint32_t
tw_expiry(const struct tcp_stack *s)
{
	/* Rounded up to the next ms: TIME_WAIT never ends early. */
	return (uint32_t)((s->now + s->cfg->time_wait + US_PER_MS - 1) / US_PER_MS);
}

void
tcp_enter_time_wait(struct tcp_stack *s, struct tcp_conn *c)
{
	struct tw_rec *r = NULL;

	if (s->tw.rec != NULL) {
		if (s->tw.count >= s->tw.capacity &&
		    s->cfg->tw_policy == TT_TW_EVICT_OLDEST) {
			/* FreeBSD's policy: the oldest record makes room. */
			tw_remove(&s->tw, tw_oldest(&s->tw));
			s->st->state[TCP_TIME_WAIT]--;
			TT_INC(s->st, tw_evicted);
		}
		/* The connection table's hash of the tuple is the TIME_WAIT
		 * index's (tcp_tuple_hash): not computed again. */
		r = tw_insert_h(&s->tw, &c->node.t, c->node.hash, tw_expiry(s));
	}
	if (r == NULL) {
		/* Linux's policy (tcp_max_tw_buckets): no record, straight to
		 * CLOSED, TCPTimeWaitOverflow. */
		TT_INC(s->st, tw_overflow);
		conn_release(s, c, TCP_CLOSED_NORMAL);
		return;
	}
	r->snd_nxt = c->snd_nxt;
	r->rcv_nxt = c->rcv_nxt;
	r->ts_recent = c->ts_recent;
	tw_set_ts_stamp(&s->tw, r, c->ts_recent_stamp);
	/* The window to advertise is derived from the config and this flag
	 * (tw_rcv_wnd_field): a TIME_WAIT connection is past its SYN. */
	r->flags = ((c->flags & TF_TS) ? TW_F_TS : 0) |
		((c->flags & TF_WS) ? TW_F_WS : 0);
	s->st->state[TCP_TIME_WAIT]++;
	TT_INC(s->st, tw_created);
	conn_release(s, c, TCP_CLOSED_NORMAL);
}

enum tw_verdict
tw_verdict(const struct tt_tcp_config *cfg, const struct tw_table *tw, struct tw_rec *r,
	   const struct tcp_seg *seg, uint32_t now_ms, uint32_t *isn)
{
	bool rst = seg->flags & TCP_F_RST;
	bool syn = seg->flags & TCP_F_SYN;
	bool ack = seg->flags & TCP_F_ACK;
	bool fin = seg->flags & TCP_F_FIN;
	bool seg_ts = seg->opts & TCP_OPT_TS;
	bool use_ts = seg_ts && (r->flags & TW_F_TS);
	/* RFC 7323 5.3: PAWS; a record is far younger than 24 days. */
	bool paws_reject = use_ts && !rst && (int32_t)(seg->tsval - r->ts_recent) < 0;
	uint32_t seg_len = seg->len + syn + fin;

	if (!paws_reject && seg->seq == r->rcv_nxt && (seg_len == 0 || rst)) {
		/* In window: only a bare ACK or an RST can be here. */
		if (rst) {
			/* RFC 1337 "TIME-WAIT assassination": Linux kills the
			 * record unless tcp_rfc1337 = 1. */
			if (cfg->rfc1337 == 0)
				return TW_KILL;
			return TW_RST_IGNORED;
		}
		/* Linux restarts 2MSL on any ACK that reaches the record
		 * (the caller does). */
		if (seg_ts) {
			r->ts_recent = seg->tsval;
			tw_set_ts_stamp(tw, r, now_ms);
		}
		return TW_DROP_RESTART;
	}
	if (syn && !rst && !ack && !paws_reject &&
	    (use_ts ? (int32_t)(seg->tsval - r->ts_recent) > 0 :
		      SEQ_GT(seg->seq, r->rcv_nxt))) {
		/* RFC 6191 (RFC 9293 SHLD-4): a new incarnation.  Its ISN is
		 * beyond anything the old one sent (Linux: snd_nxt + 65537). */
		uint32_t n = r->snd_nxt + 65535 + 2;

		*isn = n ? n : 1;
		return TW_SYN;
	}
	if (rst)
		return paws_reject ? TW_PAWS : TW_RST_IGNORED;
	if (seg->len > 0 || (fin && !syn)) {
		/* Data or a FIN is no ACK loop: answer every one, restart
		 * 2MSL (RFC 9293 3.10.7.4: "restart the 2 MSL timeout"). */
		if (paws_reject)
			return TW_PAWS_ACK;
		return fin ? TW_ACK_FIN : TW_ACK;
	}
	/* Pure ACKs and SYNs: at most one duplicate ACK per 500 ms
	 * (Linux tcp_timewait_check_oow_rate_limit). */
	if (tw_oow_recent(r, now_ms, TCP_OOW_RATE_US / US_PER_MS))
		return paws_reject ? TW_PAWS : (syn ? TW_SYN_REFUSED_QUIET : TW_DROP_RESTART);
	tw_oow_set(r, now_ms);
	if (paws_reject)
		return TW_PAWS_ACK;
	return syn ? TW_SYN_REFUSED : TW_ACK;
}

/* What tcp_rcv_wnd_field() gave the connection after its SYN. */
static uint16_t
tw_rcv_wnd_field(const struct tcp_stack *s, const struct tw_rec *r)
{
	uint32_t w = s->cfg->rcv_wnd;

	if (r->flags & TW_F_WS)
		w >>= s->cfg->wscale;
	return w > 0xffff ? 0xffff : (uint16_t)w;
}

static void
tw_send_ack(struct tcp_stack *s, const struct tw_rec *r)
{
	struct tcp_seg seg = {
		.seq = r->snd_nxt,
		.ack = r->rcv_nxt,
		.flags = TCP_F_ACK,
		.wnd = tw_rcv_wnd_field(s, r),
	};

	tw_tuple(&s->tw, r, &seg.t);
	if (r->flags & TW_F_TS) {
		seg.opts = TCP_OPT_TS;
		seg.tsval = tcp_ts_now(s->now, tcp_ts_offset(s, &seg.t));
		seg.tsecr = r->ts_recent;
	}
	if (s->fault != NULL && tcp_fault_tx_tw(s))
		return;
	tcp_emit(s, NULL, &seg, NULL, NULL);
}

static void
tw_kill(struct tcp_stack *s, struct tw_rec *r)
{
	tw_remove(&s->tw, r);
	s->st->state[TCP_TIME_WAIT]--;
}

bool
tcp_tw_reap_due(struct tcp_stack *s, struct tw_rec *r, uint32_t now_ms)
{
	if (!tw_reap_due(&s->tw, r, now_ms))
		return false;
	s->st->state[TCP_TIME_WAIT]--;
	TT_INC(s->st, tw_expired);
	return true;
}

void
tcp_tw_input(struct tcp_stack *s, struct tw_rec *r, const struct tcp_seg *seg)
{
	uint32_t now_ms = ms_of(s->now);
	uint32_t isn = 0;
	struct tcp_listener *l;
	bool ack = seg->flags & TCP_F_ACK;

	enum tw_verdict v = tw_verdict(s->cfg, &s->tw, r, seg, now_ms, &isn);

	/* A SYN that PAWS rejects is a refused takeover as well. */
	if ((v == TW_PAWS || v == TW_PAWS_ACK) && (seg->flags & TCP_F_SYN))
		TT_INC(s->st, tw_syn_refused);
	switch (v) {
	case TW_KILL:
		TT_INC(s->st, tw_rst_killed);
		TT_INC(s->st, rsts_received);
		tw_kill(s, r);
		return;
	case TW_RST_IGNORED:
		TT_INC(s->st, tw_rst_ignored);
		TT_INC(s->st, rsts_ignored);
		return;
	case TW_DROP_RESTART:
		if (ack)
			r = tw_restart(&s->tw, r, tw_expiry(s));
		return;
	case TW_SYN:
		l = tcp_find_listener(s, seg->t.lport);
		if (l == NULL || !s->accepting) {
			/* No one to take it over (a client-side record, or a
			 * draining server): as Linux (TCP_TW_SYN without a
			 * listener falls through to TCP_TW_ACK), keep the
			 * record and answer with a duplicate ACK. */
			TT_INC(s->st, tw_syn_refused);
			TT_INC(s->st, tw_dup_acks);
			tw_send_ack(s, r);
			return;
		}
		if (s->free_list == NULL) {
			/* No record for the new incarnation: keep the old
			 * one (its 2MSL still guards the tuple) and drop the
			 * SYN, which the peer retransmits; killing it first
			 * would lose the record and answer RST. */
			TT_INC(s->st, tw_syn_table_full);
			return;
		}
		tw_kill(s, r);
		TT_INC(s->st, tw_syn_accepted);
		tcp_passive_open(s, l, seg, isn);
		return;
	case TW_SYN_REFUSED:
		TT_INC(s->st, tw_syn_refused);
		TT_INC(s->st, tw_dup_acks);
		tw_send_ack(s, r);
		return;
	case TW_SYN_REFUSED_QUIET:
		TT_INC(s->st, tw_syn_refused);
		return;
	case TW_PAWS:
		TT_INC(s->st, tw_paws_drops);
		if (!(seg->flags & TCP_F_RST))
			r = tw_restart(&s->tw, r, tw_expiry(s));
		return;
	case TW_PAWS_ACK:
		TT_INC(s->st, tw_paws_drops);
		TT_INC(s->st, tw_dup_acks);
		r = tw_restart(&s->tw, r, tw_expiry(s));
		tw_send_ack(s, r);
		return;
	case TW_ACK_FIN:
		/* teardown.md: a retransmitted FIN (our last ACK was lost) is
		 * ACKed again and 2MSL starts over. */
		TT_INC(s->st, tw_reacked);
		r = tw_restart(&s->tw, r, tw_expiry(s));
		tw_send_ack(s, r);
		return;
	case TW_ACK:
		TT_INC(s->st, tw_dup_acks);
		if (ack)
			r = tw_restart(&s->tw, r, tw_expiry(s));
		tw_send_ack(s, r);
		return;
	}
}
