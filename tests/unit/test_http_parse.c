/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for the incremental HTTP/1.x request parser.
 *
 * Most checks go through conn_run(), which plays the part of a connection:
 * it feeds a buffer cut into segments, re-initialises the parser after each
 * complete request and feeds the rest, and records what came out.  The same
 * bytes cut anywhere (or fed one at a time) must give the same record.
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

#include "http/http_parse.h"

_Static_assert(sizeof(struct http_parser) < 32,
    "one parser lives in every connection");

#define TRACE_MAX_REQ	8

struct req_out {
	size_t end;		/* offset just past the request in the buffer */
	uint8_t method;
	uint8_t minor;
	uint8_t conn;
	bool keepalive;
};

struct trace {
	unsigned nreq;		/* complete requests (may exceed TRACE_MAX_REQ) */
	struct req_out req[TRACE_MAX_REQ];
	int error;		/* HTTP_E_* that stopped the connection, or 0 */
	size_t pending;		/* bytes of an unfinished request at the end */
};

/*
 * Feed buf[0, len) as segments ending at the sorted offsets cuts[0..n)
 * (a final segment runs to len).  Asserts the API contract on every call.
 */
static void
conn_run(const uint8_t *buf, size_t len, const size_t *cuts, size_t ncuts,
    struct trace *t)
{
	struct http_parser p;
	size_t start = 0, req_start = 0;

	memset(t, 0, sizeof(*t));
	http_parser_init(&p);
	for (size_t k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len;
		size_t off = start;

		assert_true(end >= start && end <= len);
		while (off < end) {
			long r = http_parse(&p, buf + off, end - off);

			if (r < 0) {
				assert_int_equal(r, -1);
				assert_int_not_equal(p.error, HTTP_E_NONE);
				assert_false(http_parser_done(&p));
				assert_false(http_parser_keepalive(&p));
				/* The error state sticks. */
				assert_int_equal(http_parse(&p, buf, len), -1);
				assert_int_equal(http_parse(&p, buf, 0), -1);
				t->error = p.error;
				return;
			}
			assert_true((size_t)r <= end - off);
			assert_int_equal(p.error, HTTP_E_NONE);
			off += r;
			if (!http_parser_done(&p)) {
				/* Short of a complete request, all is used. */
				assert_int_equal(off, end);
				/* And an empty feed changes nothing. */
				assert_int_equal(http_parse(&p, buf + off, 0), 0);
				break;
			}
			/* Once done, nothing more is consumed. */
			if (off < len)
				assert_int_equal(http_parse(&p, buf + off,
				    len - off), 0);
			if (t->nreq < TRACE_MAX_REQ) {
				struct req_out *o = &t->req[t->nreq];

				o->end = off;
				o->method = p.method;
				o->minor = p.version_minor;
				o->conn = p.conn_hdr;
				o->keepalive = http_parser_keepalive(&p);
			}
			t->nreq++;
			req_start = off;
			http_parser_init(&p);
		}
		start = end;
	}
	t->pending = len - req_start;
}

static void
trace_equal(const struct trace *a, const struct trace *b, const char *what,
    size_t at)
{
	bool same = a->nreq == b->nreq && a->error == b->error &&
	    a->pending == b->pending;

	for (unsigned i = 0; same && i < a->nreq && i < TRACE_MAX_REQ; i++) {
		const struct req_out *x = &a->req[i], *y = &b->req[i];

		same = x->end == y->end && x->method == y->method &&
		    x->minor == y->minor && x->conn == y->conn &&
		    x->keepalive == y->keepalive;
	}
	if (!same)
		fail_msg("%s %zu: %u req, error %d, pending %zu; "
		    "whole buffer: %u req, error %d, pending %zu",
		    what, at, a->nreq, a->error, a->pending,
		    b->nreq, b->error, b->pending);
}

/* Cut at every offset, then feed one byte at a time: all must agree with
 * feeding the whole buffer, which is returned in *whole. */
static void
check_all_splits(const uint8_t *buf, size_t len, struct trace *whole)
{
	struct trace t;
	size_t *cuts;

	conn_run(buf, len, NULL, 0, whole);
	for (size_t c = 0; c <= len; c++) {
		conn_run(buf, len, &c, 1, &t);
		trace_equal(&t, whole, "cut at", c);
	}
	cuts = malloc((len + 1) * sizeof(*cuts));
	assert_non_null(cuts);
	for (size_t c = 0; c < len; c++)
		cuts[c] = c + 1;
	conn_run(buf, len, cuts, len, &t);
	trace_equal(&t, whole, "bytewise, len", len);
	free(cuts);
}

#define S(str)	(const uint8_t *)(str), sizeof(str) - 1

/* One complete request: every split gives it, with these results. */
static void
expect_req(const uint8_t *buf, size_t len, enum http_method m, int minor,
    enum http_conn_hdr conn, bool keepalive)
{
	struct trace t;

