/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stack's records and the application's verbs: connection allocation and
 * release, state bookkeeping, listeners, close/shutdown/abort, drain.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>

#include "stats/rng.h"
#include "tcp/tcp_priv.h"
#include "tcp/tw_budget.h"

uint64_t
tcp_rand(struct tcp_stack *s)
{
	return tt_rand64(&s->rng);
}

int
tcp_stack_init(struct tcp_stack *s, const struct tt_tcp_config *cfg,
	       struct tt_stats *st, const struct tcp_stack_ops *ops, void *ops_arg,
	       uint32_t tw_capacity, uint64_t tick_us, uint64_t seed, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->st = st;
	s->ops = *ops;
	s->ops_arg = ops_arg;
	s->now = now;
	s->rng = seed ? seed : 0x6a09e667f3bcc908ull;
	s->isn_secret = (uint32_t)tcp_rand(s);
	for (unsigned i = 0; i < 4; i++)
		s->cookie_key.k[i / 2][i % 2] = tcp_rand(s);
	s->prefetch_min = TCP_PREFETCH_MIN_ENTRIES;
	s->memo_t.v6 = 0xff;        /* no tuple's: the memo starts empty */
	s->ts_memo.v6 = 0xff;
	s->accepting = true;
	s->max_conns = cfg->max_conns;
	if (s->max_conns == 0)
		return -1;
	s->pool = calloc(s->max_conns, sizeof(*s->pool));
	if (s->pool == NULL)
		goto fail;
	for (uint32_t i = s->max_conns; i-- > 0;) {
		s->pool[i].flags = TF_FREED;
		s->pool[i].node.next = (struct ct_node *)s->free_list;
		s->free_list = &s->pool[i];
	}
	if (ct_init(&s->ct, s->max_conns) < 0)
		goto fail;
	if (tw_capacity > 0 && tw_init(&s->tw, tw_capacity) < 0)
		goto fail;
	if (tw_capacity > 0) {
		s->tw.late_ms = tick_us >= 2000 ? (uint32_t)(tick_us / 1000) : 1;
		tw_set_span(&s->tw, (uint32_t)(cfg->time_wait / 1000));
	}
	tw_pacer_init(&s->tw_pace, ms_of(now));
	s->wheel = tmw_create(tick_us, now);
	if (s->wheel == NULL)
		goto fail;
	/* Without hold there is nothing to keep out-of-order data in. */
	if (ops->hold != NULL && tcp_ofo_pool_init(&s->ofo_pool, cfg->ofo_mbufs) < 0)
		goto fail;
	return 0;
fail:
	tcp_stack_fini(s);
	return -1;
}

void
tcp_stack_fini(struct tcp_stack *s)
{
	if (s->st == NULL)
		return;
	if (s->tw.rec != NULL) {
		s->st->state[TCP_TIME_WAIT] -= s->tw.count;
		tw_free(&s->tw);
	}
	if (s->pool != NULL) {
		for (uint32_t i = 0; i < s->max_conns; i++) {
			if (s->pool[i].flags & TF_FREED)
				continue;
			s->st->state[s->pool[i].state]--;
			/* Held buffers go back to their pool. */
			tcp_ofo_purge(s, &s->pool[i]);
		}
	}
	s->st->state[TCP_LISTEN] -= s->n_listen;
	s->n_listen = 0;
	free(s->pool);
	s->pool = NULL;
	tcp_ofo_pool_fini(&s->ofo_pool);
	ct_free(&s->ct);
	if (s->wheel != NULL)
		tmw_destroy(s->wheel);
	s->wheel = NULL;
}

void
tcp_stack_set_cookie_secret(struct tcp_stack *s, const void *bytes, size_t len)
{
	tcp_syncookie_key_set(&s->cookie_key, bytes, len);
}

int
tcp_listen(struct tcp_stack *s, uint16_t port, const struct tcp_app_ops *app,
	   void *app_arg)
{
	if (s->n_listen >= TT_MAX_LISTEN || tcp_find_listener(s, port) != NULL)
		return -1;
	s->listen[s->n_listen].port = port;
	s->listen[s->n_listen].app = app;
	s->listen[s->n_listen].app_arg = app_arg;
	s->n_listen++;
	s->st->state[TCP_LISTEN]++;
	return 0;
}

