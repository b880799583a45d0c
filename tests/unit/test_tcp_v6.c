/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The protocol core over IPv6 tuples (issue 12), on the unit harness with
 * the peer at 2001:2::2 talking to our 2001:2::1 (h_peer_init6): the MSS
 * we announce (mss - 20, at least 1220 unless mss is lower) and the one we
 * assume without the option (1220, RFC 9293 3.7.1 with RFC 8200 5's
 * minimum MTU); SYN cookies with Linux's IPv6 MSS table, bound to the
 * family; TIME_WAIT and its takeover by a newer SYN (RFC 6191) on a v6
 * tuple, not found from a v4 one; tuples that differ only in the high 96
 * bits of an address are different connections, with their own hash, ISN
 * and timestamp offset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "tcp/addr_table.h"
#include "tcp/tcp_priv.h"
#include "tcp/tcp_syncookie.h"
#include "tcp/tuple_hash.h"

#define OPTS_ALL  (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define SA        (TCP_F_SYN | TCP_F_ACK)
#define A         TCP_F_ACK
#define PA        (TCP_F_PSH | TCP_F_ACK)
#define FA        (TCP_F_FIN | TCP_F_ACK)
#define RTT       (10 * H_MS)
#define TS_LEN    12     /* the timestamp option, padded */

/* 2001:2:0:1::2: the peer's address with one of its high 96 bits changed. */
static const uint8_t raddr6_b[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
				      [15] = 2 };

static const uint8_t test_secret[TCP_SYNCOOKIE_KEY_BYTES] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
	0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
	0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
};

/* A harness of its own, for tests that need one stack per configuration. */
static struct harness *
bench_new(void)
{
	void *st = NULL;

	assert_int_equal(h_setup(&st), 0);
	return st;
}

static void
bench_free(struct harness *h)
{
	void *st = h;

	h_teardown(&st);
}

/* The SYN of the current peer with MSS option mss (opts as h_mk_syn). */
static void
in_syn_mss(struct harness *h, uint8_t opts, uint16_t mss)
{
	struct tcp_seg syn = h_mk_syn(h, opts);

	syn.mss = mss;
	h->peer.snd_nxt = h->peer.isn + 1;
	h_input(h, &syn);
}

/* ---- the MSS we announce ---- */

static void
test_synack_announces_v6_mss(void **state)
{
	/* [tcp] mss -> what a SYN-ACK on an IPv6 tuple carries. */
	static const struct { uint16_t cfg, v6; } cases[] = {
		{ 1460, 1440 },   /* Ethernet: MTU 1500 - 60 */
		{ 9000, 8980 },
		{ 1280, 1260 },
		{ 1240, 1220 },   /* a 1280-byte MTU port: IPv6's minimum */
		{ 1230, 1220 },   /* mss - 20 is below 1220: 1220 */
		{ 1221, 1220 },
		{ 1220, 1220 },
		{ 1000, 1000 },   /* mss itself below 1220: mss */
		{ 536, 536 },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct harness *h = bench_new();
		struct tt_tcp_config cfg;
		const struct h_sent *e;
		struct tcp_conn *c;
		uint16_t peer_mss = 1460;

		h_default_config(&cfg);
		cfg.mss = cases[i].cfg;
		h_start(h, &cfg);
		/* The IPv4 tuple announces mss itself... */
		h_in_syn(h, OPTS_ALL);
		e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
		assert_int_equal(e->seg.mss, cases[i].cfg);
		/* ...the IPv6 one mss - 20, floored at 1220. */
		h_peer_init6(h, &h->peer, H_RPORT + 1, NULL);
		h_handshake(h, OPTS_ALL, RTT);
		h_flush(h);
		h_peer_init6(h, &h->peer, H_RPORT + 2, NULL);
		in_syn_mss(h, OPTS_ALL, peer_mss);
		e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
		assert_true(e->seg.t.v6);
		assert_int_equal(e->seg.opts & TCP_OPT_MSS, TCP_OPT_MSS);
		assert_int_equal(e->seg.mss, cases[i].v6);
		/* We never send more than we announced, whatever the peer's. */
		h->iss = e->seg.seq;
		h->peer.rcv_nxt = h->iss + 1;
		h_in_ack(h);
		c = h_conn(h);
		assert_non_null(c);
		assert_int_equal(c->mss, (cases[i].v6 < peer_mss ? cases[i].v6 : peer_mss) -
				 TS_LEN);
		bench_free(h);
	}
}

