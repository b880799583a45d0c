/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration.
 *
 * One table (cfg_keys[] below) lists every key once: its section, type,
 * range, default, unit, meaning and Linux equivalent.  Defaults, file
 * loading, --set overrides, error messages and the printed reference are
 * all driven by it, so they cannot drift apart.
 *
 * Files are read with rte_cfgfile.  rte_cfgfile skips lines it does not
 * understand and reports its own errors only through the log without a
 * reason the caller can see, so each file is first checked line by line
 * here (cfg_lint_line) with the same lexical rules; rte_cfgfile then only
 * ever sees files it parses exactly as the check did.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>

#include "config/config.h"

enum cfg_section {
	SEC_GENERAL, SEC_PORT, SEC_TCP, SEC_HTTP, SEC_FAULT, SEC_CLIENT,
	SEC_COUNT
};

static const char *const cfg_section_names[SEC_COUNT] = {
	"general", "port", "tcp", "http", "fault", "client",
};

#define CFG_KNOWN_SECTIONS "general, port0..port7, tcp, http, fault, client"

enum cfg_type {
	T_UINT,        /* decimal integer, stored in a 1, 2, 4 or 8 byte field */
	T_BYTES,       /* integer with an optional K/M/G (KiB/MiB/GiB) suffix */
	T_BOOL,        /* on/off/yes/no/true/false/1/0 */
	T_ENUM,        /* one of names[], stored as uint8_t index */
	T_TIME,        /* number in .unit (fractions ok), stored uint64_t us */
	T_TIME_NEVER,  /* T_TIME or "never", stored int64_t us, never = -1 */
	T_PROB,        /* probability 0..1, stored double */
	T_IP4NET,      /* A.B.C.D/len, dst = struct tt_port_config */
	T_IP4,         /* A.B.C.D or none, stored uint32_t host order */
	T_PORTLIST,    /* p[,p...], dst = struct tt_http_config */
	T_TARGETS,     /* A.B.C.D:p[,...], dst = struct tt_client_config */
	T_IPRANGE,     /* A.B.C.D[-E.F.G.H], dst = struct tt_client_config */
	T_PORTRANGE,   /* lo[-hi], dst = struct tt_client_config */
	T_PATH,        /* "/..." printable, no spaces, stored char[size] */
	T_TOKEN,       /* printable, no spaces, stored char[size] */
};

enum cfg_unit { U_NONE, U_S, U_MS, U_US };

static const uint64_t cfg_unit_scale[] = { 1, 1000000, 1000, 1 };
static const char *const cfg_unit_name[] = {
	"", "seconds", "milliseconds", "microseconds"
};

struct cfg_key {
	uint8_t sec;               /* enum cfg_section */
	uint8_t type;              /* enum cfg_type */
	uint8_t unit;              /* enum cfg_unit, times only */
	const char *name;
	size_t off;                /* into struct tt_config (port 0 for ports) */
	size_t size;
	uint64_t min, max;         /* integers: as written; times: in us */
	const char *const *names;  /* T_ENUM */
	const char *def;           /* default as written in a file; NULL: none */
	const char *example;       /* shown instead when there is no default */
	const char *doc;
	const char *linux_eq;
};

#define FIELD(m)  .off = offsetof(struct tt_config, m), \
		  .size = sizeof(((struct tt_config *)0)->m)
#define PFIELD(m) .off = offsetof(struct tt_config, port[0].m), \
		  .size = sizeof(((struct tt_config *)0)->port[0].m)
#define WHOLE(m)  .off = offsetof(struct tt_config, m), \
		  .size = sizeof(((struct tt_config *)0)->m)

#define S(x)  ((uint64_t)(x) * 1000000)
#define MS(x) ((uint64_t)(x) * 1000)
#define NOMAX UINT64_MAX

static const char *const mode_names[] = { "server", "client", "both", NULL };
static const char *const tw_policy_names[] = { "close", "evict_oldest", NULL };
static const char *const close_mode_names[] = { "close", "shutdown", NULL };
static const char *const closer_names[] = { "client", "server", NULL };

