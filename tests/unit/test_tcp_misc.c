/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The [fault] close-step knobs of the protocol core (lib/tcp/tcp_fault.c)
 * on the harness: drop_fin1_ack and drop_fin2_ack, on transmit and on
 * receive, each with what it must cause (the retransmission that recovers,
 * or the silence), and seed reproducibility: the same seed drops the same
 * segments, another seed others (README: "seed makes it reproducible").
 * drop_fin1/drop_fin2 have their e2e test (tests/e2e/fault_close.sh).
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
#define FA       (TCP_F_FIN | TCP_F_ACK)
#define RTT      (10 * H_MS)

static struct tt_fault_config fault;

/* Advance in 1 ms steps until the stack sends something (at most 3 s):
 * when exactly a lost FIN is sent again (RTO, or a tail loss probe) is the
 * business of the retransmission tests, not of these. */
static void
advance_until_sent(struct harness *h)
{
	for (unsigned i = 0; i < 3000 && h_pending(h) == 0; i++)
		h_advance(h, 1 * H_MS);
	assert_true(h_pending(h) > 0);
}

static void
start_with_fault(struct harness *h, uint64_t seed)
{
	h_start(h, NULL);
	tcp_stack_set_fault(&h->s, &fault, seed);
}

/* drop_fin1_ack, transmit: the peer closes first; our ACK of its FIN is
 * never sent (counted), the connection sits in CLOSE_WAIT as usual. */
static void
test_drop_fin1_ack_tx(void **state)
{
	struct harness *h = *state;

	memset(&fault, 0, sizeof(fault));
	fault.drop_fin1_ack = 1.0;
	start_with_fault(h, 1);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_fin(h);
	h_expect_state(h, TCP_CLOSE_WAIT);
	h_advance(h, 1 * H_S);          /* past any delayed ACK */
	h_expect_none(h);
	h_expect_cnt(h, fault_drop_fin1_ack, 1);
	h_expect_cnt(h, fault_drop_fin2_ack, 0);
	/* Our own FIN is not affected: it goes out when the app closes. */
	h_app_close(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_CLOSED);
}

