/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_APP_H
#define TT_APP_H

/*
 * The application around the protocol core: one struct worker per lcore
 * (its queues, stack, HTTP responder and counters), the ports, and the
 * process-wide run state.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "config/config.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "net/net.h"
#include "stats/stats.h"
#include "tcp/tcp.h"
#include "tcp/tcp_reuse.h"

#define TT_MAX_BURST 512

enum tt_phase {
	TT_RUN = 0,     /* serving */
	TT_DRAIN,       /* stop accepting, FIN everything, wait drain_time */
	TT_FINISH,      /* abort what is left and leave the loop */
};

struct worker;
struct capture_lcore;

/* A worker's TX buffer for one port (net_if.tx_arg points here). */
struct txbuf {
	struct worker *w;
	uint16_t port_id;
	uint16_t n;
	struct rte_mbuf *m[TT_MAX_BURST];
};

/* Packets held back by [fault] tx_delay: a FIFO, since the delay is one
 * constant and release times are therefore in order. */
#define TT_DELAY_SLOTS 16384
struct delayq {
	uint32_t head, n;
	struct {
		struct rte_mbuf *m;
		struct txbuf *tb;
		uint64_t at;
	} e[TT_DELAY_SLOTS];
};

struct worker {
	unsigned lcore_id;
	int tid;                       /* its thread (for the reporter's schedstat) */
	unsigned idx;                  /* 0..n_workers-1; also the queue id */
	unsigned n_ports;
	struct net_if nif[TT_MAX_PORTS];
	uint16_t port_ids[TT_MAX_PORTS];
	struct txbuf tx[TT_MAX_PORTS];
	struct tcp_stack stack;
	struct http_server http;
	struct http_client client;     /* client/both modes */
	struct tuple_pool tuples;
	bool client_on;
	bool tuples_ready;
	uint64_t fault_rng;
	struct delayq *delay;          /* NULL unless tx_delay > 0 */
	struct capture_lcore *cap;     /* NULL unless [capture] file is set */
	struct tt_stats st;
	uint64_t now;                  /* us since start */
	uint64_t drain_deadline;
	bool drain_started;
	bool done;
	int64_t left[TCP_NSTATES];     /* what the drain left, per state */
	uint32_t tw_walked;            /* TIME_WAIT records found by walking the table then */
	uint32_t aborted;
} __rte_cache_aligned;

struct tt_app {
	struct tt_config cfg;
	const char *config_path;
	const char *stats_json_path;
	FILE *stats_json;
	struct rte_mempool *mp;
	unsigned n_ports;
	uint16_t port_ids[TT_MAX_PORTS];
	bool rss[TT_MAX_PORTS];
	struct worker *workers[RTE_MAX_LCORE];
	unsigned n_workers;
	struct http_templates tpl;
	uint64_t tsc_hz;
	uint64_t tsc0;
	uint64_t us_mult;              /* 2^APP_US_SHIFT us per TSC cycle */
	volatile int phase;            /* enum tt_phase: signals, the reporter */
	volatile int signals;
	/* The reporter thread (report.c): main asks it to stop, with or
	 * without the final summary, once every worker has returned. */
	pthread_t reporter;
	bool reporter_on;
	int report_stop;               /* REPORT_* below; atomic accesses */
	unsigned mbufs_in_use;         /* for the final summary */
};

enum { REPORT_RUN = 0, REPORT_STOP, REPORT_STOP_FINAL };

extern struct tt_app tt_app;

/* Microseconds since start, now or at TSC value tsc (a multiply and a
 * shift: no division in the poll loop, no overflow for centuries). */
#define APP_US_SHIFT 40
static inline uint64_t
app_tsc_to_us(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)(tsc - tt_app.tsc0) * tt_app.us_mult) >>
			  APP_US_SHIFT);
}

/* A span of cycles in microseconds. */
static inline uint64_t
app_cycles_to_us(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * tt_app.us_mult) >> APP_US_SHIFT);
}

uint64_t app_now_us(void);

/* port.c */
int ports_create_ring_pair(struct tt_app *app);
int ports_init(struct tt_app *app);
void ports_close(struct tt_app *app);
void ports_drain_rx(struct tt_app *app);
void ports_wait_link(struct tt_app *app, unsigned seconds);

/* worker.c */
int worker_setup(struct tt_app *app, struct worker *w);
void worker_teardown(struct worker *w);
int worker_main(void *arg);

/* client.c */
int client_setup(struct tt_app *app);
void client_teardown(struct worker *w);

/* report.c: every print of the statistics runs on the reporter, a control
 * thread (not an lcore), so no worker ever formats or writes them. */
void report_start(struct tt_app *app);
int report_thread_start(struct tt_app *app);
void report_thread_stop(struct tt_app *app, bool final, unsigned mbufs_in_use);
int report_telemetry_init(struct tt_app *app);

#endif
