/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_parse.h"
#include "http/http_server.h"
#include "stats/rng.h"

#define HTTP_RUNS 6

/* Per-connection state, inside tcp_conn.app_state. */
struct http_conn {
	struct http_parser p;
	uint32_t requests;       /* requests answered on this connection */
	uint32_t base;           /* stream offset where run head starts */
	uint32_t acked;          /* stream bytes acknowledged */
	uint32_t unsent;         /* the last responses of the runs, parsed but
	                          * not yet handed to TCP (send queue full) */
	uint8_t head;            /* first run in the ring */
	uint8_t nruns;
	uint8_t closing;         /* HC_CLOSING_*: ignore further input */
	uint8_t eof;             /* the peer sent FIN */
	/* The responses in the stream, oldest first, as runs of one kind. */
	uint8_t run_kind[HTTP_RUNS];
	uint16_t run_count[HTTP_RUNS];
};

/* closing: no (0); closed or closing now; to close once every parsed
 * response is handed to TCP. */
#define HC_CLOSING_NOW   1
#define HC_CLOSING_AFTER 2

_Static_assert(sizeof(struct http_conn) <= TCP_APP_STATE_SIZE,
	       "HTTP state must fit in tcp_conn.app_state");

http_memo_check_state(struct http_parser, body_left);

/* http_parse, or the outcome of the same call last time (http_memo.h). */
static long
parse_request(struct http_server *hs, struct http_parser *p, const uint8_t *data,
	      uint32_t len)
{
	struct http_parser in;
	long n;

	if (http_memo_get(&hs->req_memo, p, sizeof(*p), data, len, &n))
		return n;
	in = *p;
	n = http_parse(p, data, len);
	http_memo_put(&hs->req_memo, &in, p, sizeof(*p), data, len, n);
	return n;
}

static inline struct http_conn *
hc_of(struct tcp_conn *c)
{
	return (struct http_conn *)c->app_state;
}

int
http_templates_init(struct http_templates *ht, uint32_t body)
{
	static const struct {
		const char *status;
		bool head;
		bool close;
		bool has_body;
	} k[HTTP_R_NKINDS] = {
		[HTTP_R_GET_KA] = { "200 OK", false, false, true },
		[HTTP_R_GET_CLOSE] = { "200 OK", false, true, true },
		[HTTP_R_HEAD_KA] = { "200 OK", true, false, true },
		[HTTP_R_HEAD_CLOSE] = { "200 OK", true, true, true },
		[HTTP_R_405_KA] = { "405 Method Not Allowed", false, false, false },
		[HTTP_R_405_CLOSE] = { "405 Method Not Allowed", false, true, false },
		[HTTP_R_400] = { "400 Bad Request", false, true, false },
	};

	memset(ht, 0, sizeof(*ht));
	ht->body = malloc(body > 0 ? body : 1);
	if (ht->body == NULL)
		goto fail;
	for (uint32_t i = 0; i < body; i++)
		ht->body[i] = http_body_byte(i, body);
	ht->body_len = body;
	for (int i = 0; i < HTTP_R_NKINDS; i++) {
		struct http_template *t = &ht->t[i];
		uint32_t clen = k[i].has_body ? body : 0;
		char buf[256];
		int n;

		n = snprintf(buf, sizeof(buf),
			     "HTTP/1.1 %s\r\nServer: tcpterm\r\n"
			     "Content-Type: text/plain\r\nContent-Length: %u\r\n"
			     "Connection: %s\r\n\r\n",
			     k[i].status, clen, k[i].close ? "close" : "keep-alive");
		if (n < 0 || (size_t)n >= sizeof(buf))
			goto fail;
		t->hdr = strdup(buf);
		if (t->hdr == NULL)
			goto fail;
		t->hdr_len = (uint32_t)n;
		/* RFC 9110 9.3.2: HEAD gets the headers of GET, no body. */
		t->body_len = k[i].head ? 0 : clen;
		t->len = t->hdr_len + t->body_len;
		if (t->body_len <= HTTP_WHOLE_MAX) {
			t->whole = malloc(t->len);
			if (t->whole == NULL)
				goto fail;
			memcpy(t->whole, t->hdr, t->hdr_len);
			memcpy(t->whole + t->hdr_len, ht->body, t->body_len);
		}
	}
	return 0;
fail:
	http_templates_free(ht);
	return -1;
}