static void
test_connect_v6_announces_v6_mss(void **state)
{
	struct harness *h = *state;
	struct tcp_tuple t = h_tuple6(h_laddr6, h_raddr6, 40000, 80);
	const struct h_sent *e;
	struct tcp_conn *c;

	h_start(h, NULL);
	c = h_connect(h, &t);
	assert_non_null(c);
	e = h_pop(h);
	assert_non_null(e);
	assert_int_equal(e->seg.flags, TCP_F_SYN);
	assert_true(tcp_tuple_eq(&e->seg.t, &t));
	assert_int_equal(e->seg.mss, 1440);
	tcp_abort(&h->s, c);
	h_flush(h);
}

/* ---- the MSS we assume without the option ---- */

/* Handshake without the MSS option, then send len: every segment's
 * payload is returned in lens (at most 16), their number is the result. */
static unsigned
send_without_peer_mss(struct harness *h, uint8_t opts, uint32_t len, uint32_t *lens)
{
	const struct h_sent *e;
	unsigned n = 0;

	h_handshake(h, opts, RTT);
	h_app_send(h, len);
	while ((e = h_pop(h)) != NULL) {
		assert_true(n < 16);
		assert_true(tcp_tuple_eq(&e->seg.t, &h->peer.t));
		lens[n++] = e->seg.len;
	}
	return n;
}

static void
test_no_mss_option_means_1220(void **state)
{
	struct harness *h = *state;
	uint32_t lens[16];
	unsigned n;

	h_start(h, NULL);
	/* IPv6 with timestamps: 1220 - 12 per segment. */
	h_peer_init6(h, &h->peer, H_RPORT, NULL);
	n = send_without_peer_mss(h, TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS, 4000,
				  lens);
	assert_int_equal(n, 4);
	assert_int_equal(lens[0], 1208);
	assert_int_equal(lens[1], 1208);
	assert_int_equal(lens[2], 1208);
	assert_int_equal(lens[3], 4000 - 3 * 1208);
	assert_int_equal(h_conn(h)->mss, 1208);
	/* IPv6 without timestamps: 1220 exactly. */
	h_peer_init6(h, &h->peer, H_RPORT + 1, NULL);
	n = send_without_peer_mss(h, TCP_OPT_WSCALE | TCP_OPT_SACK_OK, 2500, lens);
	assert_int_equal(n, 3);
	assert_int_equal(lens[0], 1220);
	assert_int_equal(lens[1], 1220);
	assert_int_equal(lens[2], 60);
	/* The same peer over IPv4: 536 (RFC 9293 3.7.1). */
	h_peer_init(h, &h->peer, H_RPORT + 2);
	n = send_without_peer_mss(h, TCP_OPT_WSCALE | TCP_OPT_SACK_OK, 1200, lens);
	assert_int_equal(n, 3);
	assert_int_equal(lens[0], 536);
	assert_int_equal(lens[1], 536);
	assert_int_equal(lens[2], 128);
}

/* ---- SYN cookies ---- */

