/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "tcp/conn_table.h"   /* tcp_tuple_hash */
#include "tcp/tw_table.h"

int
tw_init(struct tw_table *tw, uint32_t capacity)
{
	uint32_t nb = 16;

	memset(tw, 0, sizeof(*tw));
	if (capacity == 0 || capacity >= TW_NIL)
		return -1;
	while (nb < capacity && nb < (1u << 31))
		nb <<= 1;
	tw->rec = malloc((size_t)capacity * sizeof(*tw->rec));
	tw->buckets = malloc((size_t)nb * sizeof(*tw->buckets));
	if (tw->rec == NULL || tw->buckets == NULL) {
		tw_free(tw);
		return -1;
	}
	memset(tw->buckets, 0xff, (size_t)nb * sizeof(*tw->buckets));
	tw->mask = nb - 1;
	tw->capacity = capacity;
	/* Records are touched only when first taken (a bump index, then the
	 * list of released ones), so a table sized for tens of millions costs
	 * address space, not memory, until TIME_WAIT grows into it. */
	tw->free_head = TW_NIL;
	tw->unused = 0;
	tw->late_ms = 1;
	tw->head = tw->tail = TW_NIL;
	return 0;
}

void
tw_free(struct tw_table *tw)
{
	free(tw->rec);
	free(tw->buckets);
	memset(tw, 0, sizeof(*tw));
}

struct tw_rec *
tw_lookup(const struct tw_table *tw, const struct tcp_tuple *t)
{
	uint32_t i = tw->buckets[tcp_tuple_hash(t) & tw->mask];

	while (i != TW_NIL) {
		struct tw_rec *r = &tw->rec[i];

		if (tcp_tuple_eq(&r->t, t))
			return r;
		i = r->hnext;
	}
	return NULL;
}

static void
fifo_append(struct tw_table *tw, uint32_t i)
{
	struct tw_rec *r = &tw->rec[i];

	r->next = TW_NIL;
	r->prev = tw->tail;
	if (tw->tail != TW_NIL)
		tw->rec[tw->tail].next = i;
	else
		tw->head = i;
	tw->tail = i;
}

static void
fifo_unlink(struct tw_table *tw, uint32_t i)
{
	struct tw_rec *r = &tw->rec[i];

	if (r->prev != TW_NIL)
		tw->rec[r->prev].next = r->next;
	else
		tw->head = r->next;
	if (r->next != TW_NIL)
		tw->rec[r->next].prev = r->prev;
	else
		tw->tail = r->prev;
}

struct tw_rec *
tw_insert(struct tw_table *tw, const struct tcp_tuple *t, uint32_t expire_ms)
{
	uint32_t i = tw->free_head;
	struct tw_rec *r;
	uint32_t *b;

	if (i != TW_NIL) {
		r = &tw->rec[i];
		tw->free_head = r->hnext;
	} else if (tw->unused < tw->capacity) {
		i = tw->unused++;
		r = &tw->rec[i];
	} else {
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	r->t = *t;
	r->expire = expire_ms;
	b = &tw->buckets[tcp_tuple_hash(t) & tw->mask];
	r->hnext = *b;
	*b = i;
	fifo_append(tw, i);
	tw->count++;
	return r;
}

void
tw_remove(struct tw_table *tw, struct tw_rec *r)
{
	uint32_t i = tw_index(tw, r);
	uint32_t *p = &tw->buckets[tcp_tuple_hash(&r->t) & tw->mask];

	while (*p != TW_NIL && *p != i)
		p = &tw->rec[*p].hnext;
	if (*p == i)
		*p = r->hnext;
	fifo_unlink(tw, i);
	r->hnext = tw->free_head;
	tw->free_head = i;
	tw->count--;
}

void
tw_restart(struct tw_table *tw, struct tw_rec *r, uint32_t expire_ms)
{
	uint32_t i = tw_index(tw, r);

	r->expire = expire_ms;
	if (tw->tail != i) {
		fifo_unlink(tw, i);
		fifo_append(tw, i);
	}
}

struct tw_rec *
tw_oldest(const struct tw_table *tw)
{
	return tw->head == TW_NIL ? NULL : &tw->rec[tw->head];
}

uint32_t
tw_expire(struct tw_table *tw, uint32_t now_ms, uint32_t budget)
{
	uint32_t n = 0;

	while (n < budget && tw->head != TW_NIL) {
		struct tw_rec *r = &tw->rec[tw->head];

		if ((int32_t)(r->expire - now_ms) > 0)
			break;
		/* The promise is "never later than one tick": count breaches
		 * (a burst beyond the per-poll budget, a stalled lcore). */
		if (now_ms - r->expire > tw->late_ms)
			tw->expired_late++;
		tw_remove(tw, r);
		n++;
	}
	return n;
}

uint32_t
tw_walk_count(const struct tw_table *tw)
{
	uint32_t n = 0;

	if (tw->rec == NULL)
		return 0;
	for (uint32_t b = 0; b <= tw->mask; b++) {
		uint32_t hops = 0;

		for (uint32_t i = tw->buckets[b]; i != TW_NIL && hops < tw->capacity;
		     i = tw->rec[i].hnext, hops++)
			n++;
	}
	return n;
}
