/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TIME_WAIT (teardown.md "Segments that arrive in TIME_WAIT"): the FIN
 * re-ACKed with 2MSL restarted, the exact length, a SYN accepted (RFC 6191)
 * or refused, RST per rfc1337, max_tw_buckets under both policies, PAWS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define OPTS_ALL  (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define OPTS_NOTS (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK)
#define SA        (TCP_F_SYN | TCP_F_ACK)
#define A         TCP_F_ACK
#define PA        (TCP_F_PSH | TCP_F_ACK)
#define FA        (TCP_F_FIN | TCP_F_ACK)
#define RTT       (10 * H_MS)

/* Handshake with opts, we close, the peer ACKs and sends its FIN; returns
 * the time TIME_WAIT began (our last ACK). */
static uint64_t
enter_time_wait(struct harness *h, uint8_t opts)
{
	struct tw_rec *r;

	h_enter_time_wait(h, opts, RTT);
	r = h_tw(h);
	assert_non_null(r);
	assert_int_equal(r->snd_nxt, h->iss + 2);
	assert_int_equal(r->rcv_nxt, h->peer.isn + 2);
	return h->now;
}

static void
test_fin_reacked_restarts_2msl(void **state)
{
	struct harness *h = *state;
	struct tcp_seg fin;
	uint64_t t, t2;

	h_start(h, NULL);
	t = enter_time_wait(h, OPTS_ALL);
	/* ACK #4 was lost: the peer retransmits its FIN. */
	h_advance_to(h, t + 30 * H_S);
	t2 = h->now;
	fin = h_mk(h, FA, h->peer.snd_nxt - 1, h->iss + 2, 0);
	h_input(h, &fin);
	h_expect_at(h, t2, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_cnt(h, tw_reacked, 1);
	/* 2MSL starts over from t2: alive past the first expiry... */
	h_advance_to(h, t + 60 * H_S);
	h_expect_state(h, TCP_TIME_WAIT);
	h_advance_to(h, t2 + 60 * H_S - 1 * H_MS);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_cnt(h, tw_expired, 0);
	/* ...gone exactly 60 s after the FIN. */
	h_advance_to(h, t2 + 60 * H_S);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, tw_expired, 1);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	h_expect_none(h);
}

static void
test_tw_exact_length(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	h_start(h, NULL);
	t = enter_time_wait(h, OPTS_ALL);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 1);
	h_advance_to(h, t + 60 * H_S - 1 * H_MS);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 1);
	h_advance_to(h, t + 60 * H_S);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	h_expect_cnt(h, tw_expired, 1);
	assert_int_equal(tw_count(&h->s.tw), 0);
	h_expect_none(h);
}

/*
 * 2MSL is exact on the wire even when the expiry sweep runs late: the
 * clock moves past the expiry with no timer run (an lcore off its CPU,
 * whose first poll back handles the received burst before its timers),
 * and the peer's old ACK meets no record: the listener answers RST (RFC
 * 9293 3.10.7.2), where the record would have dropped it and restarted.
 */
static void
test_tw_expired_at_lookup(void **state)
{
	struct harness *h = *state;
	struct tcp_seg ack;
	uint64_t t;

	h_start(h, NULL);
	t = enter_time_wait(h, OPTS_ALL);
	h->now = t + 60 * H_S + 5 * H_MS;        /* no sweep since t */
	ack = h_mk(h, A, h->peer.snd_nxt, h->iss + 2, 0);
	h_input(h, &ack);
	h_expect(h, TCP_F_RST, h->iss + 2, H_ANY, 0);
	h_expect_none(h);
	h_expect_cnt(h, tw_expired, 1);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	assert_int_equal(tw_count(&h->s.tw), 0);
	/* Removed 5 ms after its expiry: late, and not by the table's
	 * budget (no sweep ran between). */
	assert_int_equal(h->s.tw.expired_late, 1);
	assert_int_equal(h->s.tw.expired_deferred, 0);
}

static void
test_tw_configured_length(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	uint64_t t;

	h_default_config(&cfg);
	cfg.time_wait = 2500 * H_MS;
	h_start(h, &cfg);
	t = enter_time_wait(h, OPTS_ALL);
	h_advance_to(h, t + 2500 * H_MS - 1 * H_MS);
	h_expect_state(h, TCP_TIME_WAIT);
	h_advance_to(h, t + 2500 * H_MS);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, tw_expired, 1);
}