static const struct cfg_key cfg_keys[] = {
	/* [general] */
	{ .sec = SEC_GENERAL, .name = "mode", .type = T_ENUM, FIELD(gen.mode),
	  .names = mode_names, .def = "server",
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

	/* [port0] .. [port7] */
	{ .sec = SEC_PORT, .name = "ip", .type = T_IP4NET, WHOLE(port[0]),
	  .example = "198.18.0.1/24",
	  .doc = "Address and prefix length of DPDK port N (ARP is answered "
		 "for it).  A port without ip is not used; at least one port "
		 "needs one.",
	  .linux_eq = "ip addr add A.B.C.D/LEN dev DEV" },
	{ .sec = SEC_PORT, .name = "gateway", .type = T_IP4, PFIELD(gateway),
	  .def = "none",
	  .doc = "Next hop for destinations outside the port's prefix (must "
		 "be inside it); none = such destinations are unreachable.",
	  .linux_eq = "ip route add default via A.B.C.D" },
	{ .sec = SEC_PORT, .name = "mtu", .type = T_UINT, PFIELD(mtu),
	  .min = 0, .max = 65535, .def = "0",
	  .doc = "IP MTU of the port, 68 or more; 0 = keep the PMD's "
		 "(usually 1500).",
	  .linux_eq = "ip link set DEV mtu N" },

	/* [tcp]: Linux names and defaults, see teardown.md */
	{ .sec = SEC_TCP, .name = "max_conns", .type = T_UINT,
	  FIELD(tcp.max_conns), .min = 1, .max = 1u << 28, .def = "65536",
	  .doc = "Full connections (not TIME_WAIT records) per lcore; the "
		 "tables are sized for it at start.  A SYN or connect beyond "
		 "it is refused.",
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
	{ .sec = SEC_TCP, .name = "rcv_wnd", .type = T_BYTES,
	  FIELD(tcp.rcv_wnd), .min = 536, .max = 65535u << 14,
	  .def = "1048576",
	  .doc = "Receive window advertised, in bytes.",
	  .linux_eq = "net.ipv4.tcp_rmem" },
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
	  .doc = "Servers to connect to, A.B.C.D:port, comma separated, up "
		 "to 16, used in turn.  Required in client and both modes.",
	  .linux_eq = "wrk URL" },
	{ .sec = SEC_CLIENT, .name = "src_ip", .type = T_IPRANGE,
	  WHOLE(client), .example = "198.18.0.2-198.18.0.9",
	  .doc = "Source address or range A.B.C.D-E.F.G.H (inside a port's "
		 "prefix; ARP is answered for each).  Unset = the address of "
		 "the port the target is reached through.",
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
};

#define CFG_NKEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

/* rte_cfgfile reads lines into a buffer of this size with fgets(). */
#define CFG_LINE_BUF (CFG_NAME_LEN + CFG_VALUE_LEN + 4)
/* Longest line (without its '\n') rte_cfgfile accepts. */
#define CFG_LINE_MAX (CFG_LINE_BUF - 2)
/* Longest value accepted from --set (lists can outgrow CFG_VALUE_LEN). */
#define CFG_SET_MAX 1024

/* ---- small helpers ---------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
cfg_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Copy a user string for an error message: control bytes become '?' so
 * the message stays one line, and long values are cut.
 */
static const char *
cfg_printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[i] = '\0';
	if (s[i] != '\0' && len > 4)
		memcpy(buf + len - 4, "...", 4);
	return buf;
}

static const char *
cfg_skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Trim [s, e) in place and return the trimmed start (NUL terminated). */
static char *
cfg_trim(char *s, char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

static const char *
cfg_fmt_ip(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

static const char *
cfg_secname(unsigned sec, unsigned port, char *buf, size_t len)
{
	if (sec == SEC_PORT)
		snprintf(buf, len, "port%u", port);
	else
		snprintf(buf, len, "%s", cfg_section_names[sec]);
	return buf;
}

/* value (in us) as a number of `scale` units, without trailing zeros */
static const char *
cfg_fmt_scaled(uint64_t v, uint64_t scale, char *buf, size_t len)
{
	uint64_t frac = v % scale;
	int digits = 0;
	uint64_t s;

	if (frac == 0) {
		snprintf(buf, len, "%" PRIu64, v / scale);
		return buf;
	}
	for (s = scale; s > 1; s /= 10)
		digits++;
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, v / scale, digits, frac);
	return buf;
}

/* ---- number and address scanners -------------------------------------- */

struct cfg_num {
	uint64_t ip;     /* integer part */
	uint64_t fnum;   /* fraction = fnum / fden */
	uint64_t fden;
};

/*
 * Scan an unsigned decimal "123", "1.5" or ".5" (fractions only if
 * frac_ok).  No sign, exponent, hex or spaces, so "-3", "1e3", "0x10"
 * never turn into a different number than the user meant.  Returns the
 * end of the number, or NULL if there is none or it overflows.
 */
static const char *
cfg_scan_num(const char *s, bool frac_ok, struct cfg_num *n)
{
	bool digits = false;

	n->ip = 0;
	n->fnum = 0;
	n->fden = 1;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s - '0');

		if (n->ip > (UINT64_MAX - d) / 10)
			return NULL;
		n->ip = n->ip * 10 + d;
		digits = true;
		s++;
	}
	if (frac_ok && *s == '.') {
		s++;
		while (isdigit((unsigned char)*s)) {
			/* 12 digits are far below any unit we store */
			if (n->fden < 1000000000000ULL) {
				n->fnum = n->fnum * 10 + (unsigned)(*s - '0');
				n->fden *= 10;
			}
			digits = true;
			s++;
		}
	}
	return digits ? s : NULL;
}

/* n * scale rounded to the nearest integer; -1 on overflow */
static int
cfg_num_scaled(const struct cfg_num *n, uint64_t scale, uint64_t *out)
{
	uint64_t whole, frac;

	if (scale != 0 && n->ip > UINT64_MAX / scale)
		return -1;
	whole = n->ip * scale;
	/* fnum < fden <= 10^12 and scale <= 10^6: no overflow */
	frac = (n->fnum * scale + n->fden / 2) / n->fden;
	if (whole > UINT64_MAX - frac)
		return -1;
	*out = whole + frac;
	return 0;
}

/* A.B.C.D, decimal octets without leading zeros (no octal surprises) */
static const char *
cfg_scan_ip(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned o = 0;
		int nd = 0;

		if (i > 0) {
			if (*s != '.')
				return NULL;
			s++;
		}
		while (isdigit((unsigned char)*s) && nd < 4) {
			o = o * 10 + (unsigned)(*s - '0');
			nd++;
			s++;
		}
		if (nd == 0 || nd > 3 || o > 255 ||
		    (nd > 1 && s[-nd] == '0'))
			return NULL;
		v = (v << 8) | o;
	}
	*ip = v;
	return s;
}

/* integer 1..65535 */
static const char *
cfg_scan_port(const char *s, uint16_t *port)
{
	struct cfg_num n;
	const char *e = cfg_scan_num(s, false, &n);

	if (e == NULL || n.ip < 1 || n.ip > 65535)
		return NULL;
	*port = (uint16_t)n.ip;
	return e;
}