static void
test_syncookie_v6_table_and_family(void **state)
{
	/* Linux's IPv6 msstab: 1220, 1420, 1440, 8940 (MTUs 1280, 1480,
	 * 1500, 9000); a peer's MSS is rounded down to an entry. */
	static const struct { uint16_t in, kept; } mss[] = {
		{ 0, 1220 }, { 536, 1220 }, { 1220, 1220 }, { 1400, 1220 },
		{ 1419, 1220 }, { 1420, 1420 }, { 1439, 1420 }, { 1440, 1440 },
		{ 1460, 1440 }, { 8939, 1440 }, { 8940, 8940 }, { 9000, 8940 },
	};
	const struct tcp_tuple t6 = h_tuple6(h_laddr6, h_raddr6, H_LPORT, H_RPORT);
	/* Same ports; the IPv6 addresses' low 32 bits (::1, ::2); ours. */
	const struct tcp_tuple t4low = tcp_tuple4(1, 2, H_LPORT, H_RPORT);
	const struct tcp_tuple t4 = tcp_tuple4(H_LADDR, H_RADDR, H_LPORT, H_RPORT);
	const struct tcp_tuple t6b = h_tuple6(h_laddr6, raddr6_b, H_LPORT, H_RPORT);
	struct tcp_syncookie_key k;

	(void)state;
	tcp_syncookie_key_set(&k, test_secret, sizeof(test_secret));
	for (unsigned i = 0; i < sizeof(mss) / sizeof(mss[0]); i++) {
		for (uint32_t j = 0; j < 64; j++) {
			uint32_t seq = 0x9e3779b9u * (j + 1) + i;
			uint64_t now = H_T0 + j * 7919 * H_MS;
			uint16_t kept = 0, kept4 = 0;
			uint32_t c;

			c = tcp_syncookie_make(&k, &t6, seq, mss[i].in, now, &kept);
			assert_int_equal(kept, mss[i].kept);
			assert_int_equal(tcp_syncookie_check(&k, &t6, c, seq, now),
					 mss[i].kept);
			/* Bound to the family and to all 16 bytes. */
			assert_int_equal(tcp_syncookie_check(&k, &t4low, c, seq, now), 0);
			assert_int_equal(tcp_syncookie_check(&k, &t4, c, seq, now), 0);
			assert_int_equal(tcp_syncookie_check(&k, &t6b, c, seq, now), 0);
			/* And the other way: an IPv4 cookie does not open IPv6. */
			c = tcp_syncookie_make(&k, &t4low, seq, mss[i].in, now, &kept4);
			assert_int_not_equal(tcp_syncookie_check(&k, &t4low, c, seq, now), 0);
			assert_int_equal(tcp_syncookie_check(&k, &t6, c, seq, now), 0);
		}
	}
}

static void
test_syncookie_v6_listener(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	const struct h_sent *e;
	struct tcp_conn *c;

	h_default_config(&cfg);
	cfg.syncookies = 2;      /* every SYN gets a cookie */
	h_start(h, &cfg);
	tcp_stack_set_cookie_secret(&h->s, test_secret, sizeof(test_secret));
	/* With timestamps: our IPv6 MSS offered, the peer's 1460 kept as 1440. */
	h_peer_init6(h, &h->peer, H_RPORT, NULL);
	h_in_syn(h, OPTS_ALL);
	e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(e->seg.mss, 1440);
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_advance(h, RTT);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	c = h_conn(h);
	assert_non_null(c);
	assert_int_equal(c->mss, 1440 - TS_LEN);
	assert_true(c->flags & TF_WS);
	/* Without timestamps: MSS only; 1400 comes back as 1220 (over IPv4
	 * it would be 1300). */
	h_peer_init6(h, &h->peer, H_RPORT + 1, NULL);
	in_syn_mss(h, TCP_OPT_MSS, 1400);
	e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	assert_int_equal(e->seg.opts, TCP_OPT_MSS);
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_in_ack(h);
	c = h_conn(h);
	assert_non_null(c);
	assert_int_equal(c->mss, 1220);
	h_expect_cnt(h, syncookies_sent, 2);
	h_expect_cnt(h, syncookies_recv, 2);
	h_expect_cnt(h, syncookies_failed, 0);
	h_expect_none(h);
}

/* ---- TIME_WAIT ---- */

