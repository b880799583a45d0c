/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SYN cookies (lib/tcp/tcp_syncookie.c): the encoding alone (SipHash
 * reference vector, round trip and MSS table, age, tampering, options in
 * the TSval), then the listener on a fake clock: cookies when the
 * SYN_RECEIVED backlog or the table is full, or always; the ACK that opens
 * the connection; ACKs that fail; syncookies = 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "tcp/tcp_priv.h"
#include "tcp/tcp_syncookie.h"

#define OPTS_ALL (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define SA       (TCP_F_SYN | TCP_F_ACK)
#define A        TCP_F_ACK
#define PA       (TCP_F_PSH | TCP_F_ACK)
#define R        TCP_F_RST
#define RA       (TCP_F_RST | TCP_F_ACK)
#define MINUTE   (60 * H_S)

static const uint8_t test_secret[TCP_SYNCOOKIE_KEY_BYTES] = {
	0x5a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};

static const struct tcp_tuple tuple = {
	.laddr.v4 = H_LADDR, .raddr.v4 = H_RADDR, .lport = H_LPORT, .rport = H_RPORT,
};

static struct tcp_syncookie_key
test_key(void)
{
	struct tcp_syncookie_key k;

	tcp_syncookie_key_set(&k, test_secret, sizeof(test_secret));
	return k;
}

/* ---- the encoding ---- */

static void
test_siphash_reference_vector(void **state)
{
	/* The SipHash paper's vector: key 00..0f, message 00..0f, output
	 * db 9b c2 57 7f cc 2a 3f (little endian). */
	uint8_t kb[16];
	struct tcp_syncookie_key k;

	(void)state;
	for (unsigned i = 0; i < 16; i++)
		kb[i] = (uint8_t)i;
	tcp_syncookie_key_set(&k, kb, sizeof(kb));
	assert_true(tcp_syncookie_siphash(k.k[0], 0x03020100, 0x07060504, 0x0b0a0908,
					  0x0f0e0d0c) == UINT64_C(0x3f2acc7f57c29bdb));
}

static void
test_round_trip_and_mss_table(void **state)
{
	static const struct { uint16_t in, kept; } mss[] = {
		{ 0, 536 }, { 88, 536 }, { 536, 536 }, { 1299, 536 },
		{ 1300, 1300 }, { 1439, 1300 }, { 1440, 1440 }, { 1459, 1440 },
		{ 1460, 1460 }, { 9000, 1460 },
	};
	struct tcp_syncookie_key k = test_key();

	(void)state;
	for (unsigned i = 0; i < sizeof(mss) / sizeof(mss[0]); i++) {
		for (uint32_t j = 0; j < 200; j++) {
			struct tcp_tuple t = tuple;
			uint32_t seq = 0x9e3779b9u * (j + 1) + i;
			uint64_t now = H_T0 + j * 7919 * H_MS;
			uint16_t kept = 0;
			uint32_t cookie;

			t.rport = (uint16_t)(1024 + j * 13);
			t.raddr.v4 = H_RADDR + j;
			cookie = tcp_syncookie_make(&k, &t, seq, mss[i].in, now, &kept);
			assert_int_equal(kept, mss[i].kept);
			assert_int_equal(tcp_syncookie_check(&k, &t, cookie, seq, now),
					 mss[i].kept);
		}
	}
}

static void
test_expiry_after_allowed_age(void **state)
{
	struct tcp_syncookie_key k = test_key();
	uint32_t seq = 12345;
	uint32_t c;

	(void)state;
	/* Made early in minute 10: good in minutes 10 and 11 only
	 * (MAX_SYNCOOKIE_AGE = 2), as Linux. */
	c = tcp_syncookie_make(&k, &tuple, seq, 1460, 10 * MINUTE + 1 * H_S, NULL);
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 10 * MINUTE + H_S), 1460);
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 12 * MINUTE - 1), 1460);
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 12 * MINUTE), 0);
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 60 * MINUTE), 0);
	/* The minute is 8 bits: 256 minutes later it reads as new, but the
	 * second hash, keyed by the minute, no longer matches. */
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 266 * MINUTE + H_S), 0);
	/* Made in the last second of minute 10: 60 s later it is gone. */
	c = tcp_syncookie_make(&k, &tuple, seq, 1460, 11 * MINUTE - H_S, NULL);
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 12 * MINUTE - 1), 1460);
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 12 * MINUTE), 0);
	/* A cookie from the future (clock went back) does not decode. */
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, 9 * MINUTE), 0);
}

