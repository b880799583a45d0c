/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_TCP_REUSE_H
#define TT_TCP_REUSE_H

/*
 * Outbound 4-tuples for client mode: which (source ip, source port) a
 * worker lcore may use towards each target, and the tw_reuse rules for a
 * tuple still held in TIME_WAIT.
 *
 * Sharding without sharing (design.md "Sharding"): a connection lives on
 * the lcore whose RX queue its packets arrive on.  For an outbound connect
 * the packets that matter are the return traffic (src = target ip:port,
 * dst = our ip:port), which the NIC steers by the Toeplitz hash of that
 * 4-tuple through the redirection table.  So each lcore builds, once, the
 * set of source ports whose return traffic lands on its own queue, and
 * connects only from those.  Nothing crosses lcores afterwards: the pool is
 * the lcore's own, every tuple it hands out belongs in the lcore's own
 * connection and TIME_WAIT tables, and reusing a TIME_WAIT tuple is a
 * lookup in that table -- no lock, no atomic, no message to another core.
 * Without RSS (or one queue) the ports are partitioned by lcore instead
 * (port % n_queues == queue).
 *
 * IPv6 (issue 12): a target is either family; an IPv4 target pairs with
 * the IPv4 source range, an IPv6 one with the IPv6 source range, whose
 * ends differ in the last 32 bits only (the config checks it), so an IPv6
 * source is a fixed 96-bit head and a 32-bit index like an IPv4 address.
 * The NIC hashes an IPv6/TCP packet over src (16 B), dst (16 B), sport,
 * dport (Microsoft RSS "IPv6 with TCP"), which needs a 40-byte key.
 *
 * EAL-free: only rte_softrss(), a header-only inline, is used.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "tcp/tcp.h"

#define TUPLE_RSS_KEY_MAX   64
#define TUPLE_RSS_RETA_MAX  512     /* RTE_ETH_RSS_RETA_SIZE_512 */
/* Toeplitz of 12 input bytes (IPv4 + TCP ports) reads 12 + 4 key bytes. */
#define TUPLE_RSS_KEY_MIN   16
/* ... of 36 (IPv6 + TCP ports), 36 + 4: IPv6 targets need this much. */
#define TUPLE_RSS_KEY_MIN6  40
/* Largest source IP range (a /16, IPv4 or IPv6): its per-address hash
 * array stays small. */
#define TUPLE_MAX_SRC_IPS   65536u
/*
 * Bound on the port bitmaps of one pool.  With a power-of-two RETA the
 * pools need at most reta_size bitmaps of 8 KiB (4 MiB) per address family
 * whatever the source range; any other RETA size needs one bitmap per (source ip, target),
 * refused beyond this (the equivalent of 65536 * 64 uint16 port entries).
 */
#define TUPLE_POOL_MAX_BYTES (65536u * 64u * 2u)

/* The port's RSS configuration as the application reads it from ethdev
 * (rte_eth_dev_rss_hash_conf_get, rte_eth_dev_rss_reta_query). */
struct tt_rss_info {
	/* aligned: rte_softrss() reads the key as 32-bit words */
	uint8_t key[TUPLE_RSS_KEY_MAX] __attribute__((aligned(4)));
	uint32_t key_len;                   /* 0: no RSS, partition by lcore */
	uint16_t reta[TUPLE_RSS_RETA_MAX];  /* entry -> queue */
	uint32_t reta_size;
};

/* Where the round robin to one target stands. */
struct tuple_cursor {
	uint32_t si;            /* source ip index */
	uint32_t pi;            /* next port index to look at */
};

/*
 * The tuples of one lcore.  Source ports are held as bitmaps over the
 * port range, one per "class": every (source ip, target) pair whose
 * return-traffic hash agrees in the bits the RETA looks at owns exactly the
 * same ports, because Toeplitz is linear (XOR) in its input bits.  Fields
 * are private to tcp_reuse.c.
 */
struct tuple_pool {
	uint32_t src_ip_first;        /* IPv4 sources, host order */
	uint32_t n_src;               /* 0 without IPv4 targets */
	uint8_t src6_first[16];       /* IPv6 sources, wire order: the head */
	uint32_t src6_lo;             /* ... and its last 32 bits, host order */
	uint32_t n_src6;              /* 0 without IPv6 targets */
	uint32_t port_first;
	uint32_t n_ports;
	uint32_t target_ip[TT_MAX_TARGETS];       /* IPv4 targets */
	uint8_t target_ip6[TT_MAX_TARGETS][16];   /* IPv6 targets */
	bool target_v6[TT_MAX_TARGETS];
	uint16_t target_port[TT_MAX_TARGETS];
	unsigned n_targets;

