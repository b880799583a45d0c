/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_TIMEWAIT_H
#define TT_TCP_TIMEWAIT_H

#include "config/config.h"
#include "tcp/tcp_seg.h"
#include "tcp/tw_table.h"

/* What a segment that hits a TIME_WAIT record does. */
enum tw_verdict {
	TW_DROP_RESTART,        /* in-window bare ACK: drop (2MSL restarts if ACK) */
	TW_KILL,                /* RST at rcv_nxt with rfc1337 = 0: record ends */
	TW_RST_IGNORED,         /* RST ignored (rfc1337 = 1, or out of window) */
	TW_SYN,                 /* SYN accepted as a new connection (RFC 6191) */
	TW_SYN_REFUSED,         /* SYN refused: duplicate ACK */
	TW_SYN_REFUSED_QUIET,   /* SYN refused, duplicate ACK rate-limited */
	TW_PAWS,                /* dropped by PAWS, no answer (RST or rate limit) */
	TW_PAWS_ACK,            /* dropped by PAWS, duplicate ACK */
	TW_ACK_FIN,             /* retransmitted FIN: ACK again, restart 2MSL */
	TW_ACK,                 /* anything else: duplicate ACK */
};

/*
 * Decide what seg does to r (may update r's timestamp and rate-limit
 * state).  For TW_SYN, *isn is the new connection's ISN.
 */
enum tw_verdict tw_verdict(const struct tt_tcp_config *cfg, const struct tw_table *tw,
			   struct tw_rec *r,
			   const struct tcp_seg *seg, uint32_t now_ms, uint32_t *isn);

#endif