static void
test_tamper_fails(void **state)
{
	struct tcp_syncookie_key k = test_key(), k2 = k;
	uint64_t now = 5 * MINUTE;
	uint32_t seq = 0xdeadbeef;
	uint32_t c = tcp_syncookie_make(&k, &tuple, seq, 1460, now, NULL);
	struct tcp_tuple t;

	(void)state;
	assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq, now), 1460);
	/* Any bit above the 2 that carry the MSS index (Linux's layout: a
	 * flip there moves the index within the table). */
	for (unsigned b = 2; b < 32; b++)
		assert_int_equal(tcp_syncookie_check(&k, &tuple, c ^ (1u << b), seq, now), 0);
	/* Another peer sequence number, tuple or secret.  The peer's ISN is
	 * added, not hashed (secure_tcp_syn_cookie), so, as in Linux, one
	 * off by less than 4 only moves the MSS index; 4 or more fails. */
	for (uint32_t d = 4; d < 4096; d += 7) {
		assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq + d, now), 0);
		assert_int_equal(tcp_syncookie_check(&k, &tuple, c, seq - d, now), 0);
	}
	t = tuple;
	t.rport++;
	assert_int_equal(tcp_syncookie_check(&k, &t, c, seq, now), 0);
	t = tuple;
	t.raddr.v4++;
	assert_int_equal(tcp_syncookie_check(&k, &t, c, seq, now), 0);
	t = tuple;
	t.lport++;
	assert_int_equal(tcp_syncookie_check(&k, &t, c, seq, now), 0);
	k2.k[1][0] ^= 1;
	assert_int_equal(tcp_syncookie_check(&k2, &tuple, c, seq, now), 0);
	k2 = k;
	k2.k[0][1] ^= 1u << 20;
	assert_int_equal(tcp_syncookie_check(&k2, &tuple, c, seq, now), 0);
}

static void
test_options_in_tsval(void **state)
{
	struct tcp_syncookie_opts in = { .ts = true, .ws = true, .wscale = 7, .sack = true };
	struct tcp_syncookie_opts out;
	uint32_t ts;

	(void)state;
	/* cookie_init_timestamp: low 6 bits = wscale | SACK << 4, never
	 * ahead of the clock, at most 63 ms behind. */
	ts = tcp_syncookie_ts(1000, &in);
	assert_int_equal(ts, 960 + 0x17);
	ts = tcp_syncookie_ts(970, &in);                 /* 960|23 > 970 */
	assert_int_equal(ts, 896 + 0x17);
	for (uint32_t now = 100000; now < 100200; now++) {
		ts = tcp_syncookie_ts(now, &in);
		assert_true(ts <= now && now - ts < 64);
		assert_true(tcp_syncookie_ts_decode(true, ts, true, true, &out));
		assert_true(out.ts && out.ws && out.sack && !out.ecn);
		assert_int_equal(out.wscale, 7);
	}
	/* No window scaling: 0xf; no SACK. */
	in.ws = false;
	in.sack = false;
	ts = tcp_syncookie_ts(100000, &in);
	assert_int_equal(ts & 0x3f, 0x0f);
	assert_true(tcp_syncookie_ts_decode(true, ts, true, true, &out));
	assert_true(out.ts && !out.ws && !out.sack);
	/* Shift 0 is kept apart from "none". */
	in.ws = true;
	in.wscale = 0;
	ts = tcp_syncookie_ts(100000, &in);
	assert_true(tcp_syncookie_ts_decode(true, ts, true, true, &out));
	assert_true(out.ws);
	assert_int_equal(out.wscale, 0);
	/* Echoed options the configuration does not allow fail; no TS echo
	 * means no options at all. */
	assert_false(tcp_syncookie_ts_decode(true, 0x17, false, true, &out));
	assert_false(tcp_syncookie_ts_decode(true, 0x17, true, false, &out));
	assert_true(tcp_syncookie_ts_decode(false, 0x17, true, true, &out));
	assert_true(!out.ts && !out.ws && !out.sack);
}

/* ---- the listener ---- */

static void
start(struct harness *h, uint8_t syncookies, uint32_t backlog, uint32_t max_conns)
{
	struct tt_tcp_config cfg;

	h_default_config(&cfg);
	cfg.syncookies = syncookies;
	cfg.max_syn_backlog = backlog;
	cfg.max_conns = max_conns;
	h_start(h, &cfg);
	tcp_stack_set_cookie_secret(&h->s, test_secret, sizeof(test_secret));
}