static void
test_time_wait_v6_lookup_and_takeover(void **state)
{
	struct harness *h = *state;
	struct tcp_tuple t4low = tcp_tuple4(1, 2, H_LPORT, H_RPORT);
	struct tcp_tuple t4 = tcp_tuple4(H_LADDR, H_RADDR, H_LPORT, H_RPORT);
	struct tcp_tuple back;
	struct tw_rec *r;
	uint32_t old_snd_nxt;

	h_start(h, NULL);
	h_peer_init6(h, &h->peer, H_RPORT, NULL);
	h_enter_time_wait(h, OPTS_ALL, RTT);
	r = h_tw(h);
	assert_non_null(r);
	assert_int_equal(r->snd_nxt, h->iss + 2);
	assert_int_equal(tw_count(&h->s.tw), 1);
	/* The record gives back the whole IPv6 tuple... */
	tw_tuple(&h->s.tw, r, &back);
	assert_memory_equal(&back, &h->peer.t, sizeof(back));
	/* ...and an IPv4 tuple with the same low 32 bits and ports is not it. */
	assert_null(tcp_tw_lookup(&h->s, &t4low));
	assert_null(tcp_tw_lookup(&h->s, &t4));
	assert_null(tcp_lookup(&h->s, &t4low));

	/* RFC 6191: a SYN with a newer timestamp takes the tuple over, ISN
	 * old snd_nxt + 65537 (Linux's tcp_timewait_state_process). */
	old_snd_nxt = r->snd_nxt;
	h_advance(h, 1 * H_S);
	h->peer.isn = h->peer.snd_nxt + 1000;
	h->peer.snd_nxt = h->peer.isn;
	h_in_syn(h, OPTS_ALL);
	h_expect_cnt(h, tw_syn_accepted, 1);
	h_expect(h, SA, old_snd_nxt + 65537, h->peer.isn + 1, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_SYN_RECEIVED);
	assert_null(h_tw(h));
	assert_int_equal(h->st.state[TCP_TIME_WAIT], 0);
	h->iss = old_snd_nxt + 65537;
	h->peer.rcv_nxt = h->iss + 1;
	h_advance(h, RTT);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_int_equal(h->app.n_established, 2);
}

static void
test_time_wait_v6_not_taken_by_v4_syn(void **state)
{
	struct harness *h = *state;
	const struct h_sent *e;
	struct h_peer v6;

	h_start(h, NULL);
	h_peer_init6(h, &h->peer, H_RPORT, NULL);
	h_enter_time_wait(h, OPTS_ALL, RTT);
	v6 = h->peer;
	/* A SYN from the IPv4 tuple with the same low bits and ports is a new
	 * connection of its own: the IPv6 record is left alone. */
	h_peer_init(h, &h->peer, H_RPORT);
	h->peer.t = tcp_tuple4(1, 2, H_LPORT, H_RPORT);
	h_in_syn(h, OPTS_ALL);
	e = h_expect(h, SA, H_ANY, h->peer.isn + 1, 0);
	assert_false(e->seg.t.v6);
	h_expect_state(h, TCP_SYN_RECEIVED);
	h_expect_cnt(h, tw_syn_accepted, 0);
	h_expect_cnt(h, tw_syn_refused, 0);
	h->peer = v6;
	h_expect_state(h, TCP_TIME_WAIT);
	assert_int_equal(tw_count(&h->s.tw), 1);
}

/* ---- addresses that differ only in their high bytes ---- */

