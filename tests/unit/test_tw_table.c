/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TIME_WAIT table: insert, lookup, remove, collisions, a full table,
 * the expiry FIFO (order, restart, budget, 32-bit ms wrap), the oldest
 * record for eviction, a million records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcp/conn_table.h"
#include "tcp/tw_table.h"

static struct tcp_tuple
tuple(uint32_t i)
{
	struct tcp_tuple t = {
		.laddr.v4 = 0xc6120001u,
		.raddr.v4 = 0xc6120002u + (i >> 16),
		.lport = 80,
		.rport = (uint16_t)i,
	};

	return t;
}

static struct tw_rec *
find(struct tw_table *tw, uint32_t i)
{
	struct tcp_tuple t = tuple(i);

	return tw_lookup(tw, &t);
}

static struct tw_rec *
add(struct tw_table *tw, uint32_t i, uint32_t expire)
{
	struct tcp_tuple t = tuple(i);

	return tw_insert(tw, &t, expire);
}

/*
 * A lookup matches the record's address pair, not only its ports and
 * hash fingerprint: one record, then 2M tuples with its ports and other
 * remote addresses, none found.  In a 16-record table (3 buckets, 17-bit
 * fingerprints) about 10 of them share a bucket and the fingerprint with
 * the record, so a lookup that trusted those would return it.
 */
static void
test_lookup_other_pair_same_ports(void **state)
{
	struct tcp_tuple a = tcp_tuple4(0xc6120001u, 0xc6120002u, 80, 40000);
	struct tw_table tw;
	struct tw_rec *r;

	(void)state;
	assert_int_equal(tw_init(&tw, 16), 0);
	r = tw_insert(&tw, &a, 100);
	assert_non_null(r);
	for (uint32_t i = 1; i <= 2000000; i++) {
		struct tcp_tuple b = tcp_tuple4(0xc6120001u, 0x0a000000u + i, 80, 40000);

		assert_null(tw_lookup(&tw, &b));
	}
	assert_ptr_equal(tw_lookup(&tw, &a), r);
	tw_free(&tw);
}

static void
test_init(void **state)
{
	struct tw_table tw;

	(void)state;
	assert_int_equal(tw_init(&tw, 0), -1);
	assert_int_equal(tw_init(&tw, 10), 0);
	assert_int_equal(tw_count(&tw), 0);
	assert_null(tw_oldest(&tw));
	assert_null(find(&tw, 1));
	assert_int_equal(tw_expire(&tw, 1000, 100), 0);
	tw_free(&tw);
}

static void
test_insert_lookup_remove(void **state)
{
	struct tw_table tw;
	struct tw_rec *r[50];

	(void)state;
	assert_int_equal(tw_init(&tw, 50), 0);
	for (uint32_t i = 0; i < 50; i++) {
		r[i] = add(&tw, i, 1000 + i);
		assert_non_null(r[i]);
		assert_int_equal(tw_rec_expire(&tw, r[i]), 1000 + i);
	}
	assert_int_equal(tw_count(&tw), 50);
	for (uint32_t i = 0; i < 50; i++)
		assert_ptr_equal(find(&tw, i), r[i]);
	assert_null(find(&tw, 50));
	for (uint32_t i = 0; i < 50; i += 3)
		tw_remove(&tw, r[i]);
	for (uint32_t i = 0; i < 50; i++)
		assert_ptr_equal(find(&tw, i), i % 3 ? r[i] : NULL);
	assert_int_equal(tw_count(&tw), 50 - 17);
	tw_free(&tw);
}

/* tw_walk_count finds the records through the index, not tw->count:
 * after inserts, removals and expiries it agrees with what is really there. */
