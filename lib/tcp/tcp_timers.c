/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What each timer does when it fires: retransmission (SYN, SYN-ACK, data,
 * FIN) with backoff and give-up, the tail loss probe (tcp_tlp.c), delayed
 * ACK, keep-alive, the orphaned FIN_WAIT_2 timeout, the application's
 * timer; and TIME_WAIT expiry.
 */
#include "tcp/tcp_priv.h"
#include "tcp/tw_budget.h"

static void
backoff(struct tcp_stack *s, struct tcp_conn *c)
{
	uint64_t rto = (uint64_t)c->rto * 2;

	c->rto = (uint32_t)(rto > s->cfg->rto_max ? s->cfg->rto_max : rto);
}

/* SYN or SYN-ACK again, or give up after `limit` retries (Linux
 * tcp_syn_retries / tcp_synack_retries).  Returns false when c is gone. */
static bool
resend_syn(struct tcp_stack *s, struct tcp_conn *c, uint32_t limit)
{
	bool active = c->state == TCP_SYN_SENT;

	if (c->retries >= limit) {
		if (active) {
			TT_INC(s->st, syn_give_ups);
			TT_INC(s->st, connect_failed_timeout);
		} else {
			TT_INC(s->st, synack_give_ups);
		}
		conn_release(s, c, TCP_CLOSED_TIMEOUT);
		return false;
	}
	c->retries++;
	c->flags &= ~TF_RTT;
	c->flags |= TF_RETRANS;
	backoff(s, c);
	if (active)
		TT_INC(s->st, syn_retransmits);
	else
		TT_INC(s->st, synack_retransmits);
	tcp_send_syn(s, c);
	tcp_arm_rto(s, c);
	return true;
}

/* Retransmission timer (RFC 6298 5.4-5.6).  Returns false when c is gone. */
static bool
timer_rexmt(struct tcp_stack *s, struct tcp_conn *c)
{
	const struct tt_tcp_config *cfg = s->cfg;
	uint32_t limit;

	switch (c->state) {
	case TCP_SYN_RECEIVED:
		return resend_syn(s, c, cfg->synack_retries);
	case TCP_SYN_SENT:
		return resend_syn(s, c, cfg->syn_retries);
	default:
		break;
	}
	/* teardown.md: an orphan (close() done) gives up after
	 * orphan_retries, a connection its application still holds after
	 * retries2.  The timer that finds the limit reached is the one
	 * "backed-off timeout" after the last retry. */
	limit = (c->flags & TF_ORPHAN) ? tcp_orphan_retries(s) : cfg->retries2;
	if (c->retries >= limit) {
		if (c->flags & TF_ORPHAN)
			TT_INC(s->st, orphan_give_ups);
		else
			TT_INC(s->st, retries2_give_ups);
		conn_release(s, c, TCP_CLOSED_TIMEOUT);
		return false;
	}
	c->retries++;
	backoff(s, c);
	tcp_retransmit(s, c);
	return true;
}

/* Keep-alive (RFC 9293 3.8.4, Linux tcp_keepalive_timer) or, for an
 * orphan in FIN_WAIT_2, fin_timeout.  Returns false when c is gone. */
static bool
timer_keepalive(struct tcp_stack *s, struct tcp_conn *c)
{
	const struct tt_tcp_config *cfg = s->cfg;
	uint64_t idle;

	if (c->state == TCP_FIN_WAIT_2 && (c->flags & TF_ORPHAN)) {
		TT_INC(s->st, fin_wait2_timeouts);
		conn_release(s, c, TCP_CLOSED_TIMEOUT);
		return false;
	}
	/* Linux probes whenever the application still holds a synchronized
	 * connection: ESTABLISHED, CLOSE_WAIT, a half-closed FIN_WAIT_2. */
	if (!cfg->keepalive || (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT &&
				c->state != TCP_FIN_WAIT_2))
		return true;
	idle = s->now - c->last_rx;
	if (c->ka_probes == 0 && idle < cfg->keepalive_time) {
		c->t_ka = c->last_rx + cfg->keepalive_time;
		return true;
	}
	if (c->ka_probes >= cfg->keepalive_probes) {
		/* Dead peer: Linux resets (tcp_send_active_reset). */
		TT_INC(s->st, keepalive_kills);
		tcp_send_rst_conn(s, c);
		conn_release(s, c, TCP_CLOSED_TIMEOUT);
		return false;
	}
	c->ka_probes++;
	tcp_send_keepalive_probe(s, c);
	c->t_ka = s->now + cfg->keepalive_intvl;
	return true;
}

void
tcp_timer_expired(struct tmw_timer *t, void *arg, uint64_t now)
{
	struct tcp_stack *s = arg;
	struct tcp_conn *c = conn_of_timer(t);

	s->now = now;
	if (c->t_dack && c->t_dack <= now) {
		c->t_dack = 0;
		if (c->flags & TF_DELACK) {
			TT_INC(s->st, delayed_acks);
			tcp_send_ack(s, c);
		}
	}
	/* The probe first: when the PTO equals the RTO, Linux's one
	 * transmit timer is the probe's, and the probe restarts the RTO. */
	if (c->t_tlp && c->t_tlp <= now) {
		c->t_tlp = 0;
		tcp_tlp_fire(s, c);
	}
	if (c->t_rtx && c->t_rtx <= now) {
		c->t_rtx = 0;
		if (!timer_rexmt(s, c))
			return;
	}
	if (c->t_ka && c->t_ka <= now) {
		c->t_ka = 0;
		if (!timer_keepalive(s, c))
			return;
	}
	if (c->t_app && c->t_app <= now) {
		c->t_app = 0;
		if (c->app->timer != NULL && !(c->flags & TF_ORPHAN)) {
			c->app->timer(c->app_arg, c, now);
			if (c->flags & TF_FREED)
				return;
		}
	}
	conn_timer_update(s, c);
}

unsigned
tcp_timers_run(struct tcp_stack *s, uint64_t now)
{
	unsigned fired;
	uint32_t n;

	s->now = now;
	fired = tmw_advance(s->wheel, now, TCP_TIMER_BUDGET, tcp_timer_expired, s);
	if (s->tw.rec != NULL) {
		uint64_t created = s->st->c[TT_C_tw_created];
		uint32_t now_ms = ms_of(now);
		uint32_t budget = tw_pacer_begin(&s->tw_pace, now_ms, created);

		n = tw_expire(&s->tw, now_ms, budget);
		s->st->state[TCP_TIME_WAIT] -= n;
		TT_ADD(s->st, tw_expired, n);
		TT_ADD(s->st, tw_expired_late, s->tw.expired_late);
		TT_ADD(s->st, tw_expired_deferred, s->tw.expired_deferred);
		s->tw.expired_late = 0;
		s->tw.expired_deferred = 0;
		tw_pacer_end(&s->tw_pace, budget, n, created);
		fired += n;
	}
	return fired;
}