struct tcp_listener *
tcp_find_listener(struct tcp_stack *s, uint16_t port)
{
	for (unsigned i = 0; i < s->n_listen; i++)
		if (s->listen[i].port == port)
			return &s->listen[i];
	return NULL;
}

struct tcp_conn *
tcp_lookup(struct tcp_stack *s, const struct tcp_tuple *t)
{
	uint32_t h = tcp_tuple_hash(t);

	/* Remembered for a tcp_connect() of the same tuple, which a client
	 * calls right after finding the tuple free (tcp_hash_memo). */
	s->memo_t = *t;
	s->memo_h = h;
	return (struct tcp_conn *)ct_lookup_h(&s->ct, t, h);
}

struct tw_rec *
tcp_tw_lookup(struct tcp_stack *s, const struct tcp_tuple *t)
{
	return s->tw.rec != NULL ? tw_lookup(&s->tw, t) : NULL;
}

/* RFC 6528: ISN = M + F(4-tuple, secret), M a 4 us clock. */
uint32_t
tcp_isn(struct tcp_stack *s, const struct tcp_tuple *t)
{
	uint32_t f = t->v6 ?
		rte_jhash(t, offsetof(struct tcp_tuple, v6), s->isn_secret) :
		rte_jhash_3words(t->laddr.v4, t->raddr.v4,
				 ((uint32_t)t->lport << 16) | t->rport, s->isn_secret);

	return f + (uint32_t)(s->now / 4);
}

/* One timestamp offset per address pair, as Linux (secure_tcp_ts_off):
 * TSvals stay monotonic across successive connections between two hosts,
 * which RFC 6191 TIME_WAIT takeover and PAWS on the peer rely on. */
uint32_t
tcp_ts_offset(struct tcp_stack *s, const struct tcp_tuple *t)
{
	uint32_t off;

	/* The pair of the last call: a client's connections come from one
	 * address port after port, a server's from one client in a row
	 * (the memo starts with v6 = 0xff, no tuple's). */
	if (tt_addr_eq(&t->laddr, &s->ts_memo.laddr) && tt_addr_eq(&t->raddr, &s->ts_memo.raddr) &&
	    t->v6 == s->ts_memo.v6)
		return s->ts_memo_off;
	if (t->v6)
		off = rte_jhash(&t->laddr, 2 * sizeof(t->laddr), s->isn_secret ^ 0x5bd1e995);
	else
		off = rte_jhash_2words(t->laddr.v4, t->raddr.v4, s->isn_secret ^ 0x5bd1e995);
	s->ts_memo = *t;
	s->ts_memo_off = off;
	return off;
}

uint32_t
tcp_orphan_retries(const struct tcp_stack *s)
{
	/* Linux: tcp_orphan_retries = 0 means 8 (tcp_orphan_retries()). */
	return s->cfg->orphan_retries ? s->cfg->orphan_retries : 8;
}

struct tcp_conn *
conn_alloc(struct tcp_stack *s, const struct tcp_tuple *t, uint32_t h)
{
	struct tcp_conn *c = s->free_list;

	if (c == NULL)
		return NULL;
	s->free_list = (struct tcp_conn *)c->node.next;
	memset(c, 0, sizeof(*c));
	c->node.t = *t;
	c->state = TCP_CLOSED;
	s->st->state[TCP_CLOSED]++;
	tmw_timer_init(&c->timer);
	c->opened = s->now;
	c->rto = (uint32_t)s->cfg->rto_initial;
	c->ts_offset = tcp_ts_offset(s, t);
	ct_insert_h(&s->ct, &c->node, h);
	s->n_conns++;
	TT_INC(s->st, conns_opened);
	return c;
}

