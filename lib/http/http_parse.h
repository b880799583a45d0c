/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_HTTP_PARSE_H
#define TT_HTTP_PARSE_H

/*
 * Incremental HTTP/1.x request parser.
 *
 * It keeps no copy of the request: a few bytes of state per connection are
 * enough to find the end of a request split across any number of segments
 * (down to one byte each), recognise the method, the version, the
 * Connection header and the body length (Content-Length or chunked).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_method {
	HTTP_M_UNKNOWN = 0,
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_OTHER,     /* a valid token we do not serve (PUT, DELETE, ...) */
};

enum http_conn_hdr {
	HTTP_CONN_NONE = 0,   /* no Connection header */
	HTTP_CONN_CLOSE,
	HTTP_CONN_KEEPALIVE,
};

/* Limits (nginx-like): a longer line or header section is malformed. */
#define HTTP_MAX_LINE     8192
#define HTTP_MAX_HEADERS  100

struct http_parser {
	/* results, valid once http_parser_done() */
	uint8_t method;         /* enum http_method */
	uint8_t version_minor;  /* HTTP/1.<minor>; 0 or 1 */
	uint8_t conn_hdr;       /* enum http_conn_hdr */
	uint8_t error;          /* enum http_error, 0 when fine */
	/* private state */
	uint8_t state;
	uint8_t sub;            /* position inside a literal being matched */
	uint8_t hdr_id;         /* which interesting header we are in */
	uint8_t flags;
	uint16_t line_len;
	uint16_t nheaders;
	uint32_t tok;           /* small accumulator (method/token match) */
	uint64_t body_left;     /* Content-Length or current chunk remaining */
};

enum http_error {
	HTTP_E_NONE = 0,
	HTTP_E_METHOD,        /* bad method token */
	HTTP_E_TARGET,        /* bad request target */
	HTTP_E_VERSION,       /* not HTTP/1.0 or HTTP/1.1 */
	HTTP_E_LINE_TOO_LONG,
	HTTP_E_TOO_MANY_HEADERS,
	HTTP_E_HEADER,        /* malformed header line */
	HTTP_E_CONTENT_LENGTH,/* bad or conflicting Content-Length */
	HTTP_E_CHUNK,         /* bad chunked encoding */
};

void http_parser_init(struct http_parser *p);

/*
 * Feed len bytes.  Returns how many were consumed: parsing stops right after
 * a complete request (request line, headers and body), so pipelined requests
 * come out one at a time; the caller then handles the request, calls
 * http_parser_init() and feeds the rest.  Returns -1 on a malformed request
 * (p->error says why); the parser then stays in the error state.
 */
long http_parse(struct http_parser *p, const uint8_t *buf, size_t len);

bool http_parser_done(const struct http_parser *p);

/* No byte of a request seen yet (between requests on a keep-alive
 * connection): the connection can be closed without cutting a request. */
bool http_parser_idle(const struct http_parser *p);

/* Keep-alive after this request, from the version and Connection header
 * (HTTP/1.1 defaults to keep-alive, HTTP/1.0 to close). */
bool http_parser_keepalive(const struct http_parser *p);

const char *http_error_str(enum http_error e);

#endif
