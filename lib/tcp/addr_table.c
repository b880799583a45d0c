/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "tcp/addr_table.h"
#include "tcp/conn_table.h"   /* tcp_tuple_hash */

#define ADDR_SLOTS_MIN 64u

static uint32_t
pair_hash(const struct addr_pair *k)
{
	/* The same (keyed) hash as the tuple tables: a pair is a tuple
	 * without ports. */
	struct tcp_tuple t = { .laddr = k->laddr, .raddr = k->raddr, .v6 = (uint8_t)k->v6 };

	return tcp_tuple_hash(&t);
}

int
addr_init(struct addr_table *at, uint32_t max)
{
	memset(at, 0, sizeof(*at));
	if (max == 0 || max >= ADDR_NIL)
		return -1;
	/* malloc of a large block maps it lazily: untouched ids cost no
	 * memory. */
	at->ent = malloc((size_t)max * sizeof(*at->ent));
	at->slot = calloc(ADDR_SLOTS_MIN, sizeof(*at->slot));
	if (at->ent == NULL || at->slot == NULL) {
		addr_free(at);
		return -1;
	}
	at->max = max;
	at->mask = ADDR_SLOTS_MIN - 1;
	at->free_head = ADDR_NIL;
	return 0;
}

void
addr_free(struct addr_table *at)
{
	free(at->ent);
	free(at->slot);
	memset(at, 0, sizeof(*at));
}

uint32_t
addr_find(const struct addr_table *at, const struct addr_pair *k)
{
	uint32_t i = pair_hash(k) & at->mask;

	for (;;) {
		uint32_t v = at->slot[i];

		if (v == 0)
			return ADDR_NIL;
		if (addr_pair_eq(&at->ent[v - 1].k, k))
			return v - 1;
		i = (i + 1) & at->mask;
	}
}

static void
slot_place(uint32_t *slot, uint32_t mask, uint32_t hash, uint32_t id)
{
	uint32_t i = hash & mask;

	while (slot[i] != 0)
		i = (i + 1) & mask;
	slot[i] = id + 1;
}

/* Keep the load <= 1/2 so linear probing stays short. */
static int
grow(struct addr_table *at)
{
	uint32_t nmask = at->mask * 2 + 1;
	uint32_t *ns = calloc((size_t)nmask + 1, sizeof(*ns));

	if (ns == NULL)
		return -1;
	for (uint32_t i = 0; i <= at->mask; i++)
		if (at->slot[i] != 0)
			slot_place(ns, nmask, at->ent[at->slot[i] - 1].hash, at->slot[i] - 1);
	free(at->slot);
	at->slot = ns;
	at->mask = nmask;
	return 0;
}

uint32_t
addr_get(struct addr_table *at, const struct addr_pair *k)
{
	uint32_t id = addr_find(at, k);

	if (id != ADDR_NIL) {
		at->ent[id].refs++;
		return id;
	}
	if (at->count >= at->max)
		return ADDR_NIL;
	if ((uint64_t)(at->count + 1) * 2 > (uint64_t)at->mask + 1 && grow(at) < 0)
		return ADDR_NIL;
	if (at->free_head != ADDR_NIL) {
		id = at->free_head;
		at->free_head = at->ent[id].hash;
	} else {
		id = at->unused++;
	}
	at->ent[id].k = *k;
	at->ent[id].refs = 1;
	at->ent[id].hash = pair_hash(k);
	slot_place(at->slot, at->mask, at->ent[id].hash, id);
	at->count++;
	return id;
}

void
addr_put(struct addr_table *at, uint32_t id)
{
	struct addr_ent *e = &at->ent[id];
	uint32_t i, j;

	if (--e->refs > 0)
		return;
	i = e->hash & at->mask;
	while (at->slot[i] != id + 1)
		i = (i + 1) & at->mask;
	/* Backward-shift deletion (no tombstones): pull up every later
	 * entry of the run whose home is not between the hole and it. */
	for (j = (i + 1) & at->mask; at->slot[j] != 0; j = (j + 1) & at->mask) {
		uint32_t home = at->ent[at->slot[j] - 1].hash & at->mask;

		if (((j - home) & at->mask) >= ((j - i) & at->mask)) {
			at->slot[i] = at->slot[j];
			i = j;
		}
	}
	at->slot[i] = 0;
	e->hash = at->free_head;
	at->free_head = id;
	at->count--;
}
