/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-lcore poll loop: rx burst -> parse -> stack -> tx burst, timers
 * advanced in the same loop.  Everything a worker touches per packet is its
 * own; the only shared read is the run phase, once per loop.  A worker only
 * polls: it counts, and the reporter (a control thread, report.c) reads the
 * counts and prints them.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_ethdev.h>

#include "app.h"
#include "capture.h"
#include "stats/rng.h"

static void
tx_flush_buf(struct txbuf *tb)
{
	struct worker *w = tb->w;
	uint16_t n = tb->n, sent;

	if (n == 0)
		return;
	sent = rte_eth_tx_burst(tb->port_id, (uint16_t)w->idx, tb->m, n);
	TT_ADD(&w->st, pkts_tx, sent);
	for (uint16_t i = 0; i < sent; i++)
		TT_ADD(&w->st, bytes_tx, tb->m[i]->pkt_len);
	if (sent < n) {
		TT_ADD(&w->st, tx_ring_full, (uint64_t)(n - sent));
		rte_pktmbuf_free_bulk(&tb->m[sent], n - sent);
	}
	tb->n = 0;
}

static void
tx_flush(struct worker *w)
{
	for (unsigned p = 0; p < w->n_ports; p++)
		tx_flush_buf(&w->tx[p]);
}

static void
txbuf_put(struct txbuf *tb, struct rte_mbuf *m)
{
	if (unlikely(tb->w->cap != NULL))
		capture_tx(tb->w->cap, tb->port_id, (uint16_t)tb->w->idx, m);
	tb->m[tb->n++] = m;
	if (tb->n >= tt_app.cfg.gen.burst)
		tx_flush_buf(tb);
}

/* net_if.tx: buffer a frame, flush a full burst; [fault] drops and delay. */
static void
worker_tx(void *arg, struct rte_mbuf *m)
{
	struct txbuf *tb = arg;
	struct worker *w = tb->w;
	const struct tt_fault_config *f = &tt_app.cfg.fault;

	if (f->tx_drop > 0 && tt_rand01(&w->fault_rng) < f->tx_drop) {
		TT_INC(&w->st, fault_tx_drops);
		rte_pktmbuf_free(m);
		return;
	}
	if (w->delay != NULL) {
		struct delayq *q = w->delay;

		if (q->n == TT_DELAY_SLOTS) {
			TT_INC(&w->st, tx_ring_full);
			rte_pktmbuf_free(m);
			return;
		}
		uint32_t i = (q->head + q->n++) % TT_DELAY_SLOTS;

		q->e[i].m = m;
		q->e[i].tb = tb;
		q->e[i].at = w->now + f->tx_delay;
		TT_INC(&w->st, fault_tx_delayed);
		return;
	}
	txbuf_put(tb, m);
}

static void
delay_release(struct worker *w, bool all)
{
	struct delayq *q = w->delay;

	while (q->n > 0 && (all || q->e[q->head].at <= w->now)) {
		txbuf_put(q->e[q->head].tb, q->e[q->head].m);
		q->head = (q->head + 1) % TT_DELAY_SLOTS;
		q->n--;
	}
}

/* The stack's conn_end (set only with [capture] anomalies = on). */
static void
worker_conn_end(void *arg, const struct tcp_conn *c, enum tcp_close_reason why)
{
	struct worker *w = arg;

	if (w->cap != NULL)
		capture_conn_end(w->cap, c, why);
}

/* The stack's xmit: pick the port that owns the source address (of the
 * tuple's family). */
static void
worker_xmit(void *arg, const struct tcp_seg *seg, tcp_fill_fn fill, void *fill_arg)
{
	struct worker *w = arg;

	if (unlikely(seg->t.v6)) {
		for (unsigned p = 0; p < w->n_ports; p++) {
			if (net_is_local6(&w->nif[p], seg->t.laddr.v6)) {
				net_send_tcp(&w->nif[p], seg, fill, fill_arg, w->now);
				return;
			}
		}
	} else {
		for (unsigned p = 0; p < w->n_ports; p++) {
			if (net_is_local(&w->nif[p], seg->t.laddr.v4)) {
				net_send_tcp(&w->nif[p], seg, fill, fill_arg, w->now);
				return;
			}
		}
	}
	TT_INC(&w->st, drop_not_ours);
}

/* One SYN cookie secret for the process, from the OS's random source, as
 * Linux keys its cookies once per boot (net_get_random_once).  Workers are
 * set up one after the other by the main lcore. */
static const uint8_t *
cookie_secret(void)
{
	static uint8_t secret[TCP_SYNCOOKIE_KEY_BYTES];
	static bool have;

	if (!have) {
		if (getrandom(secret, sizeof(secret), 0) != (ssize_t)sizeof(secret))
			return NULL;
		have = true;
	}
	return secret;
}

/* tcp_stack_ops.hold: one more reference on the received mbuf, so the
 * worker's free after tcp_input leaves it to the out-of-order queue. */
