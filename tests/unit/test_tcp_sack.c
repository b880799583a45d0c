/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Out-of-order data and SACK on a fake clock: the reassembly queue (holes,
 * overlaps, duplicates, its bounds, release on every path that ends a
 * connection), the SACK blocks we send (RFC 2018 3-4), and retransmissions
 * driven by the peer's SACK blocks (RFC 6675).
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
#define RTT      (10 * H_MS)
#define SEG      1448          /* MSS with timestamps */

/* The peer's stream bytes [off, off + len) as one segment. */
static struct tcp_seg
mk_data(struct harness *h, uint32_t off, uint32_t len)
{
	uint32_t keep = h->peer.stream_off;
	struct tcp_seg seg;

	h->peer.stream_off = off;
	seg = h_mk(h, PA, h->peer.isn + 1 + off, h->peer.rcv_nxt, len);
	h->peer.stream_off = keep;
	return seg;
}

static void
in_data_at(struct harness *h, uint32_t off, uint32_t len)
{
	struct tcp_seg seg = mk_data(h, off, len);

	h_input(h, &seg);
}

/* The next segment is an ACK of stream offset ack carrying exactly the
 * blocks b[0..n) (pairs of the peer's stream offsets), in that order. */
static void
expect_sack_(struct harness *h, const char *file, int line, uint32_t ack,
	     unsigned n, const uint32_t *b)
{
	const struct h_sent *e = h_expect_(h, file, line, A, H_ANY,
					   h->peer.isn + 1 + ack, 0, H_ANY);

	if (n == 0) {
		if (e->seg.opts & TCP_OPT_SACK) {
			print_error("%s:%d: SACK blocks sent, none expected\n", file, line);
			_fail(file, line);
		}
		return;
	}
	if (!(e->seg.opts & TCP_OPT_SACK) || e->seg.nsack != n) {
		print_error("%s:%d: expected %u SACK blocks, got %u\n", file, line, n,
			    (e->seg.opts & TCP_OPT_SACK) ? e->seg.nsack : 0);
		_fail(file, line);
	}
	for (unsigned i = 0; i < n; i++) {
		if (e->seg.sack[i].start != h->peer.isn + 1 + b[2 * i] ||
		    e->seg.sack[i].end != h->peer.isn + 1 + b[2 * i + 1]) {
			print_error("%s:%d: block %u is %u:%u, expected %u:%u\n", file,
				    line, i, e->seg.sack[i].start - h->peer.isn - 1,
				    e->seg.sack[i].end - h->peer.isn - 1, b[2 * i],
				    b[2 * i + 1]);
			_fail(file, line);
		}
	}
}

#define expect_sack(h, ack, ...) do {						\
	const uint32_t blk_[] = { 0, ##__VA_ARGS__ };				\
	expect_sack_((h), __FILE__, __LINE__, (ack),				\
		     (unsigned)(sizeof(blk_) / sizeof(blk_[0]) - 1) / 2, blk_ + 1); \
} while (0)

static void
start_conn(struct harness *h, const struct tt_tcp_config *cfg, uint8_t opts)
{
	h_start(h, cfg);
	h_handshake(h, opts, RTT);
	h_expect_none(h);
}

static void
test_hole_filled_then_delivered(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	/* [0, 1000) is lost; the two segments after it are held. */
	in_data_at(h, 1000, 1000);
	expect_sack(h, 0, 1000, 2000);
	in_data_at(h, 2000, 1000);
	expect_sack(h, 0, 1000, 3000);
	h_expect_none(h);
	assert_int_equal(h->app.recv_bytes, 0);
	assert_int_equal(h->held, 2);
	h_expect_cnt(h, ofo_queued, 2);
	h_expect_cnt(h, sack_blocks_sent, 2);

	/* The hole fills: everything up to 3000 reaches the application in
	 * order, and the ACK goes at once (RFC 5681 4.2), without SACK. */
	in_data_at(h, 0, 1000);
	expect_sack(h, 3000);
	h_expect_none(h);
	assert_int_equal(h->app.recv_bytes, 3000);
	assert_false(h->app.rx_bad);
	assert_int_equal(h->held, 0);
	h_expect_cnt(h, ofo_dropped, 0);
	h_expect_cnt(h, rx_dup_bytes, 0);

	/* In-order data goes on as before (delayed ACK). */
	in_data_at(h, 3000, 100);
	h_expect_none(h);
	h_advance(h, 1 * H_S);
	expect_sack(h, 3100);
	assert_int_equal(h->app.recv_bytes, 3100);
	assert_false(h->app.rx_bad);
}

