/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Metrics for many machines: the counters, TCP state gauges, port
 * statistics and the client's latency histograms in the Prometheus text
 * exposition format (0.0.4), at http://[general] metrics_listen/metrics.
 *
 * Served by libmicrohttpd (a maintained HTTP server, not a hand-written
 * one) from a DPDK control thread: rte_ctrl_thread_create keeps it off the
 * worker lcores' CPUs, and libmicrohttpd runs inside it (no thread of its
 * own), so a scrape never takes a cycle from a worker.  Workers are not
 * told: each lcore's counters have a single writer, and the reader loads
 * them with tt_stats_load / hist_merge, as the reporter does (a value a
 * poll stale is fine).
 *
 * Names follow the Prometheus conventions: tcpterm_ prefix, _total on
 * counters, base units (seconds), labels lcore and port.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "app.h"
#include "metrics.h"
#include "stats/hist.h"

/* A growing text buffer. */
struct mbuf_text {
	char *p;
	size_t n, cap;
	bool oom;
};

static void __attribute__((format(printf, 2, 3)))
put(struct mbuf_text *b, const char *fmt, ...)
{
	va_list ap;
	int need;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		need = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (need < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)need < b->cap - b->n) {
			b->n += (size_t)need;
			return;
		}
		size_t cap = b->cap * 2 + (size_t)need;
		char *p = realloc(b->p, cap);

		if (p == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

/* tcpterm_<counter>: "conns_" reads "connections_" (Prometheus names are
 * words, not abbreviations). */
static void
metric_name(char *out, size_t len, const char *counter)
{
	if (strncmp(counter, "conns_", 6) == 0)
		snprintf(out, len, "tcpterm_connections_%s_total", counter + 6);
	else
		snprintf(out, len, "tcpterm_%s_total", counter);
}

static void
render_counters(struct tt_app *app, const struct tt_stats *st, struct mbuf_text *b)
{
	char name[96];

	for (unsigned k = 0; k < TT_NCOUNTERS; k++) {
		metric_name(name, sizeof(name), tt_counter_names[k]);
		put(b, "# HELP %s %s\n# TYPE %s counter\n", name, tt_counter_help[k], name);
		for (unsigned i = 0; i < app->n_workers; i++)
			put(b, "%s{lcore=\"%u\"} %" PRIu64 "\n", name,
			    app->workers[i]->lcore_id, st[i].c[k]);
	}
}

static void
render_states(struct tt_app *app, const struct tt_stats *st, struct mbuf_text *b)
{
	put(b, "# HELP tcpterm_tcp_state connections now in each TCP state "
	    "(TIME_WAIT: compact records)\n# TYPE tcpterm_tcp_state gauge\n");
	for (unsigned i = 0; i < app->n_workers; i++)
		for (unsigned k = 0; k < TCP_NSTATES; k++)
			put(b, "tcpterm_tcp_state{lcore=\"%u\",state=\"%s\"} %" PRId64 "\n",
			    app->workers[i]->lcore_id, tcp_state_name(k), st[i].state[k]);
}

static void
render_ports(struct tt_app *app, struct mbuf_text *b)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} f[] = {
#define F(n, m, h) { "tcpterm_port_" n "_total", h, offsetof(struct rte_eth_stats, m) }
		F("rx_packets", ipackets, "packets received by the port"),
		F("tx_packets", opackets, "packets sent by the port"),
		F("rx_bytes", ibytes, "bytes received by the port"),
		F("tx_bytes", obytes, "bytes sent by the port"),
		F("rx_missed", imissed, "packets the port dropped: RX queue full"),
		F("rx_errors", ierrors, "erroneous received packets"),
		F("tx_errors", oerrors, "failed transmitted packets"),
		F("rx_nombuf", rx_nombuf, "RX mbuf allocation failures"),
#undef F
	};
	struct rte_eth_stats es[TT_MAX_PORTS];
	bool ok[TT_MAX_PORTS];

	for (unsigned p = 0; p < app->n_ports; p++)
		ok[p] = rte_eth_stats_get(app->port_ids[p], &es[p]) == 0;
	for (unsigned k = 0; k < RTE_DIM(f); k++) {
		put(b, "# HELP %s %s\n# TYPE %s counter\n", f[k].name, f[k].help, f[k].name);
		for (unsigned p = 0; p < app->n_ports; p++)
			if (ok[p])
				put(b, "%s{port=\"%u\"} %" PRIu64 "\n", f[k].name, p,
				    *(const uint64_t *)((const char *)&es[p] + f[k].off));
	}
}

/*
 * One histogram per latency kind, per lcore.  The buckets' upper bounds are
 * the octave ends of lib/stats/hist (2^m - 1 us), which are exact: a sample
 * is an integer number of microseconds, so "le" never splits a bucket.
 */
