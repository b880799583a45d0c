/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The passive side of the TCP core on a fake clock: handshake and options,
 * SYN-ACK retransmission, receiving (delayed ACK, every second segment,
 * out of order), RSTs for unknown connections (RFC 9293 3.10.7.1), blind
 * RST/SYN defence (RFC 5961), a full table, retransmission on RTO (RFC 6298,
 * Karn) and fast retransmit (RFC 5681), and the state gauges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define OPTS_ALL (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define SA       (TCP_F_SYN | TCP_F_ACK)
#define A        TCP_F_ACK
#define PA       (TCP_F_PSH | TCP_F_ACK)
#define RA       (TCP_F_RST | TCP_F_ACK)
#define RTT      (10 * H_MS)

static void
test_syn_ack_options(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_conn *c;
	uint32_t tsval;

	h_start(h, NULL);
	h_in_syn(h, OPTS_ALL);
	tsval = h->peer.ts_base + (uint32_t)(h->now / H_MS);
	e = h_expect_at(h, H_T0, SA, H_ANY, h->peer.isn + 1, 0);
	/* Everything offered is granted, with our own values. */
	assert_int_equal(e->seg.opts, OPTS_ALL);
	assert_int_equal(e->seg.mss, 1460);
	assert_int_equal(e->seg.wscale, 7);
	assert_int_equal(e->seg.tsecr, tsval);
	/* RFC 7323 2.2: the window of a SYN-ACK is not scaled. */
	assert_int_equal(e->seg.wnd, 65535);
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_expect_none(h);
	h_expect_state(h, TCP_SYN_RECEIVED);
	assert_int_equal(h->st.state[TCP_SYN_RECEIVED], 1);
	h_expect_cnt(h, passive_opens, 1);
	assert_int_equal(h->app.n_established, 0);

	h_advance(h, RTT);
	h_in_ack(h);
	h_expect_none(h);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_int_equal(h->app.n_established, 1);
	assert_int_equal(h->app.established_at, H_T0 + RTT);
	assert_int_equal(h->st.state[TCP_SYN_RECEIVED], 0);
	assert_int_equal(h->st.state[TCP_ESTABLISHED], 1);
	h_expect_cnt(h, conns_established, 1);
	c = h_conn(h);
	assert_non_null(c);
	assert_true(c->flags & TF_TS);
	assert_true(c->flags & TF_WS);
	assert_true(c->flags & TF_SACK);
	/* 1460 less the 12 bytes of the timestamp option (as Linux). */
	assert_int_equal(c->mss, 1448);
	/* The peer's window is scaled from its first non-SYN segment. */
	assert_int_equal(c->snd_wnd, 502u << 7);

	/* Our segments carry the scaled window and the timestamp echo. */
	h_app_send(h, 10);
	e = h_expect(h, PA, h->iss + 1, h->peer.isn + 1, 10);
	assert_int_equal(e->seg.wnd, (1u << 20) >> 7);
	assert_int_equal(e->seg.opts, TCP_OPT_TS);
	assert_int_equal(e->seg.tsecr, h->peer.ts_base + (uint32_t)(h->now / H_MS));
	for (unsigned i = 0; i < 10; i++)
		assert_int_equal(e->data[i], h_pattern(i));
}

static void
test_syn_without_options(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_conn *c;

	h_start(h, NULL);
	h_in_syn(h, 0);
	e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	/* Only MSS is ours to announce unasked (RFC 9293 3.7.1); WS, SACK
	 * and TS need the peer's offer (RFC 7323 1.3, RFC 2018). */
	assert_int_equal(e->seg.opts, TCP_OPT_MSS);
	assert_int_equal(e->seg.mss, 1460);
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_advance(h, RTT);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	c = h_conn(h);
	assert_false(c->flags & (TF_TS | TF_WS | TF_SACK));
	/* No MSS option: RFC 9293 3.7.1 default of 536. */
	assert_int_equal(c->mss, 536);
	assert_int_equal(c->snd_wnd, 502);

	h->peer.wnd = 8000;
	h_in_ack(h);
	h_app_send(h, 1000);
	e = h_expect(h, A, h->iss + 1, h->peer.isn + 1, 536);
	assert_int_equal(e->seg.opts, 0);
	/* No window scaling: 1 MiB is advertised as 65535. */
	assert_int_equal(e->seg.wnd, 65535);
	h_expect(h, PA, h->iss + 1 + 536, h->peer.isn + 1, 464);
	h_expect_none(h);
}

static void
test_synack_retransmit_and_give_up(void **state)
{
	struct harness *h = *state;
	static const unsigned at_s[] = { 1, 3, 7, 15, 31 };
	uint32_t iss;

	h_start(h, NULL);
	h_in_syn(h, OPTS_ALL);
	iss = h_expect_at(h, H_T0, SA, H_ANY, h->peer.isn + 1, 0)->seg.seq;
	/* Linux: RTO 1 s, doubling: 1, 2, 4, 8, 16 s apart, synack_retries 5. */
	for (unsigned i = 0; i < 5; i++) {
		h_advance_to(h, H_T0 + at_s[i] * H_S - 1 * H_MS);
		h_expect_none(h);
		h_advance_to(h, H_T0 + at_s[i] * H_S);
		h_expect_at(h, H_T0 + at_s[i] * H_S, SA, iss, h->peer.isn + 1, 0);
		h_expect_cnt(h, synack_retransmits, i + 1);
	}
	/* After the last one, one more backed-off timeout (32 s): 63 s. */
	h_advance_to(h, H_T0 + 63 * H_S - 1 * H_MS);
	h_expect_none(h);
	h_expect_state(h, TCP_SYN_RECEIVED);
	h_expect_cnt(h, synack_give_ups, 0);
	h_advance_to(h, H_T0 + 63 * H_S);
	h_expect_state(h, TCP_CLOSED);
	h_expect_none(h);
	h_expect_cnt(h, synack_give_ups, 1);
	h_expect_cnt(h, synack_retransmits, 5);
	assert_int_equal(h->s.n_conns, 0);
	assert_int_equal(h->st.state[TCP_SYN_RECEIVED], 0);
	h_expect_cnt(h, conns_closed, 1);
	h_advance(h, 100 * H_S);
	h_expect_none(h);
}

static void
test_dup_syn_in_syn_received(void **state)
{
	struct harness *h = *state;
	struct tcp_seg syn;
	uint32_t iss;

	h_start(h, NULL);
	h_in_syn(h, OPTS_ALL);
	iss = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0)->seg.seq;
	/* The peer did not get our SYN-ACK and sends its SYN again. */
	h_advance(h, 300 * H_MS);
	syn = h_mk_syn(h, OPTS_ALL);
	h_input(h, &syn);
	h_expect_at(h, H_T0 + 300 * H_MS, SA, iss, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_SYN_RECEIVED);
	assert_int_equal(h->s.n_conns, 1);
	h->iss = iss;
	h->peer.rcv_nxt = iss + 1;
	h_advance(h, RTT);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_int_equal(h->app.n_established, 1);
}

