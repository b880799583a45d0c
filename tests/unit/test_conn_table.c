/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 4-tuple -> connection hash: insert, lookup, remove, chains of
 * colliding tuples, more entries than it was sized for, a million entries.
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

/* Tuples that collide under the former CRC32C hash. */
#include "../../bench/crc_collide.h"

/* Tuple number i: many clients on many ports to one server port, as a
 * terminator sees them. */
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

static struct ct_node *
nodes_new(uint32_t n)
{
	struct ct_node *v = calloc(n, sizeof(*v));

	assert_non_null(v);
	for (uint32_t i = 0; i < n; i++)
		v[i].t = tuple(i);
	return v;
}

static void
test_insert_lookup_remove(void **state)
{
	struct conn_table ct;
	struct ct_node *v = nodes_new(100);
	struct tcp_tuple t;

	(void)state;
	assert_int_equal(ct_init(&ct, 100), 0);
	/* Sized to a power of two at least as large as asked. */
	assert_int_equal(ct.mask + 1, 128);
	for (uint32_t i = 0; i < 100; i++)
		ct_insert(&ct, &v[i]);
	assert_int_equal(ct.count, 100);
	for (uint32_t i = 0; i < 100; i++) {
		t = tuple(i);
		assert_ptr_equal(ct_lookup(&ct, &t), &v[i]);
	}
	t = tuple(100);
	assert_null(ct_lookup(&ct, &t));
	/* Each field of the tuple matters. */
	t = tuple(5);
	t.laddr.v4++;
	assert_null(ct_lookup(&ct, &t));
	t = tuple(5);
	t.lport++;
	assert_null(ct_lookup(&ct, &t));
	t = tuple(5);
	t.raddr.v4 ^= 0x100;
	assert_null(ct_lookup(&ct, &t));

	for (uint32_t i = 0; i < 100; i += 2)
		assert_int_equal(ct_remove(&ct, &v[i]), 0);
	assert_int_equal(ct.count, 50);
	for (uint32_t i = 0; i < 100; i++) {
		t = tuple(i);
		assert_ptr_equal(ct_lookup(&ct, &t), i % 2 ? &v[i] : NULL);
	}
	/* Removing what is not there is reported, and harmless. */
	assert_int_equal(ct_remove(&ct, &v[0]), -1);
	assert_int_equal(ct.count, 50);
	/* Re-insert after remove. */
	ct_insert(&ct, &v[0]);
	t = tuple(0);
	assert_ptr_equal(ct_lookup(&ct, &t), &v[0]);
	ct_free(&ct);
	free(v);
}

static void
test_collisions(void **state)
{
	struct conn_table ct;
	struct ct_node v[8];
	struct tcp_tuple t;
	uint32_t n = 0;

	(void)state;
	assert_int_equal(ct_init(&ct, 16), 0);
	/* Find eight tuples that share bucket 3. */
	for (uint32_t i = 0; n < 8; i++) {
		t = tuple(i);
		if ((tcp_tuple_hash(&t) & ct.mask) == 3) {
			v[n].t = t;
			ct_insert(&ct, &v[n]);
			n++;
		}
		assert_true(i < 1000000);
	}
	for (uint32_t i = 0; i < 8; i++)
		assert_ptr_equal(ct_lookup(&ct, &v[i].t), &v[i]);
	/* Remove from the middle, the head (last inserted) and the tail of
	 * the chain; the rest stay reachable. */
	assert_int_equal(ct_remove(&ct, &v[3]), 0);
	assert_int_equal(ct_remove(&ct, &v[7]), 0);
	assert_int_equal(ct_remove(&ct, &v[0]), 0);
	for (uint32_t i = 0; i < 8; i++)
		assert_ptr_equal(ct_lookup(&ct, &v[i].t),
				 (i == 3 || i == 7 || i == 0) ? NULL : &v[i]);
	assert_int_equal(ct.count, 5);
	ct_free(&ct);
}

