/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.1 load generator: the connection pacing (http_client_tick) and the
 * application callbacks of a client connection (see http_client.h).
 */
#include <stdio.h>
#include <string.h>

#include "http/http_client.h"
#include "http/http_resp.h"

/* Per-connection state, inside tcp_conn.app_state. */
struct hc_conn {
	struct http_resp_parser p;   /* the response being read */
	uint64_t t_req;              /* when the outstanding request was queued */
	uint64_t t_close;            /* when the close began (see closing) */
	uint32_t sent;               /* requests queued */
	uint32_t done;               /* responses complete */
	uint8_t ending;              /* no more requests: last response in, or
	                              * the server announced close */
	uint8_t closing;             /* we closed, or the server's FIN came */
	uint8_t eof;                 /* the server's FIN came */
	uint8_t drain;               /* draining: no request after this one */
	uint8_t last_close;          /* the last request sent says Connection: close */
};

_Static_assert(sizeof(struct hc_conn) <= TCP_APP_STATE_SIZE,
	       "client state must fit in tcp_conn.app_state");

static inline struct hc_conn *
hcc_of(struct tcp_conn *c)
{
	return (struct hc_conn *)c->app_state;
}

static inline uint32_t
hc_rpc(const struct http_client *hc)
{
	return hc->cfg->requests_per_conn ? hc->cfg->requests_per_conn : 1;
}

/* Share of a process-wide quantity for lcore i of n. */
static uint64_t
hc_share(uint64_t total, unsigned i, unsigned n)
{
	return total / n + (i < total % n ? 1 : 0);
}

int
http_client_init(struct http_client *hc, const struct tt_client_config *cfg,
		 struct tcp_stack *stack, struct tt_stats *st, unsigned lcore,
		 unsigned n_lcores, http_client_pick_fn pick, void *pick_arg,
		 uint64_t now)
{
	int n;

	memset(hc, 0, sizeof(*hc));
	if (cfg->n_targets == 0 || n_lcores == 0 || lcore >= n_lcores || pick == NULL)
		return -1;
	hc->cfg = cfg;
	hc->stack = stack;
	hc->st = st;
	hc->pick = pick;
	hc->pick_arg = pick_arg;

	n = snprintf(hc->req, sizeof(hc->req), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n",
		     cfg->path, cfg->host);
	if (n < 0 || (size_t)n >= sizeof(hc->req))
		return -1;
	hc->req_len = (uint32_t)n;
	n = snprintf(hc->req_close, sizeof(hc->req_close),
		     "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
		     cfg->path, cfg->host);
	if (n < 0 || (size_t)n >= sizeof(hc->req_close))
		return -1;
	hc->req_close_len = (uint32_t)n;

	hc->rate = hc_share(cfg->rate, lcore, n_lcores);
	hc->concurrency = (uint32_t)hc_share(cfg->concurrency, lcore, n_lcores);
	if (cfg->rate > 0 && hc->rate == 0)
		hc->concurrency = 0;   /* a rate below one per lcore: idle lcore */
	hc->ramp_up = cfg->ramp_up;
	(void)now;   /* the ramp starts at the first tick, see http_client_tick */
	hc->max_per_tick = HTTP_CLIENT_MAX_PER_TICK;
	/* Spread the lcores' first connections over the targets. */
	hc->next_target = lcore % cfg->n_targets;
	return 0;
}

void
http_client_stop(struct http_client *hc)
{
	hc->stopped = true;
}

/* ---- pacing ---- */

/* Time since start scaled by the ramp: the integral of rate(t) / rate, us,
 * with rate(t) growing linearly from 0 over ramp_up. */
static double
hc_ramp_time(const struct http_client *hc, uint64_t now)
{
	double x = now > hc->start ? (double)(now - hc->start) : 0.0;
	double r = (double)hc->ramp_up;

	if (hc->ramp_up == 0)
		return x;
	if (x < r)
		return x * x / (2.0 * r);
	return x - r / 2.0;
}