/* The same without the knob: the ACK of the FIN does go out. */
static void
test_fin1_ack_sent_without_fault(void **state)
{
	struct harness *h = *state;

	memset(&fault, 0, sizeof(fault));
	fault.drop_fin2_ack = 1.0;      /* another step: must not touch this one */
	start_with_fault(h, 1);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_fin(h);
	h_advance(h, 1 * H_S);
	h_expect(h, A, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_cnt(h, fault_drop_fin1_ack, 0);
	h_app_abort(h);
}

/* drop_fin1_ack, receive: we close first; the peer's ACK of our FIN is
 * dropped on arrival, so we stay in FIN_WAIT_1 and send the FIN again (at
 * the RTO or a tail loss probe; teardown.md: "ACKs are never retransmitted
 * on their own; A keeps retransmitting FIN"). */
static void
test_drop_fin1_ack_rx(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	memset(&fault, 0, sizeof(fault));
	fault.drop_fin1_ack = 1.0;
	start_with_fault(h, 1);
	h_handshake(h, OPTS_ALL, RTT);
	t = h->now;
	h_app_close(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_1);
	h_expect_cnt(h, fault_drop_fin1_ack, 1);
	advance_until_sent(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_expect_cnt(h, fin_retransmits, 1);
	/* The peer's FIN still gets through (a FIN is not a bare ACK). */
	h_in_fin(h);
	h_expect_state(h, TCP_TIME_WAIT);
}

/* drop_fin2_ack, transmit: we close first, the peer's FIN puts us in
 * TIME_WAIT, and our final ACK is never sent, nor the TIME_WAIT record's
 * re-ACK of the peer's retransmitted FIN (both counted). */
static void
test_drop_fin2_ack_tx(void **state)
{
	struct harness *h = *state;

	memset(&fault, 0, sizeof(fault));
	fault.drop_fin2_ack = 1.0;
	start_with_fault(h, 1);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_close(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 1, 0);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_in_fin(h);
	h_expect_state(h, TCP_TIME_WAIT);
	h_expect_none(h);
	h_expect_cnt(h, fault_drop_fin2_ack, 1);
	/* The peer, missing our ACK, sends its FIN again. */
	h_advance(h, 1 * H_S);
	h->peer.snd_nxt--;
	h_in_fin(h);
	h_expect_none(h);
	h_expect_cnt(h, fault_drop_fin2_ack, 2);
	h_expect_cnt(h, tw_reacked, 1);
	h_expect_cnt(h, fault_drop_fin1_ack, 0);
}

/* drop_fin2_ack, receive: the peer closes first, we close, and the peer's
 * final ACK is dropped on arrival: we stay in LAST_ACK and send our FIN
 * again; the next ACK (probability 1 again) is dropped too. */
static void
test_drop_fin2_ack_rx(void **state)
{
	struct harness *h = *state;
	uint64_t t;

	memset(&fault, 0, sizeof(fault));
	fault.drop_fin2_ack = 1.0;
	start_with_fault(h, 1);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_fin(h);
	h_advance(h, 1 * H_S);
	h_expect(h, A, h->iss + 1, h->peer.isn + 2, 0);
	t = h->now;
	h_app_close(h);
	h_expect_at(h, t, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_advance(h, RTT);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_LAST_ACK);
	h_expect_cnt(h, fault_drop_fin2_ack, 1);
	advance_until_sent(h);
	h_expect(h, FA, h->iss + 1, h->peer.isn + 2, 0);
	h_expect_cnt(h, fin_retransmits, 1);
	h_in_ack(h);
	h_expect_state(h, TCP_LAST_ACK);
	h_expect_cnt(h, fault_drop_fin2_ack, 2);
	h_app_abort(h);
}

/*
 * 64 connections, each closed by us with drop_fin1 = 0.5: bit i of the
 * result says whether connection i's first FIN was dropped (nothing on the
 * wire when we closed).
 */
static uint64_t
fin_drop_pattern(struct harness *h, uint64_t seed)
{
	uint64_t bits = 0;

	memset(&fault, 0, sizeof(fault));
	fault.drop_fin1 = 0.5;
	start_with_fault(h, seed);
	for (unsigned i = 0; i < 64; i++) {
		h_peer_init(h, &h->peer, (uint16_t)(41000 + i));
		h_handshake(h, OPTS_ALL, RTT);
		h_app_close(h);
		if (h_pending(h) == 0)
			bits |= UINT64_C(1) << i;
		h_flush(h);
		h_app_abort(h);
		h_flush(h);
	}
	assert_int_equal(H_CNT(h, fault_drop_fin1), (uint64_t)__builtin_popcountll(bits));
	/* Every one was a FIN of ours: the outbound count is the same. */
	assert_int_equal(H_CNT(h, fault_drop_fin_out), H_CNT(h, fault_drop_fin1));
	h_stop(h);
	return bits;
}

static void
test_seed_reproducible(void **state)
{
	struct harness *h = *state;
	uint64_t a, b, c;

	a = fin_drop_pattern(h, 7);
	memset(&h->st, 0, sizeof(h->st));
	b = fin_drop_pattern(h, 7);
	memset(&h->st, 0, sizeof(h->st));
	c = fin_drop_pattern(h, 8);
	print_message("seed 7: %016llx, again: %016llx, seed 8: %016llx\n",
		      (unsigned long long)a, (unsigned long long)b, (unsigned long long)c);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	/* p = 0.5 over 64: neither none nor all. */
	assert_in_range(__builtin_popcountll(a), 16, 48);
	assert_in_range(__builtin_popcountll(c), 16, 48);
}

/*
 * What fault_close counts on the wire: FINs sent + retransmitted - our FINs
 * dropped on purpose.  The step counters mix directions, so the outbound
 * count must not: (1) the peer's FIN dropped on arrival is a "first FIN"
 * but not ours; (2) our FIN dropped once, then the peer's FIN arrives, and
 * the retransmission of ours (now a "second FIN") is dropped as well.
 */
static void
test_drop_fin_out_counts_ours_only(void **state)
{
	struct harness *h = *state;
	uint64_t sent;

	memset(&fault, 0, sizeof(fault));
	fault.drop_fin1 = 1.0;
	start_with_fault(h, 1);
	h_handshake(h, OPTS_ALL, RTT);
	h_in_fin(h);                    /* (1) dropped on arrival */
	h_expect_cnt(h, fault_drop_fin1, 1);
	h_expect_cnt(h, fault_drop_fin_out, 0);
	h_expect_state(h, TCP_ESTABLISHED);
	h_app_abort(h);
	h_flush(h);

	h_peer_init(h, &h->peer, 41001);
	h_handshake(h, OPTS_ALL, RTT);
	h_app_close(h);                 /* (2) our FIN, dropped */
	h_expect_none(h);
	h_expect_cnt(h, fault_drop_fin_out, 1);
	fault.drop_fin1 = 0;            /* the peer's FIN gets in */
	h_in_fin(h);
	h_expect_state(h, TCP_CLOSING);
	h_flush(h);
	fault.drop_fin2 = 1.0;          /* our FIN again: now the second */
	for (unsigned i = 0; i < 3000 && H_CNT(h, fin_retransmits) == 0; i++)
		h_advance(h, 1 * H_MS);
	h_expect_cnt(h, fin_retransmits, 1);
	h_expect_cnt(h, fault_drop_fin2, 1);
	h_expect_cnt(h, fault_drop_fin_out, 2);
	sent = H_CNT(h, fins_sent) + H_CNT(h, fin_retransmits);
	assert_int_equal(sent - H_CNT(h, fault_drop_fin_out), 0);   /* none left */
	h_app_abort(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, h_setup, h_teardown)
		T(test_drop_fin1_ack_tx),
		T(test_fin1_ack_sent_without_fault),
		T(test_drop_fin1_ack_rx),
		T(test_drop_fin2_ack_tx),
		T(test_drop_fin2_ack_rx),
		T(test_seed_reproducible),
		T(test_drop_fin_out_counts_ours_only),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
