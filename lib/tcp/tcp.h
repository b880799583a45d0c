/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_H
#define TT_TCP_H

/*
 * The TCP stack of one lcore: connections, listeners, TIME_WAIT records and
 * timers.  Packets come in as struct tcp_seg with `now`; segments go out
 * through tcp_stack_ops.xmit.  No EAL, no clock, no globals.
 *
 * Times are absolute microseconds from the caller's clock.
 */

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "stats/stats.h"
#include "tcp/conn_table.h"
#include "tcp/tcp_ofo.h"
#include "tcp/tcp_sack.h"
#include "tcp/tcp_seg.h"
#include "tcp/tcp_syncookie.h"
#include "tcp/tw_budget.h"
#include "tcp/tw_table.h"
#include "timer/timer_wheel.h"

struct tcp_stack;
struct tcp_conn;

enum tcp_close_reason {
	TCP_CLOSED_NORMAL = 0,   /* orderly close finished (or TIME_WAIT began) */
	TCP_CLOSED_RESET,        /* RST received */
	TCP_CLOSED_TIMEOUT,      /* retries, keep-alive or fin_timeout gave up */
	TCP_CLOSED_ABORT,        /* we sent RST (linger 0, drain, error) */
};

/* Connection flags. */
#define TF_ACK_NOW     0x0001  /* send an ACK at the end of this input */
#define TF_DELACK      0x0002  /* a delayed ACK is pending */
#define TF_FIN_QUEUED  0x0004  /* application closed its sending side */
#define TF_FIN_SENT    0x0008  /* FIN has been transmitted at least once */
#define TF_ORPHAN      0x0010  /* application called close(): can't read or write */
#define TF_RCV_FIN     0x0020  /* peer's FIN received (EOF) */
#define TF_TS          0x0040  /* timestamps negotiated */
#define TF_WS          0x0080  /* window scaling negotiated */
#define TF_SACK        0x0100  /* SACK-permitted negotiated */
#define TF_PASSIVE     0x0200  /* opened by a SYN to a listener */
#define TF_RTT         0x0400  /* an RTT measurement is running */
#define TF_RETRANS     0x0800  /* retransmitting (Karn: no RTT samples) */
#define TF_ESTABLISHED 0x1000  /* reached ESTABLISHED once */
#define TF_ACTIVE_CLOSE 0x2000 /* we sent the first FIN */
#define TF_FREED       0x8000  /* record released (guards against reuse) */

#define TCP_APP_STATE_SIZE 64

struct tcp_conn {
	struct ct_node node;       /* tuple + hash link; must stay first */
	uint8_t state;             /* enum tcp_state */
	uint8_t retries;           /* consecutive retransmissions */
	uint8_t dupacks;
	uint8_t ka_probes;
	uint16_t flags;            /* TF_* */
	uint16_t mss;              /* send MSS */
	uint8_t snd_wscale;        /* peer's shift */
	uint8_t rcv_wscale;        /* our shift */
	uint8_t segs_unacked;      /* in-order segments not yet ACKed */
	uint8_t close_reason;
	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_max;          /* highest sequence sent + 1 */
	uint32_t snd_end;          /* sequence after the last application byte */
	uint32_t snd_wnd;          /* peer's window, scaled */
	uint32_t snd_wl1, snd_wl2;
	uint32_t cwnd, ssthresh;
	/* receive sequence space */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t ts_recent;
	uint32_t ts_recent_stamp;  /* ms */
	uint32_t ts_offset;        /* added to our ms clock for TSval */
	/* RTT (RFC 6298), us */
	uint32_t srtt;
	uint32_t rttvar;
	uint32_t rto;
	uint32_t rtt_seq;
	uint64_t rtt_start;
	/* timers: one wheel entry, armed for the earliest deadline (0 = off) */
	struct tmw_timer timer;
	uint64_t t_rtx;            /* retransmission / persist */
	uint64_t t_dack;           /* delayed ACK */
	uint64_t t_ka;             /* keep-alive or orphaned FIN_WAIT_2 timeout */
	uint64_t t_app;            /* application's timer */
	uint64_t t_tlp;            /* tail loss probe (tcp_tlp.c); before t_rtx */
	/* tail loss probe state (RFC 8985 7, tcp_tlp.c) */
	uint32_t tlp_tail;         /* first sequence of the last new segment */
	uint32_t tlp_high;         /* snd_max when the probe went out */
	uint32_t tlp_recover;      /* snd_max at the last RTO / fast retransmit */
	uint8_t tlp_flags;         /* TLP_* */
	uint64_t last_rx;          /* for keep-alive idleness */
	struct tcp_ofo ofo;        /* out-of-order segments held (RFC 9293 3.10.7.4) */
	struct tcp_sack_board sack; /* the peer's SACK blocks over our send queue */
	uint64_t opened;           /* when the first SYN was seen/sent */
	const struct tcp_app_ops *app;
	void *app_arg;
	/* the application's private state */
	uint8_t app_state[TCP_APP_STATE_SIZE] __attribute__((aligned(8)));
};