void
conn_release(struct tcp_stack *s, struct tcp_conn *c, enum tcp_close_reason why)
{
	if (c->flags & TF_FREED)
		return;
	/* Orphans too: the application's fill() may read c->app_state until the
	 * last retransmission, so its per-connection state ends only here.
	 * Mark c orphan first so verbs called from the callback are no-ops. */
	c->flags |= TF_ORPHAN;
	if (c->app != NULL && c->app->closed != NULL)
		c->app->closed(c->app_arg, c, why);
	if (s->ops.conn_end != NULL)
		s->ops.conn_end(s->ops_arg, c, why);
	/* Every way a connection ends comes here (abort, RST, timeouts,
	 * TIME_WAIT entry, drain): its held segments go back. */
	if (c->ofo.head != NULL)
		tcp_ofo_purge(s, c);
	tmw_cancel(s->wheel, &c->timer);
	ct_remove(&s->ct, &c->node);
	s->st->state[c->state]--;
	c->flags = TF_FREED;
	c->node.next = (struct ct_node *)s->free_list;
	s->free_list = c;
	s->n_conns--;
	TT_INC(s->st, conns_closed);
}

/* Arm the connection's single wheel entry for its earliest deadline
 * (conn_timer_update, which skips it while conn_segment defers it). */
void
conn_timer_set(struct tcp_stack *s, struct tcp_conn *c)
{
	/* The earliest non-zero deadline, without branches: 0 (off) - 1
	 * is the largest value, so it never wins the minimum. */
	uint64_t m = c->t_rtx - 1, d;

	m = c->t_tlp - 1 < m ? c->t_tlp - 1 : m;
	m = c->t_dack - 1 < m ? c->t_dack - 1 : m;
	m = c->t_ka - 1 < m ? c->t_ka - 1 : m;
	m = c->t_app - 1 < m ? c->t_app - 1 : m;
	d = m + 1;
	/* None set (m all ones), or only UINT64_MAX ones, as before. */
	if (m >= UINT64_MAX - 1)
		tmw_cancel(s->wheel, &c->timer);
	else if (!tmw_pending(&c->timer) || c->timer.expire != d)
		tmw_arm(s->wheel, &c->timer, d);
}

/* ---- the application's verbs ---- */

void
tcp_send(struct tcp_stack *s, struct tcp_conn *c, uint32_t len)
{
	if (c->flags & (TF_FIN_QUEUED | TF_FREED) || len == 0)
		return;
	c->snd_end += len;
	/* Inside tcp_input the segment is processed whole first, as the
	 * application of a kernel stack reads only afterwards: one output
	 * pass then sends data, FIN and the ACK together. */
	if (!s->in_input && (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT))
		tcp_output(s, c);
}

static void
queue_fin(struct tcp_stack *s, struct tcp_conn *c)
{
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		/* RFC 9293 3.10.4: FIN after the queued data, FIN-WAIT-1. */
		conn_set_state(s, c, TCP_FIN_WAIT_1);
		c->flags |= TF_FIN_QUEUED | TF_ACTIVE_CLOSE;
		TT_INC(s->st, active_closes);
		break;
	case TCP_CLOSE_WAIT:
		conn_set_state(s, c, TCP_LAST_ACK);
		c->flags |= TF_FIN_QUEUED;
		break;
	default:
		return;
	}
	if (!s->in_input && (c->state != TCP_FIN_WAIT_1 || (c->flags & TF_ESTABLISHED)))
		tcp_output(s, c);
}

void
tcp_close(struct tcp_stack *s, struct tcp_conn *c)
{
	if (c->flags & (TF_ORPHAN | TF_FREED))
		return;
	if (c->state == TCP_SYN_SENT) {
		conn_release(s, c, TCP_CLOSED_NORMAL);
		return;
	}
	c->flags |= TF_ORPHAN;
	if (c->flags & TF_FIN_QUEUED) {
		/* Already shut down for writing: closing now makes an orphan,
		 * and an orphaned FIN_WAIT_2 is bounded by fin_timeout. */
		if (c->state == TCP_FIN_WAIT_2) {
			c->t_ka = s->now + s->cfg->fin_timeout;
			conn_timer_update(s, c);
		}
		return;
	}
	queue_fin(s, c);
}

void
tcp_shutdown(struct tcp_stack *s, struct tcp_conn *c)
{
	if (c->flags & (TF_FIN_QUEUED | TF_FREED))
		return;
	queue_fin(s, c);
}

