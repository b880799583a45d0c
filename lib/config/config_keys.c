/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: the key table and the defaults.
 *
 * One table (cfg_keys[] below) lists every key once: its section, type,
 * range, default, unit, meaning and Linux equivalent.  Defaults, file
 * loading, --set overrides, error messages and the printed reference are
 * all driven by it, so they cannot drift apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_priv.h"

const char *const cfg_section_names[SEC_COUNT] = {
	"general", "port", "tcp", "http", "fault", "client", "capture",
};

#define FIELD(m)  .off = offsetof(struct tt_config, m), \
		  .size = sizeof(((struct tt_config *)0)->m)
#define PFIELD(m) .off = offsetof(struct tt_config, port[0].m), \
		  .size = sizeof(((struct tt_config *)0)->port[0].m)
#define WHOLE(m)  .off = offsetof(struct tt_config, m), \
		  .size = sizeof(((struct tt_config *)0)->m)

#define S(x)  ((uint64_t)(x) * 1000000)
#define MS(x) ((uint64_t)(x) * 1000)

const char *const cfg_mode_names[] = { "server", "client", "both", NULL };
static const char *const tw_policy_names[] = { "close", "evict_oldest", NULL };
static const char *const close_mode_names[] = { "close", "shutdown", NULL };
static const char *const closer_names[] = { "client", "server", NULL };
static const char *const at_max_names[] = { "stop", "rotate", NULL };

