/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TW_TABLE_H
#define TT_TW_TABLE_H

/*
 * TIME_WAIT records: compact, separate from full connections (whose memory
 * is freed when TIME_WAIT starts), one table per lcore.
 *
 * Expiry: every record waits the same 2MSL, restarted only by a segment
 * that reaches it (RFC 9293 3.10.7.4).  Records are stored in a circular
 * array in the order they were written, which is expiry order: the ring
 * is a timer wheel with one slot, with no per-record links or timer
 * handle.  A restart copies the record to the tail and leaves a hole; a
 * removal (RST kill, SYN takeover, reuse, eviction) leaves a hole; holes
 * are skipped when the head reaches them.  When holes fill the spare slots
 * the ring is compacted in place (order kept).  The head is the oldest
 * record, which is what the evict_oldest overflow policy needs.
 *
 * Lookup: a bucketized cuckoo index (two candidate buckets of 8 four-byte
 * slots; a slot holds a hash fingerprint and the ring slot), sized for a
 * load of 0.9 at capacity: 4.4 bytes per record, one or two cache lines
 * per lookup, a record read only on a fingerprint match.  The addresses
 * are an id into a per-table address-pair table (addr_table.h).
 *
 * Memory: the ring is mapped at init and faulted in ahead of the tail in
 * small steps from tw_expire() (called every poll), so growth never
 * stalls on a burst of page faults and untouched capacity costs nothing;
 * the index is written at init.
 *
 * Pointers to records stay valid until the next tw_insert() or
 * tw_restart() (a restart moves its record; either may compact the ring).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/addr_table.h"
#include "tcp/tcp_seg.h"

#define TW_NIL UINT32_MAX

#define TW_F_TS   0x01   /* the connection used timestamps */
#define TW_F_WS   0x02   /* the connection used window scaling */

#define TW_TS_AGE_MAX  0xffffu
#define TW_STASH       16

/*
 * 26 bytes (packed: the 32-bit fields are unaligned in every other record,
 * which x86 reads at no cost): see bench/README.md for the account of each
 * field.
 */
struct __attribute__((packed, aligned(2))) tw_rec {
	uint32_t snd_nxt;        /* our next sequence number (after our FIN) */
	uint32_t rcv_nxt;        /* after the peer's FIN */
	uint32_t ts_recent;      /* peer's last TSval */
	uint32_t pair : 29;      /* addr_table id + 1; 0 = a hole */
	uint32_t flags : 3;      /* TW_F_* */
	uint16_t lport;
	uint16_t rport;
	/* ms: end of 2MSL = the base of the record's block of the ring +
	 * exp_d (tw_rec_expire()); records in a block expire within 65.5 s
	 * of its first one. */
	uint16_t exp_d;
	/* ms from when ts_recent was stored to expire (RFC 7323 PAWS,
	 * tw_reuse_delay), TW_TS_AGE_MAX = that long or longer: see
	 * tw_ts_stamp(). */
	uint16_t ts_age;
	/* Low 16 bits of the ms of the last rate-limited duplicate ACK
	 * (500 ms), 0 = none: see tw_oow_recent(). */
	uint16_t last_oow;
};

#define TW_BLK_SHIFT 4           /* 16 records per block of the ring */

struct tw_table {
	struct tw_rec *rec;      /* ring of nslots records */
	uint32_t *base;          /* per block of the ring: ms expire base */
	uint32_t *bkt;           /* index: nb buckets of 8 slots */
	struct addr_table at;
	uint32_t nslots;         /* capacity + spare slots for holes */
	uint32_t nb;
	uint32_t pos_bits;       /* index slot: fingerprint << pos_bits | ring slot + 1 */
	uint32_t capacity;
	uint32_t count;
	uint32_t head, used;     /* ring: head is live; used = live + holes */
	uint32_t taken_hi;       /* ring slots [0, taken_hi) written at least once */
	size_t touched;          /* bytes of the ring faulted in */
	size_t ring_bytes, bkt_bytes;
	void *bkt_map;           /* the index's mapping (bkt is inside it) */
	size_t bkt_map_bytes;
	uint32_t stash[TW_STASH];   /* index entries no bucket had room for */
	uint32_t n_stash;
	uint32_t rnd;
	uint32_t compactions;    /* ring compactions (holes filled the spare) */
	uint64_t kicks;          /* cuckoo displacements (index entries moved) */
	uint32_t lost;           /* records dropped: index full (never seen) */
	uint32_t late_ms;        /* an expiry later than this is "late" (one tick) */
	uint32_t ts_shift;       /* ts_age unit: 2^ts_shift ms (tw_set_span) */
	uint32_t expired_late;   /* late expiries since the caller last read it */
	/* Of those, records that a tw_expire() call saw due and not yet
	 * late, and left (its budget ran out): late by the table's own
	 * doing.  The others were late already when a call first saw them:
	 * they fell due while no call ran for over a tick (the lcore was off
	 * its CPU).  [left_lo, left_hi] (ms) bounds the expiries of the
	 * records left on time, merged conservatively (a record in the range
	 * that was not left on time counts against the table). */
	uint32_t expired_deferred;
	uint32_t left_lo, left_hi;
	bool left_set;
	/* The address pair of the last record inserted: a client walks the
	 * ports of one address before the next, so the next record's pair
	 * is usually the same and needs no hash (addr_ref_if). */
	uint32_t last_pair;
};

/* Capacity records (at most 2^27). */
int tw_init(struct tw_table *tw, uint32_t capacity);
void tw_free(struct tw_table *tw);

struct tw_rec *tw_lookup(const struct tw_table *tw, const struct tcp_tuple *t);
/* The same with th = tcp_tuple_hash(t) known (the segment's, hashed once
 * for both tables). */
