/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP responder on the harness stack: requests in, responses out,
 * checked byte for byte.  In particular the parse memo (http_memo.h): the
 * outcome of the last parse is reused only for the same parser state and
 * the same bytes, so a request that repeats bytes seen before in another
 * state, or differs from the last one in one byte, is parsed on its own.
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

#define S_PORT 8080

struct srv {
	struct tt_config cfg;
	struct http_templates tpl;
	struct http_server hs;
};

static struct srv *
srv_new(struct harness *h)
{
	struct srv *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	h_start(h, NULL);
	tt_config_defaults(&s->cfg);
	assert_int_equal(http_templates_init(&s->tpl, 128), 0);
	http_server_init(&s->hs, &s->cfg.http, &s->tpl, &h->s, &h->st, 1);
	assert_int_equal(tcp_listen(&h->s, S_PORT, &http_server_ops, &s->hs), 0);
	return s;
}

static void
srv_free(struct srv *s)
{
	http_templates_free(&s->tpl);
	free(s);
}

/* A new peer from rport, handshake done. */
static void
connect_from(struct harness *h, uint16_t rport)
{
	const struct h_sent *e;

	h_peer_init(h, &h->peer, rport);
	h->peer.t.lport = S_PORT;
	h_in_syn(h, TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_TS);
	e = h_expect(h, TCP_F_SYN | TCP_F_ACK, H_ANY, h->peer.isn + 1, 0);
	h->iss = e->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
}

/* Request bytes from the peer; returns the first segment sent back with
 * data (NULL when nothing with data came). */
static const struct h_sent *
send_req(struct harness *h, const char *req)
{
	struct tcp_seg seg = h_mk(h, TCP_F_ACK | TCP_F_PSH, h->peer.snd_nxt,
				  h->peer.rcv_nxt, 0);
	const struct h_sent *e, *data = NULL;

	seg.payload = (const uint8_t *)req;
	seg.len = (uint32_t)strlen(req);
	h->peer.snd_nxt += seg.len;
	h_input(h, &seg);
	while ((e = h_pop(h)) != NULL) {
		if (e->plen > 0 && data == NULL)
			data = e;
		h->peer.rcv_nxt = e->seg.seq + e->seg.len +
			((e->seg.flags & TCP_F_FIN) ? 1 : 0);
	}
	return data;
}

static void
assert_status(const struct h_sent *e, const char *status_line)
{
	assert_non_null(e);
	assert_true(e->plen >= strlen(status_line));
	if (memcmp(e->data, status_line, strlen(status_line)) != 0)
		fail_msg("response \"%.*s\", expected \"%s\"", 20, (const char *)e->data,
			 status_line);
}

static const char GET[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
static const char PUT[] = "PUT / HTTP/1.1\r\nHost: x\r\n\r\n";

static void
test_response_bytes(void **state)
{
	struct harness *h = *state;
	struct srv *s = srv_new(h);
	const struct h_sent *e;
	const struct http_template *t = &s->tpl.t[HTTP_R_GET_KA];

	connect_from(h, 41000);
	e = send_req(h, GET);
	assert_status(e, "HTTP/1.1 200 OK\r\n");
	/* Headers, then the body pattern, exactly. */
	assert_int_equal(e->plen, t->len);
	assert_memory_equal(e->data, t->hdr, t->hdr_len);
	for (uint32_t i = 0; i < t->body_len; i++)
		assert_int_equal(e->data[t->hdr_len + i], http_body_byte(i, t->body_len));
	/* The same request again on the same connection: same response. */
	e = send_req(h, GET);
	assert_status(e, "HTTP/1.1 200 OK\r\n");
	assert_memory_equal(e->data + t->hdr_len, s->tpl.body, t->body_len);
	h_expect_cnt(h, http_requests, 2);
	srv_free(s);
}

static void
test_memo_needs_same_state(void **state)
{
	struct harness *h = *state;
	struct srv *s = srv_new(h);
	struct h_peer b;

	/* Connection B stops in the middle of its headers. */
	connect_from(h, 41001);
	assert_null(send_req(h, "GET / HTTP/1.1\r\nX: y\r\n"));
	b = h->peer;
	/* C's request is the last one parsed: the memo holds it. */
	connect_from(h, 41000);
	assert_status(send_req(h, GET), "HTTP/1.1 200 OK\r\n");
	/* The same bytes on B are a header line without a colon. */
	h->peer = b;
	assert_status(send_req(h, GET), "HTTP/1.1 400 Bad Request\r\n");
	h_expect_cnt(h, http_bad_requests, 1);
	srv_free(s);
}

static void
test_memo_needs_same_bytes(void **state)
{
	struct harness *h = *state;
	struct srv *s = srv_new(h);

	connect_from(h, 41000);
	assert_status(send_req(h, GET), "HTTP/1.1 200 OK\r\n");
	/* Same length, same starting state, one word different. */
	connect_from(h, 41001);
	assert_status(send_req(h, PUT), "HTTP/1.1 405 Method Not Allowed\r\n");
	connect_from(h, 41002);
	assert_status(send_req(h, GET), "HTTP/1.1 200 OK\r\n");
	h_expect_cnt(h, http_requests, 3);
	srv_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_response_bytes, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_memo_needs_same_state, h_setup, h_teardown),
		cmocka_unit_test_setup_teardown(test_memo_needs_same_bytes, h_setup, h_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
