/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_NET_BSWAP_H
#define TT_NET_BSWAP_H

/*
 * Network byte order for the per-packet paths.  DPDK 22.11's
 * rte_cpu_to_be_16/32 and rte_be_to_cpu_16/32 on x86 are volatile inline
 * asm (xchgb, bswap) for non-constant values, which the compiler can
 * neither fold into a load or store (movbe) nor drop or move; the
 * builtins give the same values without that.  Constants keep RTE_BE16/32.
 */

#include <stdint.h>

#include <rte_byteorder.h>

#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
static inline uint16_t net_htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t net_htonl(uint32_t x) { return __builtin_bswap32(x); }
#else
static inline uint16_t net_htons(uint16_t x) { return x; }
static inline uint32_t net_htonl(uint32_t x) { return x; }
#endif
/* The same swap both ways. */
#define net_ntohs net_htons
#define net_ntohl net_htonl

#endif
