/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP test bench (see harness.h).  The fake wire copies every segment
 * the stack hands to xmit, payload included (through the fill callback, as
 * the DPDK glue does), so a test can check a retransmission carries the
 * same bytes as the original.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

void
h_default_config(struct tt_tcp_config *cfg)
{
	/* The Linux defaults of teardown.md, as the config module sets them. */
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_conns = 1024;
	cfg->time_wait = 60 * H_S;
	cfg->fin_timeout = 60 * H_S;
	cfg->orphan_retries = 0;          /* means 8 */
	cfg->retries2 = 15;
	cfg->synack_retries = 5;
	cfg->syn_retries = 6;
	cfg->rto_min = 200 * H_MS;
	cfg->rto_max = 120 * H_S;
	cfg->rto_initial = 1 * H_S;
	cfg->delayed_ack = 40 * H_MS;
	cfg->max_tw_buckets = 262144;
	cfg->tw_policy = TT_TW_CLOSE;
	cfg->rfc1337 = 0;
	cfg->timestamps = true;
	cfg->sack = true;
	cfg->wscale = 7;
	cfg->mss = 1460;
	cfg->min_snd_mss = 48;
	cfg->sndbuf = 4u << 20;
	cfg->rcv_wnd = 1u << 20;
	cfg->ofo_max_segs = 1024;
	cfg->ofo_mbufs = 4096;
	cfg->init_cwnd = 10;
	cfg->keepalive = false;
	cfg->keepalive_time = 7200 * H_S;
	cfg->keepalive_intvl = 75 * H_S;
	cfg->keepalive_probes = 9;
	cfg->tw_reuse = 2;
	cfg->tw_reuse_delay = 1 * H_S;
	cfg->syncookies = 1;
	cfg->max_syn_backlog = 0;        /* max(128, max_conns / 128) */
}

/* ---- the fake wire ---- */

struct h_fill_buf {
	uint8_t *dst;
};

static void
h_xmit(void *arg, const struct tcp_seg *seg, tcp_fill_fn fill, void *fill_arg)
{
	struct harness *h = arg;
	struct h_sent *e;

	if (h->sent_head + h->sent_count == h->sent_cap) {
		if (h->sent_head > 0) {
			memmove(h->sent, h->sent + h->sent_head,
				h->sent_count * sizeof(*h->sent));
			h->sent_head = 0;
		} else {
			unsigned cap = h->sent_cap ? h->sent_cap * 2 : 64;
			struct h_sent *n = realloc(h->sent, cap * sizeof(*n));

			assert_non_null(n);
			h->sent = n;
			h->sent_cap = cap;
		}
	}
	e = &h->sent[h->sent_head + h->sent_count];
	memset(e, 0, offsetof(struct h_sent, data));
	e->seg = *seg;
	e->seg.payload = NULL;
	e->at = h->s.now;
	if (seg->len > 0) {
		uint8_t *tmp;

		/* The glue always fills exactly seg->len bytes. */
		assert_non_null(fill);
		tmp = malloc(seg->len);
		assert_non_null(tmp);
		fill(fill_arg, tmp, seg->len);
		e->plen = seg->len < H_MAX_PAYLOAD ? seg->len : H_MAX_PAYLOAD;
		memcpy(e->data, tmp, e->plen);
		free(tmp);
	}
	if ((seg->opts & TCP_OPT_TS) && tcp_tuple_eq(&seg->t, &h->peer.t))
		h->peer.ts_echo = seg->tsval;
	h->sent_count++;
	h->n_sent++;
}

/*
 * tcp_stack_ops.hold/release: the stack keeps out-of-order payload past
 * tcp_input.  A private copy per hold, freed on release, so a read after
 * release is caught by the sanitizers; h->held counts what is out (every
 * test ends with 0: the DPDK glue's mbufs_in_use).
 */