/* The current peer sends its SYN: a cookie SYN-ACK must come back and no
 * record be kept.  Returns the SYN-ACK; the peer acknowledges it next. */
static const struct h_sent *
cookie_synack(struct harness *h, uint8_t opts)
{
	uint64_t sent = H_CNT(h, syncookies_sent);
	uint32_t n = h->s.n_conns;
	const struct h_sent *e;

	h_in_syn(h, opts);
	e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->s.n_conns, n);
	assert_int_equal(H_CNT(h, syncookies_sent), sent + 1);
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = e->seg.seq + 1;
	return e;
}

static void
test_backlog_full_cookie_opens_on_ack(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_conn *c;
	uint32_t tsval;

	start(h, 1, 1, 16);
	/* One SYN_RECEIVED fills a backlog of 1: it was answered normally. */
	h_in_syn(h, OPTS_ALL);
	h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h_expect_state(h, TCP_SYN_RECEIVED);
	h_expect_cnt(h, syncookies_sent, 0);

	h_peer_init(h, &h->peer, H_RPORT + 1);
	h_advance(h, 37 * H_MS);
	tsval = (uint32_t)(h->now / H_MS) + tcp_ts_offset(&h->s, &h->peer.t);
	e = cookie_synack(h, OPTS_ALL);
	/* Our options, with wscale 7 and SACK kept in the TSval. */
	assert_int_equal(e->seg.opts, OPTS_ALL);
	assert_int_equal(e->seg.mss, 1460);
	assert_int_equal(e->seg.wscale, 7);
	assert_int_equal(e->seg.wnd, 65535);
	assert_int_equal(e->seg.tsecr, h->peer.ts_base + (uint32_t)(h->now / H_MS));
	assert_int_equal((e->seg.tsval - tcp_ts_offset(&h->s, &h->peer.t)) & 0x3f, 0x17);
	assert_true((int32_t)(tsval - e->seg.tsval) >= 0 && tsval - e->seg.tsval < 64);

	/* The ACK creates the connection, established, as a normal accept. */
	h_advance(h, 10 * H_MS);
	h_in_ack(h);
	h_expect_none(h);
	h_expect_state(h, TCP_ESTABLISHED);
	h_expect_cnt(h, syncookies_recv, 1);
	h_expect_cnt(h, syncookies_failed, 0);
	h_expect_cnt(h, passive_opens, 2);
	h_expect_cnt(h, conns_established, 1);
	assert_int_equal(h->app.n_established, 1);
	c = h_conn(h);
	assert_non_null(c);
	assert_true(c->flags & TF_TS);
	assert_true(c->flags & TF_WS);
	assert_true(c->flags & TF_SACK);
	assert_true(c->flags & TF_PASSIVE);
	assert_int_equal(c->snd_wscale, 7);
	assert_int_equal(c->rcv_wscale, 7);
	assert_int_equal(c->mss, 1460 - 12);
	assert_int_equal(c->snd_wnd, 502u << 7);
	assert_int_equal(c->iss, h->iss);

	/* Data both ways: a request, its response on the ACK. */
	h->app.respond_len = 3000;
	h_in_data(h, 100);
	e = h_expect(h, A, h->iss + 1, h->peer.snd_nxt, 1448);
	/* Our TSvals after the cookie's never go back (PAWS at the peer). */
	assert_true((int32_t)(e->seg.tsval - tsval) >= 0);
	h_expect(h, A, h->iss + 1 + 1448, h->peer.snd_nxt, 1448);
	h_expect(h, PA, h->iss + 1 + 2896, h->peer.snd_nxt, 104);
	h_expect_none(h);
	assert_int_equal(h->app.recv_bytes, 100);
	assert_false(h->app.rx_bad);
	h_check_gauges(h);
}

