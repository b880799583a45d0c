/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SSE2__) && !defined(TW_SCALAR)
#include <emmintrin.h>
#endif

#include "tcp/conn_table.h"   /* tcp_tuple_hash */
#include "tcp/tw_table.h"

#define TW_BKT_SLOTS   8
#define TW_MAX_KICKS   256
#define TW_PAGE        4096u
/* Fault the ring in this far ahead of the tail (at most 1/64 of it), a
 * few pages per poll. */
#define TW_AHEAD_BYTES (4u << 20)
#define TW_TOUCH_PAGES 4

#define TW_BLK         (1u << TW_BLK_SHIFT)
/*
 * Spare blocks beyond capacity / 128: a block can be closed early (its
 * records' expiries must lie within 65.5 s of its first one), at most
 * once per 65.5 s of TIME_WAIT, so 1400 blocks cover the longest
 * time_wait (86400 s); 350 KiB per table at 26 bytes.
 */
#define TW_SPARE_BLOCKS 1400u

_Static_assert(sizeof(struct tw_rec) == 26, "TIME_WAIT record grew");

/* Records whose index buckets tw_expire prefetches ahead of removing them. */
#define TW_EXPIRE_AHEAD 8

/* --- the index ---------------------------------------------------------- */

struct tw_h {
	uint32_t b1, b2, fp;
};

/*
 * The other bucket of an entry with fingerprint fp that sits in bucket b:
 * (K(fp) - b) mod nb, an involution (the other bucket's other bucket is
 * b), so a cuckoo move needs only the entry itself.  Without it every
 * displaced entry's record was read and its tuple hashed to find where it
 * could go: a random read in a ring of gigabytes (a cache and TLB miss)
 * per kick, ~0.18 kicks per insert at a load of 0.77 (partial-key cuckoo
 * hashing, as in cuckoo filters; subtraction instead of their XOR, since
 * nb is not a power of two).  When 2b = K(fp) mod nb both buckets are b.
 */
static inline uint32_t
alt_bucket(const struct tw_table *tw, uint32_t b, uint32_t fp)
{
	uint32_t k = (uint32_t)(((uint64_t)((fp + 1) * 0x9e3779b1u) * tw->nb) >> 32);

	return k >= b ? k - b : k + tw->nb - b;
}

static struct tw_h
tw_hash_of(const struct tw_table *tw, uint32_t h)
{
	struct tw_h r;

	/* A multiply-xorshift finalizer (MurmurHash3's) spreads the bits
	 * (the tuple hash is keyed SipHash already; this also served the
	 * CRC it replaced). */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	/* Range reduction by multiply (no power-of-two bucket count: the
	 * index is sized to the capacity, not to the next power of two);
	 * the fingerprint from the low bits, which the multiply barely
	 * uses. */
	r.b1 = (uint32_t)(((uint64_t)h * tw->nb) >> 32);
	r.fp = h & ((1u << (32 - tw->pos_bits)) - 1);
	r.b2 = alt_bucket(tw, r.b1, r.fp);
	return r;
}

static inline struct tw_h
tw_hash(const struct tw_table *tw, const struct tcp_tuple *t)
{
	return tw_hash_of(tw, tcp_tuple_hash(t));
}

static inline uint32_t
pos_of(const struct tw_table *tw, uint32_t v)
{
	return v & ((1u << tw->pos_bits) - 1);
}

static struct tw_h
rec_hash(const struct tw_table *tw, const struct tw_rec *r)
{
	struct tcp_tuple t;

	tw_tuple(tw, r, &t);
	return tw_hash(tw, &t);
}

/*
 * A bucket's 8 slots compared at once (32 bytes, aligned: the index is
 * 64-byte aligned): bit j of the result for slot j.  A lookup
 * that misses (a new connection's SYN) otherwise tests 16 slots one by
 * one.
 */
_Static_assert(TW_BKT_SLOTS == 8, "a bucket is one 8-lane vector");

#if defined(__SSE2__) && !defined(TW_SCALAR)
/* Lanes of x (4 slots) equal to y, as 4 bits. */
static inline unsigned
lanes_eq(__m128i x, __m128i y)
{
	return (unsigned)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(x, y)));
}
#endif