static void *
h_hold(void *arg, const struct tcp_seg *seg, const uint8_t **data)
{
	struct harness *h = arg;
	uint8_t *copy;

	if (h->hold_refuse)
		return NULL;
	copy = malloc(seg->len ? seg->len : 1);
	assert_non_null(copy);
	/* *data points into seg's payload: copy from there to the end. */
	assert_true(*data >= seg->payload && *data <= seg->payload + seg->len);
	memcpy(copy, seg->payload, seg->len);
	*data = copy + (*data - seg->payload);
	h->held++;
	return copy;
}

static void
h_release(void *arg, void *handle)
{
	struct harness *h = arg;

	assert_true(h->held > 0);
	h->held--;
	free(handle);
}

/* ---- the fake application ---- */

static void
h_do(struct harness *h, struct tcp_conn *c, enum h_action a, uint64_t now)
{
	switch (a) {
	case H_ACT_NONE:
		break;
	case H_ACT_CLOSE:
		tcp_close(&h->s, c);
		break;
	case H_ACT_SHUTDOWN:
		tcp_shutdown(&h->s, c);
		break;
	case H_ACT_ABORT:
		tcp_abort(&h->s, c);
		break;
	case H_ACT_CLOSE_LATER:
		tcp_app_timer(&h->s, c, now + h->app.close_delay);
		break;
	}
}

static void
app_established(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct harness *h = arg;

	h->app.n_established++;
	h->app.established_at = now;
	h->app.conn = c;
}

static void
app_recv(void *arg, struct tcp_conn *c, const uint8_t *data, uint32_t len,
	 uint64_t now)
{
	struct harness *h = arg;
	uint64_t off = h->app.recv_bytes;

	h->app.n_recv++;
	for (uint32_t i = 0; i < len; i++) {
		if (data[i] != h_pattern((uint32_t)(off + i)))
			h->app.rx_bad = true;
		if (off + i < sizeof(h->app.rx))
			h->app.rx[off + i] = data[i];
	}
	h->app.recv_bytes += len;
	if (h->app.respond_len > 0)
		tcp_send(&h->s, c, h->app.respond_len);
	h_do(h, c, h->app.on_recv, now);
}

static void
app_eof(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct harness *h = arg;

	h->app.n_eof++;
	h->app.eof_at = now;
	h_do(h, c, h->app.on_eof, now);
}

static void
app_acked(void *arg, struct tcp_conn *c, uint32_t bytes, uint64_t now)
{
	struct harness *h = arg;

	(void)c;
	(void)now;
	h->app.n_acked++;
	h->app.acked_bytes += bytes;
}

static void
app_timer(void *arg, struct tcp_conn *c, uint64_t now)
{
	struct harness *h = arg;

	h->app.n_timer++;
	h->app.timer_at = now;
	/* The only timer the fake application sets is the delayed close. */
	tcp_close(&h->s, c);
}

static void
app_closed(void *arg, struct tcp_conn *c, enum tcp_close_reason why)
{
	struct harness *h = arg;

	h->app.n_closed++;
	h->app.closed_at = h->s.now;
	h->app.close_reason = why;
	if (h->app.conn == c)
		h->app.conn = NULL;
}

static void
app_fill(void *arg, struct tcp_conn *c, uint32_t off, uint8_t *dst, uint32_t len)
{
	(void)arg;
	(void)c;
	for (uint32_t i = 0; i < len; i++)
		dst[i] = h_pattern(off + i);
}

static const struct tcp_app_ops h_app_ops = {
	.established = app_established,
	.recv = app_recv,
	.eof = app_eof,
	.acked = app_acked,
	.timer = app_timer,
	.closed = app_closed,
	.fill = app_fill,
};

/* ---- life cycle ---- */

