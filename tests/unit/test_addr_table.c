/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The address-pair table of TIME_WAIT records: interning with reference
 * counts, stable ids, release with the last reference, growth of the
 * index, removal from the middle of a probe run, a full table, a
 * reference taken on a guessed id (addr_ref_if).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tcp/addr_table.h"

static struct addr_pair
pair(uint32_t i)
{
	struct addr_pair k = { .laddr.v4 = 0xc6120001u, .raddr.v4 = 0xc6130000u + i };

	return k;
}

static void
test_init_errors(void **state)
{
	struct addr_table at;

	(void)state;
	assert_int_equal(addr_init(&at, 0), -1);
	assert_int_equal(addr_init(&at, ADDR_NIL), -1);
	assert_int_equal(addr_init(&at, 4), 0);
	assert_int_equal(addr_count(&at), 0);
	addr_free(&at);
}

/* addr_ref_if: a reference on the guessed id only when it is the pair's
 * live entry (not a never-used id, a released one, another pair's). */
static void
test_ref_if(void **state)
{
	struct addr_table at;
	struct addr_pair a = pair(1), b = pair(2);
	uint32_t ia, ib;

	(void)state;
	assert_int_equal(addr_init(&at, 8), 0);
	assert_false(addr_ref_if(&at, 0, &a));          /* nothing taken yet */
	assert_false(addr_ref_if(&at, ADDR_NIL, &a));
	ia = addr_get(&at, &a);
	ib = addr_get(&at, &b);
	assert_false(addr_ref_if(&at, ia, &b));         /* another pair's id */
	assert_true(addr_ref_if(&at, ia, &a));
	/* Two references now: one put keeps the pair. */
	addr_put(&at, ia);
	assert_int_equal(addr_find(&at, &a), ia);
	addr_put(&at, ia);
	assert_int_equal(addr_find(&at, &a), ADDR_NIL);
	assert_false(addr_ref_if(&at, ia, &a));         /* released */
	assert_int_equal(addr_count(&at), 1);
	addr_put(&at, ib);
	addr_free(&at);
}

static void
test_refcount(void **state)
{
	struct addr_table at;
	struct addr_pair a = pair(1), b = pair(2);
	uint32_t ia, ib;

	(void)state;
	assert_int_equal(addr_init(&at, 16), 0);
	assert_int_equal(addr_find(&at, &a), ADDR_NIL);
	ia = addr_get(&at, &a);
	assert_int_not_equal(ia, ADDR_NIL);
	/* The same pair: the same id, one entry. */
	assert_int_equal(addr_get(&at, &a), ia);
	assert_int_equal(addr_count(&at), 1);
	ib = addr_get(&at, &b);
	assert_int_not_equal(ib, ia);
	assert_int_equal(addr_key(&at, ia)->raddr.v4, a.raddr.v4);
	assert_int_equal(addr_key(&at, ib)->raddr.v4, b.raddr.v4);
	/* The first put leaves it (a second reference), the last frees. */
	addr_put(&at, ia);
	assert_int_equal(addr_find(&at, &a), ia);
	addr_put(&at, ia);
	assert_int_equal(addr_find(&at, &a), ADDR_NIL);
	assert_int_equal(addr_find(&at, &b), ib);
	assert_int_equal(addr_count(&at), 1);
	/* Its id is taken again by the next new pair. */
	assert_int_equal(addr_get(&at, &a), ia);
	addr_free(&at);
}

static void
test_full(void **state)
{
	struct addr_table at;

	(void)state;
	assert_int_equal(addr_init(&at, 3), 0);
	for (uint32_t i = 0; i < 3; i++) {
		struct addr_pair k = pair(i);

		assert_int_not_equal(addr_get(&at, &k), ADDR_NIL);
	}
	{
		struct addr_pair k = pair(3), old = pair(1);

		assert_int_equal(addr_get(&at, &k), ADDR_NIL);
		/* A known pair still gets its reference. */
		assert_int_not_equal(addr_get(&at, &old), ADDR_NIL);
	}
	addr_free(&at);
}

/* Past the initial index (growth), then half removed at random places of
 * the probe runs: every other pair is still found, the removed are not. */
static void
test_grow_and_remove(void **state)
{
	const uint32_t n = 5000;
	struct addr_table at;
	uint32_t *id = calloc(n, sizeof(*id));

	(void)state;
	assert_non_null(id);
	assert_int_equal(addr_init(&at, n), 0);
	for (uint32_t i = 0; i < n; i++) {
		struct addr_pair k = pair(i * 7919u);

		id[i] = addr_get(&at, &k);
		assert_int_not_equal(id[i], ADDR_NIL);
	}
	assert_int_equal(addr_count(&at), n);
	assert_true(at.mask + 1 >= 2 * n);   /* load <= 1/2 */
	for (uint32_t i = 0; i < n; i += 2)
		addr_put(&at, id[i]);
	for (uint32_t i = 0; i < n; i++) {
		struct addr_pair k = pair(i * 7919u);

		assert_int_equal(addr_find(&at, &k), (i & 1) ? id[i] : ADDR_NIL);
	}
	assert_int_equal(addr_count(&at), n / 2);
	addr_free(&at);
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_ref_if),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_grow_and_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
