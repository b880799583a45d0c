/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_CAPTURE_H
#define TT_CAPTURE_H
/*
 * Sampled packet capture to pcapng ([capture], app/capture.c).
 *
 * Workers copy the packets of sampled connections (rte_pcapng_copy) into
 * their own single-producer ring; a control thread empties the rings into
 * the file.  A worker never blocks on the file: a full ring is a counted
 * drop.  With anomalies = on, each worker also keeps the last packets of
 * every open connection and hands them to the writer when the connection
 * ends badly (reset, retransmission or keep-alive give-up, FIN_WAIT_2
 * timeout, abort).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "tcp/tcp.h"

struct tt_app;
struct capture_lcore;

/* Set up the pool, the rings, the file and the writer thread when
 * [capture] file is not "off": 0, or -1 with a one-line reason in err.
 * Call after the ports are started (their interfaces go in the file). */
int capture_start(struct tt_app *app, char *err, size_t errlen);

/* Worker idx's capture state, or NULL when capture is off. */
struct capture_lcore *capture_lcore(unsigned idx);

/* A TCP segment received on port/queue (t: local = destination). */
void capture_rx(struct capture_lcore *cl, uint16_t port, uint16_t queue,
		const struct rte_mbuf *m, const struct tcp_tuple *t);
/* A frame about to be sent on port/queue (TCP over IPv4 or IPv6 is looked at,
 * anything else ignored). */
void capture_tx(struct capture_lcore *cl, uint16_t port, uint16_t queue,
		const struct rte_mbuf *m);
/* The stack is freeing c (tcp_stack_ops.conn_end). */
void capture_conn_end(struct capture_lcore *cl, const struct tcp_conn *c,
		      enum tcp_close_reason why);

/* After the workers stopped: free what they still hold, write what the
 * rings hold, close the file and print one summary line.  The JSON "final"
 * line's "capture" object comes from capture_json(). */
void capture_stop(struct tt_app *app);
/* Writes ", \"capture\": {...}" for the final JSON line (nothing when off). */
void capture_json(FILE *f);

#endif
