/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the HTTP client: a client connection through the harness
 * stack answered by a scripted server (the harness peer: SYN-ACK, response
 * bytes, FIN), and the connection generator (concurrency, rate, ramp-up,
 * tuple exhaustion) on the harness's fake clock.
 *
 * The harness models a peer that connects to us; here the stack connects,
 * so the SYN-ACK and the response segments are built by the local helpers
 * below from h_mk().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "http/http_client.h"

#define C_LPORT0  50000       /* first source port the fake picker hands out */
#define C_RPORT   80

/* The fake tuple picker: source ports from C_LPORT0 up, `free_tuples` of
 * them, then -1. */
struct picker {
	struct tt_client_config *cfg;
	unsigned calls;
	unsigned free_tuples;
	uint16_t next_port;
	unsigned hits[TT_MAX_TARGETS];
	uint32_t isn;             /* handed out with each tuple */
};

struct ctx {
	struct harness *h;
	struct tt_client_config cfg;
	struct picker pk;
	struct http_client hc;
};

static int
fake_pick(void *arg, unsigned target_idx, struct tcp_tuple *out, uint32_t *isn,
	  uint64_t now)
{
	struct picker *pk = arg;

	(void)now;
	pk->calls++;
	assert_true(target_idx < pk->cfg->n_targets);
	if (pk->free_tuples == 0)
		return -1;
	pk->free_tuples--;
	pk->hits[target_idx]++;
	*out = tcp_tuple4(H_LADDR, pk->cfg->target_ip[target_idx], pk->next_port++,
			  pk->cfg->target_port[target_idx]);
	*isn = pk->isn;
	return 0;
}

/* Start the harness stack with tcfg (NULL: defaults) and a client config
 * of one target, concurrency 1, two requests per connection. */
static struct ctx *
ctx_new_cfg(void **state, const struct tt_tcp_config *tcfg)
{
	struct harness *h = *state;
	struct ctx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	h_start(h, tcfg);
	x->h = h;
	x->cfg.n_targets = 1;
	x->cfg.target_ip[0] = H_RADDR;
	x->cfg.target_port[0] = C_RPORT;
	x->cfg.rate = 0;
	x->cfg.ramp_up = 0;
	x->cfg.concurrency = 1;
	x->cfg.requests_per_conn = 2;
	snprintf(x->cfg.path, sizeof(x->cfg.path), "/index.html");
	snprintf(x->cfg.host, sizeof(x->cfg.host), "example.test");
	x->cfg.closer = TT_CLOSER_CLIENT;
	x->pk.cfg = &x->cfg;
	x->pk.free_tuples = 1u << 20;
	x->pk.next_port = C_LPORT0;
	/* The harness peer plays the server of the first connection. */
	x->h->peer.t.lport = C_LPORT0;
	x->h->peer.t.rport = C_RPORT;
	return x;
}

static struct ctx *
ctx_new(void **state)
{
	return ctx_new_cfg(state, NULL);
}

static void
ctx_init_client(struct ctx *x)
{
	assert_int_equal(http_client_init(&x->hc, &x->cfg, &x->h->s, &x->h->st, 0, 1,
					  fake_pick, &x->pk, x->h->now), 0);
}

static void
tick(struct ctx *x)
{
	http_client_tick(&x->hc, x->h->now);
}

/* Tick every `step` us from now to now + d (inclusive). */
static void
tick_for(struct ctx *x, uint64_t d, uint64_t step)
{
	uint64_t end = x->h->now + d;

	tick(x);
	while (x->h->now < end) {
		h_advance(x->h, step);
		tick(x);
	}
}

/* A sample of value v was recorded (the percentiles give the middle of
 * v's bucket, within 1.6%). */
static bool
hist_has(const struct hist *hi, uint64_t v)
{
	return hi->b[hist_bucket(v)] > 0;
}

/* ---- the scripted server ---- */

