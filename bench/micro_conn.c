/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-connection cost of the real stacks, deterministic: a tcpterm HTTP
 * client and a tcpterm HTTP server in one process, back to back over a
 * simulated wire, each side driven the way a worker lcore drives it
 * (rx burst -> net_input -> tcp_input, timers, client tick, tx burst).
 * Every connection is a full one: SYN, SYN-ACK, ACK, GET, response, the
 * server's FIN, the client's FIN, the last ACK; the server closes
 * (client.closer = server) and keeps TIME_WAIT, which expires in steady
 * state because the fake clock advances one microsecond per completed
 * connection (1M conns/s of fake time) and time_wait is short.
 *
 * The wire models net_memif's copy mode: tx copies each frame into a
 * ring slot and frees the mbuf (the sender pays), rx allocates an mbuf and
 * copies the frame in (the receiver pays).  memif has no checksum offload
 * in DPDK 22.11, so neither side offloads here either.
 *
 *   micro_conn [--conns N] [--warmup N] [--concurrency N] [--burst N]
 *              [--time-wait-ms MS] [--body N] [--verbose] [--no-prefetch]
 *
 * prints TSC cycles per connection for each side (wall clock: noisy on a
 * shared machine).  bench/micro_conn.sh runs it under callgrind, which
 * counts instructions per side (mc_server_poll / mc_client_poll inclusive,
 * measured phase only) and gives the per-function breakdown.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Client requests to callgrind (no-ops outside valgrind); without the
 * header the figures are still printed, bench/micro_conn.sh needs it. */
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(s) do { (void)(s); } while (0)
#endif

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>

#include "config/config.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "net/net.h"
#include "stats/stats.h"
#include "tcp/tcp.h"
#include "tcp/tcp_reuse.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

#define MC_SERVER_IP  IP4(198, 18, 1, 1)
#define MC_CLIENT_IP  IP4(198, 18, 1, 2)
#define MC_SRC_FIRST  IP4(198, 18, 16, 0)
#define MC_SRC_LAST   IP4(198, 18, 31, 255)
#define MC_MASK       IP4(255, 255, 0, 0)
#define MC_PORT       80

#define MC_WIRE_SLOTS 4096          /* frames in flight one way */
#define MC_FRAME_MAX  2048
#define MC_MAX_BURST  512

/* One direction of the wire: a FIFO of copied frames. */
struct mc_wire {
	uint32_t head, n;
	uint16_t len[MC_WIRE_SLOTS];
	uint8_t data[MC_WIRE_SLOTS][MC_FRAME_MAX];
};

struct mc_side {
	const char *name;
	struct net_if nif;
	struct tcp_stack stack;
	struct tt_stats st;
	struct mc_wire *rx, *tx;
	struct rte_mbuf *txq[MC_MAX_BURST];
	uint16_t ntx;
	uint64_t cycles;
	uint64_t wire_drops;
};

static struct tt_config cfg;
static struct rte_mempool *mp;
static uint16_t burst = 32;
static uint64_t now;
static bool no_prefetch;    /* tcp_input per segment, as before bursts */

static struct mc_side srv = { .name = "server" }, cli = { .name = "client" };
static struct http_server hs;
static struct http_client hc;
static struct http_templates tpl;
static struct tuple_pool tuples;

/* tx burst: copy into the wire, free the mbufs (memif copy mode). */
static void
mc_tx_flush(struct mc_side *s)
{
	struct mc_wire *w = s->tx;

	for (uint16_t i = 0; i < s->ntx; i++) {
		struct rte_mbuf *m = s->txq[i];

		if (w->n == MC_WIRE_SLOTS || m->pkt_len > MC_FRAME_MAX) {
			s->wire_drops++;
			continue;
		}
		uint32_t slot = (w->head + w->n++) % MC_WIRE_SLOTS;

		rte_memcpy(w->data[slot], rte_pktmbuf_mtod(m, void *), m->data_len);
		w->len[slot] = (uint16_t)m->data_len;
	}
	TT_ADD(&s->st, pkts_tx, s->ntx);
	rte_pktmbuf_free_bulk(s->txq, s->ntx);
	s->ntx = 0;
}

