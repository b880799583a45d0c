/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outbound tuple choice per lcore and the tw_reuse rules (tcp_reuse.h).
 *
 * Building the pool would cost (source ips x targets x ports) Toeplitz
 * hashes if done naively.  Toeplitz is linear over GF(2): the hash of a
 * tuple is the XOR of the hashes of its fields taken alone.  So the hash
 * of a return packet is h_target[ti] ^ h_src[si] ^ h_port[pi], each part
 * computed once, and only the bits the RETA looks at decide the queue.
 * With a power-of-two RETA (every NIC we know) that is hash & (size - 1):
 * all pairs (si, ti) whose h_target ^ h_src agree in those bits own the
 * same ports and share one bitmap, so a pool never needs more than
 * reta_size bitmaps, however large the source range.
 *
 * IPv6 tuples hash the same way over a longer input (the ports sit at
 * another offset, so their parts differ from IPv4's): each family has its
 * own source and port parts, and its own half of the class keys.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_thash.h>

#include "tcp/tcp_reuse.h"

/* Not tcp_priv.h: its US_PER_S clashes with rte_cycles.h (via rte_thash.h). */
#define REUSE_US_PER_MS 1000u

enum tuple_pool_kind {
	TUPLE_BY_MODULO = 0,   /* no RSS: one class, port % n_queues */
	TUPLE_BY_RETA_POW2,    /* class_of[] indexed by hash & class_mask */
	TUPLE_BY_RETA_ANY,     /* class_of[] indexed by si * n_targets + ti */
};

#define TUPLE_NO_CLASS UINT32_MAX

/* Linux: "seq = tcptw->tw_snd_nxt + 65535 + 2" (tcp_twsk_unique): beyond
 * anything the old incarnation can have sent within one window. */
#define TW_REUSE_ISN_GAP (65535u + 2u)

static void
pool_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The last 32 bits of an IPv6 address (wire order) as a number. */
static inline uint32_t
ip6_low32(const uint8_t *a)
{
	return (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 |
	       (uint32_t)a[14] << 8 | a[15];
}

static inline void
ip6_set_low32(uint8_t *a, uint32_t v)
{
	a[12] = (uint8_t)(v >> 24);
	a[13] = (uint8_t)(v >> 16);
	a[14] = (uint8_t)(v >> 8);
	a[15] = (uint8_t)v;
}

uint32_t
tuple_rss_hash6(const struct tt_rss_info *rss, const uint8_t *src_ip6,
		const uint8_t *dst_ip6, uint16_t sport, uint16_t dport)
{
	uint32_t key[TUPLE_RSS_KEY_MIN6 / 4] = { 0 };
	union rte_thash_tuple tuple;
	struct rte_ipv6_hdr ip;

	if (rss == NULL || rss->key_len == 0)
		return 0;
	memcpy(key, rss->key, rss->key_len < sizeof(key) ? rss->key_len : sizeof(key));
	memset(&tuple, 0, sizeof(tuple));
	memset(&ip, 0, sizeof(ip));
	memcpy(ip.src_addr, src_ip6, 16);
	memcpy(ip.dst_addr, dst_ip6, 16);
	/* rte_softrss() takes host-order 32-bit words: the loader swaps
	 * each word of the addresses, as DPDK documents for IPv6. */
	rte_thash_load_v6_addrs(&ip, &tuple);
	tuple.v6.sport = sport;
	tuple.v6.dport = dport;
	return rte_softrss((uint32_t *)&tuple, RTE_THASH_V6_L4_LEN,
			   (const uint8_t *)key);
}

uint32_t
tuple_rss_hash(const struct tt_rss_info *rss, uint32_t src_ip, uint32_t dst_ip,
	       uint16_t sport, uint16_t dport)
{
	/* rte_softrss() reads the key as 32-bit words: give it 32-bit
	 * objects (no aliasing of the byte array), zero beyond key_len. */
	uint32_t key[TUPLE_RSS_KEY_MIN / 4] = { 0 };
	struct rte_ipv4_tuple tuple;

	if (rss == NULL || rss->key_len == 0)
		return 0;
	memcpy(key, rss->key, rss->key_len < sizeof(key) ? rss->key_len : sizeof(key));
	memset(&tuple, 0, sizeof(tuple));
	tuple.src_addr = src_ip;
	tuple.dst_addr = dst_ip;
	tuple.sport = sport;
	tuple.dport = dport;
	return rte_softrss((uint32_t *)&tuple, RTE_THASH_V4_L4_LEN,
			   (const uint8_t *)key);
}

unsigned
tuple_rss_queue(const struct tt_rss_info *rss, uint32_t hash)
{
	if (rss == NULL || rss->key_len == 0 || rss->reta_size == 0)
		return 0;
	return rss->reta[hash % rss->reta_size];
}

static inline uint64_t *
class_bits(const struct tuple_pool *p, uint32_t c)
{
	return p->bits + (size_t)c * p->words;
}

/* si indexes the sources of ti's family. */
static inline uint32_t
class_of(const struct tuple_pool *p, uint32_t si, unsigned ti)
{
	switch (p->kind) {
	case TUPLE_BY_RETA_POW2:
		return p->class_of[p->t_cbase[ti] +
				   ((p->t_hsrc[ti][si] ^ p->h_target[ti]) & p->class_mask)];
	case TUPLE_BY_RETA_ANY:
		return p->class_of[p->t_cbase[ti] + si];
	default:
		return 0;
	}
}

static bool
any_target(const struct tt_client_config *cc, bool v6)
{
	for (unsigned ti = 0; ti < cc->n_targets && ti < TT_MAX_TARGETS; ti++)
		if (cc->target_v6[ti] == v6)
			return true;
	return false;
}

static bool
ip6_is_zero(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static int
pool_check(const struct tt_client_config *cc, uint32_t default_src_ip,
	   const uint8_t *default_src_ip6, unsigned queue, unsigned n_queues,
	   const struct tt_rss_info *rss, char *err, size_t errlen)
{
	if (n_queues == 0 || queue >= n_queues) {
		pool_err(err, errlen, "queue %u of %u: no such queue", queue, n_queues);
		return -EINVAL;
	}
	if (cc->n_targets == 0 || cc->n_targets > TT_MAX_TARGETS) {
		pool_err(err, errlen, "%u targets: expected 1 to %d", cc->n_targets,
			 TT_MAX_TARGETS);
		return -EINVAL;
	}
	if (cc->src_port_first == 0 || cc->src_port_last < cc->src_port_first) {
		pool_err(err, errlen, "source ports %u-%u: expected 1 <= first <= last",
			 cc->src_port_first, cc->src_port_last);
		return -EINVAL;
	}
	if (any_target(cc, false) && cc->src_ip_first == 0 && default_src_ip == 0) {
		pool_err(err, errlen, "no source ip for the IPv4 targets: neither src_ip "
			 "nor a port address");
		return -EINVAL;
	}
	if (any_target(cc, true) && !cc->has_src_ip6 &&
	    (default_src_ip6 == NULL || ip6_is_zero(default_src_ip6))) {
		pool_err(err, errlen, "no source ip for the IPv6 targets: neither an "
			 "IPv6 src_ip nor a port ip6");
		return -EINVAL;
	}
	if (cc->has_src_ip6) {
		uint64_t n = (uint64_t)ip6_low32(cc->src_ip6_last) -
			     ip6_low32(cc->src_ip6_first) + 1;

		if (memcmp(cc->src_ip6_first, cc->src_ip6_last, 12) != 0 ||
		    ip6_low32(cc->src_ip6_last) < ip6_low32(cc->src_ip6_first)) {
			pool_err(err, errlen, "IPv6 source range: the ends must differ in "
				 "the last 32 bits only, first <= last");
			return -EINVAL;
		}
		if (n > TUPLE_MAX_SRC_IPS) {
			pool_err(err, errlen, "IPv6 source range of %llu addresses: at most %u",
				 (unsigned long long)n, TUPLE_MAX_SRC_IPS);
			return -E2BIG;
		}
	}
	if (cc->src_ip_first != 0) {
		uint64_t n = (uint64_t)cc->src_ip_last - cc->src_ip_first + 1;

		if (cc->src_ip_last < cc->src_ip_first) {
			pool_err(err, errlen, "source ip range ends before it starts");
			return -EINVAL;
		}
		if (n > TUPLE_MAX_SRC_IPS) {
			pool_err(err, errlen, "source ip range of %llu addresses: at most %u",
				 (unsigned long long)n, TUPLE_MAX_SRC_IPS);
			return -E2BIG;
		}
	}
	if (rss != NULL && rss->key_len != 0) {
		if (rss->key_len < TUPLE_RSS_KEY_MIN || rss->key_len > TUPLE_RSS_KEY_MAX) {
			pool_err(err, errlen, "RSS key of %u bytes: expected %d to %d",
				 rss->key_len, TUPLE_RSS_KEY_MIN, TUPLE_RSS_KEY_MAX);
			return -EINVAL;
		}
		if (any_target(cc, true) && rss->key_len < TUPLE_RSS_KEY_MIN6) {
			pool_err(err, errlen, "RSS key of %u bytes: IPv6 targets need %d "
				 "(src, dst addresses and ports)", rss->key_len,
				 TUPLE_RSS_KEY_MIN6);
			return -EINVAL;
		}
		if (rss->reta_size == 0 || rss->reta_size > TUPLE_RSS_RETA_MAX) {
			pool_err(err, errlen, "RSS RETA of %u entries: expected 1 to %d",
				 rss->reta_size, TUPLE_RSS_RETA_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

/* Give every (si, ti) its class; returns the number of classes. */
static uint32_t
pool_assign_classes(struct tuple_pool *p)
{
	uint32_t n = 0;

	if (p->kind == TUPLE_BY_RETA_POW2) {
		/* one half of the keys per family */
		for (uint32_t k = 0; k < 2 * (p->class_mask + 1); k++)
			p->class_of[k] = TUPLE_NO_CLASS;
		for (unsigned ti = 0; ti < p->n_targets; ti++) {
			for (uint32_t si = 0; si < p->t_nsrc[ti]; si++) {
				uint32_t k = p->t_cbase[ti] +
					((p->t_hsrc[ti][si] ^ p->h_target[ti]) & p->class_mask);

				if (p->class_of[k] == TUPLE_NO_CLASS)
					p->class_of[k] = n++;
			}
		}
		return n;
	}
	if (p->kind == TUPLE_BY_RETA_ANY) {
		for (unsigned ti = 0; ti < p->n_targets; ti++)
			for (uint32_t si = 0; si < p->t_nsrc[ti]; si++)
				p->class_of[p->t_cbase[ti] + si] = n++;
		return n;
	}
	return 1;
}

/* Set the bits of class c: the ports whose return traffic, with the
 * source-ip and target part `part` of the hash, lands on queue. */
static void
pool_fill_class(struct tuple_pool *p, uint32_t c, uint32_t part,
		const uint32_t *h_port, unsigned queue, unsigned n_queues,
		const struct tt_rss_info *rss)
{
	uint64_t *bm = class_bits(p, c);
	uint32_t n = 0;

	for (uint32_t pi = 0; pi < p->n_ports; pi++) {
		bool mine;

		if (p->kind == TUPLE_BY_MODULO)
			mine = (p->port_first + pi) % n_queues == queue;
		else
			mine = tuple_rss_queue(rss, part ^ h_port[pi]) == queue;
		if (mine) {
			bm[pi / 64] |= 1ull << (pi % 64);
			n++;
		}
	}
	p->bits_count[c] = n;
}

/* Where each target's sources, their hash parts and its class keys are. */
static void
pool_index_targets(struct tuple_pool *p)
{
	uint32_t next = 0;

	for (unsigned ti = 0; ti < p->n_targets; ti++) {
		bool v6 = p->target_v6[ti];

		p->t_nsrc[ti] = v6 ? p->n_src6 : p->n_src;
		p->t_hsrc[ti] = v6 ? p->h_src6 : p->h_src;
		if (p->kind == TUPLE_BY_RETA_POW2) {
			p->t_cbase[ti] = v6 ? p->class_mask + 1 : 0;
		} else if (p->kind == TUPLE_BY_RETA_ANY) {
			p->t_cbase[ti] = next;
			next += p->t_nsrc[ti];
		}
	}
}

/* The Toeplitz parts of targets, sources and ports (tcp_reuse.c head). */
static int
pool_hash_parts(struct tuple_pool *p, const struct tt_rss_info *rss,
		uint32_t **h_port4, uint32_t **h_port6)
{
	static const uint8_t zero6[16];
	uint8_t a[16];

	if (p->n_src != 0) {
		p->h_src = malloc(p->n_src * sizeof(*p->h_src));
		*h_port4 = malloc(p->n_ports * sizeof(**h_port4));
		if (p->h_src == NULL || *h_port4 == NULL)
			return -ENOMEM;
		for (uint32_t si = 0; si < p->n_src; si++)
			p->h_src[si] = tuple_rss_hash(rss, 0, p->src_ip_first + si, 0, 0);
		for (uint32_t pi = 0; pi < p->n_ports; pi++)
			(*h_port4)[pi] = tuple_rss_hash(rss, 0, 0, 0,
							(uint16_t)(p->port_first + pi));
	}
	if (p->n_src6 != 0) {
		p->h_src6 = malloc(p->n_src6 * sizeof(*p->h_src6));
		*h_port6 = malloc(p->n_ports * sizeof(**h_port6));
		if (p->h_src6 == NULL || *h_port6 == NULL)
			return -ENOMEM;
		memcpy(a, p->src6_first, 16);
		for (uint32_t si = 0; si < p->n_src6; si++) {
			ip6_set_low32(a, p->src6_lo + si);
			p->h_src6[si] = tuple_rss_hash6(rss, zero6, a, 0, 0);
		}
		for (uint32_t pi = 0; pi < p->n_ports; pi++)
			(*h_port6)[pi] = tuple_rss_hash6(rss, zero6, zero6, 0,
							 (uint16_t)(p->port_first + pi));
	}
	/* The return packet: src = target, dst = us. */
	for (unsigned ti = 0; ti < p->n_targets; ti++)
		p->h_target[ti] = p->target_v6[ti] ?
			tuple_rss_hash6(rss, p->target_ip6[ti], zero6, p->target_port[ti], 0) :
			tuple_rss_hash(rss, p->target_ip[ti], 0, p->target_port[ti], 0);
	return 0;
}

int
tuple_pool_init(struct tuple_pool *p, const struct tt_client_config *cc,
		uint32_t default_src_ip, const uint8_t *default_src_ip6,
		unsigned queue, unsigned n_queues,
		const struct tt_rss_info *rss, char *err, size_t errlen)
{
	uint32_t *h_port4 = NULL, *h_port6 = NULL;
	size_t n_keys = 0;
	bool *filled = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	rc = pool_check(cc, default_src_ip, default_src_ip6, queue, n_queues, rss,
			err, errlen);
	if (rc != 0)
		return rc;
	if (rss != NULL && rss->key_len == 0)
		rss = NULL;

	if (any_target(cc, false)) {
		p->src_ip_first = cc->src_ip_first != 0 ? cc->src_ip_first : default_src_ip;
		p->n_src = cc->src_ip_first != 0 ?
			   cc->src_ip_last - cc->src_ip_first + 1 : 1;
	}
	if (any_target(cc, true)) {
		memcpy(p->src6_first, cc->has_src_ip6 ? cc->src_ip6_first : default_src_ip6,
		       16);
		p->src6_lo = ip6_low32(p->src6_first);
		p->n_src6 = cc->has_src_ip6 ?
			    ip6_low32(cc->src_ip6_last) - p->src6_lo + 1 : 1;
	}
	p->port_first = cc->src_port_first;
	p->n_ports = (uint32_t)cc->src_port_last - cc->src_port_first + 1;
	p->n_targets = cc->n_targets;
	memcpy(p->target_ip, cc->target_ip, sizeof(p->target_ip));
	memcpy(p->target_ip6, cc->target_ip6, sizeof(p->target_ip6));
	memcpy(p->target_v6, cc->target_v6, sizeof(p->target_v6));
	memcpy(p->target_port, cc->target_port, sizeof(p->target_port));
	p->words = (p->n_ports + 63) / 64;

	if (rss == NULL) {
		p->kind = TUPLE_BY_MODULO;
	} else if ((rss->reta_size & (rss->reta_size - 1)) == 0) {
		p->kind = TUPLE_BY_RETA_POW2;
		p->class_mask = rss->reta_size - 1;
		n_keys = 2 * (size_t)rss->reta_size;
	} else {
		uint64_t pairs = 0, bytes;

		for (unsigned ti = 0; ti < p->n_targets; ti++)
			pairs += p->target_v6[ti] ? p->n_src6 : p->n_src;
		bytes = pairs * p->words * 8;
		if (bytes > TUPLE_POOL_MAX_BYTES) {
			pool_err(err, errlen, "RSS RETA of %u entries (not a power of "
				 "two) needs %llu bytes of port bitmaps for %llu (source "
				 "ip, target) pairs x %u ports: at most %u",
				 rss->reta_size, (unsigned long long)bytes,
				 (unsigned long long)pairs, p->n_ports,
				 TUPLE_POOL_MAX_BYTES);
			return -E2BIG;
		}
		p->kind = TUPLE_BY_RETA_ANY;
		n_keys = (size_t)pairs;
	}

	rc = -ENOMEM;
	if (rss != NULL) {
		p->class_of = malloc((n_keys ? n_keys : 1) * sizeof(*p->class_of));
		if (p->class_of == NULL ||
		    pool_hash_parts(p, rss, &h_port4, &h_port6) != 0)
			goto fail;
	}
	pool_index_targets(p);
	p->n_classes = pool_assign_classes(p);
	p->bits = calloc((size_t)p->n_classes * p->words, sizeof(*p->bits));
	p->bits_count = calloc(p->n_classes, sizeof(*p->bits_count));
	filled = calloc(p->n_classes, sizeof(*filled));
	if (p->bits == NULL || p->bits_count == NULL || filled == NULL)
		goto fail;
	for (unsigned ti = 0; ti < p->n_targets; ti++) {
		const uint32_t *h_port = p->target_v6[ti] ? h_port6 : h_port4;

		for (uint32_t si = 0; si < p->t_nsrc[ti]; si++) {
			uint32_t c = class_of(p, si, ti);

			if (!filled[c]) {
				uint32_t part = rss != NULL ?
					p->t_hsrc[ti][si] ^ p->h_target[ti] : 0;

				pool_fill_class(p, c, part, h_port, queue, n_queues, rss);
				filled[c] = true;
			}
			p->owned[ti] += p->bits_count[c];
		}
	}
	free(filled);
	free(h_port4);
	free(h_port6);
	return 0;
fail:
	pool_err(err, errlen, "out of memory for the tuple pool (%u + %u source ips "
		 "x %u ports)", p->n_src, p->n_src6, p->n_ports);
	free(filled);
	free(h_port4);
	free(h_port6);
	tuple_pool_free(p);
	return rc;
}

void
tuple_pool_free(struct tuple_pool *p)
{
	free(p->class_of);
	free(p->h_src);
	free(p->h_src6);
	free(p->bits);
	free(p->bits_count);
	p->class_of = NULL;
	p->h_src = NULL;
	p->h_src6 = NULL;
	p->bits = NULL;
	p->bits_count = NULL;
	p->n_classes = 0;
	memset(p->owned, 0, sizeof(p->owned));
}

uint64_t
tuple_pool_count(const struct tuple_pool *p, unsigned ti)
{
	return ti < p->n_targets ? p->owned[ti] : 0;
}

static unsigned
pool_target(const struct tuple_pool *p, uint32_t ip, uint16_t port)
{
	for (unsigned ti = 0; ti < p->n_targets; ti++)
		if (p->target_ip[ti] == ip && p->target_port[ti] == port &&
		    !p->target_v6[ti])
			return ti;
	return TT_MAX_TARGETS;
}

static unsigned
pool_target6(const struct tuple_pool *p, const uint8_t *ip6, uint16_t port)
{
	for (unsigned ti = 0; ti < p->n_targets; ti++)
		if (p->target_v6[ti] && p->target_port[ti] == port &&
		    memcmp(p->target_ip6[ti], ip6, 16) == 0)
			return ti;
	return TT_MAX_TARGETS;
}

bool
tuple_owned(const struct tuple_pool *p, const struct tcp_tuple *t)
{
	uint32_t pi = (uint32_t)t->lport - p->port_first;
	uint32_t si;
	unsigned ti;

	if (p->bits == NULL || pi >= p->n_ports)
		return false;
	if (!t->v6) {
		si = t->laddr.v4 - p->src_ip_first;
		if (si >= p->n_src)
			return false;
		ti = pool_target(p, t->raddr.v4, t->rport);
	} else {
		/* the head (first 96 bits) is the range's, the rest an index */
		si = ip6_low32(t->laddr.v6) - p->src6_lo;
		if (si >= p->n_src6 || memcmp(t->laddr.v6, p->src6_first, 12) != 0)
			return false;
		ti = pool_target6(p, t->raddr.v6, t->rport);
	}
	if (ti == TT_MAX_TARGETS)
		return false;
	return (class_bits(p, class_of(p, si, ti))[pi / 64] >> (pi % 64)) & 1;
}

/* First set bit at or after `from` in a bitmap of `words` words. */
static bool
bits_next(const uint64_t *bm, uint32_t words, uint32_t from, uint32_t *at)
{
	uint32_t w = from / 64;
	uint64_t x;

	if (w >= words)
		return false;
	x = bm[w] & (~0ull << (from % 64));
	for (;;) {
		if (x != 0) {
			*at = w * 64 + (uint32_t)__builtin_ctzll(x);
			return true;
		}
		if (++w == words)
			return false;
		x = bm[w];
	}
}

/* The next tuple of the round robin to ti, cursor moved past it. */
static bool
pool_next(struct tuple_pool *p, unsigned ti, uint32_t *si_out, uint32_t *pi_out)
{
	struct tuple_cursor *cur = &p->cur[ti];

	if (p->owned[ti] == 0)
		return false;
	/* n_src + 1 rounds: back to the starting ip's ports below the
	 * cursor; owned[ti] > 0 guarantees a hit on the way. */
	for (uint32_t k = 0; k <= p->t_nsrc[ti]; k++) {
		uint32_t c = class_of(p, cur->si, ti);
		uint32_t pi;

		if (p->bits_count[c] != 0 &&
		    bits_next(class_bits(p, c), p->words, cur->pi, &pi)) {
			*si_out = cur->si;
			*pi_out = pi;
			cur->pi = pi + 1;
			return true;
		}
		cur->si = cur->si + 1 == p->t_nsrc[ti] ? 0 : cur->si + 1;
		cur->pi = 0;
	}
	return false;
}

bool
tw_reuse_ok(const struct tt_tcp_config *cfg, const struct tw_table *tw,
	    const struct tw_rec *r, const struct tcp_tuple *t, uint32_t now_ms)
{
	uint32_t delay_ms = (uint32_t)(cfg->tw_reuse_delay / REUSE_US_PER_MS);

	if (cfg->tw_reuse == 0)
		return false;
	if (cfg->tw_reuse == 2) {
		/* Linux: "loopback src or dst address" (ipv4_is_loopback,
		 * ipv6_addr_loopback); no DPDK port carries 127/8 or ::1,
		 * so 2 (Linux's default) means off here. */
		static const uint8_t lo6[16] = { [15] = 1 };
		bool lo = !t->v6 ? (t->laddr.v4 >> 24) == 127 || (t->raddr.v4 >> 24) == 127 :
			  memcmp(t->laddr.v6, lo6, 16) == 0 || memcmp(t->raddr.v6, lo6, 16) == 0;

		if (!lo)
			return false;
	}
	/* Without timestamps the peer has no PAWS to reject the old
	 * incarnation's duplicates (RFC 7323 5): never reuse. */
	if (!(r->flags & TW_F_TS))
		return false;
	/* time_after32(now, ts_stamp + delay): strictly later. */
	return (int32_t)(tw_ts_stamp(tw, r) + delay_ms - now_ms) < 0;
}

enum tuple_pick
tuple_pick(struct tuple_pool *p, struct tcp_stack *s, unsigned ti,
	   struct tcp_tuple *out, uint32_t *isn, uint64_t now, unsigned budget)
{
	uint32_t now_ms = (uint32_t)(now / REUSE_US_PER_MS);

	if (ti >= p->n_targets || p->bits == NULL)
		return PICK_NONE;
	/* One lap of the pool at most: nothing a second lap would look at
	 * can have changed within this call. */
	if (budget > p->owned[ti])
		budget = (unsigned)p->owned[ti];
	for (unsigned n = 0; n < budget; n++) {
		struct tcp_tuple t;
		struct tw_rec *r;
		uint32_t si, pi;

		if (!pool_next(p, ti, &si, &pi))
			return PICK_NONE;
		if (!p->target_v6[ti]) {
			t = tcp_tuple4(p->src_ip_first + si, p->target_ip[ti],
				       (uint16_t)(p->port_first + pi), p->target_port[ti]);
		} else {
			/* zeroed first: tuples compare and hash as a whole */
			memset(&t, 0, sizeof(t));
			memcpy(t.laddr.v6, p->src6_first, 16);
			ip6_set_low32(t.laddr.v6, p->src6_lo + si);
			memcpy(t.raddr.v6, p->target_ip6[ti], 16);
			t.lport = (uint16_t)(p->port_first + pi);
			t.rport = p->target_port[ti];
			t.v6 = 1;
		}
		if (tcp_lookup(s, &t) != NULL)
			continue;
		r = s->tw.rec != NULL ? tcp_tw_lookup(s, &t) : NULL;
		/* 2MSL over but not reaped yet (bounded work per poll): the
		 * tuple is free. */
		if (r != NULL && tcp_tw_reap_due(s, r, now_ms))
			r = NULL;
		if (r == NULL) {
			*out = t;
			*isn = 0;
			return PICK_FREE;
		}
		if (!tw_reuse_ok(s->cfg, &s->tw, r, &t, now_ms)) {
			TT_INC(s->st, tuples_skipped);
			continue;
		}
		/* The record is the lcore's own (the tuple hashes to this
		 * queue): take it over in place, as tcp_timewait.c kills
		 * one -- nobody else can be looking at it. */
		*isn = r->snd_nxt + TW_REUSE_ISN_GAP;
		if (*isn == 0)
			*isn = 1;
		tw_remove(&s->tw, r);
		s->st->state[TCP_TIME_WAIT]--;
		TT_INC(s->st, tw_reused);
		*out = t;
		return PICK_REUSE;
	}
	return PICK_NONE;
}