struct tw_rec *tw_lookup_h(const struct tw_table *tw, const struct tcp_tuple *t,
			   uint32_t th);
/* Prefetch the bucket of hash h (tcp_tuple_hash), then (once it is in)
 * the first record of its chain: a burst of SYNs looks up a table of tens
 * of millions of records, one or two cache misses each unless they
 * overlap. */
void tw_prefetch(const struct tw_table *tw, uint32_t h);
void tw_prefetch_rec(const struct tw_table *tw, uint32_t h);

/* Take a record for t, expiring at expire_ms (>= every other record's;
 * other fields zero); NULL when full. */
struct tw_rec *tw_insert(struct tw_table *tw, const struct tcp_tuple *t,
			 uint32_t expire_ms);
/* The same with th = tcp_tuple_hash(t) known (the connection's). */
struct tw_rec *tw_insert_h(struct tw_table *tw, const struct tcp_tuple *t, uint32_t th,
			   uint32_t expire_ms);

/* Release a record (RST kill, SYN takeover, eviction). */
void tw_remove(struct tw_table *tw, struct tw_rec *r);

/* Restart 2MSL: r now expires at expire_ms (>= every other record's).
 * Returns the record's new place (r is moved to the tail). */
struct tw_rec *tw_restart(struct tw_table *tw, struct tw_rec *r, uint32_t expire_ms);

/* The record that expires first (the oldest), or NULL. */
struct tw_rec *tw_oldest(const struct tw_table *tw);

/*
 * Remove up to budget records whose expiry is <= now_ms (32-bit ms
 * arithmetic: records never live longer than 2^31 ms).  Returns how many.
 * Also faults in the next ring pages ahead of the tail.
 */
uint32_t tw_expire(struct tw_table *tw, uint32_t now_ms, uint32_t budget);

/*
 * r, just found by a lookup at now_ms: if its 2MSL is over (tw_expire has
 * not reached it yet: the budget, or an lcore that did not poll), remove
 * it as tw_expire would (late expiries counted alike) and return true.  A
 * segment then never meets a record past its expiry, however late the
 * sweep runs.
 */
bool tw_reap_due(struct tw_table *tw, struct tw_rec *r, uint32_t now_ms);

/*
 * Count the records reachable through the hash chains, walking every bucket
 * (bounded by capacity per chain).  Independent of tw->count and of the
 * stack's TIME_WAIT gauge: the exit report compares the three.
 */
uint32_t tw_walk_count(const struct tw_table *tw);
/* r's 4-tuple. */
void tw_tuple(const struct tw_table *tw, const struct tw_rec *r, struct tcp_tuple *t);

static inline uint32_t
tw_count(const struct tw_table *tw)
{
	return tw->count;
}

/* ms: when r's 2MSL ends. */
static inline uint32_t
tw_rec_expire(const struct tw_table *tw, const struct tw_rec *r)
{
	return tw->base[(size_t)(r - tw->rec) >> TW_BLK_SHIFT] + r->exp_d;
}

/*
 * ts_stamp (ms when ts_recent was stored) is kept as its distance to
 * expire, exact up to 65.5 s: with the 60 s TIME_WAIT, for every stamp
 * taken while the connection or the record was alive within the last
 * 5.5 s before TIME_WAIT began.  Older stamps read as expire - 65535, a
 * later time than the true one, which is the safe side for tw_reuse (it
 * waits longer, never less, than tw_reuse_delay).
 */
static inline uint32_t
tw_ts_stamp(const struct tw_table *tw, const struct tw_rec *r)
{
	return tw_rec_expire(tw, r) - ((uint32_t)r->ts_age << tw->ts_shift);
}

static inline void
tw_set_ts_stamp(const struct tw_table *tw, struct tw_rec *r, uint32_t stamp_ms)
{
	/* Rounded down: a stamp reads at most one unit later than it was,
	 * so tw_reuse waits at least tw_reuse_delay. */
	int64_t age = (int32_t)(tw_rec_expire(tw, r) - stamp_ms) >> tw->ts_shift;

	r->ts_age = (uint16_t)(age < 0 ? 0 : age > TW_TS_AGE_MAX ? TW_TS_AGE_MAX : age);
}

/*
 * Records live span_ms (the TIME_WAIT length): ts_age counts in units
 * large enough that a stamp up to 5.5 s older than TIME_WAIT's start is
 * exact to the unit: 1 ms up to a 60 s TIME_WAIT (Linux's), 16 ms at
 * 600 s.  Without it a long TIME_WAIT would saturate every age and
 * tw_reuse_delay would never pass.
 */
static inline void
tw_set_span(struct tw_table *tw, uint32_t span_ms)
{
	tw->ts_shift = 0;
	while (((uint64_t)TW_TS_AGE_MAX << tw->ts_shift) < (uint64_t)span_ms + 5535)
		tw->ts_shift++;
}

/*
 * The duplicate-ACK rate limit (Linux tcp_timewait_check_oow_rate_limit,
 * 500 ms): was one sent less than limit_ms ago?  16 bits of ms: a stamp
 * 65.5 s old or more can read as recent (one answer skipped, never one
 * too many).
 */
static inline bool
tw_oow_recent(const struct tw_rec *r, uint32_t now_ms, uint32_t limit_ms)
{
	return r->last_oow != 0 && (uint16_t)((uint16_t)now_ms - r->last_oow) < limit_ms;
}

static inline void
tw_oow_set(struct tw_rec *r, uint32_t now_ms)
{
	r->last_oow = (uint16_t)now_ms ? (uint16_t)now_ms : 1;
}

#endif