static void
test_bad_ack_in_syn_received(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;
	uint32_t iss;

	h_start(h, NULL);
	h_in_syn(h, OPTS_ALL);
	iss = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0)->seg.seq;
	/* RFC 9293 3.10.7.4: an unacceptable ACK in SYN-RECEIVED gets
	 * <SEQ=SEG.ACK><CTL=RST> and the connection stays. */
	seg = h_mk(h, A, h->peer.isn + 1, iss + 1000, 0);
	h_input(h, &seg);
	h_expect(h, TCP_F_RST, iss + 1000, H_ANY, 0);
	h_expect_state(h, TCP_SYN_RECEIVED);
}

static void
test_delayed_ack(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	t = h->now;
	h_in_data(h, 100);
	assert_int_equal(h->app.recv_bytes, 100);
	assert_false(h->app.rx_bad);
	/* One segment: the ACK waits delayed_ack (40 ms). */
	h_expect_none(h);
	h_advance_to(h, t + 40 * H_MS - 1 * H_MS);
	h_expect_none(h);
	h_advance_to(h, t + 40 * H_MS);
	e = h_expect_at(h, t + 40 * H_MS, A, h->iss + 1, h->peer.isn + 101, 0);
	assert_int_equal(e->seg.wnd, (1u << 20) >> 7);
	h_expect_cnt(h, delayed_acks, 1);
	h_advance(h, 1 * H_S);
	h_expect_none(h);
}