static void
test_walk_count(void **state)
{
	struct tw_table tw;

	(void)state;
	assert_int_equal(tw_init(&tw, 64), 0);
	assert_int_equal(tw_walk_count(&tw), 0);
	for (uint32_t i = 0; i < 40; i++)
		assert_non_null(add(&tw, i, 100 + i));
	assert_int_equal(tw_walk_count(&tw), 40);
	for (uint32_t i = 0; i < 40; i += 4)
		tw_remove(&tw, find(&tw, i));
	assert_int_equal(tw_walk_count(&tw), 30);
	assert_int_equal(tw_expire(&tw, 109, 100), 7);   /* 1, 2, 3, 5, 6, 7, 9 */
	assert_int_equal(tw_walk_count(&tw), 23);
	/* A count field that drifted does not fool the walk. */
	tw.count = 5;
	assert_int_equal(tw_walk_count(&tw), 23);
	tw.count = 23;
	tw_free(&tw);
}

/* A 600 s TIME_WAIT: a timestamp stored just before it began still reads
 * (to the 16 ms unit, never earlier than it was), so tw_reuse_delay can
 * pass; with 1 ms units it would saturate and read 535 s late. */
static void
test_ts_stamp_long_time_wait(void **state)
{
	const uint32_t start = 50000, span = 600000;
	struct tw_table tw;
	struct tw_rec *r;
	uint32_t got;

	(void)state;
	assert_int_equal(tw_init(&tw, 64), 0);
	tw_set_span(&tw, span);
	assert_int_equal(tw.ts_shift, 4);
	r = add(&tw, 1, start + span);
	tw_set_ts_stamp(&tw, r, start - 1000);
	got = tw_ts_stamp(&tw, r);
	assert_true(got >= start - 1000 && got < start - 1000 + 16);
	tw_set_span(&tw, 60000);
	assert_int_equal(tw.ts_shift, 0);
	tw_set_ts_stamp(&tw, r, start - 1000);
	assert_int_equal(tw_ts_stamp(&tw, r), start + span - TW_TS_AGE_MAX);
	tw_free(&tw);
}

/* The ring empties with its head inside a block; the next record does
 * not fit that block's expiry span and opens a new one: the slots it skips
 * must not leave the head on a hole (tw_expire would read one as a
 * record: found by fuzz_tcp). */
static void
test_empty_ring_new_block(void **state)
{
	struct tw_table tw;

	(void)state;
	assert_int_equal(tw_init(&tw, 64), 0);
	assert_non_null(add(&tw, 1, 1000));
	assert_non_null(add(&tw, 2, 1000));
	tw_remove(&tw, find(&tw, 1));
	tw_remove(&tw, find(&tw, 2));
	assert_null(tw_oldest(&tw));
	assert_non_null(add(&tw, 3, 1000 + 100000));
	assert_ptr_equal(tw_oldest(&tw), find(&tw, 3));
	assert_int_equal(tw_walk_count(&tw), 1);
	assert_int_equal(tw_expire(&tw, 1000 + 100000, 10), 1);
	assert_int_equal(tw_count(&tw), 0);
	assert_null(tw_oldest(&tw));
	tw_free(&tw);
}

/* Bucket of t as tw_table.c computes it (first choice). */
static uint32_t
bucket1(const struct tw_table *tw, const struct tcp_tuple *t)
{
	return (uint32_t)(((uint64_t)tcp_tuple_hash(t) * tw->nb) >> 32);
}

static void
test_collisions(void **state)
{
	struct tw_table tw;
	struct tw_rec *r[12];
	uint32_t id[12], n = 0;

	(void)state;
	/* 12 records whose first bucket is the same 8-slot bucket: 4 must
	 * go to their second bucket, displacing others (cuckoo). */
	assert_int_equal(tw_init(&tw, 16), 0);
	for (uint32_t i = 0; n < 12; i++) {
		struct tcp_tuple t = tuple(i);

		if (bucket1(&tw, &t) == 1) {
			id[n] = i;
			r[n] = tw_insert(&tw, &t, 100);
			assert_non_null(r[n]);
			n++;
		}
		assert_true(i < 1000000);
	}
	for (uint32_t k = 0; k < 12; k++)
		assert_ptr_equal(find(&tw, id[k]), r[k]);
	tw_remove(&tw, r[2]);
	tw_remove(&tw, r[11]);
	tw_remove(&tw, r[0]);
	for (uint32_t k = 0; k < 12; k++)
		assert_ptr_equal(find(&tw, id[k]),
				 (k == 2 || k == 11 || k == 0) ? NULL : r[k]);
	assert_int_equal(tw.lost, 0);
	tw_free(&tw);
}

