/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TEST_HARNESS_H
#define TT_TEST_HARNESS_H

/*
 * A test bench for the TCP protocol core: one stack on a fake clock, a fake
 * wire that captures what the stack sends, a fake application that records
 * its callbacks and can be told how to react, and a fake peer (the remote
 * side, 198.18.0.2:40000 talking to our 198.18.0.1:80) that builds the
 * inbound segments.  Used by the cmocka unit tests and meant to be reused by
 * the scripted conformance runner, so nothing here depends on cmocka except
 * the h_expect*() and h_check*() assertions.
 *
 * All times are absolute microseconds.  The clock only moves through
 * h_advance_to()/h_advance(), which run every timer at its own expiry, so a
 * retransmission scheduled for t is captured with t as its time.
 */

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "stats/stats.h"
#include "tcp/tcp.h"

#define H_MS 1000ull
#define H_S  1000000ull

/* The clock starts here: not at 0, so "time 0" never means "unset". */
#define H_T0 (1 * H_S)

/* Addresses of the bench, host byte order. */
#define H_LADDR 0xc6120001u   /* 198.18.0.1 */
#define H_RADDR 0xc6120002u   /* 198.18.0.2 */
#define H_LPORT 80
#define H_RPORT 40000

/* The same over IPv6 (issue 12; RFC 5180's benchmarking prefix), as on
 * the wire: 2001:2::1 ours, 2001:2::2 the peer's. */
extern const uint8_t h_laddr6[16];
extern const uint8_t h_raddr6[16];

/* "don't care" for the seq/ack/len/time fields of h_expect*(). */
#define H_ANY (-1ll)

/* Most payload bytes captured per sent segment. */
#define H_MAX_PAYLOAD 2048

/* Payload byte at stream offset off (the fake application's stream, and
 * the peer's stream): a pattern that shows a shifted copy.  Its period is
 * 65536 bytes. */
static inline uint8_t
h_pattern(uint32_t off)
{
	return (uint8_t)(off * 7u + (off >> 8) + 3u);
}

/* One segment the stack sent. */
struct h_sent {
	struct tcp_seg seg;          /* header fields (payload NULL) */
	uint64_t at;                 /* stack time when sent */
	uint32_t plen;               /* bytes captured in data */
	uint8_t data[H_MAX_PAYLOAD];
};

/* What the fake application does on an event. */
enum h_action {
	H_ACT_NONE = 0,
	H_ACT_CLOSE,                 /* tcp_close() */
	H_ACT_SHUTDOWN,              /* tcp_shutdown() */
	H_ACT_ABORT,                 /* tcp_abort() */
	H_ACT_CLOSE_LATER,           /* tcp_app_timer(now + close_delay), then close */
};

struct h_app {
	/* what happened */
	unsigned n_established;
	unsigned n_recv;
	unsigned n_eof;
	unsigned n_acked;
	unsigned n_timer;
	unsigned n_closed;
	uint64_t recv_bytes;
	uint64_t acked_bytes;
	uint64_t established_at, eof_at, closed_at, timer_at;
	enum tcp_close_reason close_reason;
	struct tcp_conn *conn;       /* last established connection, NULL once closed */
	uint8_t rx[65536];           /* first bytes received (stream offsets) */
	bool rx_bad;                 /* a received byte broke the peer's pattern */
	/* how to react */
	uint32_t respond_len;        /* tcp_send() this many bytes on each recv */
	enum h_action on_recv;
	enum h_action on_eof;
	uint64_t close_delay;        /* for H_ACT_CLOSE_LATER */
};

