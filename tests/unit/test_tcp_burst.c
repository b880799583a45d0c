/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp_input_burst() (prefetch a burst's table buckets, then process each
 * segment) must behave exactly as tcp_input() called on each segment in
 * order: same segments sent, same states, same counters; bursts longer
 * than TCP_BURST_MAX included.  prefetch_min = 0 makes it prefetch for
 * these small tables too; the default (small tables: no prefetch) is
 * checked as well.  tcp_connect() after tcp_lookup() (the hash memo);
 * tcp_ts_offset's memo.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "tcp/tcp_priv.h"   /* tcp_ts_offset */

#define OPTS_ALL (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define RTT      (10 * H_MS)
#define NSEG     (TCP_BURST_MAX * 2 + 7)

struct outcome {
	unsigned n;
	struct tcp_seg sent[NSEG * 2];
	struct tt_stats st;
};

/* A connection, then one burst: data on it, SYNs from many new ports, an
 * ACK for no connection (answered by RST), and the connection's FIN. */
static void
run(struct harness *h, bool burst, uint32_t prefetch_min, struct outcome *out)
{
	static struct tcp_seg segs[NSEG];
	struct h_peer main_peer;
	unsigned n = 0;
	const struct h_sent *e;
	struct tt_tcp_config cfg;

	/* Room for every SYN of the burst in SYN_RECEIVED (no SYN cookies:
	 * the point is the same answers, not the backlog). */
	h_default_config(&cfg);
	cfg.max_syn_backlog = 4 * NSEG;
	h_start(h, &cfg);
	h->s.prefetch_min = prefetch_min;
	h->app.respond_len = 50;
	h_handshake(h, OPTS_ALL, RTT);
	h_flush(h);
	main_peer = h->peer;

	segs[n++] = h_mk(h, TCP_F_ACK | TCP_F_PSH, h->peer.snd_nxt, h->peer.rcv_nxt, 100);
	for (unsigned i = 0; i < NSEG - 3; i++) {
		h_peer_init(h, &h->peer, (uint16_t)(41000 + i));
		segs[n++] = h_mk_syn(h, OPTS_ALL);
	}
	h_peer_init(h, &h->peer, 39999);
	segs[n++] = h_mk(h, TCP_F_ACK, 5000, 7000, 0);
	h->peer = main_peer;
	segs[n++] = h_mk(h, TCP_F_FIN | TCP_F_ACK, h->peer.snd_nxt + 100, h->peer.rcv_nxt, 0);
	assert_int_equal(n, NSEG);

	if (burst) {
		tcp_input_burst(&h->s, segs, n, h->now);
	} else {
		for (unsigned i = 0; i < n; i++)
			tcp_input(&h->s, &segs[i], h->now);
	}
	out->n = 0;
	while ((e = h_pop(h)) != NULL) {
		assert_true(out->n < sizeof(out->sent) / sizeof(out->sent[0]));
		out->sent[out->n++] = e->seg;
	}
	out->st = h->st;
	h_check_gauges(h);
	h_stop(h);
	free(h->sent);
	memset(h, 0, sizeof(*h));
}

static void
test_burst_same_as_one_by_one(void **state)
{
	struct harness *h = *state;
	static struct outcome one, many;

	run(h, false, 0, &one);
	run(h, true, 0, &many);
	/* The burst did something: SYN-ACKs for every SYN, the RST, the
	 * response and the ACK of the FIN. */
	assert_true(one.n >= NSEG - 3 + 1);
	assert_int_equal(one.st.c[TT_C_passive_opens], NSEG - 3 + 1);
	assert_int_equal(one.n, many.n);
	for (unsigned i = 0; i < one.n; i++) {
		const struct tcp_seg *a = &one.sent[i], *b = &many.sent[i];

		assert_true(tcp_tuple_eq(&a->t, &b->t));
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->seq, b->seq);
		assert_int_equal(a->ack, b->ack);
		assert_int_equal(a->len, b->len);
		assert_int_equal(a->wnd, b->wnd);
		assert_int_equal(a->opts, b->opts);
		assert_int_equal(a->tsval, b->tsval);
		assert_int_equal(a->tsecr, b->tsecr);
	}
	assert_memory_equal(&one.st, &many.st, sizeof(one.st));
	/* With the default threshold (no prefetch for these small tables). */
	run(h, true, TCP_PREFETCH_MIN_ENTRIES, &many);
	assert_int_equal(one.n, many.n);
	for (unsigned i = 0; i < one.n; i++)
		assert_int_equal(one.sent[i].seq, many.sent[i].seq);
	assert_memory_equal(&one.st, &many.st, sizeof(one.st));
}