static void
test_table_full_cookie_then_room(void **state)
{
	struct harness *h = *state;
	struct h_peer p1, p2;
	struct tcp_seg seg;

	start(h, 1, 4096, 1);
	h_handshake(h, OPTS_ALL, 10 * H_MS);
	p1 = h->peer;

	/* The table is full: a cookie, no RST. */
	h_peer_init(h, &h->peer, H_RPORT + 1);
	cookie_synack(h, OPTS_ALL);
	h_expect_cnt(h, conn_table_full, 0);
	p2 = h->peer;

	/* Its ACK is valid but finds no room: dropped and counted, nothing
	 * sent; the peer will send again. */
	h_advance(h, 10 * H_MS);
	h_in_ack(h);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, syncookies_recv, 1);
	h_expect_cnt(h, conn_table_full, 1);

	/* The first connection goes; the peer's data then opens it. */
	h->peer = p1;
	seg = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &seg);
	h_expect_state(h, TCP_CLOSED);
	h->peer = p2;
	h_advance(h, 200 * H_MS);
	h_in_data(h, 50);
	h_expect_state(h, TCP_ESTABLISHED);
	h_expect_cnt(h, syncookies_recv, 2);
	assert_int_equal(h->app.recv_bytes, 50);
	h_advance(h, 40 * H_MS);
	h_expect(h, A, h->iss + 1, h->peer.snd_nxt, 0);   /* delayed ACK */
	h_expect_none(h);
	h_check_gauges(h);
}

static void
test_always_and_without_timestamps(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct tcp_conn *c;

	start(h, 2, 4096, 16);
	/* syncookies = 2: even the first SYN, with a table that is empty. */
	e = cookie_synack(h, TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK);
	/* Without timestamps no room for the shift or SACK: neither is
	 * offered (Linux clears them), only the MSS. */
	assert_int_equal(e->seg.opts, TCP_OPT_MSS);
	h_in_ack(h);
	h_expect_none(h);
	c = h_conn(h);
	assert_non_null(c);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	assert_false(c->flags & (TF_TS | TF_WS | TF_SACK));
	assert_int_equal(c->mss, 1460);
	assert_int_equal(c->snd_wscale, 0);
	/* Without window scaling the window field is taken as is. */
	assert_int_equal(c->snd_wnd, 502);

	/* A peer MSS between table entries is rounded down (1400 -> 1300). */
	h_peer_init(h, &h->peer, H_RPORT + 1);
	{
		struct tcp_seg syn = h_mk_syn(h, TCP_OPT_MSS);

		syn.mss = 1400;
		h->peer.snd_nxt = h->peer.isn + 1;
		h_input(h, &syn);
	}
	e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	assert_int_equal(e->seg.mss, 1460);    /* we still offer ours */
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = e->seg.seq + 1;
	h_in_ack(h);
	c = h_conn(h);
	assert_non_null(c);
	assert_int_equal(c->mss, 1300);
	h_expect_cnt(h, syncookies_sent, 2);
	h_expect_cnt(h, syncookies_recv, 2);
	h_check_gauges(h);
}

static void
test_bad_acks(void **state)
{
	struct harness *h = *state;
	struct h_peer p0;
	struct tcp_seg seg;

	start(h, 2, 4096, 16);
	/* No cookie sent yet: a stray ACK is an ordinary RST, not a failed
	 * cookie (Linux's tcp_synq_no_recent_overflow). */
	seg = h_mk(h, A, 1000, 2000, 0);
	h_input(h, &seg);
	h_expect(h, R, 2000, H_ANY, 0);
	h_expect_cnt(h, syncookies_failed, 0);
	h_expect_cnt(h, drop_no_conn, 1);

	cookie_synack(h, OPTS_ALL);
	p0 = h->peer;
	/* Wrong ACK number: RST <SEQ=SEG.ACK>, counted. */
	seg = h_mk(h, A, h->peer.snd_nxt, h->peer.rcv_nxt + 4, 0);
	h_input(h, &seg);
	h_expect(h, R, h->peer.rcv_nxt + 4, H_ANY, 0);
	h_expect_cnt(h, syncookies_failed, 1);
	/* Wrong sequence number (not the SYN's + 1; see test_tamper_fails
	 * for why a difference below 4 is not caught). */
	seg = h_mk(h, A, h->peer.snd_nxt + 100, h->peer.rcv_nxt, 0);
	h_input(h, &seg);
	h_expect(h, R, h->peer.rcv_nxt, H_ANY, 0);
	h_expect_cnt(h, syncookies_failed, 2);
	h_expect_state(h, TCP_CLOSED);
	/* Too old: two minutes later (cookies are still being sent, so the
	 * ACK is read as one). */
	h_advance(h, 2 * MINUTE);
	h_peer_init(h, &h->peer, H_RPORT + 1);
	cookie_synack(h, OPTS_ALL);
	h->peer = p0;
	seg = h_mk_ack(h);
	h_input(h, &seg);
	h_expect(h, R, seg.ack, H_ANY, 0);
	h_expect_cnt(h, syncookies_failed, 3);
	h_expect_cnt(h, syncookies_recv, 0);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->s.n_conns, 0);
	/* Two minutes with no cookie sent: ACKs are no longer read as
	 * cookies at all. */
	h_advance(h, 2 * MINUTE + H_S);
	seg = h_mk_ack(h);
	h_input(h, &seg);
	h_expect(h, R, seg.ack, H_ANY, 0);
	h_expect_cnt(h, syncookies_failed, 3);
	h_expect_cnt(h, drop_no_conn, 2);
	h_check_gauges(h);
}

