/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the incremental HTTP/1.x response parser.
 *
 * resp_run() plays the client's connection: it feeds a buffer cut into
 * segments, starts a new response after each complete one (answering HEAD
 * where the test says so), optionally signals the close at the end, and
 * records what came out.  Every case is run whole, cut at every single
 * position and fed one byte at a time: the records must all be the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_resp.h"

_Static_assert(sizeof(struct http_resp_parser) < 32,
	       "one parser lives in every client connection");

#define MAX_RESP 8

struct resp_out {
	size_t end;          /* offset just past the response */
	unsigned status;
	bool keepalive;
};

struct trace {
	unsigned n;          /* complete responses */
	struct resp_out r[MAX_RESP];
	int error;           /* HTTP_RE_* that stopped parsing, 0 if none */
	bool eof_ok;         /* http_resp_eof() at the end said complete */
	bool started;        /* a response was in progress at the end */
};

/*
 * Feed buf[0, len) as segments ending at cuts[0..ncuts) (then to len).
 * Response i answers HEAD when bit i of heads is set.  With eof, signal the
 * close after the last byte.
 */
static void
resp_run(const char *str, const size_t *cuts, size_t ncuts, unsigned heads,
	 bool eof, struct trace *t)
{
	const uint8_t *buf = (const uint8_t *)str;
	size_t len = strlen(str);
	struct http_resp_parser p;
	size_t start = 0;

	memset(t, 0, sizeof(*t));
	http_resp_init(&p, heads & 1);
	for (size_t k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len;
		size_t off = start;

		while (off < end) {
			long n = http_resp_parse(&p, buf + off, end - off);

			if (n < 0) {
				assert_int_not_equal(p.error, HTTP_RE_NONE);
				/* The error state sticks. */
				assert_int_equal(http_resp_parse(&p, buf + off, end - off), -1);
				t->error = p.error;
				return;
			}
			assert_true((size_t)n <= end - off);
			off += (size_t)n;
			if (!http_resp_done(&p)) {
				assert_int_equal(off, end);
				break;
			}
			/* Nothing more is taken once done. */
			assert_int_equal(http_resp_parse(&p, buf + off, end - off), 0);
			if (t->n < MAX_RESP) {
				t->r[t->n].end = off;
				t->r[t->n].status = http_resp_status(&p);
				t->r[t->n].keepalive = http_resp_keepalive(&p);
			}
			t->n++;
			http_resp_init(&p, (heads >> t->n) & 1);
		}
		start = end;
	}
	t->started = http_resp_started(&p);
	if (eof) {
		t->eof_ok = http_resp_eof(&p);
		if (t->eof_ok) {
			if (t->n < MAX_RESP) {
				t->r[t->n].end = len;
				t->r[t->n].status = http_resp_status(&p);
				t->r[t->n].keepalive = http_resp_keepalive(&p);
			}
			t->n++;
		} else {
			t->error = p.error;
		}
	}
}

static void
trace_eq(const struct trace *a, const struct trace *b, const char *what, size_t at)
{
	bool same = a->n == b->n && a->error == b->error && a->eof_ok == b->eof_ok &&
		a->started == b->started;

	for (unsigned i = 0; same && i < a->n && i < MAX_RESP; i++)
		same = a->r[i].end == b->r[i].end && a->r[i].status == b->r[i].status &&
			a->r[i].keepalive == b->r[i].keepalive;
	if (!same) {
		print_error("%s at %zu: %u responses error %d, whole: %u responses "
			    "error %d\n", what, at, b->n, b->error, a->n, a->error);
		fail();
	}
}

/* Run str whole, then cut at each position, then byte by byte; all runs
 * must agree.  Returns the whole run's trace in t. */