static inline enum tcp_state
tcp_conn_state(const struct tcp_conn *c)
{
	return (enum tcp_state)c->state;
}

static inline const struct tcp_tuple *
tcp_conn_tuple(const struct tcp_conn *c)
{
	return &c->node.t;
}

/* Application callbacks (the HTTP responder, the client, test sinks). */
struct tcp_app_ops {
	/* Connection reached ESTABLISHED. */
	void (*established)(void *arg, struct tcp_conn *c, uint64_t now);
	/* In-order bytes. */
	void (*recv)(void *arg, struct tcp_conn *c, const uint8_t *data,
		     uint32_t len, uint64_t now);
	/* Peer's FIN, after all data: end of stream. */
	void (*eof)(void *arg, struct tcp_conn *c, uint64_t now);
	/* bytes of application data acknowledged. */
	void (*acked)(void *arg, struct tcp_conn *c, uint32_t bytes, uint64_t now);
	/* The timer set with tcp_app_timer() fired. */
	void (*timer)(void *arg, struct tcp_conn *c, uint64_t now);
	/* The record is about to be released (also for connections the
	 * application already closed: their state in c->app_state lives until
	 * now, for fill()); forget c. */
	void (*closed)(void *arg, struct tcp_conn *c, enum tcp_close_reason why);
	/* The process is draining: close c now or when its work is done
	 * (optional; without it the stack closes c at once). */
	void (*drain)(void *arg, struct tcp_conn *c, uint64_t now);
	/* Copy len bytes of the application's outgoing stream starting at
	 * byte offset off into dst (for first sends and retransmissions). */
	void (*fill)(void *arg, struct tcp_conn *c, uint32_t off, uint8_t *dst,
		     uint32_t len);
};

/* Payload source handed to xmit: call fill(arg, dst, len). */
typedef void (*tcp_fill_fn)(void *arg, uint8_t *dst, uint32_t len);

struct tcp_stack_ops {
	/* Send seg (t: local = source); seg->len payload bytes come from
	 * fill(fill_arg) when seg->len > 0. */
	void (*xmit)(void *arg, const struct tcp_seg *seg, tcp_fill_fn fill,
		     void *fill_arg);
	/* Optional: c is about to be freed, for why (packet capture keeps
	 * the last packets of connections that end badly). */
	void (*conn_end)(void *arg, const struct tcp_conn *c, enum tcp_close_reason why);
	/* Optional: keep the buffer of an input segment (seg->pkt) after
	 * tcp_input returns, for the out-of-order queue.  Returns a handle
	 * (NULL: cannot) and sets *data to where seg's payload stays readable
	 * until release(handle).  Without hold, out-of-order data is
	 * dropped. */
	void *(*hold)(void *arg, const struct tcp_seg *seg, const uint8_t **data);
	void (*release)(void *arg, void *handle);
};

