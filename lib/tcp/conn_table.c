/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>

#include "tcp/conn_table.h"

int
ct_init(struct conn_table *ct, uint32_t expected)
{
	uint32_t n = 16;

	while (n < expected && n < (1u << 30))
		n <<= 1;
	ct->buckets = calloc(n, sizeof(*ct->buckets));
	if (ct->buckets == NULL)
		return -1;
	ct->mask = n - 1;
	ct->count = 0;
	return 0;
}

void
ct_free(struct conn_table *ct)
{
	free(ct->buckets);
	ct->buckets = NULL;
	ct->count = 0;
}

void
ct_insert_h(struct conn_table *ct, struct ct_node *n, uint32_t h)
{
	struct ct_node **b = &ct->buckets[h & ct->mask];

	n->hash = h;
	n->next = *b;
	*b = n;
	ct->count++;
}

void
ct_insert(struct conn_table *ct, struct ct_node *n)
{
	ct_insert_h(ct, n, tcp_tuple_hash(&n->t));
}

int
ct_remove(struct conn_table *ct, struct ct_node *n)
{
	struct ct_node **p = &ct->buckets[n->hash & ct->mask];

	while (*p != NULL && *p != n)
		p = &(*p)->next;
	if (*p == NULL)
		return -1;
	*p = n->next;
	n->next = NULL;
	ct->count--;
	return 0;
}