static void
test_blocks_most_recent_first(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	in_data_at(h, 2000, 1000);
	expect_sack(h, 0, 2000, 3000);
	in_data_at(h, 5000, 1000);
	expect_sack(h, 0, 5000, 6000, 2000, 3000);
	/* Extends the first block: that block is now the most recent. */
	in_data_at(h, 3000, 1000);
	expect_sack(h, 0, 2000, 4000, 5000, 6000);
	in_data_at(h, 8000, 1000);
	expect_sack(h, 0, 8000, 9000, 2000, 4000, 5000, 6000);
	/* With timestamps only 3 blocks fit: the oldest is left out. */
	in_data_at(h, 11000, 1000);
	expect_sack(h, 0, 11000, 12000, 8000, 9000, 2000, 4000);
	h_expect_cnt(h, sack_blocks_sent, 1 + 2 + 2 + 3 + 3);
	/* A duplicate: the block holding it goes first (RFC 2018 4). */
	in_data_at(h, 5000, 500);
	expect_sack(h, 0, 5000, 6000, 11000, 12000, 8000, 9000);
	/* A hole fills partly: the ACK moves, the rest stays SACKed. */
	in_data_at(h, 0, 2000);
	expect_sack(h, 4000, 5000, 6000, 11000, 12000, 8000, 9000);
	assert_int_equal(h->app.recv_bytes, 4000);
	assert_int_equal(h->held, 3);
	assert_false(h->app.rx_bad);
}

static void
test_four_blocks_without_timestamps(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, TCP_OPT_MSS | TCP_OPT_SACK_OK);
	for (uint32_t i = 1; i <= 5; i++) {
		in_data_at(h, i * 2000, 1000);
		h_pop(h);
	}
	in_data_at(h, 12000, 500);
	/* RFC 2018 3: 4 blocks of 8 bytes + 2 fit in 40 bytes. */
	expect_sack(h, 0, 12000, 12500, 10000, 11000, 8000, 9000, 6000, 7000);
}

static void
test_overlaps_and_duplicates(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	in_data_at(h, 2000, 1000);
	h_pop(h);
	/* Overlapping the tail of what is held: only [3000, 3500) is new. */
	in_data_at(h, 2500, 1000);
	expect_sack(h, 0, 2000, 3500);
	h_expect_cnt(h, rx_dup_bytes, 500);
	/* An exact duplicate adds nothing. */
	in_data_at(h, 2000, 1000);
	expect_sack(h, 0, 2000, 3500);
	h_expect_cnt(h, rx_dup_bytes, 1500);
	h_expect_cnt(h, ofo_queued, 2);
	/* One segment covering both replaces them. */
	in_data_at(h, 1500, 2500);
	expect_sack(h, 0, 1500, 4000);
	assert_int_equal(h->held, 1);
	h_expect_cnt(h, rx_dup_bytes, 3000);
	/* Overlapping the head of the queue: [1000, 1500) is new. */
	in_data_at(h, 1000, 1000);
	expect_sack(h, 0, 1000, 4000);
	assert_int_equal(h->held, 2);
	/* The in-order segment overlaps the queue: each byte delivered once,
	 * in order. */
	in_data_at(h, 0, 1200);
	expect_sack(h, 4000);
	assert_int_equal(h->app.recv_bytes, 4000);
	assert_false(h->app.rx_bad);
	for (uint32_t i = 0; i < 4000; i++)
		assert_int_equal(h->app.rx[i], h_pattern(i));
	assert_int_equal(h->held, 0);
	/* An old segment below rcv_nxt is a duplicate: ACK, nothing new. */
	in_data_at(h, 1000, 1000);
	expect_sack(h, 4000);
	assert_int_equal(h->app.recv_bytes, 4000);
	h_expect_cnt(h, ofo_dropped, 0);
}