/* Our SYN: returns its sequence number (and sets h->iss). */
static uint32_t
srv_expect_syn(struct harness *h)
{
	const struct h_sent *e = h_expect(h, TCP_F_SYN, H_ANY, H_ANY, 0);

	h->iss = e->seg.seq;
	return e->seg.seq;
}

static void
srv_synack(struct harness *h)
{
	struct tcp_seg seg = h_mk(h, TCP_F_SYN | TCP_F_ACK, h->peer.isn, h->iss + 1, 0);

	seg.opts = TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS;
	seg.mss = 1460;
	seg.wscale = h->peer.wscale;
	h->peer.snd_nxt = h->peer.isn + 1;
	h->peer.rcv_nxt = h->iss + 1;
	h_input(h, &seg);
}

/* Response bytes from the server (acknowledging all we sent). */
static void
srv_send(struct harness *h, const char *data)
{
	struct tcp_seg seg;

	h_peer_ack_all(h);
	seg = h_mk(h, TCP_F_ACK | TCP_F_PSH, h->peer.snd_nxt, h->peer.rcv_nxt, 0);
	seg.payload = (const uint8_t *)data;
	seg.len = (uint32_t)strlen(data);
	h->peer.snd_nxt += seg.len;
	h_input(h, &seg);
}

static void
srv_ack(struct harness *h)
{
	h_peer_ack_all(h);
	h_in_ack(h);
}

static void
srv_fin(struct harness *h)
{
	h_peer_ack_all(h);
	h_in_fin(h);
}

/* The next segment is data with exactly these bytes; returns it. */
static const struct h_sent *
expect_data_(struct harness *h, const char *file, int line, int64_t seq,
	     const char *want)
{
	const struct h_sent *e = h_expect_(h, file, line, TCP_F_ACK | TCP_F_PSH, seq,
					   H_ANY, (int64_t)strlen(want), H_ANY);

	if (e->plen != strlen(want) || memcmp(e->data, want, e->plen) != 0) {
		print_error("%s:%d: payload \"%.*s\"\n      expected \"%s\"\n", file,
			    line, (int)e->plen, (const char *)e->data, want);
		_fail(file, line);
	}
	return e;
}
#define expect_data(h, seq, want) expect_data_((h), __FILE__, __LINE__, (seq), (want))

static const char REQ[] = "GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n";
static const char REQ_CLOSE[] =
	"GET /index.html HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n";
static const char RESP_KA[] =
	"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello";
static const char RESP_CLOSE[] =
	"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

#define RL ((uint32_t)sizeof(REQ) - 1)

/* Open the first connection and complete the handshake after rtt; the
 * first request must follow at once. */
static void
open_first(struct ctx *x, uint64_t rtt, const char *first_req)
{
	struct harness *h = x->h;

	tick(x);
	assert_int_equal(x->hc.open, 1);
	srv_expect_syn(h);
	h_expect_none(h);
	h_advance(h, rtt);
	srv_synack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	/* The ACK of the SYN-ACK carries the request. */
	expect_data(h, h->iss + 1, first_req);
	h_expect_none(h);
}

/* ---- one connection, scripted ---- */