static void
mc_tx(void *arg, struct rte_mbuf *m)
{
	struct mc_side *s = arg;

	s->txq[s->ntx++] = m;
	if (s->ntx >= burst)
		mc_tx_flush(s);
}

/* rx burst: allocate mbufs and copy frames in (memif copy mode). */
static uint16_t
mc_rx_burst(struct mc_side *s, struct rte_mbuf **pkts)
{
	struct mc_wire *w = s->rx;
	uint16_t n = (uint16_t)RTE_MIN((uint32_t)burst, w->n);

	if (n == 0 || rte_pktmbuf_alloc_bulk(mp, pkts, n) != 0)
		return 0;
	for (uint16_t i = 0; i < n; i++) {
		uint32_t slot = w->head;
		uint8_t *d = (uint8_t *)rte_pktmbuf_append(pkts[i], w->len[slot]);

		rte_memcpy(d, w->data[slot], w->len[slot]);
		w->head = (w->head + 1) % MC_WIRE_SLOTS;
		w->n--;
	}
	return n;
}

static void
mc_xmit(void *arg, const struct tcp_seg *seg, tcp_fill_fn fill, void *fill_arg)
{
	struct mc_side *s = arg;

	net_send_tcp(&s->nif, seg, fill, fill_arg, now);
}

/* What a worker does with one poll, minus the port loop and the faults. */
static inline __attribute__((always_inline)) unsigned
mc_poll(struct mc_side *s, bool client)
{
	struct rte_mbuf *pkts[MC_MAX_BURST], *done[MC_MAX_BURST];
	unsigned nd = 0;
	struct tcp_seg segs[MC_MAX_BURST];
	uint16_t n = mc_rx_burst(s, pkts);

	TT_ADD(&s->st, pkts_rx, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		TT_ADD(&s->st, bytes_rx, m->pkt_len);
		if (net_input(&s->nif, m, &segs[nd], now) != NET_TCP)
			continue;
		done[nd++] = m;
	}
	if (no_prefetch)
		for (unsigned i = 0; i < nd; i++)
			tcp_input(&s->stack, &segs[i], now);
	else
		tcp_input_burst(&s->stack, segs, nd, now);
	rte_pktmbuf_free_bulk(done, nd);
	tcp_timers_run(&s->stack, now);
	if (client)
		http_client_tick(&hc, now);
	mc_tx_flush(s);
	return n;
}

/* Two functions so that callgrind reports each side's inclusive cost. */
static __attribute__((noinline)) unsigned
mc_server_poll(void)
{
	return mc_poll(&srv, false);
}

static __attribute__((noinline)) unsigned
mc_client_poll(void)
{
	return mc_poll(&cli, true);
}

static struct mc_wire *
mc_wire_new(void)
{
	struct mc_wire *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		fprintf(stderr, "micro_conn: out of memory\n");
		exit(1);
	}
	return w;
}

static void
mc_side_init(struct mc_side *s, uint32_t ip, uint8_t mac_last)
{
	struct tcp_stack_ops ops = { .xmit = mc_xmit };
	uint32_t tw_cap = cfg.tcp.max_tw_buckets;

	s->nif.mac = (struct rte_ether_addr){{ 0x02, 0, 0, 0, 0, mac_last }};
	s->nif.ip = ip;
	s->nif.netmask = MC_MASK;
	s->nif.mp = mp;
	s->nif.st = &s->st;
	s->nif.tx = mc_tx;
	s->nif.tx_arg = s;
	if (tcp_stack_init(&s->stack, &cfg.tcp, &s->st, &ops, s, tw_cap, cfg.gen.tick,
			   mac_last, now) < 0) {
		fprintf(stderr, "micro_conn: cannot allocate the %s stack\n", s->name);
		exit(1);
	}
}