static void
test_sack_echo_refused_when_off(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	const struct h_sent *e;
	struct tcp_seg seg;

	/* A TSecr whose bits claim SACK while the stack has SACK off
	 * (cookie_timestamp_decode). */
	h_default_config(&cfg);
	cfg.syncookies = 2;
	cfg.sack = false;
	h_start(h, &cfg);
	tcp_stack_set_cookie_secret(&h->s, test_secret, sizeof(test_secret));
	e = cookie_synack(h, OPTS_ALL);
	assert_false(e->seg.opts & TCP_OPT_SACK_OK);
	seg = h_mk_ack(h);
	seg.tsecr |= TCP_SYNCOOKIE_TS_SACK;
	h_input(h, &seg);
	h_expect(h, R, seg.ack, H_ANY, 0);
	h_expect_cnt(h, syncookies_failed, 1);
	/* The true echo opens it, without SACK. */
	h_in_ack(h);
	h_expect_none(h);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_false(h_conn(h)->flags & TF_SACK);
}

static void
test_default_backlog_from_table(void **state)
{
	struct harness *h = *state;

	/* max_syn_backlog 0: max(128, max_conns / 128), so 128 with 1024
	 * records and 200 with 25600. */
	start(h, 1, 0, 1024);
	for (uint16_t i = 0; i < 128; i++) {
		h_peer_init(h, &h->peer, (uint16_t)(10000 + i));
		h_in_syn(h, OPTS_ALL);
		h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
		h_expect_state(h, TCP_SYN_RECEIVED);
	}
	h_peer_init(h, &h->peer, 20000);
	cookie_synack(h, OPTS_ALL);
	h_expect_cnt(h, syncookies_sent, 1);
	h_stop(h);
	h_flush(h);
	memset(&h->st, 0, sizeof(h->st));

	start(h, 1, 0, 25600);
	for (uint16_t i = 0; i < 200; i++) {
		h_peer_init(h, &h->peer, (uint16_t)(10000 + i));
		h_in_syn(h, OPTS_ALL);
		h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	}
	h_expect_cnt(h, syncookies_sent, 0);
	h_peer_init(h, &h->peer, 20000);
	cookie_synack(h, OPTS_ALL);
}

static void
test_syncookies_off(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	/* syncookies = 0 and a full backlog: the SYN is dropped, counted
	 * (Linux: ListenDrops); no cookie, no record. */
	start(h, 0, 1, 16);
	h_in_syn(h, OPTS_ALL);
	h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h_peer_init(h, &h->peer, H_RPORT + 1);
	h_in_syn(h, OPTS_ALL);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, drop_syn_backlog, 1);
	h_expect_cnt(h, syncookies_sent, 0);
	/* An ACK is never read as a cookie. */
	seg = h_mk(h, A, h->peer.isn + 1, 777, 0);
	h_input(h, &seg);
	h_expect(h, R, 777, H_ANY, 0);
	h_expect_cnt(h, syncookies_failed, 0);
	h_check_gauges(h);
}

static void
test_draining_refuses_cookie_ack(void **state)
{
	struct harness *h = *state;
	struct tcp_seg seg;

	start(h, 2, 4096, 16);
	cookie_synack(h, OPTS_ALL);
	tcp_stack_drain(&h->s, true);
	seg = h_mk_ack(h);
	h_input(h, &seg);
	h_expect(h, R, seg.ack, H_ANY, 0);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, syncookies_recv, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_reference_vector),
		cmocka_unit_test(test_round_trip_and_mss_table),
		cmocka_unit_test(test_expiry_after_allowed_age),
		cmocka_unit_test(test_tamper_fails),
		cmocka_unit_test(test_options_in_tsval),
		cmocka_unit_test_setup_teardown(test_backlog_full_cookie_opens_on_ack,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_table_full_cookie_then_room,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_always_and_without_timestamps,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bad_acks, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_sack_echo_refused_when_off,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_default_backlog_from_table,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_syncookies_off, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_draining_refuses_cookie_ack,
						h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
