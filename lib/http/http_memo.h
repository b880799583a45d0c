/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_HTTP_MEMO_H
#define TT_HTTP_MEMO_H

/*
 * The last call of an HTTP parser, remembered: the parser state before it,
 * the bytes fed, the state after and the return value.  The parsers
 * (http_parse, http_resp_parse) are deterministic functions of their state
 * struct and the bytes and touch nothing else, so a call with the same
 * state and the same bytes has the same outcome: copy it instead of
 * running the byte-at-a-time machine again.  A load test sends the same
 * request (and gets the same response) over and over, so on the hot path
 * a request costs a compare of its bytes instead of its parse.  A miss
 * costs the compare plus a copy of at most HTTP_MEMO_MAX bytes.
 *
 * The state structs must have no padding (the memo compares raw bytes);
 * http_memo_check_state() asserts that where each parser is used.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bytes of one call that are remembered: a request or a small response
 * in one segment. */
#define HTTP_MEMO_MAX   512
#define HTTP_MEMO_STATE 32     /* largest parser state struct */

struct http_memo {
	uint32_t len;               /* bytes of the call; 0 = nothing kept */
	long ret;
	uint8_t in[HTTP_MEMO_STATE];
	uint8_t out[HTTP_MEMO_STATE];
	uint8_t buf[HTTP_MEMO_MAX];
};

#define http_memo_check_state(type, last_field)				\
	_Static_assert(sizeof(type) <= HTTP_MEMO_STATE &&		\
		       offsetof(type, last_field) +			\
		       sizeof(((type *)0)->last_field) == sizeof(type),	\
		       #type " must fit the memo and end without padding")

/* Same state and same bytes as the remembered call: state becomes its
 * outcome, *ret its return value. */
static inline bool
http_memo_get(const struct http_memo *m, void *state, size_t ssz,
	      const uint8_t *buf, size_t len, long *ret)
{
	if (m->len == 0 || m->len != len || memcmp(m->in, state, ssz) != 0 ||
	    memcmp(m->buf, buf, len) != 0)
		return false;
	memcpy(state, m->out, ssz);
	*ret = m->ret;
	return true;
}

/* Remember a call (in: the state before it, out: after). */
static inline void
http_memo_put(struct http_memo *m, const void *in, const void *out, size_t ssz,
	      const uint8_t *buf, size_t len, long ret)
{
	if (len == 0 || len > HTTP_MEMO_MAX) {
		m->len = 0;
		return;
	}
	memcpy(m->in, in, ssz);
	memcpy(m->out, out, ssz);
	memcpy(m->buf, buf, len);
	m->len = (uint32_t)len;
	m->ret = ret;
}

#endif
