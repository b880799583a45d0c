/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_CRC_COLLIDE_H
#define TT_CRC_COLLIDE_H

/*
 * Tuples built to collide under the tables' former hash (CRC32C of the
 * tuple with a fixed seed), for bench/micro_tables and the conn_table
 * test: what an attacker could compute offline before the hash was keyed.
 *
 * CRC is affine over GF(2): old(x ^ d) = old(x) ^ L(d) for a linear L.
 * With the local address and port fixed, the remote address and port give
 * 48 free bits and the hash has 32, so L has a null space of at least 16
 * dimensions: 65,536 or more (raddr, rport) pairs with one and the same
 * 32-bit hash, hence one bucket at every table size.  Gaussian elimination
 * over the 48 columns L(e_i) finds a basis of that null space.
 */

#include <stdint.h>

#include <rte_hash_crc.h>

#include "tcp/tcp_seg.h"

/* The former tcp_tuple_hash. */
static inline uint32_t
crc_collide_old_hash(const struct tcp_tuple *t)
{
	uint64_t a = ((uint64_t)t->laddr.v4 << 32) | t->raddr.v4;
	uint32_t b = ((uint32_t)t->lport << 16) | t->rport;

	return rte_hash_crc_4byte(b, rte_hash_crc_8byte(a, 0x9e3779b9));
}

static inline void
crc_collide_apply(struct tcp_tuple *t, uint64_t d)
{
	t->raddr.v4 ^= (uint32_t)d;
	t->rport ^= (uint16_t)(d >> 32);
}

/*
 * Fill out[0..n) with distinct tuples from base whose old hash is equal;
 * returns how many (at most 2^dim of the null space, at least 65,536).
 */
static inline uint32_t
crc_collide_tuples(const struct tcp_tuple *base, struct tcp_tuple *out, uint32_t n)
{
	uint32_t col[48], h0 = crc_collide_old_hash(base);
	uint64_t comb[48], basis[48];
	int used[48] = { 0 };
	unsigned nb = 0;

	for (unsigned i = 0; i < 48; i++) {
		struct tcp_tuple t = *base;

		comb[i] = 1ull << i;
		crc_collide_apply(&t, comb[i]);
		col[i] = crc_collide_old_hash(&t) ^ h0;
	}
	for (unsigned p = 0; p < 32; p++) {
		int piv = -1;

		for (unsigned i = 0; i < 48 && piv < 0; i++)
			if (!used[i] && (col[i] >> p & 1))
				piv = (int)i;
		if (piv < 0)
			continue;
		used[piv] = 1;
		for (unsigned j = 0; j < 48; j++) {
			if (j != (unsigned)piv && (col[j] >> p & 1)) {
				col[j] ^= col[piv];
				comb[j] ^= comb[piv];
			}
		}
	}
	for (unsigned i = 0; i < 48; i++)
		if (!used[i] && col[i] == 0)
			basis[nb++] = comb[i];
	if (nb < 32 && n > (1u << nb))
		n = 1u << nb;
	for (uint32_t c = 0; c < n; c++) {
		uint64_t d = 0;

		for (unsigned k = 0; k < nb && k < 32; k++)
			if (c >> k & 1)
				d ^= basis[k];
		out[c] = *base;
		crc_collide_apply(&out[c], d);
	}
	return n;
}

#endif