	check_all_splits(buf, len, &t);
	if (t.error != 0)
		fail_msg("unexpected error %d (%s) on: %.*s", t.error,
		    http_error_str(t.error), (int)len, (const char *)buf);
	assert_int_equal(t.nreq, 1);
	assert_int_equal(t.pending, 0);
	assert_int_equal(t.req[0].end, len);
	assert_int_equal(t.req[0].method, m);
	assert_int_equal(t.req[0].minor, minor);
	assert_int_equal(t.req[0].conn, conn);
	assert_int_equal(t.req[0].keepalive, keepalive);
}

/* A malformed request: every split fails with this error. */
static void
expect_err(const uint8_t *buf, size_t len, enum http_error e)
{
	struct trace t;

	check_all_splits(buf, len, &t);
	if (t.error != (int)e)
		fail_msg("expected error %d (%s), got %d after %u req on: %.*s",
		    e, http_error_str(e), t.error, t.nreq, (int)len,
		    (const char *)buf);
	assert_int_equal(t.nreq, 0);
}

/* An incomplete request: everything consumed, nothing done. */
static void
expect_pending(const uint8_t *buf, size_t len)
{
	struct trace t;

	check_all_splits(buf, len, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.nreq, 0);
	assert_int_equal(t.pending, len);
}

static void
test_parser_is_small(void **state __attribute__((unused)))
{
	assert_true(sizeof(struct http_parser) < 32);
}

static void
test_get_crlf(void **state __attribute__((unused)))
{
	expect_req(S("GET /index.html HTTP/1.1\r\nHost: example.com\r\n"
	    "User-Agent: test\r\nAccept: */*\r\n\r\n"),
	    HTTP_M_GET, 1, HTTP_CONN_NONE, true);
	/* No header at all. */
	expect_req(S("GET / HTTP/1.1\r\n\r\n"),
	    HTTP_M_GET, 1, HTTP_CONN_NONE, true);
}

static void
test_bare_lf(void **state __attribute__((unused)))
{
	expect_req(S("GET / HTTP/1.1\nHost: a\n\n"),
	    HTTP_M_GET, 1, HTTP_CONN_NONE, true);
	expect_req(S("GET / HTTP/1.1\r\nHost: a\nConnection: close\r\n\n"),
	    HTTP_M_GET, 1, HTTP_CONN_CLOSE, false);
}

static void
test_leading_empty_lines(void **state __attribute__((unused)))
{
	expect_req(S("\r\n\n\r\nGET / HTTP/1.0\r\n\r\n"),
	    HTTP_M_GET, 0, HTTP_CONN_NONE, false);
}

