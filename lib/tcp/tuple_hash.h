/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TUPLE_HASH_H
#define TT_TUPLE_HASH_H

/*
 * The hash of a 4-tuple for the connection and TIME_WAIT tables: SipHash-1-3
 * (Aumasson and Bernstein; the variant Linux uses for its hsiphash) keyed
 * with a per-process secret.  An unkeyed or linear hash (CRC32C with a fixed
 * seed, as before) lets anyone compute offline (source address, port) pairs
 * that all land in one bucket and turn every lookup into a walk of a long
 * chain; Linux keys its established hash with a random secret for the same
 * reason (inet_ehashfn).
 *
 * The key is chosen once at start (tcp_hash_key_random(), from getrandom())
 * before any lcore builds a table, and read-only afterwards; tests set a
 * fixed one (tcp_hash_key_set()).  Changing it while a table holds entries
 * would lose them.
 */

#include <stdint.h>

#include "tcp/tcp_seg.h"

struct tcp_hash_key {
	uint64_t k0, k1;
};

/* The process's key (zero until set). */
extern struct tcp_hash_key tcp_hash_secret;

/* Choose a random key from the OS (getrandom); 0, or -1 with errno. */
int tcp_hash_key_random(void);
/* Use this key (tests, reproducible benchmarks). */
void tcp_hash_key_set(const struct tcp_hash_key *k);

#define TUPLE_HASH_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define TUPLE_HASH_ROUND(v0, v1, v2, v3) do {				\
	v0 += v1; v1 = TUPLE_HASH_ROTL(v1, 13); v1 ^= v0;		\
	v0 = TUPLE_HASH_ROTL(v0, 32);					\
	v2 += v3; v3 = TUPLE_HASH_ROTL(v3, 16); v3 ^= v2;		\
	v0 += v3; v3 = TUPLE_HASH_ROTL(v3, 21); v3 ^= v0;		\
	v2 += v1; v1 = TUPLE_HASH_ROTL(v1, 17); v1 ^= v2;		\
	v2 = TUPLE_HASH_ROTL(v2, 32);					\
} while (0)

/*
 * SipHash-1-3 of an IPv4 tuple's 12 bytes (laddr, raddr, lport, rport in
 * host order, little-endian words: the same value as the reference code
 * run on those bytes on x86): two message words, one round each, then
 * three finalization rounds.  An IPv6 tuple hashes its 36 bytes (both
 * addresses as on the wire, then the ports): five words.
 */
static inline uint64_t
tcp_tuple_siphash(const struct tcp_hash_key *k, const struct tcp_tuple *t)
{
	uint64_t v0 = k->k0 ^ 0x736f6d6570736575ull;
	uint64_t v1 = k->k1 ^ 0x646f72616e646f6dull;
	uint64_t v2 = k->k0 ^ 0x6c7967656e657261ull;
	uint64_t v3 = k->k1 ^ 0x7465646279746573ull;
	uint64_t ports = (uint64_t)t->lport | ((uint64_t)t->rport << 16);
	uint64_t m;

	if (__builtin_expect(t->v6, 0)) {
		const uint64_t w[4] = { t->laddr.w[0], t->laddr.w[1],
					t->raddr.w[0], t->raddr.w[1] };

		for (unsigned i = 0; i < 4; i++) {
			v3 ^= w[i];
			TUPLE_HASH_ROUND(v0, v1, v2, v3);
			v0 ^= w[i];
		}
		m = ports | (36ull << 56);
	} else {
		m = (uint64_t)t->laddr.v4 | ((uint64_t)t->raddr.v4 << 32);
		v3 ^= m;
		TUPLE_HASH_ROUND(v0, v1, v2, v3);
		v0 ^= m;
		m = ports | (12ull << 56);
	}
	v3 ^= m;
	TUPLE_HASH_ROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	TUPLE_HASH_ROUND(v0, v1, v2, v3);
	TUPLE_HASH_ROUND(v0, v1, v2, v3);
	TUPLE_HASH_ROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* Bucket hash of t under the process's key. */
static inline uint32_t
tcp_tuple_hash(const struct tcp_tuple *t)
{
	return (uint32_t)tcp_tuple_siphash(&tcp_hash_secret, t);
}

#endif
