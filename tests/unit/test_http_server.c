/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP responder (lib/http/http_server.c) on the harness stack and its
 * fake clock: the README's claims about it, each a test that fails when the
 * behaviour breaks (issue 11 items 10, 11).
 *
 *   keepalive_requests   the Nth response on a connection says close, FIN
 *   keepalive_timeout    an idle keep-alive connection is closed at exactly
 *                        the timeout after its last request; 0: no keep-alive
 *   405                  a method other than GET/HEAD/POST
 *   close_mode=shutdown  half-close: FIN, keep reading, FIN_WAIT_2 unbounded
 *   rst_fraction         closes done with RST (SO_LINGER 0): no TIME_WAIT
 *   close_wait_delay     ms in CLOSE_WAIT after the peer's FIN; -1 = never
 *
 * The harness peer (198.18.0.2) talks to the responder's port; the request
 * bytes are written into the harness's payload source where the peer's
 * stream is, so h_in_data() carries them.
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
#include "http/http_server.h"

#define S_PORT 8080            /* the responder's port (the harness app has 80) */

struct srv {
	struct harness *h;
	struct tt_config cfg;
	struct http_templates tpl;
	struct http_server hs;
};

/* What the stack sent since the last call, on the peer's tuple. */
struct got {
	char data[8192];
	uint32_t len;
	unsigned fins, rsts, segs;
};

static struct srv *
srv_start(void **state, void (*tune)(struct tt_config *))
{
	struct harness *h = *state;
	struct srv *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->h = h;
	tt_config_defaults(&x->cfg);
	x->cfg.http.listen[0] = S_PORT;
	x->cfg.http.n_listen = 1;
	if (tune != NULL)
		tune(&x->cfg);
	h_start(h, NULL);
	assert_int_equal(http_templates_init(&x->tpl, x->cfg.http.body_size), 0);
	http_server_init(&x->hs, &x->cfg.http, &x->tpl, &h->s, &h->st, 12345);
	assert_int_equal(http_server_listen(&x->hs), 0);
	h->peer.t.lport = S_PORT;
	return x;
}

static void
srv_free(struct srv *x)
{
	/* The stack's callbacks reach the templates until the stack is gone. */
	h_stop(x->h);
	http_templates_free(&x->tpl);
	free(x);
}

/* A fresh peer on rport, connected: SYN, SYN-ACK, ACK. */
static struct tcp_conn *
srv_connect(struct srv *x, uint16_t rport)
{
	struct harness *h = x->h;
	const struct h_sent *sa;

	h_flush(h);             /* what the previous connection left */
	h_peer_init(h, &h->peer, rport);
	h->peer.t.lport = S_PORT;
	h_in_syn(h, TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS);
	sa = h_expect(h, TCP_F_SYN | TCP_F_ACK, H_ANY, h->peer.isn + 1, 0);
	h->peer.rcv_nxt = sa->seg.seq + 1;
	h_advance(h, 1 * H_MS);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	return h_conn(h);
}

/* The peer sends text (as one segment). */
static void
srv_send(struct srv *x, const char *text)
{
	struct harness *h = x->h;
	uint32_t n = (uint32_t)strlen(text);

	for (uint32_t i = 0; i < n; i++)
		h->payload[(h->peer.stream_off + i) % 65536] = (uint8_t)text[i];
	h_in_data(h, n);
}

/* Pop what was sent; the peer acknowledges all of it (one ACK). */
static struct got
srv_take(struct srv *x, bool ack)
{
	struct harness *h = x->h;
	const struct h_sent *e;
	struct got g;

	memset(&g, 0, sizeof(g));
	while ((e = h_pop(h)) != NULL) {
		if (!tcp_tuple_eq(&e->seg.t, &h->peer.t))
			continue;
		g.segs++;
		g.fins += !!(e->seg.flags & TCP_F_FIN);
		g.rsts += !!(e->seg.flags & TCP_F_RST);
		assert_true(g.len + e->plen < sizeof(g.data));
		memcpy(g.data + g.len, e->data, e->plen);
		g.len += e->plen;
	}
	g.data[g.len] = '\0';
	if (ack && g.segs > 0 && g.rsts == 0) {
		h_peer_ack_all(h);
		h_in_ack(h);
	}
	return g;
}

/* Responses in g whose status line is status and whose Connection header
 * is conn ("keep-alive" or "close"). */
