/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_STATS_H
#define TT_STATS_H

/*
 * Per-lcore counters and state gauges.
 *
 * Names are defined once here (X-macros) and reused for the enum, the JSON
 * keys, the console columns and telemetry, so they cannot drift apart.
 * Each lcore writes only its own struct tt_stats with plain increments; the
 * reporter (a control thread) reads them all without locks through
 * tt_stats_load(): one aligned 64-bit load per counter is never torn on
 * x86-64, and the relaxed atomic load keeps the compiler from caching or
 * splitting it.  A value one second stale is fine.
 */

#include <stdint.h>
#include <stdio.h>

/* TCP states by their RFC 9293 names (JSON keys use these spellings). */
#define TCP_STATES(X) \
	X(CLOSED) \
	X(LISTEN) \
	X(SYN_SENT) \
	X(SYN_RECEIVED) \
	X(ESTABLISHED) \
	X(FIN_WAIT_1) \
	X(FIN_WAIT_2) \
	X(CLOSING) \
	X(TIME_WAIT) \
	X(CLOSE_WAIT) \
	X(LAST_ACK)

enum tcp_state {
#define X(n) TCP_##n,
	TCP_STATES(X)
#undef X
	TCP_NSTATES
};

const char *tcp_state_name(enum tcp_state s);