/* Connections that may be open now: the share, grown linearly over the
 * ramp-up when there is no rate to ramp (the [client] ramp_up doc). */
static uint32_t
hc_open_limit(const struct http_client *hc, uint64_t now)
{
	uint64_t x;

	if (hc->rate > 0 || hc->ramp_up == 0)
		return hc->concurrency;
	x = now > hc->start ? now - hc->start : 0;
	if (x >= hc->ramp_up)
		return hc->concurrency;
	return (uint32_t)((double)hc->concurrency * (double)x / (double)hc->ramp_up);
}

static void
hc_refill(struct http_client *hc, uint64_t now)
{
	double e = hc_ramp_time(hc, now);
	double burst;

	if (hc->rate == 0)
		return;
	hc->tokens += (double)hc->rate * (e - hc->ramp_last) / 1e6;
	hc->ramp_last = e;
	burst = (double)hc->rate * HTTP_CLIENT_BURST_US / 1e6;
	if (burst < 1.0)
		burst = 1.0;
	if (hc->tokens > burst)
		hc->tokens = burst;
}

/* Tokens are sums of small fractions: allow for their rounding. */
#define HC_TOKEN_EPS 1e-9

/* Open one connection, trying each target once from the cursor on.
 * Returns 0, or -1 when nothing can be opened now. */
static int
hc_open_one(struct http_client *hc, uint64_t now)
{
	unsigned n = hc->cfg->n_targets;
	struct tcp_tuple t;
	struct tcp_conn *c;
	struct hc_conn *h;
	uint32_t isn = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		unsigned idx = hc->next_target;

		/* idx < n: a compare, not a division per connection. */
		hc->next_target = idx + 1 < n ? idx + 1 : 0;
		if (hc->pick(hc->pick_arg, idx, &t, &isn, now) == 0)
			break;
	}
	if (i == n) {
		/* issue 4: no free tuple to any target: count and pace. */
		TT_INC(hc->st, port_exhausted);
		return -1;
	}
	c = tcp_connect(hc->stack, &t, &http_client_ops, hc, isn, now);
	if (c == NULL) {
		/* Table full is counted by the stack (connect_failed_table_full);
		 * a tuple in use is the picker's mistake. */
		if (hc->stack->n_conns < hc->stack->max_conns)
			hc->tuple_busy++;
		return -1;
	}
	h = hcc_of(c);
	memset(h, 0, sizeof(*h));
	http_resp_init(&h->p, false);
	hc->open++;
	return 0;
}

void
http_client_tick(struct http_client *hc, uint64_t now)
{
	uint32_t limit;

	if (!hc->ticking) {
		/* Time spent between init and the worker loop is no part of
		 * the ramp-up. */
		hc->ticking = true;
		hc->start = now;
		hc->ramp_last = 0;
	}
	hc_refill(hc, now);
	if (hc->stopped || now < hc->paused_until)
		return;
	limit = hc_open_limit(hc, now);
	for (unsigned k = 0; k < hc->max_per_tick && hc->open < limit; k++) {
		if (hc->rate > 0 && hc->tokens < 1.0 - HC_TOKEN_EPS)
			break;
		if (hc_open_one(hc, now) < 0) {
			hc->paused_until = now + HTTP_CLIENT_EXHAUSTED_PAUSE;
			break;
		}
		if (hc->rate > 0)
			hc->tokens -= 1.0;
	}
}

/* ---- the connection ---- */

static void
hc_send_request(struct http_client *hc, struct tcp_conn *c, uint64_t now)
{
	struct hc_conn *h = hcc_of(c);

	h->sent++;
	/* Only the last request of a connection may be the close variant;
	 * remember which it was, for fill(). */
	h->last_close = hc->cfg->closer == TT_CLOSER_SERVER &&
		(h->sent == hc_rpc(hc) || h->drain);
	http_resp_init(&h->p, false);
	h->t_req = now;
	TT_INC(hc->st, http_client_requests);
	tcp_send(hc->stack, c, h->last_close ? hc->req_close_len : hc->req_len);
}