void
http_templates_free(struct http_templates *ht)
{
	for (int i = 0; i < HTTP_R_NKINDS; i++) {
		free(ht->t[i].hdr);
		free(ht->t[i].whole);
	}
	free(ht->body);
	memset(ht, 0, sizeof(*ht));
}

void
http_server_init(struct http_server *hs, const struct tt_http_config *cfg,
		 const struct http_templates *tpl, struct tcp_stack *stack,
		 struct tt_stats *st, uint64_t seed)
{
	hs->cfg = cfg;
	hs->tpl = tpl;
	hs->stack = stack;
	hs->st = st;
	hs->rng = seed | 1;
	hs->req_memo.len = 0;
}

int
http_server_listen(struct http_server *hs)
{
	for (unsigned i = 0; i < hs->cfg->n_listen; i++)
		if (tcp_listen(hs->stack, hs->cfg->listen[i], &http_server_ops, hs) < 0)
			return -1;
	return 0;
}

/* How the application ends a connection (teardown.md, issue "close modes"). */
static void
app_close(struct http_server *hs, struct tcp_conn *c)
{
	struct http_conn *h = hc_of(c);

	h->closing = HC_CLOSING_NOW;
	tcp_app_timer(hs->stack, c, 0);
	if (hs->cfg->rst_fraction > 0 && tt_rand01(&hs->rng) < hs->cfg->rst_fraction)
		tcp_abort(hs->stack, c);          /* SO_LINGER {1, 0} */
	else if (hs->cfg->close_mode == TT_CLOSE_SHUTDOWN && !h->eof)
		tcp_shutdown(hs->stack, c);       /* half-close, keep reading */
	else
		tcp_close(hs->stack, c);
}

/* Kind of the n-th response from the end of the runs (n >= 1). */
static enum http_resp_kind
kind_from_end(const struct http_conn *h, uint32_t n)
{
	for (unsigned i = h->nruns; i-- > 0;) {
		unsigned r = (h->head + i) % HTTP_RUNS;

		if (n <= h->run_count[r])
			return (enum http_resp_kind)h->run_kind[r];
		n -= h->run_count[r];
	}
	return HTTP_R_400;      /* not reached: unsent counts queued responses */
}

/*
 * Hand parsed responses to TCP while its queue (sent and unacknowledged
 * bytes) is below tcp.sndbuf, as a kernel socket's send buffer makes
 * write() wait (Linux tcp_wmem): a client pipelining large responses can
 * no longer push unbounded bytes into one connection's sequence space.
 * The rest wait in the runs, in order, for on_acked.  One response always
 * goes when the queue is empty, whatever its size.
 */
static void
flush_responses(struct http_server *hs, struct tcp_conn *c)
{
	struct http_conn *h = hc_of(c);
	uint32_t bound = hs->stack->cfg->sndbuf;

	while (h->unsent > 0 && (bound == 0 || tcp_unacked(c) < bound)) {
		enum http_resp_kind k = kind_from_end(h, h->unsent);

		h->unsent--;
		tcp_send(hs->stack, c, hs->tpl->t[k].len);
	}
	if (h->unsent > 0)
		TT_INC(hs->st, http_sndbuf_waits);
	else if (h->closing == HC_CLOSING_AFTER)
		app_close(hs, c);
}

/* Close once every parsed response is on its way (at once when none
 * waits); stops parsing now. */
static void
app_close_after_responses(struct http_server *hs, struct tcp_conn *c)
{
	struct http_conn *h = hc_of(c);

	if (h->unsent == 0) {
		app_close(hs, c);
		return;
	}
	h->closing = HC_CLOSING_AFTER;
}