static void
test_bound_segments(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;

	h_default_config(&cfg);
	cfg.ofo_max_segs = 3;
	start_conn(h, &cfg, OPTS_ALL);
	in_data_at(h, 2000, 100);
	in_data_at(h, 4000, 100);
	in_data_at(h, 6000, 100);
	h_flush(h);
	/* Full, and the newcomer is the highest: it goes. */
	in_data_at(h, 8000, 100);
	expect_sack(h, 0, 6000, 6100, 4000, 4100, 2000, 2100);
	h_expect_cnt(h, ofo_queued, 3);
	h_expect_cnt(h, ofo_dropped, 1);
	assert_int_equal(h->held, 3);
	/* A lower newcomer evicts the highest held segment. */
	in_data_at(h, 1000, 100);
	expect_sack(h, 0, 1000, 1100, 4000, 4100, 2000, 2100);
	h_expect_cnt(h, ofo_queued, 4);
	h_expect_cnt(h, ofo_dropped, 2);
	assert_int_equal(h->held, 3);
	/* Filling the first hole delivers [0, 1100) only. */
	in_data_at(h, 0, 1000);
	expect_sack(h, 1100, 4000, 4100, 2000, 2100);
	assert_int_equal(h->app.recv_bytes, 1100);
	assert_int_equal(h->held, 2);
	assert_false(h->app.rx_bad);
}

static void
test_bound_pool_and_hold_failure(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;

	h_default_config(&cfg);
	cfg.ofo_mbufs = 2;      /* for the whole stack */
	start_conn(h, &cfg, OPTS_ALL);
	in_data_at(h, 2000, 100);
	in_data_at(h, 4000, 100);
	in_data_at(h, 6000, 100);
	h_flush(h);
	h_expect_cnt(h, ofo_queued, 2);
	h_expect_cnt(h, ofo_dropped, 1);
	assert_int_equal(h->held, 2);
	assert_int_equal(h->s.ofo_pool.used, 2);

	/* The glue cannot keep the buffer: dropped and counted, still
	 * answered with a duplicate ACK. */
	h->hold_refuse = true;
	in_data_at(h, 1000, 100);
	expect_sack(h, 0, 4000, 4100, 2000, 2100);
	h_expect_cnt(h, ofo_dropped, 2);
	assert_int_equal(h->held, 2);
	h->hold_refuse = false;

	/* ofo_max_segs = 0: no queue at all. */
	h_stop(h);
	h_default_config(&cfg);
	cfg.ofo_max_segs = 0;
	memset(&h->st, 0, sizeof(h->st));
	start_conn(h, &cfg, OPTS_ALL);
	in_data_at(h, 2000, 100);
	expect_sack(h, 0);
	h_expect_cnt(h, ofo_dropped, 1);
	h_expect_cnt(h, ofo_queued, 0);
	assert_int_equal(h->held, 0);
}

static void
test_sack_off_still_reassembles(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;

	h_default_config(&cfg);
	cfg.sack = false;
	start_conn(h, &cfg, OPTS_ALL);
	/* No SACK-permitted: held all the same, but no blocks sent. */
	in_data_at(h, 1000, 1000);
	expect_sack(h, 0);
	in_data_at(h, 0, 1000);
	expect_sack(h, 2000);
	assert_int_equal(h->app.recv_bytes, 2000);
	h_expect_cnt(h, ofo_queued, 1);
	h_expect_cnt(h, sack_blocks_sent, 0);
}