/* Slots whose fingerprint is fp (an empty slot reads as fingerprint 0:
 * the caller confirms v != 0). */
static inline unsigned
bkt_fp_bits(const struct tw_table *tw, const uint32_t *b, uint32_t fp)
{
#if defined(__SSE2__) && !defined(TW_SCALAR)
	/* x86-64's baseline (DPDK builds for corei7, whatever -march);
	 * -DTW_SCALAR builds the loop below instead. */
	__m128i sh = _mm_cvtsi32_si128((int)tw->pos_bits), f = _mm_set1_epi32((int)fp);
	__m128i lo = _mm_srl_epi32(_mm_load_si128((const __m128i *)(const void *)b), sh);
	__m128i hi = _mm_srl_epi32(_mm_load_si128((const __m128i *)(const void *)(b + 4)), sh);

	return lanes_eq(lo, f) | lanes_eq(hi, f) << 4;
#else
	unsigned m = 0;

	for (unsigned j = 0; j < TW_BKT_SLOTS; j++)
		m |= (unsigned)((b[j] >> tw->pos_bits) == fp) << j;
	return m;
#endif
}

/* Slots whose ring position field is p (0: the empty slots). */
static inline unsigned
bkt_pos_bits(const struct tw_table *tw, const uint32_t *b, uint32_t p)
{
#if defined(__SSE2__) && !defined(TW_SCALAR)
	__m128i mask = _mm_set1_epi32((int)((1u << tw->pos_bits) - 1)), v = _mm_set1_epi32((int)p);
	__m128i lo = _mm_and_si128(_mm_load_si128((const __m128i *)(const void *)b), mask);
	__m128i hi = _mm_and_si128(_mm_load_si128((const __m128i *)(const void *)(b + 4)), mask);

	return lanes_eq(lo, v) | lanes_eq(hi, v) << 4;
#else
	unsigned m = 0;

	for (unsigned j = 0; j < TW_BKT_SLOTS; j++)
		m |= (unsigned)(pos_of(tw, b[j]) == p) << j;
	return m;
#endif
}

/* The index slot that holds ring slot s (whose buckets are h), or NULL. */
static uint32_t *
idx_find_h(struct tw_table *tw, struct tw_h h, uint32_t s)
{
	uint32_t *b1 = &tw->bkt[(size_t)h.b1 * TW_BKT_SLOTS];
	uint32_t *b2 = &tw->bkt[(size_t)h.b2 * TW_BKT_SLOTS];
	unsigned m;

	/* s + 1 >= 1: an empty slot never matches. */
	m = bkt_pos_bits(tw, b1, s + 1);
	if (m != 0)
		return &b1[__builtin_ctz(m)];
	m = bkt_pos_bits(tw, b2, s + 1);
	if (m != 0)
		return &b2[__builtin_ctz(m)];
	for (unsigned j = 0; j < tw->n_stash; j++)
		if (pos_of(tw, tw->stash[j]) == s + 1)
			return &tw->stash[j];
	return NULL;
}

/* The index slot that holds ring slot s (whose record is r), or NULL. */
static inline uint32_t *
idx_find(struct tw_table *tw, const struct tw_rec *r, uint32_t s)
{
	return idx_find_h(tw, rec_hash(tw, r), s);
}

static uint32_t *
bkt_free_slot(struct tw_table *tw, uint32_t b)
{
	uint32_t *p = &tw->bkt[(size_t)b * TW_BKT_SLOTS];
	unsigned m = bkt_pos_bits(tw, p, 0);

	/* An entry's position field is its ring slot + 1: 0 only when
	 * empty. */
	return m != 0 ? &p[__builtin_ctz(m)] : NULL;
}

static void hole(struct tw_table *tw, uint32_t s);

/*
 * Add index entry v (fingerprint and ring slot) whose buckets are h.
 * Both full: cuckoo displacement, each displaced entry to its other
 * bucket (alt_bucket: from the entry alone).  At a load of 0.9 with 8-slot
 * buckets a walk of TW_MAX_KICKS fails practically never; the stash takes
 * what is left, and beyond that the homeless record is dropped (counted).
 */