static void
queue_response(struct http_server *hs, struct tcp_conn *c, enum http_resp_kind k)
{
	struct http_conn *h = hc_of(c);
	unsigned last = (h->head + h->nruns - 1u) % HTTP_RUNS;

	if (h->nruns > 0 && h->run_kind[last] == k && h->run_count[last] < UINT16_MAX) {
		h->run_count[last]++;
	} else if (h->nruns < HTTP_RUNS) {
		last = (h->head + h->nruns) % HTTP_RUNS;
		h->run_kind[last] = (uint8_t)k;
		h->run_count[last] = 1;
		h->nruns++;
	} else {
		/* More alternating kinds in flight than we track: a client
		 * pipelining that hard gets a reset rather than wrong bytes. */
		tcp_abort(hs->stack, c);
		return;
	}
	TT_INC(hs->st, http_responses);
	h->unsent++;
	if (h->unsent == 1)
		flush_responses(hs, c);
}

static void
on_established(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct http_server *hs = arg;
	struct http_conn *h = hc_of(c);

	memset(h, 0, sizeof(*h));
	http_parser_init(&h->p);
	if (hs->cfg->keepalive_timeout > 0)
		tcp_app_timer(hs->stack, c, now + hs->cfg->keepalive_timeout);
}

static void
on_recv(void *arg, struct tcp_conn *c, const uint8_t *data, uint32_t len, uint64_t now)
{
	struct http_server *hs = arg;
	struct http_conn *h = hc_of(c);

	while (len > 0 && !h->closing) {
		long n = parse_request(hs, &h->p, data, len);
		enum http_resp_kind k;
		bool ka;

		if (n < 0) {
			TT_INC(hs->st, http_bad_requests);
			queue_response(hs, c, HTTP_R_400);
			if (c->flags & TF_FREED)
				return;
			app_close_after_responses(hs, c);
			return;
		}
		data += n;
		len -= (uint32_t)n;
		if (!http_parser_done(&h->p))
			break;
		TT_INC(hs->st, http_requests);
		h->requests++;
		ka = http_parser_keepalive(&h->p) && hs->cfg->keepalive_timeout > 0 &&
			!hs->stack->draining;
		if (ka && hs->cfg->keepalive_requests > 0 &&
		    h->requests >= hs->cfg->keepalive_requests) {
			/* nginx keepalive_requests: the last response says close. */
			TT_INC(hs->st, http_keepalive_limit);
			ka = false;
		}
		switch (h->p.method) {
		case HTTP_M_GET:
		case HTTP_M_POST:
			k = ka ? HTTP_R_GET_KA : HTTP_R_GET_CLOSE;
			break;
		case HTTP_M_HEAD:
			k = ka ? HTTP_R_HEAD_KA : HTTP_R_HEAD_CLOSE;
			break;
		default:
			k = ka ? HTTP_R_405_KA : HTTP_R_405_CLOSE;
			break;
		}
		queue_response(hs, c, k);
		if (c->flags & TF_FREED)
			return;
		if (!ka) {
			app_close_after_responses(hs, c);
			return;
		}
		http_parser_init(&h->p);
		tcp_app_timer(hs->stack, c, now + hs->cfg->keepalive_timeout);
	}
}

static void
on_eof(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct http_server *hs = arg;
	struct http_conn *h = hc_of(c);

	h->eof = 1;
	if (h->closing == HC_CLOSING_AFTER)
		return;         /* closes once its responses are out */
	if (h->closing) {
		/* We shut down first (close_mode = shutdown): now close. */
		tcp_close(hs->stack, c);
		return;
	}
	/* teardown.md "CLOSE_WAIT piling up": the application may take its
	 * time to close after EOF, or never close. */
	if (hs->cfg->close_wait_delay < 0) {
		TT_INC(hs->st, close_wait_delayed);
		tcp_app_timer(hs->stack, c, 0);
		return;
	}
	if (hs->cfg->close_wait_delay > 0) {
		TT_INC(hs->st, close_wait_delayed);
		tcp_app_timer(hs->stack, c, now + (uint64_t)hs->cfg->close_wait_delay);
		return;
	}
	app_close_after_responses(hs, c);
}