static void
test_ack_every_second_segment(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_data(h, 1448);
	h_expect_none(h);
	h_advance(h, 1 * H_MS);
	h_in_data(h, 1448);
	/* RFC 5681 4.2: at least every second full-sized segment, at once. */
	h_expect_at(h, h->now, A, h->iss + 1, h->peer.isn + 1 + 2 * 1448, 0);
	h_expect_none(h);
	t = h->now;
	h_in_data(h, 1448);
	h_expect_none(h);
	h_advance_to(h, t + 40 * H_MS);
	h_expect_at(h, t + 40 * H_MS, A, h->iss + 1, h->peer.isn + 1 + 3 * 1448, 0);
	h_expect_none(h);
	assert_int_equal(h->app.recv_bytes, 3 * 1448);
	assert_false(h->app.rx_bad);
	/* The timer of the ACK sent at once must not fire a second ACK. */
	h_advance(h, 1 * H_S);
	h_expect_none(h);
}

static void
test_out_of_order_dup_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	/* A delayed ACK is pending for 100 in-order bytes... */
	h_in_data(h, 100);
	h_expect_none(h);
	/* ...when a segment beyond a hole arrives: ACK at once (RFC 5681
	 * 4.2), which also settles the pending ACK. */
	seg = h_mk(h, PA, h->peer.snd_nxt + 1000, h->peer.rcv_nxt, 100);
	h_input(h, &seg);
	h_expect_at(h, h->now, A, h->iss + 1, h->peer.isn + 101, 0);
	h_expect_none(h);
	assert_int_equal(h->app.recv_bytes, 100);
	h_input(h, &seg);
	h_expect_at(h, h->now, A, h->iss + 1, h->peer.isn + 101, 0);
	h_advance(h, 1 * H_S);
	h_expect_none(h);
}

static void
test_rst_for_closed_port(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;
	const struct h_sent *e;

	h_start(h, NULL);
	h->peer.t.lport = 81;
	h->peer.ts = false;

	/* RFC 9293 3.10.7.1, no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>,
	 * SYN and FIN counting in SEG.LEN. */
	seg = h_mk_syn(h, OPTS_ALL);
	seg.seq = 1000;
	h_input(h, &seg);
	e = h_expect(h, RA, 0, 1001, 0);
	assert_int_equal(e->seg.opts, 0);

	seg = h_mk(h, TCP_F_PSH, 5000, 0, 10);
	h_input(h, &seg);
	h_expect(h, RA, 0, 5010, 0);

	seg = h_mk(h, TCP_F_FIN, 7000, 0, 0);
	h_input(h, &seg);
	h_expect(h, RA, 0, 7001, 0);

	/* With an ACK: <SEQ=SEG.ACK><CTL=RST>. */
	seg = h_mk(h, A, 2000, 3000, 0);
	h_input(h, &seg);
	h_expect(h, TCP_F_RST, 3000, H_ANY, 0);

	seg = h_mk(h, TCP_F_FIN | A, 2000, 4000, 20);
	h_input(h, &seg);
	h_expect(h, TCP_F_RST, 4000, H_ANY, 0);

	/* Never an RST for an RST. */
	seg = h_mk_rst(h, 1234);
	h_input(h, &seg);
	h_expect_none(h);

	h_expect_cnt(h, rsts_sent, 5);
	h_expect_cnt(h, drop_no_listener, 6);
	assert_int_equal(h->s.n_conns, 0);
}