static void
resp_check(const char *str, unsigned heads, bool eof, struct trace *t)
{
	size_t len = strlen(str);
	size_t *cuts = calloc(len + 1, sizeof(*cuts));
	struct trace x;

	assert_non_null(cuts);
	resp_run(str, NULL, 0, heads, eof, t);
	for (size_t i = 1; i < len; i++) {
		cuts[0] = i;
		resp_run(str, cuts, 1, heads, eof, &x);
		trace_eq(t, &x, "cut", i);
	}
	for (size_t i = 0; i + 1 < len; i++)
		cuts[i] = i + 1;
	if (len > 1) {
		resp_run(str, cuts, len - 1, heads, eof, &x);
		trace_eq(t, &x, "bytewise", 0);
	}
	free(cuts);
}

static void
expect_error(const char *str, enum http_resp_error e)
{
	struct trace t;

	resp_check(str, 0, false, &t);
	if (t.error != (int)e) {
		print_error("\"%s\": error %d (%s), expected %d (%s)\n", str, t.error,
			    http_resp_error_str((enum http_resp_error)t.error), e,
			    http_resp_error_str(e));
		fail();
	}
}

#define R200(body_len_str) \
	"HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Type: text/plain\r\n" \
	"Content-Length: " body_len_str "\r\nConnection: keep-alive\r\n\r\n"

static void
test_content_length_keepalive(void **state)
{
	static const char two[] = R200("5") "hello" R200("3") "abc";
	struct trace t;

	(void)state;
	resp_check(two, 0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.r[0].status, 200);
	assert_true(t.r[0].keepalive);
	assert_int_equal(t.r[0].end, strlen(R200("5")) + 5);
	assert_int_equal(t.r[1].end, strlen(two));
	assert_false(t.started);
}

static void
test_server_templates(void **state)
{
	/* What tcpterm's own server sends, close variant last. */
	static const char s[] =
		"HTTP/1.1 200 OK\r\nServer: tcpterm\r\nContent-Type: text/plain\r\n"
		"Content-Length: 4\r\nConnection: keep-alive\r\n\r\nabc\n"
		"HTTP/1.1 405 Method Not Allowed\r\nServer: tcpterm\r\n"
		"Content-Type: text/plain\r\nContent-Length: 0\r\n"
		"Connection: close\r\n\r\n";
	struct trace t;

	(void)state;
	resp_check(s, 0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 2);
	assert_true(t.r[0].keepalive);
	assert_int_equal(t.r[1].status, 405);
	assert_false(t.r[1].keepalive);
	assert_int_equal(t.r[1].end, strlen(s));
}

static void
test_chunked(void **state)
{
	static const char s[] =
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"5\r\nhello\r\n"
		"1A;name=value ; x\r\nabcdefghijklmnopqrstuvwxyz\r\n"
		"0 \r\nTrailer-A: 1\r\nTrailer-B: 2\r\n\r\n"
		"HTTP/1.1 204 No Content\r\n\r\n";
	struct trace t;

	(void)state;
	resp_check(s, 0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.r[0].status, 200);
	assert_int_equal(t.r[0].end, strlen(s) - strlen("HTTP/1.1 204 No Content\r\n\r\n"));
	assert_int_equal(t.r[1].status, 204);
}

static void
test_chunked_final_coding(void **state)
{
	struct trace t;

	(void)state;
	/* chunked last (across two fields, mixed case): chunked. */
	resp_check("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"
		   "transfer-encoding:  CHUNKED \r\n\r\n0\r\n\r\n", 0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 1);
	assert_true(t.r[0].keepalive);
	/* chunked not last: the body runs to the close (RFC 9112 6.3). */
	resp_check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
		   "0\r\n\r\n", 0, true, &t);
	assert_int_equal(t.error, 0);
	assert_true(t.eof_ok);
	assert_int_equal(t.n, 1);
	assert_false(t.r[0].keepalive);
	/* Transfer-Encoding overrides Content-Length. */
	resp_check("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n"
		   "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 1);
}

