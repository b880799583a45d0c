/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The persist timer (RFC 9293 3.8.6.1): a peer that acknowledges
 * everything in flight while advertising a zero window, with data still
 * queued, must be probed on the RTO schedule, not waited on forever (a lost
 * window update would otherwise stall the connection, and an orphan would
 * sit in FIN_WAIT_1 for ever: found by tests/fuzz/fuzz_tcp).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#define OPTS_ALL (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS)
#define RTT      (10 * H_MS)
/* RTO after a 10 ms handshake: 10 ms + max(4 * 5 ms, rto_min). */
#define RTO      (210 * H_MS)

/* The application queues more than the peer's window; the peer acks all
 * that was sent and closes its window: the stack sends nothing at once,
 * then a window probe one RTO later. */
static void
test_zero_window_after_full_ack_is_probed(void **state)
{
	struct harness *h = *state;
	const struct h_sent *p;
	struct tcp_conn *c;
	uint64_t t, rto;

	h_start(h, NULL);
	h->peer.wnd = 2;               /* 2 << 7 = 256 bytes */
	c = h_handshake(h, OPTS_ALL, RTT);
	h_app_send(h, 1000);
	h_expect(h, TCP_F_ACK, H_ANY, H_ANY, 256);
	h_expect_none(h);
	h->peer.wnd = 0;
	h_peer_ack_all(h);
	h_in_ack(h);
	t = h->now;
	rto = c->rto;
	h_expect_none(h);
	assert_int_equal(c->snd_una, c->snd_max);
	assert_true(rto >= 200 * H_MS && rto <= RTO);
	h_advance(h, rto - 1);
	h_expect_none(h);
	/* RFC 9293 3.8.6.1, as Linux probes (tcp_xmit_probe_skb): no data,
	 * sequence snd_una - 1, when the RTO timer fires (on the wheel's
	 * next 1 ms tick). */
	h_advance(h, 1 * H_MS);
	p = h_expect(h, TCP_F_ACK, (int64_t)(uint32_t)(c->snd_una - 1), H_ANY, 0);
	assert_true(p->at >= t + rto && p->at <= t + rto + 1 * H_MS);
	h_expect_none(h);
	/* Unanswered, the next probe comes after a backed-off RTO. */
	h_advance(h, 2 * rto + 1 * H_MS);
	h_expect(h, TCP_F_ACK, (int64_t)(uint32_t)(c->snd_una - 1), H_ANY, 0);
	/* The window opens: the data goes from snd_una, nothing skipped. */
	h->peer.wnd = 8;
	h_in_ack(h);
	h_expect(h, TCP_F_ACK | TCP_F_PSH, (int64_t)c->snd_una, H_ANY, 1000 - 256);
}

/* Orphaned with data and a FIN queued behind a zero window, peer silent:
 * probes back off and the connection ends after orphan_retries, instead
 * of holding FIN_WAIT_1 for ever. */
static void
test_orphan_behind_zero_window_ends(void **state)
{
	struct harness *h = *state;

	h_start(h, NULL);
	h->peer.wnd = 2;
	h_handshake(h, OPTS_ALL, RTT);
	h_app_send(h, 1000);
	h_app_close(h);
	h->peer.wnd = 0;
	h_flush(h);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_1);
	h_advance(h, 30 * 60 * H_S);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, orphan_give_ups, 1);
	h_check_gauges(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zero_window_after_full_ack_is_probed,
						h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_orphan_behind_zero_window_ends,
						h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