static void
test_closer_client_two_requests(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;
	uint64_t t_fin;

	ctx_init_client(x);
	open_first(x, 500, REQ);
	assert_int_equal(hist_count(&x->hc.h_connect), 1);
	assert_true(hist_has(&x->hc.h_connect, 500));
	h_expect_cnt(h, http_client_requests, 1);

	/* Response 1 after 1 ms: request 2 goes out at once, keep-alive. */
	h_advance(h, 1000);
	srv_send(h, RESP_KA);
	expect_data(h, h->iss + 1 + RL, REQ);
	h_expect_cnt(h, http_client_responses, 1);
	h_expect_cnt(h, http_client_requests, 2);
	assert_int_equal(hist_count(&x->hc.h_response), 1);
	assert_true(hist_has(&x->hc.h_response, 1000));

	/* Response 2 after 2 ms, in two segments cut inside the headers:
	 * the client closes first after the last response. */
	h_advance(h, 2000);
	srv_send(h, "HTTP/1.1 200 OK\r\nContent-Le");
	h_expect_none(h);
	assert_int_equal(hist_count(&x->hc.h_response), 1);
	srv_send(h, "ngth: 5\r\n\r\nhello");
	t_fin = h->now;
	h_expect(h, TCP_F_FIN | TCP_F_ACK, h->iss + 1 + 2 * RL, h->peer.snd_nxt, 0);
	h_expect_state(h, TCP_FIN_WAIT_1);
	h_expect_cnt(h, http_client_responses, 2);
	assert_int_equal(hist_count(&x->hc.h_response), 2);
	assert_true(hist_has(&x->hc.h_response, 2000));
	/* concurrency 1: nothing new while this one is open */
	tick(x);
	h_expect_none(h);

	/* The server ACKs, then closes 300 us after our FIN: TIME_WAIT here. */
	srv_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	assert_int_equal(hist_count(&x->hc.h_close), 0);
	h_advance(h, 300);
	srv_fin(h);
	h_expect(h, TCP_F_ACK, h->iss + 2 + 2 * RL, h->peer.snd_nxt, 0);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_int_equal(x->hc.open, 0);
	assert_int_equal(hist_count(&x->hc.h_close), 1);
	assert_true(hist_has(&x->hc.h_close, h->now - t_fin));
	assert_int_equal(x->hc.conns_completed, 1);
	assert_int_equal(x->hc.premature_eofs, 0);
	h_expect_cnt(h, http_client_bad_responses, 0);

	/* The slot is free again: the next tick opens connection 2. */
	tick(x);
	assert_int_equal(x->hc.open, 1);
	h_expect_cnt(h, connects_started, 2);
	free(x);
}

static void
test_closer_server(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;
	const struct h_sent *e;
	uint64_t t_eof;

	x->cfg.closer = TT_CLOSER_SERVER;
	x->cfg.requests_per_conn = 3;
	ctx_init_client(x);
	open_first(x, 200, REQ);
	h_advance(h, 100);
	srv_send(h, RESP_KA);
	expect_data(h, h->iss + 1 + RL, REQ);
	h_advance(h, 100);
	srv_send(h, RESP_KA);
	/* The last request asks the server to close. */
	e = expect_data(h, h->iss + 1 + 2 * RL, REQ_CLOSE);
	(void)e;

	/* Unacknowledged, it is retransmitted on RTO with the same bytes:
	 * fill() regenerates the close variant from app_state. */
	h_advance_to(h, h->now + 300 * H_MS);
	expect_data(h, h->iss + 1 + 2 * RL, REQ_CLOSE);

	/* The response says close: the client waits for the server's FIN. */
	srv_send(h, RESP_CLOSE);
	h_expect_cnt(h, http_client_responses, 3);
	h_expect_state(h, TCP_ESTABLISHED);
	h_advance(h, 5 * H_MS);
	while (h_pending(h) > 0) {           /* a delayed ACK at most */
		e = h_pop(h);
		assert_int_equal(e->seg.flags, TCP_F_ACK);
	}

	/* Server's FIN: we close at once (LAST_ACK), passive closer. */
	srv_fin(h);
	t_eof = h->now;
	h_expect(h, TCP_F_FIN | TCP_F_ACK, h->iss + 1 + 2 * RL + sizeof(REQ_CLOSE) - 1,
		 h->peer.snd_nxt, 0);
	h_expect_state(h, TCP_LAST_ACK);
	assert_int_equal(x->hc.open, 1);
	h_advance(h, 250);
	srv_ack(h);
	h_expect_state(h, TCP_CLOSED);     /* no TIME_WAIT on the client */
	assert_null(h_tw(h));
	assert_int_equal(x->hc.open, 0);
	assert_int_equal(hist_count(&x->hc.h_close), 1);
	assert_true(hist_has(&x->hc.h_close, h->now - t_eof));
	assert_int_equal(hist_count(&x->hc.h_response), 3);
	assert_int_equal(x->hc.conns_completed, 1);
	h_expect_cnt(h, http_client_requests, 3);
	h_expect_cnt(h, active_closes, 0);
	h_expect_cnt(h, passive_closes, 1);
	free(x);
}

