/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every way a connection ends (teardown.md), on a fake clock: both close
 * orders, the three-way close, simultaneous close, FIN retransmission and
 * its limits (orphan_retries, retries2, rto_max), LAST_ACK give-up, the
 * orphaned FIN_WAIT_2 timeout against shutdown() with no limit, RST for
 * data after close(), close with RST (linger 0), CLOSE_WAIT held by the
 * application, and keep-alive ending a connection to a silent peer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define OPTS_ALL (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define A        TCP_F_ACK
#define PA       (TCP_F_PSH | TCP_F_ACK)
#define FA       (TCP_F_FIN | TCP_F_ACK)
#define FPA      (TCP_F_FIN | TCP_F_PSH | TCP_F_ACK)
#define RA       (TCP_F_RST | TCP_F_ACK)
#define RTT      (10 * H_MS)
/* RTO after a 10 ms handshake: 10 ms + max(4 * 5 ms, rto_min). */
#define RTO      (210 * H_MS)

static void
test_active_close_four_way(void **state)
{
	struct harness *h = *state;
	struct tw_rec *r;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_advance(h, 1 * H_S);
	t = h->now;
	/* 1. We close: FIN, FIN_WAIT_1. */
	h_app_close(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_FIN_WAIT_1);
	h_expect_cnt(h, active_closes, 1);
	h_expect_cnt(h, fins_sent, 1);
	/* 2. The peer ACKs it: FIN_WAIT_2. */
	h_advance(h, RTT);
	h_peer_ack_all(h);
	assert_int_equal(h->peer.rcv_nxt, h->iss + 2);
	h_in_ack(h);
	h_expect_none(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	/* 3. Its FIN: we ACK at once and hold TIME_WAIT. */
	h_advance(h, 1 * H_S);
	h_in_fin(h);
	h_expect_at(h, h->now, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_null(h_conn(h));
	r = h_tw(h);
	assert_non_null(r);
	assert_int_equal(r->snd_nxt, h->iss + 2);
	assert_int_equal(r->rcv_nxt, h->peer.isn + 2);
	h_expect_cnt(h, tw_created, 1);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 1);
	/* close() orphaned it: the application is told it is gone, and
	 * never sees EOF. */
	assert_int_equal(h->app.n_closed, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_NORMAL);
	assert_int_equal(h->app.n_eof, 0);
}

static void
test_passive_close_four_way(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_advance(h, 1 * H_S);
	t = h->now;
	h_in_fin(h);
	h_expect_state(h, TCP_CLOSE_WAIT);
	assert_int_equal(h->app.n_eof, 1);
	assert_int_equal(h->app.eof_at, t);
	h_expect_cnt(h, passive_closes, 1);
	/* The application does not close: the FIN's ACK goes out on its
	 * own, at the latest after the delayed-ACK time. */
	h_advance_to(h, t + 40 * H_MS);
	e = h_expect(h, A, h->iss + 1, h->peer.isn + 2, 0);
	assert_true(e->at <= t + 40 * H_MS);
	h_expect_none(h);

	h_advance_to(h, t + 1 * H_S);
	h_app_close(h);
	h_expect_at(h, t + 1 * H_S, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_state(h, TCP_LAST_ACK);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	/* Only the active closer holds TIME_WAIT. */
	assert_null(h_tw(h));
	h_expect_cnt(h, tw_created, 0);
	assert_int_equal(h->app.n_closed, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_NORMAL);
	h_advance(h, 100 * H_S);
	h_expect_none(h);
}

static void
test_three_way_close(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h->app.on_eof = H_ACT_CLOSE;
	h_advance(h, 1 * H_S);
	t = h->now;
	h_in_fin(h);
	/* The application closes on EOF: our FIN carries the ACK of theirs,
	 * one segment. */
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_LAST_ACK);
	h_advance_to(h, t + 100 * H_MS);
	h_expect_none(h);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_none(h);
	assert_null(h_tw(h));
}

static void
test_three_way_close_after_response(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_seg seg;
	uint32_t data_ack;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	/* An HTTP/1.0-style exchange: request and FIN in one segment, the
	 * response with our FIN riding on its last segment. */
	h->app.respond_len = 300;
	h->app.on_eof = H_ACT_CLOSE;
	h_advance(h, 1 * H_S);
	seg = h_mk(h, TCP_F_FIN | PA, h->peer.snd_nxt, h->peer.rcv_nxt, 50);
	h->peer.snd_nxt += 51;
	h_input(h, &seg);
	assert_int_equal(h->app.recv_bytes, 50);
	assert_int_equal(h->app.n_eof, 1);
	/* The segment is processed whole before the application acts, so
	 * one output pass sends the response with our FIN on it. */
	e = h_expect(h, TCP_F_FIN | PA, h->iss + 1, H_ANY, 300);
	data_ack = e->seg.ack;
	h_expect_none(h);
	h_expect_state(h, TCP_LAST_ACK);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->app.n_closed, 1);
	/* As Linux, where the application reads only after the whole
	 * segment was processed: the response already acknowledges the
	 * FIN that came with the request. */
	if (data_ack != h->peer.isn + 52)
		fail_msg("response ACKs peer%+d, expected peer+52 (data and FIN)",
			 (int)(data_ack - h->peer.isn));
}

static void
test_close_with_pending_data(void **state)
{
	struct harness *h = *state;

	h_start(h, NULL);
	/* The peer's window (16 << 7 = 2048 bytes) holds back part of the
	 * data when the application closes. */
	h->peer.wnd = 16;
	h_handshake(h, OPTS_ALL, RTT);
	h_app_send(h, 3000);
	h_expect(h, A, h->iss + 1, h->peer.isn + 1, 1448);
	h_expect(h, A, h->iss + 1 + 1448, h->peer.isn + 1, 600);
	h_expect_none(h);
	/* close(): the FIN waits behind the queued bytes (RFC 9293 3.10.4)... */
	h_app_close(h);
	h_expect_none(h);
	h_expect_state(h, TCP_FIN_WAIT_1);
	/* ...and rides on the last of them. */
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect(h, FPA, h->iss + 1 + 2048, h->peer.isn + 1, 952);
	h_expect_none(h);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	assert_int_equal(h->peer.rcv_nxt, h->iss + 3002);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	assert_int_equal(h->app.acked_bytes, 0);   /* orphan: not told */
}

static void
test_simultaneous_close(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_advance(h, 1 * H_S);
	t = h->now;
	h_app_close(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 1, 0);
	/* The peer's FIN crosses ours: it does not acknowledge our FIN. */
	h_advance(h, 5 * H_MS);
	seg = h_mk(h, FA, h->peer.snd_nxt, h->iss + 1, 0);
	h->peer.snd_nxt++;
	h_input(h, &seg);
	h_expect_state(h, TCP_CLOSING);
	h_expect_at(h, h->now, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_cnt(h, simultaneous_closes, 1);
	/* Its ACK of our FIN is lost: our FIN is retransmitted on RTO. */
	h_advance_to(h, t + RTO - 1 * H_MS);
	h_expect_none(h);
	h_advance_to(h, t + RTO);
	h_expect_at(h, t + RTO, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_cnt(h, rtx_closing, 1);
	h_expect_cnt(h, fin_retransmits, 1);
	/* The ACK arrives: CLOSING -> TIME_WAIT (both sides hold one). */
	h_advance(h, 5 * H_MS);
	h->peer.rcv_nxt = h->iss + 2;
	h_in_ack(h);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_null(h_conn(h));
	assert_non_null(h_tw(h));
	h_expect_cnt(h, tw_created, 1);
	assert_int_equal(h->st.state[TCP_CLOSING], 0);
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 1);
}

/* The peer never answers our FIN: retransmissions at t + RTO * (2^i - 1),
 * the RTO doubling up to rto_max, n of them; then one more backed-off
 * timeout and the connection is dropped.  Returns when it is gone. */
static void
expect_fin_retransmissions(struct harness *h, uint64_t t, uint32_t seq, uint32_t ack,
			   unsigned n, enum tcp_state st)
{
	uint64_t at = t, rto = RTO;

	for (unsigned i = 0; i < n; i++) {
		at += rto;
		h_advance_to(h, at - 1 * H_MS);
		h_expect_none(h);
		h_expect_state(h, st);
		h_advance_to(h, at);
		h_expect_at(h, at, FA, seq, ack, 0);
		rto = rto * 2 > h->cfg.rto_max ? h->cfg.rto_max : rto * 2;
	}
	at += rto;
	h_advance_to(h, at - 1 * H_MS);
	h_expect_none(h);
	h_expect_state(h, st);
	h_advance_to(h, at);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
}

static void
test_fin_retransmit_orphan_give_up(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_advance(h, 1 * H_S);
	t = h->now;
	h_app_close(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 1, 0);
	/* orphan_retries 0 means 8 (Linux). */
	expect_fin_retransmissions(h, t, h->iss + 1, h->peer.isn + 1, 8, TCP_FIN_WAIT_1);
	assert_int_equal(h->now, t + 511 * RTO);
	h_expect_cnt(h, fin_retransmits, 8);
	h_expect_cnt(h, rtx_fin_wait_1, 8);
	h_expect_cnt(h, orphan_give_ups, 1);
	assert_int_equal(h->app.n_closed, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_TIMEOUT);
	assert_null(h_tw(h));
	h_advance(h, 600 * H_S);
	h_expect_none(h);
}

static void
test_fin_retransmit_orphan_retries_knob(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	uint64_t t;

	h_default_config(&cfg);
	cfg.orphan_retries = 3;
	h_start(h, &cfg);
	h_handshake(h, OPTS_ALL, RTT);
	t = h->now;
	h_app_close(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 1, 0);
	expect_fin_retransmissions(h, t, h->iss + 1, h->peer.isn + 1, 3, TCP_FIN_WAIT_1);
	assert_int_equal(h->now, t + 15 * RTO);
	h_expect_cnt(h, orphan_give_ups, 1);
}

static void
test_fin_retransmit_shutdown_retries2(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	t = h->now;
	/* shutdown(): the application still holds it, so retries2 (15)
	 * applies, and the RTO stops doubling at rto_max (120 s). */
	h_app_shutdown(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 1, 0);
	expect_fin_retransmissions(h, t, h->iss + 1, h->peer.isn + 1, 15, TCP_FIN_WAIT_1);
	/* 210 ms * (2^10 - 1) + 6 * 120 s */
	assert_int_equal(h->now, t + 1023 * RTO + 6 * 120 * H_S);
	h_expect_cnt(h, fin_retransmits, 15);
	h_expect_cnt(h, retries2_give_ups, 1);
	h_expect_cnt(h, orphan_give_ups, 0);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_TIMEOUT);
}

static void
test_last_ack_give_up(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_fin(h);
	h_advance(h, 1 * H_S);
	h_expect(h, A, h->iss + 1, h->peer.isn + 2, 0);
	t = h->now;
	h_app_close(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_state(h, TCP_LAST_ACK);
	/* FIN #3 lost every time: bounded by orphan_retries as FIN #1. */
	expect_fin_retransmissions(h, t, h->iss + 1, h->peer.isn + 2, 8, TCP_LAST_ACK);
	assert_int_equal(h->now, t + 511 * RTO);
	h_expect_cnt(h, rtx_last_ack, 8);
	h_expect_cnt(h, orphan_give_ups, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_TIMEOUT);
	assert_null(h_tw(h));
}

static void
test_orphan_fin_wait_2_timeout(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;
	uint64_t a;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_close(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	a = h->now;
	h_expect_state(h, TCP_FIN_WAIT_2);
	/* fin_timeout (60 s) from entering FIN_WAIT_2, not a moment less. */
	h_advance_to(h, a + 60 * H_S - 1 * H_MS);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_expect_cnt(h, fin_wait2_timeouts, 0);
	h_advance_to(h, a + 60 * H_S);
	h_expect_state(h, TCP_CLOSED);
	h_expect_none(h);
	h_expect_cnt(h, fin_wait2_timeouts, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_TIMEOUT);
	assert_null(h_tw(h));
	/* A late FIN finds nothing: RST (teardown.md). */
	h_advance(h, 1 * H_S);
	seg = h_mk(h, FA, h->peer.snd_nxt, h->peer.rcv_nxt, 0);
	h_input(h, &seg);
	h_expect(h, TCP_F_RST, h->iss + 2, H_ANY, 0);
	h_expect_none(h);
}

static void
test_shutdown_fin_wait_2_no_limit(void **state)
{
	struct harness *h = *state;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_shutdown(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	/* shutdown(SHUT_WR): still reading, no fin_timeout. */
	h_advance(h, 3600 * H_S);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_expect_none(h);
	h_expect_cnt(h, fin_wait2_timeouts, 0);
	h_in_data(h, 100);
	assert_int_equal(h->app.recv_bytes, 100);
	assert_false(h->app.rx_bad);
	h_advance(h, 40 * H_MS);
	h_expect(h, A, h->iss + 2, h->peer.isn + 101, 0);
	h_in_fin(h);
	h_expect(h, A, h->iss + 2, h->peer.isn + 102, 0);
	h_expect_state(h, TCP_TIME_WAIT);
	/* Not an orphan: the application saw the end of the stream. */
	assert_int_equal(h->app.n_eof, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_NORMAL);
}

static void
test_shutdown_then_close_starts_fin_timeout(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_shutdown(h);
	h_flush(h);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_advance(h, 100 * H_S);
	/* close() now makes it an orphan: fin_timeout from here. */
	t = h->now;
	h_app_close(h);
	h_expect_none(h);
	h_advance_to(h, t + 60 * H_S - 1 * H_MS);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_advance_to(h, t + 60 * H_S);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, fin_wait2_timeouts, 1);
}

static void
test_data_after_orphan_close_fin_wait_2(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_close(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	/* Nobody can read it any more: RST (RFC 1122 4.2.2.13, Linux
	 * TCPAbortOnData), and the record goes. */
	h_in_data(h, 100);
	e = h_pop(h);
	assert_non_null(e);
	assert_true(e->seg.flags & TCP_F_RST);
	assert_int_equal(e->seg.seq, h->iss + 2);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	assert_null(h_tw(h));
	assert_int_equal(h->app.recv_bytes, 0);
	h_expect_cnt(h, rsts_sent, 1);
	h_advance(h, 100 * H_S);
	h_expect_none(h);
}

static void
test_data_after_orphan_close_fin_wait_1(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_close(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	/* Data that crossed our FIN (it acknowledges up to the FIN only).
	 * The RST takes SEG.ACK as its sequence number, as Linux
	 * (tcp_v4_send_reset), which is exactly the peer's rcv_nxt and so
	 * passes RFC 5961 at once. */
	h_advance(h, 5 * H_MS);
	h_in_data(h, 100);
	e = h_pop(h);
	assert_non_null(e);
	assert_true(e->seg.flags & TCP_F_RST);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->app.recv_bytes, 0);
	/* RST sequence number: SEG.ACK = iss + 1 (not snd_nxt = iss + 2,
	 * which the peer, not having our FIN, would challenge). */
	if (e->seg.seq != h->iss + 1)
		fail_msg("RST seq is iss%+d, expected iss+1 (SEG.ACK)",
			 (int)(e->seg.seq - h->iss));
}

static void
test_abort_sends_rst_no_time_wait(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_data(h, 100);
	h_expect_none(h);
	/* SO_LINGER {1, 0}: RST instead of FIN, no TIME_WAIT. */
	h_app_abort(h);
	e = h_expect_at(h, h->now, RA, h->iss + 1, h->peer.isn + 101, 0);
	(void)e;
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	assert_null(h_tw(h));
	h_expect_cnt(h, aborts_linger0, 1);
	h_expect_cnt(h, tw_created, 0);
	assert_int_equal(h->app.n_closed, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_ABORT);
	/* Nothing later either (the pending delayed ACK died with it). */
	h_advance(h, 100 * H_S);
	h_expect_none(h);
}

static void
test_abort_on_eof(void **state)
{
	struct harness *h = *state;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h->app.on_eof = H_ACT_ABORT;
	h_in_fin(h);
	h_expect(h, RA, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	assert_null(h_tw(h));
	h_advance(h, 100 * H_S);
	h_expect_none(h);
}

static void
test_close_wait_delayed_close(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h->app.on_eof = H_ACT_CLOSE_LATER;
	h->app.close_delay = 5 * H_S;
	h_advance(h, 1 * H_S);
	t = h->now;
	h_in_fin(h);
	h_expect_state(h, TCP_CLOSE_WAIT);
	h_advance_to(h, t + 40 * H_MS);
	e = h_expect(h, A, h->iss + 1, h->peer.isn + 2, 0);
	assert_true(e->at <= t + 40 * H_MS);
	/* Held in CLOSE_WAIT until the application closes. */
	h_advance_to(h, t + 5 * H_S - 1 * H_MS);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSE_WAIT);
	assert_int_equal(h->st.state[TCP_CLOSE_WAIT], 1);
	h_advance_to(h, t + 5 * H_S);
	assert_int_equal(h->app.n_timer, 1);
	h_expect_at(h, t + 5 * H_S, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_LAST_ACK);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->st.state[TCP_CLOSE_WAIT], 0);
}

static void
test_close_wait_never(void **state)
{
	struct harness *h = *state;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_fin(h);
	h_advance(h, 40 * H_MS);
	h_expect(h, A, h->iss + 1, h->peer.isn + 2, 0);
	/* The kernel never closes for the application (teardown.md). */
	h_advance(h, 24 * 3600 * H_S);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSE_WAIT);
	assert_int_equal(h->st.state[TCP_CLOSE_WAIT], 1);
	assert_int_equal(h->app.n_closed, 0);
}

static void
test_keepalive_kills_silent_peer(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	const struct h_sent *e;
	uint64_t t;

	h_default_config(&cfg);
	cfg.keepalive = true;
	h_start(h, &cfg);
	h_handshake(h, OPTS_ALL, RTT);
	t = h->now;   /* last segment received */
	/* Probes after keepalive_time idle, then every keepalive_intvl; the
	 * connection dies keepalive_time + probes * intvl after the last
	 * segment from the peer. */
	for (unsigned i = 0; i < 9; i++) {
		uint64_t at = t + 7200 * H_S + i * 75 * H_S;

		h_advance_to(h, at - 1 * H_MS);
		h_expect_none(h);
		h_advance_to(h, at);
		/* RFC 9293 3.8.4: SEG.SEQ = SND.NXT - 1, no data. */
		e = h_expect_at(h, at, A, h->iss, h->peer.isn + 1, 0);
		(void)e;
	}
	h_expect_cnt(h, keepalive_probes, 9);
	h_advance_to(h, t + 7875 * H_S - 1 * H_MS);
	h_expect_none(h);
	h_expect_state(h, TCP_ESTABLISHED);
	h_advance_to(h, t + 7875 * H_S);
	h_expect(h, RA, h->iss + 1, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, keepalive_kills, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_TIMEOUT);
}

static void
test_keepalive_answered(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	uint64_t t;

	h_default_config(&cfg);
	cfg.keepalive = true;
	h_start(h, &cfg);
	h_handshake(h, OPTS_ALL, RTT);
	t = h->now;
	h_advance_to(h, t + 7200 * H_S);
	h_expect(h, A, h->iss, h->peer.isn + 1, 0);
	/* The peer is alive: the next probe waits a whole idle time again. */
	h_advance(h, RTT);
	h_in_ack(h);
	t = h->now;
	h_advance_to(h, t + 7200 * H_S - 1 * H_MS);
	h_expect_none(h);
	h_advance_to(h, t + 7200 * H_S);
	h_expect_at(h, t + 7200 * H_S, A, h->iss, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_ESTABLISHED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_active_close_four_way, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_passive_close_four_way, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_three_way_close, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_three_way_close_after_response, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_close_with_pending_data, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_close, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_fin_retransmit_orphan_give_up, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_fin_retransmit_orphan_retries_knob, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_fin_retransmit_shutdown_retries2, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_last_ack_give_up, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_orphan_fin_wait_2_timeout, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_fin_wait_2_no_limit, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_then_close_starts_fin_timeout, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_data_after_orphan_close_fin_wait_2, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_data_after_orphan_close_fin_wait_1, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_abort_sends_rst_no_time_wait, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_abort_on_eof, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_close_wait_delayed_close, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_close_wait_never, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_kills_silent_peer, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_answered, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