static int
mc_pick(void *arg, unsigned ti, struct tcp_tuple *out, uint32_t *isn, uint64_t t)
{
	return tuple_pick(arg, &cli.stack, ti, out, isn, t, 64) == PICK_NONE ? -1 : 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: micro_conn [--conns N] [--warmup N] [--concurrency N] "
		"[--burst N] [--time-wait-ms MS] [--body N] [--verbose]\n"
		"                  [--no-prefetch]\n");
	exit(2);
}

/* Run until the client completed `target` connections; bounded. */
static void
mc_run(uint64_t target, bool timed)
{
	uint64_t idle = 0;

	while (hc.conns_completed < target) {
		uint64_t before = hc.conns_completed;
		unsigned got;

		if (timed) {
			uint64_t t0 = rte_rdtsc();

			got = mc_client_poll();
			uint64_t t1 = rte_rdtsc();

			got += mc_server_poll();
			cli.cycles += t1 - t0;
			srv.cycles += rte_rdtsc() - t1;
		} else {
			got = mc_client_poll();
			got += mc_server_poll();
		}
		/* Fake time: 1 us per completed connection (1M conns/s), at
		 * least 1 us per round so timers make progress. */
		now += RTE_MAX(hc.conns_completed - before, (uint64_t)1);
		idle = got == 0 ? idle + 1 : 0;
		if (idle > 10000000) {
			fprintf(stderr, "micro_conn: stuck after %" PRIu64 " connections\n",
				hc.conns_completed);
			exit(1);
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "conns", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "burst", required_argument, NULL, 'b' },
		{ "time-wait-ms", required_argument, NULL, 't' },
		{ "body", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "no-prefetch", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	char *eal_argv[] = {
		argv[0], "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry", "--log-level=error", "-l", "0", NULL,
	};
	uint64_t conns = 100000, warmup = 100000, tw_ms = 50;
	uint32_t conc = 1000, body = 128;
	bool verbose = false;
	struct tt_rss_info ri;
	char err[256];
	int opt;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'n': conns = strtoull(optarg, NULL, 0); break;
		case 'w': warmup = strtoull(optarg, NULL, 0); break;
		case 'c': conc = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'b': burst = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 't': tw_ms = strtoull(optarg, NULL, 0); break;
		case 'B': body = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'v': verbose = true; break;
		case 'P': no_prefetch = true; break;
		default: usage();
		}
	}
	if (conns == 0 || conc == 0 || burst == 0 || burst > MC_MAX_BURST)
		usage();
	if (rte_eal_init((int)RTE_DIM(eal_argv) - 1, eal_argv) < 0) {
		fprintf(stderr, "micro_conn: rte_eal_init failed\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("mc", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (mp == NULL) {
		fprintf(stderr, "micro_conn: cannot create the mbuf pool\n");
		return 1;
	}

	/* The cps.sh setup: defaults, the server closing, TIME_WAIT kept. */
	tt_config_defaults(&cfg);
	cfg.gen.burst = burst;
	cfg.tcp.time_wait = tw_ms * 1000;
	cfg.tcp.max_conns = conc * 2 + 1024;
	/* As cps.sh's servers: a SYN backlog the whole concurrency fits in
	 * (Linux: net.ipv4.tcp_max_syn_backlog), so no SYN cookies. */
	cfg.tcp.max_syn_backlog = cfg.tcp.max_conns;
	cfg.tcp.max_tw_buckets = (uint32_t)(tw_ms * 1000 * 2 + 65536);
	cfg.tcp.tw_reuse = 1;
	cfg.http.listen[0] = MC_PORT;
	cfg.http.n_listen = 1;
	cfg.http.body_size = body;
	cfg.client.target_ip[0] = MC_SERVER_IP;
	cfg.client.target_port[0] = MC_PORT;
	cfg.client.n_targets = 1;
	cfg.client.src_ip_first = MC_SRC_FIRST;
	cfg.client.src_ip_last = MC_SRC_LAST;
	cfg.client.src_port_first = 1024;
	cfg.client.src_port_last = 65535;
	cfg.client.rate = 0;
	cfg.client.concurrency = conc;
	cfg.client.requests_per_conn = 1;
	cfg.client.closer = TT_CLOSER_SERVER;
	snprintf(cfg.client.path, sizeof(cfg.client.path), "/");
	snprintf(cfg.client.host, sizeof(cfg.client.host), "tcpterm");

	now = 1000000;
	srv.rx = mc_wire_new();
	cli.rx = mc_wire_new();
	srv.tx = cli.rx;
	cli.tx = srv.rx;
	mc_side_init(&srv, MC_SERVER_IP, 1);
	mc_side_init(&cli, MC_CLIENT_IP, 2);
	cli.nif.ip_lo = MC_SRC_FIRST;
	cli.nif.ip_hi = MC_SRC_LAST;

	if (http_templates_init(&tpl, body) < 0) {
		fprintf(stderr, "micro_conn: cannot build the response templates\n");
		return 1;
	}
	http_server_init(&hs, &cfg.http, &tpl, &srv.stack, &srv.st, 7);
	if (http_server_listen(&hs) < 0) {
		fprintf(stderr, "micro_conn: cannot listen\n");
		return 1;
	}
	memset(&ri, 0, sizeof(ri));
	if (tuple_pool_init(&tuples, &cfg.client, MC_CLIENT_IP, NULL, 0, 1, &ri, err,
			    sizeof(err)) < 0) {
		fprintf(stderr, "micro_conn: %s\n", err);
		return 1;
	}
	if (http_client_init(&hc, &cfg.client, &cli.stack, &cli.st, 0, 1, mc_pick,
			     &tuples, now) < 0) {
		fprintf(stderr, "micro_conn: client setup failed\n");
		return 1;
	}

	/* Warm up to steady state: TIME_WAIT records expire as fast as
	 * they are created, tables and pools are touched. */
	mc_run(warmup, false);
	uint64_t base = hc.conns_completed;
	uint64_t pk_s = srv.st.c[TT_C_pkts_rx] + srv.st.c[TT_C_pkts_tx];
	uint64_t pk_c = cli.st.c[TT_C_pkts_rx] + cli.st.c[TT_C_pkts_tx];

	CALLGRIND_ZERO_STATS;
	mc_run(base + conns, true);
	CALLGRIND_DUMP_STATS_AT("measured");

	uint64_t done = hc.conns_completed - base;

	printf("connections     %" PRIu64 " measured (after %" PRIu64 " warm-up), "
	       "concurrency %u, burst %u, time_wait %" PRIu64 " ms fake\n",
	       done, base, conc, burst, tw_ms);
	printf("server          %.1f TSC cycles/conn  %.2f pkts/conn  "
	       "TIME_WAIT held %u, expired %" PRIu64 "\n",
	       (double)srv.cycles / (double)done,
	       (double)(srv.st.c[TT_C_pkts_rx] + srv.st.c[TT_C_pkts_tx] - pk_s) / (double)done,
	       tw_count(&srv.stack.tw), srv.st.c[TT_C_tw_expired]);
	printf("client          %.1f TSC cycles/conn  %.2f pkts/conn\n",
	       (double)cli.cycles / (double)done,
	       (double)(cli.st.c[TT_C_pkts_rx] + cli.st.c[TT_C_pkts_tx] - pk_c) / (double)done);
	printf("wire drops      %" PRIu64 "  (must be 0)\n", srv.wire_drops + cli.wire_drops);
	if (verbose) {
		/* Whole run, warm-up included: what each side did. */
		for (unsigned i = 0; i < TT_NCOUNTERS; i++)
			if (srv.st.c[i] || cli.st.c[i])
				printf("  %-28s server %12" PRIu64 "  client %12" PRIu64 "\n",
				       tt_counter_names[i], srv.st.c[i], cli.st.c[i]);
	}
	return srv.wire_drops + cli.wire_drops == 0 ? 0 : 1;
}