static void
test_single_request_closer_server(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	/* requests_per_conn 1: the first request is already the last. */
	x->cfg.closer = TT_CLOSER_SERVER;
	x->cfg.requests_per_conn = 1;
	ctx_init_client(x);
	open_first(x, 100, REQ_CLOSE);
	srv_send(h, RESP_CLOSE);
	srv_fin(h);
	h_expect(h, TCP_F_FIN | TCP_F_ACK, H_ANY, h->peer.snd_nxt, 0);
	srv_ack(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(x->hc.conns_completed, 1);
	free(x);
}

static void
test_server_says_close_early(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	/* Two requests planned, but the first response says close (nginx
	 * keepalive_requests): no second request; closer = client still
	 * closes first, at once. */
	ctx_init_client(x);
	open_first(x, 100, REQ);
	srv_send(h, RESP_CLOSE);
	h_expect(h, TCP_F_FIN | TCP_F_ACK, h->iss + 1 + RL, h->peer.snd_nxt, 0);
	h_expect_cnt(h, http_client_requests, 1);
	srv_ack(h);
	srv_fin(h);
	h_expect(h, TCP_F_ACK, H_ANY, h->peer.snd_nxt, 0);
	h_expect_state(h, TCP_TIME_WAIT);
	assert_int_equal(x->hc.conns_completed, 1);
	assert_int_equal(x->hc.premature_eofs, 0);
	free(x);
}

static void
test_premature_eof(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	ctx_init_client(x);
	open_first(x, 100, REQ);
	srv_send(h, RESP_KA);
	expect_data(h, h->iss + 1 + RL, REQ);
	/* The server closes before answering request 2 (half a response). */
	srv_send(h, "HTTP/1.1 200 OK\r\n");
	srv_fin(h);
	h_expect(h, TCP_F_FIN | TCP_F_ACK, H_ANY, h->peer.snd_nxt, 0);
	assert_int_equal(x->hc.premature_eofs, 1);
	h_expect_cnt(h, http_client_responses, 1);
	h_expect_cnt(h, http_client_bad_responses, 0);
	srv_ack(h);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(x->hc.open, 0);
	assert_int_equal(x->hc.conns_completed, 0);
	free(x);
}

static void
test_body_until_close(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	x->cfg.requests_per_conn = 1;
	ctx_init_client(x);
	open_first(x, 100, REQ);
	/* HTTP/1.0 without a length: the FIN ends the body. */
	srv_send(h, "HTTP/1.0 200 OK\r\n\r\nbody bytes");
	h_expect_cnt(h, http_client_responses, 0);
	h_advance(h, 700);
	srv_fin(h);
	h_expect_cnt(h, http_client_responses, 1);
	assert_true(hist_has(&x->hc.h_response, 700));
	assert_int_equal(x->hc.premature_eofs, 0);
	h_expect(h, TCP_F_FIN | TCP_F_ACK, H_ANY, h->peer.snd_nxt, 0);
	srv_ack(h);
	assert_int_equal(x->hc.conns_completed, 1);
	free(x);
}

static void
test_bad_response_resets(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	ctx_init_client(x);
	open_first(x, 100, REQ);
	srv_send(h, "HTTP/1.1 2x0 OK\r\n\r\n");
	h_expect(h, TCP_F_RST | TCP_F_ACK, H_ANY, H_ANY, 0);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, http_client_bad_responses, 1);
	assert_int_equal(x->hc.open, 0);
	assert_int_equal(x->hc.aborted, 1);
	free(x);
}