static void
test_more_than_sized(void **state)
{
	struct conn_table ct;
	struct ct_node *v = nodes_new(5000);

	(void)state;
	/* A chained table has no hard limit: the stack's pool is what caps
	 * connections (tested in test_tcp_passive). */
	assert_int_equal(ct_init(&ct, 16), 0);
	for (uint32_t i = 0; i < 5000; i++)
		ct_insert(&ct, &v[i]);
	for (uint32_t i = 0; i < 5000; i++)
		assert_ptr_equal(ct_lookup(&ct, &v[i].t), &v[i]);
	for (uint32_t i = 0; i < 5000; i++)
		assert_int_equal(ct_remove(&ct, &v[i]), 0);
	assert_int_equal(ct.count, 0);
	for (uint32_t b = 0; b <= ct.mask; b++)
		assert_null(ct.buckets[b]);
	ct_free(&ct);
	free(v);
}

static void
test_one_million(void **state)
{
	const uint32_t n = 1000000;
	struct conn_table ct;
	struct ct_node *v = nodes_new(n);
	uint32_t longest = 0;

	(void)state;
	assert_int_equal(ct_init(&ct, n), 0);
	for (uint32_t i = 0; i < n; i++)
		ct_insert(&ct, &v[i]);
	assert_int_equal(ct.count, n);
	for (uint32_t i = 0; i < n; i++)
		if (ct_lookup(&ct, &v[i].t) != &v[i])
			fail_msg("tuple %u not found", i);
	/* The hash spreads sequential ports and addresses: no long chains
	 * (about one entry per bucket on average). */
	for (uint32_t b = 0; b <= ct.mask; b++) {
		uint32_t len = 0;

		for (struct ct_node *p = ct.buckets[b]; p != NULL; p = p->next)
			len++;
		if (len > longest)
			longest = len;
	}
	assert_true(longest <= 16);
	for (uint32_t i = 0; i < n; i += 2)
		assert_int_equal(ct_remove(&ct, &v[i]), 0);
	for (uint32_t i = 0; i < n; i++)
		if (ct_lookup(&ct, &v[i].t) != (i % 2 ? &v[i] : NULL))
			fail_msg("tuple %u wrong after removals", i);
	for (uint32_t i = 1; i < n; i += 2)
		assert_int_equal(ct_remove(&ct, &v[i]), 0);
	assert_int_equal(ct.count, 0);
	ct_free(&ct);
	free(v);
}

/* A node keeps the hash it went in with (its removal and its TIME_WAIT
 * record use it); a lookup given the hash finds what ct_lookup finds. */
static void
test_hash_kept(void **state)
{
	struct conn_table ct;
	struct ct_node *v = nodes_new(64);

	(void)state;
	assert_int_equal(ct_init(&ct, 64), 0);
	for (uint32_t i = 0; i < 64; i++) {
		if (i % 2)
			ct_insert(&ct, &v[i]);
		else
			ct_insert_h(&ct, &v[i], tcp_tuple_hash(&v[i].t));
		assert_int_equal(v[i].hash, tcp_tuple_hash(&v[i].t));
	}
	for (uint32_t i = 0; i < 64; i++) {
		assert_ptr_equal(ct_lookup_h(&ct, &v[i].t, v[i].hash), &v[i]);
		assert_ptr_equal(ct_lookup(&ct, &v[i].t), &v[i]);
	}
	for (uint32_t i = 0; i < 64; i++) {
		assert_int_equal(ct_remove(&ct, &v[i]), 0);
		assert_null(ct_lookup(&ct, &v[i].t));
	}
	assert_int_equal(ct.count, 0);
	ct_free(&ct);
	free(v);
}

/* Reference value: SipHash-1-3 of the 12 bytes 00..0b under the key
 * 00..0f (the reference implementation run on those bytes gives the same;
 * its 2-4 variant on 00..0e gives the paper's a129ca6149be45e5). */