struct tcp_listener {
	uint16_t port;
	const struct tcp_app_ops *app;
	void *app_arg;
};

struct tcp_stack {
	const struct tt_tcp_config *cfg;
	struct tt_stats *st;
	struct tcp_stack_ops ops;
	void *ops_arg;
	uint64_t now;              /* time of the segment/timer being processed */
	bool in_input;             /* verbs defer tcp_output to the end of input */
	/* tcp_tuple_hash of the segment tcp_input is processing (valid only
	 * inside it): the connection and TIME_WAIT lookups and a new
	 * connection's insert share it, and the connection keeps it
	 * (ct_node.hash) for its removal and its TIME_WAIT record. */
	uint32_t seg_hash;
	/* The connection a segment is being processed for: its deadlines
	 * change several times per segment (RTO, probe, delayed ACK, the
	 * application's), so its wheel entry is set once, at the end
	 * (conn_timer_update is a no-op for it meanwhile). */
	struct tcp_conn *timer_defer;
	/* The last tuple tcp_lookup() hashed, and its hash (tcp_hash_memo). */
	uint32_t memo_h;
	struct tcp_tuple memo_t;
	/* tcp_ts_offset's last address pair (ports unused) and result. */
	struct tcp_tuple ts_memo;
	uint32_t ts_memo_off;

	struct conn_table ct;
	struct tcp_conn *pool;     /* max_conns records */
	struct tcp_conn *free_list;
	uint32_t n_conns;
	uint32_t max_conns;
	struct tw_table tw;
	struct tw_pacer tw_pace;   /* expiries each poll may do (tw_budget.h) */
	struct tmw_wheel *wheel;
	struct tcp_ofo_pool ofo_pool;  /* entries of every out-of-order queue */

	struct tcp_listener listen[TT_MAX_LISTEN];
	unsigned n_listen;
	bool accepting;            /* SYNs to listeners are answered */
	bool draining;             /* tcp_stack_drain() was called */

	const struct tt_fault_config *fault;   /* NULL: no close-step drops */
	uint64_t fault_rng;

	uint32_t prefetch_min;     /* tcp_input_burst prefetches from a table
	                            * this large (TCP_PREFETCH_MIN_ENTRIES) */

	uint32_t isn_secret;
	struct tcp_syncookie_key cookie_key;
	uint64_t cookie_last;       /* when the last SYN cookie was sent */
	bool cookie_sent;           /* one was, ever */
	uint64_t rng;
	uint64_t challenge_window;  /* RFC 5961 7: rate-limit challenge ACKs */
	uint32_t challenge_count;
};

/* Create a stack; tw_capacity records of TIME_WAIT (0: none kept). */
int tcp_stack_init(struct tcp_stack *s, const struct tt_tcp_config *cfg,
		   struct tt_stats *st, const struct tcp_stack_ops *ops, void *ops_arg,
		   uint32_t tw_capacity, uint64_t tick_us, uint64_t seed, uint64_t now);
/* Free everything (connections are released without sending anything). */
void tcp_stack_fini(struct tcp_stack *s);

/* Drop close-step segments with the [fault] probabilities (teardown.md
 * "What happens when each segment is lost"), reproducibly from seed. */
void tcp_stack_set_fault(struct tcp_stack *s, const struct tt_fault_config *f,
			 uint64_t seed);

/* The SYN cookie secret (TCP_SYNCOOKIE_KEY_BYTES random bytes, chosen once
 * per process); until set, one derived from the seed is used. */
void tcp_stack_set_cookie_secret(struct tcp_stack *s, const void *bytes, size_t len);

int tcp_listen(struct tcp_stack *s, uint16_t port, const struct tcp_app_ops *app,
	       void *app_arg);

/*
 * Active open (RFC 9293 3.10.1): a connection from t (local = ours) in
 * SYN_SENT, its SYN sent now.  iss 0 means "generate one" (RFC 6528); a
 * tuple reused from TIME_WAIT passes old snd_nxt + 65537.  Returns NULL
 * when the connection table is full (counted in connect_failed_table_full)
 * or the tuple is in use.  app->established is called on the SYN-ACK.
 */
