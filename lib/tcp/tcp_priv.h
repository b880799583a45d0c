/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_PRIV_H
#define TT_TCP_PRIV_H

/* Shared between the stack's own files; not for applications. */

#include "tcp/tcp.h"

/* Sequence arithmetic, RFC 9293 3.4 (modulo 2^32). */
#define SEQ_LT(a, b)  ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

#define US_PER_MS 1000ull
#define US_PER_S  1000000ull

/* Linux constants that are not knobs. */
#define TCP_DEFAULT_MSS       536     /* RFC 9293 3.7.1, no MSS option */
#define TCP_DEFAULT_MSS6      1220    /* the same for IPv6 (RFC 8200 5: MTU 1280) */
#define TCP_IP6_EXTRA         20      /* IPv6 header - IPv4 header */
#define TCP_MIN_SND_MSS       48      /* TCP_MIN_SND_MSS: 40 B of options + 8 of data */
#define TCP_OOW_RATE_US       500000  /* tcp_invalid_ratelimit: 500 ms */
#define TCP_CHALLENGE_PER_SEC 1000    /* tcp_challenge_ack_limit */
#define TCP_PAWS_24DAYS_MS    (24ull * 24 * 3600 * 1000)  /* RFC 7323 5.5 */
#define TCP_RST_MAX_PER_INPUT 1
#define TCP_TIMER_BUDGET      1024    /* timer callbacks per poll */

/* Something not sent yet: data beyond snd_nxt, or a FIN never sent
 * (what a shut window holds back, and the persist timer probes for). */
static inline bool
tcp_send_waiting(const struct tcp_conn *c)
{
	return SEQ_LT(c->snd_nxt, c->snd_end) ||
		(c->flags & (TF_FIN_QUEUED | TF_FIN_SENT)) == TF_FIN_QUEUED;
}

/* The MSS a peer that sent none may be sent (RFC 9293 3.7.1). */
static inline uint16_t
tcp_default_mss(const struct tcp_tuple *t)
{
	return t->v6 ? TCP_DEFAULT_MSS6 : TCP_DEFAULT_MSS;
}

/*
 * The MSS we announce on t's family: [tcp] mss is the IPv4 one (MTU - 40);
 * over IPv6 the header is 20 bytes longer (MTU - 60, issue 12), but never
 * below 1220, IPv6's minimum MTU less headers, unless mss itself is.
 */
static inline uint16_t
tcp_own_mss(const struct tcp_stack *s, const struct tcp_tuple *t)
{
	uint16_t m = s->cfg->mss;

	if (!t->v6)
		return m;
	if (m >= TCP_DEFAULT_MSS6 + TCP_IP6_EXTRA)
		return (uint16_t)(m - TCP_IP6_EXTRA);
	return m < TCP_DEFAULT_MSS6 ? m : TCP_DEFAULT_MSS6;
}

/* tcp_tuple_hash(t), from the last tcp_lookup() when that was of t: a
 * client's connect follows its check that the tuple is free, and the
 * compare costs a fraction of the hash. */
static inline uint32_t
tcp_hash_memo(const struct tcp_stack *s, const struct tcp_tuple *t)
{
	return tcp_tuple_eq(&s->memo_t, t) ? s->memo_h : tcp_tuple_hash(t);
}

static inline uint32_t
ms_of(uint64_t us)
{
	return (uint32_t)(us / US_PER_MS);
}

static inline struct tcp_conn *
conn_of_timer(struct tmw_timer *t)
{
	return (struct tcp_conn *)((char *)t - __builtin_offsetof(struct tcp_conn, timer));
}

/* tcp_fault.c: true when the segment is to be dropped (counted). */
bool tcp_fault_tx(struct tcp_stack *s, const struct tcp_conn *c,
		  const struct tcp_seg *seg);
bool tcp_fault_tx_tw(struct tcp_stack *s);
bool tcp_fault_rx(struct tcp_stack *s, const struct tcp_conn *c,
		  const struct tcp_seg *seg);
bool tcp_fault_rx_tw(struct tcp_stack *s, const struct tcp_seg *seg);

/* Every segment leaves through here: the one place faults are injected. */
static inline void
tcp_emit(struct tcp_stack *s, const struct tcp_conn *c, const struct tcp_seg *seg,
	 tcp_fill_fn fill, void *fill_arg)
{
	if (s->fault != NULL && c != NULL && tcp_fault_tx(s, c, seg))
		return;
	s->ops.xmit(s->ops_arg, seg, fill, fill_arg);
}

/* tcp_stack.c */
static inline void
conn_set_state(struct tcp_stack *s, struct tcp_conn *c, enum tcp_state st)
{
	s->st->state[c->state]--;
	s->st->state[st]++;
	c->state = (uint8_t)st;
}

/* h: tcp_tuple_hash(t), which the caller has from its lookup. */
struct tcp_conn *conn_alloc(struct tcp_stack *s, const struct tcp_tuple *t, uint32_t h);
void conn_release(struct tcp_stack *s, struct tcp_conn *c, enum tcp_close_reason why);
void conn_timer_set(struct tcp_stack *s, struct tcp_conn *c);

/* After a deadline of c changed: its wheel entry follows, at once, or at
 * the end of the segment being processed for c (s->timer_defer). */