static void
test_methods(void **state __attribute__((unused)))
{
	static const struct {
		const char *req;
		enum http_method m;
	} cases[] = {
		{ "GET / HTTP/1.1\r\n\r\n", HTTP_M_GET },
		{ "HEAD / HTTP/1.1\r\n\r\n", HTTP_M_HEAD },
		{ "POST / HTTP/1.1\r\n\r\n", HTTP_M_POST },
		{ "PUT / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "DELETE / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "M-SEARCH * HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "OPTIONS * HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		/* Case-sensitive (RFC 9110 9.1). */
		{ "get / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "Head / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		/* Prefixes and extensions of the known ones. */
		{ "GE / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "GETS / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "HEADS / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "POSTPOST / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "XGET / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_req((const uint8_t *)cases[i].req, strlen(cases[i].req),
		    cases[i].m, 1, HTTP_CONN_NONE, true);
}

static void
test_keepalive_defaults(void **state __attribute__((unused)))
{
	expect_req(S("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
	    HTTP_M_GET, 1, HTTP_CONN_NONE, true);
	expect_req(S("GET / HTTP/1.0\r\nHost: a\r\n\r\n"),
	    HTTP_M_GET, 0, HTTP_CONN_NONE, false);
}

static void
test_connection_header(void **state __attribute__((unused)))
{
	static const struct {
		const char *hdrs;
		int minor;
		enum http_conn_hdr conn;
		bool keepalive;
	} cases[] = {
		{ "Connection: close\r\n", 1, HTTP_CONN_CLOSE, false },
		{ "Connection: keep-alive\r\n", 0, HTTP_CONN_KEEPALIVE, true },
		{ "connection: Keep-Alive\r\n", 0, HTTP_CONN_KEEPALIVE, true },
		{ "CONNECTION: CLOSE\r\n", 1, HTTP_CONN_CLOSE, false },
		{ "Connection: keep-alive\r\n", 1, HTTP_CONN_KEEPALIVE, true },
		{ "Connection:close\r\n", 1, HTTP_CONN_CLOSE, false },
		{ "Connection: \t close \t \r\n", 1, HTTP_CONN_CLOSE, false },
		/* Lists, empty elements included (RFC 9110 5.6.1). */
		{ "Connection: keep-alive, Upgrade\r\n", 0,
		    HTTP_CONN_KEEPALIVE, true },
		{ "Connection: Upgrade,keep-alive\r\n", 0,
		    HTTP_CONN_KEEPALIVE, true },
		{ "Connection: Upgrade, close\r\n", 1, HTTP_CONN_CLOSE, false },
		{ "Connection: ,, close ,,\r\n", 1, HTTP_CONN_CLOSE, false },
		{ "Connection: TE, close, Upgrade\r\n", 1,
		    HTTP_CONN_CLOSE, false },
		/* close wins over keep-alive, in one field or across two. */
		{ "Connection: keep-alive, close\r\n", 0,
		    HTTP_CONN_CLOSE, false },
		{ "Connection: close\r\nConnection: keep-alive\r\n", 1,
		    HTTP_CONN_CLOSE, false },
		/* Near misses are other tokens. */
		{ "Connection: closed\r\n", 1, HTTP_CONN_NONE, true },
		{ "Connection: clos\r\n", 1, HTTP_CONN_NONE, true },
		{ "Connection: keep-alive-ish\r\n", 0, HTTP_CONN_NONE, false },
		{ "Connection: keep alive\r\n", 0, HTTP_CONN_NONE, false },
		{ "Connection: close x\r\n", 1, HTTP_CONN_NONE, true },
		{ "Connection: Upgrade\r\n", 1, HTTP_CONN_NONE, true },
		{ "Connection:\r\n", 1, HTTP_CONN_NONE, true },
		/* Other field names, some sharing a prefix. */
		{ "Connectio: close\r\n", 1, HTTP_CONN_NONE, true },
		{ "Connections: close\r\n", 1, HTTP_CONN_NONE, true },
		{ "Proxy-Connection: close\r\n", 1, HTTP_CONN_NONE, true },
		{ "X-Connection: close\r\n", 1, HTTP_CONN_NONE, true },
		{ "Content-Type: close\r\n", 1, HTTP_CONN_NONE, true },
		{ "Keep-Alive: timeout=5\r\n", 0, HTTP_CONN_NONE, false },
	};
	char req[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = snprintf(req, sizeof(req),
		    "GET / HTTP/1.%d\r\nHost: a\r\n%s\r\n",
		    cases[i].minor, cases[i].hdrs);

		assert_true(n > 0 && (size_t)n < sizeof(req));
		expect_req((const uint8_t *)req, n, HTTP_M_GET, cases[i].minor,
		    cases[i].conn, cases[i].keepalive);
	}
}

static void
test_pipelined(void **state __attribute__((unused)))
{
	static const char r1[] = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char r2[] = "POST /b HTTP/1.1\r\nContent-Length: 5\r\n"
	    "\r\nhello";
	static const char r3[] = "POST /c HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
	static const char r4[] = "HEAD /d HTTP/1.0\r\n\r\n";
	static const char tail[] = "GET /e HT";
	char buf[512];
	size_t len;
	struct trace t;

	len = (size_t)snprintf(buf, sizeof(buf), "%s%s%s%s%s",
	    r1, r2, r3, r4, tail);
	check_all_splits((const uint8_t *)buf, len, &t);
	assert_int_equal(t.error, 0);
	assert_int_equal(t.nreq, 4);
	assert_int_equal(t.req[0].end, strlen(r1));
	assert_int_equal(t.req[0].method, HTTP_M_GET);
	assert_int_equal(t.req[1].end, strlen(r1) + strlen(r2));
	assert_int_equal(t.req[1].method, HTTP_M_POST);
	assert_int_equal(t.req[2].end, strlen(r1) + strlen(r2) + strlen(r3));
	assert_int_equal(t.req[2].method, HTTP_M_POST);
	assert_true(t.req[2].keepalive);
	assert_int_equal(t.req[3].end, len - strlen(tail));
	assert_int_equal(t.req[3].method, HTTP_M_HEAD);
	assert_false(t.req[3].keepalive);
	assert_int_equal(t.pending, strlen(tail));
}

/* The raw API as the server uses it: stop, re-init, feed the rest. */
static void
test_pipelined_raw(void **state __attribute__((unused)))
{
	static const char buf[] = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n"
	    "Connection: close\r\n\r\n";
	struct http_parser p;
	long r1, r2;

	http_parser_init(&p);
	r1 = http_parse(&p, (const uint8_t *)buf, sizeof(buf) - 1);
	assert_int_equal(r1, strlen("GET /1 HTTP/1.1\r\n\r\n"));
	assert_true(http_parser_done(&p));
	assert_true(http_parser_keepalive(&p));
	http_parser_init(&p);
	r2 = http_parse(&p, (const uint8_t *)buf + r1, sizeof(buf) - 1 - r1);
	assert_int_equal(r1 + r2, sizeof(buf) - 1);
	assert_true(http_parser_done(&p));
	assert_false(http_parser_keepalive(&p));
}

static void
test_content_length_body(void **state __attribute__((unused)))
{
	expect_req(S("POST /upload HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 11\r\n\r\nhello world"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	/* HEAD with a body is odd but framed the same way. */
	expect_req(S("HEAD / HTTP/1.1\r\ncontent-length:3\r\n\r\nabc"),
	    HTTP_M_HEAD, 1, HTTP_CONN_NONE, true);
	/* Leading zeros, surrounding whitespace. */
	expect_req(S("POST / HTTP/1.1\r\nContent-Length: \t 0003 \t\r\n\r\nabc"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	expect_req(S("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	/* A body byte short: all consumed, not done. */
	expect_pending(S("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabc"));
}

static void
test_content_length_body_feeds(void **state __attribute__((unused)))
{
	static const char hdr[] = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
	struct http_parser p;

	http_parser_init(&p);
	assert_int_equal(http_parse(&p, S(hdr)), sizeof(hdr) - 1);
	assert_false(http_parser_done(&p));
	assert_int_equal(http_parse(&p, S("0123")), 4);
	assert_false(http_parser_done(&p));
	/* The body ends inside this feed: the next request is left over. */
	assert_int_equal(http_parse(&p, S("456789GET")), 6);
	assert_true(http_parser_done(&p));
	assert_int_equal(p.method, HTTP_M_POST);
}

static void
test_content_length_max(void **state __attribute__((unused)))
{
	struct http_parser p;
	static const char req[] = "POST / HTTP/1.1\r\n"
	    "Content-Length: 18446744073709551615\r\n\r\n";
	uint8_t junk[4096];

	expect_pending(S("POST / HTTP/1.1\r\n"
	    "Content-Length: 18446744073709551615\r\n\r\n"));
	http_parser_init(&p);
	assert_int_equal(http_parse(&p, S(req)), sizeof(req) - 1);
	memset(junk, 'x', sizeof(junk));
	for (int i = 0; i < 100; i++)
		assert_int_equal(http_parse(&p, junk, sizeof(junk)),
		    sizeof(junk));
	assert_false(http_parser_done(&p));
}

static void
test_content_length_duplicates(void **state __attribute__((unused)))
{
	expect_req(S("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
	    "Content-Length: 5\r\n\r\nhello"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	expect_req(S("POST / HTTP/1.1\r\nContent-Length: 10\r\n"
	    "Content-Length: 010\r\n\r\n0123456789"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	expect_req(S("POST / HTTP/1.1\r\nContent-Length: 0\r\n"
	    "Content-Length: 00\r\nContent-Length: 0\r\n\r\n"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	/* Accepted: the body is still to come. */
	expect_pending(S("POST / HTTP/1.1\r\nContent-Length: "
	    "18446744073709551615\r\nContent-Length: 18446744073709551615"
	    "\r\n\r\n"));
}

static void
test_content_length_bad(void **state __attribute__((unused)))
{
	static const char *const values[] = {
		"", " ", "abc", "-1", "+1", "1 2", "1,1", "1, 1", "0x10",
		"1a", "5;", "\"5\"",
		"18446744073709551616",		/* UINT64_MAX + 1 */
		"99999999999999999999",
		"123456789012345678901234567890",
	};
	static const char *const conflicts[][2] = {
		{ "5", "6" }, { "5", "50" }, { "50", "5" }, { "0", "1" },
		{ "1", "0" }, { "10", "1" }, { "10", "100" }, { "12", "21" },
		{ "5", "" }, { "5", "x" },
		{ "18446744073709551615", "18446744073709551614" },
		{ "18446744073709551615", "184467440737095516150" },
	};
	char req[256];
	int n;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		n = snprintf(req, sizeof(req), "POST / HTTP/1.1\r\n"
		    "Content-Length: %s\r\n\r\n", values[i]);
		expect_err((const uint8_t *)req, n, HTTP_E_CONTENT_LENGTH);
	}
	for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
		n = snprintf(req, sizeof(req), "POST / HTTP/1.1\r\n"
		    "Content-Length: %s\r\nContent-Length: %s\r\n\r\n",
		    conflicts[i][0], conflicts[i][1]);
		expect_err((const uint8_t *)req, n, HTTP_E_CONTENT_LENGTH);
	}
}

static void
test_chunked(void **state __attribute__((unused)))
{
	expect_req(S("POST /c HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "5\r\nhello\r\n"
	    "6;name=value;flag\r\n world\r\n"
	    "A \t ; q=\"x y\"\r\n0123456789\r\n"
	    "00000001\r\n!\r\n"
	    "0\r\n"
	    "Trailer-Field: yes\r\n"
	    "Other: 1\r\n"
	    "\r\n"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	/* Bare LF everywhere, upper-case hex, no trailer. */
	expect_req(S("POST / HTTP/1.1\ntransfer-encoding: CHUNKED\n\n"
	    "1F\n0123456789abcdef0123456789abcde\n0\n\n"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	/* Other codings before chunked, across fields too. */
	expect_req(S("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n"
	    "\r\n0\r\n\r\n"), HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	expect_req(S("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
	/* A chunk short: pending. */
	expect_pending(S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n5\r\nhell"));
	expect_pending(S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n5\r\nhello\r\n0\r\n"));
	/* The largest chunk size that fits. */
	expect_pending(S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	    "\r\nffffffffffffffff\r\nabc"));
}

static void
test_chunked_wins_over_content_length(void **state __attribute__((unused)))
{
	/* RFC 9112 6.3: the chunked framing counts, and the connection
	 * closes afterwards whatever it asked for. */
	expect_req(S("POST / HTTP/1.1\r\nContent-Length: 100\r\n"
	    "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n"
	    "2\r\nhi\r\n0\r\n\r\n"),
	    HTTP_M_POST, 1, HTTP_CONN_KEEPALIVE, false);
	expect_req(S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 3\r\n\r\n0\r\n\r\n"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, false);
	/* RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 means close. */
	expect_req(S("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n"
	    "Connection: keep-alive\r\n\r\n0\r\n\r\n"),
	    HTTP_M_POST, 0, HTTP_CONN_KEEPALIVE, false);
}

static void
test_trailer_fields_ignored(void **state __attribute__((unused)))
{
	/* A trailer does not frame the message nor steer the connection. */
	expect_req(S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\nConnection: close\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n"),
	    HTTP_M_POST, 1, HTTP_CONN_NONE, true);
}

static void
test_transfer_encoding_bad(void **state __attribute__((unused)))
{
	static const char *const values[] = {
		"gzip",			/* chunked not final: RFC 9112 6.3 */
		"chunked, gzip",
		"chunked, chunked",
		"chunked\r\nTransfer-Encoding: chunked",
		"chunked\r\nTransfer-Encoding: gzip",
		"",
		"chunkedx",
		"chunked;foo=bar",
		"chun ked",
	};
	char req[256];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		int n = snprintf(req, sizeof(req), "POST / HTTP/1.1\r\n"
		    "Transfer-Encoding: %s\r\n\r\n0\r\n\r\n", values[i]);

		expect_err((const uint8_t *)req, n, HTTP_E_HEADER);
	}
}

static void
test_chunk_bad(void **state __attribute__((unused)))
{
	static const char *const bodies[] = {
		"g\r\n",			/* not hex */
		"\r\n",				/* empty size line */
		";ext\r\n",			/* extension without size */
		" 5\r\nhello\r\n",		/* whitespace before size */
		"-1\r\n",
		"0x5\r\n",
		"5 5\r\n",
		"10000000000000000\r\nx",	/* 2^64: overflow */
		"5\r\nhelloX\r\n",		/* no CRLF after data */
		"5\r\nhello\rX",		/* bare CR after data */
		"5\rX",				/* bare CR after size */
		"5;a\x01\r\n",			/* control byte in extension */
		"5;a\rb\r\n",			/* bare CR in extension */
		"5\r\nhello\r\n\r\n",		/* empty size line */
	};
	char req[256];

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		int n = snprintf(req, sizeof(req), "POST / HTTP/1.1\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n%s", bodies[i]);

		expect_err((const uint8_t *)req, n, HTTP_E_CHUNK);
	}
}

static void
test_malformed(void **state __attribute__((unused)))
{
	static const struct {
		const char *req;
		enum http_error e;
	} cases[] = {
		{ "G(T / HTTP/1.1\r\n\r\n", HTTP_E_METHOD },
		{ "GE\"T / HTTP/1.1\r\n\r\n", HTTP_E_METHOD },
		{ "GET\x01 / HTTP/1.1\r\n\r\n", HTTP_E_METHOD },
		{ " GET / HTTP/1.1\r\n\r\n", HTTP_E_METHOD },
		{ "\tGET / HTTP/1.1\r\n\r\n", HTTP_E_METHOD },
		{ "\rGET / HTTP/1.1\r\n\r\n", HTTP_E_METHOD },
		{ "GET\r\n\r\n", HTTP_E_TARGET },
		{ "GET \r\n\r\n", HTTP_E_TARGET },
		{ "GET  / HTTP/1.1\r\n\r\n", HTTP_E_TARGET },
		{ "GET /a\x01 HTTP/1.1\r\n\r\n", HTTP_E_TARGET },
		{ "GET /a\x7f HTTP/1.1\r\n\r\n", HTTP_E_TARGET },
		{ "GET /a\tb HTTP/1.1\r\n\r\n", HTTP_E_TARGET },
		{ "GET /\r\n\r\n", HTTP_E_VERSION },
		{ "GET /\n\n", HTTP_E_VERSION },
		{ "GET / \r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/2.0\r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1.2\r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1.10\r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1.\r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1\r\n\r\n", HTTP_E_VERSION },
		{ "GET / http/1.1\r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1.1 \r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1.1\rX\r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1.1 extra\r\n\r\n", HTTP_E_VERSION },
		{ "GET / / HTTP/1.1\r\n\r\n", HTTP_E_VERSION },
		{ "GET / HTTP/1.1\r\nHost a\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nHost\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n",
		    HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\n: a\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", HTTP_E_HEADER },
		/* obs-fold (RFC 9112 5.2) */
		{ "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nConnection: keep-alive,\r\n close\r\n\r\n",
		    HTTP_E_HEADER },
		/* whitespace before the first field (RFC 9112 2.2) */
		{ "GET / HTTP/1.1\r\n Host: a\r\n\r\n", HTTP_E_HEADER },
		/* control bytes and bare CR in values, bare CR after lines */
		{ "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nConnection: close\x01\r\n\r\n",
		    HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nConnection: \x01\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nConnection: close \x01\r\n\r\n",
		    HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nX: a\r\rb\r\n\r\n", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\n\rX", HTTP_E_HEADER },
		{ "GET / HTTP/1.1\r\nContent-Length: 5\r\rX", HTTP_E_HEADER },
		{ "POST / HTTP/1.1\r\nContent-Length: 5x\r\n\r\n",
		    HTTP_E_CONTENT_LENGTH },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		    HTTP_E_CHUNK },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_err((const uint8_t *)cases[i].req, strlen(cases[i].req),
		    cases[i].e);
}

/* A NUL byte cannot go through the string table above. */
static void
test_nul_bytes(void **state __attribute__((unused)))
{
	static const uint8_t v[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
	static const uint8_t t[] = "GET /a\0b HTTP/1.1\r\n\r\n";
	static const uint8_t m[] = "GE\0T / HTTP/1.1\r\n\r\n";
	static const uint8_t n[] = "GET / HTTP/1.1\r\nX\0: a\r\n\r\n";

	expect_err(v, sizeof(v) - 1, HTTP_E_HEADER);
	expect_err(t, sizeof(t) - 1, HTTP_E_TARGET);
	expect_err(m, sizeof(m) - 1, HTTP_E_METHOD);
	expect_err(n, sizeof(n) - 1, HTTP_E_HEADER);
}

static uint8_t *
build(size_t *len, const char *pre, char fill, size_t nfill, const char *post)
{
	size_t a = strlen(pre), b = strlen(post);
	uint8_t *buf = malloc(a + nfill + b);

	assert_non_null(buf);
	memcpy(buf, pre, a);
	memset(buf + a, fill, nfill);
	memcpy(buf + a + nfill, post, b);
	*len = a + nfill + b;
	return buf;
}

/* Run one request through the whole buffer and byte-at-a-time only: the
 * split-everywhere check is quadratic and these buffers are large. */
static int
quick_run(const uint8_t *buf, size_t len, struct trace *t)
{
	struct trace t1;
	size_t *cuts = malloc(len * sizeof(*cuts));

	assert_non_null(cuts);
	for (size_t c = 0; c < len; c++)
		cuts[c] = c + 1;
	conn_run(buf, len, NULL, 0, t);
	conn_run(buf, len, cuts, len ? len - 1 : 0, &t1);
	trace_equal(&t1, t, "bytewise, len", len);
	free(cuts);
	return t->error;
}

static void
test_line_limit(void **state __attribute__((unused)))
{
	/* "GET /" + fill + " HTTP/1.1" is exactly HTTP_MAX_LINE long. */
	size_t rl_fill = HTTP_MAX_LINE - strlen("GET /") - strlen(" HTTP/1.1");
	/* "X: " + fill likewise. */
	size_t hdr_fill = HTTP_MAX_LINE - strlen("X: ");
	size_t ce_fill = HTTP_MAX_LINE - strlen("1;");
	struct trace t;
	uint8_t *buf;
	size_t len;

	for (int extra = 0; extra <= 1; extra++) {
		int want = extra ? HTTP_E_LINE_TOO_LONG : 0;

		buf = build(&len, "GET /", 'a', rl_fill + extra,
		    " HTTP/1.1\r\n\r\n");
		assert_int_equal(quick_run(buf, len, &t), want);
		free(buf);

		buf = build(&len, "GET / HTTP/1.1\r\nX: ", 'a',
		    hdr_fill + extra, "\r\n\r\n");
		assert_int_equal(quick_run(buf, len, &t), want);
		free(buf);

		/* A long name, and a long Connection value. */
		buf = build(&len, "GET / HTTP/1.1\r\n", 'N',
		    HTTP_MAX_LINE - 2 + extra, ": \r\n\r\n");
		assert_int_equal(quick_run(buf, len, &t), want);
		free(buf);
		buf = build(&len, "GET / HTTP/1.1\r\nConnection: ", ',',
		    HTTP_MAX_LINE - strlen("Connection: ") + extra, "\r\n\r\n");
		assert_int_equal(quick_run(buf, len, &t), want);
		free(buf);

		/* Chunk extensions are bounded by the same limit. */
		buf = build(&len, "POST / HTTP/1.1\r\nTransfer-Encoding: "
		    "chunked\r\n\r\n1;", 'e', ce_fill + extra, "\r\nx\r\n0\r\n\r\n");
		assert_int_equal(quick_run(buf, len, &t), want);
		free(buf);

		/* Empty lines before the request line are bounded too. */
		buf = build(&len, "", '\n', HTTP_MAX_LINE + extra,
		    "GET / HTTP/1.1\r\n\r\n");
		assert_int_equal(quick_run(buf, len, &t), want);
		free(buf);
	}
	/* The limit is per line: many long lines are fine. */
	buf = build(&len, "GET / HTTP/1.1\r\nA: ", 'a', hdr_fill,
	    "\r\nB: ");
	{
		size_t l2;
		uint8_t *b2 = build(&l2, "", 'b', hdr_fill, "\r\n\r\n");
		uint8_t *all = malloc(len + l2);

		assert_non_null(all);
		memcpy(all, buf, len);
		memcpy(all + len, b2, l2);
		assert_int_equal(quick_run(all, len + l2, &t), 0);
		assert_int_equal(t.nreq, 1);
		free(all);
		free(b2);
	}
	free(buf);
}

static void
test_header_count_limit(void **state __attribute__((unused)))
{
	static const char line[] = "X-Header: value\r\n";
	const size_t cap = 64 + (HTTP_MAX_HEADERS + 1) * (sizeof(line) - 1);
	char *buf = malloc(cap);
	struct trace t;

	assert_non_null(buf);
	for (int extra = 0; extra <= 1; extra++) {
		size_t len = (size_t)sprintf(buf, "GET / HTTP/1.1\r\n");

		for (int i = 0; i < HTTP_MAX_HEADERS + extra; i++)
			len += (size_t)sprintf(buf + len, "%s", line);
		len += (size_t)sprintf(buf + len, "\r\n");
		assert_true(len <= cap);
		assert_int_equal(quick_run((const uint8_t *)buf, len, &t),
		    extra ? HTTP_E_TOO_MANY_HEADERS : 0);
		assert_int_equal(t.nreq, extra ? 0 : 1);
	}
	free(buf);
}

static void
test_error_sticky(void **state __attribute__((unused)))
{
	struct http_parser p;

	http_parser_init(&p);
	assert_int_equal(http_parse(&p, S("G(T")), -1);
	assert_int_equal(p.error, HTTP_E_METHOD);
	assert_int_equal(http_parse(&p, S("GET / HTTP/1.1\r\n\r\n")), -1);
	assert_int_equal(http_parse(&p, S("")), -1);
	assert_int_equal(p.error, HTTP_E_METHOD);
	assert_false(http_parser_done(&p));
	assert_false(http_parser_keepalive(&p));
	/* Re-initialising clears it. */
	http_parser_init(&p);
	assert_int_equal(http_parse(&p, S("GET / HTTP/1.1\r\n\r\n")),
	    strlen("GET / HTTP/1.1\r\n\r\n"));
	assert_true(http_parser_done(&p));
	assert_int_equal(p.error, HTTP_E_NONE);
}

static void
test_zero_length_feed(void **state __attribute__((unused)))
{
	struct http_parser p;

	http_parser_init(&p);
	assert_int_equal(http_parse(&p, NULL, 0), 0);
	assert_int_equal(http_parse(&p, S("GET / HT")), 8);
	assert_int_equal(http_parse(&p, S("")), 0);
	assert_false(http_parser_done(&p));
	assert_int_equal(http_parse(&p, S("TP/1.1\r\n\r\n")), 10);
	assert_true(http_parser_done(&p));
	/* Done: nothing more is taken until re-init. */
	assert_int_equal(http_parse(&p, S("")), 0);
	assert_int_equal(http_parse(&p, S("GET / HTTP/1.1\r\n\r\n")), 0);
	assert_true(http_parser_done(&p));
}

static void
test_keepalive_needs_done(void **state __attribute__((unused)))
{
	static const char hdrs[] = "GET / HTTP/1.1\r\nConnection: keep-alive\r\n";
	struct http_parser p;

	http_parser_init(&p);
	assert_int_equal(http_parse(&p, S(hdrs)), sizeof(hdrs) - 1);
	assert_false(http_parser_done(&p));
	assert_false(http_parser_keepalive(&p));
	assert_int_equal(http_parse(&p, S("\r\n")), 2);
	assert_true(http_parser_keepalive(&p));
}

static void
test_error_str(void **state __attribute__((unused)))
{
	const char *seen[HTTP_E_CHUNK + 1];

	for (int e = HTTP_E_NONE; e <= HTTP_E_CHUNK; e++) {
		const char *s = http_error_str(e);

		assert_non_null(s);
		assert_true(s[0] != '\0');
		for (int k = 0; k < e; k++)
			assert_string_not_equal(s, seen[k]);
		seen[e] = s;
	}
	assert_non_null(http_error_str((enum http_error)200));
	assert_non_null(http_error_str((enum http_error)-1));
}

/* Fuzz: seeded, so a failure reproduces. */

static uint64_t fz_state;

static uint64_t
fz_next(void)
{
	/* xorshift64* */
	fz_state ^= fz_state >> 12;
	fz_state ^= fz_state << 25;
	fz_state ^= fz_state >> 27;
	return fz_state * 0x2545f4914f6cdd1dULL;
}

static size_t
fz_below(size_t n)
{
	return n ? (size_t)(fz_next() % n) : 0;
}

/* Pieces that lead the parser deep into its states. */
static const char *const fz_words[] = {
	"GET ", "HEAD ", "POST ", "PUT ", "/", "/x?y=1 ", " ", "HTTP/1.1",
	"HTTP/1.0", "\r\n", "\n", "\r", ":", ": ", ",", ";", "\t",
	"Connection: ", "close", "keep-alive", "Content-Length: ",
	"content-length:", "Transfer-Encoding: ", "chunked", "gzip",
	"0", "1", "5", "a", "F", "18446744073709551615", "Host: x",
	"0\r\n\r\n", "\r\n\r\n", "\r\nX: y", "\r\nConnection: ",
	"\r\nContent-Length: ", "\r\nTransfer-Encoding: chunked\r\n\r\n",
};

/* Mostly start with a valid request line, to get past it. */
static const char *const fz_starts[] = {
	"GET / HTTP/1.1\r\n", "POST /p HTTP/1.1\r\n", "HEAD / HTTP/1.0\n", "",
};

static size_t
fz_make(uint8_t *buf, size_t cap)
{
	const char *start = fz_starts[fz_below(
	    sizeof(fz_starts) / sizeof(fz_starts[0]))];
	size_t len = strlen(start), target = len + fz_below(cap - len);

	memcpy(buf, start, len);

	while (len < target) {
		if (fz_below(4) == 0) {
			buf[len++] = (uint8_t)fz_next();
		} else {
			const char *w = fz_words[fz_below(
			    sizeof(fz_words) / sizeof(fz_words[0]))];
			size_t n = strlen(w);

			if (n > target - len)
				n = target - len;
			memcpy(buf + len, w, n);
			len += n;
		}
	}
	return len;
}

/* Random cuts, sorted, duplicates allowed (empty segments). */
static size_t
fz_cuts(size_t *cuts, size_t max, size_t len)
{
	size_t n = fz_below(max + 1);

	for (size_t i = 0; i < n; i++)
		cuts[i] = fz_below(len + 1);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
			size_t tmp = cuts[j];

			cuts[j] = cuts[j - 1];
			cuts[j - 1] = tmp;
		}
	return n;
}

static void
fz_check(const uint8_t *buf, size_t len)
{
	struct trace whole, t;
	size_t cuts[512];
	size_t n;

	/* conn_run asserts rc is -1 or 0..len, and the rest of the
	 * contract, on every call. */
	conn_run(buf, len, NULL, 0, &whole);
	for (int k = 0; k < 4; k++) {
		n = fz_cuts(cuts, 16, len);
		conn_run(buf, len, cuts, n, &t);
		trace_equal(&t, &whole, "random cuts, len", len);
	}
	if (len <= sizeof(cuts) / sizeof(cuts[0])) {
		for (size_t c = 0; c < len; c++)
			cuts[c] = c;
		conn_run(buf, len, cuts, len, &t);
		trace_equal(&t, &whole, "bytewise, len", len);
	}
}

static void
test_fuzz_random_bytes(void **state __attribute__((unused)))
{
	uint8_t buf[512];
	struct http_parser p;

	fz_state = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 3000; i++) {
		size_t len = fz_below(sizeof(buf));

		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)fz_next();
		/* Raw API: -1 or at most len, and -1 sticks. */
		http_parser_init(&p);
		long r = http_parse(&p, buf, len);
		assert_true(r == -1 || (r >= 0 && (size_t)r <= len));
		if (r == -1)
			assert_int_equal(http_parse(&p, buf, len), -1);
		fz_check(buf, len);
	}
}

static void
test_fuzz_words(void **state __attribute__((unused)))
{
	uint8_t buf[400];

	fz_state = 0x0123456789abcdefULL;
	for (int i = 0; i < 20000; i++) {
		size_t len = fz_make(buf, sizeof(buf));

		fz_check(buf, len);
	}
}

/* Valid requests with one byte changed, inserted or dropped. */
static void
test_fuzz_mutations(void **state __attribute__((unused)))
{
	static const char *const seeds[] = {
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, x\r\n\r\n",
		"POST /p HTTP/1.0\r\nContent-Length: 3\r\nContent-Length: 3"
		    "\r\n\r\nabcGET / HTTP/1.1\r\n\r\n",
		"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
		    "3;e=1\r\nabc\r\n0\r\nT: x\r\n\r\nHEAD / HTTP/1.1\r\n\r\n",
	};
	uint8_t buf[256];

	fz_state = 42;
	for (int i = 0; i < 20000; i++) {
		const char *s = seeds[fz_below(sizeof(seeds) / sizeof(seeds[0]))];
		size_t len = strlen(s);
		size_t at;

		memcpy(buf, s, len);
		for (int m = 0, nm = 1 + (int)fz_below(3); m < nm; m++) {
			at = fz_below(len);
			switch (fz_below(3)) {
			case 0:
				buf[at] = (uint8_t)fz_next();
				break;
			case 1:
				if (len < sizeof(buf)) {
					memmove(buf + at + 1, buf + at,
					    len - at);
					buf[at] = (uint8_t)fz_next();
					len++;
				}
				break;
			default:
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			}
		}
		fz_check(buf, len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_is_small),
		cmocka_unit_test(test_get_crlf),
		cmocka_unit_test(test_bare_lf),
		cmocka_unit_test(test_leading_empty_lines),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_keepalive_defaults),
		cmocka_unit_test(test_connection_header),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_pipelined_raw),
		cmocka_unit_test(test_content_length_body),
		cmocka_unit_test(test_content_length_body_feeds),
		cmocka_unit_test(test_content_length_max),
		cmocka_unit_test(test_content_length_duplicates),
		cmocka_unit_test(test_content_length_bad),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_chunked_wins_over_content_length),
		cmocka_unit_test(test_trailer_fields_ignored),
		cmocka_unit_test(test_transfer_encoding_bad),
		cmocka_unit_test(test_chunk_bad),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_header_count_limit),
		cmocka_unit_test(test_error_sticky),
		cmocka_unit_test(test_zero_length_feed),
		cmocka_unit_test(test_keepalive_needs_done),
		cmocka_unit_test(test_error_str),
		cmocka_unit_test(test_fuzz_random_bytes),
		cmocka_unit_test(test_fuzz_words),
		cmocka_unit_test(test_fuzz_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
