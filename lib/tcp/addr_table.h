/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_ADDR_TABLE_H
#define TT_ADDR_TABLE_H

/*
 * Interned address pairs, one table per lcore (per TIME_WAIT table).
 *
 * A TIME_WAIT record names its (local, remote) address pair by a 32-bit id
 * into this table instead of carrying the addresses: 4 bytes per record
 * whatever the address family, so an IPv6 pair (two 16-byte addresses)
 * will cost the record no more than an IPv4 one -- only this table's
 * entries grow.  Pairs are few next to records: a server holds one local
 * address x its clients' addresses, a client its source addresses x a few
 * targets, each pair shared by every record (port pair) between them.
 *
 * Each entry counts the records that use it and is freed when the last
 * one goes.  Ids are stable while referenced.  The id array is allocated
 * for the maximum up front but touched only as ids are taken; the hash
 * index starts small and doubles (rehash of this small table only).
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcp_seg.h"

#define ADDR_NIL UINT32_MAX

struct addr_pair {
	union tt_addr laddr;
	union tt_addr raddr;
	uint32_t v6;          /* as tcp_tuple.v6 */
	uint32_t pad;         /* zero */
};

static inline struct addr_pair
addr_pair_of(const struct tcp_tuple *t)
{
	struct addr_pair k = { .laddr = t->laddr, .raddr = t->raddr, .v6 = t->v6 };

	return k;
}

static inline bool
addr_pair_eq(const struct addr_pair *a, const struct addr_pair *b)
{
	return tt_addr_eq(&a->laddr, &b->laddr) && tt_addr_eq(&a->raddr, &b->raddr) &&
		a->v6 == b->v6;
}

struct addr_ent {
	struct addr_pair k;
	uint32_t refs;        /* 0 = free; then hash holds the next free id */
	uint32_t hash;
};

struct addr_table {
	struct addr_ent *ent;
	uint32_t max;         /* ids [0, max) */
	uint32_t unused;      /* ids [unused, max) never taken yet */
	uint32_t free_head;   /* released ids, linked through ent.hash */
	uint32_t count;
	uint32_t *slot;       /* open addressing: id + 1, 0 = empty */
	uint32_t mask;
};

/* Up to max pairs (max < ADDR_NIL). */
int addr_init(struct addr_table *at, uint32_t max);
void addr_free(struct addr_table *at);

/* The id of k, or ADDR_NIL (no reference taken). */
uint32_t addr_find(const struct addr_table *at, const struct addr_pair *k);

/* Take a reference on k, adding it when new; ADDR_NIL when full. */
uint32_t addr_get(struct addr_table *at, const struct addr_pair *k);

/* Drop a reference; the entry goes with the last one. */
void addr_put(struct addr_table *at, uint32_t id);

/* Take another reference on id when it is k's, without hashing k (id: a
 * caller's guess, such as the pair of its previous record; any value is
 * safe); false otherwise. */
static inline bool
addr_ref_if(struct addr_table *at, uint32_t id, const struct addr_pair *k)
{
	if (id >= at->unused || at->ent[id].refs == 0 || !addr_pair_eq(&at->ent[id].k, k))
		return false;
	at->ent[id].refs++;
	return true;
}

static inline const struct addr_pair *
addr_key(const struct addr_table *at, uint32_t id)
{
	return &at->ent[id].k;
}

static inline uint32_t
addr_count(const struct addr_table *at)
{
	return at->count;
}

#endif
