/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_SACK_H
#define TT_TCP_SACK_H

/*
 * The sender's scoreboard (RFC 6675 3): the ranges of our send queue the
 * peer reported with SACK blocks (RFC 2018), merged and sorted, all above
 * snd_una.  Retransmissions skip them and fill the holes between.
 */

#include <stdbool.h>
#include <stdint.h>

struct tcp_conn;
struct tcp_seg;

#define TCP_SACK_BOARD 16      /* ranges remembered; the highest go first */

struct tcp_sack_board {
	uint32_t start[TCP_SACK_BOARD];
	uint32_t end[TCP_SACK_BOARD];
	uint8_t n;
	uint8_t recovery;          /* in SACK loss recovery (RFC 6675 5) */
	uint32_t recover;          /* RecoveryPoint: snd_max when it began */
	uint32_t high_rxt;         /* HighRxt: end of the last hole resent */
};

/* Merge seg's SACK blocks into c's board (blocks outside
 * (snd_una, snd_max] are ignored, RFC 2018 and RFC 6675 5.1). */
void tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *seg);
/* Forget what snd_una now covers. */
void tcp_sack_acked(struct tcp_conn *c);
/* Forget everything (RTO after the peer reneged, RFC 2018 8). */
void tcp_sack_clear(struct tcp_conn *c);
/* Bytes SACKed in [lo, hi). */
uint32_t tcp_sack_bytes(const struct tcp_conn *c, uint32_t lo, uint32_t hi);
/* seq, or the end of the SACKed range holding it. */
uint32_t tcp_sack_skip(const struct tcp_conn *c, uint32_t seq);
/* len, shortened so [seq, seq + len) stops at the next SACKed range. */
uint32_t tcp_sack_clip(const struct tcp_conn *c, uint32_t seq, uint32_t len);
/* The first hole at or after from and below the highest SACKed byte:
 * true with *seq and *len (len < 2^31, unclipped by MSS). */
bool tcp_sack_next_hole(const struct tcp_conn *c, uint32_t from, uint32_t *seq,
			uint32_t *len);

#endif