/* tcp_connect() reuses the hash of the tuple the last tcp_lookup() was
 * of (a client checks a tuple is free, then connects it), and only of
 * that tuple: a connection opened after a lookup of another tuple, or
 * with no lookup before, is found under its own hash. */
static void
test_connect_after_lookup(void **state)
{
	struct harness *h = *state;
	const struct tcp_listener *l;
	struct tcp_tuple a = tcp_tuple4(H_LADDR, H_RADDR, 30000, 8080);
	struct tcp_tuple b = tcp_tuple4(H_LADDR, H_RADDR, 30001, 8080);
	struct tcp_tuple z;
	struct tcp_conn *c;

	h_start(h, NULL);
	l = &h->s.listen[0];
	memset(&z, 0, sizeof(z));
	/* Nothing looked up yet (the all-zero tuple included). */
	c = tcp_connect(&h->s, &z, l->app, l->app_arg, 0, h->now);
	assert_non_null(c);
	assert_ptr_equal(tcp_lookup(&h->s, &z), c);
	/* Lookup of a, connect a. */
	assert_null(tcp_lookup(&h->s, &a));
	c = tcp_connect(&h->s, &a, l->app, l->app_arg, 0, h->now);
	assert_non_null(c);
	assert_int_equal(c->node.hash, tcp_tuple_hash(&a));
	/* Lookup of a, connect b. */
	assert_ptr_equal(tcp_lookup(&h->s, &a), c);
	c = tcp_connect(&h->s, &b, l->app, l->app_arg, 0, h->now);
	assert_non_null(c);
	assert_int_equal(c->node.hash, tcp_tuple_hash(&b));
	assert_ptr_equal(tcp_lookup(&h->s, &b), c);
	/* A tuple in use is refused, memo or not. */
	assert_null(tcp_connect(&h->s, &b, l->app, l->app_arg, 0, h->now));
	assert_non_null(tcp_lookup(&h->s, &a));
	assert_null(tcp_connect(&h->s, &b, l->app, l->app_arg, 0, h->now));
	h_flush(h);
}

/* tcp_ts_offset remembers its last address pair: the same pair gives the
 * same offset whatever came between, another pair (or family) its own,
 * the all-zero pair included before anything was asked. */
static void
test_ts_offset_memo(void **state)
{
	struct harness *h = *state;
	struct tcp_tuple z, a1 = tcp_tuple4(H_LADDR, H_RADDR, 30000, 80);
	struct tcp_tuple a2 = tcp_tuple4(H_LADDR, H_RADDR, 30001, 80);
	struct tcp_tuple b = tcp_tuple4(H_LADDR, H_RADDR + 1, 30000, 80);
	uint32_t oz, oa, ob;

	h_start(h, NULL);
	memset(&z, 0, sizeof(z));
	oz = tcp_ts_offset(&h->s, &z);
	oa = tcp_ts_offset(&h->s, &a1);
	ob = tcp_ts_offset(&h->s, &b);
	assert_int_not_equal(oa, ob);
	assert_int_not_equal(oz, oa);
	assert_int_equal(tcp_ts_offset(&h->s, &a2), oa);    /* ports do not count */
	assert_int_equal(tcp_ts_offset(&h->s, &a2), oa);    /* twice in a row */
	assert_int_equal(tcp_ts_offset(&h->s, &b), ob);
	assert_int_equal(tcp_ts_offset(&h->s, &z), oz);
	/* A fresh stack with the same seed (no memo) agrees. */
	h_stop(h);
	free(h->sent);
	memset(h, 0, sizeof(*h));
	h_start(h, NULL);
	assert_int_equal(tcp_ts_offset(&h->s, &b), ob);
	assert_int_equal(tcp_ts_offset(&h->s, &a1), oa);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_burst_same_as_one_by_one, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_connect_after_lookup, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_ts_offset_memo, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
