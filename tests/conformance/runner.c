/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scripted conformance runner, in the spirit of packetdrill: one script
 * (argv[1]) drives a fresh protocol core on a fake clock with timed inbound
 * segments, expects every outbound segment exactly (time, flags, seq, ack,
 * and window and options when given) and checks states and counters.
 * tcpterm is the server (its listener on port 80) or, after a connect or
 * reuse_connect line, the client.  The script format is in README.md next
 * to this file.
 *
 * Self-contained on purpose: its own fake wire (a FIFO of captured
 * segments) and its own small application (a sink told by the script what
 * to do), so it depends only on the core's public API.
 *
 * Exit status: 0 when the script passes, 1 when it fails (the script line,
 * the expected and the actual segment are printed) or cannot be read.
 *
 * --ipv6 runs the same script over IPv6 tuples (issue 12): tcpterm is
 * 2001:2::1, the peer 2001:2::2, every tuple has v6 = 1; numbers that
 * depend on the family are written OWN (the MSS we announce) or V4|V6.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "stats/stats.h"
#include "tcp/tcp.h"
#include "tcp/tcp_reuse.h"

#define CF_LADDR   0xc6120001u   /* 198.18.0.1: tcpterm */
#define CF_RADDR   0xc6120002u   /* 198.18.0.2: the scripted peer */
/* --ipv6: 2001:2::1 and 2001:2::2 (RFC 5180's benchmarking /48), as on
 * the wire. */
static const uint8_t cf_laddr6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 1 };
static const uint8_t cf_raddr6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 2 };
/* IPv6's minimum MTU (RFC 8200 5) less 60 bytes of headers, and how much
 * longer the IPv6 header is than the IPv4 one. */
#define CF_MSS6_MIN 1220
#define CF_IP6_EXTRA 20
#define CF_LPORT   80
#define CF_RPORT   40000
/* The peer's listening port, the target of tcpterm's connects. */
#define CF_TARGET_PORT 80
/* The peer's ISN: script sequence numbers of the peer are relative to it.
 * High on purpose, so relative numbers wrap in absolute space. */
#define CF_PEER_ISN 0xfffff000u
/* Script time 0 on the stack's clock: not 0, which the core reads as "unset". */
#define CF_T0      1000000ull
#define CF_MAX_PEERS 64
#define CF_QUEUE   4096          /* captured, not yet matched segments */
#define CF_MAX_ACTIONS 8
#define CF_SEED    0x7463707465726dull

/* A segment as the script writes it: relative numbers. */
struct pkt {
	uint8_t flags;
	uint32_t seq;
	uint32_t len;
	uint32_t ack;
	bool has_ack;            /* "ack" given (inbound: sent as is) */
	uint16_t win;
	bool has_win;
	bool has_opts;           /* "<...>" given: options are checked */
	uint8_t opts;            /* TCP_OPT_* */
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	bool tsval_any, tsecr_any;
	uint8_t nsack;           /* SACK blocks, relative like seq and ack */
	struct tcp_sack_block sack[TCP_SACK_MAX_BLOCKS];
	uint16_t lport, rport;   /* the tuple, our side local */
};

struct sent {
	struct tcp_seg seg;      /* payload NULL */
	uint64_t at;             /* stack time, us */
};

/*
 * One tuple.  A server-side peer connects to tcpterm's port 80 from its
 * port rport (lport = 80); a client-side one is a connection tcpterm opens
 * from its port lport to the peer's port 80 (rport = 80, client = true).
 */
struct peer {
	uint16_t lport, rport;
	bool client;
	bool have_isn;
	uint32_t our_isn;        /* our first SYN or SYN-ACK on this tuple */
	uint64_t n_established, n_eof, n_closed, recv_bytes;
	int last_reason;         /* enum tcp_close_reason, -1: none yet */
};

enum act_kind { ACT_SEND, ACT_CLOSE, ACT_SHUTDOWN, ACT_ABORT };

struct action {
	enum act_kind kind;
	uint32_t len;
};

struct policy {
	struct action a[CF_MAX_ACTIONS];
	unsigned n;
};

struct runner {
	const char *path;
	unsigned line;
	bool v6;                 /* --ipv6: every tuple is IPv6 */
	struct tt_config cfg;
	struct tt_stats st;
	struct tcp_stack s;
	bool started;
	uint64_t now;            /* stack time, us */
	uint64_t t;              /* time of the last line, us since script 0 */
	struct peer peers[CF_MAX_PEERS];
	unsigned n_peers;
	struct peer *cur;
	bool have_ts_off;
	uint32_t ts_off;         /* our TSval minus script ms */
	struct sent q[CF_QUEUE];
	unsigned qhead, qcount;
	uint64_t n_matched;
	/* the application */
	struct policy on_established, on_data, on_eof;
	int64_t close_wait_delay;    /* us after EOF, -1 = no timer */
	int last_pick;               /* enum tuple_pick of the last reuse_connect, -1 */
	unsigned held;               /* out-of-order buffers the stack holds */
	uint8_t payload[65536];
};

static struct runner R;

/* " (IPv6)" after the script's name in what the runner prints. */
#define FAM() (R.v6 ? " (IPv6)" : "")

static const char *const reason_names[] = {
	[TCP_CLOSED_NORMAL] = "normal",
	[TCP_CLOSED_RESET] = "reset",
	[TCP_CLOSED_TIMEOUT] = "timeout",
	[TCP_CLOSED_ABORT] = "abort",
};

static const char *const pick_names[] = {
	[PICK_FREE] = "free",
	[PICK_REUSE] = "reused",
	[PICK_NONE] = "skipped",
};

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s:%u%s: ", R.path, R.line, FAM());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

/* ---- time and numbers ---- */

static void
fmt_time(uint64_t us, char *buf, size_t len)
{
	if (us % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 " ms", us / 1000);
	else
		snprintf(buf, len, "%" PRIu64 ".%03" PRIu64 " ms", us / 1000,
			 us % 1000);
}

static uint64_t
script_us(uint64_t stack_us)
{
	return stack_us - CF_T0;
}