void
h_peer_init(struct harness *h, struct h_peer *p, uint16_t rport)
{
	(void)h;
	memset(p, 0, sizeof(*p));
	p->t.laddr.v4 = H_LADDR;
	p->t.raddr.v4 = H_RADDR;
	p->t.lport = H_LPORT;
	p->t.rport = rport;
	p->isn = 0x10000000u + (uint32_t)rport * 0x10000u;
	p->snd_nxt = p->isn;
	p->syn_wnd = 64240;
	p->wnd = 502;             /* 64256 bytes with wscale 7 */
	p->wscale = 7;
	p->ts = true;
	p->ts_base = 0x50000000u + rport;
}

const uint8_t h_laddr6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 1 };
const uint8_t h_raddr6[16] = { 0x20, 0x01, 0x00, 0x02, [15] = 2 };

struct tcp_tuple
h_tuple6(const uint8_t laddr[16], const uint8_t raddr[16], uint16_t lport,
	 uint16_t rport)
{
	struct tcp_tuple t;

	/* The core compares and hashes tuples as whole words. */
	memset(&t, 0, sizeof(t));
	memcpy(t.laddr.v6, laddr, sizeof(t.laddr.v6));
	memcpy(t.raddr.v6, raddr, sizeof(t.raddr.v6));
	t.lport = lport;
	t.rport = rport;
	t.v6 = 1;
	return t;
}

struct tcp_conn *
h_connect(struct harness *h, const struct tcp_tuple *t)
{
	return tcp_connect(&h->s, t, &h_app_ops, h, 0, h->now);
}

void
h_peer_init6(struct harness *h, struct h_peer *p, uint16_t rport,
	     const uint8_t raddr[16])
{
	h_peer_init(h, p, rport);
	p->t = h_tuple6(h_laddr6, raddr != NULL ? raddr : h_raddr6, H_LPORT, rport);
}

void
h_start(struct harness *h, const struct tt_tcp_config *cfg)
{
	static const struct tcp_stack_ops ops = { .xmit = h_xmit, .hold = h_hold,
						  .release = h_release };
	int rc;

	if (cfg != NULL)
		h->cfg = *cfg;
	else
		h_default_config(&h->cfg);
	h->now = H_T0;
	h_peer_init(h, &h->peer, H_RPORT);
	for (uint32_t i = 0; i < sizeof(h->payload); i++)
		h->payload[i] = h_pattern(i);
	rc = tcp_stack_init(&h->s, &h->cfg, &h->st, &ops, h, h->cfg.max_tw_buckets,
			    1 * H_MS, 1, h->now);
	assert_int_equal(rc, 0);
	h->started = true;
	rc = tcp_listen(&h->s, H_LPORT, &h_app_ops, h);
	assert_int_equal(rc, 0);
}

void
h_stop(struct harness *h)
{
	if (!h->started)
		return;
	h->started = false;
	tcp_stack_fini(&h->s);
	/* Every held out-of-order buffer came back. */
	if (h->held != 0) {
		print_error("%u held buffers not released after tcp_stack_fini\n",
			    h->held);
		fail();
	}
	/* Every gauge the stack raised must have come back down. */
	for (unsigned i = 0; i < TCP_NSTATES; i++) {
		if (h->st.state[i] != 0) {
			print_error("gauge %s is %lld after tcp_stack_fini\n",
				    tcp_state_name((enum tcp_state)i),
				    (long long)h->st.state[i]);
			fail();
		}
	}
}

int
h_setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return -1;
	*state = h;
	return 0;
}

int
h_teardown(void **state)
{
	struct harness *h = *state;

	if (h == NULL)
		return 0;
	*state = NULL;
	if (h->started)
		h_check_gauges(h);
	h_stop(h);
	free(h->sent);
	free(h);
	return 0;
}

/* ---- the clock ---- */