static void
test_full(void **state)
{
	struct tw_table tw;
	struct tw_rec *r;

	(void)state;
	assert_int_equal(tw_init(&tw, 8), 0);
	for (uint32_t i = 0; i < 8; i++)
		assert_non_null(add(&tw, i, 10));
	/* Full: NULL, nothing changed. */
	assert_null(add(&tw, 8, 10));
	assert_int_equal(tw_count(&tw), 8);
	assert_null(find(&tw, 8));
	/* A removed record's slot is reused. */
	r = find(&tw, 3);
	tw_remove(&tw, r);
	r = add(&tw, 8, 20);
	assert_non_null(r);
	assert_ptr_equal(find(&tw, 8), r);
	assert_null(add(&tw, 9, 20));
	/* Expiring makes room too. */
	assert_int_equal(tw_expire(&tw, 10, 100), 7);
	assert_int_equal(tw_count(&tw), 1);
	for (uint32_t i = 9; i < 16; i++)
		assert_non_null(add(&tw, i, 30));
	assert_null(add(&tw, 16, 30));
	tw_free(&tw);
}

static void
test_fifo_order_with_restart(void **state)
{
	struct tw_table tw;
	struct tw_rec *a, *b, *c;

	(void)state;
	assert_int_equal(tw_init(&tw, 16), 0);
	a = add(&tw, 1, 10);
	b = add(&tw, 2, 20);
	c = add(&tw, 3, 30);
	assert_ptr_equal(tw_oldest(&tw), a);
	/* A FIN restarts a's 2MSL: it moves behind c. */
	a = tw_restart(&tw, a, 40);
	assert_int_equal(tw_rec_expire(&tw, a), 40);
	assert_ptr_equal(tw_oldest(&tw), b);
	/* Not a moment early. */
	assert_int_equal(tw_expire(&tw, 19, 100), 0);
	assert_int_equal(tw_expire(&tw, 20, 100), 1);
	assert_null(find(&tw, 2));
	assert_ptr_equal(tw_oldest(&tw), c);
	assert_int_equal(tw_expire(&tw, 39, 100), 1);
	assert_null(find(&tw, 3));
	assert_ptr_equal(find(&tw, 1), a);
	assert_int_equal(tw_expire(&tw, 40, 100), 1);
	assert_null(find(&tw, 1));
	assert_null(tw_oldest(&tw));
	assert_int_equal(tw_count(&tw), 0);

	/* Restarting the newest one (the tail) keeps the order. */
	a = add(&tw, 1, 100);
	b = add(&tw, 2, 110);
	b = tw_restart(&tw, b, 120);
	assert_ptr_equal(tw_oldest(&tw), a);
	assert_int_equal(tw_expire(&tw, 100, 100), 1);
	assert_ptr_equal(tw_oldest(&tw), b);
	assert_int_equal(tw_expire(&tw, 119, 100), 0);
	assert_int_equal(tw_expire(&tw, 120, 100), 1);
	/* Restarting the only record. */
	a = add(&tw, 1, 200);
	a = tw_restart(&tw, a, 300);
	assert_ptr_equal(tw_oldest(&tw), a);
	assert_int_equal(tw_expire(&tw, 299, 100), 0);
	assert_int_equal(tw_expire(&tw, 300, 100), 1);
	tw_free(&tw);
}