static bool
parse_u32(const char *s, uint32_t *v)
{
	char *e;
	unsigned long long x;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	x = strtoull(s, &e, 10);
	if (errno != 0 || *e != '\0' || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

static uint32_t own_mss(void);

/*
 * A number of a segment line that may depend on the family: "1460", "OWN"
 * (the MSS tcpterm announces on this family, own_mss()), or "V4|V6" (the
 * first over IPv4, the second over IPv6), e.g. "mss 1300|1220" for a SYN
 * cookie's MSS, "seq 1:1289|1209" for a segment of that MSS.
 */
static bool
parse_num(const char *s, uint32_t *v)
{
	const char *bar = strchr(s, '|');
	char alt[32];

	if (strcmp(s, "OWN") == 0) {
		*v = own_mss();
		return true;
	}
	if (bar == NULL)
		return parse_u32(s, v);
	if (strchr(bar + 1, '|') != NULL || (size_t)(bar - s) >= sizeof(alt))
		return false;
	memcpy(alt, s, (size_t)(bar - s));
	alt[bar - s] = '\0';
	/* Both halves must read, whichever the family: a typo in the IPv6
	 * half fails the IPv4 run too. */
	if (R.v6)
		return parse_u32(alt, v) && parse_u32(bar + 1, v);
	return parse_u32(bar + 1, v) && parse_u32(alt, v);
}

/* "1500", "1500.25", "60s", "2.5s", "40ms": microseconds. */
static bool
parse_duration(const char *s, uint64_t *us)
{
	uint64_t ip = 0, frac = 0, scale = 1000, fden = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (ip > UINT64_MAX / 100)
			return false;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (fden >= 1000000)
				return false;
			frac = frac * 10 + (uint64_t)(*p - '0');
			fden *= 10;
		}
	}
	if (strcmp(p, "s") == 0)
		scale = 1000000;
	else if (*p != '\0' && strcmp(p, "ms") != 0)
		return false;
	if (ip > UINT64_MAX / scale / 2)
		return false;
	if ((frac * scale) % fden != 0)
		return false;    /* finer than a microsecond */
	*us = ip * scale + frac * scale / fden;
	return true;
}

/* ---- peers and the relative numbering ---- */

/* The peer of tuple (lport, rport), ours local. */
static struct peer *
peer_get(uint16_t lport, uint16_t rport, bool create)
{
	for (unsigned i = 0; i < R.n_peers; i++)
		if (R.peers[i].lport == lport && R.peers[i].rport == rport)
			return &R.peers[i];
	if (!create)
		return NULL;
	if (R.n_peers == CF_MAX_PEERS)
		fail("more than %d peers", CF_MAX_PEERS);
	R.peers[R.n_peers] = (struct peer){
		.lport = lport, .rport = rport,
		.client = lport != CF_LPORT && rport == CF_TARGET_PORT,
		.last_reason = -1,
	};
	return &R.peers[R.n_peers++];
}

static struct peer *
server_peer(uint16_t rport)
{
	return peer_get(CF_LPORT, rport, true);
}

static struct peer *
client_peer(uint16_t lport)
{
	return peer_get(lport, CF_TARGET_PORT, true);
}

static struct tcp_tuple
peer_tuple(const struct peer *p)
{
	struct tcp_tuple t;

	if (!R.v6)
		return tcp_tuple4(CF_LADDR, CF_RADDR, p->lport, p->rport);
	/* The core compares tuples as whole words: zero every byte first. */
	memset(&t, 0, sizeof(t));
	memcpy(t.laddr.v6, cf_laddr6, sizeof(t.laddr.v6));
	memcpy(t.raddr.v6, cf_raddr6, sizeof(t.raddr.v6));
	t.lport = p->lport;
	t.rport = p->rport;
	t.v6 = 1;
	return t;
}

/* "198.18.0.1:80 > 198.18.0.2:40000" or the IPv6 form, for messages. */
static const char *
tuple_name(const struct tcp_tuple *t)
{
	static char buf[128];
	char a[2][48];
	const union tt_addr *ad[2] = { &t->laddr, &t->raddr };

	for (unsigned i = 0; i < 2; i++) {
		if (t->v6) {
			size_t n = 0;

			/* Every group, no "::": exact about the high bytes. */
			for (unsigned g = 0; g < 8; g++)
				n += (size_t)snprintf(a[i] + n, sizeof(a[i]) - n, "%s%x",
						      g ? ":" : "",
						      ad[i]->v6[2 * g] << 8 | ad[i]->v6[2 * g + 1]);
		} else {
			uint32_t v = ad[i]->v4;

			snprintf(a[i], sizeof(a[i]), "%u.%u.%u.%u", v >> 24, (v >> 16) & 255,
				 (v >> 8) & 255, v & 255);
		}
	}
	snprintf(buf, sizeof(buf), "%s%s%s:%u > %s%s%s:%u", t->v6 ? "[" : "", a[0],
		 t->v6 ? "]" : "", t->lport, t->v6 ? "[" : "", a[1], t->v6 ? "]" : "",
		 t->rport);
	return buf;
}

/*
 * The MSS tcpterm announces on the script's family (OWN in a script):
 * [tcp] mss over IPv4; over IPv6 the header is 20 bytes longer, so
 * mss - 20, but not below 1220 (IPv6's 1280-byte minimum MTU less
 * headers) unless mss itself is lower (issue 12).  Written here from the
 * rule, not taken from the core, so that the scripts check the core.
 */
static uint32_t
own_mss(void)
{
	uint32_t m = R.cfg.tcp.mss;

	if (!R.v6)
		return m;
	if (m >= CF_MSS6_MIN + CF_IP6_EXTRA)
		return m - CF_IP6_EXTRA;
	return m < CF_MSS6_MIN ? m : CF_MSS6_MIN;
}

/* "peer 40000" or "client 40000", for messages. */
static const char *
peer_name(const struct peer *p)
{
	static char buf[2][32];
	static unsigned i;

	i ^= 1;
	if (p->client)
		snprintf(buf[i], sizeof(buf[i]), "client %u", p->lport);
	else
		snprintf(buf[i], sizeof(buf[i]), "peer %u", p->rport);
	return buf[i];
}

/* An actual segment in the script's relative terms. */
static void
pkt_of_seg(struct pkt *k, const struct tcp_seg *seg)
{
	const struct peer *p = peer_get(seg->t.lport, seg->t.rport, false);

	memset(k, 0, sizeof(*k));
	k->flags = seg->flags;
	k->seq = p != NULL && p->have_isn ? seg->seq - p->our_isn : seg->seq;
	k->len = seg->len;
	k->has_ack = (seg->flags & TCP_F_ACK) != 0;
	k->ack = seg->ack - CF_PEER_ISN;
	k->has_win = true;
	k->win = seg->wnd;
	k->has_opts = true;
	k->opts = seg->opts;
	k->mss = seg->mss;
	k->wscale = seg->wscale;
	k->tsval = R.have_ts_off ? seg->tsval - R.ts_off : seg->tsval;
	k->tsecr = seg->tsecr;
	/* Blocks we send are in the peer's sequence space. */
	k->nsack = (seg->opts & TCP_OPT_SACK) ? seg->nsack : 0;
	for (unsigned i = 0; i < k->nsack; i++) {
		k->sack[i].start = seg->sack[i].start - CF_PEER_ISN;
		k->sack[i].end = seg->sack[i].end - CF_PEER_ISN;
	}
	k->lport = seg->t.lport;
	k->rport = seg->t.rport;
}