const struct cfg_key cfg_keys[] = {
	/* [general] */
	{ .sec = SEC_GENERAL, .name = "mode", .type = T_ENUM, FIELD(gen.mode),
	  .names = cfg_mode_names, .def = "server",
	  .doc = "What this process runs: server answers HTTP on the [http] "
		 "listen ports; client opens connections to the [client] "
		 "targets; both runs the two side by side.",
	  .linux_eq = "none (nginx, wrk)" },
	{ .sec = SEC_GENERAL, .name = "mbufs", .type = T_UINT, FIELD(gen.mbufs),
	  .min = 1023, .max = (1u << 28) - 1, .def = "16383",
	  .doc = "Packet buffers in the mempool shared by the ports; 2^n - 1 "
		 "is the most memory-efficient size.  Must cover every RX "
		 "and TX descriptor plus packets in flight.",
	  .linux_eq = "none (the kernel allocates skbs on demand)" },
	{ .sec = SEC_GENERAL, .name = "burst", .type = T_UINT, FIELD(gen.burst),
	  .min = 1, .max = 512, .def = "32",
	  .doc = "Packets asked for per rte_eth_rx_burst() and sent per "
		 "rte_eth_tx_burst().",
	  .linux_eq = "net.core.dev_weight (NAPI budget, 64)" },
	{ .sec = SEC_GENERAL, .name = "rx_desc", .type = T_UINT,
	  FIELD(gen.rx_desc), .min = 32, .max = 32768, .def = "1024",
	  .doc = "RX ring size of each queue (the PMD may round it).",
	  .linux_eq = "ethtool -G DEV rx N" },
	{ .sec = SEC_GENERAL, .name = "tx_desc", .type = T_UINT,
	  FIELD(gen.tx_desc), .min = 32, .max = 32768, .def = "1024",
	  .doc = "TX ring size of each queue (the PMD may round it).",
	  .linux_eq = "ethtool -G DEV tx N" },
	{ .sec = SEC_GENERAL, .name = "drain_time", .type = T_TIME, .unit = U_MS,
	  FIELD(gen.drain_time), .min = 0, .max = MS(600000), .def = "2000",
	  .doc = "On SIGINT/SIGTERM or at the end of duration: stop opening "
		 "connections and keep running this long so open ones close "
		 "in an orderly way; the rest are then aborted and counted.",
	  .linux_eq = "none (the kernel owns the sockets of a dead process)" },
	{ .sec = SEC_GENERAL, .name = "duration", .type = T_TIME, .unit = U_S,
	  FIELD(gen.duration), .min = 0, .max = S(31536000), .def = "0",
	  .doc = "Run time before an orderly stop; 0 = until SIGINT/SIGTERM.",
	  .linux_eq = "none (wrk -d)" },
	{ .sec = SEC_GENERAL, .name = "idle_sleep", .type = T_TIME, .unit = U_US,
	  FIELD(gen.idle_sleep), .min = 0, .max = 100000, .def = "0",
	  .doc = "Sleep this long when a loop iteration received nothing and "
		 "had no timer due, to spare the CPU of a shared test box; "
		 "0 = busy-poll (lowest latency).",
	  .linux_eq = "none (interrupts and NAPI)" },
	{ .sec = SEC_GENERAL, .name = "tick", .type = T_TIME, .unit = U_US,
	  FIELD(gen.tick), .min = 10, .max = 100000, .def = "1000",
	  .doc = "Timer wheel granularity: every timer (RTO, delayed ACK, "
		 "TIME_WAIT, keep-alive, HTTP idle) fires at most one tick "
		 "late.",
	  .linux_eq = "CONFIG_HZ (one jiffy, 1 to 10 ms)" },
	{ .sec = SEC_GENERAL, .name = "stats_interval", .type = T_TIME,
	  .unit = U_S, FIELD(gen.stats_interval), .min = S(1) / 10,
	  .max = S(3600), .def = "1",
	  .doc = "Period of the statistics report.",
	  .linux_eq = "none (nstat, ss -s)" },
	{ .sec = SEC_GENERAL, .name = "ring_pair", .type = T_BOOL,
	  FIELD(gen.ring_pair), .def = "off",
	  .doc = "Create two DPDK ports joined back to back by rte_rings "
		 "(port 0 and port 1, one ring per queue and direction), so "
		 "mode = both runs client and server in one process with no "
		 "device; give no other device to EAL.",
	  .linux_eq = "none (a veth pair)" },
	{ .sec = SEC_GENERAL, .name = "metrics_listen", .type = T_TOKEN,
	  FIELD(gen.metrics_listen), .def = "off", .example = "127.0.0.1:9100",
	  .doc = "Serve the counters, state gauges and client latency "
		 "histograms in the Prometheus text format at "
		 "http://ADDR:PORT/metrics (kernel socket, served by a "
		 "control thread, never by a worker lcore); off = no "
		 "endpoint.",
	  .linux_eq = "node_exporter's netstat and sockstat collectors" },

	/* [port0] .. [port7] */
	{ .sec = SEC_PORT, .name = "ip", .type = T_IP4NET, WHOLE(port[0]),
	  .example = "198.18.0.1/24",
	  .doc = "IPv4 address and prefix length of DPDK port N (ARP is "
		 "answered for it).  A port needs ip, ip6 or both; one "
		 "without either is not used, and at least one port needs "
		 "one.",
	  .linux_eq = "ip addr add A.B.C.D/LEN dev DEV" },
	{ .sec = SEC_PORT, .name = "ip6", .type = T_IP6NET, WHOLE(port[0]),
	  .example = "2001:2::1/64",
	  .doc = "IPv6 address and prefix length of DPDK port N, alongside "
		 "or instead of ip (neighbor solicitations are answered for "
		 "it).  Examples use the benchmarking range 2001:2::/48 "
		 "(RFC 5180).",
	  .linux_eq = "ip -6 addr add ADDR/LEN dev DEV" },
	{ .sec = SEC_PORT, .name = "gateway", .type = T_IP4, PFIELD(gateway),
	  .def = "none",
	  .doc = "Next hop for destinations outside the port's prefix (must "
		 "be inside it); none = such destinations are unreachable.",
	  .linux_eq = "ip route add default via A.B.C.D" },
	{ .sec = SEC_PORT, .name = "gateway6", .type = T_IP6, WHOLE(port[0]),
	  .def = "none",
	  .doc = "IPv6 next hop for destinations outside the ip6 prefix: a "
		 "link-local fe80::/10 address or another address inside "
		 "the prefix (needs ip6); none = such destinations are "
		 "unreachable.",
	  .linux_eq = "ip -6 route add default via ADDR" },
	{ .sec = SEC_PORT, .name = "mtu", .type = T_UINT, PFIELD(mtu),
	  .min = 0, .max = 16110, .def = "0",
	  .doc = "IP MTU of the port, 68 or more, set on the port at start; "
		 "0 = keep the PMD's (usually 1500).  Caps tcp.mss at MTU - "
		 "40; the mbufs are sized for the largest frame (up to a "
		 "16128-byte jumbo frame).",
	  .linux_eq = "ip link set DEV mtu N" },

	/* [tcp]: Linux names and defaults, see teardown.md */
	{ .sec = SEC_TCP, .name = "max_conns", .type = T_UINT,
	  FIELD(tcp.max_conns), .min = 1, .max = 1u << 28, .def = "65536",
	  .doc = "Full connections (not TIME_WAIT records) per lcore; the "
		 "tables are sized for it at start.  A connect beyond it is "
		 "refused; a SYN gets a SYN cookie (syncookies) or RST.",
	  .linux_eq = "ulimit -n, fs.nr_open (one fd per socket)" },
	{ .sec = SEC_TCP, .name = "time_wait", .type = T_TIME, .unit = U_S,
	  FIELD(tcp.time_wait), .min = 0, .max = S(86400), .def = "60",
	  .doc = "TIME_WAIT length (2MSL) kept by the active closer, "
		 "restarted by a retransmitted FIN.  Fractions allowed "
		 "(0.5 = TRex/warp17); 0 = records expire on the next tick.",
	  .linux_eq = "TCP_TIMEWAIT_LEN (60 s, compiled in)" },
	{ .sec = SEC_TCP, .name = "fin_timeout", .type = T_TIME, .unit = U_S,
	  FIELD(tcp.fin_timeout), .min = S(1) / 1000, .max = S(86400),
	  .def = "60",
	  .doc = "How long an orphaned FIN_WAIT_2 connection (application "
		 "closed, peer's FIN not seen) is kept before CLOSED.  Not "
		 "applied after shutdown().",
	  .linux_eq = "net.ipv4.tcp_fin_timeout" },
	{ .sec = SEC_TCP, .name = "orphan_retries", .type = T_UINT,
	  FIELD(tcp.orphan_retries), .min = 0, .max = 255, .def = "0",
	  .doc = "FIN retransmissions for a connection its application has "
		 "closed (FIN_WAIT_1, CLOSING, LAST_ACK) before it is "
		 "dropped; 0 means 8, as in Linux.",
	  .linux_eq = "net.ipv4.tcp_orphan_retries" },
	{ .sec = SEC_TCP, .name = "retries2", .type = T_UINT,
	  FIELD(tcp.retries2), .min = 1, .max = 255, .def = "15",
	  .doc = "Retransmissions of data or FIN for a connection the "
		 "application still holds, before it is dropped.",
	  .linux_eq = "net.ipv4.tcp_retries2" },
	{ .sec = SEC_TCP, .name = "synack_retries", .type = T_UINT,
	  FIELD(tcp.synack_retries), .min = 0, .max = 255, .def = "5",
	  .doc = "SYN-ACK retransmissions for a passive open.",
	  .linux_eq = "net.ipv4.tcp_synack_retries" },
	{ .sec = SEC_TCP, .name = "syn_retries", .type = T_UINT,
	  FIELD(tcp.syn_retries), .min = 1, .max = 127, .def = "6",
	  .doc = "SYN retransmissions for an active open (client).",
	  .linux_eq = "net.ipv4.tcp_syn_retries" },
	{ .sec = SEC_TCP, .name = "rto_min", .type = T_TIME, .unit = U_MS,
	  FIELD(tcp.rto_min), .min = 100, .max = MS(600000), .def = "200",
	  .doc = "Lower bound of the retransmission timeout (RFC 6298 2.4 "
		 "says 1 s; Linux uses 200 ms).",
	  .linux_eq = "TCP_RTO_MIN; ip route ... rto_min" },
	{ .sec = SEC_TCP, .name = "rto_max", .type = T_TIME, .unit = U_MS,
	  FIELD(tcp.rto_max), .min = 100, .max = MS(3600000),
	  .def = "120000",
	  .doc = "Upper bound of the backed-off retransmission timeout.",
	  .linux_eq = "TCP_RTO_MAX (120 s); net.ipv4.tcp_rto_max_ms "
		      "on recent kernels" },
	{ .sec = SEC_TCP, .name = "rto_initial", .type = T_TIME, .unit = U_MS,
	  FIELD(tcp.rto_initial), .min = 100, .max = MS(600000),
	  .def = "1000",
	  .doc = "Retransmission timeout before an RTT is measured "
		 "(SYN, SYN-ACK; RFC 6298 2.1).",
	  .linux_eq = "TCP_TIMEOUT_INIT" },
	{ .sec = SEC_TCP, .name = "early_retrans", .type = T_UINT,
	  FIELD(tcp.early_retrans), .min = 0, .max = 4, .def = "3",
	  .doc = "Tail loss probe (RFC 8985 7) with Linux's values: 3 or 4 "
		 "= on (a SACK connection whose last segment or FIN is "
		 "unacknowledged retransmits it once after 2 SRTT, plus "
		 "rto_min with one segment in flight, at most the RTO); "
		 "0, 1, 2 = off (RTO backoff only).",
	  .linux_eq = "net.ipv4.tcp_early_retrans" },
	{ .sec = SEC_TCP, .name = "delayed_ack", .type = T_TIME, .unit = U_MS,
	  FIELD(tcp.delayed_ack), .min = 0, .max = MS(500), .def = "40",
	  .doc = "How long an ACK may wait for data or a second segment "
		 "(RFC 9293: less than 0.5 s); 0 = ACK every segment at once.",
	  .linux_eq = "TCP_DELACK_MIN; TCP_QUICKACK" },
	{ .sec = SEC_TCP, .name = "max_tw_buckets", .type = T_UINT,
	  FIELD(tcp.max_tw_buckets), .min = 0, .max = UINT32_MAX,
	  .def = "262144",
	  .doc = "TIME_WAIT records for the whole process, shared out per "
		 "lcore.  When full, tw_policy decides.",
	  .linux_eq = "net.ipv4.tcp_max_tw_buckets" },
	{ .sec = SEC_TCP, .name = "tw_policy", .type = T_ENUM,
	  FIELD(tcp.tw_policy), .names = tw_policy_names, .def = "close",
	  .doc = "When TIME_WAIT is full: close = the new connection skips "
		 "TIME_WAIT and is counted (Linux TCPTimeWaitOverflow); "
		 "evict_oldest = the oldest record is dropped (FreeBSD).",
	  .linux_eq = "tcp_max_tw_buckets overflow (close)" },
	{ .sec = SEC_TCP, .name = "rfc1337", .type = T_UINT,
	  FIELD(tcp.rfc1337), .min = 0, .max = 1, .def = "0",
	  .doc = "An in-window RST in TIME_WAIT: 0 = ends TIME_WAIT early; "
		 "1 = ignored (RFC 1337).",
	  .linux_eq = "net.ipv4.tcp_rfc1337" },
	{ .sec = SEC_TCP, .name = "timestamps", .type = T_BOOL,
	  FIELD(tcp.timestamps), .def = "on",
	  .doc = "Offer and accept TCP timestamps (RFC 7323): RTT "
		 "measurement, PAWS, and a condition of tw_reuse.",
	  .linux_eq = "net.ipv4.tcp_timestamps" },
	{ .sec = SEC_TCP, .name = "sack", .type = T_BOOL, FIELD(tcp.sack),
	  .def = "on",
	  .doc = "Advertise SACK-permitted (RFC 2018).",
	  .linux_eq = "net.ipv4.tcp_sack" },
	{ .sec = SEC_TCP, .name = "wscale", .type = T_UINT, FIELD(tcp.wscale),
	  .min = 0, .max = 14, .def = "7",
	  .doc = "Window scale shift advertised (RFC 7323, at most 14); "
		 "rcv_wnd must fit in 65535 << wscale.",
	  .linux_eq = "net.ipv4.tcp_window_scaling (shift derived from "
		      "tcp_rmem)" },
	{ .sec = SEC_TCP, .name = "mss", .type = T_UINT, FIELD(tcp.mss),
	  .min = 88, .max = 9000, .def = "1460",
	  .doc = "MSS advertised and largest segment sent (also capped by "
		 "the peer's MSS and the port MTU - 40).",
	  .linux_eq = "ip route ... advmss; TCP_MAXSEG" },
	{ .sec = SEC_TCP, .name = "min_snd_mss", .type = T_UINT,
	  FIELD(tcp.min_snd_mss), .min = 48, .max = 9000, .def = "48",
	  .doc = "Smallest MSS we send with, whatever smaller MSS the peer "
		 "announces (an MSS below the option bytes would leave no "
		 "room for data).",
	  .linux_eq = "net.ipv4.tcp_min_snd_mss" },
	{ .sec = SEC_TCP, .name = "sndbuf", .type = T_BYTES,
	  FIELD(tcp.sndbuf), .min = 4096, .max = 1u << 30, .def = "4194304",
	  .doc = "Send queue bound per connection: the HTTP responder hands "
		 "no further pipelined response to TCP while this many "
		 "bytes are queued and unacknowledged (one response is "
		 "always allowed, so the queue stays below sndbuf + one "
		 "response).",
	  .linux_eq = "net.ipv4.tcp_wmem (max, 4 MiB)" },
	{ .sec = SEC_TCP, .name = "rcv_wnd", .type = T_BYTES,
	  FIELD(tcp.rcv_wnd), .min = 536, .max = 65535u << 14,
	  .def = "1048576",
	  .doc = "Receive window advertised, in bytes.",
	  .linux_eq = "net.ipv4.tcp_rmem" },
	{ .sec = SEC_TCP, .name = "ofo_max_segs", .type = T_UINT,
	  FIELD(tcp.ofo_max_segs), .min = 0, .max = 65535, .def = "1024",
	  .doc = "Out-of-order segments held per connection until the hole "
		 "before them fills (their bytes are bounded by rcv_wnd); "
		 "0 drops out-of-order data.",
	  .linux_eq = "net.ipv4.tcp_rmem (the queue shares the receive "
		      "buffer)" },
	{ .sec = SEC_TCP, .name = "ofo_mbufs", .type = T_UINT,
	  FIELD(tcp.ofo_mbufs), .min = 0, .max = 1u << 24, .def = "4096",
	  .doc = "Out-of-order segments (mbufs) held per lcore over all its "
		 "connections; the mempool grows by as many.",
	  .linux_eq = "net.ipv4.tcp_mem (global socket memory)" },
	{ .sec = SEC_TCP, .name = "init_cwnd", .type = T_UINT,
	  FIELD(tcp.init_cwnd), .min = 1, .max = 1024, .def = "10",
	  .doc = "Initial congestion window in segments (RFC 6928).",
	  .linux_eq = "ip route ... initcwnd" },
	{ .sec = SEC_TCP, .name = "keepalive", .type = T_BOOL,
	  FIELD(tcp.keepalive), .def = "off",
	  .doc = "Send keep-alive probes on idle connections.",
	  .linux_eq = "SO_KEEPALIVE (off by default)" },
	{ .sec = SEC_TCP, .name = "keepalive_time", .type = T_TIME, .unit = U_S,
	  FIELD(tcp.keepalive_time), .min = S(1), .max = S(32767),
	  .def = "7200",
	  .doc = "Idle time before the first keep-alive probe.",
	  .linux_eq = "net.ipv4.tcp_keepalive_time" },
	{ .sec = SEC_TCP, .name = "keepalive_intvl", .type = T_TIME,
	  .unit = U_S, FIELD(tcp.keepalive_intvl), .min = S(1),
	  .max = S(32767), .def = "75",
	  .doc = "Time between unanswered keep-alive probes.",
	  .linux_eq = "net.ipv4.tcp_keepalive_intvl" },
	{ .sec = SEC_TCP, .name = "keepalive_probes", .type = T_UINT,
	  FIELD(tcp.keepalive_probes), .min = 1, .max = 127, .def = "9",
	  .doc = "Unanswered probes after which the connection is dropped.",
	  .linux_eq = "net.ipv4.tcp_keepalive_probes" },
	{ .sec = SEC_TCP, .name = "tw_reuse", .type = T_UINT,
	  FIELD(tcp.tw_reuse), .min = 0, .max = 2, .def = "2",
	  .doc = "Let a connect reuse a 4-tuple held in TIME_WAIT once the "
		 "record is tw_reuse_delay old and had timestamps: 0 = off, "
		 "1 = on, 2 = only for 127.0.0.0/8 (Linux), which tcpterm's "
		 "ports never carry.",
	  .linux_eq = "net.ipv4.tcp_tw_reuse" },
	{ .sec = SEC_TCP, .name = "tw_reuse_delay", .type = T_TIME,
	  .unit = U_MS, FIELD(tcp.tw_reuse_delay), .min = MS(1),
	  .max = MS(3600000), .def = "1000",
	  .doc = "Minimum age of a TIME_WAIT record before tw_reuse may "
		 "take its 4-tuple.",
	  .linux_eq = "net.ipv4.tcp_tw_reuse_delay (recent kernels; "
		      "1 s fixed before)" },
	{ .sec = SEC_TCP, .name = "syncookies", .type = T_UINT,
	  FIELD(tcp.syncookies), .min = 0, .max = 2, .def = "1",
	  .doc = "SYN cookies: 1 = when the connection table or the "
		 "SYN_RECEIVED backlog (max_syn_backlog) is full, a SYN is "
		 "answered with a cookie SYN-ACK and no state is kept until "
		 "its ACK; 2 = always; 0 = never (a full table answers RST, "
		 "a full backlog drops the SYN).",
	  .linux_eq = "net.ipv4.tcp_syncookies" },
	{ .sec = SEC_TCP, .name = "max_syn_backlog", .type = T_UINT,
	  FIELD(tcp.max_syn_backlog), .min = 0, .max = 1u << 28,
	  .def = "0",
	  .doc = "Connections in SYN_RECEIVED per lcore before further SYNs "
		 "get cookies (or are dropped with syncookies = 0); 0 = "
		 "max(128, max_conns / 128), as Linux sizes it from its "
		 "connection hash.",
	  .linux_eq = "net.ipv4.tcp_max_syn_backlog; the listen backlog "
		      "(net.core.somaxconn)" },

	/* [http] */
	{ .sec = SEC_HTTP, .name = "listen", .type = T_PORTLIST, WHOLE(http),
	  .def = "80",
	  .doc = "TCP ports the server accepts connections on (comma "
		 "separated, up to 16); a SYN to any other port gets RST.",
	  .linux_eq = "nginx listen" },
	{ .sec = SEC_HTTP, .name = "body_size", .type = T_BYTES,
	  FIELD(http.body_size), .min = 0, .max = 64u << 20, .def = "128",
	  .doc = "Length of the 200 response body, in bytes.",
	  .linux_eq = "none (the file nginx serves)" },
	{ .sec = SEC_HTTP, .name = "keepalive_requests", .type = T_UINT,
	  FIELD(http.keepalive_requests), .min = 0, .max = UINT32_MAX,
	  .def = "1000",
	  .doc = "The server closes a connection after this many requests; "
		 "0 = no limit.",
	  .linux_eq = "nginx keepalive_requests (1000 since 1.19.10)" },
	{ .sec = SEC_HTTP, .name = "keepalive_timeout", .type = T_TIME,
	  .unit = U_S, FIELD(http.keepalive_timeout), .min = 0,
	  .max = S(86400), .def = "75",
	  .doc = "The server closes a connection idle this long between "
		 "requests; 0 = no keep-alive (close after each response).",
	  .linux_eq = "nginx keepalive_timeout (75 s)" },
	{ .sec = SEC_HTTP, .name = "close_mode", .type = T_ENUM,
	  FIELD(http.close_mode), .names = close_mode_names, .def = "close",
	  .doc = "How the application ends a connection: close = close() "
		 "(orphan: FIN_WAIT_2 bounded by fin_timeout, later data "
		 "answered by RST); shutdown = shutdown(SHUT_WR), then read "
		 "until the peer's FIN (FIN_WAIT_2 without limit).",
	  .linux_eq = "close(2) / shutdown(2)" },
	{ .sec = SEC_HTTP, .name = "rst_fraction", .type = T_PROB,
	  FIELD(http.rst_fraction), .def = "0",
	  .doc = "Fraction of application closes done with RST instead of "
		 "FIN (no TIME_WAIT).",
	  .linux_eq = "SO_LINGER {l_onoff = 1, l_linger = 0}" },
	{ .sec = SEC_HTTP, .name = "close_wait_delay", .type = T_TIME_NEVER,
	  .unit = U_MS, FIELD(http.close_wait_delay), .min = 0,
	  .max = MS(86400000), .def = "0",
	  .doc = "After the peer's FIN (EOF) the application waits this long "
		 "before closing; never = it never closes, connections pile "
		 "up in CLOSE_WAIT like a leaking application's.",
	  .linux_eq = "none (application behaviour)" },

	/* [fault] */
	{ .sec = SEC_FAULT, .name = "seed", .type = T_UINT, FIELD(fault.seed),
	  .min = 0, .max = UINT64_MAX, .def = "1",
	  .doc = "Seed of the fault injection PRNG: the same seed and "
		 "traffic give the same losses.",
	  .linux_eq = "none" },
	{ .sec = SEC_FAULT, .name = "drop_fin1", .type = T_PROB,
	  FIELD(fault.drop_fin1), .def = "0",
	  .doc = "Probability that the active closer's FIN is lost (segment "
		 "1 of the four-way close; drawn again for each "
		 "retransmission).",
	  .linux_eq = "none (tc netem with a u32 filter)" },
	{ .sec = SEC_FAULT, .name = "drop_fin1_ack", .type = T_PROB,
	  FIELD(fault.drop_fin1_ack), .def = "0",
	  .doc = "Probability that the ACK of the first FIN is lost "
		 "(segment 2).",
	  .linux_eq = "none (tc netem with a u32 filter)" },
	{ .sec = SEC_FAULT, .name = "drop_fin2", .type = T_PROB,
	  FIELD(fault.drop_fin2), .def = "0",
	  .doc = "Probability that the passive closer's FIN is lost "
		 "(segment 3).",
	  .linux_eq = "none (tc netem with a u32 filter)" },
	{ .sec = SEC_FAULT, .name = "drop_fin2_ack", .type = T_PROB,
	  FIELD(fault.drop_fin2_ack), .def = "0",
	  .doc = "Probability that the last ACK is lost (segment 4).",
	  .linux_eq = "none (tc netem with a u32 filter)" },
	{ .sec = SEC_FAULT, .name = "rx_drop", .type = T_PROB,
	  FIELD(fault.rx_drop), .def = "0",
	  .doc = "Probability that any received packet is dropped.",
	  .linux_eq = "tc qdisc ... netem loss (on ingress via ifb)" },
	{ .sec = SEC_FAULT, .name = "tx_drop", .type = T_PROB,
	  FIELD(fault.tx_drop), .def = "0",
	  .doc = "Probability that any transmitted packet is dropped.",
	  .linux_eq = "tc qdisc add dev DEV root netem loss P%" },
	{ .sec = SEC_FAULT, .name = "tx_delay", .type = T_TIME, .unit = U_US,
	  FIELD(fault.tx_delay), .min = 0, .max = 1000000, .def = "0",
	  .doc = "Delay added to every transmitted packet.",
	  .linux_eq = "tc qdisc add dev DEV root netem delay T" },

	/* [client] */
	{ .sec = SEC_CLIENT, .name = "targets", .type = T_TARGETS,
	  WHOLE(client), .example = "198.18.0.1:80",
	  .doc = "Servers to connect to, A.B.C.D:port or [IPv6]:port (e.g. "
		 "[2001:2::1]:80), comma separated, families mixed, up to 16, "
		 "used in turn.  Required in client and both modes.  An IPv4 "
		 "target needs a port with ip, an IPv6 one a port with ip6.",
	  .linux_eq = "wrk URL" },
	{ .sec = SEC_CLIENT, .name = "src_ip", .type = T_IPRANGE,
	  WHOLE(client), .example = "198.18.0.2-198.18.0.9",
	  .doc = "Source address or range A.B.C.D-E.F.G.H (inside a port's "
		 "prefix; ARP is answered for each), an IPv6 address or range "
		 "2001:2::10-2001:2::ff (inside a port's ip6 prefix, ends "
		 "differing in the last 32 bits only) for the IPv6 targets, "
		 "or one of each, comma separated.  A family left unset = "
		 "the ip or ip6 of the port the targets are reached through.",
	  .linux_eq = "bind() before connect(); IP_BIND_ADDRESS_NO_PORT" },
	{ .sec = SEC_CLIENT, .name = "src_ports", .type = T_PORTRANGE,
	  WHOLE(client), .def = "32768-60999",
	  .doc = "Source port range lo-hi for connects.",
	  .linux_eq = "net.ipv4.ip_local_port_range" },
	{ .sec = SEC_CLIENT, .name = "rate", .type = T_UINT,
	  FIELD(client.rate), .min = 0, .max = 1000000000, .def = "0",
	  .doc = "New connections per second, whole process; 0 = as fast as "
		 "concurrency allows.",
	  .linux_eq = "none (wrk2 -R)" },
	{ .sec = SEC_CLIENT, .name = "ramp_up", .type = T_TIME, .unit = U_S,
	  FIELD(client.ramp_up), .min = 0, .max = S(86400), .def = "0",
	  .doc = "The connection rate (or concurrency, when rate = 0) grows "
		 "linearly from 0 to its target over this time.",
	  .linux_eq = "none" },
	{ .sec = SEC_CLIENT, .name = "concurrency", .type = T_UINT,
	  FIELD(client.concurrency), .min = 1, .max = 1u << 28,
	  .def = "1000",
	  .doc = "Connections open at once at most, whole process.",
	  .linux_eq = "none (wrk -c)" },
	{ .sec = SEC_CLIENT, .name = "requests_per_conn", .type = T_UINT,
	  FIELD(client.requests_per_conn), .min = 1, .max = UINT32_MAX,
	  .def = "1",
	  .doc = "Requests sent on a connection before it is ended (see "
		 "closer).",
	  .linux_eq = "none" },
	{ .sec = SEC_CLIENT, .name = "path", .type = T_PATH,
	  FIELD(client.path), .def = "/",
	  .doc = "Request target of the GET.",
	  .linux_eq = "wrk URL path" },
	{ .sec = SEC_CLIENT, .name = "host", .type = T_TOKEN,
	  FIELD(client.host), .def = "tcpterm",
	  .doc = "Host header of the requests.",
	  .linux_eq = "wrk -H 'Host: ...'" },
	{ .sec = SEC_CLIENT, .name = "closer", .type = T_ENUM,
	  FIELD(client.closer), .names = closer_names, .def = "client",
	  .doc = "Who closes first after the last response: client (the "
		 "client holds TIME_WAIT) or server (the last request says "
		 "Connection: close; the server holds TIME_WAIT).",
	  .linux_eq = "wrk -H 'Connection: close' (server)" },

	/* [capture] */
	{ .sec = SEC_CAPTURE, .name = "file", .type = T_TOKEN,
	  FIELD(capture.file), .def = "off", .example = "/tmp/tcpterm.pcapng",
	  .doc = "Write the packets of sampled connections to this pcapng "
		 "file (Wireshark, tshark); off = no capture.  Workers hand "
		 "copies to a ring and a control thread writes the file, so "
		 "capture never blocks a worker (a full ring is a counted "
		 "drop).",
	  .linux_eq = "tcpdump -w FILE" },
	{ .sec = SEC_CAPTURE, .name = "sample", .type = T_PROB,
	  FIELD(capture.sample), .def = "0",
	  .doc = "Fraction of connections captured, chosen by a keyed hash of "
		 "the 4-tuple: every packet of a chosen connection, both "
		 "directions, from its SYN to its last ACK.",
	  .linux_eq = "none (tcpdump captures all or filters by port)" },
	{ .sec = SEC_CAPTURE, .name = "snaplen", .type = T_UINT,
	  FIELD(capture.snaplen), .min = 64, .max = 9216, .def = "1600",
	  .doc = "Bytes kept of each frame.",
	  .linux_eq = "tcpdump -s" },
	{ .sec = SEC_CAPTURE, .name = "max_size", .type = T_BYTES,
	  FIELD(capture.max_size), .min = 0, .max = UINT64_MAX, .def = "0",
	  .doc = "Largest file, in bytes; 0 = no limit.  What happens then is "
		 "at_max.",
	  .linux_eq = "tcpdump -C" },
	{ .sec = SEC_CAPTURE, .name = "at_max", .type = T_ENUM,
	  FIELD(capture.at_max), .names = at_max_names, .def = "stop",
	  .doc = "When the file reaches max_size: stop (later packets are "
		 "counted, not written) or rotate (the file becomes FILE.1, "
		 "replacing an older one, and a new FILE starts).",
	  .linux_eq = "tcpdump -C with -W 2" },
	{ .sec = SEC_CAPTURE, .name = "anomalies", .type = T_BOOL,
	  FIELD(capture.anomalies), .def = "off",
	  .doc = "Also write the connections that end badly (reset, "
		 "retransmission or keep-alive give-up, FIN_WAIT_2 timeout, "
		 "abort), sampled or not: while on, each worker keeps the "
		 "last anomaly_depth packets of every open connection.",
	  .linux_eq = "none" },
	{ .sec = SEC_CAPTURE, .name = "anomaly_depth", .type = T_UINT,
	  FIELD(capture.anomaly_depth), .min = 1, .max = 32, .def = "8",
	  .doc = "Packets kept per open connection for anomalies.",
	  .linux_eq = "none" },
	{ .sec = SEC_CAPTURE, .name = "mbufs", .type = T_UINT,
	  FIELD(capture.mbufs), .min = 1023, .max = (1u << 24) - 1,
	  .def = "16383",
	  .doc = "Packet copies in the capture pool (on their way to the file "
		 "and kept for anomalies); when it runs dry a copy is a "
		 "counted drop.",
	  .linux_eq = "tcpdump -B" },
};

_Static_assert(sizeof(cfg_keys) / sizeof(cfg_keys[0]) == CFG_NKEYS,
	       "CFG_NKEYS in config_priv.h does not match cfg_keys[]");

void
tt_config_defaults(struct tt_config *cfg)
{
	char err[256];
	unsigned p, nport;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < CFG_NKEYS; i++) {
		const struct cfg_key *k = &cfg_keys[i];

		if (k->def == NULL)
			continue;
		nport = k->sec == SEC_PORT ? TT_MAX_PORTS : 1;
		for (p = 0; p < nport; p++) {
			if (cfg_apply(cfg, k->sec, p, k->name, k->def,
				      "default", err, sizeof(err)) != 0) {
				/* the table contradicts itself: a bug */
				fprintf(stderr, "tcpterm: bad config table: "
					"[%s] %s %s\n",
					cfg_section_names[k->sec], k->name,
					err);
				abort();
			}
		}
	}
}
