/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_HTTP_CLIENT_H
#define TT_HTTP_CLIENT_H

/*
 * HTTP/1.1 load generator on top of the stack's application interface:
 * one struct http_client per worker lcore opens connections to the [client]
 * targets at the configured rate (token bucket, linear ramp-up) up to its
 * share of the concurrency, sends requests_per_conn GETs on each, one at a
 * time, and ends the connection as [client] closer says.
 *
 * Requests are never copied into per-connection buffers: every request is
 * one of two templates built at init (keep-alive, or "Connection: close"
 * for the last request when the server is to close first) and only the
 * last request of a connection can be the second kind, so fill() derives
 * any byte of the stream from the number of requests queued.
 *
 * Per connection it measures connect latency (tcp_connect -> ESTABLISHED),
 * response latency (request queued -> response complete) and close
 * duration (our close or the server's FIN -> the record released, i.e. the
 * end of the close or the start of TIME_WAIT) into the lcore's histograms.
 */

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "http/http_memo.h"
#include "stats/hist.h"
#include "stats/stats.h"
#include "tcp/tcp.h"

/* Longest request template (path and host are at most 127 bytes each). */
#define HTTP_CLIENT_REQ_MAX 384

/* Connects opened per tick at most by default (bounds one poll's work). */
#define HTTP_CLIENT_MAX_PER_TICK 256
/* Pause after "no tuple" or "table full", us: pacing, not spinning. */
#define HTTP_CLIENT_EXHAUSTED_PAUSE 1000
/* Tokens kept while opening is blocked (concurrency, exhaustion), as time
 * at the current rate, us: bounds the catch-up burst. */
#define HTTP_CLIENT_BURST_US 10000

/*
 * The tuple picker: a 4-tuple (local = ours) to target target_idx of
 * cfg->target_ip/port (target_ip6 when target_v6: an IPv6 tuple), and the ISN to use (0: the stack generates one; a
 * tuple reused from TIME_WAIT gives old snd_nxt + 65537).  Returns 0, or -1
 * when no tuple to that target is free now.
 */
typedef int (*http_client_pick_fn)(void *arg, unsigned target_idx,
				   struct tcp_tuple *out, uint32_t *isn, uint64_t now);

/* One per lcore. */
struct http_client {
	const struct tt_client_config *cfg;
	struct tcp_stack *stack;
	struct tt_stats *st;
	http_client_pick_fn pick;
	void *pick_arg;

	/* request templates */
	char req[HTTP_CLIENT_REQ_MAX];            /* keep-alive */
	char req_close[HTTP_CLIENT_REQ_MAX];      /* + Connection: close */
	uint32_t req_len, req_close_len;

	/* this lcore's share of [client] rate and concurrency */
	uint64_t rate;                 /* connections/s, 0 = unpaced */
	uint32_t concurrency;
	uint64_t ramp_up;              /* us */
	uint64_t start;                /* first tick: the ramp-up starts here */
	bool ticking;                  /* start is set */

	/* pacing */
	double tokens;                 /* connects allowed now (token bucket) */
	double ramp_last;              /* ramp-scaled time of the last refill, us */
	uint64_t paused_until;         /* after exhaustion / full table */
	unsigned max_per_tick;         /* HTTP_CLIENT_MAX_PER_TICK; tests change it */
	unsigned next_target;          /* round-robin cursor */
	bool stopped;

	uint32_t open;                 /* connections of ours not yet released */

	/* latency, us (cumulative; see hist.h for per-interval figures) */
	struct hist h_connect;
	struct hist h_response;
	struct hist h_close;

	/* Outcomes with no counter in stats.h (lcore-local, read by the
	 * reporter like the histograms). */
	uint64_t conns_completed;      /* every response in, orderly close */
	uint64_t premature_eofs;       /* server closed before the last response */
	uint64_t failed_reset;         /* established, then RST received */
	uint64_t failed_timeout;       /* established, then retries gave up */
	uint64_t aborted;              /* we reset it (bad response, drain) */
	uint64_t tuple_busy;           /* picker gave a tuple already in use */

	struct http_memo resp_memo;    /* the last response parse (http_memo.h) */
};

extern const struct tcp_app_ops http_client_ops;

/*
 * Prepare the client of lcore `lcore` of `n_lcores` (its share of rate and
 * concurrency is 1/n_lcores, remainders to the first lcores).  now is not
 * used: the ramp-up starts at the first http_client_tick(), so the time
 * between init and the worker loop does not count.  Returns 0, or -1 when
 * cfg has no target, lcore >= n_lcores, pick is NULL or the request does
 * not fit HTTP_CLIENT_REQ_MAX.
 */
int http_client_init(struct http_client *hc, const struct tt_client_config *cfg,
		     struct tcp_stack *stack, struct tt_stats *st, unsigned lcore,
		     unsigned n_lcores, http_client_pick_fn pick, void *pick_arg,
		     uint64_t now);

/* Call on every poll: opens the connections the rate, the concurrency and
 * the free tuples allow now. */
void http_client_tick(struct http_client *hc, uint64_t now);

/* Open no more connections (duration over, drain); open ones finish. */
void http_client_stop(struct http_client *hc);

#endif