/* The response parse memo (http_memo.h) reuses the last outcome only
 * for the same bytes: a response of the same length that differs in one
 * byte is parsed, and found bad. */
static void
test_memo_needs_same_bytes(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;
	static const char BAD_KA[] =
		"HTTP/1.1 200 OK\r\nContent-Length: x\r\nConnection: keep-alive\r\n\r\nhello";

	_Static_assert(sizeof(BAD_KA) == sizeof(RESP_KA), "same length");
	x->cfg.requests_per_conn = 3;
	ctx_init_client(x);
	open_first(x, 100, REQ);
	srv_send(h, RESP_KA);
	expect_data(h, h->iss + 1 + RL, REQ);
	h_expect_cnt(h, http_client_responses, 1);
	srv_send(h, BAD_KA);
	h_expect(h, TCP_F_RST | TCP_F_ACK, H_ANY, H_ANY, 0);
	h_expect_cnt(h, http_client_bad_responses, 1);
	h_expect_cnt(h, http_client_responses, 1);
	free(x);
}

static void
test_bytes_after_last_response(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	/* One request: a second response nobody asked for, in the same
	 * segment, is a bad response, whoever closes. */
	for (int closer = TT_CLOSER_CLIENT; closer <= TT_CLOSER_SERVER; closer++) {
		x->cfg.closer = (uint8_t)closer;
		x->cfg.requests_per_conn = 1;
		ctx_init_client(x);
		x->pk.next_port = h->peer.t.lport;
		open_first(x, 100, closer == TT_CLOSER_SERVER ? REQ_CLOSE : REQ);
		srv_send(h, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
			 "Connection: close\r\n\r\nHTTP/1.1 200 OK\r\n");
		/* closer = client queued its FIN before the abort: the RST
		 * is all that goes out. */
		h_expect(h, TCP_F_RST | TCP_F_ACK, H_ANY, H_ANY, 0);
		h_expect_none(h);
		h_expect_state(h, TCP_CLOSED);
		h_expect_cnt(h, http_client_responses, (uint64_t)closer + 1);
		h_expect_cnt(h, http_client_bad_responses, (uint64_t)closer + 1);
		assert_int_equal(x->hc.open, 0);
		h->peer.t.lport++;
	}
	free(x);
}

static void
test_reset_after_established(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;
	struct tcp_seg rst;

	ctx_init_client(x);
	open_first(x, 100, REQ);
	h_peer_ack_all(h);
	rst = h_mk_rst(h, h->peer.snd_nxt);
	h_input(h, &rst);
	h_expect_state(h, TCP_CLOSED);
	assert_int_equal(x->hc.open, 0);
	assert_int_equal(x->hc.failed_reset, 1);
	assert_int_equal(hist_count(&x->hc.h_close), 0);
	free(x);
}

static void
test_connect_refused(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;
	struct tcp_seg rst;

	ctx_init_client(x);
	tick(x);
	srv_expect_syn(h);
	rst = h_mk(h, TCP_F_RST | TCP_F_ACK, 0, h->iss + 1, 0);
	h_input(h, &rst);
	h_expect_cnt(h, connect_failed_refused, 1);
	assert_int_equal(x->hc.open, 0);
	/* Counted by the stack only, not again as an established failure. */
	assert_int_equal(x->hc.failed_reset, 0);
	assert_int_equal(hist_count(&x->hc.h_connect), 0);
	free(x);
}

/* ---- the generator ---- */

