/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TW_TABLE_H
#define TT_TW_TABLE_H

/*
 * TIME_WAIT records: compact, separate from full connections (whose memory
 * is freed when TIME_WAIT starts), one table per lcore.
 *
 * Records live in one preallocated array and are named by 32-bit indexes:
 * the hash chain link and the expiry list links are indexes, not pointers.
 *
 * Expiry: every record waits the same 2MSL, restarted only by a
 * retransmitted FIN (RFC 9293 3.10.7.4).  So the records, kept in a FIFO
 * ordered by expiry, stay sorted when a restart moves a record to the tail:
 * the FIFO is a timer wheel with one slot, O(1) for insert, restart, remove
 * and expire, exact to the poll (never a tick late), with no per-record
 * timer handle.  The general timer wheel would cost a 24-byte handle per
 * record and buy nothing here.  The FIFO head is also the oldest record,
 * which is what the evict_oldest overflow policy needs.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcp_seg.h"

#define TW_NIL UINT32_MAX

#define TW_F_TS   0x01   /* the connection used timestamps */

struct tw_rec {
	struct tcp_tuple t;
	uint32_t snd_nxt;        /* our next sequence number (after our FIN) */
	uint32_t rcv_nxt;        /* after the peer's FIN */
	uint32_t ts_recent;      /* peer's last TSval */
	uint32_t ts_stamp;       /* ms when ts_recent was stored; RFC 7323 PAWS, tw_reuse_delay */
	uint32_t expire;         /* ms: end of 2MSL */
	uint32_t last_oow;       /* ms: last rate-limited dup ACK (500 ms) */
	uint32_t hnext;          /* hash chain */
	uint32_t prev, next;     /* expiry FIFO */
	uint8_t flags;           /* TW_F_* */
	uint8_t rcv_wscale;
	uint16_t rcv_wnd;        /* window field to advertise (already scaled down) */
};

struct tw_table {
	struct tw_rec *rec;
	uint32_t *buckets;
	uint32_t mask;
	uint32_t capacity;
	uint32_t count;
	uint32_t free_head;      /* released records, linked through hnext */
	uint32_t unused;         /* records [unused, capacity) never taken yet */
	uint32_t head, tail;     /* expiry FIFO: head expires first */
	uint32_t late_ms;        /* an expiry later than this is "late" (one tick) */
	uint32_t expired_late;   /* late expiries since the caller last read it */
};

/* Capacity records; the index gets about one bucket per record. */
int tw_init(struct tw_table *tw, uint32_t capacity);
void tw_free(struct tw_table *tw);

struct tw_rec *tw_lookup(const struct tw_table *tw, const struct tcp_tuple *t);

/* Take a record for t, expiring at expire_ms (links set); NULL when full. */
struct tw_rec *tw_insert(struct tw_table *tw, const struct tcp_tuple *t,
			 uint32_t expire_ms);

/* Release a record (RST kill, SYN takeover, eviction). */
void tw_remove(struct tw_table *tw, struct tw_rec *r);

/* Restart 2MSL: r now expires at expire_ms (>= every other record's). */
void tw_restart(struct tw_table *tw, struct tw_rec *r, uint32_t expire_ms);

/* The record that expires first (the oldest), or NULL. */
struct tw_rec *tw_oldest(const struct tw_table *tw);

/*
 * Remove up to budget records whose expiry is <= now_ms (32-bit ms
 * arithmetic: records never live longer than 2^31 ms).  Returns how many.
 */
uint32_t tw_expire(struct tw_table *tw, uint32_t now_ms, uint32_t budget);

/*
 * Count the records reachable through the hash chains, walking every bucket
 * (bounded by capacity per chain).  Independent of tw->count and of the
 * stack's TIME_WAIT gauge: the exit report compares the three.
 */
uint32_t tw_walk_count(const struct tw_table *tw);

static inline uint32_t
tw_count(const struct tw_table *tw)
{
	return tw->count;
}

static inline uint32_t
tw_index(const struct tw_table *tw, const struct tw_rec *r)
{
	return (uint32_t)(r - tw->rec);
}

#endif
