/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hostile and odd peers on the harness: an MSS below the option bytes,
 * a peer that keeps its window shut, a TIME_WAIT takeover with a full
 * table, SYN+FIN, and a client that pipelines more responses than the
 * send queue holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "http/http_server.h"

#define OPTS_ALL  (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define SA        (TCP_F_SYN | TCP_F_ACK)
#define A         TCP_F_ACK
#define PA        (TCP_F_PSH | TCP_F_ACK)
#define FA        (TCP_F_FIN | TCP_F_ACK)
#define RA        (TCP_F_RST | TCP_F_ACK)
#define RTT       (10 * H_MS)

/* A SYN announcing MSS 5 with timestamps: Linux raises it to
 * tcp_min_snd_mss (48), and the 12 timestamp bytes leave 36 of data. */
static void
test_tiny_peer_mss_clamped(void **state)
{
	struct harness *h = *state;
	struct tcp_seg syn;
	const struct h_sent *sa;
	struct tcp_conn *c;

	h_start(h, NULL);
	syn = h_mk_syn(h, OPTS_ALL);
	syn.mss = 5;
	h->peer.snd_nxt = h->peer.isn + 1;
	h_input(h, &syn);
	sa = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h->iss = sa->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_advance(h, RTT);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	c = h_conn(h);
	assert_int_equal(c->mss, 48 - 12);
	h_app_send(h, 100);
	h_expect(h, A, h->iss + 1, h->peer.isn + 1, 36);
	h_expect(h, A, h->iss + 37, h->peer.isn + 1, 36);
	h_expect(h, PA, h->iss + 73, h->peer.isn + 1, 28);
	h_expect_none(h);
}

/* tcp.min_snd_mss raises the floor. */
static void
test_min_snd_mss_knob(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct tcp_seg syn;
	const struct h_sent *sa;

	h_default_config(&cfg);
	cfg.min_snd_mss = 500;
	h_start(h, &cfg);
	syn = h_mk_syn(h, OPTS_ALL);
	syn.mss = 0;
	h->peer.snd_nxt = h->peer.isn + 1;
	h_input(h, &syn);
	sa = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h->iss = sa->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_in_ack(h);
	assert_int_equal(h_conn(h)->mss, 500 - 12);
}

/* A live peer that answers every zero-window probe with a zero window is
 * probed for as long as it answers (Linux resets icsk_probes_out on each
 * ACK); one that stops answering is dropped after retries2. */
static void
test_zero_window_peer_kept(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	const struct h_sent *e;
	unsigned probes = 0;

	h_default_config(&cfg);
	cfg.retries2 = 3;
	h_start(h, &cfg);
	h_handshake(h, OPTS_ALL, RTT);
	/* More than the initial window: data is left waiting. */
	h_app_send(h, 50000);
	/* The peer takes what was sent and shuts its window. */
	h->peer.wnd = 0;
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_flush(h);
	for (unsigned i = 0; i < 3000 && probes < 12; i++) {
		h_advance(h, 1 * H_S);
		while ((e = h_pop(h)) != NULL) {
			if (e->seg.flags & TCP_F_RST)
				fail_msg("connection reset after %u probes", probes);
			probes++;
			/* The probe's byte is beyond the window: the peer
			 * drops it and ACKs what it has, window still 0. */
			h_in_ack(h);
		}
	}
	assert_int_equal(probes, 12);
	h_expect_state(h, TCP_ESTABLISHED);
	h_expect_cnt(h, retries2_give_ups, 0);

	/* Now the peer goes silent: retries2 probes, then it is dropped. */
	for (unsigned i = 0; i < 2000 && h_conn(h) != NULL; i++) {
		h_advance(h, 1 * H_S);
		h_flush(h);
	}
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, retries2_give_ups, 1);
}

/* Handshake with opts, we close, the peer ACKs and sends its FIN. */
static void
enter_time_wait(struct harness *h)
{
	h_handshake(h, OPTS_ALL, RTT);
	h_advance(h, 1 * H_S);
	h_app_close(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_advance(h, RTT);
	h_in_fin(h);
	h_expect(h, A, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_state(h, TCP_TIME_WAIT);
}

/* A SYN that may take a TIME_WAIT record over, while the connection table
 * is full: the record stays (and keeps guarding the tuple), the SYN is
 * dropped; once a record is free the retransmitted SYN takes over. */
static void
test_tw_takeover_table_full_keeps_record(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct h_peer p1, p2;
	struct tcp_seg seg;
	uint32_t rcv_nxt;

	h_default_config(&cfg);
	cfg.max_conns = 1;
	h_start(h, &cfg);
	enter_time_wait(h);
	p1 = h->peer;
	rcv_nxt = h_tw(h)->rcv_nxt;

	/* Another client takes the only record. */
	h_peer_init(h, &h->peer, H_RPORT + 1);
	h_handshake(h, OPTS_ALL, RTT);
	p2 = h->peer;

	/* The first client comes back on the same tuple, newer timestamp. */
	h->peer = p1;
	h_advance(h, 1 * H_S);
	h->peer.isn = rcv_nxt + 100000;
	h_in_syn(h, OPTS_ALL);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_non_null(h_tw(h));
	h_expect_cnt(h, tw_syn_table_full, 1);
	h_expect_cnt(h, tw_syn_accepted, 0);
	h_expect_cnt(h, rsts_sent, 0);

	/* The other client leaves; the SYN's retransmission takes over. */
	h->peer = p2;
	seg = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &seg);
	h->peer = p1;
	h_advance(h, 1 * H_S);
	h_in_syn(h, OPTS_ALL);
	h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_SYN_RECEIVED);
	h_expect_cnt(h, tw_syn_accepted, 1);
}