static bool
cfg_in_prefix(uint32_t ip, uint32_t net, unsigned len)
{
	uint32_t mask = len == 0 ? 0 : UINT32_MAX << (32 - len);

	return (ip & mask) == (net & mask);
}

/* ---- the allowed values of a key, for errors and the reference ------- */

static uint64_t
cfg_field_max(const struct cfg_key *k)
{
	uint64_t m = k->size >= 8 ? UINT64_MAX : (1ULL << (8 * k->size)) - 1;

	return k->max < m ? k->max : m;
}

static const char *
cfg_allowed(const struct cfg_key *k, char *buf, size_t len)
{
	char a[32], b[32];
	uint64_t sc = cfg_unit_scale[k->unit];
	size_t o;
	int i;

	switch (k->type) {
	case T_UINT:
		snprintf(buf, len, "an integer in %" PRIu64 "..%" PRIu64,
			 k->min, cfg_field_max(k));
		break;
	case T_BYTES:
		snprintf(buf, len, "a byte count in %" PRIu64 "..%" PRIu64
			 " (suffix K, M or G for KiB, MiB, GiB)",
			 k->min, cfg_field_max(k));
		break;
	case T_BOOL:
		snprintf(buf, len, "on or off (or yes/no, true/false, 1/0)");
		break;
	case T_ENUM:
		o = (size_t)snprintf(buf, len, "one of");
		for (i = 0; k->names[i] != NULL && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s %s",
					      i ? "," : "", k->names[i]);
		break;
	case T_TIME:
	case T_TIME_NEVER:
		snprintf(buf, len, "%s, a number in %s..%s%s",
			 cfg_unit_name[k->unit],
			 cfg_fmt_scaled(k->min, sc, a, sizeof(a)),
			 cfg_fmt_scaled(k->max, sc, b, sizeof(b)),
			 k->type == T_TIME_NEVER ? ", or never" : "");
		break;
	case T_PROB:
		snprintf(buf, len, "a probability, a number in 0..1");
		break;
	case T_IP4NET:
		snprintf(buf, len, "an IPv4 address and prefix length, "
			 "A.B.C.D/1..32");
		break;
	case T_IP4:
		snprintf(buf, len, "an IPv4 address A.B.C.D, or none");
		break;
	case T_PORTLIST:
		snprintf(buf, len, "a comma-separated list of 1..%d distinct "
			 "TCP ports in 1..65535", TT_MAX_LISTEN);
		break;
	case T_TARGETS:
		snprintf(buf, len, "a comma-separated list of 1..%d distinct "
			 "A.B.C.D:port", TT_MAX_TARGETS);
		break;
	case T_IPRANGE:
		snprintf(buf, len, "an IPv4 address A.B.C.D or a range "
			 "A.B.C.D-E.F.G.H, first <= last");
		break;
	case T_PORTRANGE:
		snprintf(buf, len, "a port or a range lo-hi in 1..65535, "
			 "lo <= hi");
		break;
	case T_PATH:
		snprintf(buf, len, "a path starting with /, 1..%zu printable "
			 "characters without spaces", k->size - 1);
		break;
	case T_TOKEN:
		snprintf(buf, len, "1..%zu printable characters without "
			 "spaces", k->size - 1);
		break;
	}
	return buf;
}

/* ---- value parsers: write dst only on success ------------------------ */