static void
test_head_no_body(void **state)
{
	static const char s[] = R200("128") R200("2") "ok";
	struct trace t;

	(void)state;
	/* The first answers HEAD: Content-Length 128 but no body follows. */
	resp_check(s, 1, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.r[0].end, strlen(R200("128")));
	assert_int_equal(t.r[1].end, strlen(s));
	/* Without the HEAD flag the same bytes are one unfinished body. */
	resp_check(s, 0, false, &t);
	assert_int_equal(t.n, 0);
	assert_true(t.started);
}

static void
test_no_body_status(void **state)
{
	static const char s[] =
		"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"
		"HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct trace t;

	(void)state;
	resp_check(s, 0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.r[0].status, 304);
	assert_int_equal(t.r[1].status, 204);
	assert_int_equal(t.r[2].end, strlen(s));
}

static void
test_body_until_close(void **state)
{
	static const char s[] = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nsome body bytes";
	struct trace t;

	(void)state;
	resp_check(s, 0, false, &t);
	assert_int_equal(t.n, 0);
	assert_true(t.started);
	resp_check(s, 0, true, &t);
	assert_int_equal(t.error, 0);
	assert_true(t.eof_ok);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.r[0].status, 200);
	assert_false(t.r[0].keepalive);
}

static void
test_keepalive_rules(void **state)
{
	struct trace t;

	(void)state;
	resp_check("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, false, &t);
	assert_true(t.r[0].keepalive);
	resp_check("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n",
		   0, false, &t);
	assert_false(t.r[0].keepalive);
	resp_check("HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 0\r\n\r\n",
		   0, false, &t);
	assert_false(t.r[0].keepalive);
	resp_check("HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n",
		   0, false, &t);
	assert_true(t.r[0].keepalive);
	resp_check("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, false, &t);
	assert_false(t.r[0].keepalive);
	resp_check("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
		   0, false, &t);
	assert_int_equal(t.n, 1);
	assert_true(t.r[0].keepalive);
}

static void
test_interim_and_lf(void **state)
{
	static const char s[] =
		"HTTP/1.1 100 Continue\r\n\r\n"
		"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
		"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"
		"HTTP/1.1 404 \nContent-Length: 1\n\nx";
	struct trace t;

	(void)state;
	resp_check(s, 0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 2);   /* the 1xx are not responses of their own */
	assert_int_equal(t.r[0].status, 200);
	assert_int_equal(t.r[1].status, 404);
	assert_int_equal(t.r[1].end, strlen(s));
}

static void
test_duplicate_content_length(void **state)
{
	struct trace t;

	(void)state;
	resp_check("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length:3\r\n\r\nabc",
		   0, false, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.n, 1);
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
		     HTTP_RE_CONTENT_LENGTH);
}

static void
test_malformed(void **state)
{
	(void)state;
	expect_error("HTTP/2.0 200 OK\r\n\r\n", HTTP_RE_VERSION);
	expect_error("http/1.1 200 OK\r\n\r\n", HTTP_RE_VERSION);
	expect_error("HTTP/1.10 200 OK\r\n\r\n", HTTP_RE_VERSION);
	expect_error("HTTP/1.1\r\n\r\n", HTTP_RE_VERSION);
	expect_error("HTTP/1.1 20 OK\r\n\r\n", HTTP_RE_STATUS);
	expect_error("HTTP/1.1 2000 OK\r\n\r\n", HTTP_RE_STATUS);
	expect_error("HTTP/1.1 099 Low\r\n\r\n", HTTP_RE_STATUS);
	expect_error("HTTP/1.1 600 High\r\n\r\n", HTTP_RE_STATUS);
	expect_error("HTTP/1.1 101 Switching Protocols\r\n\r\n", HTTP_RE_STATUS);
	expect_error("HTTP/1.1 200 O\x01K\r\n\r\n", HTTP_RE_STATUS);
	expect_error("HTTP/1.1 200 OK\rX\n\r\n", HTTP_RE_STATUS);
	expect_error("HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n", HTTP_RE_HEADER);
	expect_error("HTTP/1.1 200 OK\r\nName : v\r\n\r\n", HTTP_RE_HEADER);
	expect_error("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", HTTP_RE_HEADER);
	expect_error("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", HTTP_RE_HEADER);
	expect_error("HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", HTTP_RE_HEADER);
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
		     HTTP_RE_CONTENT_LENGTH);
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		     HTTP_RE_CONTENT_LENGTH);
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
		     HTTP_RE_CONTENT_LENGTH);
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n",
		     HTTP_RE_CONTENT_LENGTH);
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
		     HTTP_RE_CONTENT_LENGTH);
	expect_error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		     HTTP_RE_CONTENT_LENGTH);
	expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
		     HTTP_RE_CHUNK);
	expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
		     HTTP_RE_CHUNK);
	expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		     "3\r\nabcX\r\n", HTTP_RE_CHUNK);
	expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		     "11111111111111111\r\n", HTTP_RE_CHUNK);
	expect_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		     "0\r\n folded\r\n\r\n", HTTP_RE_CHUNK);
}