static void
test_random_order_reassembles(void **state)
{
	struct harness *h = *state;
	enum { TOTAL = 60000, PIECES = 400 };
	static uint32_t off[PIECES], len[PIECES];
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	uint32_t covered = 0;
	unsigned n = 0;

	start_conn(h, NULL, OPTS_ALL);
	/* Pieces that cover [0, TOTAL) with overlaps, plus duplicates, then
	 * shuffled: a fixed seed, so a failure replays. */
	while (covered < TOTAL && n < PIECES) {
		uint32_t l;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		l = 1 + (uint32_t)(rng >> 33) % 1448;
		off[n] = covered > 300 ? covered - (uint32_t)(rng >> 20) % 300 : 0;
		len[n] = off[n] + l > TOTAL ? TOTAL - off[n] : l;
		if (off[n] + len[n] > covered)
			covered = off[n] + len[n];
		n++;
	}
	assert_int_equal(covered, TOTAL);
	for (unsigned i = 0; i < 40 && n < PIECES; i++, n++) {
		off[n] = off[i * 3];
		len[n] = len[i * 3];
	}
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j;
		uint32_t t;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		j = (unsigned)((rng >> 33) % (i + 1));
		t = off[i]; off[i] = off[j]; off[j] = t;
		t = len[i]; len[i] = len[j]; len[j] = t;
	}
	for (unsigned i = 0; i < n; i++) {
		in_data_at(h, off[i], len[i]);
		h_flush(h);
		assert_true(h->app.recv_bytes <= TOTAL);
	}
	h_advance(h, 1 * H_S);
	h_flush(h);
	/* Every byte once, in order, and nothing left held. */
	assert_int_equal(h->app.recv_bytes, TOTAL);
	assert_false(h->app.rx_bad);
	assert_int_equal(h->held, 0);
	assert_int_equal(h_conn(h)->rcv_nxt, h->peer.isn + 1 + TOTAL);
	h_expect_cnt(h, ofo_dropped, 0);
	assert_true(H_CNT(h, ofo_queued) > 0);
}

/* ---- release on every path that ends a connection ---- */

static void
hold_two(struct harness *h)
{
	unsigned before = h->held;

	in_data_at(h, 2000, 100);
	in_data_at(h, 4000, 100);
	h_flush(h);
	assert_int_equal(h->held, before + 2);
}

static void
test_release_on_rst(void **state)
{
	struct harness *h = *state;
	struct tcp_seg rst;

	start_conn(h, NULL, OPTS_ALL);
	hold_two(h);
	rst = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &rst);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->held, 0);
	assert_int_equal(h->s.ofo_pool.used, 0);
}

static void
test_release_on_abort(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	hold_two(h);
	h_app_abort(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->held, 0);
	assert_int_equal(h->s.ofo_pool.used, 0);
}

static void
test_release_on_time_wait(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	h_app_shutdown(h);
	h_expect(h, TCP_F_FIN | A, h->iss + 1, H_ANY, 0);
	h->peer.rcv_nxt = h->iss + 2;
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	hold_two(h);
	/* The peer's FIN in order: nothing it sent beyond counts, and
	 * TIME_WAIT keeps no buffers. */
	h_in_fin(h);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_int_equal(h->held, 0);
	assert_int_equal(h->s.ofo_pool.used, 0);
}

static void
test_release_on_drain_and_fini(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	hold_two(h);
	h_peer_init(h, &h->peer, H_RPORT + 1);
	h_handshake(h, OPTS_ALL, RTT);
	hold_two(h);
	assert_int_equal(h->held, 4);
	/* Drain, then abort what is left. */
	tcp_stack_drain(&h->s, true);
	assert_int_equal(tcp_stack_abort_all(&h->s), 2);
	assert_int_equal(h->held, 0);
	assert_int_equal(h->s.ofo_pool.used, 0);
	h_flush(h);
	/* A stack torn down with a queue: h_stop checks held == 0. */
	h_peer_init(h, &h->peer, H_RPORT + 2);
	h->s.accepting = true;
	h_handshake(h, OPTS_ALL, RTT);
	hold_two(h);
	h_stop(h);
	assert_int_equal(h->held, 0);
}