/* Cumulative counters: X(name, "help"). */
#define TT_COUNTERS(X) \
	X(pkts_rx,              "packets received") \
	X(pkts_tx,              "packets sent") \
	X(bytes_rx,             "bytes received (frames)") \
	X(bytes_tx,             "bytes sent (frames)") \
	X(tx_ring_full,         "packets dropped: TX queue full") \
	X(mbuf_alloc_failed,    "packets not sent: mbuf pool empty") \
	X(arp_rx,               "ARP packets received") \
	X(arp_replies_sent,     "ARP replies sent") \
	X(arp_requests_sent,    "ARP requests sent") \
	X(icmp_echo_replies,    "ICMP and ICMPv6 echo replies sent") \
	X(icmp_unreach_sent,    "ICMP port/protocol unreachable sent") \
	X(icmp_rate_limited,    "ICMP errors not sent: rate limit (icmp_ratelimit)") \
	X(nd_rx,                "IPv6 Neighbor Discovery messages received (NS, NA, RS, RA, redirect)") \
	X(nd_adverts_sent,      "IPv6 Neighbor Advertisements sent") \
	X(nd_solicits_sent,     "IPv6 Neighbor Solicitations sent") \
	X(icmp6_unreach_rx,     "ICMPv6 destination unreachable about our packets (counted only)") \
	X(icmp6_too_big_rx,     "ICMPv6 packet too big about our packets (no PMTU discovery: counted only)") \
	X(drop_short,           "drops: frame or header too short") \
	X(drop_bad_header,      "drops: malformed IPv4/IPv6/TCP header or bad source address") \
	X(drop_bad_cksum,       "drops: bad IPv4, ICMP, ICMPv6 or TCP checksum") \
	X(drop_ip_fragment,     "drops: IPv4 fragments and IPv6 packets with a fragment header") \
	X(drop_not_ours,        "drops: not for one of our addresses/protocols") \
	X(drop_no_listener,     "drops: SYN or segment to a closed port (RST sent)") \
	X(drop_no_conn,         "drops: segment for no connection (RST sent)") \
	X(drop_no_arp,          "drops: next hop not resolved yet") \
	X(drop_ip6_ext,         "drops: malformed, too many or unsupported IPv6 extension headers") \
	X(drop_nd_invalid,      "drops: Neighbor Discovery messages failing RFC 4861 7.1 validation") \
	X(drop_no_nd,           "drops: IPv6 next hop not resolved (Neighbor Discovery)") \
	X(drop_no_route6,       "drops: IPv6 destination off-link and no gateway6") \
	X(drop_wrong_lcore,     "segments of a tuple owned by another lcore") \
	X(drop_out_of_window,   "drops: segment outside the receive window") \
	X(drop_paws,            "drops: PAWS (old timestamp)") \
	X(drop_bad_ack,         "drops: ACK of unsent data") \
	X(drop_draining,        "drops: SYN refused while draining") \
	X(drop_syn_fin,         "drops: SYN with FIN (Linux drops them)") \
	X(tcp_bad_options,      "segments with malformed TCP options (option ignored)") \
	X(tw_syn_table_full,    "SYNs to a TIME_WAIT record dropped, record kept: table full") \
	X(conns_opened,         "connections created (SYN accepted or connect)") \
	X(conns_established,    "connections that reached ESTABLISHED") \
	X(conns_closed,         "connection records freed") \
	X(passive_opens,        "passive opens (SYN to a listener)") \
	X(active_opens,         "active opens (connect)") \
	X(active_closes,        "closes where we sent the first FIN") \
	X(passive_closes,       "closes where the peer sent the first FIN") \
	X(simultaneous_closes,  "closes through CLOSING") \
	X(conn_table_full,      "SYNs refused with RST: connection table full") \
	X(syncookies_sent,      "SYN-ACKs sent with a SYN cookie (no state kept)") \
	X(syncookies_recv,      "ACKs with a valid SYN cookie (connection created)") \
	X(syncookies_failed,    "ACKs read as a SYN cookie that failed the check (RST)") \
	X(drop_syn_backlog,     "drops: SYN with max_syn_backlog reached and syncookies 0") \
	X(fins_sent,            "FINs sent (first transmissions)") \
	X(fin_retransmits,      "FIN retransmissions") \
	X(syn_retransmits,      "SYN retransmissions") \
	X(synack_retransmits,   "SYN-ACK retransmissions") \
	X(data_retransmits,     "data segments retransmitted on RTO") \
	X(fast_retransmits,     "fast retransmissions (3 duplicate ACKs)") \
	X(tlp_probes,           "tail loss probes sent (RFC 8985)") \
	X(rtx_fin_wait_1,       "retransmissions in FIN_WAIT_1") \
	X(rtx_closing,          "retransmissions in CLOSING") \
	X(rtx_last_ack,         "retransmissions in LAST_ACK") \
	X(synack_give_ups,      "SYN_RECEIVED dropped after synack_retries") \
	X(syn_give_ups,         "SYN_SENT dropped after syn_retries") \
	X(orphan_give_ups,      "orphans dropped after orphan_retries") \
	X(retries2_give_ups,    "connections dropped after retries2") \
	X(fin_wait2_timeouts,   "orphaned FIN_WAIT_2 ended by fin_timeout") \
	X(keepalive_probes,     "keep-alive probes sent") \
	X(keepalive_kills,      "connections dropped: keep-alive probes unanswered") \
	X(rsts_sent,            "RSTs sent") \
	X(rsts_received,        "RSTs accepted") \
	X(rsts_ignored,         "RSTs dropped (out of window or rfc1337)") \
	X(challenge_acks,       "RFC 5961 challenge ACKs sent") \
	X(aborts_linger0,       "closes done with RST (linger 0)") \
	X(aborts_drain,         "connections aborted at the end of the drain") \
	X(delayed_acks,         "ACKs sent by the delayed-ACK timer") \
	X(ofo_queued,           "out-of-order segments held for reassembly") \
	X(ofo_dropped,          "out-of-order segments dropped: queue bound hit") \
	X(rx_dup_bytes,         "payload bytes received that we already had") \
	X(sack_blocks_sent,     "SACK blocks sent in our ACKs") \
	X(sack_retransmits,     "segments resent to fill a hole the peer's SACKs show") \
	X(tw_created,           "TIME_WAIT records created") \
	X(tw_expired,           "TIME_WAIT records expired after 2MSL") \
	X(tw_expired_late,      "TIME_WAIT expiries later than one tick (should stay 0)") \
	X(tw_expired_deferred,  "of those, records already due at an earlier poll that left them (the budget's fault; should stay 0)") \
	X(tw_reacked,           "FINs re-ACKed in TIME_WAIT (2MSL restarted)") \
	X(tw_syn_accepted,      "SYNs that took over a TIME_WAIT tuple (RFC 6191)") \
	X(tw_syn_refused,       "SYNs refused in TIME_WAIT (dup ACK)") \
	X(tw_rst_killed,        "TIME_WAIT records ended by RST (rfc1337 = 0)") \
	X(tw_rst_ignored,       "RSTs ignored in TIME_WAIT") \
	X(tw_paws_drops,        "segments dropped by PAWS in TIME_WAIT") \
	X(tw_dup_acks,          "duplicate ACKs sent from TIME_WAIT") \
	X(tw_overflow,          "closes without TIME_WAIT: max_tw_buckets (Linux policy)") \
	X(tw_evicted,           "TIME_WAIT records evicted (evict_oldest policy)") \
	X(tw_reused,            "outbound tuples reused from TIME_WAIT (tw_reuse)") \
	X(tuples_skipped,       "outbound tuples skipped: held in TIME_WAIT, not reusable") \
	X(port_exhausted,       "connects postponed: no free tuple to any target") \
	X(connect_failed_refused, "connects failed: RST in SYN_SENT") \
	X(connect_failed_timeout, "connects failed: no SYN-ACK after syn_retries") \
	X(connect_failed_table_full, "connects not started: connection table full") \
	X(connects_started,     "outbound connects started (SYN sent)") \
	X(http_client_requests, "HTTP requests sent by the client") \
	X(http_client_responses, "HTTP responses received by the client") \
	X(http_client_bad_responses, "malformed or unexpected responses (connection reset)") \
	X(tw_drained,           "TIME_WAIT records dropped at exit") \
	X(http_requests,        "HTTP requests parsed") \
	X(http_responses,       "HTTP responses queued") \
	X(http_sndbuf_waits,    "times pipelined responses waited: send queue at tcp.sndbuf") \
	X(http_bad_requests,    "malformed requests answered with 400") \
	X(http_keepalive_timeouts, "idle keep-alive connections closed") \
	X(http_keepalive_limit, "connections closed at keepalive_requests") \
	X(close_wait_delayed,   "closes held in CLOSE_WAIT by close_wait_delay") \
	X(fault_drop_fin1,      "injected drops: first FIN") \
	X(fault_drop_fin1_ack,  "injected drops: ACK of the first FIN") \
	X(fault_drop_fin2,      "injected drops: second FIN") \
	X(fault_drop_fin2_ack,  "injected drops: final ACK") \
	X(fault_drop_fin_out,   "injected drops: a FIN of ours (first or second), before it left") \
	X(fault_rx_drops,       "injected drops: any received packet") \
	X(fault_tx_drops,       "injected drops: any sent packet") \
	X(fault_tx_delayed,     "packets held back by [fault] tx_delay") \
	X(capture_copied,       "packets copied for the capture file") \
	X(capture_ring_full,    "capture copies dropped: writer ring full") \
	X(capture_nombuf,       "capture copies not made: capture pool empty") \
	X(capture_anomalies,    "connections ended badly whose last packets were captured") \
	X(capture_anomaly_evicted, "anomaly buffers taken over by another connection") \
	X(polls_busy,           "poll loop iterations that received, sent or expired something") \
	X(polls_idle,           "poll loop iterations with nothing to do") \
	X(cycles_busy,          "TSC cycles spent in busy polls") \
	X(cycles_idle,          "TSC cycles spent in idle polls (and idle_sleep)") \
	X(poll_gaps,            "polls that began more than one tick after the previous one (the lcore was off its CPU, or a poll took that long)") \
	X(poll_gap_us,          "microseconds between those polls' starts, summed")

enum tt_counter {
#define X(n, h) TT_C_##n,
	TT_COUNTERS(X)
#undef X
	TT_NCOUNTERS
};

struct tt_stats {
	uint64_t c[TT_NCOUNTERS];
	int64_t state[TCP_NSTATES];   /* gauges: connections now in each state */
} __attribute__((aligned(64)));

#define TT_INC(st, n)     ((st)->c[TT_C_##n]++)
#define TT_ADD(st, n, v)  ((st)->c[TT_C_##n] += (v))

extern const char *const tt_counter_names[TT_NCOUNTERS];
extern const char *const tt_counter_help[TT_NCOUNTERS];

/* Another lcore's counter or gauge, read without tearing or caching. */
static inline uint64_t
tt_load_u64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline int64_t
tt_load_i64(const int64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Copy one lcore's stats (written by that lcore) into out. */
void tt_stats_load(struct tt_stats *out, const struct tt_stats *in);

/* Sum n per-lcore stats into out (each read as tt_stats_load does). */
void tt_stats_sum(struct tt_stats *out, struct tt_stats *const *in, unsigned n);

#endif