static void
test_budgeted_expiry(void **state)
{
	struct tw_table tw;

	(void)state;
	assert_int_equal(tw_init(&tw, 100), 0);
	for (uint32_t i = 0; i < 10; i++)
		assert_non_null(add(&tw, i, 5));
	/* At most budget per call; the rest on the next calls, oldest
	 * first. */
	assert_int_equal(tw_expire(&tw, 5, 3), 3);
	assert_int_equal(tw_count(&tw), 7);
	for (uint32_t i = 0; i < 3; i++)
		assert_null(find(&tw, i));
	assert_non_null(find(&tw, 3));
	assert_int_equal(tw_expire(&tw, 5, 3), 3);
	assert_int_equal(tw_expire(&tw, 5, 3), 3);
	assert_int_equal(tw_expire(&tw, 5, 3), 1);
	assert_int_equal(tw_expire(&tw, 5, 3), 0);
	assert_int_equal(tw_count(&tw), 0);
	tw_free(&tw);
}

static void
test_expiry_across_ms_wrap(void **state)
{
	struct tw_table tw;

	(void)state;
	/* The ms clock is 32-bit: it wraps every 49.7 days. */
	assert_int_equal(tw_init(&tw, 4), 0);
	assert_non_null(add(&tw, 1, 0xfffffff0u));
	assert_non_null(add(&tw, 2, 0x00000010u));
	assert_int_equal(tw_expire(&tw, 0xffffffe0u, 10), 0);
	assert_int_equal(tw_expire(&tw, 0x00000005u, 10), 1);
	assert_null(find(&tw, 1));
	assert_int_equal(tw_expire(&tw, 0x0000000fu, 10), 0);
	assert_int_equal(tw_expire(&tw, 0x00000010u, 10), 1);
	tw_free(&tw);
}

/* Expiring more than one tick after 2MSL is counted as late. */
static void
test_late_expiry_counted(void **state)
{
	struct tw_table tw;

	(void)state;
	assert_int_equal(tw_init(&tw, 16), 0);
	assert_int_equal(tw.late_ms, 1);
	assert_non_null(add(&tw, 1, 10));
	assert_non_null(add(&tw, 2, 20));
	assert_non_null(add(&tw, 3, 30));
	assert_int_equal(tw_expire(&tw, 11, 100), 1);   /* one tick: on time */
	assert_int_equal(tw.expired_late, 0);
	assert_int_equal(tw_expire(&tw, 22, 100), 1);   /* two ticks: late */
	assert_int_equal(tw.expired_late, 1);
	tw.late_ms = 5;                                 /* a 5 ms tick */
	assert_int_equal(tw_expire(&tw, 35, 100), 1);
	assert_int_equal(tw.expired_late, 1);
	tw_free(&tw);
}

/* Late expiries split by cause: seen due and on time by a call whose
 * budget left them (the table's doing), or late already when first seen
 * (fallen due while no call ran: the lcore stalled). */
static void
test_late_expiry_deferred(void **state)
{
	struct tw_table tw;

	(void)state;
	assert_int_equal(tw_init(&tw, 16), 0);
	for (uint32_t i = 0; i < 5; i++)
		assert_non_null(add(&tw, i, 10));
	assert_int_equal(tw_expire(&tw, 10, 2), 2);     /* budget 2: 3 left, due */
	assert_int_equal(tw.expired_late, 0);
	assert_int_equal(tw_expire(&tw, 12, 100), 3);   /* late, and due at t = 10 */
	assert_int_equal(tw.expired_late, 3);
	assert_int_equal(tw.expired_deferred, 3);
	assert_non_null(add(&tw, 9, 20));
	assert_int_equal(tw_expire(&tw, 15, 100), 0);
	assert_int_equal(tw_expire(&tw, 25, 100), 1);   /* due at 20, no call in 16..24 */
	assert_int_equal(tw.expired_late, 4);
	assert_int_equal(tw.expired_deferred, 3);
	/* Due exactly at a call that left it (budget 0): the table's. */
	assert_non_null(add(&tw, 10, 30));
	assert_int_equal(tw_expire(&tw, 30, 0), 0);
	assert_int_equal(tw_expire(&tw, 32, 100), 1);
	assert_int_equal(tw.expired_deferred, 4);
	/* A stall: no call from 39 to 50.  Records due at 40..44 are late
	 * when first seen; the budget leaves three of them, late already:
	 * still the stall's, not the table's. */
	for (uint32_t i = 0; i < 5; i++)
		assert_non_null(add(&tw, 20 + i, 40 + i));
	assert_int_equal(tw_expire(&tw, 39, 100), 0);
	assert_int_equal(tw_expire(&tw, 50, 2), 2);
	assert_int_equal(tw_expire(&tw, 51, 100), 3);
	assert_int_equal(tw.expired_late, 10);
	assert_int_equal(tw.expired_deferred, 4);
	tw_free(&tw);
}

