/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TT_CONFIG_H
#define TT_CONFIG_H

/*
 * tcpterm configuration: an INI file read with rte_cfgfile, then
 * `--set section.key=value` overrides, then validation.  Read-only once the
 * workers start.  Every key, its default and its range are listed once in
 * config_keys.c's key table, which also feeds `tcpterm --help-config` and the
 * README's reference.
 *
 * Times are given in the file in the unit the key's name or doc says
 * (seconds for Linux sysctl look-alikes, ms where Linux uses ms); they are
 * stored here in microseconds, the stack's unit.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TT_MAX_PORTS      8
#define TT_MAX_LISTEN     16
#define TT_MAX_TARGETS    16

enum tt_mode { TT_MODE_SERVER = 0, TT_MODE_CLIENT, TT_MODE_BOTH };
enum tt_tw_policy { TT_TW_CLOSE = 0, TT_TW_EVICT_OLDEST };
enum tt_app_close { TT_CLOSE_CLOSE = 0, TT_CLOSE_SHUTDOWN };
enum tt_closer { TT_CLOSER_CLIENT = 0, TT_CLOSER_SERVER };

struct tt_port_config {
	bool present;
	uint32_t ip;          /* host byte order; 0: no IPv4 (an IPv6-only port) */
	uint8_t prefix_len;
	uint32_t gateway;     /* 0: none; off-link destinations then unreachable */
	uint16_t mtu;         /* 0: leave the PMD's */
	/* IPv6 (issue 12): ip6 = ADDR/LEN, gateway6 = ADDR; addresses as on
	 * the wire (network order). */
	bool has_ip6;
	uint8_t ip6[16];
	uint8_t prefix6_len;
	bool has_gateway6;
	uint8_t gateway6[16];
};

/* Linux-default TCP knobs (teardown.md). */
struct tt_tcp_config {
	uint32_t max_conns;          /* per lcore */
	uint64_t time_wait;          /* 2MSL, us (key in s, default 60) */
	uint64_t fin_timeout;        /* us (s, 60) */
	uint32_t orphan_retries;     /* 0 means 8, as Linux */
	uint32_t retries2;           /* 15 */
	uint32_t synack_retries;     /* 5 */
	uint32_t syn_retries;        /* 6 */
	uint64_t rto_min;            /* us (ms, 200) */
	uint64_t rto_max;            /* us (ms, 120000) */
	uint64_t rto_initial;        /* us (ms, 1000) */
	uint8_t early_retrans;       /* 3: tail loss probes (RFC 8985), as Linux */
	uint64_t delayed_ack;        /* us (ms, 40); 0 = ACK every segment */
	uint32_t max_tw_buckets;     /* whole process, shared out per lcore */
	uint8_t tw_policy;           /* enum tt_tw_policy */
	uint8_t rfc1337;             /* 0 */
	bool timestamps;             /* on */
	bool sack;                   /* on: advertise SACK-permitted */
	uint8_t wscale;              /* 7 */
	uint16_t mss;                /* 1460 */
	uint16_t min_snd_mss;        /* 48: floor of the peer's MSS */
	uint32_t sndbuf;             /* bytes queued per connection, 4 MiB */
	uint32_t rcv_wnd;            /* bytes, 1 MiB */
	uint32_t ofo_max_segs;       /* out-of-order segments held per connection */
	uint32_t ofo_mbufs;          /* out-of-order segments held per lcore */
	uint32_t init_cwnd;          /* segments, 10 */
	bool keepalive;              /* off */
	uint64_t keepalive_time;     /* us (s, 7200) */
	uint64_t keepalive_intvl;    /* us (s, 75) */
	uint32_t keepalive_probes;   /* 9 */
	uint8_t tw_reuse;            /* 0 off, 1 on, 2 loopback only (default 2) */
	uint64_t tw_reuse_delay;     /* us (ms, 1000) */
	uint8_t syncookies;          /* 0 off, 1 when full (default), 2 always */
	uint32_t max_syn_backlog;    /* SYN_RECEIVED per lcore before cookies; 0 = auto */
};

struct tt_http_config {
	uint16_t listen[TT_MAX_LISTEN];    /* TCP ports served */
	unsigned n_listen;
	uint32_t body_size;                /* bytes of 200 body, 128 */
	uint32_t keepalive_requests;       /* 1000 (nginx); 0 = no limit */
	uint64_t keepalive_timeout;        /* us (s, 75); 0 = no keep-alive */
	/* how the application ends a connection (teardown.md) */
	uint8_t close_mode;                /* enum tt_app_close */
	double rst_fraction;               /* closes done with RST (linger 0) */
	int64_t close_wait_delay;          /* us after EOF; -1 = never */
};