static void
test_rst_for_ack_to_listener(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	h_start(h, NULL);
	/* An ACK for a connection we do not have (RFC 9293 3.10.7.2). */
	seg = h_mk(h, A, 2000, 3000, 0);
	h_input(h, &seg);
	h_expect(h, TCP_F_RST, 3000, H_ANY, 0);
	seg = h_mk(h, PA, 2000, 3500, 100);
	h_input(h, &seg);
	h_expect(h, TCP_F_RST, 3500, H_ANY, 0);
	h_expect_cnt(h, drop_no_conn, 2);
	/* An RST to a listener is dropped silently. */
	seg = h_mk_rst(h, 2000);
	h_input(h, &seg);
	h_expect_none(h);
	assert_int_equal(h->s.n_conns, 0);
	assert_int_equal(h->st.state[TCP_LISTEN], 1);
}

static void
test_rst_in_window_challenge_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);

	/* RFC 5961 3.2: in the window but not at rcv_nxt: challenge ACK. */
	seg = h_mk_rst(h, h->peer.snd_nxt + 100);
	h_input(h, &seg);
	h_expect(h, A, h->iss + 1, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_ESTABLISHED);
	h_expect_cnt(h, challenge_acks, 1);
	h_expect_cnt(h, rsts_received, 0);

	/* Outside the window: dropped, no answer. */
	seg = h_mk_rst(h, h->peer.snd_nxt + (1u << 21));
	h_input(h, &seg);
	h_expect_none(h);
	seg = h_mk_rst(h, h->peer.snd_nxt - 1);
	h_input(h, &seg);
	h_expect_none(h);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_int_equal(h->app.n_closed, 0);

	/* Exactly rcv_nxt: the connection is reset. */
	seg = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &seg);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, rsts_received, 1);
	assert_int_equal(h->app.n_closed, 1);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_RESET);
	assert_int_equal(h->st.state[TCP_ESTABLISHED], 0);
	assert_int_equal(tcp_tw_lookup(&h->s, &h->peer.t), NULL);
	h_advance(h, 10 * H_S);
	h_expect_none(h);
}

static void
test_syn_in_established_challenge_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_advance(h, 1 * H_S);
	/* RFC 5961 4.2: a SYN in a synchronized state, whatever its
	 * sequence number, gets a challenge ACK; the connection stays. */
	seg = h_mk_syn(h, OPTS_ALL);
	seg.seq = h->peer.snd_nxt + 5000;
	h_input(h, &seg);
	h_expect(h, A, h->iss + 1, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_ESTABLISHED);
	h_expect_cnt(h, challenge_acks, 1);

	seg.seq = h->peer.isn - 100000;
	h_input(h, &seg);
	h_expect(h, A, h->iss + 1, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_int_equal(h->app.n_closed, 0);
	assert_int_equal(h->app.n_established, 1);
}

static void
test_table_full(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct h_peer p1, p3;
	struct tcp_seg seg;

	h_default_config(&cfg);
	cfg.max_conns = 2;
	cfg.syncookies = 0;    /* the RST without SYN cookies */
	h_start(h, &cfg);
	h_handshake(h, OPTS_ALL, RTT);
	p1 = h->peer;

	h_peer_init(h, &h->peer, H_RPORT + 1);
	h_in_syn(h, OPTS_ALL);
	h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);

	/* The third SYN finds no record: RST and a counter, no crash. */
	h_peer_init(h, &h->peer, H_RPORT + 2);
	p3 = h->peer;
	h_in_syn(h, OPTS_ALL);
	h_expect(h, RA, 0, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, conn_table_full, 1);
	assert_int_equal(h->s.n_conns, 2);

	/* A record freed is a record available. */
	h->peer = p1;
	seg = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &seg);
	h_expect_state(h, TCP_CLOSED);
	h->peer = p3;
	h_in_syn(h, OPTS_ALL);
	h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_SYN_RECEIVED);
	h_expect_cnt(h, conn_table_full, 1);
}