static void
test_evict_oldest(void **state)
{
	struct tw_table tw;
	struct tw_rec *r;

	(void)state;
	assert_int_equal(tw_init(&tw, 3), 0);
	add(&tw, 1, 10);
	add(&tw, 2, 20);
	add(&tw, 3, 30);
	tw_restart(&tw, find(&tw, 1), 40);
	/* The oldest is the one that expires first, not the first made. */
	r = tw_oldest(&tw);
	assert_ptr_equal(r, find(&tw, 2));
	tw_remove(&tw, r);
	assert_non_null(add(&tw, 4, 50));
	assert_ptr_equal(tw_oldest(&tw), find(&tw, 3));
	assert_null(find(&tw, 2));
	assert_int_equal(tw_count(&tw), 3);
	tw_free(&tw);
}

static void
test_one_million(void **state)
{
	const uint32_t n = 1000000;
	struct tw_table tw;
	uint32_t removed = 0, calls = 0;

	(void)state;
	assert_int_equal(tw_init(&tw, n), 0);
	/* As under load: a thousand closes per ms. */
	for (uint32_t i = 0; i < n; i++)
		if (add(&tw, i, 60000 + i / 1000) == NULL)
			fail_msg("insert %u failed", i);
	assert_int_equal(tw_count(&tw), n);
	/* Full (a load of 0.9): entries were displaced to their other
	 * bucket (found from the fingerprint alone), none left homeless. */
	assert_true(tw.kicks > n / 100);
	assert_int_equal(tw.n_stash, 0);
	assert_int_equal(tw.lost, 0);
	assert_null(add(&tw, n, 0));
	for (uint32_t i = 0; i < n; i++)
		if (find(&tw, i) == NULL)
			fail_msg("record %u not found", i);
	/* Restart every 10th: they move to the end. */
	for (uint32_t i = 0; i < n; i += 10)
		tw_restart(&tw, find(&tw, i), 70000);
	/* Expire in budgeted polls; the FIFO never yields a record before
	 * its time. */
	for (uint32_t ms = 60000; ms <= 70000; ms++) {
		uint32_t k;

		do {
			k = tw_expire(&tw, ms, 256);
			removed += k;
			calls++;
		} while (k == 256);
		if (tw_oldest(&tw) != NULL && (int32_t)(tw_rec_expire(&tw, tw_oldest(&tw)) - ms) <= 0)
			fail_msg("a due record left at %u ms", ms);
		/* Exactly what is due: 900 a ms (the other 100 were
		 * restarted), all 900000 of them by 60999 ms. */
		if (ms == 60000)
			assert_int_equal(removed, 900);
		if (ms == 60999)
			assert_int_equal(removed, 900000);
		if (ms == 69999)
			assert_int_equal(removed, 900000);
	}
	assert_int_equal(removed, n);
	assert_int_equal(tw_count(&tw), 0);
	assert_true(calls >= n / 256);
	tw_free(&tw);
}

/* The budget: 26-byte records; the index at most 4.5 bytes per record of
 * capacity; spare ring slots 1/128 of capacity plus a fixed 1400 blocks. */
static void
test_sizes(void **state)
{
	const uint32_t n = 1000000;
	struct tw_table tw;

	(void)state;
	assert_int_equal(sizeof(struct tw_rec), 26);
	assert_int_equal(tw_init(&tw, n), 0);
	assert_true((double)tw.bkt_bytes / n <= 4.5);
	assert_true(tw.nslots <= n + n / 128 + 1400 * 16);
	assert_true(tw.nslots >= n);
	tw_free(&tw);
	/* Beyond what 32-bit index slots with a fingerprint can name. */
	assert_int_equal(tw_init(&tw, 1u << 27), -1);
}