void
tcp_abort(struct tcp_stack *s, struct tcp_conn *c)
{
	if (c->flags & TF_FREED)
		return;
	/* Inside tcp_input the application's writes are deferred to one
	 * output pass at the end of the segment; a socket's send() would
	 * already have put them on the wire (as the window allows) before
	 * close() with SO_LINGER {1, 0}.  Send them now, so the RST follows
	 * the data at snd_nxt, as Linux's tcp_send_active_reset. */
	if (s->in_input && !(c->flags & TF_ORPHAN))
		tcp_output(s, c);
	if (c->state != TCP_SYN_SENT)
		tcp_send_rst_conn(s, c);
	TT_INC(s->st, aborts_linger0);
	c->flags |= TF_ORPHAN;
	conn_release(s, c, TCP_CLOSED_ABORT);
}

void
tcp_app_timer(struct tcp_stack *s, struct tcp_conn *c, uint64_t at)
{
	if (c->flags & TF_FREED)
		return;
	c->t_app = at;
	conn_timer_update(s, c);
}

/* ---- shutdown of the process ---- */

void
tcp_stack_drain(struct tcp_stack *s, bool refuse_syns)
{
	if (refuse_syns)
		s->accepting = false;
	s->draining = true;
	for (uint32_t i = 0; i < s->max_conns; i++) {
		struct tcp_conn *c = &s->pool[i];

		if (c->flags & (TF_FREED | TF_ORPHAN))
			continue;
		if (c->app != NULL && c->app->drain != NULL) {
			/* The application knows when its work is done (a
			 * request in flight finishes first). */
			c->app->drain(c->app_arg, c, s->now);
			continue;
		}
		if (c->state == TCP_SYN_RECEIVED || c->state == TCP_SYN_SENT) {
			if (c->state == TCP_SYN_RECEIVED)
				tcp_send_rst_conn(s, c);
			conn_release(s, c, TCP_CLOSED_ABORT);
			continue;
		}
		/* The application's own timers (idle, delayed close) no
		 * longer matter: close now. */
		c->t_app = 0;
		tcp_close(s, c);
	}
}

uint32_t
tcp_stack_abort_all(struct tcp_stack *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->max_conns; i++) {
		struct tcp_conn *c = &s->pool[i];

		if (c->flags & TF_FREED)
			continue;
		if (c->state != TCP_SYN_SENT)
			tcp_send_rst_conn(s, c);
		c->flags |= TF_ORPHAN;
		conn_release(s, c, TCP_CLOSED_ABORT);
		n++;
	}
	TT_ADD(s->st, aborts_drain, n);
	if (s->tw.rec != NULL) {
		TT_ADD(s->st, tw_drained, s->tw.count);
		s->st->state[TCP_TIME_WAIT] -= s->tw.count;
		while (s->tw.count > 0)
			tw_remove(&s->tw, tw_oldest(&s->tw));
	}
	return n;
}

struct tcp_conn *
tcp_connect(struct tcp_stack *s, const struct tcp_tuple *t, const struct tcp_app_ops *app,
	    void *app_arg, uint32_t iss, uint64_t now)
{
	const struct tt_tcp_config *cfg = s->cfg;
	struct tcp_conn *c;
	uint32_t h;

	s->now = now;
	h = tcp_hash_memo(s, t);
	if (ct_lookup_h(&s->ct, t, h) != NULL)
		return NULL;
	c = conn_alloc(s, t, h);
	if (c == NULL) {
		TT_INC(s->st, connect_failed_table_full);
		return NULL;
	}
	c->app = app;
	c->app_arg = app_arg;
	conn_set_state(s, c, TCP_SYN_SENT);
	c->iss = iss ? iss : tcp_isn(s, t);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss;
	c->snd_max = c->iss;
	c->snd_end = c->iss + 1;
	c->rcv_wscale = cfg->wscale;   /* offered; kept only if the peer agrees */
	c->mss = tcp_own_mss(s, t);
	c->cwnd = cfg->init_cwnd * c->mss;
	c->ssthresh = UINT32_MAX;
	c->last_rx = now;
	TT_INC(s->st, active_opens);
	TT_INC(s->st, connects_started);
	tcp_send_syn(s, c);
	tcp_arm_rto(s, c);
	return c;
}