static void
idx_add(struct tw_table *tw, struct tw_h h, uint32_t v)
{
	uint32_t *p = bkt_free_slot(tw, h.b1);
	uint32_t b;

	if (p == NULL)
		p = bkt_free_slot(tw, h.b2);
	if (p != NULL) {
		*p = v;
		return;
	}
	b = (tw->rnd & 1) ? h.b2 : h.b1;
	for (unsigned k = 0; k < TW_MAX_KICKS; k++) {
		uint32_t j, victim;

		tw->kicks++;
		tw->rnd = tw->rnd * 1103515245u + 12345u;
		j = (tw->rnd >> 16) % TW_BKT_SLOTS;
		victim = tw->bkt[(size_t)b * TW_BKT_SLOTS + j];
		tw->bkt[(size_t)b * TW_BKT_SLOTS + j] = v;
		v = victim;
		b = alt_bucket(tw, b, v >> tw->pos_bits);
		p = bkt_free_slot(tw, b);
		if (p != NULL) {
			*p = v;
			return;
		}
	}
	if (tw->n_stash < TW_STASH) {
		tw->stash[tw->n_stash++] = v;
		return;
	}
	/* Never seen at the sizes used: the record cannot be found, so it
	 * must not stay either. */
	{
		uint32_t s = pos_of(tw, v) - 1;

		addr_put(&tw->at, tw->rec[s].pair - 1);
		hole(tw, s);
		tw->count--;
		tw->lost++;
	}
}

static void
idx_del(struct tw_table *tw, uint32_t *p)
{
	if (p >= tw->stash && p < tw->stash + TW_STASH)
		*p = tw->stash[--tw->n_stash];
	else
		*p = 0;
}

/* --- the ring ------------------------------------------------------------ */

static inline uint32_t
ring_next(const struct tw_table *tw, uint32_t s)
{
	return s + 1 == tw->nslots ? 0 : s + 1;
}

/* Slot s becomes a hole; holes at the head are dropped at once, so the
 * head is always a live record. */
static void
hole(struct tw_table *tw, uint32_t s)
{
	tw->rec[s].pair = 0;
	if (s != tw->head)
		return;
	while (tw->used > 0 && tw->rec[tw->head].pair == 0) {
		tw->head = ring_next(tw, tw->head);
		tw->used--;
	}
}

static inline uint32_t
blk(uint32_t s)
{
	return s >> TW_BLK_SHIFT;
}

/* Ring distance from a to b (b at or after a). */
static inline uint32_t
ring_dist(const struct tw_table *tw, uint32_t a, uint32_t b)
{
	return b >= a ? b - a : b + tw->nslots - a;
}

/* Does expire_ms fit block b (base + 16 bits)? */
static inline bool
fits(const struct tw_table *tw, uint32_t b, uint32_t expire_ms)
{
	return expire_ms - tw->base[b] <= 0xffffu &&
		(int32_t)(expire_ms - tw->base[b]) >= 0;
}

/*
 * Holes fill the spare slots (records removed or restarted behind an
 * older live one): close them up in place, oldest first, so the order
 * (= expiry order) is kept; a record goes into the block being written
 * when its expiry fits that block's base, else the next block.
 * O(slots), and only when removals outrun expiry by the spare
 * (capacity / 128); *track follows one record.
 */