static void *
worker_hold(void *arg, const struct tcp_seg *seg, const uint8_t **data)
{
	struct rte_mbuf *m = seg->pkt;

	(void)arg;
	(void)data;        /* the payload stays where it is */
	rte_mbuf_refcnt_update(m, 1);
	return m;
}

static void
worker_release(void *arg, void *handle)
{
	(void)arg;
	rte_pktmbuf_free(handle);
}

int
worker_setup(struct tt_app *app, struct worker *w)
{
	const struct tt_config *cfg = &app->cfg;
	struct tcp_stack_ops ops = {
		.xmit = worker_xmit,
		.hold = worker_hold,
		.release = worker_release,
		.conn_end = cfg->capture.anomalies ? worker_conn_end : NULL,
	};
	uint32_t tw_cap = cfg->tcp.max_tw_buckets / app->n_workers;

	if (cfg->tcp.max_tw_buckets > 0 && tw_cap == 0)
		tw_cap = 1;
	if (tcp_stack_init(&w->stack, &cfg->tcp, &w->st, &ops, w, tw_cap, cfg->gen.tick,
			   rte_rdtsc() ^ ((uint64_t)w->lcore_id << 48), 0) < 0) {
		fprintf(stderr, "lcore %u: cannot allocate the TCP stack (max_conns %u, "
			"TIME_WAIT records %u): lower [tcp] max_conns or max_tw_buckets\n",
			w->lcore_id, cfg->tcp.max_conns, tw_cap);
		return -1;
	}
	if (cookie_secret() == NULL) {
		fprintf(stderr, "lcore %u: getrandom() failed: no SYN cookie secret\n",
			w->lcore_id);
		return -1;
	}
	tcp_stack_set_cookie_secret(&w->stack, cookie_secret(), TCP_SYNCOOKIE_KEY_BYTES);
	tcp_stack_set_fault(&w->stack, &cfg->fault, cfg->fault.seed * 7919 + w->idx);
	w->fault_rng = (cfg->fault.seed + 1) * 0x9e3779b97f4a7c15ull + w->idx;
	if (cfg->fault.tx_delay > 0) {
		w->delay = rte_zmalloc_socket("delayq", sizeof(*w->delay), 0,
					      (int)rte_lcore_to_socket_id(w->lcore_id));
		if (w->delay == NULL) {
			fprintf(stderr, "lcore %u: no memory for the tx_delay queue\n", w->lcore_id);
			return -1;
		}
	}
	http_server_init(&w->http, &cfg->http, &app->tpl, &w->stack, &w->st,
			 rte_rdtsc() + w->lcore_id);
	if (cfg->gen.mode != TT_MODE_CLIENT && http_server_listen(&w->http) < 0) {
		fprintf(stderr, "lcore %u: cannot listen\n", w->lcore_id);
		return -1;
	}
	return 0;
}

void
worker_teardown(struct worker *w)
{
	client_teardown(w);
	tcp_stack_fini(&w->stack);
	rte_free(w->delay);
	w->delay = NULL;
}

static void
drain_step(struct tt_app *app, struct worker *w, int phase)
{
	if (!w->drain_started) {
		w->drain_started = true;
		w->drain_deadline = w->now + app->cfg.gen.drain_time;
		if (w->client_on)
			http_client_stop(&w->client);
		/* mode = both: our own client's SYNs still in flight must find
		 * the listener; it closes once none is left (below). */
		tcp_stack_drain(&w->stack, app->cfg.gen.mode != TT_MODE_BOTH);
	}
	if (w->stack.accepting && w->st.state[TCP_SYN_SENT] == 0)
		w->stack.accepting = false;
	if (w->stack.n_conns == 0 || w->now >= w->drain_deadline ||
	    phase == TT_FINISH) {
		for (unsigned s = 0; s < TCP_NSTATES; s++)
			w->left[s] = w->st.state[s];
		w->left[TCP_LISTEN] = 0;
		w->tw_walked = tw_walk_count(&w->stack.tw);
		w->aborted = tcp_stack_abort_all(&w->stack);
		w->done = true;
	}
}

/* One TSC read per poll: the time since the previous poll's start is
 * charged to that poll, busy if it received, sent or expired anything
 * (the idle ones are the polling overhead, idle_sleep included). */
static inline void
poll_account(struct worker *w, uint64_t cycles, bool busy, uint64_t tick_cycles)
{
	/* A poll that began more than a tick after the previous one: every
	 * timer due in between fires late.  Polls take microseconds, so this
	 * is nearly always the lcore off its CPU (the reporter compares with
	 * the kernel's run-queue wait per lcore, report.c). */
	if (unlikely(cycles > tick_cycles)) {
		TT_INC(&w->st, poll_gaps);
		TT_ADD(&w->st, poll_gap_us, app_cycles_to_us(cycles));
	}
	if (busy) {
		TT_INC(&w->st, polls_busy);
		TT_ADD(&w->st, cycles_busy, cycles);
	} else {
		TT_INC(&w->st, polls_idle);
		TT_ADD(&w->st, cycles_idle, cycles);
	}
}