void
h_advance_to(struct harness *h, uint64_t t)
{
	uint64_t last = UINT64_MAX;
	unsigned same = 0;

	if (t < h->now) {
		print_error("h_advance_to(%llu) but the clock is at %llu\n",
			    (unsigned long long)t, (unsigned long long)h->now);
		fail();
	}
	for (unsigned long guard = 0;; guard++) {
		uint64_t next = tmw_next_expiry(h->s.wheel);
		struct tw_rec *r = h->s.tw.rec != NULL ? tw_oldest(&h->s.tw) : NULL;

		if (r != NULL && (uint64_t)tw_rec_expire(&h->s.tw, r) * H_MS < next)
			next = (uint64_t)tw_rec_expire(&h->s.tw, r) * H_MS;
		if (next > t)
			break;
		if (next < h->now)
			next = h->now;
		/* A wheel that keeps reporting the same instant (a callback
		 * re-arming into the past) must not hang the bench. */
		if (next == last && ++same > 2)
			next = h->now + 1;
		else if (next != last)
			same = 0;
		last = next;
		if (next > t)
			break;
		if (guard > 50000000ul) {
			print_error("h_advance_to: timers never settle\n");
			fail();
		}
		h->now = next;
		tcp_timers_run(&h->s, next);
	}
	h->now = t;
	tcp_timers_run(&h->s, t);
}

/* ---- inbound segments ---- */

struct tcp_seg
h_mk(struct harness *h, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct tcp_seg seg;

	memset(&seg, 0, sizeof(seg));
	seg.t = h->peer.t;
	seg.seq = seq;
	seg.ack = (flags & TCP_F_ACK) ? ack : 0;
	seg.flags = flags;
	seg.wnd = (flags & TCP_F_SYN) ? h->peer.syn_wnd : h->peer.wnd;
	if (h->peer.ts && !(flags & TCP_F_RST)) {
		seg.opts |= TCP_OPT_TS;
		seg.tsval = h->peer.ts_base + (uint32_t)(h->now / H_MS);
		seg.tsecr = (flags & TCP_F_ACK) ? h->peer.ts_echo : 0;
	}
	if (len > 0) {
		/* h->payload holds the pattern from offset 0; start where the
		 * peer's stream is, modulo the pattern's period. */
		assert_true(len <= sizeof(h->payload) - 65536);
		seg.payload = h->payload + h->peer.stream_off % 65536;
		seg.len = len;
		seg.pkt = h->payload;      /* any non-NULL handle */
	}
	return seg;
}

struct tcp_seg
h_mk_syn(struct harness *h, uint8_t opts)
{
	struct tcp_seg seg;

	h->peer.ts = (opts & TCP_OPT_TS) != 0;
	seg = h_mk(h, TCP_F_SYN, h->peer.isn, 0, 0);
	seg.opts = opts;
	seg.mss = (opts & TCP_OPT_MSS) ? 1460 : 0;
	seg.wscale = (opts & TCP_OPT_WSCALE) ? h->peer.wscale : 0;
	if (!(opts & TCP_OPT_TS))
		seg.tsval = seg.tsecr = 0;
	return seg;
}

struct tcp_seg
h_mk_ack(struct harness *h)
{
	return h_mk(h, TCP_F_ACK, h->peer.snd_nxt, h->peer.rcv_nxt, 0);
}

struct tcp_seg
h_mk_rst(struct harness *h, uint32_t seq)
{
	struct tcp_seg seg = h_mk(h, TCP_F_RST, seq, 0, 0);

	seg.opts = 0;
	seg.tsval = seg.tsecr = 0;
	return seg;
}

void
h_input(struct harness *h, const struct tcp_seg *seg)
{
	tcp_input(&h->s, seg, h->now);
}

void
h_in_syn(struct harness *h, uint8_t opts)
{
	struct tcp_seg seg = h_mk_syn(h, opts);

	h->peer.snd_nxt = h->peer.isn + 1;
	h_input(h, &seg);
}

void
h_in_ack(struct harness *h)
{
	struct tcp_seg seg = h_mk_ack(h);

	h_input(h, &seg);
}