static void
test_rto_retransmit_karn(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_conn *c;
	uint64_t t, u;

	h_start(h, NULL);
	c = h_handshake(h, OPTS_ALL, RTT);
	/* RFC 6298 2.2 with Linux's floor: 10 ms + max(4 * 5 ms, 200 ms). */
	assert_int_equal(c->rto, 210 * H_MS);

	h_advance(h, 1 * H_S);
	t = h->now;
	h_app_send(h, 100);
	h_expect_at(h, t, PA, h->iss + 1, h->peer.isn + 1, 100);
	h_advance_to(h, t + 209 * H_MS);
	h_expect_none(h);
	h_advance_to(h, t + 210 * H_MS);
	e = h_expect_at(h, t + 210 * H_MS, PA, h->iss + 1, h->peer.isn + 1, 100);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(e->data[i], h_pattern(i));
	h_expect_cnt(h, data_retransmits, 1);
	/* RFC 6298 5.5: back off, 420 ms. */
	h_advance_to(h, t + 629 * H_MS);
	h_expect_none(h);
	h_advance_to(h, t + 630 * H_MS);
	h_expect_at(h, t + 630 * H_MS, PA, h->iss + 1, h->peer.isn + 1, 100);

	/* The ACK of a retransmitted segment is ambiguous: no RTT sample
	 * (Karn).  A sample of 700 or 70 ms would change the RTO. */
	h_advance_to(h, t + 700 * H_MS);
	h_peer_ack_all(h);
	h_in_ack(h);
	assert_int_equal(h->app.acked_bytes, 100);
	h_expect_none(h);
	h_advance(h, 10 * H_S);
	h_expect_none(h);

	u = h->now;
	h_app_send(h, 100);
	h_expect_at(h, u, PA, h->iss + 101, h->peer.isn + 1, 100);
	h_advance_to(h, u + 209 * H_MS);
	h_expect_none(h);
	h_advance_to(h, u + 210 * H_MS);
	h_expect_at(h, u + 210 * H_MS, PA, h->iss + 101, h->peer.isn + 1, 100);
}

static void
test_rto_floor(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	uint64_t t;

	h_start(h, NULL);
	/* A 1 ms RTT: the RTO is still at least rto_min (200 ms). */
	h_handshake(h, OPTS_ALL, 1 * H_MS);
	t = h->now;
	h_app_send(h, 100);
	h_expect_at(h, t, PA, h->iss + 1, h->peer.isn + 1, 100);
	h_advance_to(h, t + 200 * H_MS - 1);
	h_expect_none(h);
	h_advance_to(h, t + 201 * H_MS);
	e = h_expect(h, PA, h->iss + 1, h->peer.isn + 1, 100);
	assert_true(e->at >= t + 200 * H_MS);
}

static void
test_fast_retransmit(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_seg ack;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_send(h, 5 * 1448);
	for (unsigned i = 0; i < 5; i++)
		h_expect(h, i < 4 ? A : PA, h->iss + 1 + i * 1448, h->peer.isn + 1, 1448);
	h_expect_none(h);

	h_advance(h, RTT);
	h->peer.rcv_nxt = h->iss + 1 + 1448;
	h_in_ack(h);
	h_expect_none(h);
	/* Three duplicate ACKs (RFC 5681 3.2): retransmit at once. */
	ack = h_mk_ack(h);
	h_input(h, &ack);
	h_input(h, &ack);
	h_expect_none(h);
	h_input(h, &ack);
	e = h_expect_at(h, h->now, A, h->iss + 1 + 1448, h->peer.isn + 1, 1448);
	for (unsigned i = 0; i < 1448; i++)
		assert_int_equal(e->data[i], h_pattern(1448 + i));
	h_expect_none(h);
	h_expect_cnt(h, fast_retransmits, 1);
	/* More duplicates do not resend it again. */
	h_input(h, &ack);
	h_expect_none(h);
	h_expect_cnt(h, fast_retransmits, 1);
}