/* The remote side, as far as the bench needs to model it. */
struct h_peer {
	struct tcp_tuple t;          /* seen from the stack: local = ours */
	uint32_t isn;
	uint32_t snd_nxt;            /* peer's next sequence number */
	uint32_t rcv_nxt;            /* what the peer acknowledges */
	uint16_t wnd;                /* window field of non-SYN segments */
	uint16_t syn_wnd;            /* window field of its SYN */
	uint8_t wscale;
	bool ts;                     /* peer sends timestamps */
	uint32_t ts_base;            /* TSval = ts_base + now in ms */
	uint32_t ts_echo;            /* last TSval the stack sent it (TSecr) */
	uint32_t stream_off;         /* offset of the next payload byte */
};

struct harness {
	struct tt_tcp_config cfg;
	struct tt_stats st;
	struct tcp_stack s;
	bool started;
	uint64_t now;
	struct h_app app;
	struct h_peer peer;
	uint32_t iss;                /* our ISN from the last handshake */
	/* captured segments: a FIFO */
	struct h_sent *sent;
	unsigned sent_head, sent_count, sent_cap;
	uint64_t n_sent;             /* ever */
	unsigned held;               /* out-of-order buffers the stack holds */
	bool hold_refuse;            /* hold() fails (no buffer to keep) */
	uint8_t payload[65536 + 16384]; /* peer payload source: h_pattern() */
};

/* Linux defaults (teardown.md / config module), times in us. */
void h_default_config(struct tt_tcp_config *cfg);

/* Create the stack with cfg (NULL: defaults) at H_T0, TIME_WAIT capacity
 * cfg->max_tw_buckets, a listener on H_LPORT served by the fake app, and a
 * peer initialised with h_peer_init(H_RPORT). */
void h_start(struct harness *h, const struct tt_tcp_config *cfg);
void h_stop(struct harness *h);

/* cmocka setup/teardown: *state is a zeroed struct harness; teardown checks
 * the state gauges (h_check_gauges) and frees everything. */
int h_setup(void **state);
int h_teardown(void **state);

/* A fresh peer on rport, with all options (MSS 1460, WS 7, SACK, TS). */
void h_peer_init(struct harness *h, struct h_peer *p, uint16_t rport);

/* The same peer over IPv6: tuple [h_laddr6]:80 <- [raddr]:rport (raddr
 * NULL: h_raddr6), v6 = 1.  After h_start(), h_peer_init6(h, &h->peer,
 * H_RPORT, NULL) makes every h_*() helper talk IPv6. */
void h_peer_init6(struct harness *h, struct h_peer *p, uint16_t rport,
		  const uint8_t raddr[16]);

/* tcp_connect() on tuple t (local = ours), served by the fake app, with a
 * fresh ISN, at the current time. */
struct tcp_conn *h_connect(struct harness *h, const struct tcp_tuple *t);

/* An IPv6 tuple (addresses as on the wire), every other byte zero. */
struct tcp_tuple h_tuple6(const uint8_t laddr[16], const uint8_t raddr[16],
			  uint16_t lport, uint16_t rport);

/* ---- the clock ---- */

/* Move the clock to t, firing every timer (and TIME_WAIT expiry) at its own
 * due time on the way; t before now is an error. */
void h_advance_to(struct harness *h, uint64_t t);
static inline void
h_advance(struct harness *h, uint64_t d)
{
	h_advance_to(h, h->now + d);
}

/* ---- inbound segments, from the peer's point of view ---- */

/* A segment from the current peer with the given fields (tuple, window
 * and timestamp filled in); payload bytes follow the peer's pattern at
 * stream offset peer.stream_off.  Does not change the peer. */
struct tcp_seg h_mk(struct harness *h, uint8_t flags, uint32_t seq, uint32_t ack,
		    uint32_t len);
/* SYN at peer.isn with the TCP_OPT_* options in opts (MSS 1460, WS
 * peer.wscale, SACK-permitted, TS); sets peer.ts from opts. */
struct tcp_seg h_mk_syn(struct harness *h, uint8_t opts);
/* ACK of peer.rcv_nxt at peer.snd_nxt. */
struct tcp_seg h_mk_ack(struct harness *h);
/* RST alone (no ACK, no options) at seq. */
struct tcp_seg h_mk_rst(struct harness *h, uint32_t seq);