static unsigned
count_resp(const struct got *g, const char *status, const char *conn)
{
	char want[128];
	unsigned n = 0;
	const char *p = g->data;

	snprintf(want, sizeof(want), "HTTP/1.1 %s\r\n", status);
	while ((p = strstr(p, want)) != NULL) {
		const char *c = strstr(p, "Connection: ");

		if (c != NULL && strncmp(c + 12, conn, strlen(conn)) == 0)
			n++;
		p += strlen(want);
	}
	return n;
}

static const char get_ka[] = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
static const char get_close[] = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

/* ---- keep-alive ------------------------------------------------------ */

static void
ka_requests_3(struct tt_config *c)
{
	c->http.keepalive_requests = 3;
}

/* keepalive_requests = 3: responses 1 and 2 keep the connection, the third
 * says close and is followed by our FIN (we close first: TIME_WAIT here). */
static void
test_keepalive_requests(void **state)
{
	struct srv *x = srv_start(state, ka_requests_3);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41000);
	for (int i = 0; i < 2; i++) {
		srv_send(x, get_ka);
		g = srv_take(x, true);
		assert_int_equal(count_resp(&g, "200 OK", "keep-alive"), 1);
		assert_int_equal(g.fins, 0);
		h_expect_state(h, TCP_ESTABLISHED);
	}
	srv_send(x, get_ka);
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "200 OK", "close"), 1);
	assert_int_equal(g.fins, 1);
	h_expect_cnt(h, http_keepalive_limit, 1);
	h_expect_cnt(h, http_requests, 3);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_in_fin(h);
	assert_non_null(h_tw(h));
	srv_free(x);
}

/* keepalive_requests = 0 means no limit. */
static void
ka_requests_0(struct tt_config *c)
{
	c->http.keepalive_requests = 0;
}

static void
test_keepalive_requests_unlimited(void **state)
{
	struct srv *x = srv_start(state, ka_requests_0);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41001);
	for (int i = 0; i < 1500; i++) {
		srv_send(x, get_ka);
		g = srv_take(x, true);
		assert_int_equal(count_resp(&g, "200 OK", "keep-alive"), 1);
	}
	h_expect_cnt(h, http_keepalive_limit, 0);
	h_expect_state(h, TCP_ESTABLISHED);
	srv_free(x);
}

static void
ka_timeout_5s(struct tt_config *c)
{
	c->http.keepalive_timeout = 5 * H_S;
}

/* keepalive_timeout = 5 s: counted from the last request, not from the
 * connect; at the timeout we close (FIN), not a microsecond earlier. */
static void
test_keepalive_timeout(void **state)
{
	struct srv *x = srv_start(state, ka_timeout_5s);
	struct harness *h = x->h;
	struct got g;
	uint64_t last;

	srv_connect(x, 41002);
	h_advance(h, 3 * H_S);
	srv_send(x, get_ka);
	last = h->now;
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "200 OK", "keep-alive"), 1);
	/* 3 s after the connect plus 4.999 s: past 5 s from the connect, not
	 * from the request. */
	h_advance_to(h, last + 5 * H_S - 1);
	g = srv_take(x, false);
	assert_int_equal(g.fins, 0);
	h_expect_state(h, TCP_ESTABLISHED);
	h_advance_to(h, last + 5 * H_S);
	g = srv_take(x, false);
	assert_int_equal(g.fins, 1);
	assert_int_equal(g.len, 0);
	h_expect_cnt(h, http_keepalive_timeouts, 1);
	h_expect_state(h, TCP_FIN_WAIT_1);
	h_peer_ack_all(h);
	h_in_fin(h);
	srv_free(x);
}

/* An idle connection that never sent a request times out too. */
static void
test_keepalive_timeout_idle_connect(void **state)
{
	struct srv *x = srv_start(state, ka_timeout_5s);
	struct harness *h = x->h;
	struct got g;
	uint64_t at;

	srv_connect(x, 41003);
	at = h->now;
	h_advance_to(h, at + 5 * H_S);
	g = srv_take(x, false);
	assert_int_equal(g.fins, 1);
	h_expect_cnt(h, http_keepalive_timeouts, 1);
	h_peer_ack_all(h);
	h_in_fin(h);
	srv_free(x);
}

static void
ka_timeout_0(struct tt_config *c)
{
	c->http.keepalive_timeout = 0;
}

/* keepalive_timeout = 0: no keep-alive, every response says close. */
static void
test_keepalive_off(void **state)
{
	struct srv *x = srv_start(state, ka_timeout_0);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41004);
	srv_send(x, get_ka);
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "200 OK", "close"), 1);
	assert_int_equal(g.fins, 1);
	h_in_fin(h);
	assert_non_null(h_tw(h));
	srv_free(x);
}