static void
test_close_while_delivering(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	hold_two(h);
	in_data_at(h, 100, 1900);
	h_flush(h);
	/* The application closes on the first bytes it reads: what the
	 * queue still holds is unread data at close, answered with RST. */
	h->app.on_recv = H_ACT_CLOSE;
	in_data_at(h, 0, 100);
	h_expect(h, TCP_F_RST | A, h->iss + 1, H_ANY, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(h->app.recv_bytes, 100);
	assert_int_equal(h->held, 0);
	assert_int_equal(h->app.close_reason, TCP_CLOSED_ABORT);
}

/* ---- the peer's SACK blocks drive our retransmissions ---- */

/* An ACK from the peer of our stream offset ack with SACK blocks b[]
 * (pairs of our stream offsets). */
static void
in_sack(struct harness *h, uint32_t ack, unsigned n, const uint32_t *b)
{
	struct tcp_seg seg;

	h->peer.rcv_nxt = h->iss + 1 + ack;
	/* A receiver growing its buffer: the window moves in every ACK,
	 * which must not stop SACK ACKs from counting as duplicates. */
	h->peer.wnd++;
	seg = h_mk_ack(h);
	if (n > 0) {
		seg.opts |= TCP_OPT_SACK;
		seg.nsack = (uint8_t)n;
		for (unsigned i = 0; i < n; i++) {
			seg.sack[i].start = h->iss + 1 + b[2 * i];
			seg.sack[i].end = h->iss + 1 + b[2 * i + 1];
		}
	}
	h_input(h, &seg);
}

#define IN_SACK(h, ack, ...) do {						\
	const uint32_t blk_[] = { 0, ##__VA_ARGS__ };				\
	in_sack((h), (ack), (unsigned)(sizeof(blk_) / sizeof(blk_[0]) - 1) / 2, blk_ + 1); \
} while (0)

static void
expect_data(struct harness *h, uint32_t off, uint32_t len)
{
	const struct h_sent *e = h_pop(h);

	assert_non_null(e);
	assert_int_equal(e->seg.seq, h->iss + 1 + off);
	assert_int_equal(e->seg.len, len);
	for (uint32_t i = 0; i < len && i < H_MAX_PAYLOAD; i++)
		assert_int_equal(e->data[i], h_pattern(off + i));
}

static void
send_segments(struct harness *h, unsigned n)
{
	h_app_send(h, n * SEG);
	for (unsigned i = 0; i < n; i++)
		expect_data(h, i * SEG, SEG);
	h_expect_none(h);
	h_advance(h, RTT);
}

static void
test_sack_recovery_resends_holes_only(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	send_segments(h, 6);
	/* Segments 1 and 3 are lost. */
	IN_SACK(h, SEG, 2 * SEG, 3 * SEG);
	h_expect_none(h);
	IN_SACK(h, SEG, 4 * SEG, 5 * SEG, 2 * SEG, 3 * SEG);
	h_expect_none(h);
	/* More than 2 segments SACKed above snd_una (RFC 6675 5): the
	 * first hole goes at once... */
	IN_SACK(h, SEG, 4 * SEG, 6 * SEG, 2 * SEG, 3 * SEG);
	expect_data(h, 1 * SEG, SEG);
	h_expect_none(h);
	h_expect_cnt(h, fast_retransmits, 1);
	/* ...and the next on the next ACK; SACKed segments never. */
	IN_SACK(h, SEG, 4 * SEG, 6 * SEG, 2 * SEG, 3 * SEG);
	expect_data(h, 3 * SEG, SEG);
	h_expect_none(h);
	IN_SACK(h, SEG, 4 * SEG, 6 * SEG, 2 * SEG, 3 * SEG);
	h_expect_none(h);
	h_expect_cnt(h, sack_retransmits, 2);
	h_expect_cnt(h, data_retransmits, 2);
	/* The holes arrive: everything acknowledged, recovery over. */
	h_advance(h, RTT);
	IN_SACK(h, 3 * SEG, 4 * SEG, 6 * SEG);
	h_expect_none(h);
	IN_SACK(h, 6 * SEG);
	h_expect_none(h);
	assert_int_equal(h_conn(h)->sack.recovery, 0);
	assert_int_equal(h_conn(h)->sack.n, 0);
	h_advance(h, 10 * H_S);
	h_expect_none(h);
	h_expect_cnt(h, data_retransmits, 2);
}

static void
test_rto_skips_sacked(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	send_segments(h, 4);
	/* Segments 0 and 2 are lost; two duplicate ACKs only. */
	IN_SACK(h, 0, SEG, 2 * SEG);
	IN_SACK(h, 0, 3 * SEG, 4 * SEG, SEG, 2 * SEG);
	h_expect_none(h);
	/* RTO (SRTT 10 ms: 210 ms): the first hole (cwnd is one segment). */
	h_advance(h, 300 * H_MS);
	expect_data(h, 0, SEG);
	h_expect_none(h);
	/* Segment 0 arrives: the ACK jumps over segment 1; of what is left
	 * only the hole (segment 2) is resent, not segment 3. */
	IN_SACK(h, 2 * SEG, 3 * SEG, 4 * SEG);
	expect_data(h, 2 * SEG, SEG);
	h_expect_none(h);
	h_expect_cnt(h, data_retransmits, 2);
	h_expect_cnt(h, sack_retransmits, 2);
	IN_SACK(h, 4 * SEG);
	h_advance(h, 10 * H_S);
	h_expect_none(h);
}

static void
test_rto_after_reneging_resends_all(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	send_segments(h, 3);
	IN_SACK(h, 0, SEG, 3 * SEG);
	h_expect_none(h);
	h_advance(h, 300 * H_MS);
	expect_data(h, 0, SEG);
	h_expect_none(h);
	/* The peer ACKs segment 0 only: it dropped what it SACKed (RFC
	 * 2018 8).  Nothing goes until the next RTO, which forgets the
	 * scoreboard and resends. */
	IN_SACK(h, SEG);
	h_expect_none(h);
	assert_int_equal(h_conn(h)->sack.n, 1);
	h_advance(h, 300 * H_MS);
	expect_data(h, SEG, SEG);
	h_expect_none(h);
	assert_int_equal(h_conn(h)->sack.n, 0);
	IN_SACK(h, 2 * SEG);
	expect_data(h, 2 * SEG, SEG);
	h_expect_none(h);
	IN_SACK(h, 3 * SEG);
	h_advance(h, 10 * H_S);
	h_expect_none(h);
}

static void
test_bogus_sack_blocks_ignored(void **state)
{
	struct harness *h = *state;

	start_conn(h, NULL, OPTS_ALL);
	send_segments(h, 3);
	/* Beyond what we sent, reversed, and below the ACK (D-SACK). */
	IN_SACK(h, SEG, 2 * SEG, 9 * SEG, 3 * SEG, 2 * SEG, 0, SEG);
	assert_int_equal(h_conn(h)->sack.n, 0);
	/* Blocks are merged and clipped to snd_una. */
	IN_SACK(h, SEG, 2 * SEG, 2 * SEG + 100, 2 * SEG + 100, 3 * SEG);
	assert_int_equal(h_conn(h)->sack.n, 1);
	assert_int_equal(h_conn(h)->sack.start[0], h->iss + 1 + 2 * SEG);
	assert_int_equal(h_conn(h)->sack.end[0], h->iss + 1 + 3 * SEG);
	IN_SACK(h, 3 * SEG);
	assert_int_equal(h_conn(h)->sack.n, 0);
}

static void
test_scoreboard_full_keeps_lowest(void **state)
{
	struct harness *h = *state;
	struct tt_tcp_config cfg;
	struct tcp_conn *c;

	h_default_config(&cfg);
	cfg.init_cwnd = 64;
	start_conn(h, &cfg, OPTS_ALL);
	send_segments(h, 2 * TCP_SACK_BOARD + 4);
	c = h_conn(h);
	/* Every odd segment SACKed, highest first: more ranges than the
	 * board holds.  The lowest are kept (their holes go first). */
	for (int i = 2 * TCP_SACK_BOARD + 3; i >= 1; i -= 2) {
		IN_SACK(h, 0, (uint32_t)i * SEG, (uint32_t)(i + 1) * SEG);
		h_flush(h);
	}
	assert_int_equal(c->sack.n, TCP_SACK_BOARD);
	for (unsigned i = 0; i < TCP_SACK_BOARD; i++) {
		assert_int_equal(c->sack.start[i], h->iss + 1 + (2 * i + 1) * SEG);
		assert_int_equal(c->sack.end[i], h->iss + 1 + (2 * i + 2) * SEG);
	}
	/* Adjacent blocks merge and make room. */
	IN_SACK(h, 0, 2 * SEG, 3 * SEG);
	assert_int_equal(c->sack.n, TCP_SACK_BOARD - 1);
	assert_int_equal(c->sack.end[0], h->iss + 1 + 4 * SEG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hole_filled_then_delivered, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_blocks_most_recent_first, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_four_blocks_without_timestamps, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_overlaps_and_duplicates, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bound_segments, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bound_pool_and_hold_failure, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_sack_off_still_reassembles, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_random_order_reassembles, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_release_on_rst, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_release_on_abort, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_release_on_time_wait, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_release_on_drain_and_fini, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_close_while_delivering, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_sack_recovery_resends_holes_only, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rto_skips_sacked, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rto_after_reneging_resends_all, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bogus_sack_blocks_ignored, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_scoreboard_full_keeps_lowest, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
