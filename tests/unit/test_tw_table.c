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
		.laddr = 0xc6120001u,
		.raddr = 0xc6120002u + (i >> 16),
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_insert_lookup_remove),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_fifo_order_with_restart),
		cmocka_unit_test(test_budgeted_expiry),
		cmocka_unit_test(test_expiry_across_ms_wrap),
		cmocka_unit_test(test_late_expiry_counted),
		cmocka_unit_test(test_evict_oldest),
		cmocka_unit_test(test_one_million),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
