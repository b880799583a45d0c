/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tail loss probe (RFC 8985 7), as Linux with net.ipv4.tcp_early_retrans = 3
 * (tcp_schedule_loss_probe, tcp_send_loss_probe): when the last segment of
 * a flight (or the FIN) goes unacknowledged, send it once more after a
 * probe timeout (PTO) shorter than the RTO, so a lost tail is repaired
 * without waiting for the RTO and its backoff.  The probe does not back
 * off the RTO; the RTO restarts from the probe.
 */
#include "tcp/tcp_priv.h"

/* Linux's TCP_TIMEOUT_MIN (2 jiffies): the PTO's allowance with several
 * segments in flight, where an ACK is not delayed. */
#define TCP_TLP_MIN_US 2000u

static bool
tlp_enabled(const struct tcp_stack *s, const struct tcp_conn *c)
{
	uint8_t er = s->cfg->early_retrans;

	/* Linux: only values 3 and 4 enable TLP, and only with SACK, since
	 * the peer's SACK (or DSACK) tells whether the probe repaired a
	 * loss (RFC 8985 7.4). */
	return (er == 3 || er == 4) && (c->flags & TF_SACK);
}

void
tcp_tlp_recovery(struct tcp_conn *c)
{
	/* Linux schedules probes only in the Open (or CWR) state: not
	 * after an RTO or a fast retransmit until everything outstanding
	 * then is acknowledged.  An RTO also ends a probe episode
	 * (tcp_retransmit_timer clears tlp_high_seq). */
	c->tlp_flags = TLP_RECOVERY;
	c->tlp_recover = c->snd_max;
	c->t_tlp = 0;
}

void
tcp_tlp_schedule(struct tcp_stack *s, struct tcp_conn *c, bool advancing_rto)
{
	uint64_t pto, cap, old = c->t_tlp;

	/* Both callers have brought the wheel up to date with their own
	 * changes (tcp_output) or will (conn_segment, after an ACK): only
	 * a probe deadline that moves needs conn_timer_update here. */
	if (c->snd_una == c->snd_max || !tlp_enabled(s, c) ||
	    (c->tlp_flags & (TLP_RECOVERY | TLP_PROBE_OUT))) {
		/* An outstanding probe: Linux's PTO would only re-arm the
		 * RTO (tcp_send_loss_probe, "at most one outstanding TLP"),
		 * which t_rtx already is. */
		c->t_tlp = 0;
		if (old != 0)
			conn_timer_update(s, c);
		return;
	}
	/* RFC 8985 7.2: PTO = 2 * SRTT; with one segment in flight the
	 * peer may delay its ACK, so Linux adds rto_min (its delayed-ACK
	 * ceiling, TCP_DELACK_MAX = TCP_RTO_MIN = 200 ms), else 2 ms; with
	 * no RTT sample yet, TCP_TIMEOUT_INIT. */
	if (c->srtt) {
		bool one_segment = SEQ_LEQ(c->tlp_tail, c->snd_una);

		pto = 2ull * c->srtt + (one_segment ? s->cfg->rto_min : TCP_TLP_MIN_US);
	} else {
		pto = s->cfg->rto_initial;
	}
	/* Never later than the RTO: after an ACK, one full RTO from now;
	 * after sending, what is left of the running RTO. */
	if (advancing_rto)
		cap = c->rto;
	else
		cap = c->t_rtx > s->now ? c->t_rtx - s->now : 0;
	if (cap > 0 && cap < pto)
		pto = cap;
	c->t_tlp = s->now + pto;
	if (c->t_tlp != old)
		conn_timer_update(s, c);
}

void
tcp_tlp_ack_slow(struct tcp_stack *s, struct tcp_conn *c)
{
	/* RFC 8985 7.4.2 and Linux tcp_process_tlp_ack: the episode ends
	 * when an ACK goes beyond what the probe covered (a loss it
	 * repaired, or newer data acknowledged); a probe of new data ends
	 * when that data is acknowledged. */
	if ((c->tlp_flags & TLP_PROBE_OUT) && SEQ_GEQ(c->snd_una, c->tlp_high) &&
	    (SEQ_GT(c->snd_una, c->tlp_high) || !(c->tlp_flags & TLP_PROBE_RTX)))
		c->tlp_flags &= ~(TLP_PROBE_OUT | TLP_PROBE_RTX);
	if ((c->tlp_flags & TLP_RECOVERY) && SEQ_GEQ(c->snd_una, c->tlp_recover))
		c->tlp_flags &= ~TLP_RECOVERY;
	tcp_tlp_schedule(s, c, true);
}

void
tcp_tlp_fire(struct tcp_stack *s, struct tcp_conn *c)
{
	uint32_t before = c->snd_max;

	if (c->snd_una == c->snd_max || (c->tlp_flags & (TLP_RECOVERY | TLP_PROBE_OUT)))
		return;
	if (!tcp_send_tail_probe(s, c))
		return;
	TT_INC(s->st, tlp_probes);
	c->tlp_flags |= TLP_PROBE_OUT;
	if (c->snd_max == before)
		c->tlp_flags |= TLP_PROBE_RTX;
	c->tlp_high = c->snd_max;
	/* Linux tcp_send_loss_probe -> tcp_rearm_rto: a full RTO (not
	 * backed off) from the probe. */
	c->t_rtx = s->now + c->rto;
	conn_timer_update(s, c);
}