/* ---- 405, 400 -------------------------------------------------------- */

static void
test_405(void **state)
{
	struct srv *x = srv_start(state, NULL);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41005);
	srv_send(x, "DELETE / HTTP/1.1\r\nHost: t\r\n\r\n");
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "405 Method Not Allowed", "keep-alive"), 1);
	assert_non_null(strstr(g.data, "Content-Length: 0\r\n"));
	assert_int_equal(g.fins, 0);
	/* The connection goes on: a GET after it is answered 200. */
	srv_send(x, get_ka);
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "200 OK", "keep-alive"), 1);
	srv_send(x, "PUT / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "405 Method Not Allowed", "close"), 1);
	assert_int_equal(g.fins, 1);
	h_expect_cnt(h, http_requests, 3);
	h_expect_cnt(h, http_bad_requests, 0);
	h_in_fin(h);
	srv_free(x);
}

static void
test_400(void **state)
{
	struct srv *x = srv_start(state, NULL);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41006);
	srv_send(x, "GARBAGE\r\n\r\n");
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "400 Bad Request", "close"), 1);
	assert_int_equal(g.fins, 1);
	h_expect_cnt(h, http_bad_requests, 1);
	h_in_fin(h);
	srv_free(x);
}

/* ---- how the responder closes ----------------------------------------- */

static void
mode_shutdown(struct tt_config *c)
{
	c->http.close_mode = TT_CLOSE_SHUTDOWN;
}

/* close_mode = shutdown: FIN after the response, but the connection is
 * not orphaned: FIN_WAIT_2 outlasts tcp_fin_timeout (teardown.md,
 * "shutdown(SHUT_WR) ... no time limit"), data from the peer is still
 * taken (no RST), and the peer's FIN completes the close into TIME_WAIT. */
static void
test_close_mode_shutdown(void **state)
{
	struct srv *x = srv_start(state, mode_shutdown);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41007);
	srv_send(x, get_close);
	g = srv_take(x, true);
	assert_int_equal(count_resp(&g, "200 OK", "close"), 1);
	assert_int_equal(g.fins, 1);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_advance(h, 2 * x->h->cfg.fin_timeout);
	h_expect_state(h, TCP_FIN_WAIT_2);
	srv_send(x, "more bytes");
	g = srv_take(x, false);
	assert_int_equal(g.rsts, 0);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_in_fin(h);
	assert_non_null(h_tw(h));
	h_expect_cnt(h, fin_wait2_timeouts, 0);
	srv_free(x);
}

/* The default, close_mode = close: the orphan's FIN_WAIT_2 ends at
 * tcp_fin_timeout, and late data gets RST (the contrast that makes the
 * test above mean something). */
static void
test_close_mode_close(void **state)
{
	struct srv *x = srv_start(state, NULL);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41008);
	srv_send(x, get_close);
	g = srv_take(x, true);
	assert_int_equal(g.fins, 1);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_advance(h, 2 * x->h->cfg.fin_timeout);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, fin_wait2_timeouts, 1);
	srv_free(x);
}

static void
rst_all(struct tt_config *c)
{
	c->http.rst_fraction = 1.0;
}

/* rst_fraction = 1: every close is an abort (SO_LINGER {1, 0}): RST, never
 * a FIN, no TIME_WAIT record, the connection gone at once. */
static void
test_rst_fraction_all(void **state)
{
	struct srv *x = srv_start(state, rst_all);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41009);
	srv_send(x, get_close);
	g = srv_take(x, false);
	assert_int_equal(g.rsts, 1);
	assert_int_equal(g.fins, 0);
	h_expect_state(h, TCP_CLOSED);
	assert_null(h_tw(h));
	h_expect_cnt(h, tw_created, 0);
	h_expect_cnt(h, active_closes, 0);
	srv_free(x);
}

static void
rst_half(struct tt_config *c)
{
	c->http.rst_fraction = 0.5;
}

/* rst_fraction = 0.5 over 400 connections: about half end with RST (the
 * others with FIN and TIME_WAIT); with a fixed seed the split is fixed,
 * the bound is wide (binomial, sd 10) so a changed RNG still passes. */