static void
cfg_store_uint(void *dst, size_t size, uint64_t v)
{
	switch (size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(dst, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(dst, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(dst, &x, 4); break; }
	default: memcpy(dst, &v, 8); break;
	}
}

static int
cfg_parse_bytes(const char *v, uint64_t *out)
{
	static const struct { const char *sfx; uint64_t mul; } sfx[] = {
		{ "", 1 }, { "K", 1 << 10 }, { "KiB", 1 << 10 },
		{ "M", 1 << 20 }, { "MiB", 1 << 20 },
		{ "G", 1 << 30 }, { "GiB", 1 << 30 },
	};
	struct cfg_num n;
	const char *e = cfg_scan_num(v, false, &n);
	size_t i;

	if (e == NULL)
		return -1;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (strcasecmp(e, sfx[i].sfx) == 0)
			return cfg_num_scaled(&n, sfx[i].mul, out);
	return -1;
}

static int
cfg_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int
cfg_parse_time(const struct cfg_key *k, const char *v, uint64_t *us)
{
	struct cfg_num n;
	const char *e = cfg_scan_num(v, true, &n);

	if (e == NULL || *e != '\0' ||
	    cfg_num_scaled(&n, cfg_unit_scale[k->unit], us) != 0)
		return -1;
	return *us < k->min || *us > k->max ? -1 : 0;
}

static int
cfg_parse_prob(const char *v, double *out)
{
	struct cfg_num n;
	const char *e = cfg_scan_num(v, true, &n);
	double p;

	if (e == NULL || *e != '\0')
		return -1;
	p = (double)n.ip + (double)n.fnum / (double)n.fden;
	if (p > 1.0)
		return -1;
	*out = p;
	return 0;
}

static int
cfg_parse_portlist(const char *v, struct tt_http_config *h,
		   char *why, size_t whylen)
{
	uint16_t ports[TT_MAX_LISTEN];
	unsigned n = 0, i;
	const char *s = v;

	for (;;) {
		uint16_t p;

		s = cfg_scan_port(cfg_skip_space(s), &p);
		if (s == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			if (ports[i] == p) {
				cfg_err(why, whylen, "port %u listed twice", p);
				return -1;
			}
		}
		if (n == TT_MAX_LISTEN) {
			cfg_err(why, whylen, "more than %d ports",
				TT_MAX_LISTEN);
			return -1;
		}
		ports[n++] = p;
		s = cfg_skip_space(s);
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return -1;
	}
	memcpy(h->listen, ports, n * sizeof(ports[0]));
	h->n_listen = n;
	return 0;
}

static int
cfg_parse_targets(const char *v, struct tt_client_config *c,
		  char *why, size_t whylen)
{
	uint32_t ips[TT_MAX_TARGETS];
	uint16_t ports[TT_MAX_TARGETS];
	unsigned n = 0, i;
	const char *s = v;
	char ipbuf[16];

	for (;;) {
		uint32_t ip;
		uint16_t p;

		s = cfg_scan_ip(cfg_skip_space(s), &ip);
		if (s == NULL || *s++ != ':')
			return -1;
		s = cfg_scan_port(s, &p);
		if (s == NULL || ip == 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (ips[i] == ip && ports[i] == p) {
				cfg_err(why, whylen, "target %s:%u listed "
					"twice",
					cfg_fmt_ip(ip, ipbuf, sizeof(ipbuf)),
					p);
				return -1;
			}
		}
		if (n == TT_MAX_TARGETS) {
			cfg_err(why, whylen, "more than %d targets",
				TT_MAX_TARGETS);
			return -1;
		}
		ips[n] = ip;
		ports[n++] = p;
		s = cfg_skip_space(s);
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return -1;
	}
	memcpy(c->target_ip, ips, n * sizeof(ips[0]));
	memcpy(c->target_port, ports, n * sizeof(ports[0]));
	c->n_targets = n;
	return 0;
}

static int
cfg_parse_iprange(const char *v, struct tt_client_config *c)
{
	uint32_t first, last;
	const char *s = cfg_scan_ip(v, &first);

	if (s == NULL || first == 0)
		return -1;
	s = cfg_skip_space(s);
	last = first;
	if (*s == '-') {
		s = cfg_scan_ip(cfg_skip_space(s + 1), &last);
		if (s == NULL)
			return -1;
	}
	if (*s != '\0' || last < first)
		return -1;
	c->src_ip_first = first;
	c->src_ip_last = last;
	return 0;
}

static int
cfg_parse_portrange(const char *v, struct tt_client_config *c)
{
	uint16_t lo, hi;
	const char *s = cfg_scan_port(v, &lo);

	if (s == NULL)
		return -1;
	s = cfg_skip_space(s);
	hi = lo;
	if (*s == '-') {
		s = cfg_scan_port(cfg_skip_space(s + 1), &hi);
		if (s == NULL)
			return -1;
	}
	if (*s != '\0' || hi < lo)
		return -1;
	c->src_port_first = lo;
	c->src_port_last = hi;
	return 0;
}

static int
cfg_parse_string(const struct cfg_key *k, const char *v, char *dst)
{
	size_t len = strlen(v), i;

	if (len == 0 || len >= k->size)
		return -1;
	if (k->type == T_PATH && v[0] != '/')
		return -1;
	/* it goes on the request line: no spaces or control bytes */
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
			return -1;
	memcpy(dst, v, len + 1);
	return 0;
}

/*
 * Parse value v for key k into dst (the field, or the containing struct
 * for composite types).  On error returns -1 and, when the plain "what is
 * allowed" text would not say what is wrong, a reason in why.
 */
static int
cfg_parse_value(const struct cfg_key *k, const char *v, void *dst,
		char *why, size_t whylen)
{
	struct cfg_num n;
	const char *e;
	uint64_t u;
	int64_t t;
	uint32_t ip;
	bool b;
	double p;
	int i;

	switch (k->type) {
	case T_UINT:
		e = cfg_scan_num(v, false, &n);
		if (e == NULL || *e != '\0' || n.ip < k->min ||
		    n.ip > cfg_field_max(k))
			return -1;
		cfg_store_uint(dst, k->size, n.ip);
		return 0;
	case T_BYTES:
		if (cfg_parse_bytes(v, &u) != 0 || u < k->min ||
		    u > cfg_field_max(k))
			return -1;
		cfg_store_uint(dst, k->size, u);
		return 0;
	case T_BOOL:
		if (cfg_parse_bool(v, &b) != 0)
			return -1;
		memcpy(dst, &b, sizeof(b));
		return 0;
	case T_ENUM:
		for (i = 0; k->names[i] != NULL; i++) {
			if (strcasecmp(v, k->names[i]) == 0) {
				cfg_store_uint(dst, k->size, (uint64_t)i);
				return 0;
			}
		}
		return -1;
	case T_TIME:
		if (cfg_parse_time(k, v, &u) != 0)
			return -1;
		memcpy(dst, &u, sizeof(u));
		return 0;
	case T_TIME_NEVER:
		if (strcasecmp(v, "never") == 0) {
			t = -1;
		} else {
			if (cfg_parse_time(k, v, &u) != 0 || u > INT64_MAX)
				return -1;
			t = (int64_t)u;
		}
		memcpy(dst, &t, sizeof(t));
		return 0;
	case T_PROB:
		if (cfg_parse_prob(v, &p) != 0)
			return -1;
		memcpy(dst, &p, sizeof(p));
		return 0;
	case T_IP4NET: {
		struct tt_port_config *pc = dst;

		e = cfg_scan_ip(v, &ip);
		if (e == NULL || *e != '/' || ip == 0)
			return -1;
		e = cfg_scan_num(e + 1, false, &n);
		if (e == NULL || *e != '\0' || n.ip < 1 || n.ip > 32)
			return -1;
		pc->present = true;
		pc->ip = ip;
		pc->prefix_len = (uint8_t)n.ip;
		return 0;
	}
	case T_IP4:
		if (strcasecmp(v, "none") == 0) {
			ip = 0;
		} else {
			e = cfg_scan_ip(v, &ip);
			if (e == NULL || *e != '\0')
				return -1;
		}
		memcpy(dst, &ip, sizeof(ip));
		return 0;
	case T_PORTLIST:
		return cfg_parse_portlist(v, dst, why, whylen);
	case T_TARGETS:
		return cfg_parse_targets(v, dst, why, whylen);
	case T_IPRANGE:
		return cfg_parse_iprange(v, dst);
	case T_PORTRANGE:
		return cfg_parse_portrange(v, dst);
	case T_PATH:
	case T_TOKEN:
		return cfg_parse_string(k, v, dst);
	}
	return -1;
}

/* ---- sections and keys ------------------------------------------------ */

/* Section name -> enum cfg_section (and port number); -1 if unknown. */
static int
cfg_find_section(const char *name, unsigned *port)
{
	int s;

	*port = 0;
	if (strncmp(name, "port", 4) == 0 && name[4] >= '0' &&
	    name[4] < '0' + TT_MAX_PORTS && name[5] == '\0') {
		*port = (unsigned)(name[4] - '0');
		return SEC_PORT;
	}
	for (s = 0; s < SEC_COUNT; s++)
		if (s != SEC_PORT && strcmp(name, cfg_section_names[s]) == 0)
			return s;
	return -1;
}

static int
cfg_find_key(int sec, const char *name)
{
	size_t i;

	for (i = 0; i < CFG_NKEYS; i++)
		if (cfg_keys[i].sec == sec && strcmp(cfg_keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static const char *
cfg_known_keys(int sec, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < CFG_NKEYS && o < len; i++)
		if (cfg_keys[i].sec == sec)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? ", " : "", cfg_keys[i].name);
	return buf;
}

static void *
cfg_field(struct tt_config *cfg, const struct cfg_key *k, unsigned port)
{
	return (char *)cfg + k->off + port * sizeof(struct tt_port_config);
}

/*
 * Set one key.  `where` is the start of any error message, and already
 * names the origin, section, key and value.
 */
static int
cfg_apply(struct tt_config *cfg, int sec, unsigned port, const char *key,
	  const char *value, const char *where, char *err, size_t errlen)
{
	char why[160], allowed[200], known[600], sname[16];
	int ki = cfg_find_key(sec, key);
	const struct cfg_key *k;

	if (ki < 0) {
		cfg_err(err, errlen, "%s: unknown key in [%s] (known: %s)",
			where, cfg_secname((unsigned)sec, port, sname,
					   sizeof(sname)),
			cfg_known_keys(sec, known, sizeof(known)));
		return -1;
	}
	k = &cfg_keys[ki];
	why[0] = '\0';
	if (cfg_parse_value(k, value, cfg_field(cfg, k, port), why,
			    sizeof(why)) != 0) {
		cfg_err(err, errlen, "%s: %s%sexpected %s", where, why,
			why[0] ? "; " : "",
			cfg_allowed(k, allowed, sizeof(allowed)));
		return -1;
	}
	return 0;
}

/* ---- files ------------------------------------------------------------ */

/*
 * Check one line against the lexical rules rte_cfgfile applies, but
 * reject what it would silently skip or truncate.  Returns NULL if the
 * line is fine, else what is wrong with it.
 */
static const char *
cfg_lint_line(char *buf, size_t n, bool *in_section, char *why, size_t wl)
{
	char *s, *e, *eq, *key, *val;
	size_t i;

	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > CFG_LINE_MAX) {
		cfg_err(why, wl, "line too long (%zu characters, at most %d)",
			n, CFG_LINE_MAX);
		return why;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			cfg_err(why, wl, "control byte 0x%02x: not a text "
				"file?", c);
			return why;
		}
	}
	buf[n] = '\0';
	/* rte_cfgfile: the first ';' starts a comment unless it is "\;" */
	s = memchr(buf, CFG_DEFAULT_COMMENT_CHARACTER, n);
	if (s != NULL && (s == buf || s[-1] != '\\'))
		n = (size_t)(s - buf);
	s = cfg_trim(buf, buf + n);
	e = s + strlen(s);
	if (*s == '\0')
		return NULL;
	if (*s == '#')
		return "comments start with ';' in tcpterm config files";
	if (*s == '[') {
		if (e[-1] != ']' || memchr(s, ']', (size_t)(e - s)) != e - 1)
			return "expected [section] alone on the line";
		s = cfg_trim(s + 1, e - 1);
		if (*s == '\0' || strlen(s) >= CFG_NAME_LEN)
			return "expected [section] with a name";
		*in_section = true;
		return NULL;
	}
	eq = strchr(s, '=');
	if (eq == NULL) {
		cfg_err(why, wl, "expected key = value, [section] or a ';' "
			"comment, not \"%.60s\"", s);
		return why;
	}
	key = cfg_trim(s, eq);
	val = cfg_trim(eq + 1, e);
	if (*key == '\0')
		return "missing key name before '='";
	if (strlen(key) >= CFG_NAME_LEN)
		return "key name too long";
	if (strlen(val) >= CFG_VALUE_LEN) {
		cfg_err(why, wl, "value of %.60s too long (%zu characters, "
			"at most %d)", key, strlen(val), CFG_VALUE_LEN - 1);
		return why;
	}
	if (!*in_section) {
		cfg_err(why, wl, "%.60s = ... before any [section]", key);
		return why;
	}
	return NULL;
}