	uint8_t kind;                 /* enum tuple_pool_kind (tcp_reuse.c) */
	uint32_t class_mask;          /* power-of-two RETA: reta_size - 1 */
	uint32_t *class_of;           /* key or (si, ti) -> class */
	uint32_t *h_src;              /* Toeplitz part of each IPv4 source */
	uint32_t *h_src6;             /* ... of each IPv6 source */
	uint32_t h_target[TT_MAX_TARGETS];  /* ... of each target ip:port */
	/* Per target, from its family: sources, their hash parts and where
	 * its keys start in class_of (so the lookups do not branch on it). */
	uint32_t t_nsrc[TT_MAX_TARGETS];
	const uint32_t *t_hsrc[TT_MAX_TARGETS];
	uint32_t t_cbase[TT_MAX_TARGETS];

	uint32_t n_classes;
	uint32_t words;               /* 64-bit words per bitmap */
	uint64_t *bits;               /* n_classes bitmaps over the port range */
	uint32_t *bits_count;         /* ports set in each */

	uint64_t owned[TT_MAX_TARGETS];     /* tuples to each target */
	struct tuple_cursor cur[TT_MAX_TARGETS];
};

/*
 * Build the pool of the lcore reading RX queue `queue` (of n_queues) from
 * cc's targets, source IPs and source ports.  IPv4 targets use
 * cc->src_ip_first..last, or default_src_ip when that is 0; IPv6 targets
 * cc->src_ip6_first..last when has_src_ip6, else default_src_ip6 (16 bytes,
 * wire order; NULL: none).  A family without targets needs no source.
 * rss NULL or key_len 0: ports partitioned by port % n_queues == queue.
 * Returns 0, or a negative errno with a one-line reason in err (may be
 * NULL): -EINVAL for a bad argument, -E2BIG over the size bounds above,
 * -ENOMEM.
 */
int tuple_pool_init(struct tuple_pool *p, const struct tt_client_config *cc,
		    uint32_t default_src_ip, const uint8_t *default_src_ip6,
		    unsigned queue, unsigned n_queues,
		    const struct tt_rss_info *rss, char *err, size_t errlen);
void tuple_pool_free(struct tuple_pool *p);

/* Tuples of this lcore towards target ti (0 when ti is out of range). */
uint64_t tuple_pool_count(const struct tuple_pool *p, unsigned ti);

/* The Toeplitz hash the NIC computes for an IPv4/TCP packet with these
 * header fields (host order). */
uint32_t tuple_rss_hash(const struct tt_rss_info *rss, uint32_t src_ip,
			uint32_t dst_ip, uint16_t sport, uint16_t dport);
/* ... for an IPv6/TCP packet (addresses as on the wire, ports host
 * order): rte_softrss() over RTE_THASH_V6_L4_LEN words.  Needs a key of
 * TUPLE_RSS_KEY_MIN6 bytes (a shorter one reads as zero-padded). */
uint32_t tuple_rss_hash6(const struct tt_rss_info *rss, const uint8_t *src_ip6,
			 const uint8_t *dst_ip6, uint16_t sport, uint16_t dport);
/* The queue that hash is steered to: reta[hash % reta_size] (NICs use the
 * low bits).  0 without RSS. */
unsigned tuple_rss_queue(const struct tt_rss_info *rss, uint32_t hash);

/* Whether t (local = ours, either family) is one of this lcore's tuples. */
bool tuple_owned(const struct tuple_pool *p, const struct tcp_tuple *t);

enum tuple_pick {
	PICK_FREE,      /* no record holds the tuple: *isn = 0 (generate) */
	PICK_REUSE,     /* taken over from TIME_WAIT: start at *isn */
	PICK_NONE,      /* nothing usable within budget */
};

/*
 * The next tuple to target ti, round robin over the lcore's ports of each
 * source ip in turn.  Live connections are skipped; a TIME_WAIT record
 * whose 2MSL has run out (not yet reaped) is expired here; one still
 * running is taken over when tw_reuse_ok() allows (record removed, counted
 * in tw_reused, *isn = old snd_nxt + 65537, never 0) and otherwise skipped
 * (tuples_skipped).  At most budget candidates are looked up, and at most
 * one lap of the pool (each tuple once) per call.  On PICK_NONE
 * the caller counts port_exhausted and waits before trying again: a full
 * pool must not be scanned in a loop.
 *
 * A taken-over record is gone when this returns, so call it only when the
 * connection table has room for the connect that follows.
 */
enum tuple_pick tuple_pick(struct tuple_pool *p, struct tcp_stack *s, unsigned ti,
			   struct tcp_tuple *out, uint32_t *isn, uint64_t now,
			   unsigned budget);

/*
 * May a connect take over this TIME_WAIT record now?  As Linux
 * tcp_twsk_unique(): tw_reuse 0 never, 1 yes, 2 only when either address
 * is loopback (127/8 or ::1, which a DPDK port never carries); and the old
 * connection must have used timestamps, its last one received more than
 * tw_reuse_delay ago.  t is the record's 4-tuple.
 */
bool tw_reuse_ok(const struct tt_tcp_config *cfg, const struct tw_table *tw,
		 const struct tw_rec *r, const struct tcp_tuple *t, uint32_t now_ms);

#endif