static void
render_latency(struct tt_app *app, struct mbuf_text *b)
{
	static const char *const kind[] = { "connect", "response", "close" };

	for (unsigned k = 0; k < RTE_DIM(kind); k++) {
		put(b, "# HELP tcpterm_client_%s_latency_seconds client %s latency\n"
		    "# TYPE tcpterm_client_%s_latency_seconds histogram\n",
		    kind[k], kind[k], kind[k]);
		for (unsigned i = 0; i < app->n_workers; i++) {
			const struct http_client *hc = &app->workers[i]->client;
			static struct hist h;    /* one snapshot (the control thread only) */
			unsigned lc = app->workers[i]->lcore_id;
			uint64_t cum = 0, edge = 1;
			unsigned bi = 0;

			if (!app->workers[i]->client_on)
				continue;
			hist_reset(&h);
			hist_merge(&h, k == 0 ? &hc->h_connect : k == 1 ? &hc->h_response : &hc->h_close);
			for (unsigned m = 1; m <= HIST_TOP_BIT + 1; m++) {
				edge = (1ull << m) - 1;
				for (; bi < HIST_NBUCKETS && hist_bucket_hi(bi) <= edge; bi++)
					cum += h.b[bi];
				put(b, "tcpterm_client_%s_latency_seconds_bucket{lcore=\"%u\","
				    "le=\"%.6f\"} %" PRIu64 "\n", kind[k], lc, edge / 1e6, cum);
			}
			for (; bi < HIST_NBUCKETS; bi++)
				cum += h.b[bi];
			put(b, "tcpterm_client_%s_latency_seconds_bucket{lcore=\"%u\",le=\"+Inf\"} "
			    "%" PRIu64 "\n", kind[k], lc, cum);
			put(b, "tcpterm_client_%s_latency_seconds_sum{lcore=\"%u\"} %.6f\n",
			    kind[k], lc, h.sum / 1e6);
			put(b, "tcpterm_client_%s_latency_seconds_count{lcore=\"%u\"} %" PRIu64 "\n",
			    kind[k], lc, cum);
		}
	}
}

char *
metrics_render(struct tt_app *app, size_t *len)
{
	struct mbuf_text b = { .cap = 64 * 1024 };
	struct tt_stats *st = malloc(app->n_workers * sizeof(*st));

	b.p = malloc(b.cap);
	if (b.p == NULL || st == NULL) {
		free(b.p);
		free(st);
		return NULL;
	}
	/* One consistent-enough snapshot per lcore (single writer each). */
	for (unsigned i = 0; i < app->n_workers; i++)
		tt_stats_load(&st[i], &app->workers[i]->st);
	static const char *const mode[] = { "server", "client", "both" };

	put(&b, "# HELP tcpterm_info tcpterm version and mode\n# TYPE tcpterm_info gauge\n"
	    "tcpterm_info{version=\"%s\",mode=\"%s\"} 1\n", TCPTERM_VERSION,
	    app->cfg.gen.mode < RTE_DIM(mode) ? mode[app->cfg.gen.mode] : "?");
	put(&b, "# HELP tcpterm_uptime_seconds time since the workers started\n"
	    "# TYPE tcpterm_uptime_seconds gauge\ntcpterm_uptime_seconds %.3f\n",
	    app_now_us() / 1e6);
	render_counters(app, st, &b);
	render_states(app, st, &b);
	free(st);
	render_ports(app, &b);
	if (app->cfg.gen.mode != TT_MODE_SERVER)
		render_latency(app, &b);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	*len = b.n;
	return b.p;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload, size_t *upload_len, void **state)
{
	struct tt_app *app = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned status = MHD_HTTP_OK;
	size_t len = 0;
	char *body;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		static const char m[] = "only GET and HEAD\n";

		r = MHD_create_response_from_buffer(sizeof(m) - 1, (void *)m,
						    MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
	} else if (strcmp(url, "/metrics") != 0) {
		static const char m[] = "tcpterm: the metrics are at /metrics\n";

		r = MHD_create_response_from_buffer(sizeof(m) - 1, (void *)m,
						    MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	} else if ((body = metrics_render(app, &len)) == NULL) {
		static const char m[] = "out of memory\n";

		r = MHD_create_response_from_buffer(sizeof(m) - 1, (void *)m,
						    MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	} else {
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(body);
	}
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				status == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
						      : "text/plain; charset=utf-8");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static struct {
	struct MHD_Daemon *d;
	pthread_t thread;
	volatile bool stop;
	bool running;
} M;

static void *
metrics_thread(void *arg)
{
	(void)arg;
	/* libmicrohttpd's own event loop, in this control thread: wait for
	 * activity at most 200 ms, so a stop request is seen promptly. */
	while (!M.stop)
		MHD_run_wait(M.d, 200);
	return NULL;
}

int
metrics_start(struct tt_app *app, char *err, size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint32_t ip;
	uint16_t port;
	int rc;

	if (strcmp(app->cfg.gen.metrics_listen, "off") == 0)
		return 0;
	if (tt_config_hostport(app->cfg.gen.metrics_listen, &ip, &port) != 0) {
		snprintf(err, errlen, "[general] metrics_listen '%s' is not A.B.C.D:PORT",
			 app->cfg.gen.metrics_listen);
		return -1;
	}
	sa.sin_addr.s_addr = htonl(ip);
	sa.sin_port = htons(port);
	M.stop = false;
	M.d = MHD_start_daemon(MHD_USE_ERROR_LOG, port, NULL, NULL, answer, app,
			       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			       MHD_OPTION_CONNECTION_LIMIT, 64u,
			       MHD_OPTION_CONNECTION_TIMEOUT, 10u,
			       MHD_OPTION_END);
	if (M.d == NULL) {
		snprintf(err, errlen, "[general] metrics_listen %s: cannot listen "
			 "there (address not local, or port in use)",
			 app->cfg.gen.metrics_listen);
		return -1;
	}
	rc = rte_ctrl_thread_create(&M.thread, "tt-metrics", NULL, metrics_thread, NULL);
	if (rc != 0) {
		MHD_stop_daemon(M.d);
		M.d = NULL;
		snprintf(err, errlen, "metrics: cannot start the control thread: %s",
			 strerror(rc));
		return -1;
	}
	M.running = true;
	return 0;
}

void
metrics_stop(void)
{
	if (!M.running)
		return;
	M.stop = true;
	pthread_join(M.thread, NULL);
	MHD_stop_daemon(M.d);
	M.d = NULL;
	M.running = false;
}