/* SYN+FIN: dropped and counted by a listener and by a TIME_WAIT record;
 * a closed port answers RST as for any segment. */
static void
test_syn_fin_dropped(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	h_start(h, NULL);
	seg = h_mk_syn(h, OPTS_ALL);
	seg.flags |= TCP_F_FIN;
	h_input(h, &seg);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, drop_syn_fin, 1);
	h_expect_cnt(h, conns_opened, 0);

	/* The same SYN without FIN is answered. */
	seg.flags &= (uint8_t)~TCP_F_FIN;
	h_input(h, &seg);
	h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);

	/* Closed port: RST, as Linux. */
	h_peer_init(h, &h->peer, H_RPORT + 1);
	h->peer.t.lport = 81;
	seg = h_mk_syn(h, OPTS_ALL);
	seg.flags |= TCP_F_FIN;
	h_input(h, &seg);
	h_expect(h, RA, 0, H_ANY, 0);
	h_expect_cnt(h, drop_syn_fin, 1);
}

#define PIPE_N     33
#define PIPE_BODY  100000u
#define PIPE_PORT  8080
#define PIPE_SNDBUF (64u * 1024)

/*
 * 33 pipelined GETs in one segment, responses of 100 kB, tcp.sndbuf
 * 64 KiB: the responder hands TCP one response at a time (the queue never
 * holds more than sndbuf plus one response), and every byte of the 33
 * responses arrives, in order, as the peer acknowledges.
 */
static void
test_http_pipeline_bounded(void **state)
{
	static const char get[] = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct tt_http_config hcfg = { .n_listen = 1, .listen = { PIPE_PORT },
				       .body_size = PIPE_BODY,
				       .keepalive_requests = 1000,
				       .keepalive_timeout = 75 * H_S };
	struct http_templates tpl;
	struct http_server hs;
	const struct http_template *t;
	const struct h_sent *e;
	static uint8_t req[PIPE_N * sizeof(get)];
	struct tcp_seg seg;
	struct tcp_conn *c;
	uint32_t reqlen = 0, peak = 0, got = 0, total;
	uint64_t guard = 0;

	h_default_config(&cfg);
	cfg.sndbuf = PIPE_SNDBUF;
	h_start(h, &cfg);
	assert_int_equal(http_templates_init(&tpl, PIPE_BODY), 0);
	http_server_init(&hs, &hcfg, &tpl, &h->s, &h->st, 1);
	assert_int_equal(http_server_listen(&hs), 0);
	t = &tpl.t[HTTP_R_GET_KA];
	total = PIPE_N * t->len;

	h->peer.t.lport = PIPE_PORT;
	h->peer.wnd = 65535;      /* << 7: 8 MB, the peer reads at once */
	h_in_syn(h, OPTS_ALL);
	e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_advance(h, RTT);
	h_in_ack(h);
	c = h_conn(h);
	assert_non_null(c);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);

	for (unsigned i = 0; i < PIPE_N; i++) {
		memcpy(req + reqlen, get, sizeof(get) - 1);
		reqlen += sizeof(get) - 1;
	}
	seg = h_mk(h, PA, h->peer.snd_nxt, h->peer.rcv_nxt, 0);
	seg.payload = req;
	seg.len = reqlen;
	h->peer.snd_nxt += reqlen;
	h_input(h, &seg);
	h_expect_cnt(h, http_requests, PIPE_N);

	while (got < total && guard++ < 100000) {
		if (tcp_unacked(c) > peak)
			peak = tcp_unacked(c);
		while ((e = h_pop(h)) != NULL) {
			uint32_t off = e->seg.seq - (h->iss + 1);

			if (e->seg.flags & TCP_F_RST)
				fail_msg("reset after %u bytes", got);
			if (e->seg.len == 0)
				continue;
			/* In order, no gap, no repeat (nothing is lost). */
			assert_int_equal(off, got);
			assert_int_equal(e->plen, e->seg.len);
			for (uint32_t i = 0; i < e->seg.len; i++) {
				uint32_t pos = (off + i) % t->len;
				uint8_t want = pos < t->hdr_len ? (uint8_t)t->hdr[pos] :
					http_body_byte(pos - t->hdr_len, t->body_len);

				if (e->data[i] != want)
					fail_msg("byte %u: %#x, want %#x", off + i,
						 e->data[i], want);
			}
			got += e->seg.len;
			h->peer.rcv_nxt = e->seg.seq + e->seg.len;
		}
		h_advance(h, 1 * H_MS);
		h_in_ack(h);
	}
	assert_int_equal(got, total);
	/* Never more than the bound plus the one response that crossed it. */
	if (peak > PIPE_SNDBUF + t->len)
		fail_msg("%u bytes queued, bound %u + %u", peak, PIPE_SNDBUF, t->len);
	assert_true(H_CNT(h, http_sndbuf_waits) > 0);
	h_expect_cnt(h, http_responses, PIPE_N);
	h_expect_state(h, TCP_ESTABLISHED);
	h_flush(h);
	http_templates_free(&tpl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tiny_peer_mss_clamped, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_min_snd_mss_knob, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_zero_window_peer_kept, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_tw_takeover_table_full_keeps_record, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syn_fin_dropped, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_http_pipeline_bounded, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