void
h_in_data(struct harness *h, uint32_t len)
{
	struct tcp_seg seg = h_mk(h, TCP_F_ACK | TCP_F_PSH, h->peer.snd_nxt,
				  h->peer.rcv_nxt, len);

	h->peer.snd_nxt += len;
	h->peer.stream_off += len;
	h_input(h, &seg);
}

void
h_in_fin(struct harness *h)
{
	struct tcp_seg seg = h_mk(h, TCP_F_FIN | TCP_F_ACK, h->peer.snd_nxt,
				  h->peer.rcv_nxt, 0);

	h->peer.snd_nxt++;
	h_input(h, &seg);
}

void
h_peer_ack_all(struct harness *h)
{
	/* Highest sequence number the stack sent on the peer's tuple. */
	for (unsigned i = 0; i < h->sent_head + h->sent_count; i++) {
		const struct tcp_seg *s = &h->sent[i].seg;
		uint32_t end;

		if (!tcp_tuple_eq(&s->t, &h->peer.t) || (s->flags & TCP_F_RST))
			continue;
		end = s->seq + s->len + !!(s->flags & TCP_F_SYN) + !!(s->flags & TCP_F_FIN);
		if ((int32_t)(end - h->peer.rcv_nxt) > 0)
			h->peer.rcv_nxt = end;
	}
}

struct tcp_conn *
h_conn(struct harness *h)
{
	return tcp_lookup(&h->s, &h->peer.t);
}

struct tw_rec *
h_tw(struct harness *h)
{
	return tcp_tw_lookup(&h->s, &h->peer.t);
}

struct tcp_conn *
h_handshake(struct harness *h, uint8_t opts, uint64_t rtt)
{
	const struct h_sent *sa;
	struct tcp_conn *c;
	unsigned est = h->app.n_established;

	h_in_syn(h, opts);
	sa = h_expect(h, TCP_F_SYN | TCP_F_ACK, H_ANY, h->peer.isn + 1, 0);
	h->iss = sa->seg.seq;
	h->peer.rcv_nxt = h->iss + 1;
	h_expect_state(h, TCP_SYN_RECEIVED);
	h_advance(h, rtt);
	h_in_ack(h);
	h_expect_state(h, TCP_ESTABLISHED);
	assert_int_equal(h->app.n_established, est + 1);
	c = h_conn(h);
	assert_ptr_equal(h->app.conn, c);
	return c;
}

void
h_enter_time_wait(struct harness *h, uint8_t opts, uint64_t rtt)
{
	const uint8_t fa = TCP_F_FIN | TCP_F_ACK;

	h_handshake(h, opts, rtt);
	h_advance(h, 1 * H_S);
	h_app_close(h);
	h_expect(h, fa, h->iss + 1, h->peer.isn + 1, 0);
	h_advance(h, rtt);
	h_peer_ack_all(h);
	h_in_ack(h);
	h_expect_state(h, TCP_FIN_WAIT_2);
	h_advance(h, rtt);
	h_in_fin(h);
	h_expect_at(h, h->now, TCP_F_ACK, h->iss + 2, h->peer.isn + 2, 0);
	h_expect_none(h);
	h_expect_state(h, TCP_TIME_WAIT);
}

/* ---- the application's verbs ---- */

static struct tcp_conn *
h_conn_or_fail(struct harness *h)
{
	struct tcp_conn *c = h_conn(h);

	if (c == NULL) {
		print_error("no connection for the peer's tuple\n");
		fail();
	}
	h->s.now = h->now;
	return c;
}

void
h_app_send(struct harness *h, uint32_t len)
{
	tcp_send(&h->s, h_conn_or_fail(h), len);
}

void
h_app_close(struct harness *h)
{
	tcp_close(&h->s, h_conn_or_fail(h));
}

void
h_app_shutdown(struct harness *h)
{
	tcp_shutdown(&h->s, h_conn_or_fail(h));
}

void
h_app_abort(struct harness *h)
{
	tcp_abort(&h->s, h_conn_or_fail(h));
}