static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = (size_t)w >= len - *n ? len - 1 : *n + (size_t)w;
}

static void
fmt_pkt(const struct pkt *k, char *buf, size_t len)
{
	static const struct { uint8_t f; char c; } fl[] = {
		{ TCP_F_SYN, 'S' }, { TCP_F_FIN, 'F' }, { TCP_F_RST, 'R' },
		{ TCP_F_PSH, 'P' }, { TCP_F_URG, 'U' }, { TCP_F_ECE, 'E' },
		{ TCP_F_CWR, 'W' }, { TCP_F_ACK, '.' },
	};
	size_t n = 0;
	const char *sep = "";

#define OUT(...) append(buf, len, &n, __VA_ARGS__)
	for (unsigned i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (k->flags & fl[i].f)
			OUT("%c", fl[i].c);
	if (k->flags == 0)
		OUT("-");
	OUT(" seq %" PRIu32, k->seq);
	if (k->len > 0)
		OUT(":%" PRIu32, k->seq + k->len);
	if (k->has_ack)
		OUT(" ack %" PRIu32, k->ack);
	if (k->has_win)
		OUT(" win %u", k->win);
	if (k->has_opts) {
		OUT(" <");
		if (k->opts & TCP_OPT_MSS) {
			OUT("%smss %u", sep, k->mss);
			sep = ",";
		}
		if (k->opts & TCP_OPT_SACK_OK) {
			OUT("%ssackOK", sep);
			sep = ",";
		}
		if (k->opts & TCP_OPT_TS) {
			OUT("%sTS val ", sep);
			if (k->tsval_any)
				OUT("*");
			else
				OUT("%" PRIu32, k->tsval);
			OUT(" ecr ");
			if (k->tsecr_any)
				OUT("*");
			else
				OUT("%" PRIu32, k->tsecr);
			sep = ",";
		}
		if (k->opts & TCP_OPT_SACK) {
			OUT("%ssack", sep);
			for (unsigned i = 0; i < k->nsack; i++)
				OUT(" %" PRIu32 ":%" PRIu32, k->sack[i].start, k->sack[i].end);
			sep = ",";
		}
		if (k->opts & TCP_OPT_WSCALE)
			OUT("%sws %u", sep, k->wscale);
		OUT(">");
	}
	if (k->lport != CF_LPORT)
		OUT(" (client %u)", k->lport);
	else if (R.n_peers > 1 || k->rport != CF_RPORT)
		OUT(" (peer %u)", k->rport);
#undef OUT
}

/* ---- the fake wire ---- */

static void
wire_xmit(void *arg, const struct tcp_seg *seg, tcp_fill_fn fill, void *fill_arg)
{
	static uint8_t scratch[65536];
	struct sent *e;
	struct peer *p;

	(void)arg;
	if (R.qcount == CF_QUEUE)
		fail("more than %d segments sent and not expected", CF_QUEUE);
	if (seg->len > sizeof(scratch))
		fail("segment of %" PRIu32 " bytes sent", seg->len);
	/* Pull the payload as the DPDK glue would: exercises fill(). */
	if (seg->len > 0) {
		if (fill == NULL)
			fail("segment with %" PRIu32 " payload bytes and no fill()",
			     seg->len);
		fill(fill_arg, scratch, seg->len);
	}
	p = peer_get(seg->t.lport, seg->t.rport, true);
	/* Every segment leaves on the script's family and addresses: a reply
	 * built from a TIME_WAIT record, a cookie or a bare RST must keep the
	 * whole tuple (all 16 bytes of each IPv6 address). */
	{
		struct tcp_tuple want = peer_tuple(p);

		if (memcmp(&seg->t, &want, sizeof(want)) != 0) {
			char w[128];

			snprintf(w, sizeof(w), "%s", tuple_name(&want));
			fail("segment sent on %s, expected %s", tuple_name(&seg->t), w);
		}
	}
	if ((seg->flags & TCP_F_SYN) && !p->have_isn) {
		p->have_isn = true;
		p->our_isn = seg->seq;
	}
	if ((seg->opts & TCP_OPT_TS) && !R.have_ts_off) {
		R.have_ts_off = true;
		R.ts_off = seg->tsval - (uint32_t)(script_us(R.s.now) / 1000);
	}
	e = &R.q[(R.qhead + R.qcount) % CF_QUEUE];
	e->seg = *seg;
	e->seg.payload = NULL;
	e->at = R.s.now;
	R.qcount++;
}

static const struct sent *
wire_head(void)
{
	return R.qcount > 0 ? &R.q[R.qhead] : NULL;
}

static void
wire_pop(void)
{
	R.qhead = (R.qhead + 1) % CF_QUEUE;
	R.qcount--;
}

/* Nothing may be waiting: every segment sent so far had to be expected. */
static void
wire_check_empty(const char *where)
{
	const struct sent *e = wire_head();
	struct pkt k;
	char a[256], t[32];

	if (e == NULL)
		return;
	pkt_of_seg(&k, &e->seg);
	fmt_pkt(&k, a, sizeof(a));
	fmt_time(script_us(e->at), t, sizeof(t));
	fail("unexpected segment sent at %s: %s\n"
	     "    (no '>' line expects it before this '%s' line; %u unexpected in all)",
	     t, a, where, R.qcount);
}

/* ---- the application: a sink the script tells what to do ---- */

static struct peer *
app_peer(const struct tcp_conn *c)
{
	const struct tcp_tuple *t = tcp_conn_tuple(c);

	return peer_get(t->lport, t->rport, true);
}

static void
app_run(struct tcp_conn *c, const struct policy *pol)
{
	for (unsigned i = 0; i < pol->n; i++) {
		if (c->flags & TF_FREED)
			return;
		switch (pol->a[i].kind) {
		case ACT_SEND:
			tcp_send(&R.s, c, pol->a[i].len);
			break;
		case ACT_CLOSE:
			tcp_close(&R.s, c);
			break;
		case ACT_SHUTDOWN:
			tcp_shutdown(&R.s, c);
			break;
		case ACT_ABORT:
			tcp_abort(&R.s, c);
			return;
		}
	}
}

static void
app_established(void *arg, struct tcp_conn *c, uint64_t now)
{
	(void)arg;
	(void)now;
	app_peer(c)->n_established++;
	app_run(c, &R.on_established);
}

static void
app_recv(void *arg, struct tcp_conn *c, const uint8_t *data, uint32_t len,
	 uint64_t now)
{
	(void)arg;
	(void)data;
	(void)now;
	app_peer(c)->recv_bytes += len;
	app_run(c, &R.on_data);
}

static void
app_eof(void *arg, struct tcp_conn *c, uint64_t now)
{
	(void)arg;
	app_peer(c)->n_eof++;
	if (R.close_wait_delay >= 0) {
		/* teardown.md: the application closes this long after EOF. */
		tcp_app_timer(&R.s, c, now + (uint64_t)R.close_wait_delay);
		return;
	}
	app_run(c, &R.on_eof);
}

static void
app_acked(void *arg, struct tcp_conn *c, uint32_t bytes, uint64_t now)
{
	(void)arg;
	(void)c;
	(void)bytes;
	(void)now;
}

static void
app_timer(void *arg, struct tcp_conn *c, uint64_t now)
{
	(void)arg;
	(void)now;
	/* Only close_wait_delay arms the timer. */
	tcp_close(&R.s, c);
}

static void
app_closed(void *arg, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct peer *p = app_peer(c);

	(void)arg;
	p->n_closed++;
	p->last_reason = (int)why;
}

static void
app_fill(void *arg, struct tcp_conn *c, uint32_t off, uint8_t *dst, uint32_t len)
{
	(void)arg;
	(void)c;
	for (uint32_t i = 0; i < len; i++)
		dst[i] = (uint8_t)(off + i);
}

static const struct tcp_app_ops app_ops = {
	.established = app_established,
	.recv = app_recv,
	.eof = app_eof,
	.acked = app_acked,
	.timer = app_timer,
	.closed = app_closed,
	.fill = app_fill,
};

/* ---- the stack and its clock ---- */

/* tcp_stack_ops.hold: the script's payload buffer is reused for the next
 * segment, so a held segment gets its own copy (as the mbuf it would be). */
static void *
wire_hold(void *arg, const struct tcp_seg *seg, const uint8_t **data)
{
	uint8_t *copy = malloc(seg->len ? seg->len : 1);

	(void)arg;
	if (copy == NULL)
		fail("out of memory");
	memcpy(copy, seg->payload, seg->len);
	*data = copy + (*data - seg->payload);
	R.held++;
	return copy;
}

static void
wire_release(void *arg, void *handle)
{
	(void)arg;
	if (R.held == 0)
		fail("release of a buffer that was not held");
	R.held--;
	free(handle);
}

static void
stack_start(void)
{
	struct tcp_stack_ops ops = { .xmit = wire_xmit, .hold = wire_hold,
				     .release = wire_release };
	char err[256];

	if (R.started)
		return;
	/* The product refuses a configuration without a port. */
	if (tt_config_set(&R.cfg, "port0.ip=198.18.0.1/24", err, sizeof(err)) != 0 ||
	    tt_config_validate(&R.cfg, err, sizeof(err)) != 0)
		fail("configuration: %s", err);
	R.now = CF_T0;
	/* One lcore: it gets every TIME_WAIT bucket of the process. */
	if (tcp_stack_init(&R.s, &R.cfg.tcp, &R.st, &ops, NULL,
			   R.cfg.tcp.max_tw_buckets, R.cfg.gen.tick, CF_SEED, R.now) != 0)
		fail("tcp_stack_init failed");
	if (tcp_listen(&R.s, CF_LPORT, &app_ops, NULL) != 0)
		fail("tcp_listen failed");
	R.started = true;
}

/* Earliest time anything may be due: a wheel timer or a TIME_WAIT expiry. */
static uint64_t
next_event(void)
{
	uint64_t e = tmw_next_expiry(R.s.wheel);

	if (tw_count(&R.s.tw) > 0) {
		uint64_t te = (uint64_t)tw_rec_expire(&R.s.tw, tw_oldest(&R.s.tw)) * 1000;

		if (te < e)
			e = te;
	}
	return e;
}

/* Move the clock to `to`, running every timer at its own due time, so
 * what a timer sends is captured with the time it was due. */
static void
advance(uint64_t to)
{
	uint64_t guard = 0;
	bool ran_at_now = false;

	if (to < R.now)
		fail("time goes backwards");
	for (;;) {
		uint64_t e = next_event();

		if (e > to)
			break;
		if (e <= R.now) {
			/* Due now; if that was done already, the hint is early
			 * (it may be), so look one microsecond further. */
			e = ran_at_now ? R.now + 1 : R.now;
		}
		if (e > to)
			break;
		ran_at_now = e == R.now;
		R.now = e;
		tcp_timers_run(&R.s, e);
		if (++guard > 100000000)
			fail("timers never settle");
	}
	R.now = to;
	tcp_timers_run(&R.s, to);
}

/* ---- parsing ---- */

#define MAX_TOK 64

struct line {
	char *tok[MAX_TOK];
	unsigned n;
	char *opts;              /* text between < and >, or NULL */
};

static void
tokenize(char *s, struct line *l)
{
	char *lt;

	l->n = 0;
	l->opts = NULL;
	/* The options start at a '<' glued to what follows ("<mss 1460" or
	 * "<>"); the direction '<' stands alone. */
	for (lt = strchr(s, '<'); lt != NULL; lt = strchr(lt + 1, '<'))
		if (lt[1] != '\0' && !isspace((unsigned char)lt[1]))
			break;
	if (lt != NULL) {
		char *gt = strchr(lt, '>');

		if (gt == NULL)
			fail("'<' of the options without '>'");
		if (strspn(gt + 1, " \t\r\n") != strlen(gt + 1))
			fail("text after the options");
		*gt = '\0';
		*lt = '\0';
		l->opts = lt + 1;
	}
	for (char *p = strtok(s, " \t\r\n"); p != NULL; p = strtok(NULL, " \t\r\n")) {
		if (l->n == MAX_TOK)
			fail("line too long");
		l->tok[l->n++] = p;
	}
}

static void
parse_opts(char *s, struct pkt *k)
{
	char *save = NULL;

	k->has_opts = true;
	for (char *it = strtok_r(s, ",", &save); it != NULL;
	     it = strtok_r(NULL, ",", &save)) {
		char *w[6];
		unsigned n = 0;
		char *s2 = NULL;
		uint32_t v;

		for (char *p = strtok_r(it, " \t", &s2); p != NULL;
		     p = strtok_r(NULL, " \t", &s2)) {
			if (n == 6)
				fail("option too long");
			w[n++] = p;
		}
		if (n == 0)
			continue;
		if (strcmp(w[0], "nop") == 0 || strcmp(w[0], "eol") == 0) {
			continue;
		} else if (strcmp(w[0], "mss") == 0 && n == 2 && parse_num(w[1], &v) &&
			   v <= 0xffff) {
			k->opts |= TCP_OPT_MSS;
			k->mss = (uint16_t)v;
		} else if ((strcmp(w[0], "ws") == 0 || strcmp(w[0], "wscale") == 0) &&
			   n == 2 && parse_u32(w[1], &v) && v <= 255) {
			k->opts |= TCP_OPT_WSCALE;
			k->wscale = (uint8_t)v;
		} else if (strcmp(w[0], "sackOK") == 0 && n == 1) {
			k->opts |= TCP_OPT_SACK_OK;
		} else if (strcmp(w[0], "sack") == 0 && n >= 2 &&
			   n - 1 <= TCP_SACK_MAX_BLOCKS) {
			k->opts |= TCP_OPT_SACK;
			k->nsack = (uint8_t)(n - 1);
			for (unsigned b = 0; b < k->nsack; b++) {
				char *colon = strchr(w[b + 1], ':');

				if (colon == NULL)
					fail("bad SACK block '%s' (S:E)", w[b + 1]);
				*colon = '\0';
				if (!parse_num(w[b + 1], &k->sack[b].start) ||
				    !parse_num(colon + 1, &k->sack[b].end))
					fail("bad SACK block '%s:%s'", w[b + 1], colon + 1);
			}
		} else if (strcmp(w[0], "TS") == 0 && n == 5 &&
			   strcmp(w[1], "val") == 0 && strcmp(w[3], "ecr") == 0) {
			k->opts |= TCP_OPT_TS;
			if (strcmp(w[2], "*") == 0)
				k->tsval_any = true;
			else if (!parse_num(w[2], &k->tsval))
				fail("bad TS val '%s'", w[2]);
			if (strcmp(w[4], "*") == 0)
				k->tsecr_any = true;
			else if (!parse_num(w[4], &k->tsecr))
				fail("bad TS ecr '%s'", w[4]);
		} else {
			fail("unknown option '%s' (mss N, ws N, sackOK, TS val X ecr Y, "
			     "sack S:E..., nop)",
			     w[0]);
		}
	}
}

static uint8_t
parse_flags(const char *s)
{
	static const char letters[] = "SFRPUEW.";
	static const uint8_t bits[] = {
		TCP_F_SYN, TCP_F_FIN, TCP_F_RST, TCP_F_PSH,
		TCP_F_URG, TCP_F_ECE, TCP_F_CWR, TCP_F_ACK,
	};
	uint8_t f = 0;

	for (const char *p = s; *p; p++) {
		const char *l = strchr(letters, *p);

		if (*p == '-')
			continue;
		if (l == NULL)
			fail("unknown flag '%c' in '%s' (S F R P U E W, '.' for ACK)",
			     *p, s);
		f |= bits[l - letters];
	}
	return f;
}

/* tok[0] = flags, then seq S[:E], ack A, win W in any order. */
static void
parse_pkt(struct line *l, unsigned i, struct pkt *k)
{
	memset(k, 0, sizeof(*k));
	if (i >= l->n)
		fail("segment without flags");
	k->flags = parse_flags(l->tok[i++]);
	for (; i < l->n; i += 2) {
		const char *kw = l->tok[i];
		char *v = i + 1 < l->n ? l->tok[i + 1] : NULL;
		uint32_t x;

		if (v == NULL)
			fail("'%s' without a value", kw);
		if (strcmp(kw, "seq") == 0) {
			char *colon = strchr(v, ':');
			uint32_t end;

			if (colon != NULL)
				*colon = '\0';
			if (!parse_num(v, &k->seq))
				fail("bad seq '%s'", v);
			if (colon != NULL) {
				if (!parse_num(colon + 1, &end) || end - k->seq > 65535)
					fail("bad seq end '%s'", colon + 1);
				k->len = end - k->seq;
			}
		} else if (strcmp(kw, "ack") == 0) {
			if (!parse_num(v, &k->ack))
				fail("bad ack '%s'", v);
			k->has_ack = true;
		} else if (strcmp(kw, "win") == 0) {
			if (!parse_num(v, &x) || x > 0xffff)
				fail("bad win '%s'", v);
			k->win = (uint16_t)x;
			k->has_win = true;
		} else {
			fail("unknown field '%s' (seq, ack, win)", kw);
		}
	}
	if (l->opts != NULL)
		parse_opts(l->opts, k);
	k->lport = R.cur->lport;
	k->rport = R.cur->rport;
}

/* ---- directives ---- */

static void
do_inbound(struct pkt *k)
{
	struct tcp_seg seg;

	memset(&seg, 0, sizeof(seg));
	seg.t = peer_tuple(R.cur);
	seg.flags = k->flags;
	seg.seq = CF_PEER_ISN + k->seq;
	seg.ack = k->has_ack && R.cur->have_isn ? R.cur->our_isn + k->ack : k->ack;
	seg.wnd = k->has_win ? k->win : 65535;
	seg.opts = k->opts;
	seg.mss = k->mss;
	seg.wscale = k->wscale;
	if (k->tsval_any || k->tsecr_any)
		fail("'*' is for expected segments only");
	seg.tsval = k->tsval;
	seg.tsecr = R.have_ts_off ? k->tsecr + R.ts_off : k->tsecr;
	seg.len = k->len;
	for (uint32_t i = 0; i < k->len; i++)
		R.payload[i] = (uint8_t)(k->seq + i);
	seg.payload = k->len ? R.payload : NULL;
	seg.pkt = k->len ? R.payload : NULL;
	/* Blocks the peer sends are in our sequence space. */
	seg.nsack = k->nsack;
	for (unsigned i = 0; i < k->nsack; i++) {
		uint32_t base = R.cur->have_isn ? R.cur->our_isn : 0;

		seg.sack[i].start = base + k->sack[i].start;
		seg.sack[i].end = base + k->sack[i].end;
	}
	if ((k->flags & TCP_F_ACK) && !k->has_ack)
		fail("inbound segment with ACK flag needs 'ack'");
	tcp_input(&R.s, &seg, R.now);
}

static bool
pkt_match(const struct pkt *want, const struct pkt *got, const char **why)
{
	*why = NULL;
	if (want->lport != got->lport || want->rport != got->rport)
		*why = "peer";
	else if (want->flags != got->flags)
		*why = "flags";
	else if (want->seq != got->seq)
		*why = "seq";
	else if (want->len != got->len)
		*why = "length";
	else if (want->has_ack && want->ack != got->ack)
		*why = "ack";
	else if (want->has_win && want->win != got->win)
		*why = "win";
	else if (want->has_opts && want->opts != got->opts)
		*why = "options";
	else if (want->has_opts && (want->opts & TCP_OPT_MSS) && want->mss != got->mss)
		*why = "mss";
	else if (want->has_opts && (want->opts & TCP_OPT_WSCALE) &&
		 want->wscale != got->wscale)
		*why = "window scale";
	else if (want->has_opts && (want->opts & TCP_OPT_TS) && !want->tsval_any &&
		 want->tsval != got->tsval)
		*why = "TS val";
	else if (want->has_opts && (want->opts & TCP_OPT_TS) && !want->tsecr_any &&
		 want->tsecr != got->tsecr)
		*why = "TS ecr";
	else if (want->has_opts && want->nsack != got->nsack)
		*why = "SACK blocks";
	for (unsigned i = 0; *why == NULL && want->has_opts && i < want->nsack; i++)
		if (want->sack[i].start != got->sack[i].start ||
		    want->sack[i].end != got->sack[i].end)
			*why = "SACK blocks";
	return *why == NULL;
}

static void
do_outbound(const struct pkt *want)
{
	const struct sent *e = wire_head();
	char a[256], b[256], ta[32], tb[32];
	const char *why;
	struct pkt got;

	fmt_pkt(want, a, sizeof(a));
	fmt_time(R.t, ta, sizeof(ta));
	if (e == NULL) {
		printf("FAIL %s:%u%s: expected at %s: %s\n"
		       "    actual: nothing sent\n", R.path, R.line, FAM(), ta, a);
		exit(1);
	}
	pkt_of_seg(&got, &e->seg);
	fmt_pkt(&got, b, sizeof(b));
	fmt_time(script_us(e->at), tb, sizeof(tb));
	if (script_us(e->at) != R.t)
		why = "time";
	else
		pkt_match(want, &got, &why);
	if (why != NULL) {
		printf("FAIL %s:%u%s: %s differs\n"
		       "    expected at %s: %s\n"
		       "    actual   at %s: %s\n", R.path, R.line, FAM(), why, ta, a, tb, b);
		exit(1);
	}
	wire_pop();
	R.n_matched++;
}

static bool
compare(uint64_t a, const char *op, uint64_t b)
{
	if (strcmp(op, "==") == 0)
		return a == b;
	if (strcmp(op, "!=") == 0)
		return a != b;
	if (strcmp(op, "<") == 0)
		return a < b;
	if (strcmp(op, "<=") == 0)
		return a <= b;
	if (strcmp(op, ">") == 0)
		return a > b;
	if (strcmp(op, ">=") == 0)
		return a >= b;
	fail("unknown comparison '%s' (== != < <= > >=)", op);
}

static void
check_value(const char *what, uint64_t have, const char *op, const char *want_s)
{
	uint32_t want;

	if (!parse_u32(want_s, &want))
		fail("bad number '%s'", want_s);
	if (!compare(have, op, want))
		fail("%s is %" PRIu64 ", expected %s %" PRIu32, what, have, op, want);
}

static enum tcp_state
state_of_name(const char *n)
{
	for (int i = 0; i < TCP_NSTATES; i++)
		if (strcmp(tcp_state_name((enum tcp_state)i), n) == 0)
			return (enum tcp_state)i;
	fail("unknown state '%s'", n);
}

static enum tcp_state
cur_state(void)
{
	struct tcp_tuple t = peer_tuple(R.cur);
	struct tcp_conn *c = tcp_lookup(&R.s, &t);

	if (c != NULL)
		return tcp_conn_state(c);
	if (tcp_tw_lookup(&R.s, &t) != NULL)
		return TCP_TIME_WAIT;
	return TCP_CLOSED;
}

static struct tcp_conn *
cur_conn(const char *verb)
{
	struct tcp_tuple t = peer_tuple(R.cur);
	struct tcp_conn *c = tcp_lookup(&R.s, &t);

	if (c == NULL)
		fail("app %s: no connection with %s", verb, peer_name(R.cur));
	return c;
}

static void
parse_actions(struct line *l, unsigned i, struct policy *pol)
{
	pol->n = 0;
	for (; i < l->n; i++) {
		char *w = l->tok[i];
		size_t wl = strlen(w);
		struct action a = { 0 };

		if (wl > 0 && w[wl - 1] == ',')
			w[--wl] = '\0';
		if (strcmp(w, "none") == 0)
			continue;
		if (strcmp(w, "send") == 0) {
			char *v = i + 1 < l->n ? l->tok[++i] : NULL;
			size_t vl = v ? strlen(v) : 0;

			if (vl > 0 && v[vl - 1] == ',')
				v[--vl] = '\0';
			a.kind = ACT_SEND;
			if (v == NULL || !parse_u32(v, &a.len) || a.len == 0)
				fail("send needs a byte count");
		} else if (strcmp(w, "close") == 0) {
			a.kind = ACT_CLOSE;
		} else if (strcmp(w, "shutdown") == 0) {
			a.kind = ACT_SHUTDOWN;
		} else if (strcmp(w, "abort") == 0) {
			a.kind = ACT_ABORT;
		} else {
			fail("unknown action '%s' (send N, close, shutdown, abort, none)", w);
		}
		if (pol->n == CF_MAX_ACTIONS)
			fail("too many actions");
		pol->a[pol->n++] = a;
	}
}

static void
do_app(struct line *l, unsigned i)
{
	const char *v = l->tok[i];
	uint32_t n;

	if (strcmp(v, "close") == 0 || strcmp(v, "shutdown") == 0 ||
	    strcmp(v, "abort") == 0 || strcmp(v, "send") == 0) {
		struct tcp_conn *c = cur_conn(v);

		if (strcmp(v, "close") == 0) {
			tcp_close(&R.s, c);
		} else if (strcmp(v, "shutdown") == 0) {
			tcp_shutdown(&R.s, c);
		} else if (strcmp(v, "abort") == 0) {
			tcp_abort(&R.s, c);
		} else {
			if (i + 1 >= l->n || !parse_u32(l->tok[i + 1], &n) || n == 0)
				fail("app send needs a byte count");
			tcp_send(&R.s, c, n);
		}
	} else if (strcmp(v, "on_established") == 0) {
		parse_actions(l, i + 1, &R.on_established);
	} else if (strcmp(v, "on_data") == 0) {
		parse_actions(l, i + 1, &R.on_data);
	} else if (strcmp(v, "on_eof") == 0) {
		parse_actions(l, i + 1, &R.on_eof);
		R.close_wait_delay = -1;
	} else if (strcmp(v, "respond") == 0) {
		if (i + 1 >= l->n || !parse_u32(l->tok[i + 1], &n) || n == 0)
			fail("app respond needs a byte count");
		R.on_data = (struct policy){ .a = { { ACT_SEND, n } }, .n = 1 };
	} else if (strcmp(v, "close_on_eof") == 0) {
		R.on_eof = (struct policy){ .a = { { ACT_CLOSE, 0 } }, .n = 1 };
		R.close_wait_delay = -1;
	} else if (strcmp(v, "never_close") == 0) {
		R.on_eof.n = 0;
		R.close_wait_delay = -1;
	} else if (strcmp(v, "close_wait_delay") == 0) {
		uint64_t us;

		if (i + 1 >= l->n || !parse_duration(l->tok[i + 1], &us))
			fail("app close_wait_delay needs a time in ms");
		R.close_wait_delay = (int64_t)us;
	} else {
		fail("unknown app directive '%s'", v);
	}
}

static void
do_assert(struct line *l, unsigned i)
{
	const char *kw = l->tok[i];
	unsigned left = l->n - i - 1;

	if (strcmp(kw, "state") == 0 && left == 1) {
		enum tcp_state want = state_of_name(l->tok[i + 1]);
		enum tcp_state have = cur_state();

		if (want != have)
			fail("state is %s, expected %s", tcp_state_name(have),
			     tcp_state_name(want));
	} else if (strcmp(kw, "tw") == 0 && left == 1) {
		check_value("TIME_WAIT records", tw_count(&R.s.tw), "==", l->tok[i + 1]);
	} else if (strcmp(kw, "counter") == 0 && left == 3) {
		const char *name = l->tok[i + 1];
		int c;

		for (c = 0; c < TT_NCOUNTERS; c++)
			if (strcmp(tt_counter_names[c], name) == 0)
				break;
		if (c == TT_NCOUNTERS)
			fail("unknown counter '%s'", name);
		check_value(name, R.st.c[c], l->tok[i + 2], l->tok[i + 3]);
	} else if (strcmp(kw, "gauge") == 0 && left == 3) {
		enum tcp_state st = state_of_name(l->tok[i + 1]);
		int64_t v = R.st.state[st];

		if (v < 0)
			fail("gauge %s is negative: %" PRId64, l->tok[i + 1], v);
		check_value(l->tok[i + 1], (uint64_t)v, l->tok[i + 2], l->tok[i + 3]);
	} else if (strcmp(kw, "closed") == 0 && left == 1) {
		const char *want = l->tok[i + 1];

		if (R.cur->last_reason < 0)
			fail("connection with %s not closed, expected closed %s",
			     peer_name(R.cur), want);
		if (strcmp(reason_names[R.cur->last_reason], want) != 0)
			fail("connection with %s closed %s, expected %s",
			     peer_name(R.cur), reason_names[R.cur->last_reason], want);
	} else if (strcmp(kw, "picked") == 0 && left == 1) {
		if (R.last_pick < 0)
			fail("picked: no reuse_connect line before");
		if (strcmp(pick_names[R.last_pick], l->tok[i + 1]) != 0)
			fail("reuse_connect %s, expected %s", pick_names[R.last_pick],
			     l->tok[i + 1]);
	} else if (strcmp(kw, "app_stat") == 0 && left == 3) {
		const char *n = l->tok[i + 1];
		uint64_t v;

		if (strcmp(n, "established") == 0)
			v = R.cur->n_established;
		else if (strcmp(n, "recv") == 0)
			v = R.cur->recv_bytes;
		else if (strcmp(n, "eof") == 0)
			v = R.cur->n_eof;
		else if (strcmp(n, "closed") == 0)
			v = R.cur->n_closed;
		else
			fail("unknown app_stat '%s' (established, recv, eof, closed)", n);
		check_value(n, v, l->tok[i + 2], l->tok[i + 3]);
	} else {
		fail("bad '%s' line", kw);
	}
}

/* ---- tcpterm as the client ---- */

/* "connect [PORT]", "client PORT": tcpterm's source port, 40000 by default. */
static uint16_t
parse_client_port(const struct line *l, unsigned i, bool required)
{
	uint32_t p;

	if (i + 1 == l->n && !required)
		return CF_RPORT;
	if (i + 2 != l->n || !parse_u32(l->tok[i + 1], &p) || p == 0 || p > 65535 ||
	    p == CF_LPORT)
		fail("%s takes a source port (1-65535, not %d)%s", l->tok[i], CF_LPORT,
		     required ? "" : " or nothing");
	return (uint16_t)p;
}

static void
client_open(struct peer *p, uint32_t iss)
{
	struct tcp_tuple t = peer_tuple(p);

	R.cur = p;
	if (tcp_lookup(&R.s, &t) != NULL)
		fail("connect: %s is in use", peer_name(p));
	if (tcp_connect(&R.s, &t, &app_ops, NULL, iss, R.now) == NULL)
		fail("connect: tcp_connect() from port %u failed (table full?)", p->lport);
}

/* connect [PORT]: tcpterm opens a connection from its PORT to the peer's
 * port 80 with a fresh ISN; a TIME_WAIT record on the tuple is a script
 * error here (reuse_connect is the way to take one over). */
static void
do_connect(const struct line *l, unsigned i)
{
	struct peer *p = client_peer(parse_client_port(l, i, false));
	struct tcp_tuple t = peer_tuple(p);

	if (tcp_tw_lookup(&R.s, &t) != NULL)
		fail("connect: %s is held in TIME_WAIT (use reuse_connect)", peer_name(p));
	client_open(p, 0);
}

/*
 * reuse_connect PORT: what client mode does for its next tuple, on a pool
 * of this one tuple: the product's tuple_pick() (no RSS, one queue)
 * expires a record whose 2MSL is over, takes a record over when
 * tw_reuse_ok() allows (record removed, tw_reused, ISN = old snd_nxt +
 * 65537), or skips it (tuples_skipped, nothing sent).  A free or taken
 * over tuple is then connected with tcp_connect() and that ISN.
 */
static void
do_reuse_connect(const struct line *l, unsigned i)
{
	struct peer *p = client_peer(parse_client_port(l, i, true));
	struct tcp_tuple want = peer_tuple(p), got;
	struct tt_client_config cc;
	struct tuple_pool pool;
	enum tuple_pick pick;
	uint32_t isn = 0;
	char err[256];

	R.cur = p;
	if (tcp_lookup(&R.s, &want) != NULL)
		fail("reuse_connect: %s is in use", peer_name(p));
	memset(&cc, 0, sizeof(cc));
	if (R.v6) {
		/* Over IPv6 the pool pairs the IPv6 target with the IPv6
		 * source range (issue 12). */
		cc.target_v6[0] = true;
		memcpy(cc.target_ip6[0], cf_raddr6, sizeof(cf_raddr6));
		cc.has_src_ip6 = true;
		memcpy(cc.src_ip6_first, cf_laddr6, sizeof(cf_laddr6));
		memcpy(cc.src_ip6_last, cf_laddr6, sizeof(cf_laddr6));
	} else {
		cc.target_ip[0] = CF_RADDR;
		cc.src_ip_first = cc.src_ip_last = CF_LADDR;
	}
	cc.target_port[0] = CF_TARGET_PORT;
	cc.n_targets = 1;
	cc.src_port_first = cc.src_port_last = p->lport;
	if (tuple_pool_init(&pool, &cc, R.v6 ? 0 : CF_LADDR, R.v6 ? cf_laddr6 : NULL, 0, 1,
			    NULL, err, sizeof(err)) != 0)
		fail("reuse_connect: tuple_pool_init: %s", err);
	pick = tuple_pick(&pool, &R.s, 0, &got, &isn, R.now, 1);
	tuple_pool_free(&pool);
	R.last_pick = (int)pick;
	if (pick == PICK_NONE)
		return;
	if (memcmp(&got, &want, sizeof(got)) != 0)
		fail("reuse_connect: tuple_pick() returned another tuple (port %u)",
		     got.lport);
	if ((pick == PICK_FREE) != (isn == 0))
		fail("reuse_connect: tuple_pick() returned %s with ISN %" PRIu32,
		     pick_names[pick], isn);
	client_open(p, isn);
}

/* The state gauges must agree with the records that exist. */
static void
check_gauges(void)
{
	int64_t sum = 0;

	for (int i = 0; i < TCP_NSTATES; i++) {
		if (R.st.state[i] < 0)
			fail("gauge %s is negative", tcp_state_name((enum tcp_state)i));
		if (i != TCP_LISTEN && i != TCP_TIME_WAIT)
			sum += R.st.state[i];
	}
	if (R.st.state[TCP_TIME_WAIT] != (int64_t)tw_count(&R.s.tw))
		fail("gauge TIME_WAIT %" PRId64 " but %u records",
		     R.st.state[TCP_TIME_WAIT], tw_count(&R.s.tw));
	if (sum != (int64_t)R.s.n_conns)
		fail("state gauges sum to %" PRId64 " but %u connections exist",
		     sum, R.s.n_conns);
}

static void
run_line(char *text)
{
	struct line l;
	unsigned i = 0;
	uint64_t t = R.t;
	bool timed = false;
	const char *kw;

	tokenize(text, &l);
	if (l.n == 0)
		return;
	if (isdigit((unsigned char)l.tok[0][0]) || l.tok[0][0] == '+') {
		uint64_t d;
		bool rel = l.tok[0][0] == '+';

		if (!parse_duration(l.tok[0] + rel, &d))
			fail("bad time '%s'", l.tok[0]);
		t = rel ? R.t + d : d;
		if (t < R.t)
			fail("time %s is before the previous line's", l.tok[0]);
		timed = true;
		i = 1;
	}
	if (i >= l.n)
		fail("time without a directive");
	kw = l.tok[i];
	if (strcmp(kw, "set") == 0) {
		char err[512];

		if (timed || i + 2 != l.n)
			fail("set takes one section.key=value and no time");
		if (R.started)
			fail("set after the first event: the configuration is "
			     "read-only once the stack runs");
		if (tt_config_set(&R.cfg, l.tok[i + 1], err, sizeof(err)) != 0)
			fail("%s", err);
		return;
	}
	if (strcmp(kw, "peer") == 0) {
		uint32_t p;

		if (i + 2 != l.n || !parse_u32(l.tok[i + 1], &p) || p == 0 || p > 65535)
			fail("peer takes a port number");
		R.cur = server_peer((uint16_t)p);
		return;
	}
	if (strcmp(kw, "client") == 0) {
		R.cur = client_peer(parse_client_port(&l, i, true));
		return;
	}
	stack_start();
	R.t = t;
	advance(CF_T0 + t);
	if (strcmp(kw, ">") == 0) {
		struct pkt k;

		parse_pkt(&l, i + 1, &k);
		do_outbound(&k);
		return;
	}
	if (l.opts != NULL && strcmp(kw, "<") != 0)
		fail("options on a line that is not a segment");
	if (strcmp(kw, "run") == 0) {
		/* Whatever the timers sent waits for the lines that follow. */
		if (i + 1 != l.n)
			fail("run takes nothing");
		return;
	}
	wire_check_empty(kw);
	if (strcmp(kw, "<") == 0) {
		struct pkt k;

		parse_pkt(&l, i + 1, &k);
		do_inbound(&k);
	} else if (strcmp(kw, "app") == 0) {
		if (i + 1 >= l.n)
			fail("app needs a directive");
		do_app(&l, i + 1);
	} else if (strcmp(kw, "connect") == 0) {
		do_connect(&l, i);
	} else if (strcmp(kw, "reuse_connect") == 0) {
		do_reuse_connect(&l, i);
	} else {
		do_assert(&l, i);
	}
}

int
main(int argc, char **argv)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (argc == 3 && strcmp(argv[1], "--ipv6") == 0) {
		R.v6 = true;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s [--ipv6] SCRIPT.pkt\n", argv[0]);
		return 1;
	}
	R.path = argv[1];
	tt_config_defaults(&R.cfg);
	R.close_wait_delay = -1;
	R.last_pick = -1;
	R.cur = server_peer(CF_RPORT);
	f = fopen(R.path, "r");
	if (f == NULL) {
		fprintf(stderr, "FAIL %s: %s\n", R.path, strerror(errno));
		return 1;
	}
	while ((n = getline(&buf, &cap, f)) >= 0) {
		char *hash = strchr(buf, '#');

		R.line++;
		if (hash != NULL)
			*hash = '\0';
		run_line(buf);
	}
	free(buf);
	fclose(f);
	R.line++;
	stack_start();
	wire_check_empty("end of script");
	check_gauges();
	printf("PASS %s%s: %u lines, %" PRIu64 " segments matched\n", R.path,
	       FAM(), R.line - 1, R.n_matched);
	tcp_stack_fini(&R.s);
	if (R.held != 0) {
		printf("FAIL %s%s: %u held buffers never released\n", R.path, FAM(), R.held);
		return 1;
	}
	return 0;
}