static void
test_syn_accepted_newer_timestamp(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_conn *c;
	uint32_t old_snd_nxt;

	h_start(h, NULL);
	enter_time_wait(h, OPTS_ALL);
	old_snd_nxt = h_tw(h)->snd_nxt;
	h_advance(h, 1 * H_S);
	/* A new incarnation whose ISN is *below* rcv_nxt: the newer
	 * timestamp alone makes it acceptable (RFC 6191). */
	h->peer.isn = h->peer.snd_nxt - 100000;
	h->peer.snd_nxt = h->peer.isn;
	h_in_syn(h, OPTS_ALL);
	h_expect_cnt(h, tw_syn_accepted, 1);
	h_expect_cnt(h, tw_syn_refused, 0);
	e = h_expect(h, SA, old_snd_nxt + 65537, h->peer.isn + 1, 0);
	assert_int_equal(e->seg.opts, OPTS_ALL);
	h_expect_none(h);
	h_expect_state(h, TCP_SYN_RECEIVED);
	assert_null(h_tw(h));
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	assert_int_equal(h->st.state[TCP_SYN_RECEIVED], 1);
	/* And it completes. */
	h->iss = old_snd_nxt + 65537;
	h->peer.rcv_nxt = h->iss + 1;
	h_advance(h, RTT);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	c = h_conn(h);
	assert_int_equal(c->iss, old_snd_nxt + 65537);
	assert_int_equal(h->app.n_established, 2);
}

static void
test_syn_accepted_higher_seq_no_timestamps(void **state)
{
	struct harness *h = *state;
	uint32_t old_snd_nxt, rcv_nxt;

	h_start(h, NULL);
	enter_time_wait(h, OPTS_NOTS);
	old_snd_nxt = h_tw(h)->snd_nxt;
	rcv_nxt = h_tw(h)->rcv_nxt;
	h_advance(h, 1 * H_S);
	h->peer.isn = rcv_nxt + 100000;
	h_in_syn(h, OPTS_NOTS);
	h_expect_cnt(h, tw_syn_accepted, 1);
	h_expect(h, SA, old_snd_nxt + 65537, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_SYN_RECEIVED);
	assert_null(h_tw(h));
}

static void
test_syn_refused_lower_seq_no_timestamps(void **state)
{
	struct harness *h = *state;
	uint32_t old_snd_nxt, rcv_nxt;
	uint64_t t;

	h_start(h, NULL);
	enter_time_wait(h, OPTS_NOTS);
	old_snd_nxt = h_tw(h)->snd_nxt;
	rcv_nxt = h_tw(h)->rcv_nxt;
	h_advance(h, 1 * H_S);
	t = h->now;
	h->peer.isn = rcv_nxt - 100;
	h_in_syn(h, OPTS_NOTS);
	/* Not above rcv_nxt, no timestamps: a duplicate ACK, record kept. */
	h_expect_at(h, t, A, old_snd_nxt, rcv_nxt, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_cnt(h, tw_syn_accepted, 0);
	h_expect_cnt(h, tw_syn_refused, 1);
}

static void
test_syn_refused_older_timestamp(void **state)
{
	struct harness *h = *state;
	struct tcp_seg syn;
	uint32_t old_snd_nxt, rcv_nxt, ts_recent;
	uint64_t t;

	h_start(h, NULL);
	enter_time_wait(h, OPTS_ALL);
	old_snd_nxt = h_tw(h)->snd_nxt;
	rcv_nxt = h_tw(h)->rcv_nxt;
	ts_recent = h_tw(h)->ts_recent;
	h_advance(h, 1 * H_S);
	t = h->now;
	/* Higher sequence number but an older timestamp: an old duplicate
	 * (PAWS), refused with a duplicate ACK. */
	h->peer.isn = rcv_nxt + 100000;
	syn = h_mk_syn(h, OPTS_ALL);
	syn.tsval = ts_recent - 1000;
	h_input(h, &syn);
	h_expect_at(h, t, A, old_snd_nxt, rcv_nxt, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_cnt(h, tw_syn_accepted, 0);
	assert_int_equal(h_tw(h)->ts_recent, ts_recent);
	/* At most one duplicate ACK per 500 ms. */
	h_advance_to(h, t + 100 * H_MS);
	h_input(h, &syn);
	h_advance_to(h, t + 499 * H_MS);
	h_input(h, &syn);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h_advance_to(h, t + 500 * H_MS);
	h_input(h, &syn);
	h_expect_at(h, t + 500 * H_MS, A, old_snd_nxt, rcv_nxt, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_cnt(h, tw_syn_accepted, 0);
	/* Every one of them is a SYN refused in TIME_WAIT. */
	h_expect_cnt(h, tw_syn_refused, 4);
}

static void
test_rst_rfc1337_0_kills(void **state)
{
	struct harness *h = *state;
	struct tcp_seg rst;

	h_start(h, NULL);
	enter_time_wait(h, OPTS_ALL);
	h_advance(h, 1 * H_S);
	/* Out of the window: ignored. */
	rst = h_mk_rst(h, h->peer.snd_nxt + 5000);
	h_input(h, &rst);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	/* At rcv_nxt, tcp_rfc1337 = 0 (Linux): TIME_WAIT ends early. */
	rst = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &rst);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, tw_rst_killed, 1);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	assert_int_equal(tw_count(&h->s.tw), 0);
}

static void
test_rst_rfc1337_1_ignored(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct tcp_seg rst;
	uint64_t t;

	h_default_config(&cfg);
	cfg.rfc1337 = 1;
	h_start(h, &cfg);
	t = enter_time_wait(h, OPTS_ALL);
	h_advance(h, 1 * H_S);
	rst = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &rst);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_cnt(h, tw_rst_killed, 0);
	h_expect_cnt(h, tw_rst_ignored, 1);
	/* Ignored means ignored: the record still ends on time. */
	h_advance_to(h, t + 60 * H_S - 1 * H_MS);
	h_expect_state(h, TCP_TIME_WAIT);
	h_advance_to(h, t + 60 * H_S);
	h_expect_state(h, TCP_CLOSED);
}