struct tcp_conn *tcp_connect(struct tcp_stack *s, const struct tcp_tuple *t,
			     const struct tcp_app_ops *app, void *app_arg,
			     uint32_t iss, uint64_t now);

/* One received segment. */
void tcp_input(struct tcp_stack *s, const struct tcp_seg *seg, uint64_t now);
/* A burst of segments: prefetch what their lookups will touch (connection
 * and, for SYNs, TIME_WAIT buckets, then the chain heads), then tcp_input
 * each in order; TCP_BURST_MAX at a time. */
#define TCP_BURST_MAX 64
/* Tables smaller than this stay in cache: prefetching their buckets would
 * cost the extra hash and gain nothing. */
#define TCP_PREFETCH_MIN_ENTRIES 65536
void tcp_input_burst(struct tcp_stack *s, const struct tcp_seg *segs, unsigned n,
		     uint64_t now);

/* Run due timers and TIME_WAIT expiries (bounded work per call); returns
 * how many timers fired and records expired (0: an idle poll). */
unsigned tcp_timers_run(struct tcp_stack *s, uint64_t now);

/* ---- the application's verbs ---- */

/* Queue len more bytes of the application's stream (read through fill). */
void tcp_send(struct tcp_stack *s, struct tcp_conn *c, uint32_t len);
/* close(): send FIN after the queued data; the connection is an orphan. */
void tcp_close(struct tcp_stack *s, struct tcp_conn *c);
/* shutdown(SHUT_WR): FIN after the queued data, keep reading. */
void tcp_shutdown(struct tcp_stack *s, struct tcp_conn *c);
/* close() with SO_LINGER {1, 0}: RST, no TIME_WAIT; c is released. */
void tcp_abort(struct tcp_stack *s, struct tcp_conn *c);
/* Arm (at > 0) or stop (at == 0) the application's timer. */
void tcp_app_timer(struct tcp_stack *s, struct tcp_conn *c, uint64_t at);

/* Send what the window allows (called by the verbs already). */
void tcp_output(struct tcp_stack *s, struct tcp_conn *c);

/* Application bytes queued and not yet acknowledged. */
static inline uint32_t
tcp_unacked(const struct tcp_conn *c)
{
	uint32_t first = c->iss + 1;   /* the SYN takes one sequence number */

	return (int32_t)(c->snd_una - first) > 0 ? c->snd_end - c->snd_una :
		c->snd_end - first;
}

/* ---- shutdown of the process ---- */

/* Close every connection (FIN), or let its application do it (ops.drain);
 * stop accepting when refuse_syns (mode = both first lets the SYNs of its
 * own client that are still in flight in). */
void tcp_stack_drain(struct tcp_stack *s, bool refuse_syns);
/* Abort (RST) what is left; returns how many were aborted. */
uint32_t tcp_stack_abort_all(struct tcp_stack *s);

/* Lookups (the client's tuple picker, tests), on the owning lcore only:
 * tcp_lookup remembers the tuple's hash for a tcp_connect that follows. */
struct tcp_conn *tcp_lookup(struct tcp_stack *s, const struct tcp_tuple *t);
struct tw_rec *tcp_tw_lookup(struct tcp_stack *s, const struct tcp_tuple *t);
/* r was just found: if its 2MSL is over (the expiry sweep has not reached
 * it yet), end it now as the sweep would; true when r is gone.  Lookups
 * call it, so TIME_WAIT lasts exactly 2MSL on the wire even when the
 * sweep runs late. */
bool tcp_tw_reap_due(struct tcp_stack *s, struct tw_rec *r, uint32_t now_ms);

/* Our timestamp clock for a connection, RFC 7323 (ms). */
static inline uint32_t
tcp_ts_now(uint64_t now, uint32_t offset)
{
	return (uint32_t)(now / 1000) + offset;
}

#endif