static void
test_hash_keyed(void **state)
{
	struct tcp_hash_key k = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	struct tcp_hash_key k2 = { 1, 2 };
	struct tcp_tuple t = { .laddr.v4 = 0x03020100u, .raddr.v4 = 0x07060504u, .lport = 0x0908, .rport = 0x0b0a };
	struct tcp_hash_key r1, r2;
	uint32_t h;

	(void)state;
	assert_true(tcp_tuple_siphash(&k, &t) == 0x78a384b157b4d9a2ull);
	tcp_hash_key_set(&k);
	h = tcp_tuple_hash(&t);
	assert_int_equal(h, 0x57b4d9a2u);
	/* Another key, another hash. */
	tcp_hash_key_set(&k2);
	assert_int_not_equal(tcp_tuple_hash(&t), h);
	/* Random keys: from the OS, different each time. */
	assert_int_equal(tcp_hash_key_random(), 0);
	r1 = tcp_hash_secret;
	assert_int_equal(tcp_hash_key_random(), 0);
	r2 = tcp_hash_secret;
	assert_true(r1.k0 != r2.k0 || r1.k1 != r2.k1);
	assert_true(r1.k0 != 0 || r1.k1 != 0);
}

/*
 * 65,536 tuples that all share one bucket under the former CRC32C hash (an
 * attacker computes them offline) spread over the buckets of both tables
 * under the keyed hash: no chain is long.
 */
static void
test_hash_flood_spread(void **state)
{
	const uint32_t n = 65536;
	struct tcp_tuple base = tuple(12345);
	struct tcp_tuple *v = calloc(n, sizeof(*v));
	struct ct_node *nodes = calloc(n, sizeof(*nodes));
	uint32_t *chain;
	struct conn_table ct;
	struct tw_table tw;
	uint32_t got, longest = 0;

	(void)state;
	assert_non_null(v);
	assert_non_null(nodes);
	got = crc_collide_tuples(&base, v, n);
	assert_int_equal(got, n);
	/* They do collide under the old hash, and are distinct. */
	for (uint32_t i = 1; i < n; i++)
		assert_int_equal(crc_collide_old_hash(&v[i]), crc_collide_old_hash(&v[0]));

	assert_int_equal(tcp_hash_key_random(), 0);
	assert_int_equal(ct_init(&ct, n), 0);
	chain = calloc(ct.mask + 1, sizeof(*chain));
	assert_non_null(chain);
	for (uint32_t i = 0; i < n; i++) {
		nodes[i].t = v[i];
		assert_null(ct_lookup(&ct, &v[i]));     /* all distinct */
		ct_insert(&ct, &nodes[i]);
		if (++chain[tcp_tuple_hash(&v[i]) & ct.mask] > longest)
			longest = chain[tcp_tuple_hash(&v[i]) & ct.mask];
	}
	/* 65,536 keys in 65,536 buckets: the longest chain of a random
	 * function is about 8; the old hash made it 65,536. */
	if (longest > 16)
		fail_msg("longest chain %u", longest);
	for (uint32_t i = 0; i < n; i++)
		assert_ptr_equal(ct_lookup(&ct, &v[i]), &nodes[i]);
	ct_free(&ct);

	/* The TIME_WAIT table uses the same hash (tcp_tuple_hash). */
	assert_int_equal(tw_init(&tw, n), 0);
	for (uint32_t i = 0; i < n; i++)
		assert_non_null(tw_insert(&tw, &v[i], 1000));
	for (uint32_t i = 0; i < n; i++)
		assert_non_null(tw_lookup(&tw, &v[i]));
	tw_free(&tw);
	free(chain);
	free(nodes);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_lookup_remove),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_more_than_sized),
		cmocka_unit_test(test_one_million),
		cmocka_unit_test(test_hash_kept),
		cmocka_unit_test(test_hash_keyed),
		cmocka_unit_test(test_hash_flood_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