/* ---- what the stack sent ---- */

unsigned
h_pending(const struct harness *h)
{
	return h->sent_count;
}

const struct h_sent *
h_pop(struct harness *h)
{
	const struct h_sent *e;

	if (h->sent_count == 0)
		return NULL;
	e = &h->sent[h->sent_head];
	h->sent_head++;
	h->sent_count--;
	return e;
}

void
h_flush(struct harness *h)
{
	h->sent_head += h->sent_count;
	h->sent_count = 0;
}

const char *
h_flags_str(uint8_t flags, char *buf, unsigned len)
{
	static const struct { uint8_t f; char c; } tab[] = {
		{ TCP_F_SYN, 'S' }, { TCP_F_FIN, 'F' }, { TCP_F_RST, 'R' },
		{ TCP_F_PSH, 'P' }, { TCP_F_URG, 'U' }, { TCP_F_ECE, 'E' },
		{ TCP_F_CWR, 'W' }, { TCP_F_ACK, '.' },
	};
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(tab) / sizeof(tab[0]) && n + 1 < len; i++)
		if (flags & tab[i].f)
			buf[n++] = tab[i].c;
	if (n == 0 && len > 1)
		buf[n++] = '-';
	buf[n] = '\0';
	return buf;
}

static void
h_describe(const struct harness *h, const struct h_sent *e, char *buf, size_t len)
{
	char fl[16];
	const struct tcp_seg *s = &e->seg;

	char sk[96] = "";
	size_t o = 0;

	for (unsigned i = 0; (s->opts & TCP_OPT_SACK) && i < s->nsack; i++)
		o += (size_t)snprintf(sk + o, sizeof(sk) - o, " sack %d:%d",
				      (int)(s->sack[i].start - h->peer.isn),
				      (int)(s->sack[i].end - h->peer.isn));
	snprintf(buf, len, "[%s] seq %u (iss%+d) ack %u (peer%+d) len %u win %u "
		 "opts%s%s%s%s%s at %llu.%06llu s (rport %u)",
		 h_flags_str(s->flags, fl, sizeof(fl)), s->seq, (int)(s->seq - h->iss),
		 s->ack, (int)(s->ack - h->peer.isn), s->len, s->wnd,
		 (s->opts & TCP_OPT_MSS) ? " mss" : "",
		 (s->opts & TCP_OPT_WSCALE) ? " ws" : "",
		 (s->opts & TCP_OPT_SACK_OK) ? " sackok" : "",
		 (s->opts & TCP_OPT_TS) ? " ts" : "", sk,
		 (unsigned long long)(e->at / H_S), (unsigned long long)(e->at % H_S),
		 s->t.rport);
}

static void
h_describe_expected(const struct harness *h, char *buf, size_t len, uint8_t flags,
		    int64_t seq, int64_t ack, int64_t plen, int64_t at)
{
	char fl[16], sq[48], ak[48], ln[24], t[48];

	if (seq == H_ANY)
		snprintf(sq, sizeof(sq), "*");
	else
		snprintf(sq, sizeof(sq), "%u (iss%+d)", (uint32_t)seq,
			 (int)((uint32_t)seq - h->iss));
	if (ack == H_ANY)
		snprintf(ak, sizeof(ak), "*");
	else
		snprintf(ak, sizeof(ak), "%u (peer%+d)", (uint32_t)ack,
			 (int)((uint32_t)ack - h->peer.isn));
	if (plen == H_ANY)
		snprintf(ln, sizeof(ln), "*");
	else
		snprintf(ln, sizeof(ln), "%lld", (long long)plen);
	if (at == H_ANY)
		snprintf(t, sizeof(t), "*");
	else
		snprintf(t, sizeof(t), "%llu.%06llu s", (unsigned long long)(at / H_S),
			 (unsigned long long)(at % H_S));
	snprintf(buf, len, "[%s] seq %s ack %s len %s at %s",
		 h_flags_str(flags, fl, sizeof(fl)), sq, ak, ln, t);
}

