/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_HTTP_RESP_H
#define TT_HTTP_RESP_H

/*
 * Incremental HTTP/1.x response parser, for the client (RFC 9112).
 *
 * Like the request parser it keeps no copy of anything: 24 bytes of state
 * per connection find the end of a response split at any byte boundary,
 * from the status line, the Connection header and the body length
 * (Content-Length, chunked, or up to the close).  The body is consumed,
 * not stored.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_parse.h"   /* HTTP_MAX_LINE, HTTP_MAX_HEADERS */

enum http_resp_error {
	HTTP_RE_NONE = 0,
	HTTP_RE_VERSION,         /* not "HTTP/1.0" or "HTTP/1.1" */
	HTTP_RE_STATUS,          /* bad status code or reason phrase, or 101 */
	HTTP_RE_LINE_TOO_LONG,
	HTTP_RE_TOO_MANY_HEADERS,
	HTTP_RE_HEADER,          /* malformed header (or trailer) line */
	HTTP_RE_CONTENT_LENGTH,  /* bad or conflicting Content-Length */
	HTTP_RE_CHUNK,           /* bad chunked framing */
	HTTP_RE_EOF,             /* connection closed inside a response */
};

struct http_resp_parser {
	uint64_t body_left;      /* Content-Length, then body or chunk bytes left */
	uint32_t val;            /* a repeated Content-Length, to compare */
	uint16_t status;         /* valid once the status line is in */
	uint16_t line_len;
	uint8_t error;           /* enum http_resp_error */
	/* private */
	uint8_t state;
	uint8_t flags;
	uint8_t sub;             /* position in the literal/name/token matched */
	uint8_t cand;            /* names or tokens still matching (bit mask) */
	uint8_t hdr_id;          /* the field whose value we are in */
	uint8_t tokst;           /* position inside a value: before/in/after */
	uint8_t nheaders;
};

/* Start a response; head: it answers a HEAD request, so it has no body
 * whatever its headers say (RFC 9110 9.3.2). */
void http_resp_init(struct http_resp_parser *p, bool head);

/*
 * Feed len bytes.  Returns how many were consumed: parsing stops right after
 * a complete response (so bytes that follow belong to the next one, or are
 * unexpected); interim 1xx responses are skipped.  Returns -1 on a
 * malformed response (p->error says why) and stays in the error state.
 */
long http_resp_parse(struct http_resp_parser *p, const uint8_t *buf, size_t len);

bool http_resp_done(const struct http_resp_parser *p);

/* Any byte of a response seen yet. */
bool http_resp_started(const struct http_resp_parser *p);

/*
 * The peer closed.  Returns true when that completes the response (a body
 * delimited by the close, RFC 9112 6.3 rule 8) or it was complete already;
 * false when the response is cut short (p->error = HTTP_RE_EOF if any of it
 * had arrived).
 */
bool http_resp_eof(struct http_resp_parser *p);

/* Status code (once the status line is parsed). */
static inline unsigned
http_resp_status(const struct http_resp_parser *p)
{
	return p->status;
}

/* May the connection carry another request after this response: from the
 * version and the Connection header (1.1 defaults to keep-alive, 1.0 to
 * close) and false for a body delimited by the close. */
bool http_resp_keepalive(const struct http_resp_parser *p);

const char *http_resp_error_str(enum http_resp_error e);

#endif