/* Deliver seg at the current time. */
void h_input(struct harness *h, const struct tcp_seg *seg);

/* Build, send and advance the peer's sequence numbers. */
void h_in_syn(struct harness *h, uint8_t opts);
void h_in_ack(struct harness *h);
void h_in_data(struct harness *h, uint32_t len);      /* ACK|PSH */
void h_in_fin(struct harness *h);                      /* FIN|ACK */

/* The peer acknowledges everything the stack has sent so far. */
void h_peer_ack_all(struct harness *h);

/* Full passive handshake: SYN(opts), check the SYN-ACK, wait rtt, ACK.
 * Returns the ESTABLISHED connection (h->iss and the peer are updated). */
struct tcp_conn *h_handshake(struct harness *h, uint8_t opts, uint64_t rtt);
/* h_handshake, then the four-way close with us first (teardown.md), a
 * second and one rtt apart each: our FIN, the peer's ACK (FIN_WAIT_2), its
 * FIN, our last ACK at once; ends in TIME_WAIT with nothing else sent. */
void h_enter_time_wait(struct harness *h, uint8_t opts, uint64_t rtt);

/* The connection of the current peer's tuple, or NULL. */
struct tcp_conn *h_conn(struct harness *h);
struct tw_rec *h_tw(struct harness *h);

/* ---- the application's verbs on the current peer's connection, at the
 * current time ---- */
void h_app_send(struct harness *h, uint32_t len);
void h_app_close(struct harness *h);
void h_app_shutdown(struct harness *h);
void h_app_abort(struct harness *h);

/* ---- what the stack sent ---- */

unsigned h_pending(const struct harness *h);
/* Pop the oldest captured segment, NULL when none. */
const struct h_sent *h_pop(struct harness *h);
/* Drop everything captured so far. */
void h_flush(struct harness *h);

/* Flags as tcpdump prints them ("S.", "F.", "R", "P."). */
const char *h_flags_str(uint8_t flags, char *buf, unsigned len);

/* Pop the next segment and fail (cmocka) with expected vs actual unless it
 * has exactly these flags and seq/ack/len/time (H_ANY: any).  Returns it. */
const struct h_sent *h_expect_(struct harness *h, const char *file, int line,
			       uint8_t flags, int64_t seq, int64_t ack, int64_t len,
			       int64_t at);
/* Fail unless nothing (more) was sent. */
void h_expect_none_(struct harness *h, const char *file, int line);
/* Fail unless the connection of the current peer is in state st
 * (TCP_CLOSED: no connection record). */
void h_expect_state_(struct harness *h, const char *file, int line, enum tcp_state st);
/* Fail unless st->state[] agrees with the records the stack holds. */
void h_check_gauges_(struct harness *h, const char *file, int line);

#define h_expect(h, flags, seq, ack, len) \
	h_expect_((h), __FILE__, __LINE__, (flags), (seq), (ack), (len), H_ANY)
#define h_expect_at(h, at, flags, seq, ack, len) \
	h_expect_((h), __FILE__, __LINE__, (flags), (seq), (ack), (len), (int64_t)(at))
#define h_expect_none(h) h_expect_none_((h), __FILE__, __LINE__)
#define h_expect_state(h, st) h_expect_state_((h), __FILE__, __LINE__, (st))
#define h_check_gauges(h) h_check_gauges_((h), __FILE__, __LINE__)

/* Counter value by name, e.g. H_CNT(h, tw_created). */
#define H_CNT(h, name) ((h)->st.c[TT_C_##name])

/* Fail, naming the counter, unless counter k is v. */
void h_expect_cnt_(struct harness *h, const char *file, int line, enum tt_counter k,
		   uint64_t v);
#define h_expect_cnt(h, name, v) \
	h_expect_cnt_((h), __FILE__, __LINE__, TT_C_##name, (v))

#endif