static void
hc_close(struct http_client *hc, struct tcp_conn *c, uint64_t now)
{
	struct hc_conn *h = hcc_of(c);

	if (!h->closing) {
		h->closing = 1;
		h->t_close = now;
	}
	tcp_close(hc->stack, c);
}

/* A malformed or unexpected response: reset the connection (stats.h
 * http_client_bad_responses). c is released on return. */
static void
hc_bad_response(struct http_client *hc, struct tcp_conn *c)
{
	TT_INC(hc->st, http_client_bad_responses);
	tcp_abort(hc->stack, c);
}

static void
hc_response_done(struct http_client *hc, struct tcp_conn *c, uint64_t now)
{
	struct hc_conn *h = hcc_of(c);
	bool ka = http_resp_keepalive(&h->p);

	h->done++;
	TT_INC(hc->st, http_client_responses);
	hist_add(&hc->h_response, now - h->t_req);
	if (h->done < hc_rpc(hc) && ka && !h->eof && !h->drain) {
		hc_send_request(hc, c, now);
		return;
	}
	h->ending = 1;
	if (h->eof)
		return;                 /* on_eof closes */
	/*
	 * closer = client: we close first and hold TIME_WAIT.  closer =
	 * server: the server said close (we asked on the last request, or it
	 * hit its own limit) and its FIN comes next; if it said keep-alive
	 * after all, it will not close, so we do.
	 */
	if (hc->cfg->closer == TT_CLOSER_CLIENT || ka || h->drain)
		hc_close(hc, c, now);
}

/* Draining: the request in flight gets its response, then the client
 * closes; a connection not yet established or between requests closes now
 * (SYN_SENT ones are simply dropped by tcp_close). */
static void
on_drain(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct http_client *hc = arg;
	struct hc_conn *h = hcc_of(c);

	h->drain = 1;
	if (h->closing || c->state == TCP_SYN_SENT)
		return;         /* it will send one last request */
	if (h->done == h->sent || h->eof)
		hc_close(hc, c, now);
}

static void
on_established(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct http_client *hc = arg;

	/* c->opened: when tcp_connect sent the SYN. */
	hist_add(&hc->h_connect, now - c->opened);
	/* Established while draining: one request, the last (it asks the
	 * server to close when the server is the closer). */
	hc_send_request(hc, c, now);
}

http_memo_check_state(struct http_resp_parser, nheaders);

/* http_resp_parse, or the outcome of the same call last time
 * (http_memo.h): every response of a run is usually the same bytes. */
static long
parse_response(struct http_client *hc, struct http_resp_parser *p,
	       const uint8_t *data, uint32_t len)
{
	struct http_resp_parser in;
	long n;

	if (http_memo_get(&hc->resp_memo, p, sizeof(*p), data, len, &n))
		return n;
	in = *p;
	n = http_resp_parse(p, data, len);
	http_memo_put(&hc->resp_memo, &in, p, sizeof(*p), data, len, n);
	return n;
}

static void
on_recv(void *arg, struct tcp_conn *c, const uint8_t *data, uint32_t len, uint64_t now)
{
	struct http_client *hc = arg;
	struct hc_conn *h = hcc_of(c);

	while (len > 0) {
		long n;

		if (h->ending || h->done == h->sent) {
			/* Bytes no request asked for. */
			hc_bad_response(hc, c);
			return;
		}
		n = parse_response(hc, &h->p, data, len);
		if (n < 0) {
			hc_bad_response(hc, c);
			return;
		}
		data += n;
		len -= (uint32_t)n;
		if (!http_resp_done(&h->p))
			break;
		hc_response_done(hc, c, now);
		if (c->flags & TF_ORPHAN) {
			/* We closed after the last response: anything after
			 * it in the same segment was not asked for. */
			if (len > 0)
				hc_bad_response(hc, c);
			return;
		}
	}
}

