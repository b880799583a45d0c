/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SYN cookies (tcp_syncookie.h): the encoding, and the listener's two hooks
 * (a SYN answered with a cookie, an ACK that carries one).  No clock: `now`
 * comes from the stack; no randomness: the key is set by the caller.
 */
#include <string.h>

#include "tcp/tcp_priv.h"
#include "tcp/tcp_syncookie.h"

#define COOKIEBITS 24
#define COOKIEMASK ((UINT32_C(1) << COOKIEBITS) - 1)

/* Linux's msstab: the MSS values seen most (536: no option; 1300; 1440:
 * PPPoE and tunnels; 1460: Ethernet). */
static const uint16_t cookie_msstab[] = { 536, 1300, 1440, 1460 };
/* Linux's msstab for IPv6 (syncookies.c): MTUs 1280, 1480, 1500, 9000. */
static const uint16_t cookie_msstab6[] = { 1220, 1420, 1440, 8940 };
#define COOKIE_NMSS (sizeof(cookie_msstab) / sizeof(cookie_msstab[0]))
_Static_assert(sizeof(cookie_msstab6) == sizeof(cookie_msstab), "one index for both");

static inline uint64_t
rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND(v0, v1, v2, v3) do { \
	v0 += v1; v1 = rotl64(v1, 13); v1 ^= v0; v0 = rotl64(v0, 32); \
	v2 += v3; v3 = rotl64(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = rotl64(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = rotl64(v1, 17); v1 ^= v2; v2 = rotl64(v2, 32); \
} while (0)

/* SipHash-2-4 (Aumasson, Bernstein 2012) of n whole 64-bit words
 * (8 * n bytes, no tail). */
static uint64_t
siphash24_words(const uint64_t k[2], const uint64_t *m, unsigned n)
{
	const uint64_t last = (uint64_t)(8 * n) << 56;   /* length byte */
	uint64_t v0 = k[0] ^ UINT64_C(0x736f6d6570736575);
	uint64_t v1 = k[1] ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = k[0] ^ UINT64_C(0x6c7967656e657261);
	uint64_t v3 = k[1] ^ UINT64_C(0x7465646279746573);

	for (unsigned i = 0; i < n; i++) {
		v3 ^= m[i];
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m[i];
	}
	v3 ^= last;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= last;
	v2 ^= 0xff;
	for (unsigned i = 0; i < 4; i++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
tcp_syncookie_siphash(const uint64_t k[2], uint32_t a, uint32_t b, uint32_t c,
		      uint32_t d)
{
	const uint64_t m[2] = {
		(uint64_t)a | (uint64_t)b << 32,
		(uint64_t)c | (uint64_t)d << 32,
	};

	return siphash24_words(k, m, 2);
}

void
tcp_syncookie_key_set(struct tcp_syncookie_key *key, const void *bytes, size_t len)
{
	uint8_t buf[TCP_SYNCOOKIE_KEY_BYTES] = { 0 };

	memcpy(buf, bytes, len < sizeof(buf) ? len : sizeof(buf));
	for (unsigned i = 0; i < 4; i++) {
		uint64_t w = 0;

		for (unsigned j = 0; j < 8; j++)
			w |= (uint64_t)buf[i * 8 + j] << (8 * j);
		key->k[i / 2][i % 2] = w;
	}
}

/* Linux's cookie_hash: the peer is the source, we are the destination. */
static uint32_t
cookie_hash(const struct tcp_syncookie_key *key, const struct tcp_tuple *t,
	    uint32_t count, unsigned c)
{
	if (t->v6) {
		/* Linux's cookie_v6_hash: both whole addresses. */
		const uint64_t m[5] = {
			t->raddr.w[0], t->raddr.w[1], t->laddr.w[0], t->laddr.w[1],
			((uint64_t)t->rport << 16 | t->lport) | (uint64_t)count << 32,
		};

		return (uint32_t)siphash24_words(key->k[c], m, 5);
	}
	return (uint32_t)tcp_syncookie_siphash(key->k[c], t->raddr.v4, t->laddr.v4,
					       (uint32_t)t->rport << 16 | t->lport,
					       count);
}

static uint32_t
cookie_minute(uint64_t now)
{
	return (uint32_t)(now / TCP_SYNCOOKIE_PERIOD_US);
}

uint32_t
tcp_syncookie_make(const struct tcp_syncookie_key *key, const struct tcp_tuple *t,
		   uint32_t peer_seq, uint16_t mss, uint64_t now, uint16_t *mss_out)
{
	const uint16_t *tab = t->v6 ? cookie_msstab6 : cookie_msstab;
	uint32_t count = cookie_minute(now);
	unsigned i;

	for (i = COOKIE_NMSS - 1; i > 0; i--)
		if (mss >= tab[i])
			break;
	if (mss_out != NULL)
		*mss_out = tab[i];
	/* secure_tcp_syn_cookie: the minute in the top 8 bits, the MSS
	 * index hidden under the second hash in the low 24. */
	return cookie_hash(key, t, 0, 0) + peer_seq + (count << COOKIEBITS) +
		((cookie_hash(key, t, count, 1) + i) & COOKIEMASK);
}

uint16_t
tcp_syncookie_check(const struct tcp_syncookie_key *key, const struct tcp_tuple *t,
		    uint32_t cookie, uint32_t peer_seq, uint64_t now)
{
	uint32_t count = cookie_minute(now);
	uint32_t diff, idx;

	/* check_tcp_syn_cookie: strip the first hash and the peer's ISN, the
	 * top 8 bits are then the minute the cookie was made in. */
	cookie -= cookie_hash(key, t, 0, 0) + peer_seq;
	diff = (count - (cookie >> COOKIEBITS)) & (UINT32_MAX >> COOKIEBITS);
	if (diff >= TCP_SYNCOOKIE_MAX_AGE)
		return 0;
	idx = (cookie - cookie_hash(key, t, count - diff, 1)) & COOKIEMASK;
	if (idx >= COOKIE_NMSS)
		return 0;
	return t->v6 ? cookie_msstab6[idx] : cookie_msstab[idx];
}

uint32_t
tcp_syncookie_ts(uint32_t ts_now_ms, const struct tcp_syncookie_opts *o)
{
	uint32_t opts = o->ws ? (o->wscale & TCP_SYNCOOKIE_TS_WS_MASK) :
		TCP_SYNCOOKIE_TS_WS_MASK;
	uint32_t ts;

	if (o->ws && o->wscale >= TCP_SYNCOOKIE_TS_WS_MASK)
		opts = 14;   /* RFC 7323 2.3: a shift above 14 is used as 14 */
	if (o->sack)
		opts |= TCP_SYNCOOKIE_TS_SACK;
	if (o->ecn)
		opts |= TCP_SYNCOOKIE_TS_ECN;
	/* cookie_init_timestamp: never ahead of the clock, so the TSvals of
	 * the connection that follows stay monotonic (PAWS on the peer). */
	ts = (ts_now_ms & ~((UINT32_C(1) << TCP_SYNCOOKIE_TSBITS) - 1)) | opts;
	if ((int32_t)(ts - ts_now_ms) > 0)
		ts -= UINT32_C(1) << TCP_SYNCOOKIE_TSBITS;
	return ts;
}

bool
tcp_syncookie_ts_decode(bool saw_ts, uint32_t tsecr_ms, bool cfg_ts, bool cfg_sack,
			struct tcp_syncookie_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (!saw_ts)
		return true;   /* the SYN-ACK had no room for options */
	if (!cfg_ts)
		return false;
	o->ts = true;
	o->sack = tsecr_ms & TCP_SYNCOOKIE_TS_SACK;
	o->ecn = tsecr_ms & TCP_SYNCOOKIE_TS_ECN;
	if (o->sack && !cfg_sack)
		return false;
	if ((tsecr_ms & TCP_SYNCOOKIE_TS_WS_MASK) != TCP_SYNCOOKIE_TS_WS_MASK) {
		o->ws = true;
		o->wscale = tsecr_ms & TCP_SYNCOOKIE_TS_WS_MASK;
	}
	return true;
}

/* ---- the listener's hooks ---- */

/* The SYN_RECEIVED backlog; 0 sizes it from the table as Linux sizes
 * tcp_max_syn_backlog from its established hash (tcp_sk_init). */
static bool
syn_backlog_full(const struct tcp_stack *s)
{
	uint32_t max = s->cfg->max_syn_backlog;

	if (max == 0)
		max = s->max_conns / 128 > 128 ? s->max_conns / 128 : 128;
	return s->st->state[TCP_SYN_RECEIVED] >= (int64_t)max;
}

bool
tcp_syncookie_syn(struct tcp_stack *s, const struct tcp_seg *seg)
{
	const struct tt_tcp_config *cfg = s->cfg;
	struct tcp_syncookie_opts o = { 0 };
	struct tcp_seg out;
	uint16_t mss = (seg->opts & TCP_OPT_MSS) ? seg->mss : tcp_default_mss(&seg->t);
	uint16_t own = tcp_own_mss(s, &seg->t);
	uint32_t off;

	/* tcp_conn_request: cookies for every SYN (2), or when the SYN queue
	 * or the connection table is full (1). */
	if (cfg->syncookies == 0) {
		if (!syn_backlog_full(s))
			return false;
		/* Linux drops the SYN (ListenDrops); a full table keeps
		 * its RST below (conn_table_full). */
		TT_INC(s->st, drop_syn_backlog);
		return true;
	}
	if (cfg->syncookies == 1 && s->free_list != NULL && !syn_backlog_full(s))
		return false;

	/* Built only now: zeroing it on every SYN cost more than the checks
	 * above. */
	memset(&out, 0, sizeof(out));
	out.t = seg->t;

	if (mss > own)
		mss = own;
	out.seq = tcp_syncookie_make(&s->cookie_key, &seg->t, seg->seq, mss, s->now, NULL);
	out.ack = seg->seq + 1;
	out.flags = TCP_F_SYN | TCP_F_ACK;
	/* RFC 7323 2.2: the window of a SYN-ACK is never scaled. */
	out.wnd = cfg->rcv_wnd > 0xffff ? 0xffff : (uint16_t)cfg->rcv_wnd;
	out.opts = TCP_OPT_MSS;
	out.mss = own;
	/* Without timestamps there is nowhere to keep the window shift and
	 * SACK-permitted: Linux offers neither (tcp_clear_options). */
	if ((seg->opts & TCP_OPT_TS) && cfg->timestamps) {
		o.ts = true;
		o.ws = seg->opts & TCP_OPT_WSCALE;
		o.wscale = seg->wscale;
		o.sack = (seg->opts & TCP_OPT_SACK_OK) && cfg->sack;
		off = tcp_ts_offset(s, &seg->t);
		out.opts |= TCP_OPT_TS;
		out.tsval = tcp_syncookie_ts(ms_of(s->now), &o) + off;
		out.tsecr = seg->tsval;
		if (o.ws) {
			out.opts |= TCP_OPT_WSCALE;
			out.wscale = cfg->wscale;
		}
		if (o.sack)
			out.opts |= TCP_OPT_SACK_OK;
	}
	s->cookie_last = s->now;
	s->cookie_sent = true;
	TT_INC(s->st, syncookies_sent);
	tcp_emit(s, NULL, &out, NULL, NULL);
	return true;
}

enum tcp_cookie_verdict
tcp_syncookie_ack(struct tcp_stack *s, struct tcp_listener *l,
		  const struct tcp_seg *seg, struct tcp_conn **cp)
{
	const struct tt_tcp_config *cfg = s->cfg;
	struct tcp_syncookie_opts o;
	struct tcp_seg syn;
	struct tcp_conn *c;
	uint32_t tsecr;
	uint16_t mss;

	*cp = NULL;
	/* cookie_v4_check: only a bare ACK (no SYN, no RST), only while
	 * cookies are on and one was sent lately. */
	if (cfg->syncookies == 0 || !s->accepting || !s->cookie_sent ||
	    (seg->flags & (TCP_F_SYN | TCP_F_RST | TCP_F_ACK)) != TCP_F_ACK ||
	    s->now - s->cookie_last > TCP_SYNCOOKIE_VALID_US)
		return TCP_COOKIE_NONE;
	mss = tcp_syncookie_check(&s->cookie_key, &seg->t, seg->ack - 1,
				  seg->seq - 1, s->now);
	tsecr = seg->tsecr - tcp_ts_offset(s, &seg->t);
	if (mss == 0 || !tcp_syncookie_ts_decode(seg->opts & TCP_OPT_TS, tsecr,
						 cfg->timestamps, cfg->sack, &o)) {
		TT_INC(s->st, syncookies_failed);
		return TCP_COOKIE_BAD;
	}
	TT_INC(s->st, syncookies_recv);

	/* Rebuild the SYN the cookie stands for and open from it: the
	 * record is as if our SYN-ACK had just been sent, and the ACK is
	 * then processed as in SYN_RECEIVED. */
	syn = *seg;
	syn.seq = seg->seq - 1;
	syn.flags = TCP_F_SYN;
	syn.opts = TCP_OPT_MSS | (o.ts ? TCP_OPT_TS : 0) | (o.ws ? TCP_OPT_WSCALE : 0) |
		(o.sack ? TCP_OPT_SACK_OK : 0);
	syn.mss = mss;
	syn.wscale = o.wscale;
	syn.payload = NULL;
	syn.len = 0;
	c = tcp_syn_recv_conn(s, l, &syn, seg->ack - 1);
	if (c == NULL)
		return TCP_COOKIE_FULL;   /* counted; the peer retransmits */
	c->snd_nxt = c->snd_max = seg->ack;
	*cp = c;
	return TCP_COOKIE_OK;
}