static int
cfg_lint(const char *path, char *err, size_t errlen)
{
	char *line = NULL, why[200];
	const char *bad = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	bool in_section = false;
	int rc = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		cfg_err(err, errlen, "%s: cannot open: %s", path,
			strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)n) != NULL)
			bad = "NUL byte: not a text file?";
		else
			bad = cfg_lint_line(line, (size_t)n, &in_section,
					    why, sizeof(why));
		if (bad != NULL) {
			cfg_err(err, errlen, "%s:%u: %s", path, lineno, bad);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		cfg_err(err, errlen, "%s: cannot read: %s", path,
			strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/* Apply the entries of one section of a loaded file. */
static int
cfg_load_section(struct tt_config *cfg, const char *path, int sec,
		 unsigned port, const struct rte_cfgfile_entry *ents, int ne,
		 char *err, size_t errlen)
{
	int first[CFG_NKEYS];
	char where[512], sname[16], v1[80], v2[80];
	int j, ki;
	size_t i;

	for (i = 0; i < CFG_NKEYS; i++)
		first[i] = -1;
	cfg_secname((unsigned)sec, port, sname, sizeof(sname));
	for (j = 0; j < ne; j++) {
		const char *key = ents[j].name, *val = ents[j].value;

		snprintf(where, sizeof(where), "%s: [%s] %s = %s", path, sname,
			 key, cfg_printable(val, v1, sizeof(v1)));
		ki = cfg_find_key(sec, key);
		if (ki >= 0 && first[ki] >= 0) {
			cfg_err(err, errlen, "%s: duplicate key (already "
				"set to %s in this section)", where,
				cfg_printable(ents[first[ki]].value, v2,
					      sizeof(v2)));
			return -1;
		}
		if (cfg_apply(cfg, sec, port, key, val, where, err,
			      errlen) != 0)
			return -1;
		first[ki] = j;
	}
	return 0;
}

static int
cfg_load_file(struct tt_config *cfg, struct rte_cfgfile *cf,
	      const char *path, char *err, size_t errlen)
{
	char name[CFG_NAME_LEN], pname[80];
	struct rte_cfgfile_entry *ents;
	uint32_t seen = 0;
	int nsec, i, ne, sec;
	unsigned port, bit;

	nsec = rte_cfgfile_num_sections(cf, "", 0);
	for (i = 0; i < nsec; i++) {
		ne = rte_cfgfile_section_num_entries_by_index(cf, name, i);
		if (ne < 0)
			continue;
		sec = cfg_find_section(name, &port);
		if (sec < 0) {
			cfg_err(err, errlen, "%s: unknown section [%s] "
				"(known: " CFG_KNOWN_SECTIONS ")", path,
				cfg_printable(name, pname, sizeof(pname)));
			return -1;
		}
		bit = sec == SEC_PORT ? SEC_COUNT + port : (unsigned)sec;
		if (seen & (1u << bit)) {
			cfg_err(err, errlen, "%s: section [%s] appears twice",
				path, name);
			return -1;
		}
		seen |= 1u << bit;
		ents = calloc(ne > 0 ? (size_t)ne : 1, sizeof(*ents));
		if (ents == NULL) {
			cfg_err(err, errlen, "%s: out of memory", path);
			return -1;
		}
		ne = rte_cfgfile_section_entries_by_index(cf, i, name, ents,
							  ne);
		if (cfg_load_section(cfg, path, sec, port, ents, ne, err,
				     errlen) != 0) {
			free(ents);
			return -1;
		}
		free(ents);
	}
	return 0;
}

int
tt_config_load(struct tt_config *cfg, const char *path, char *err,
	       size_t errlen)
{
	struct rte_cfgfile *cf;
	struct tt_config tmp;
	int rc;

	if (cfg_lint(path, err, errlen) != 0)
		return -1;
	/* empty values are left to each key's parser, which names the key */
	cf = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (cf == NULL) {
		cfg_err(err, errlen, "%s: rte_cfgfile could not parse it", path);
		return -1;
	}
	/* all or nothing: a bad key leaves cfg as it was */
	memcpy(&tmp, cfg, sizeof(tmp));
	rc = cfg_load_file(&tmp, cf, path, err, errlen);
	rte_cfgfile_close(cf);
	if (rc == 0)
		memcpy(cfg, &tmp, sizeof(tmp));
	return rc;
}

int
tt_config_set(struct tt_config *cfg, const char *assignment, char *err,
	      size_t errlen)
{
	char buf[CFG_SET_MAX], where[CFG_SET_MAX + 16], *eq, *dot;
	char *sname, *key, *val;
	struct tt_config tmp;
	unsigned port;
	int sec;

	snprintf(where, sizeof(where), "--set %s",
		 cfg_printable(assignment, buf, 120));
	if (strlen(assignment) >= sizeof(buf)) {
		cfg_err(err, errlen, "%s: too long (at most %zu characters)",
			where, sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, assignment, strlen(assignment) + 1);
	eq = strchr(buf, '=');
	dot = eq != NULL ? memchr(buf, '.', (size_t)(eq - buf)) : NULL;
	if (dot == NULL) {
		cfg_err(err, errlen, "%s: expected section.key=value (e.g. "
			"tcp.time_wait=30)", where);
		return -1;
	}
	sname = cfg_trim(buf, dot);
	key = cfg_trim(dot + 1, eq);
	val = cfg_trim(eq + 1, eq + 1 + strlen(eq + 1));
	sec = cfg_find_section(sname, &port);
	if (sec < 0) {
		cfg_err(err, errlen, "%s: unknown section [%s] (known: "
			CFG_KNOWN_SECTIONS ")", where, sname);
		return -1;
	}
	memcpy(&tmp, cfg, sizeof(tmp));
	if (cfg_apply(&tmp, sec, port, key, val, where, err, errlen) != 0)
		return -1;
	memcpy(cfg, &tmp, sizeof(tmp));
	return 0;
}

/* ---- defaults --------------------------------------------------------- */

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

/* ---- cross-key checks ------------------------------------------------- */

static int
cfg_validate_ports(const struct tt_config *cfg, char *err, size_t errlen)
{
	const struct tt_port_config *pc;
	char a[16], b[16];
	unsigned i, j, nport = 0;
	uint32_t host;

	for (i = 0; i < TT_MAX_PORTS; i++) {
		pc = &cfg->port[i];
		if (!pc->present) {
			if (pc->gateway != 0 || pc->mtu != 0) {
				cfg_err(err, errlen, "[port%u] sets gateway or "
					"mtu but has no ip", i);
				return -1;
			}
			continue;
		}
		nport++;
		host = pc->prefix_len >= 32 ? 0 :
		       pc->ip & (UINT32_MAX >> pc->prefix_len);
		if (pc->prefix_len <= 30 &&
		    (host == 0 || host == UINT32_MAX >> pc->prefix_len)) {
			cfg_err(err, errlen, "[port%u] ip %s/%u is the network "
				"or broadcast address of its prefix", i,
				cfg_fmt_ip(pc->ip, a, sizeof(a)),
				pc->prefix_len);
			return -1;
		}
		if (pc->gateway != 0 &&
		    (pc->gateway == pc->ip ||
		     !cfg_in_prefix(pc->gateway, pc->ip, pc->prefix_len))) {
			cfg_err(err, errlen, "[port%u] gateway %s must be "
				"another address inside %s/%u", i,
				cfg_fmt_ip(pc->gateway, a, sizeof(a)),
				cfg_fmt_ip(pc->ip, b, sizeof(b)),
				pc->prefix_len);
			return -1;
		}
		if (pc->mtu != 0 && pc->mtu < 68) {
			cfg_err(err, errlen, "[port%u] mtu %u is below the "
				"IPv4 minimum of 68 (0 keeps the PMD's)", i,
				pc->mtu);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (cfg->port[j].present && cfg->port[j].ip == pc->ip) {
				cfg_err(err, errlen, "[port%u] and [port%u] "
					"have the same ip %s", j, i,
					cfg_fmt_ip(pc->ip, a, sizeof(a)));
				return -1;
			}
		}
	}
	if (nport == 0) {
		cfg_err(err, errlen, "no port configured: at least one "
			"[portN] section needs an ip (e.g. [port0] ip = "
			"198.18.0.1/24)");
		return -1;
	}
	return 0;
}

static int
cfg_validate_timers(const struct tt_config *cfg, char *err, size_t errlen)
{
	const struct tt_tcp_config *t = &cfg->tcp;
	const struct tt_general_config *g = &cfg->gen;
	char a[32], b[32], c[32];

	if (t->rto_min > t->rto_initial || t->rto_initial > t->rto_max) {
		cfg_err(err, errlen, "[tcp] needs rto_min <= rto_initial <= "
			"rto_max, got %s <= %s <= %s ms",
			cfg_fmt_scaled(t->rto_min, 1000, a, sizeof(a)),
			cfg_fmt_scaled(t->rto_initial, 1000, b, sizeof(b)),
			cfg_fmt_scaled(t->rto_max, 1000, c, sizeof(c)));
		return -1;
	}
	/* a timer cannot be finer than the wheel that runs it */
	if (g->tick > t->rto_min ||
	    (t->delayed_ack != 0 && g->tick > t->delayed_ack)) {
		cfg_err(err, errlen, "[general] tick %s us is coarser than "
			"[tcp] rto_min %s ms or delayed_ack %s ms",
			cfg_fmt_scaled(g->tick, 1, a, sizeof(a)),
			cfg_fmt_scaled(t->rto_min, 1000, b, sizeof(b)),
			cfg_fmt_scaled(t->delayed_ack, 1000, c, sizeof(c)));
		return -1;
	}
	return 0;
}

static int
cfg_validate_client(const struct tt_config *cfg, char *err, size_t errlen)
{
	const struct tt_client_config *c = &cfg->client;
	char a[16], b[16];
	uint64_t nip, tuples;
	unsigned i, p;
	bool ok, gw = false;

	if (c->n_targets == 0) {
		cfg_err(err, errlen, "[client] targets is required when "
			"[general] mode is %s", mode_names[cfg->gen.mode]);
		return -1;
	}
	for (p = 0; p < TT_MAX_PORTS; p++)
		gw |= cfg->port[p].present && cfg->port[p].gateway != 0;
	for (i = 0; i < c->n_targets; i++) {
		ok = gw;
		for (p = 0; p < TT_MAX_PORTS; p++) {
			const struct tt_port_config *pc = &cfg->port[p];

			if (!pc->present)
				continue;
			if (pc->ip == c->target_ip[i]) {
				cfg_err(err, errlen, "[client] target %s:%u is "
					"[port%u]'s own address (tcpterm has no "
					"loopback)",
					cfg_fmt_ip(c->target_ip[i], a,
						   sizeof(a)),
					c->target_port[i], p);
				return -1;
			}
			ok |= cfg_in_prefix(c->target_ip[i], pc->ip,
					    pc->prefix_len);
		}
		if (!ok) {
			cfg_err(err, errlen, "[client] target %s:%u is outside "
				"every [portN] prefix and no port has a "
				"gateway",
				cfg_fmt_ip(c->target_ip[i], a, sizeof(a)),
				c->target_port[i]);
			return -1;
		}
	}
	if (c->src_ip_first != 0) {
		ok = false;
		for (p = 0; p < TT_MAX_PORTS; p++) {
			const struct tt_port_config *pc = &cfg->port[p];

			ok |= pc->present &&
			      cfg_in_prefix(c->src_ip_first, pc->ip,
					    pc->prefix_len) &&
			      cfg_in_prefix(c->src_ip_last, pc->ip,
					    pc->prefix_len);
		}
		if (!ok) {
			cfg_err(err, errlen, "[client] src_ip %s-%s is not "
				"inside one [portN] prefix",
				cfg_fmt_ip(c->src_ip_first, a, sizeof(a)),
				cfg_fmt_ip(c->src_ip_last, b, sizeof(b)));
			return -1;
		}
	}
	/* every open connection needs its own 4-tuple */
	nip = c->src_ip_first != 0 ?
	      (uint64_t)c->src_ip_last - c->src_ip_first + 1 : 1;
	tuples = nip * ((uint64_t)c->src_port_last - c->src_port_first + 1) *
		 c->n_targets;
	if (c->concurrency > tuples) {
		cfg_err(err, errlen, "[client] concurrency %u exceeds the "
			"%" PRIu64 " 4-tuples that src_ip, src_ports and "
			"targets allow", c->concurrency, tuples);
		return -1;
	}
	if (cfg->gen.duration != 0 && c->ramp_up > cfg->gen.duration) {
		cfg_err(err, errlen, "[client] ramp_up is longer than "
			"[general] duration");
		return -1;
	}
	return 0;
}

int
tt_config_validate(const struct tt_config *cfg, char *err, size_t errlen)
{
	const struct tt_general_config *g = &cfg->gen;
	const struct tt_tcp_config *t = &cfg->tcp;

	if (cfg_validate_ports(cfg, err, errlen) != 0 ||
	    cfg_validate_timers(cfg, err, errlen) != 0)
		return -1;
	if ((uint64_t)t->rcv_wnd > (uint64_t)65535 << t->wscale) {
		cfg_err(err, errlen, "[tcp] rcv_wnd %u does not fit in a "
			"window scaled by wscale %u (at most %u)", t->rcv_wnd,
			t->wscale, 65535u << t->wscale);
		return -1;
	}
	if (g->burst > g->rx_desc || g->burst > g->tx_desc) {
		cfg_err(err, errlen, "[general] burst %u is larger than "
			"rx_desc %u or tx_desc %u", g->burst, g->rx_desc,
			g->tx_desc);
		return -1;
	}
	if ((uint64_t)g->mbufs < (uint64_t)g->rx_desc + g->tx_desc + g->burst) {
		cfg_err(err, errlen, "[general] mbufs %u cannot even fill one "
			"RX and one TX ring (rx_desc %u + tx_desc %u + burst "
			"%u)", g->mbufs, g->rx_desc, g->tx_desc, g->burst);
		return -1;
	}
	if (g->mode != TT_MODE_CLIENT && cfg->http.n_listen == 0) {
		cfg_err(err, errlen, "[http] listen is empty but [general] "
			"mode is %s", mode_names[g->mode]);
		return -1;
	}
	if (g->mode != TT_MODE_SERVER &&
	    cfg_validate_client(cfg, err, errlen) != 0)
		return -1;
	return 0;
}

/* ---- reference -------------------------------------------------------- */

/* Print text as ';' comment lines wrapped near 78 columns. */
static void
cfg_print_wrapped(FILE *f, const char *lead, const char *text)
{
	size_t col = 0, w;
	const char *s = text;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		w = strcspn(s, " ");
		if (w == 0)
			break;
		if (col == 0) {
			col = (size_t)fprintf(f, ";%s", lead);
		} else if (col + 1 + w > 78) {
			fputc('\n', f);
			col = (size_t)fprintf(f, ";%s", lead);
		} else {
			col += (size_t)fprintf(f, " ");
		}
		col += fwrite(s, 1, w, f);
		s += w;
	}
	if (col != 0)
		fputc('\n', f);
}

void
tt_config_print_reference(FILE *f)
{
	char allowed[200], line[400];
	int sec = -1;
	size_t i;

	fprintf(f,
		"; tcpterm configuration reference (tcpterm --help-config).\n"
		"; Every key with its default; a key shown as \";key = ...\" "
		"has no default.\n"
		"; Comments start with ';'.  Times are in the unit given per "
		"key and may\n"
		"; have fractions (time_wait = 0.5).  Override any key with\n"
		"; --set section.key=value.  docs/config.md explains them "
		"all.\n");
	for (i = 0; i < CFG_NKEYS; i++) {
		const struct cfg_key *k = &cfg_keys[i];

		if (k->sec != sec) {
			sec = k->sec;
			fprintf(f, "\n");
			if (sec == SEC_PORT)
				fprintf(f, "; [port0] .. [port%d]: one section "
					"per DPDK port, by port id.\n",
					TT_MAX_PORTS - 1);
			fprintf(f, "[%s]\n", sec == SEC_PORT ? "port0" :
				cfg_section_names[sec]);
		}
		snprintf(line, sizeof(line), "%s: %s", k->name, k->doc);
		cfg_print_wrapped(f, " ", line);
		snprintf(line, sizeof(line), "Allowed: %s.",
			 cfg_allowed(k, allowed, sizeof(allowed)));
		cfg_print_wrapped(f, "   ", line);
		snprintf(line, sizeof(line), "Linux: %s.", k->linux_eq);
		cfg_print_wrapped(f, "   ", line);
		if (k->def != NULL)
			fprintf(f, "%s = %s\n", k->name, k->def);
		else
			fprintf(f, ";%s = %s\n", k->name, k->example);
	}
}