/* Addresses are interned per pair and released with the last record. */
static void
test_address_pairs(void **state)
{
	struct tw_table tw;
	struct tw_rec *r[3];
	struct tcp_tuple t;

	(void)state;
	assert_int_equal(tw_init(&tw, 16), 0);
	r[0] = add(&tw, 1, 10);
	r[1] = add(&tw, 2, 10);
	r[2] = add(&tw, 0x10000, 10);   /* another remote address */
	assert_int_equal(addr_count(&tw.at), 2);
	tw_tuple(&tw, r[2], &t);
	assert_int_equal(t.raddr.v4, tuple(0x10000).raddr.v4);
	assert_int_equal(t.laddr.v4, tuple(0x10000).laddr.v4);
	assert_int_equal(t.rport, tuple(0x10000).rport);
	assert_int_equal(t.lport, 80);
	/* An unknown address pair is a miss at once; a known pair with
	 * other ports, a miss through the index. */
	t = tuple(0x20000);
	assert_null(tw_lookup(&tw, &t));
	assert_null(find(&tw, 3));
	tw_remove(&tw, r[0]);
	assert_int_equal(addr_count(&tw.at), 2);
	tw_remove(&tw, r[1]);
	assert_int_equal(addr_count(&tw.at), 1);
	assert_int_equal(tw_expire(&tw, 10, 10), 1);
	assert_int_equal(addr_count(&tw.at), 0);
	tw_free(&tw);
}

/* Expiries more than 65.5 s apart cannot share a block: the next record
 * opens a new one, and every expiry is still exact. */
static void
test_block_span(void **state)
{
	static const uint32_t e[] = { 1000, 1001, 66535, 66536, 200000, 200000,
				      0x7fff0000u };
	struct tw_table tw;

	(void)state;
	assert_int_equal(tw_init(&tw, 16), 0);
	for (uint32_t i = 0; i < 7; i++) {
		struct tw_rec *r = add(&tw, i, e[i]);

		assert_non_null(r);
		assert_int_equal(tw_rec_expire(&tw, r), e[i]);
	}
	for (uint32_t i = 0; i < 7; i++)
		assert_int_equal(tw_rec_expire(&tw, find(&tw, i)), e[i]);
	assert_int_equal(tw_expire(&tw, 66535, 100), 3);
	assert_int_equal(tw_expire(&tw, 199999, 100), 1);
	assert_int_equal(tw_expire(&tw, 200000, 100), 2);
	assert_int_equal(tw_count(&tw), 1);
	tw_free(&tw);
}

/*
 * Holes behind a live head (records taken over while an older one stays)
 * fill the ring: it is compacted in place, in order, and every record is
 * still found and expires exactly on time.
 */
static void
test_holes_compacted(void **state)
{
	struct tw_table tw;
	uint32_t ms = 1000, k;

	(void)state;
	assert_int_equal(tw_init(&tw, 64), 0);
	assert_non_null(add(&tw, 0, 61000));    /* the old one: stays */
	/* 100000 records, each removed (a takeover) 8 records later, and
	 * every 16th restarted once (moved to the tail). */
	for (uint32_t i = 1; i <= 100000; i++) {
		struct tw_rec *r;

		if (i % 64 == 0)
			ms++;
		r = add(&tw, i, ms + 60000);
		assert_non_null(r);
		if (i % 16 == 0)
			tw_restart(&tw, r, ms + 60000);
		if (i > 8)
			tw_remove(&tw, find(&tw, i - 8));
	}
	assert_true(tw.compactions > 0);
	assert_int_equal(tw.lost, 0);
	/* Left: record 0 and the last 8. */
	k = 1 + 8;
	assert_int_equal(tw_count(&tw), k);
	assert_non_null(find(&tw, 0));
	assert_non_null(find(&tw, 99996));
	assert_null(find(&tw, 99992));
	assert_ptr_equal(tw_oldest(&tw), find(&tw, 0));
	assert_int_equal(tw_rec_expire(&tw, find(&tw, 0)), 61000);
	/* Exactly on time, in order. */
	assert_int_equal(tw_expire(&tw, 60999, 1000000), 0);
	assert_int_equal(tw_expire(&tw, 61000, 1000000), 1 + 0);
	for (uint32_t t = 61001; tw_count(&tw) > 0 && t < 70000; t++) {
		struct tw_rec *o = tw_oldest(&tw);

		assert_true((int32_t)(tw_rec_expire(&tw, o) - t) >= 0);
		tw_expire(&tw, t, 1000000);
		if (tw_oldest(&tw) != NULL)
			assert_true((int32_t)(tw_rec_expire(&tw, tw_oldest(&tw)) - t) > 0);
	}
	assert_int_equal(tw_count(&tw), 0);
	assert_int_equal(addr_count(&tw.at), 0);
	tw_free(&tw);
}