int
worker_main(void *arg)
{
	struct worker *w = arg;
	struct tt_app *app = &tt_app;
	const uint16_t burst = app->cfg.gen.burst;
	const uint64_t idle_sleep = app->cfg.gen.idle_sleep;
	const double rx_drop = app->cfg.fault.rx_drop;
	const uint16_t cport_lo = app->cfg.client.src_port_first;
	const uint16_t cport_hi = app->cfg.client.src_port_last;
	struct rte_mbuf *pkts[TT_MAX_BURST], *done[TT_MAX_BURST];
	struct tcp_seg segs[TT_MAX_BURST];
	const uint64_t tick_cycles = app->cfg.gen.tick * app->tsc_hz / 1000000;
	uint64_t tsc_prev = rte_rdtsc();
	bool busy = false;

	__atomic_store_n(&w->tid, rte_sys_gettid(), __ATOMIC_RELAXED);
	for (unsigned p = 0; p < w->n_ports; p++) {
		w->tx[p].w = w;
		w->tx[p].port_id = w->port_ids[p];
		w->tx[p].n = 0;
		w->nif[p].tx = worker_tx;
		w->nif[p].tx_arg = &w->tx[p];
	}
	while (!w->done) {
		const uint64_t sent0 = w->st.c[TT_C_pkts_tx] + w->st.c[TT_C_tx_ring_full];
		const uint64_t tsc = rte_rdtsc();
		/* The reporter and signals change the phase at any time: one
		 * read per poll, so a poll acts on one phase throughout. */
		const int phase = app->phase;
		unsigned got = 0, fired;

		poll_account(w, tsc - tsc_prev, busy, tick_cycles);
		tsc_prev = tsc;
		w->now = app_tsc_to_us(tsc);
		for (unsigned p = 0; p < w->n_ports; p++) {
			uint16_t n = rte_eth_rx_burst(w->port_ids[p], (uint16_t)w->idx, pkts, burst);
			unsigned nd = 0;

			got += n;
			TT_ADD(&w->st, pkts_rx, n);
			for (uint16_t i = 0; i < n; i++) {
				struct rte_mbuf *m = pkts[i];

				if (i + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
				TT_ADD(&w->st, bytes_rx, m->pkt_len);
				if (rx_drop > 0 && tt_rand01(&w->fault_rng) < rx_drop) {
					TT_INC(&w->st, fault_rx_drops);
					rte_pktmbuf_free(m);
					continue;
				}
				struct tcp_seg *seg = &segs[nd];

				if (net_input(&w->nif[p], m, seg, w->now) != NET_TCP)
					continue;
				if (w->client_on && seg->t.lport >= cport_lo && seg->t.lport <= cport_hi &&
				    !tuple_owned(&w->tuples, &seg->t)) {
					/* Sharding broke: RSS sent another lcore's
					 * tuple here.  Never touch its state. */
					TT_INC(&w->st, drop_wrong_lcore);
					rte_pktmbuf_free(m);
					continue;
				}
				if (unlikely(w->cap != NULL))
					capture_rx(w->cap, w->port_ids[p], (uint16_t)w->idx, m, &seg->t);
				done[nd++] = m;
			}
			/* The whole burst parsed: its table lookups prefetched
			 * together, then each segment in order. */
			tcp_input_burst(&w->stack, segs, nd, w->now);
			/* The stack is done with the payloads: free the burst
			 * at once (one mempool put instead of one per frame). */
			rte_pktmbuf_free_bulk(done, nd);
		}
		fired = tcp_timers_run(&w->stack, w->now);
		if (w->client_on) {
			if (phase == TT_RUN)
				http_client_tick(&w->client, w->now);
			else
				http_client_stop(&w->client);
		}
		if (phase != TT_RUN)
			drain_step(app, w, phase);
		if (w->delay != NULL)
			delay_release(w, w->done);
		for (unsigned p = 0; p < w->n_ports; p++) {
			if (w->nif[p].pend.n == 0)
				continue;
			if (w->done)
				net_if_release(&w->nif[p]);
			else
				arp_pending_flush(&w->nif[p], 0, NULL, w->now);
		}
		tx_flush(w);
		busy = got != 0 || fired != 0 ||
			w->st.c[TT_C_pkts_tx] + w->st.c[TT_C_tx_ring_full] != sent0;
		if (got == 0 && idle_sleep > 0)
			usleep((useconds_t)idle_sleep);
	}
	tx_flush(w);
	/* The last poll's end (after the drain's walk of the TIME_WAIT
	 * index): no poll follows, so no gap is counted. */
	poll_account(w, rte_rdtsc() - tsc_prev, busy, UINT64_MAX);
	return 0;
}