static void
test_concurrency_limit(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;
	struct tcp_seg rst;

	x->cfg.concurrency = 5;
	ctx_init_client(x);
	tick_for(x, 10 * H_MS, 100);
	h_expect_cnt(h, connects_started, 5);
	assert_int_equal(x->hc.open, 5);
	assert_int_equal(x->pk.calls, 5);
	/* One is refused: its slot is taken again on the next tick. */
	srv_expect_syn(h);                   /* the first SYN, port C_LPORT0 */
	rst = h_mk(h, TCP_F_RST | TCP_F_ACK, 0, h->iss + 1, 0);
	h_input(h, &rst);
	assert_int_equal(x->hc.open, 4);
	tick(x);
	h_expect_cnt(h, connects_started, 6);
	assert_int_equal(x->hc.open, 5);
	tick_for(x, 5 * H_MS, 100);
	h_expect_cnt(h, connects_started, 6);
	free(x);
}

static void
test_rate(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	x->cfg.rate = 1000;
	x->cfg.concurrency = 1000;
	ctx_init_client(x);
	/* 1000/s for 10 ms: 10 connects, evenly, not in a burst. */
	tick_for(x, 10 * H_MS, 100);
	h_expect_cnt(h, connects_started, 10);
	for (unsigned i = 0; i < 10; i++) {
		const struct h_sent *e = h_pop(h);

		assert_non_null(e);
		assert_int_equal(e->seg.flags, TCP_F_SYN);
		assert_int_equal(e->at, H_T0 + (i + 1) * H_MS);
	}
	/* Ticks far apart: the backlog is bounded (10 ms worth at most). */
	h_advance(h, 100 * H_MS);
	tick(x);
	h_expect_cnt(h, connects_started, 20);
	tick_for(x, 10 * H_MS, 1000);
	h_expect_cnt(h, connects_started, 30);
	free(x);
}

static void
test_rate_ramp_up(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	/* 1000/s reached linearly over 100 ms: 1000 * t^2 / (2 * 0.1 s). */
	x->cfg.rate = 1000;
	x->cfg.ramp_up = 100 * H_MS;
	x->cfg.concurrency = 1000;
	ctx_init_client(x);
	tick_for(x, 50 * H_MS, 100);
	h_expect_cnt(h, connects_started, 12);          /* 12.5 */
	tick_for(x, 50 * H_MS, 100);
	h_expect_cnt(h, connects_started, 50);          /* 50 */
	/* Then the full rate: +100 in the next 100 ms. */
	tick_for(x, 100 * H_MS, 100);
	h_expect_cnt(h, connects_started, 150);
	free(x);
}

static void
test_concurrency_ramp_up(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	/* rate 0: the concurrency grows linearly over the ramp instead. */
	x->cfg.concurrency = 100;
	x->cfg.ramp_up = 100 * H_MS;
	ctx_init_client(x);
	/* The ramp starts at the first tick, not at init. */
	h_advance(h, 500 * H_MS);
	tick(x);
	h_expect_cnt(h, connects_started, 0);
	tick_for(x, 50 * H_MS, 100);
	h_expect_cnt(h, connects_started, 50);
	tick_for(x, 50 * H_MS, 100);
	h_expect_cnt(h, connects_started, 100);
	tick_for(x, 50 * H_MS, 100);
	h_expect_cnt(h, connects_started, 100);
	free(x);
}

static void
test_unpaced_per_tick_bound(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	x->cfg.concurrency = 1000;
	ctx_init_client(x);
	x->hc.max_per_tick = 64;
	tick(x);
	h_expect_cnt(h, connects_started, 64);
	tick(x);
	h_expect_cnt(h, connects_started, 128);
	free(x);
}

