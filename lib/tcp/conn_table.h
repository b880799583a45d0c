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
};

struct conn_table {
	struct ct_node **buckets;
	uint32_t mask;
	uint32_t count;
};

/* Size for about `expected` entries (rounded up to a power of two). */
int ct_init(struct conn_table *ct, uint32_t expected);
void ct_free(struct conn_table *ct);

static inline struct ct_node *
ct_lookup(const struct conn_table *ct, const struct tcp_tuple *t)
{
	struct ct_node *n = ct->buckets[tcp_tuple_hash(t) & ct->mask];

	while (n != NULL && !tcp_tuple_eq(&n->t, t))
		n = n->next;
	return n;
}

/* Insert n (n->t set, not already present). */
void ct_insert(struct conn_table *ct, struct ct_node *n);
/* Remove n; returns 0, or -1 when n was not in the table. */
int ct_remove(struct conn_table *ct, struct ct_node *n);

#endif
