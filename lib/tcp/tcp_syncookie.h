/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_SYNCOOKIE_H
#define TT_TCP_SYNCOOKIE_H

/*
 * SYN cookies as Linux encodes them (net/ipv4/syncookies.c), for
 * net.ipv4.tcp_syncookies (knob tcp.syncookies):
 *
 *   ISN = H0(tuple) + SYN.seq + (minute << 24)
 *         + ((H1(tuple, minute) + mss_index) mod 2^24)
 *
 * H0 and H1 are SipHash-2-4 with two secret keys; minute counts 60 s
 * periods of the caller's clock; mss_index picks one of the four MSS values
 * of TCP_SYNCOOKIE_MSS.  An ACK is a cookie's answer when ACK - 1 decodes
 * to a minute at most one period old and to an index below 4.
 *
 * With timestamps, the low 6 bits of our TSval carry what the ISN has no
 * room for (Linux's cookie_init_timestamp): the peer's window shift (0xf =
 * none), SACK-permitted and ECN; the ACK echoes them in TSecr.
 *
 * The pure functions take the key and `now`; the stack's hooks
 * (tcp_syncookie_syn, tcp_syncookie_ack) are in tcp_priv.h.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/tcp_seg.h"

#define TCP_SYNCOOKIE_KEY_BYTES  32      /* two SipHash keys of 128 bits */
#define TCP_SYNCOOKIE_PERIOD_US  (60ull * 1000000)  /* TCP_SYNCOOKIE_PERIOD */
#define TCP_SYNCOOKIE_MAX_AGE    2       /* MAX_SYNCOOKIE_AGE, in periods */
/* Linux's tcp_synq_no_recent_overflow: ACKs are read as cookies only
 * within TCP_SYNCOOKIE_VALID of the last cookie sent. */
#define TCP_SYNCOOKIE_VALID_US   (TCP_SYNCOOKIE_MAX_AGE * TCP_SYNCOOKIE_PERIOD_US)

#define TCP_SYNCOOKIE_TSBITS     6
#define TCP_SYNCOOKIE_TS_WS_MASK 0x0f    /* 0xf: no window scaling */
#define TCP_SYNCOOKIE_TS_SACK    0x10
#define TCP_SYNCOOKIE_TS_ECN     0x20

struct tcp_syncookie_key {
	uint64_t k[2][2];    /* H0's and H1's SipHash keys */
};

/* The options the cookie's TSval carries. */
struct tcp_syncookie_opts {
	bool ts;             /* timestamps (the ACK carried TS) */
	bool ws;             /* the peer offered window scaling */
	uint8_t wscale;      /* its shift when ws */
	bool sack;
	bool ecn;
};

void tcp_syncookie_key_set(struct tcp_syncookie_key *key, const void *bytes,
			   size_t len);

/* SipHash-2-4 of 16 bytes (a..d little endian, as Linux's siphash_4u32). */
uint64_t tcp_syncookie_siphash(const uint64_t k[2], uint32_t a, uint32_t b,
			       uint32_t c, uint32_t d);

/* The ISN for a SYN from t with sequence number peer_seq and MSS mss (the
 * peer's, capped by ours); *mss_out gets the MSS the cookie keeps: the
 * largest table entry not above mss. */
uint32_t tcp_syncookie_make(const struct tcp_syncookie_key *key,
			    const struct tcp_tuple *t, uint32_t peer_seq,
			    uint16_t mss, uint64_t now, uint16_t *mss_out);

/* The MSS a cookie carries, or 0 when cookie (ACK - 1) does not decode for
 * t and peer_seq (SEQ - 1) or is older than TCP_SYNCOOKIE_MAX_AGE. */
uint16_t tcp_syncookie_check(const struct tcp_syncookie_key *key,
			     const struct tcp_tuple *t, uint32_t cookie,
			     uint32_t peer_seq, uint64_t now);

/* Our timestamp clock value (ms, before the per-pair offset) for a cookie
 * SYN-ACK: the clock with its low TSBITS replaced by o, never ahead of
 * ts_now_ms. */
uint32_t tcp_syncookie_ts(uint32_t ts_now_ms, const struct tcp_syncookie_opts *o);

/* Decode an ACK's TSecr (offset removed) into o, as Linux's
 * cookie_timestamp_decode; false when the options echoed are not allowed
 * by the configuration (timestamps or SACK off). */
bool tcp_syncookie_ts_decode(bool saw_ts, uint32_t tsecr_ms, bool cfg_ts,
			     bool cfg_sack, struct tcp_syncookie_opts *o);

#endif