static void
test_pick_failure_paces(void **state)
{
	struct ctx *x = ctx_new(state);
	struct harness *h = x->h;

	x->cfg.n_targets = 2;
	x->cfg.target_ip[1] = H_RADDR + 1;
	x->cfg.target_port[1] = 8080;
	x->cfg.concurrency = 100;
	x->pk.free_tuples = 3;
	ctx_init_client(x);
	tick(x);
	/* 3 connects round-robin over the targets, then both targets are
	 * tried once for the 4th, counted once, and the tick stops. */
	h_expect_cnt(h, connects_started, 3);
	assert_int_equal(x->pk.hits[0], 2);
	assert_int_equal(x->pk.hits[1], 1);
	assert_int_equal(x->pk.calls, 5);
	h_expect_cnt(h, port_exhausted, 1);
	/* No spinning: polls within the pause do not ask again. */
	for (int i = 0; i < 100; i++)
		tick(x);
	h_advance(h, HTTP_CLIENT_EXHAUSTED_PAUSE - 1);
	tick(x);
	assert_int_equal(x->pk.calls, 5);
	h_expect_cnt(h, port_exhausted, 1);
	/* After the pause it tries again. */
	h_advance(h, 1);
	tick(x);
	assert_int_equal(x->pk.calls, 7);
	h_expect_cnt(h, port_exhausted, 2);
	/* Tuples free again: opening resumes where the cursor is. */
	x->pk.free_tuples = 2;
	h_advance(h, HTTP_CLIENT_EXHAUSTED_PAUSE);
	tick(x);
	h_expect_cnt(h, connects_started, 5);
	assert_int_equal(x->pk.hits[0], 3);
	assert_int_equal(x->pk.hits[1], 2);
	h_expect_cnt(h, port_exhausted, 3);
	free(x);
}

static void
test_table_full_paces(void **state)
{
	struct tt_tcp_config tcfg;
	struct ctx *x;
	struct harness *h;

	/* A stack with room for 4 connections. */
	h_default_config(&tcfg);
	tcfg.max_conns = 4;
	x = ctx_new_cfg(state, &tcfg);
	h = x->h;
	x->cfg.concurrency = 10;
	ctx_init_client(x);
	tick(x);
	h_expect_cnt(h, connects_started, 4);
	h_expect_cnt(h, connect_failed_table_full, 1);
	assert_int_equal(x->hc.open, 4);
	assert_int_equal(x->pk.calls, 5);
	tick(x);
	assert_int_equal(x->pk.calls, 5);    /* paused */
	free(x);
}

static void
test_share_and_stop(void **state)
{
	struct ctx *x = ctx_new(state);
	struct http_client hc1;

	x->cfg.rate = 1000;
	x->cfg.concurrency = 10;
	assert_int_equal(http_client_init(&hc1, &x->cfg, &x->h->s, &x->h->st, 0, 3,
					  fake_pick, &x->pk, x->h->now), 0);
	assert_int_equal(hc1.rate, 334);
	assert_int_equal(hc1.concurrency, 4);
	assert_int_equal(http_client_init(&hc1, &x->cfg, &x->h->s, &x->h->st, 2, 3,
					  fake_pick, &x->pk, x->h->now), 0);
	assert_int_equal(hc1.rate, 333);
	assert_int_equal(hc1.concurrency, 3);
	/* Bad arguments. */
	assert_int_equal(http_client_init(&hc1, &x->cfg, &x->h->s, &x->h->st, 3, 3,
					  fake_pick, &x->pk, x->h->now), -1);
	x->cfg.n_targets = 0;
	assert_int_equal(http_client_init(&hc1, &x->cfg, &x->h->s, &x->h->st, 0, 1,
					  fake_pick, &x->pk, x->h->now), -1);
	x->cfg.n_targets = 1;

	/* Stopped: nothing more is opened. */
	x->cfg.rate = 0;
	ctx_init_client(x);
	http_client_stop(&x->hc);
	tick_for(x, 5 * H_MS, 100);
	h_expect_cnt(x->h, connects_started, 0);
	free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_closer_client_two_requests, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_closer_server, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_memo_needs_same_bytes, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_single_request_closer_server, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_server_says_close_early, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_premature_eof, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_body_until_close, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bad_response_resets, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_bytes_after_last_response, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_reset_after_established, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_connect_refused, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_concurrency_limit, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rate, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_rate_ramp_up, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_concurrency_ramp_up, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_unpaced_per_tick_bound, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_pick_failure_paces, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_table_full_paces, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_share_and_stop, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