struct tt_fault_config {
	uint64_t seed;
	double drop_fin1, drop_fin1_ack, drop_fin2, drop_fin2_ack;
	double rx_drop, tx_drop;
	uint64_t tx_delay;                 /* us */
};

struct tt_client_config {
	uint32_t target_ip[TT_MAX_TARGETS];     /* IPv4 targets, host order */
	uint8_t target_ip6[TT_MAX_TARGETS][16]; /* IPv6 targets (target_v6[i]) */
	bool target_v6[TT_MAX_TARGETS];
	uint16_t target_port[TT_MAX_TARGETS];
	unsigned n_targets;
	uint32_t src_ip_first, src_ip_last;     /* IPv4 sources, host order */
	/* IPv6 sources (issue 12): first .. last, which differ in the last
	 * 32 bits only; has_src_ip6 false = the port's ip6. */
	bool has_src_ip6;
	uint8_t src_ip6_first[16], src_ip6_last[16];
	uint16_t src_port_first, src_port_last;
	uint64_t rate;                     /* connections/s, 0 = as fast as possible */
	uint64_t ramp_up;                  /* us */
	uint32_t concurrency;              /* max open per process */
	uint32_t requests_per_conn;        /* 1 */
	char path[128];
	char host[128];
	uint8_t closer;                    /* enum tt_closer */
};

struct tt_general_config {
	uint8_t mode;                      /* enum tt_mode */
	uint32_t mbufs;                    /* mbufs in the pool, per port set */
	uint16_t burst;                    /* rx/tx burst, 32 */
	uint16_t rx_desc, tx_desc;         /* 1024 */
	uint64_t drain_time;               /* us (ms, 2000) */
	uint64_t duration;                 /* us (s, 0 = until signal) */
	uint64_t idle_sleep;               /* us slept when a poll finds nothing, 0 */
	uint64_t tick;                     /* timer wheel tick, us (1000) */
	uint64_t stats_interval;           /* us (s, 1) */
	bool ring_pair;                    /* two rte_ring ports back to back */
	char metrics_listen[64];           /* "A.B.C.D:PORT" or "off" */
};

enum tt_capture_at_max { TT_CAP_STOP = 0, TT_CAP_ROTATE };

struct tt_capture_config {
	char file[256];                    /* pcapng path, or "off" */
	double sample;                     /* fraction of connections */
	uint32_t snaplen;                  /* bytes kept of each frame */
	uint64_t max_size;                 /* bytes per file, 0 = no limit */
	uint8_t at_max;                    /* enum tt_capture_at_max */
	bool anomalies;                    /* keep connections that end badly */
	uint32_t anomaly_depth;            /* last packets kept per connection */
	uint32_t mbufs;                    /* copies in flight + kept */
};

struct tt_config {
	struct tt_general_config gen;
	struct tt_port_config port[TT_MAX_PORTS];
	struct tt_tcp_config tcp;
	struct tt_http_config http;
	struct tt_fault_config fault;
	struct tt_client_config client;
	struct tt_capture_config capture;
};

/* Fill cfg with the defaults. */
void tt_config_defaults(struct tt_config *cfg);

/*
 * Load an INI file into cfg (on top of what is there).  On error returns -1
 * and writes one line to err (file, section, key, value and what is allowed,
 * e.g. "tap.conf: [tcp] time_wait = -3: expected a number of seconds
 * >= 0").  Unknown sections and keys are errors too.
 */
int tt_config_load(struct tt_config *cfg, const char *path, char *err, size_t errlen);

/* Apply one "section.key=value" override; same error contract. */
int tt_config_set(struct tt_config *cfg, const char *assignment, char *err, size_t errlen);

/* Cross-key checks (e.g. rto_min <= rto_max, a port section present). */
int tt_config_validate(const struct tt_config *cfg, char *err, size_t errlen);

/* Parse "A.B.C.D:PORT" (port 1..65535) into host-order ip and port; -1 if
 * it is not that. */
int tt_config_hostport(const char *s, uint32_t *ip, uint16_t *port);
/* Header bytes between an MTU and an MSS (IPv4 + TCP, no options), and
 * around an MTU on the wire (Ethernet header and one VLAN tag, no FCS). */
#define TT_MSS_OVERHEAD 40
#define TT_L2_OVERHEAD  18
#define TT_MTU_DEFAULT  1500

/* tcp.mss capped by every [portN] mtu that is set (mtu - 40). */
uint16_t tt_config_mss(const struct tt_config *cfg);
/* Largest frame a port may carry (without FCS): the largest MTU (1500 for
 * ports that keep the PMD's) or MSS + 40, plus TT_L2_OVERHEAD.  The mbuf
 * data room must hold it. */
uint32_t tt_config_frame_max(const struct tt_config *cfg);

/* Print every key with its default, range and doc (for --help-config). */
void tt_config_print_reference(FILE *f);

#endif