static void
test_limits(void **state)
{
	static char s[HTTP_MAX_LINE + 128];
	static char hdrs[(HTTP_MAX_HEADERS + 2) * 8 + 64];
	struct trace t;
	size_t k;

	(void)state;
	/* A reason phrase longer than a line may be. */
	k = (size_t)snprintf(s, sizeof(s), "HTTP/1.1 200 ");
	memset(s + k, 'a', HTTP_MAX_LINE);
	strcpy(s + k + HTTP_MAX_LINE, "\r\n\r\n");
	resp_run(s, NULL, 0, 0, false, &t);
	assert_int_equal(t.error, HTTP_RE_LINE_TOO_LONG);
	/* Too many header lines. */
	k = (size_t)snprintf(hdrs, sizeof(hdrs), "HTTP/1.1 200 OK\r\n");
	for (unsigned i = 0; i <= HTTP_MAX_HEADERS; i++)
		k += (size_t)snprintf(hdrs + k, sizeof(hdrs) - k, "A: b\r\n");
	snprintf(hdrs + k, sizeof(hdrs) - k, "\r\n");
	expect_error(hdrs, HTTP_RE_TOO_MANY_HEADERS);
}

static void
test_premature_eof(void **state)
{
	struct trace t;

	(void)state;
	/* Nothing at all: not complete, but no response was cut either. */
	resp_run("", NULL, 0, 0, true, &t);
	assert_false(t.eof_ok);
	assert_false(t.started);
	assert_int_equal(t.error, HTTP_RE_NONE);
	/* Inside the headers. */
	resp_check("HTTP/1.1 200 OK\r\nContent-Le", 0, true, &t);
	assert_false(t.eof_ok);
	assert_int_equal(t.error, HTTP_RE_EOF);
	/* Inside a Content-Length body. */
	resp_check(R200("10") "12345", 0, true, &t);
	assert_false(t.eof_ok);
	assert_int_equal(t.error, HTTP_RE_EOF);
	assert_int_equal(t.n, 0);
	/* Inside a chunked body. */
	resp_check("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
		   0, true, &t);
	assert_false(t.eof_ok);
	assert_int_equal(t.error, HTTP_RE_EOF);
	/* After a complete response: the close is clean. */
	resp_check(R200("2") "ok", 0, true, &t);
	assert_int_equal(t.n, 1);
	assert_false(t.eof_ok);
	assert_false(t.started);
	assert_int_equal(t.error, HTTP_RE_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_length_keepalive),
		cmocka_unit_test(test_server_templates),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_chunked_final_coding),
		cmocka_unit_test(test_head_no_body),
		cmocka_unit_test(test_no_body_status),
		cmocka_unit_test(test_body_until_close),
		cmocka_unit_test(test_keepalive_rules),
		cmocka_unit_test(test_interim_and_lf),
		cmocka_unit_test(test_duplicate_content_length),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_premature_eof),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