const struct h_sent *
h_expect_(struct harness *h, const char *file, int line, uint8_t flags,
	  int64_t seq, int64_t ack, int64_t len, int64_t at)
{
	const struct h_sent *e = h_pop(h);
	char exp[256], got[256];

	h_describe_expected(h, exp, sizeof(exp), flags, seq, ack, len, at);
	if (e == NULL) {
		print_error("%s:%d: expected %s\n      but nothing was sent "
			    "(now %llu.%06llu s)\n", file, line, exp,
			    (unsigned long long)(h->now / H_S),
			    (unsigned long long)(h->now % H_S));
		_fail(file, line);
	}
	if (e->seg.flags != flags ||
	    (seq != H_ANY && e->seg.seq != (uint32_t)seq) ||
	    (ack != H_ANY && e->seg.ack != (uint32_t)ack) ||
	    (len != H_ANY && e->seg.len != (uint32_t)len) ||
	    (at != H_ANY && e->at != (uint64_t)at) ||
	    !tcp_tuple_eq(&e->seg.t, &h->peer.t)) {
		h_describe(h, e, got, sizeof(got));
		print_error("%s:%d: expected %s (rport %u)\n      got      %s\n",
			    file, line, exp, h->peer.t.rport, got);
		_fail(file, line);
	}
	return e;
}

void
h_expect_none_(struct harness *h, const char *file, int line)
{
	const struct h_sent *e = h_pop(h);
	char got[256];

	if (e == NULL)
		return;
	h_describe(h, e, got, sizeof(got));
	print_error("%s:%d: expected nothing sent, got %s (and %u more)\n",
		    file, line, got, h->sent_count);
	_fail(file, line);
}

void
h_expect_state_(struct harness *h, const char *file, int line, enum tcp_state st)
{
	struct tcp_conn *c = h_conn(h);
	enum tcp_state is = c != NULL ? tcp_conn_state(c) :
		(h_tw(h) != NULL ? TCP_TIME_WAIT : TCP_CLOSED);

	if (is != st) {
		print_error("%s:%d: expected state %s, is %s (now %llu.%06llu s)\n",
			    file, line, tcp_state_name(st), tcp_state_name(is),
			    (unsigned long long)(h->now / H_S),
			    (unsigned long long)(h->now % H_S));
		_fail(file, line);
	}
}

void
h_check_gauges_(struct harness *h, const char *file, int line)
{
	int64_t want[TCP_NSTATES] = { 0 };
	bool bad = false;

	for (uint32_t i = 0; i < h->s.max_conns; i++)
		if (!(h->s.pool[i].flags & TF_FREED))
			want[h->s.pool[i].state]++;
	want[TCP_TIME_WAIT] += h->s.tw.rec != NULL ? h->s.tw.count : 0;
	want[TCP_LISTEN] += h->s.n_listen;
	for (unsigned i = 0; i < TCP_NSTATES; i++) {
		if (h->st.state[i] != want[i]) {
			print_error("%s:%d: gauge %s = %lld, records say %lld\n", file,
				    line, tcp_state_name((enum tcp_state)i),
				    (long long)h->st.state[i], (long long)want[i]);
			bad = true;
		}
	}
	if (h->s.n_conns != h->s.ct.count) {
		print_error("%s:%d: n_conns %u but the table holds %u\n", file, line,
			    h->s.n_conns, h->s.ct.count);
		bad = true;
	}
	if (bad)
		_fail(file, line);
}

void
h_expect_cnt_(struct harness *h, const char *file, int line, enum tt_counter k,
	      uint64_t v)
{
	if (h->st.c[k] == v)
		return;
	print_error("%s:%d: counter %s is %llu, expected %llu\n", file, line,
		    tt_counter_names[k], (unsigned long long)h->st.c[k],
		    (unsigned long long)v);
	_fail(file, line);
}