static void
compact(struct tw_table *tw, uint32_t *track)
{
	uint32_t rd = tw->head, wr = tw->head, dist = 0, n = tw->used;

	for (uint32_t k = 0; k < n; k++, rd = ring_next(tw, rd)) {
		uint32_t e;

		if (tw->rec[rd].pair == 0)
			continue;
		e = tw_rec_expire(tw, &tw->rec[rd]);
		for (;;) {
			uint32_t off = wr & (TW_BLK - 1);

			if (off == 0) {
				/* Every record of this block before rd has been
				 * read already: rebase it, unless it is rd's own. */
				if (blk(wr) != blk(rd))
					tw->base[blk(wr)] = e;
				break;
			}
			if (fits(tw, blk(wr), e))
				break;
			wr += TW_BLK - off;
			dist += TW_BLK - off;
			if (wr >= tw->nslots)
				wr -= tw->nslots;
		}
		if (rd != wr) {
			uint32_t *p = idx_find(tw, &tw->rec[rd], rd);

			tw->rec[wr] = tw->rec[rd];
			tw->rec[rd].pair = 0;
			*p = (*p & ~((1u << tw->pos_bits) - 1)) | (wr + 1);
			if (track != NULL && *track == rd)
				*track = wr;
		}
		tw->rec[wr].exp_d = (uint16_t)(e - tw->base[blk(wr)]);
		wr = ring_next(tw, wr);
		dist++;
	}
	tw->used = dist;
	tw->compactions++;
}

/*
 * The next slot at the tail for a record expiring at expire_ms (its
 * block's base set when it opens the block), or TW_NIL.
 */
static uint32_t
take_slot(struct tw_table *tw, uint32_t expire_ms, uint32_t *track)
{
	bool compacted = false;
	uint32_t s;

	for (;;) {
		uint32_t off, need;

		if (tw->used == 0 && (tw->head & (TW_BLK - 1)) != 0) {
			/* An empty ring starts again at a block boundary: the
			 * slots a new block skips must never be at the head,
			 * which is always a live record (found by fuzz_tcp). */
			tw->head = (tw->head | (TW_BLK - 1)) + 1;
			if (tw->head >= tw->nslots)
				tw->head = 0;
		}
		s = tw->head + tw->used;
		if (s >= tw->nslots)
			s -= tw->nslots;
		off = s & (TW_BLK - 1);
		if (off != 0 && fits(tw, blk(s), expire_ms))
			need = 1;
		else
			/* A new block, whole (the head must not be in it):
			 * the rest of this one is left as holes. */
			need = (off ? TW_BLK - off : 0) + TW_BLK;
		if (tw->nslots - tw->used < need) {
			if (compacted)
				return TW_NIL;
			compact(tw, track);
			compacted = true;
			continue;
		}
		if (need > 1) {
			tw->used += need - TW_BLK;
			s = tw->head + tw->used;
			if (s >= tw->nslots)
				s -= tw->nslots;
			tw->base[blk(s)] = expire_ms;
		}
		break;
	}
	tw->used++;
	if (s + 1 > tw->taken_hi)
		tw->taken_hi = s + 1;
	return s;
}

/* take_slot's common case inline: the next slot of the block being
 * written, when the record's expiry fits the block (records arrive in
 * expiry order, so nearly always); anything else goes the long way. */
static inline uint32_t
take_slot_next(struct tw_table *tw, uint32_t expire_ms)
{
	uint32_t s = tw->head + tw->used;

	if (s >= tw->nslots)
		s -= tw->nslots;
	if (tw->used == 0 || tw->used >= tw->nslots || (s & (TW_BLK - 1)) == 0 ||
	    !fits(tw, blk(s), expire_ms))
		return take_slot(tw, expire_ms, NULL);
	tw->used++;
	if (s + 1 > tw->taken_hi)
		tw->taken_hi = s + 1;
	return s;
}

/* Fault in a few pages ahead of the tail (first lap only: after it the
 * whole ring is resident). */
static void
touch_ahead(struct tw_table *tw)
{
	size_t hi = (size_t)tw->taken_hi * sizeof(struct tw_rec);
	size_t ahead = tw->ring_bytes / 64 < TW_AHEAD_BYTES ? tw->ring_bytes / 64 : TW_AHEAD_BYTES;

	if (tw->touched < hi)
		tw->touched = (hi + TW_PAGE - 1) & ~(size_t)(TW_PAGE - 1);
	for (unsigned n = 0; n < TW_TOUCH_PAGES; n++) {
		if (tw->touched >= tw->ring_bytes || tw->touched >= hi + ahead)
			return;
		/* Beyond every slot ever taken: nothing lives here yet. */
		((volatile char *)tw->rec)[tw->touched] = 0;
		tw->touched += TW_PAGE;
	}
}

#define TW_HUGE (2u << 20)