static void
test_paws_drop_established(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	h_start(h, NULL);
	h_handshake(h, OPTS_ALL, RTT);
	h_advance(h, 1 * H_S);
	/* RFC 7323 5.3: an older TSval is a duplicate: drop, ACK. */
	seg = h_mk(h, PA, h->peer.snd_nxt, h->peer.rcv_nxt, 100);
	seg.tsval = h->peer.ts_base;   /* older than the handshake's */
	h_input(h, &seg);
	h_expect(h, A, h->iss + 1, h->peer.isn + 1, 0);
	assert_int_equal(h->app.recv_bytes, 0);
	h_expect_cnt(h, drop_paws, 1);
	h_expect_state(h, TCP_ESTABLISHED);
}

static void
test_state_gauges(void **state)
{
	struct harness *h = *state;
	struct h_peer p1;

	h_start(h, NULL);
	assert_int_equal(h->st.state[TCP_LISTEN], 1);
	h_in_syn(h, OPTS_ALL);
	h->iss = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0)->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	assert_int_equal(h->st.state[TCP_SYN_RECEIVED], 1);
	assert_int_equal(h->st.state[TCP_CLOSED], 0);
	h_check_gauges(h);
	h_in_ack(h);
	assert_int_equal(h->st.state[TCP_SYN_RECEIVED], 0);
	assert_int_equal(h->st.state[TCP_ESTABLISHED], 1);
	h_check_gauges(h);
	p1 = h->peer;

	/* A second connection, half open. */
	h_peer_init(h, &h->peer, H_RPORT + 1);
	h_in_syn(h, OPTS_ALL);
	h_flush(h);
	assert_int_equal(h->st.state[TCP_SYN_RECEIVED], 1);
	assert_int_equal(h->st.state[TCP_ESTABLISHED], 1);
	h_check_gauges(h);

	h->peer = p1;
	h_in_fin(h);
	assert_int_equal(h->st.state[TCP_CLOSE_WAIT], 1);
	assert_int_equal(h->st.state[TCP_ESTABLISHED], 0);
	h_check_gauges(h);
	h_app_close(h);
	assert_int_equal(h->st.state[TCP_CLOSE_WAIT], 0);
	assert_int_equal(h->st.state[TCP_LAST_ACK], 1);
	h_check_gauges(h);
	h_peer_ack_all(h);
	h_in_ack(h);
	assert_int_equal(h->st.state[TCP_LAST_ACK], 0);
	h_check_gauges(h);

	/* The half-open one times out. */
	h_advance(h, 100 * H_S);
	for (unsigned i = 0; i < TCP_NSTATES; i++)
		if (i != TCP_LISTEN)
			assert_int_equal(h->st.state[i], 0);
	h_check_gauges(h);
	h_expect_cnt(h, conns_opened, 2);
	h_expect_cnt(h, conns_closed, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_syn_ack_options, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syn_without_options, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_synack_retransmit_and_give_up, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_dup_syn_in_syn_received, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ack_in_syn_received, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_delayed_ack, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_ack_every_second_segment, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_dup_ack, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rst_for_closed_port, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rst_for_ack_to_listener, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rst_in_window_challenge_ack, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syn_in_established_challenge_ack, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_table_full, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rto_retransmit_karn, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rto_floor, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_fast_retransmit, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_paws_drop_established, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_state_gauges, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