/* ts_stamp is kept as its age at expiry: exact within 65.5 s, across a
 * restart; an older one reads later than it was (tw_reuse waits longer,
 * never less). */
static void
test_ts_stamp(void **state)
{
	struct tw_table tw;
	struct tw_rec *r;

	(void)state;
	assert_int_equal(tw_init(&tw, 16), 0);
	r = add(&tw, 1, 100000);
	tw_set_ts_stamp(&tw, r, 39000);
	assert_int_equal(tw_ts_stamp(&tw, r), 39000);
	r = tw_restart(&tw, r, 100500);
	assert_int_equal(tw_ts_stamp(&tw, r), 39000);
	tw_set_ts_stamp(&tw, r, 1000);
	assert_int_equal(tw_ts_stamp(&tw, r), 100500 - 65535);
	r = tw_restart(&tw, r, 101000);
	assert_int_equal(tw_ts_stamp(&tw, r), 101000 - 65535);
	/* A stamp after the expiry (a late record) reads as the expiry. */
	tw_set_ts_stamp(&tw, r, 101005);
	assert_int_equal(tw_ts_stamp(&tw, r), 101000);
	tw_free(&tw);
}

/* The 500 ms duplicate-ACK limit on 16 bits of ms. */
static void
test_oow_stamp(void **state)
{
	struct tw_rec r = { 0 };

	(void)state;
	assert_false(tw_oow_recent(&r, 0, 500));
	tw_oow_set(&r, 70000);
	assert_true(tw_oow_recent(&r, 70000, 500));
	assert_true(tw_oow_recent(&r, 70499, 500));
	assert_false(tw_oow_recent(&r, 70500, 500));
	/* Across the 16-bit wrap. */
	tw_oow_set(&r, 65535);
	assert_true(tw_oow_recent(&r, 65536 + 10, 500));
	assert_false(tw_oow_recent(&r, 65535 + 500, 500));
	/* 0 means never: a stamp taken at a multiple of 65536 ms is 1. */
	tw_oow_set(&r, 131072);
	assert_int_equal(r.last_oow, 1);
	assert_true(tw_oow_recent(&r, 131072 + 400, 500));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_lookup_other_pair_same_ports),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_address_pairs),
		cmocka_unit_test(test_block_span),
		cmocka_unit_test(test_holes_compacted),
		cmocka_unit_test(test_ts_stamp),
		cmocka_unit_test(test_oow_stamp),
		cmocka_unit_test(test_insert_lookup_remove),
		cmocka_unit_test(test_walk_count),
		cmocka_unit_test(test_empty_ring_new_block),
		cmocka_unit_test(test_ts_stamp_long_time_wait),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_fifo_order_with_restart),
		cmocka_unit_test(test_budgeted_expiry),
		cmocka_unit_test(test_expiry_across_ms_wrap),
		cmocka_unit_test(test_late_expiry_counted),
		cmocka_unit_test(test_late_expiry_deferred),
		cmocka_unit_test(test_evict_oldest),
		cmocka_unit_test(test_one_million),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
