/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the TCP core with its real applications, fed sequences of
 * segments over several connections with time advancing.
 *
 * One stack (lib/tcp) serves HTTP on port 80 (lib/http responder) and
 * opens connections of its own (lib/http client) to 198.18.0.9:80.  The
 * input is a little program: each operation picks a peer (4 remote clients
 * of the server, 4 remote servers of the client's connections) and sends
 * it a segment whose sequence and acknowledgement numbers are the peer's
 * own plus a fuzzed offset (so most land in or near the window, where the
 * state machine has something to decide), with fuzzed flags, window,
 * options and payload (an HTTP request or response, or raw bytes); or
 * advances the clock by milliseconds to minutes, firing retransmissions,
 * delayed ACKs, keep-alive, FIN_WAIT_2 and TIME_WAIT expiry; or lets the
 * client open connections.  After every operation the state gauges must
 * agree with the records the stack holds, and at the end, after a long
 * enough wait, every connection and record must be gone.
 */
#include <stdbool.h>
#include <string.h>

#include "config/config.h"
#include "fuzz.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "stats/stats.h"
#include "tcp/tcp.h"
#include "tcp/tw_table.h"

#define LADDR  0xc6120001u   /* 198.18.0.1, ours */
#define RADDR  0xc6120002u   /* 198.18.0.2, the remote clients */
#define SADDR  0xc6120009u   /* 198.18.0.9:80, the remote server */
#define NPEERS 4
#define MS     1000ull

/* What a remote end knows: the last segment the stack sent it. */
struct peer {
	struct tcp_tuple t;          /* as the stack sees it (local = ours) */
	bool seen;                   /* the stack sent it something */
	uint32_t snd_nxt;            /* the peer's next sequence number */
	uint32_t stack_nxt;          /* after the stack's last segment */
	uint32_t ts;
};

static struct {
	struct tt_config cfg;
	struct tt_stats st;
	struct tcp_stack s;
	struct http_templates tpl;
	struct http_server srv;
	struct http_client cli;
	uint64_t now;
	struct peer clients[NPEERS];     /* talk to our port 80 */
	struct peer servers[NPEERS];     /* answer our connects */
	unsigned n_servers;
	uint16_t next_port;
	uint8_t scratch[65536];
} F;

static struct peer *
peer_of(const struct tcp_tuple *t)
{
	for (unsigned i = 0; i < NPEERS; i++)
		if (tcp_tuple_eq(&F.clients[i].t, t))
			return &F.clients[i];
	for (unsigned i = 0; i < F.n_servers; i++)
		if (tcp_tuple_eq(&F.servers[i].t, t))
			return &F.servers[i];
	return NULL;
}

/* The wire: remember what each peer was sent, and pull the payload so
 * the application's fill() runs as it would for a real frame. */
static void
xmit(void *arg, const struct tcp_seg *seg, tcp_fill_fn fill, void *fill_arg)
{
	struct peer *p = peer_of(&seg->t);

	(void)arg;
	FUZZ_CHECK(seg->len <= sizeof(F.scratch));
	if (seg->len > 0)
		fill(fill_arg, F.scratch, seg->len);
	if (p == NULL)
		return;
	p->seen = true;
	p->stack_nxt = seg->seq + seg->len + !!(seg->flags & (TCP_F_SYN | TCP_F_FIN));
	if (seg->flags & TCP_F_SYN)
		p->snd_nxt = p->snd_nxt ? p->snd_nxt : 0x10000000u;
}

/* tcp_stack_ops.hold/release: out-of-order payloads are kept as copies
 * (the glue on a port holds the mbuf instead); every one must come back. */
static unsigned held;

static void *
hold(void *arg, const struct tcp_seg *seg, const uint8_t **data)
{
	uint8_t *copy = malloc(seg->len ? seg->len : 1);

	(void)arg;
	if (copy == NULL)
		return NULL;
	memcpy(copy, seg->payload, seg->len);
	*data = copy;
	held++;
	return copy;
}

static void
release(void *arg, void *handle)
{
	(void)arg;
	FUZZ_CHECK(held > 0);
	held--;
	free(handle);
}

/* The client's tuple picker: the next local port to the remote server. */
static int
pick(void *arg, unsigned target, struct tcp_tuple *out, uint32_t *isn, uint64_t now)
{
	struct peer *p;

	(void)arg;
	(void)target;
	(void)now;
	if (F.n_servers == NPEERS)
		return -1;
	p = &F.servers[F.n_servers++];
	memset(p, 0, sizeof(*p));
	p->t = (struct tcp_tuple){ .laddr.v4 = LADDR, .raddr.v4 = SADDR,
				   .lport = F.next_port++, .rport = 80 };
	p->snd_nxt = 0x20000000u;
	*out = p->t;
	*isn = 0;
	return 0;
}

/* State gauges against the records (as the unit harness checks them). */
static void
check_gauges(void)
{
	int64_t conns = 0;

	for (unsigned k = 0; k < TCP_NSTATES; k++) {
		FUZZ_CHECK(F.st.state[k] >= 0);
		if (k != TCP_LISTEN && k != TCP_TIME_WAIT)
			conns += F.st.state[k];
	}
	FUZZ_CHECK(conns == (int64_t)F.s.n_conns);
	FUZZ_CHECK(F.st.state[TCP_TIME_WAIT] == (int64_t)tw_count(&F.s.tw));
	FUZZ_CHECK(F.st.state[TCP_LISTEN] == (int64_t)F.s.n_listen);
}

static const char req[] = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

static void
send_seg(struct fuzz_in *in, struct peer *p, bool is_server_side)
{
	struct tcp_seg seg = { .t = p->t };
	uint8_t kind = fz_u8(in), plen = fz_u8(in);
	int8_t dseq = (int8_t)fz_u8(in), dack = (int8_t)fz_u8(in);

	seg.flags = fz_u8(in);
	if ((kind & 3) == 0)       /* mostly plausible flags */
		seg.flags = (uint8_t)((seg.flags & (TCP_F_FIN | TCP_F_PSH)) | TCP_F_ACK);
	seg.seq = p->snd_nxt + (kind & 4 ? (uint32_t)(int32_t)dseq : 0);
	seg.ack = p->stack_nxt + (kind & 8 ? (uint32_t)(int32_t)dack : 0);
	seg.wnd = kind & 16 ? fz_u16(in) : 65535;
	if (kind & 32) {
		seg.opts = fz_u8(in) & (TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS);
		seg.mss = fz_u16(in);
		seg.wscale = fz_u8(in);
	} else if (seg.flags & TCP_F_SYN) {
		seg.opts = TCP_OPT_MSS | TCP_OPT_WSCALE | TCP_OPT_SACK_OK | TCP_OPT_TS;
		seg.mss = 1460;
		seg.wscale = 7;
	} else {
		seg.opts = TCP_OPT_TS;
	}
	seg.tsval = p->ts += (uint32_t)(kind >> 6);
	seg.tsecr = 0;
	if (plen > 0 && !(seg.flags & TCP_F_SYN)) {
		/* An HTTP message the application will parse, or raw bytes. */
		if (kind & 64) {
			size_t n = fz_left(in) < plen ? fz_left(in) : plen;

			seg.payload = in->p + in->off;
			seg.len = (uint32_t)n;
			in->off += n;
		} else {
			seg.payload = (const uint8_t *)(is_server_side ? req : resp);
			seg.len = (uint32_t)(is_server_side ? sizeof(req) : sizeof(resp)) - 1;
		}
	}
	tcp_input(&F.s, &seg, F.now);
	if (seg.flags & TCP_F_SYN)
		p->snd_nxt = seg.seq + 1;
	p->snd_nxt += seg.len + !!(seg.flags & TCP_F_FIN);
}

static void
advance(uint64_t d)
{
	uint64_t end = F.now + d, max = d > 10000 * MS ? 1000 * MS : 10 * MS;

	/* In steps, as the poll loop would (timers fire at their own times
	 * whatever the step; long waits take longer steps to stay fast). */
	while (F.now < end) {
		uint64_t step = end - F.now < max ? end - F.now : max;

		F.now += step;
		tcp_timers_run(&F.s, F.now);
		http_client_tick(&F.cli, F.now);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { .p = data, .n = size };
	struct tcp_stack_ops ops = { .xmit = xmit, .hold = hold, .release = release };
	unsigned ops_done = 0;

	memset(&F, 0, sizeof(F));
	tt_config_defaults(&F.cfg);
	F.cfg.tcp.max_conns = 6;      /* 4 clients + the client side fill it */
	/* Short timers (all within their allowed ranges) so that the wait
	 * at the end, which must outlast every one, stays short: the wheel
	 * turns once per tick, 10 ms here. */
	F.cfg.tcp.time_wait = 5000 * MS;
	F.cfg.tcp.fin_timeout = 3000 * MS;
	F.cfg.tcp.rto_max = 5000 * MS;
	F.cfg.tcp.retries2 = 5;
	F.cfg.http.keepalive_timeout = 5000 * MS;
	F.cfg.http.body_size = 3000;   /* more than one segment */
	F.cfg.client.n_targets = 1;
	F.cfg.client.target_ip[0] = SADDR;
	F.cfg.client.target_port[0] = 80;
	F.cfg.client.concurrency = NPEERS;
	F.cfg.client.rate = 0;
	F.cfg.client.requests_per_conn = 2;
	F.now = 1000 * MS;
	F.next_port = 50000;
	FUZZ_CHECK(tcp_stack_init(&F.s, &F.cfg.tcp, &F.st, &ops, NULL, 8, 10 * MS, 42, F.now) == 0);
	FUZZ_CHECK(http_templates_init(&F.tpl, F.cfg.http.body_size) == 0);
	http_server_init(&F.srv, &F.cfg.http, &F.tpl, &F.s, &F.st, 7);
	FUZZ_CHECK(http_server_listen(&F.srv) == 0);
	FUZZ_CHECK(http_client_init(&F.cli, &F.cfg.client, &F.s, &F.st, 0, 1, pick, NULL,
				    F.now) == 0);
	for (unsigned i = 0; i < NPEERS; i++) {
		F.clients[i].t = (struct tcp_tuple){ .laddr.v4 = LADDR, .raddr.v4 = RADDR,
						     .lport = 80, .rport = (uint16_t)(40000 + i) };
		F.clients[i].snd_nxt = 0x30000000u + i * 0x01000000u;
	}

	while (fz_left(&in) > 0 && ops_done++ < 4096) {
		uint8_t op = fz_u8(&in);
		unsigned k = (op >> 4) % NPEERS;

		switch (op & 7) {
		case 0:
		case 1:
		case 2:
			send_seg(&in, &F.clients[k], true);
			break;
		case 3:
			if (k < F.n_servers)
				send_seg(&in, &F.servers[k], false);
			break;
		case 4:
			advance((uint64_t)fz_u8(&in) * MS);
			break;
		case 5:
			advance((uint64_t)fz_u8(&in) * 100 * MS);
			break;
		case 6:
			http_client_tick(&F.cli, F.now);
			break;
		case 7: {
			/* A segment with every field fuzzed. */
			struct tcp_seg seg = { .t = F.clients[k].t };

			seg.seq = fz_u32(&in);
			seg.ack = fz_u32(&in);
			seg.flags = fz_u8(&in);
			seg.wnd = fz_u16(&in);
			seg.opts = fz_u8(&in) & 0x0f;
			seg.mss = fz_u16(&in);
			seg.wscale = fz_u8(&in);
			seg.tsval = fz_u32(&in);
			seg.tsecr = fz_u32(&in);
			tcp_input(&F.s, &seg, F.now);
			break;
		}
		}
		check_gauges();
	}
	/* Stop opening connections, then wait out every timer: retries give
	 * up, FIN_WAIT_2 and TIME_WAIT expire. */
	http_client_stop(&F.cli);
	tcp_stack_drain(&F.s, true);
	advance(F.cfg.tcp.time_wait + 10ull * 60 * 1000 * MS);
	check_gauges();
	/* What may be left: only our own client connections still waiting
	 * for a response that never came (as wrk would wait until its
	 * timeout; tcpterm's drain_time then aborts them, as below).  Any
	 * other connection left here has lost its timers. */
	for (uint32_t i = 0; i < F.s.max_conns; i++) {
		const struct tcp_conn *c = &F.s.pool[i];

		if (c->flags & TF_FREED)
			continue;
		if (c->node.t.lport == 80 || c->state != TCP_ESTABLISHED ||
		    c->snd_una != c->snd_end)
			fprintf(stderr, "left: %u->%u %s flags %#x una %u nxt %u max %u end %u "
				"wnd %u t_rtx %llu t_dack %llu t_ka %llu t_app %llu now %llu\n",
				c->node.t.lport, c->node.t.rport, tcp_state_name(c->state),
				c->flags, c->snd_una, c->snd_nxt, c->snd_max, c->snd_end,
				c->snd_wnd, (unsigned long long)c->t_rtx,
				(unsigned long long)c->t_dack, (unsigned long long)c->t_ka,
				(unsigned long long)c->t_app, (unsigned long long)F.now);
		FUZZ_CHECK(c->node.t.lport != 80);
		FUZZ_CHECK(c->state == TCP_ESTABLISHED && c->snd_una == c->snd_end);
	}
	tcp_stack_abort_all(&F.s);
	check_gauges();
	FUZZ_CHECK(F.s.n_conns == 0);
	FUZZ_CHECK(tw_count(&F.s.tw) == 0);
	tcp_stack_fini(&F.s);
	FUZZ_CHECK(held == 0);
	http_templates_free(&F.tpl);
	return 0;
}