static void
on_eof(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct http_client *hc = arg;
	struct hc_conn *h = hcc_of(c);

	h->eof = 1;
	if (!h->closing) {
		/* The server closed first: the close starts with its FIN. */
		h->closing = 1;
		h->t_close = now;
	}
	/* A body delimited by the close ends here (RFC 9112 6.3 rule 8). */
	if (h->done < h->sent && http_resp_eof(&h->p))
		hc_response_done(hc, c, now);
	if (!h->ending)
		hc->premature_eofs++;
	/* We are the passive closer: LAST_ACK, no TIME_WAIT on this side. */
	tcp_close(hc->stack, c);
}

static void
on_acked(void *arg, struct tcp_conn *c, uint32_t bytes, uint64_t now)
{
	/* Nothing to free: the stream is regenerated from the counts. */
	(void)arg;
	(void)c;
	(void)bytes;
	(void)now;
}

static void
on_timer(void *arg, struct tcp_conn *c, uint64_t now)
{
	(void)arg;
	(void)c;
	(void)now;
}

static void
on_closed(void *arg, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct http_client *hc = arg;
	struct hc_conn *h = hcc_of(c);
	bool est = (c->flags & TF_ESTABLISHED) != 0;

	hc->open--;
	switch (why) {
	case TCP_CLOSED_NORMAL:
		/* The record goes at the end of LAST_ACK, or when TIME_WAIT
		 * begins (the TIME_WAIT record is the stack's, not ours). */
		if (h->closing)
			hist_add(&hc->h_close, hc->stack->now - h->t_close);
		if (h->ending)
			hc->conns_completed++;
		break;
	case TCP_CLOSED_RESET:
		/* In SYN_SENT the stack counted connect_failed_refused. */
		if (est)
			hc->failed_reset++;
		break;
	case TCP_CLOSED_TIMEOUT:
		/* In SYN_SENT the stack counted connect_failed_timeout. */
		if (est)
			hc->failed_timeout++;
		break;
	case TCP_CLOSED_ABORT:
		hc->aborted++;
		break;
	}
}

/* Byte range [off, off + len) of the request stream.  Every request is
 * req_len bytes but the last, which may be the close variant, so request
 * i starts at i * req_len. */
static void
on_fill(void *arg, struct tcp_conn *c, uint32_t off, uint8_t *dst, uint32_t len)
{
	struct http_client *hc = arg;
	struct hc_conn *h = hcc_of(c);
	uint64_t L = hc->req_len;
	uint64_t end = (uint64_t)h->sent * L;
	uint64_t pos;

	if (h->sent > 0 && h->last_close)
		end += hc->req_close_len - hc->req_len;
	/* off is the stream offset modulo 2^32: take the one within 4 GiB
	 * below the end of what was queued. */
	pos = end - (uint32_t)((uint32_t)end - off);
	while (len > 0 && pos < end) {
		/* No 64-bit division for the first request (all of them
		 * with one request per connection). */
		uint64_t i = pos < L ? 0 : pos / L;
		const char *tpl;
		uint32_t tlen, at, n;

		if (h->last_close && i >= h->sent - 1u)
			i = h->sent - 1u;     /* inside the longer last request */
		if (h->last_close && i + 1 == h->sent) {
			tpl = hc->req_close;
			tlen = hc->req_close_len;
		} else {
			tpl = hc->req;
			tlen = hc->req_len;
		}
		at = (uint32_t)(pos - i * L);
		n = tlen - at;
		if (n > len)
			n = len;
		memcpy(dst, tpl + at, n);
		dst += n;
		len -= n;
		pos += n;
	}
	/* A range beyond what was queued would be a stack bug: zeros rather
	 * than stale memory. */
	if (len > 0)
		memset(dst, 0, len);
}

const struct tcp_app_ops http_client_ops = {
	.established = on_established,
	.recv = on_recv,
	.eof = on_eof,
	.acked = on_acked,
	.timer = on_timer,
	.closed = on_closed,
	.drain = on_drain,
	.fill = on_fill,
};