static void
on_timer(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct http_server *hs = arg;
	struct http_conn *h = hc_of(c);

	(void)now;
	if (!h->eof)
		TT_INC(hs->st, http_keepalive_timeouts);
	app_close(hs, c);
}

static void
on_acked(void *arg, struct tcp_conn *c, uint32_t bytes, uint64_t now)
{
	struct http_server *hs = arg;
	struct http_conn *h = hc_of(c);

	(void)now;
	h->acked += bytes;
	/* Forget the responses that are wholly acknowledged. */
	while (h->nruns > 0) {
		uint32_t len = hs->tpl->t[h->run_kind[h->head]].len;

		if (h->acked - h->base < len)
			break;
		h->base += len;
		if (--h->run_count[h->head] == 0) {
			h->head = (h->head + 1) % HTTP_RUNS;
			h->nruns--;
		}
	}
	/* Room in the send queue: the responses that waited go now. */
	if (h->unsent > 0 && !(c->flags & TF_ORPHAN))
		flush_responses(hs, c);
}

static void
on_fill(void *arg, struct tcp_conn *c, uint32_t off, uint8_t *dst, uint32_t len)
{
	struct http_server *hs = arg;
	struct http_conn *h = hc_of(c);
	uint32_t start = h->base;
	unsigned r = h->head;
	unsigned left = h->nruns;
	unsigned first_count_used = 0;

	while (len > 0 && left > 0) {
		const struct http_template *t = &hs->tpl->t[h->run_kind[r]];
		uint32_t count = h->run_count[r] - first_count_used;
		uint64_t run_len = (uint64_t)t->len * count;

		if ((uint64_t)(off - start) >= run_len) {
			start += (uint32_t)run_len;
			r = (r + 1) % HTTP_RUNS;
			left--;
			continue;
		}
		/* Inside this run: position within one response. */
		uint32_t pos = off - start;

		if (pos >= t->len)      /* not the first response of the run */
			pos %= t->len;
		uint32_t n = t->len - pos;

		if (n > len)
			n = len;
		/* Header bytes, then body bytes, both prebuilt. */
		if (t->whole != NULL) {
			memcpy(dst, t->whole + pos, n);
		} else if (pos < t->hdr_len) {
			uint32_t nh = t->hdr_len - pos < n ? t->hdr_len - pos : n;

			memcpy(dst, t->hdr + pos, nh);
			if (nh < n)
				memcpy(dst + nh, hs->tpl->body, n - nh);
		} else {
			memcpy(dst, hs->tpl->body + (pos - t->hdr_len), n);
		}
		dst += n;
		len -= n;
		off += n;
	}
	/* A range beyond what was queued would be a stack bug; send zeros
	 * rather than stale memory. */
	if (len > 0)
		memset(dst, 0, len);
}

/* Draining (nginx's graceful shutdown): an idle connection, or one whose
 * peer already closed, closes now; one in the middle of a request closes
 * right after its response (keep-alive is off while draining). */
static void
on_drain(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct http_server *hs = arg;
	struct http_conn *h = hc_of(c);

	(void)now;
	if (h->closing || c->state == TCP_SYN_RECEIVED)
		return;         /* its response will say close */
	if (h->eof || http_parser_idle(&h->p))
		app_close_after_responses(hs, c);
}

static void
on_closed(void *arg, struct tcp_conn *c, enum tcp_close_reason why)
{
	(void)arg;
	(void)c;
	(void)why;
}

const struct tcp_app_ops http_server_ops = {
	.established = on_established,
	.recv = on_recv,
	.eof = on_eof,
	.acked = on_acked,
	.timer = on_timer,
	.closed = on_closed,
	.drain = on_drain,
	.fill = on_fill,
};
