/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the HTTP/1.1 request parser (the responder's) and response
 * parser (the client's), fed in random splits.
 *
 * Input: byte 0 picks the parser (bit 0: response; bit 1: the response
 * answers HEAD), byte 1 seeds the split; the rest is the byte stream.  The
 * stream is parsed twice, whole and cut into pieces of 1.. bytes, and both
 * must give the same messages (end offset, method or status, version,
 * keep-alive) and the same error at the same place: a parser that keeps a
 * few bytes of state per connection must not depend on where TCP segments
 * happen to end.  Consumed counts never exceed what was fed, and a feed
 * that does not finish a message consumes all of it.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "http/http_parse.h"
#include "http/http_resp.h"

#define MAX_MSGS 256

struct outcome {
	unsigned n;
	struct {
		size_t end;            /* stream offset after the message */
		unsigned what;         /* method or status */
		unsigned minor;
		bool keepalive;
	} m[MAX_MSGS];
	int error;                 /* 0, or the parser's error code */
	size_t error_at;           /* chunk start where the error came */
	bool eof_complete;         /* response: http_resp_eof() */
};

/* Piece sizes from a small LCG; seed 0 means one piece. */
static size_t
next_piece(uint32_t *r, uint32_t seed, size_t left)
{
	size_t k;

	if (seed == 0)
		return left;
	*r = *r * 1103515245u + 12345u;
	k = 1 + (*r >> 16) % (seed % 32 + 1);
	return k < left ? k : left;
}

static void
run_req(const uint8_t *d, size_t n, uint32_t seed, struct outcome *o)
{
	struct http_parser p;
	uint32_t r = seed;
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	http_parser_init(&p);
	while (off < n) {
		size_t piece = next_piece(&r, seed, n - off), used = 0;

		while (used < piece) {
			long c = http_parse(&p, d + off + used, piece - used);

			if (c < 0) {
				FUZZ_CHECK(p.error != 0);
				o->error = p.error;
				/* An error stays: the parser refuses more. */
				FUZZ_CHECK(http_parse(&p, d + off, piece) < 0);
				return;
			}
			FUZZ_CHECK((size_t)c <= piece - used);
			used += (size_t)c;
			if (!http_parser_done(&p)) {
				FUZZ_CHECK(used == piece);
				break;
			}
			FUZZ_CHECK(o->n < MAX_MSGS);
			o->m[o->n].end = off + used;
			o->m[o->n].what = p.method;
			o->m[o->n].minor = p.version_minor;
			o->m[o->n].keepalive = http_parser_keepalive(&p);
			FUZZ_CHECK(p.method != HTTP_M_UNKNOWN);
			FUZZ_CHECK(p.version_minor <= 1);
			if (++o->n == MAX_MSGS)
				return;
			http_parser_init(&p);
			FUZZ_CHECK(http_parser_idle(&p));
		}
		off += piece;
	}
}

static void
run_resp(const uint8_t *d, size_t n, uint32_t seed, bool head, struct outcome *o)
{
	struct http_resp_parser p;
	uint32_t r = seed;
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	http_resp_init(&p, head);
	while (off < n) {
		size_t piece = next_piece(&r, seed, n - off), used = 0;

		while (used < piece) {
			long c = http_resp_parse(&p, d + off + used, piece - used);

			if (c < 0) {
				FUZZ_CHECK(p.error != 0);
				o->error = p.error;
				FUZZ_CHECK(http_resp_parse(&p, d + off, piece) < 0);
				return;
			}
			FUZZ_CHECK((size_t)c <= piece - used);
			used += (size_t)c;
			if (!http_resp_done(&p)) {
				FUZZ_CHECK(used == piece);
				break;
			}
			FUZZ_CHECK(o->n < MAX_MSGS);
			o->m[o->n].end = off + used;
			o->m[o->n].what = http_resp_status(&p);
			o->m[o->n].keepalive = http_resp_keepalive(&p);
			FUZZ_CHECK(http_resp_status(&p) >= 100 && http_resp_status(&p) <= 999);
			if (++o->n == MAX_MSGS)
				return;
			http_resp_init(&p, head);
			FUZZ_CHECK(!http_resp_started(&p));
		}
		off += piece;
	}
	o->eof_complete = http_resp_eof(&p);
	o->error = p.error;
}

static void
same(const struct outcome *a, const struct outcome *b)
{
	FUZZ_CHECK(a->n == b->n);
	for (unsigned i = 0; i < a->n; i++) {
		FUZZ_CHECK(a->m[i].end == b->m[i].end);
		FUZZ_CHECK(a->m[i].what == b->m[i].what);
		FUZZ_CHECK(a->m[i].minor == b->m[i].minor);
		FUZZ_CHECK(a->m[i].keepalive == b->m[i].keepalive);
	}
	FUZZ_CHECK(a->error == b->error);
	FUZZ_CHECK(a->eof_complete == b->eof_complete);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outcome whole, split;
	uint8_t mode, seed;

	if (size < 2)
		return 0;
	mode = data[0];
	seed = data[1];
	data += 2;
	size -= 2;
	if (mode & 1) {
		run_resp(data, size, 0, mode & 2, &whole);
		run_resp(data, size, seed | 1, mode & 2, &split);
	} else {
		run_req(data, size, 0, &whole);
		run_req(data, size, seed | 1, &split);
	}
	same(&whole, &split);
	return 0;
}