static void
test_max_tw_buckets_close_policy(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct h_peer p1;

	h_default_config(&cfg);
	cfg.max_tw_buckets = 1;
	cfg.tw_policy = TT_TW_CLOSE;
	h_start(h, &cfg);
	enter_time_wait(h, OPTS_ALL);
	p1 = h->peer;
	h_peer_init(h, &h->peer, H_RPORT + 1);
	/* Full: Linux creates no record (TCPTimeWaitOverflow), the last ACK
	 * is still sent. */
	h_handshake(h, OPTS_ALL, RTT);
	h_app_close(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_in_fin(h);
	h_expect(h, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, tw_overflow, 1);
	h_expect_cnt(h, tw_created, 1);
	assert_int_equal(h->app.n_closed, 2);
	assert_int_equal(tw_count(&h->s.tw), 1);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 1);
	h->peer = p1;
	h_expect_state(h, TCP_TIME_WAIT);
}

static void
test_max_tw_buckets_evict_oldest(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct h_peer p1;

	h_default_config(&cfg);
	cfg.max_tw_buckets = 1;
	cfg.tw_policy = TT_TW_EVICT_OLDEST;
	h_start(h, &cfg);
	enter_time_wait(h, OPTS_ALL);
	p1 = h->peer;
	h_peer_init(h, &h->peer, H_RPORT + 1);
	/* FreeBSD's policy: the oldest record makes room. */
	enter_time_wait(h, OPTS_ALL);
	h_expect_cnt(h, tw_evicted, 1);
	h_expect_cnt(h, tw_overflow, 0);
	h_expect_cnt(h, tw_created, 2);
	assert_int_equal(tw_count(&h->s.tw), 1);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 1);
	h->peer = p1;
	h_expect_state(h, TCP_CLOSED);
}

static void
test_paws_in_time_wait(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;
	uint32_t ts_recent;
	uint64_t t;

	h_start(h, NULL);
	t = enter_time_wait(h, OPTS_ALL);
	ts_recent = h_tw(h)->ts_recent;
	h_advance(h, 1 * H_S);
	/* A bare ACK at rcv_nxt with an old timestamp: PAWS drops it
	 * (RFC 7323 5.3), the answer is a rate-limited duplicate ACK. */
	seg = h_mk_ack(h);
	seg.tsval = ts_recent - 1;
	h_input(h, &seg);
	h_expect(h, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_cnt(h, tw_paws_drops, 1);
	assert_int_equal(h_tw(h)->ts_recent, ts_recent);
	h_expect_state(h, TCP_TIME_WAIT);
	/* Data with an old timestamp is a PAWS drop too (Linux counts it
	 * as PAWSEstabRejected and ACKs it). */
	seg = h_mk(h, PA, h->peer.snd_nxt, h->peer.rcv_nxt, 10);
	seg.tsval = ts_recent - 1;
	h_input(h, &seg);
	h_expect(h, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_none(h);
	assert_int_equal(h_tw(h)->ts_recent, ts_recent);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_cnt(h, tw_paws_drops, 2);
	(void)t;
}

static void
test_data_in_time_wait_acked(void **state)
{
	struct harness *h = *state;

	h_start(h, NULL);
	enter_time_wait(h, OPTS_ALL);
	h_advance(h, 1 * H_S);
	/* Anything else in window: a duplicate ACK, record kept. */
	h_in_data(h, 10);
	h_expect(h, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_cnt(h, tw_dup_acks, 1);
	assert_int_equal(h->app.recv_bytes, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fin_reacked_restarts_2msl, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_exact_length, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_expired_at_lookup, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_configured_length, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syn_accepted_newer_timestamp, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syn_accepted_higher_seq_no_timestamps, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syn_refused_lower_seq_no_timestamps, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syn_refused_older_timestamp, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rst_rfc1337_0_kills, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rst_rfc1337_1_ignored, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_max_tw_buckets_close_policy, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_max_tw_buckets_evict_oldest, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_paws_in_time_wait, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_data_in_time_wait_acked, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
