/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_CONN_TABLE_H
#define TT_CONN_TABLE_H

/*
 * 4-tuple -> connection, one table per lcore.
 *
 * Hand-written chained hash rather than rte_hash: the link lives inside the
 * connection record (no separate key/data arrays, no free-slot ring), there
 * is exactly one writer (the owning lcore) so rte_hash's lock-free machinery
 * is pure cost, and the protocol core must run without EAL so the state
 * machine tests can drive it on a fake clock.  bench/micro_tables measures
 * it against rte_hash.
 */

#include <stdint.h>

#include "tcp/tcp_seg.h"
#include "tcp/tuple_hash.h"   /* tcp_tuple_hash: keyed, per process */

struct ct_node {
	struct ct_node *next;
	struct tcp_tuple t;
	/* tcp_tuple_hash(&t), computed once when the node goes in: its
	 * removal and the TIME_WAIT record that follows it use it again
	 * instead of hashing the tuple anew. */
	uint32_t hash;
};

struct conn_table {
	struct ct_node **buckets;
	uint32_t mask;
	uint32_t count;
};

/* Size for about `expected` entries (rounded up to a power of two). */
int ct_init(struct conn_table *ct, uint32_t expected);
void ct_free(struct conn_table *ct);

/* Lookup of t whose tcp_tuple_hash the caller has already (h): one hash
 * per segment serves the connection table, the TIME_WAIT table and the
 * new connection's insert. */
static inline struct ct_node *
ct_lookup_h(const struct conn_table *ct, const struct tcp_tuple *t, uint32_t h)
{
	struct ct_node *n = ct->buckets[h & ct->mask];

	while (n != NULL && !tcp_tuple_eq(&n->t, t))
		n = n->next;
	return n;
}

static inline struct ct_node *
ct_lookup(const struct conn_table *ct, const struct tcp_tuple *t)
{
	return ct_lookup_h(ct, t, tcp_tuple_hash(t));
}

/* Bring the bucket of hash h (tcp_tuple_hash) into the cache ahead of
 * ct_lookup: a burst's worth of lookups then overlap their misses instead
 * of taking them in turn. */
static inline void
ct_prefetch(const struct conn_table *ct, uint32_t h)
{
	__builtin_prefetch(&ct->buckets[h & ct->mask]);
}

/* Second step, once the bucket is in: the first node of its chain. */
static inline void
ct_prefetch_node(const struct conn_table *ct, uint32_t h)
{
	const struct ct_node *n = ct->buckets[h & ct->mask];

	if (n != NULL)
		__builtin_prefetch(n);
}

/* Insert n (n->t set, not already present); n->hash is set. */
void ct_insert(struct conn_table *ct, struct ct_node *n);
/* The same with h = tcp_tuple_hash(&n->t) known. */
void ct_insert_h(struct conn_table *ct, struct ct_node *n, uint32_t h);
/* Remove n (by n->hash); returns 0, or -1 when n was not in the table. */
int ct_remove(struct conn_table *ct, struct ct_node *n);

#endif
