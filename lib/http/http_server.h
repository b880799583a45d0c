/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_HTTP_SERVER_H
#define TT_HTTP_SERVER_H

/*
 * HTTP/1.1 responder on top of the stack's application interface.
 *
 * Responses are never copied into per-connection buffers: every response is
 * one of a few templates (200 GET/HEAD, 405, 400; keep-alive or close), so a
 * connection only records which templates its unacknowledged stream is made
 * of (a short run-length list in tcp_conn.app_state) and fill() regenerates
 * any byte range, for first sends and retransmissions alike.
 */

#include <stdint.h>

#include "config/config.h"
#include "http/http_memo.h"
#include "stats/stats.h"
#include "tcp/tcp.h"

enum http_resp_kind {
	HTTP_R_GET_KA = 0,
	HTTP_R_GET_CLOSE,
	HTTP_R_HEAD_KA,
	HTTP_R_HEAD_CLOSE,
	HTTP_R_405_KA,
	HTTP_R_405_CLOSE,
	HTTP_R_400,
	HTTP_R_NKINDS
};

struct http_template {
	char *hdr;          /* status line and headers, ending in CRLFCRLF */
	uint32_t hdr_len;
	uint32_t body_len;  /* body bytes after the headers (a fixed pattern) */
	uint32_t len;       /* hdr_len + body_len */
	/* hdr then the body, len bytes in one piece (one copy per segment
	 * in fill()); NULL when the body is above HTTP_WHOLE_MAX. */
	uint8_t *whole;
};

#define HTTP_WHOLE_MAX (64u << 10)

/* Read-only, shared by every lcore. */
struct http_templates {
	struct http_template t[HTTP_R_NKINDS];
	/* The body pattern (http_body_byte) built once: fill() copies it
	 * instead of computing every byte of every response. */
	uint8_t *body;
	uint32_t body_len;
};

int http_templates_init(struct http_templates *ht, uint32_t body_size);
void http_templates_free(struct http_templates *ht);

/* One per lcore. */
struct http_server {
	const struct tt_http_config *cfg;
	const struct http_templates *tpl;
	struct tcp_stack *stack;
	struct tt_stats *st;
	uint64_t rng;
	struct http_memo req_memo;  /* the last request parse (http_memo.h) */
};

extern const struct tcp_app_ops http_server_ops;

void http_server_init(struct http_server *hs, const struct tt_http_config *cfg,
		      const struct http_templates *tpl, struct tcp_stack *stack,
		      struct tt_stats *st, uint64_t seed);

/* Listen on every configured port. */
int http_server_listen(struct http_server *hs);

/* The body's byte at offset i (for tests and clients that check bodies). */
static inline uint8_t
http_body_byte(uint32_t i, uint32_t body_len)
{
	return i + 1 == body_len ? '\n' : (uint8_t)('a' + i % 26);
}

#endif