static inline void
conn_timer_update(struct tcp_stack *s, struct tcp_conn *c)
{
	if (c != s->timer_defer)
		conn_timer_set(s, c);
}
uint32_t tcp_isn(struct tcp_stack *s, const struct tcp_tuple *t);
uint32_t tcp_ts_offset(struct tcp_stack *s, const struct tcp_tuple *t);
uint64_t tcp_rand(struct tcp_stack *s);
struct tcp_listener *tcp_find_listener(struct tcp_stack *s, uint16_t port);
uint32_t tcp_orphan_retries(const struct tcp_stack *s);

/* tcp_output.c */
void tcp_send_ack(struct tcp_stack *s, struct tcp_conn *c);
void tcp_send_syn(struct tcp_stack *s, struct tcp_conn *c);   /* SYN or SYN-ACK by state */
void tcp_send_rst_conn(struct tcp_stack *s, struct tcp_conn *c);
void tcp_send_rst_reply(struct tcp_stack *s, const struct tcp_seg *seg);
void tcp_send_keepalive_probe(struct tcp_stack *s, struct tcp_conn *c);
void tcp_retransmit(struct tcp_stack *s, struct tcp_conn *c);
void tcp_retransmit_one(struct tcp_stack *s, struct tcp_conn *c);
bool tcp_sack_retransmit(struct tcp_stack *s, struct tcp_conn *c);
/* The retransmission timer restarts: one RTO from now. */
static inline void
tcp_arm_rto(struct tcp_stack *s, struct tcp_conn *c)
{
	c->t_rtx = s->now + c->rto;
	conn_timer_update(s, c);
}
bool tcp_send_tail_probe(struct tcp_stack *s, struct tcp_conn *c);

/* Inline: every segment sent and every acceptability test reads it. */
static inline uint16_t
tcp_rcv_wnd_field(const struct tcp_stack *s, const struct tcp_conn *c)
{
	uint32_t w = s->cfg->rcv_wnd;

	/* RFC 7323 2.2: the window in a SYN or SYN-ACK is never scaled. */
	if ((c->flags & TF_WS) && c->state != TCP_SYN_SENT && c->state != TCP_SYN_RECEIVED)
		w >>= c->rcv_wscale;
	return w > 0xffff ? 0xffff : (uint16_t)w;
}

static inline bool
tcp_fin_acked(const struct tcp_conn *c)
{
	/* The FIN occupies sequence number snd_end. */
	return (c->flags & TF_FIN_SENT) && SEQ_GT(c->snd_una, c->snd_end);
}

/* tcp_timewait.c */
void tcp_enter_time_wait(struct tcp_stack *s, struct tcp_conn *c);
void tcp_tw_input(struct tcp_stack *s, struct tw_rec *r, const struct tcp_seg *seg);

/* tcp_input.c */
void tcp_passive_open(struct tcp_stack *s, struct tcp_listener *l,
		      const struct tcp_seg *seg, uint32_t iss);
/* The SYN_RECEIVED record for seg (a SYN) with our ISN iss, nothing sent;
 * NULL when the table is full (counted in conn_table_full). */
struct tcp_conn *tcp_syn_recv_conn(struct tcp_stack *s, struct tcp_listener *l,
				   const struct tcp_seg *seg, uint32_t iss);

/* tcp_syncookie.c */
enum tcp_cookie_verdict {
	TCP_COOKIE_NONE,   /* not read as a cookie: the listener's RST */
	TCP_COOKIE_BAD,    /* a cookie that fails (syncookies_failed): RST */
	TCP_COOKIE_FULL,   /* valid, but no record free: dropped */
	TCP_COOKIE_OK,     /* *cp created in SYN_RECEIVED: process the ACK */
};
/* A SYN to a listener: true when it was answered with a cookie or dropped
 * (SYN_RECEIVED backlog full, cookies off), false to open as usual. */
bool tcp_syncookie_syn(struct tcp_stack *s, const struct tcp_seg *seg);
enum tcp_cookie_verdict tcp_syncookie_ack(struct tcp_stack *s, struct tcp_listener *l,
					  const struct tcp_seg *seg, struct tcp_conn **cp);

/* tcp_tlp.c: tail loss probe (RFC 8985 7) */
#define TLP_PROBE_OUT  0x01   /* a probe is outstanding: one per tail */
#define TLP_RECOVERY   0x02   /* RTO or fast recovery: no probe until
				 tlp_recover is acknowledged */
#define TLP_PROBE_RTX  0x04   /* the probe was a retransmission */
/* A new segment starting at seq went out: the tail a probe resends. */
static inline void
tcp_tlp_sent_new(struct tcp_conn *c, uint32_t seq)
{
	c->tlp_tail = seq;
}
void tcp_tlp_schedule(struct tcp_stack *s, struct tcp_conn *c, bool advancing_rto);
void tcp_tlp_ack_slow(struct tcp_stack *s, struct tcp_conn *c);

/* An ACK that moved snd_una.  Inline the usual case, everything
 * acknowledged with no probe episode or recovery open: no probe to
 * schedule (what tcp_tlp_ack_slow would conclude). */
static inline void
tcp_tlp_ack(struct tcp_stack *s, struct tcp_conn *c)
{
	if (c->tlp_flags == 0 && c->snd_una == c->snd_max) {
		if (c->t_tlp != 0) {
			c->t_tlp = 0;
			conn_timer_update(s, c);
		}
		return;
	}
	tcp_tlp_ack_slow(s, c);
}
void tcp_tlp_recovery(struct tcp_conn *c);
void tcp_tlp_fire(struct tcp_stack *s, struct tcp_conn *c);

/* tcp_timers.c */
void tcp_timer_expired(struct tmw_timer *t, void *arg, uint64_t now);

#endif