static void
test_high_bytes_make_distinct_connections(void **state)
{
	struct harness *h = *state;
	struct h_peer pa, pb;
	struct tcp_conn *ca, *cb;
	struct tw_rec *ra, *rb;
	struct tcp_tuple back;

	h_start(h, NULL);
	/* 2001:2::2 and 2001:2:0:1::2, same ports. */
	h_peer_init6(h, &h->peer, H_RPORT, NULL);
	ca = h_handshake(h, OPTS_ALL, RTT);
	pa = h->peer;
	h_peer_init6(h, &h->peer, H_RPORT, raddr6_b);
	cb = h_handshake(h, OPTS_ALL, RTT);
	pb = h->peer;
	assert_ptr_not_equal(ca, cb);
	assert_int_equal(h->s.n_conns, 2);
	assert_int_equal(h->app.n_established, 2);
	/* Data to one reaches only that one. */
	h->peer = pa;
	h_in_data(h, 100);
	assert_int_equal(ca->rcv_nxt, pa.isn + 1 + 100);
	assert_int_equal(cb->rcv_nxt, pb.isn + 1);
	h_flush(h);
	/* Both go to TIME_WAIT: two records, each found by its own tuple. */
	h_advance(h, RTT);
	h->peer = pa;
	h->peer.snd_nxt += 100;
	h->peer.stream_off += 100;
	h_app_close(h);
	h_peer_ack_all(h);
	h_in_fin(h);
	h_flush(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h->peer = pb;
	h_expect_state(h, TCP_ESTABLISHED);
	h_app_close(h);
	h_peer_ack_all(h);
	h_in_fin(h);
	h_flush(h);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_int_equal(tw_count(&h->s.tw), 2);
	ra = tcp_tw_lookup(&h->s, &pa.t);
	rb = tcp_tw_lookup(&h->s, &pb.t);
	assert_non_null(ra);
	assert_non_null(rb);
	assert_ptr_not_equal(ra, rb);
	tw_tuple(&h->s.tw, ra, &back);
	assert_memory_equal(&back, &pa.t, sizeof(back));
	tw_tuple(&h->s.tw, rb, &back);
	assert_memory_equal(&back, &pb.t, sizeof(back));
	h_expect_cnt(h, tw_created, 2);
}

/* t with byte i (0..31) of its two addresses flipped: laddr, then raddr. */
static struct tcp_tuple
flip_addr_byte(struct tcp_tuple t, unsigned i)
{
	if (i < 16)
		t.laddr.v6[i] ^= 0x40;
	else
		t.raddr.v6[i - 16] ^= 0x40;
	return t;
}

static void
test_hash_and_compare_cover_all_16_bytes(void **state)
{
	const struct tcp_hash_key key = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
	const struct tcp_hash_key saved = tcp_hash_secret;
	const struct tcp_tuple t = h_tuple6(h_laddr6, h_raddr6, H_LPORT, H_RPORT);
	const struct tcp_tuple t4 = tcp_tuple4(1, 2, H_LPORT, H_RPORT);
	struct tcp_tuple v6off = t;

	(void)state;
	tcp_hash_key_set(&key);    /* no table exists in this test */
	for (unsigned i = 0; i < 32; i++) {
		struct tcp_tuple u = flip_addr_byte(t, i);

		struct addr_pair pt = addr_pair_of(&t), pu = addr_pair_of(&u);

		assert_false(tcp_tuple_eq(&t, &u));
		assert_int_not_equal(tcp_tuple_hash(&t), tcp_tuple_hash(&u));
		/* TIME_WAIT keeps addresses as interned pairs: the same. */
		assert_false(addr_pair_eq(&pt, &pu));
		assert_true(addr_pair_eq(&pt, &pt));
	}
	/* The family is part of the key. */
	assert_false(tcp_tuple_eq(&t, &t4));
	assert_int_not_equal(tcp_tuple_hash(&t), tcp_tuple_hash(&t4));
	v6off.v6 = 0;
	assert_false(tcp_tuple_eq(&t, &v6off));
	tcp_hash_key_set(&saved);
}

static void
test_isn_and_ts_offset_cover_high_bytes(void **state)
{
	struct harness *h = *state;
	const struct tcp_tuple t = h_tuple6(h_laddr6, h_raddr6, H_LPORT, H_RPORT);
	const struct tcp_tuple t4 = tcp_tuple4(1, 2, H_LPORT, H_RPORT);
	uint32_t isn, off;

	h_start(h, NULL);
	h->s.now = h->now;
	isn = tcp_isn(&h->s, &t);
	off = tcp_ts_offset(&h->s, &t);
	/* Only the 12 high bytes of each address: the low 4 are what an
	 * IPv4-only hash would have seen. */
	for (unsigned i = 0; i < 32; i++) {
		struct tcp_tuple u;

		if (i % 16 >= 12)
			continue;
		u = flip_addr_byte(t, i);
		assert_int_not_equal(tcp_isn(&h->s, &u), isn);
		assert_int_not_equal(tcp_ts_offset(&h->s, &u), off);
	}
	assert_int_not_equal(tcp_isn(&h->s, &t4), isn);
	assert_int_not_equal(tcp_ts_offset(&h->s, &t4), off);
	/* The same tuple gives the same values (RFC 6528: a function of the
	 * tuple and the clock). */
	assert_int_equal(tcp_isn(&h->s, &t), isn);
	assert_int_equal(tcp_ts_offset(&h->s, &t), off);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synack_announces_v6_mss),
		cmocka_unit_test_setup_teardown(test_connect_v6_announces_v6_mss,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_no_mss_option_means_1220,
						h_setup, h_teardown),
		cmocka_unit_test(test_syncookie_v6_table_and_family),
		cmocka_unit_test_setup_teardown(test_syncookie_v6_listener,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_v6_lookup_and_takeover,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_time_wait_v6_not_taken_by_v4_syn,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_high_bytes_make_distinct_connections,
						h_setup, h_teardown),
		cmocka_unit_test(test_hash_and_compare_cover_all_16_bytes),
		cmocka_unit_test_setup_teardown(test_isn_and_ts_offset_cover_high_bytes,
						h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