/*
 * bytes of anonymous memory on a 2 MiB boundary, asked to be transparent
 * huge pages: every lookup, insert and expiry reads one or two random
 * buckets of an index of hundreds of MB, and with 4 KiB pages each read
 * was also a TLB miss (a two-dimensional page walk in a virtual
 * machine).  madvise() needs a page-aligned address, which malloc's
 * aligned_alloc() did not give: the index silently had no huge pages.
 * *map and *map_bytes are what to munmap().  NULL if mmap fails.
 */
static void *
map_huge(size_t bytes, void **map, size_t *map_bytes)
{
	size_t len = bytes + TW_HUGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + TW_HUGE - 1) & ~(uintptr_t)(TW_HUGE - 1));
	/* Where THP is off or "never" this fails and 4 KiB pages serve. */
	(void)madvise(a, (size_t)(p + len - a), MADV_HUGEPAGE);
	*map = p;
	*map_bytes = len;
	return a;
}

/* --- the API ------------------------------------------------------------- */

int
tw_init(struct tw_table *tw, uint32_t capacity)
{
	uint64_t nslots, nb;

	memset(tw, 0, sizeof(*tw));
	if (capacity == 0 || capacity > (1u << 27) - (1u << 21))
		return -1;
	/* Spare slots for holes: 1/128 of the capacity, so a ring full of
	 * holes is compacted at most once per capacity/128 removals; plus
	 * blocks closed early.  A whole number of blocks. */
	nslots = (uint64_t)capacity + capacity / 128 + (uint64_t)TW_SPARE_BLOCKS * TW_BLK;
	nslots &= ~(uint64_t)(TW_BLK - 1);
	/* Buckets for a load of 0.9 at capacity. */
	nb = ((uint64_t)capacity * 10 / 9 + TW_BKT_SLOTS - 1) / TW_BKT_SLOTS + 1;
	tw->nslots = (uint32_t)nslots;
	tw->nb = (uint32_t)nb;
	tw->pos_bits = 32 - (uint32_t)__builtin_clz(tw->nslots);
	tw->ring_bytes = (size_t)nslots * sizeof(struct tw_rec);
	tw->bkt_bytes = (size_t)nb * TW_BKT_SLOTS * sizeof(uint32_t);
	tw->rec = mmap(NULL, tw->ring_bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (tw->rec == MAP_FAILED) {
		tw->rec = NULL;
		return -1;
	}
	tw->bkt = map_huge(tw->bkt_bytes, &tw->bkt_map, &tw->bkt_map_bytes);
	tw->base = calloc(tw->nslots >> TW_BLK_SHIFT, sizeof(*tw->base));
	if (tw->bkt == NULL || tw->base == NULL ||
	    addr_init(&tw->at, capacity < (1u << 29) - 2 ? capacity : (1u << 29) - 2) < 0) {
		tw_free(tw);
		return -1;
	}
	/* Written now, so that no lookup or insert ever faults a page in. */
	memset(tw->bkt, 0, tw->bkt_bytes);
	tw->capacity = capacity;
	tw->late_ms = 1;
	tw->rnd = 0x2545f491u;
	tw->last_pair = ADDR_NIL;
	touch_ahead(tw);
	return 0;
}

void
tw_free(struct tw_table *tw)
{
	if (tw->rec != NULL)
		munmap(tw->rec, tw->ring_bytes);
	if (tw->bkt_map != NULL)
		munmap(tw->bkt_map, tw->bkt_map_bytes);
	free(tw->base);
	addr_free(&tw->at);
	memset(tw, 0, sizeof(*tw));
}

void
tw_tuple(const struct tw_table *tw, const struct tw_rec *r, struct tcp_tuple *t)
{
	const struct addr_pair *k = addr_key(&tw->at, r->pair - 1);

	memset(t, 0, sizeof(*t));
	t->laddr = k->laddr;
	t->raddr = k->raddr;
	t->v6 = (uint8_t)k->v6;
	t->lport = r->lport;
	t->rport = r->rport;
}

/* The record of index entry v if it is t's: the fingerprint, then the
 * record's ports, then its address pair (compared, not hashed: the pair
 * table is read only for a record that matched so far). */
static inline struct tw_rec *
tw_match(const struct tw_table *tw, uint32_t v, uint32_t fp, const struct tcp_tuple *t)
{
	const struct addr_pair *k;
	struct tw_rec *r;

	if (v == 0 || (v >> tw->pos_bits) != fp)
		return NULL;
	r = &tw->rec[pos_of(tw, v) - 1];
	if (r->pair == 0 || r->lport != t->lport || r->rport != t->rport)
		return NULL;
	k = addr_key(&tw->at, r->pair - 1);
	if (tt_addr_eq(&k->laddr, &t->laddr) && tt_addr_eq(&k->raddr, &t->raddr) &&
	    k->v6 == t->v6)
		return r;
	return NULL;
}

struct tw_rec *
tw_lookup(const struct tw_table *tw, const struct tcp_tuple *t)
{
	/* An empty table (a client's, when the server closes) needs no
	 * hash. */
	return tw->count == 0 ? NULL : tw_lookup_h(tw, t, tcp_tuple_hash(t));
}

/*
 * The segment's hash gives the two buckets; no address-pair lookup first
 * (it cost a second keyed hash per SYN, and a server whose clients keep
 * records finds the pair nearly always, so it seldom saved the bucket
 * reads; a burst has prefetched them anyway).
 */
struct tw_rec *
tw_lookup_h(const struct tw_table *tw, const struct tcp_tuple *t, uint32_t th)
{
	const uint32_t *b1, *b2;
	struct tw_rec *r;
	struct tw_h h;

	if (tw->count == 0)
		return NULL;
	h = tw_hash_of(tw, th);
	b1 = &tw->bkt[(size_t)h.b1 * TW_BKT_SLOTS];
	b2 = &tw->bkt[(size_t)h.b2 * TW_BKT_SLOTS];
	/* Both buckets' loads in flight at once. */
	__builtin_prefetch(b2);
	for (unsigned m = bkt_fp_bits(tw, b1, h.fp); m != 0; m &= m - 1) {
		r = tw_match(tw, b1[__builtin_ctz(m)], h.fp, t);
		if (r != NULL)
			return r;
	}
	for (unsigned m = bkt_fp_bits(tw, b2, h.fp); m != 0; m &= m - 1) {
		r = tw_match(tw, b2[__builtin_ctz(m)], h.fp, t);
		if (r != NULL)
			return r;
	}
	for (unsigned j = 0; j < tw->n_stash; j++) {
		r = tw_match(tw, tw->stash[j], h.fp, t);
		if (r != NULL)
			return r;
	}
	return NULL;
}

/* A burst's lookups (tcp_input_burst): both candidate buckets of the tuple
 * whose tcp_tuple_hash is h, so their misses overlap with the others'. */
void
tw_prefetch(const struct tw_table *tw, uint32_t h)
{
	struct tw_h x;

	if (tw->count == 0)
		return;
	x = tw_hash_of(tw, h);
	__builtin_prefetch(&tw->bkt[(size_t)x.b1 * TW_BKT_SLOTS]);
	__builtin_prefetch(&tw->bkt[(size_t)x.b2 * TW_BKT_SLOTS]);
}

/* Then the records both buckets' fingerprints point at: with tens of
 * millions of records a fingerprint of a few bits matches a stranger in
 * one SYN lookup out of five, and each is a random read in the ring. */
void
tw_prefetch_rec(const struct tw_table *tw, uint32_t h)
{
	const uint32_t *b1, *b2;
	struct tw_h x;

	if (tw->count == 0)
		return;
	x = tw_hash_of(tw, h);
	b1 = &tw->bkt[(size_t)x.b1 * TW_BKT_SLOTS];
	b2 = &tw->bkt[(size_t)x.b2 * TW_BKT_SLOTS];
	for (unsigned m = bkt_fp_bits(tw, b1, x.fp); m != 0; m &= m - 1)
		if (b1[__builtin_ctz(m)] != 0)
			__builtin_prefetch(&tw->rec[pos_of(tw, b1[__builtin_ctz(m)]) - 1]);
	for (unsigned m = bkt_fp_bits(tw, b2, x.fp); m != 0; m &= m - 1)
		if (b2[__builtin_ctz(m)] != 0)
			__builtin_prefetch(&tw->rec[pos_of(tw, b2[__builtin_ctz(m)]) - 1]);
}

struct tw_rec *
tw_insert(struct tw_table *tw, const struct tcp_tuple *t, uint32_t expire_ms)
{
	return tw_insert_h(tw, t, tcp_tuple_hash(t), expire_ms);
}

struct tw_rec *
tw_insert_h(struct tw_table *tw, const struct tcp_tuple *t, uint32_t th,
	    uint32_t expire_ms)
{
	struct addr_pair k = addr_pair_of(t);
	struct tw_rec *r;
	uint32_t id, s;
	struct tw_h h;

	if (tw->count >= tw->capacity)
		return NULL;
	id = tw->last_pair;
	if (!addr_ref_if(&tw->at, id, &k)) {
		id = addr_get(&tw->at, &k);
		if (id == ADDR_NIL)
			return NULL;
		tw->last_pair = id;
	}
	s = take_slot_next(tw, expire_ms);
	if (s == TW_NIL) {
		addr_put(&tw->at, id);
		return NULL;
	}
	r = &tw->rec[s];
	memset(r, 0, sizeof(*r));
	r->pair = id + 1;
	r->lport = t->lport;
	r->rport = t->rport;
	r->exp_d = (uint16_t)(expire_ms - tw->base[blk(s)]);
	tw->count++;
	h = tw_hash_of(tw, th);
	idx_add(tw, h, (h.fp << tw->pos_bits) | (s + 1));
	return r->pair != 0 ? r : NULL;
}

/* Remove r, whose index buckets h the caller has (tw_expire computed them
 * ahead, to prefetch). */
static void
remove_h(struct tw_table *tw, struct tw_rec *r, struct tw_h h)
{
	uint32_t s = (uint32_t)(r - tw->rec);
	uint32_t *p = idx_find_h(tw, h, s);

	if (p != NULL)
		idx_del(tw, p);
	addr_put(&tw->at, r->pair - 1);
	hole(tw, s);
	tw->count--;
}

void
tw_remove(struct tw_table *tw, struct tw_rec *r)
{
	remove_h(tw, r, rec_hash(tw, r));
}

struct tw_rec *
tw_restart(struct tw_table *tw, struct tw_rec *r, uint32_t expire_ms)
{
	uint32_t s = (uint32_t)(r - tw->rec);
	uint32_t ts = tw_ts_stamp(tw, r), q;
	bool sat = r->ts_age == TW_TS_AGE_MAX;
	uint32_t *p;

	if (ring_next(tw, s) == (tw->head + tw->used) % tw->nslots &&
	    fits(tw, blk(s), expire_ms)) {
		/* Already the tail: in place. */
		r->exp_d = (uint16_t)(expire_ms - tw->base[blk(s)]);
	} else {
		q = take_slot(tw, expire_ms, &s);
		if (q == TW_NIL) {
			/* The ring holds capacity + spare: cannot happen. */
			tw->lost++;
			return &tw->rec[s];
		}
		tw->rec[q] = tw->rec[s];
		tw->rec[q].exp_d = (uint16_t)(expire_ms - tw->base[blk(q)]);
		p = idx_find(tw, &tw->rec[s], s);
		*p = (*p & ~((1u << tw->pos_bits) - 1)) | (q + 1);
		hole(tw, s);
		r = &tw->rec[q];
	}
	/* ts_age counts from the new expiry; a saturated one stays so
	 * (older still). */
	if (!sat)
		tw_set_ts_stamp(tw, r, ts);
	return r;
}

struct tw_rec *
tw_oldest(const struct tw_table *tw)
{
	return tw->used == 0 ? NULL : &tw->rec[tw->head];
}

/* The promise is "never later than one tick": count breaches, and
 * those the table caused (see expired_deferred). */
static inline void
count_late(struct tw_table *tw, uint32_t e, uint32_t now_ms)
{
	if (now_ms - e <= tw->late_ms)
		return;
	tw->expired_late++;
	if (tw->left_set && (int32_t)(e - tw->left_lo) >= 0 && (int32_t)(tw->left_hi - e) >= 0)
		tw->expired_deferred++;
}

bool
tw_reap_due(struct tw_table *tw, struct tw_rec *r, uint32_t now_ms)
{
	uint32_t e = tw_rec_expire(tw, r);

	if ((int32_t)(now_ms - e) < 0)
		return false;
	count_late(tw, e, now_ms);
	tw_remove(tw, r);
	return true;
}

/*
 * A call at now_ms ran out of budget with due records left: those due
 * within the last tick are not late yet, and will be late by the table's
 * doing if a later call is not in time.  Their expiries lie in
 * [now_ms - late_ms, now_ms]: added to the range, or replacing it when the
 * records of the range before are all gone.
 */
static void
note_left(struct tw_table *tw, uint32_t now_ms)
{
	uint32_t lo = now_ms - tw->late_ms;

	if (!tw->left_set || tw->used == 0 ||
	    (int32_t)(tw_rec_expire(tw, &tw->rec[tw->head]) - tw->left_hi) > 0)
		tw->left_lo = lo;
	tw->left_hi = now_ms;
	tw->left_set = true;
}

uint32_t
tw_expire(struct tw_table *tw, uint32_t now_ms, uint32_t budget)
{
	struct tw_h q[TW_EXPIRE_AHEAD];
	uint32_t n = 0, scan = tw->head, left = tw->used;
	unsigned qh = 0, qn = 0;

	touch_ahead(tw);
	/*
	 * At tens of millions of records every index bucket is a cache miss,
	 * and expiry runs as fast as insertion: so the buckets of the next
	 * TW_EXPIRE_AHEAD records are computed and prefetched ahead of their
	 * removal (records leave in ring order and nothing else moves them
	 * meanwhile, so the k-th live record after the head is the k-th
	 * removed), and each hash is computed once.
	 */
	for (;;) {
		struct tw_rec *r;
		uint32_t e;

		while (qn < TW_EXPIRE_AHEAD && left > 0) {
			const struct tw_rec *a = &tw->rec[scan];

			if (a->pair == 0) {
				scan = ring_next(tw, scan);
				left--;
				continue;
			}
			/* Records leave in expiry order: one not due yet
			 * ends this call's removals, so nothing past it is
			 * hashed (most polls find the head not due; hashing
			 * eight records then to throw them away cost more
			 * than the expiries).  The one test of "due". */
			if ((int32_t)(tw_rec_expire(tw, a) - now_ms) > 0)
				break;
			scan = ring_next(tw, scan);
			left--;
			q[(qh + qn) % TW_EXPIRE_AHEAD] = rec_hash(tw, a);
			__builtin_prefetch(&tw->bkt[(size_t)q[(qh + qn) % TW_EXPIRE_AHEAD].b1 *
						    TW_BKT_SLOTS]);
			__builtin_prefetch(&tw->bkt[(size_t)q[(qh + qn) % TW_EXPIRE_AHEAD].b2 *
						    TW_BKT_SLOTS]);
			qn++;
		}
		/* The queue holds due records only, the head first: an
		 * empty one means the head is not due (or no record). */
		if (n >= budget || qn == 0)
			break;
		r = &tw->rec[tw->head];
		e = tw_rec_expire(tw, r);
		count_late(tw, e, now_ms);
		remove_h(tw, r, q[qh]);
		qh = (qh + 1) % TW_EXPIRE_AHEAD;
		qn--;
		n++;
	}
	if (qn > 0)
		note_left(tw, now_ms);
	return n;
}

uint32_t
tw_walk_count(const struct tw_table *tw)
{
	uint32_t n = 0;

	/* Every index entry names one live record: count the entries of
	 * every bucket and the stash, not tw->count or the ring. */
	if (tw->bkt == NULL)
		return 0;
	for (size_t i = 0; i < (size_t)tw->nb * TW_BKT_SLOTS; i++)
		n += tw->bkt[i] != 0;
	return n + tw->n_stash;
}