static void
test_rst_fraction_half(void **state)
{
	struct srv *x = srv_start(state, rst_half);
	struct harness *h = x->h;
	unsigned rst = 0, fin = 0;

	for (uint16_t p = 0; p < 400; p++) {
		struct got g;

		srv_connect(x, (uint16_t)(42000 + p));
		srv_send(x, get_close);
		g = srv_take(x, true);
		if (g.rsts) {
			rst++;
			assert_int_equal(g.fins, 0);
			h_expect_state(h, TCP_CLOSED);
		} else {
			fin++;
			assert_int_equal(g.fins, 1);
			h_in_fin(h);
			assert_non_null(h_tw(h));
		}
	}
	print_message("rst_fraction 0.5: %u RST, %u FIN of 400\n", rst, fin);
	assert_in_range(rst, 150, 250);
	assert_int_equal(rst + fin, 400);
	h_expect_cnt(h, tw_created, fin);
	srv_free(x);
}

/* rst_fraction = 0: never a RST. */
static void
test_rst_fraction_none(void **state)
{
	struct srv *x = srv_start(state, NULL);
	struct harness *h = x->h;

	assert_true(x->cfg.http.rst_fraction == 0);
	for (uint16_t p = 0; p < 50; p++) {
		struct got g;

		srv_connect(x, (uint16_t)(43000 + p));
		srv_send(x, get_close);
		g = srv_take(x, true);
		assert_int_equal(g.rsts, 0);
		assert_int_equal(g.fins, 1);
		h_in_fin(h);
	}
	h_expect_cnt(h, rsts_sent, 0);
	h_expect_cnt(h, tw_created, 50);
	srv_free(x);
}

static void
cw_delay_200ms(struct tt_config *c)
{
	c->http.close_wait_delay = 200 * (int64_t)H_MS;
}

/* close_wait_delay = 200 ms: the peer closes a keep-alive connection; we
 * stay in CLOSE_WAIT exactly 200 ms, then send our FIN (LAST_ACK). */
static void
test_close_wait_delay(void **state)
{
	struct srv *x = srv_start(state, cw_delay_200ms);
	struct harness *h = x->h;
	struct got g;
	uint64_t at;

	srv_connect(x, 41010);
	srv_send(x, get_ka);
	srv_take(x, true);
	h_in_fin(h);
	at = h->now;
	h_expect_state(h, TCP_CLOSE_WAIT);
	h_expect_cnt(h, close_wait_delayed, 1);
	h_advance_to(h, at + 200 * H_MS - 1);
	g = srv_take(x, false);
	assert_int_equal(g.fins, 0);
	h_expect_state(h, TCP_CLOSE_WAIT);
	h_advance_to(h, at + 200 * H_MS);
	g = srv_take(x, false);
	assert_int_equal(g.fins, 1);
	h_expect_state(h, TCP_LAST_ACK);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_CLOSED);
	h_expect_cnt(h, passive_closes, 1);
	srv_free(x);
}

static void
cw_never(struct tt_config *c)
{
	c->http.close_wait_delay = -1;
}

/* close_wait_delay = never: CLOSE_WAIT stays (an hour here); the kernel
 * never closes on the application's behalf (teardown.md). */
static void
test_close_wait_never(void **state)
{
	struct srv *x = srv_start(state, cw_never);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41011);
	srv_send(x, get_ka);
	srv_take(x, true);
	h_in_fin(h);
	h_advance(h, 3600 * H_S);
	g = srv_take(x, false);
	assert_int_equal(g.fins, 0);
	h_expect_state(h, TCP_CLOSE_WAIT);
	h_expect_cnt(h, close_wait_delayed, 1);
	/* Torn down by the stack at the end of the test. */
	h_app_abort(h);
	srv_free(x);
}

/* close_wait_delay = 0 (default): our FIN right after the peer's. */
static void
test_close_wait_immediate(void **state)
{
	struct srv *x = srv_start(state, NULL);
	struct harness *h = x->h;
	struct got g;

	srv_connect(x, 41012);
	srv_send(x, get_ka);
	srv_take(x, true);
	h_in_fin(h);
	g = srv_take(x, false);
	assert_int_equal(g.fins, 1);
	h_expect_state(h, TCP_LAST_ACK);
	h_expect_cnt(h, close_wait_delayed, 0);
	h_peer_ack_all(h);
	h_in_ack(h);
	srv_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, h_setup, h_teardown)
		T(test_keepalive_requests),
		T(test_keepalive_requests_unlimited),
		T(test_keepalive_timeout),
		T(test_keepalive_timeout_idle_connect),
		T(test_keepalive_off),
		T(test_405),
		T(test_400),
		T(test_close_mode_shutdown),
		T(test_close_mode_close),
		T(test_rst_fraction_all),
		T(test_rst_fraction_half),
		T(test_rst_fraction_none),
		T(test_close_wait_delay),
		T(test_close_wait_never),
		T(test_close_wait_immediate),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
