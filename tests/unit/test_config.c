/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config loading, --set overrides, validation and the reference.
 *
 * The sample configs and docs/config.md are read from the source tree:
 * argv[1], else $TT_SOURCE_DIR, else -DTT_SOURCE_DIR, else the first of
 * ".", "..", "../.." that holds config/tap.conf.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"

static char src_dir[512] = ".";

/* ---- helpers ------------------------------------------------------------ */

static void
find_src_dir(int argc, char **argv)
{
	static const char *const guesses[] = { ".", "..", "../.." };
	const char *dir = argc > 1 ? argv[1] : getenv("TT_SOURCE_DIR");
	char probe[600];
	size_t i;

#ifdef TT_SOURCE_DIR
	if (dir == NULL)
		dir = TT_SOURCE_DIR;
#endif
	if (dir != NULL) {
		snprintf(src_dir, sizeof(src_dir), "%s", dir);
		return;
	}
	for (i = 0; i < sizeof(guesses) / sizeof(guesses[0]); i++) {
		snprintf(probe, sizeof(probe), "%s/config/tap.conf", guesses[i]);
		if (access(probe, R_OK) == 0) {
			snprintf(src_dir, sizeof(src_dir), "%s", guesses[i]);
			return;
		}
	}
}

static void
src_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", src_dir, rel);
}

/* Write len bytes to a fresh temporary file; its name goes to path. */
static void
write_temp(char path[64], const void *data, size_t len)
{
	int fd;

	snprintf(path, 64, "/tmp/tt_cfg_test_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* Load text from a temporary file on top of cfg. */
static int
load_text(struct tt_config *cfg, const char *text, char path[64], char *err,
	  size_t errlen)
{
	int rc;

	write_temp(path, text, strlen(text));
	err[0] = '\0';
	rc = tt_config_load(cfg, path, err, errlen);
	unlink(path);
	return rc;
}

/* An error message is one line, and not empty. */
static void
assert_one_line(const char *err)
{
	assert_true(err[0] != '\0');
	assert_null(strchr(err, '\n'));
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not found in \"%s\"", needle, hay);
}

static void
set_ok(struct tt_config *cfg, const char *assignment)
{
	char err[512] = "";

	if (tt_config_set(cfg, assignment, err, sizeof(err)) != 0)
		fail_msg("--set %s failed: %s", assignment, err);
}

/* defaults plus the one port every valid config needs */
static void
base_config(struct tt_config *cfg)
{
	tt_config_defaults(cfg);
	set_ok(cfg, "port0.ip=198.18.0.1/24");
}

/* a 16-byte address (wire order) is the one text names */
static void
assert_ip6(const uint8_t *got, const char *text)
{
	uint8_t want[16];
	char buf[INET6_ADDRSTRLEN];

	assert_int_equal(inet_pton(AF_INET6, text, want), 1);
	if (memcmp(got, want, 16) != 0)
		fail_msg("got %s, expected %s",
			 inet_ntop(AF_INET6, got, buf, sizeof(buf)), text);
}

/* ---- defaults ----------------------------------------------------------- */

static void
test_defaults_match_linux(void **state)
{
	struct tt_config c;
	unsigned i;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	tt_config_defaults(&c);

	assert_int_equal(c.gen.mode, TT_MODE_SERVER);
	assert_int_equal(c.gen.mbufs, 16383);
	assert_int_equal(c.gen.burst, 32);
	assert_int_equal(c.gen.rx_desc, 1024);
	assert_int_equal(c.gen.tx_desc, 1024);
	assert_int_equal(c.gen.drain_time, 2000000);
	assert_int_equal(c.gen.duration, 0);
	assert_int_equal(c.gen.idle_sleep, 0);
	assert_int_equal(c.gen.tick, 1000);
	assert_int_equal(c.gen.stats_interval, 1000000);
	for (i = 0; i < TT_MAX_PORTS; i++) {
		assert_false(c.port[i].present);
		assert_int_equal(c.port[i].ip, 0);
		assert_int_equal(c.port[i].gateway, 0);
		assert_int_equal(c.port[i].mtu, 0);
	}

	/* teardown.md: the Linux figures */
	assert_int_equal(c.tcp.max_conns, 65536);
	assert_int_equal(c.tcp.time_wait, 60000000);       /* TCP_TIMEWAIT_LEN */
	assert_int_equal(c.tcp.fin_timeout, 60000000);     /* tcp_fin_timeout */
	assert_int_equal(c.tcp.orphan_retries, 0);         /* 0 = 8 */
	assert_int_equal(c.tcp.retries2, 15);
	assert_int_equal(c.tcp.synack_retries, 5);
	assert_int_equal(c.tcp.syn_retries, 6);
	assert_int_equal(c.tcp.rto_min, 200000);           /* TCP_RTO_MIN */
	assert_int_equal(c.tcp.rto_max, 120000000);        /* TCP_RTO_MAX */
	assert_int_equal(c.tcp.rto_initial, 1000000);      /* TCP_TIMEOUT_INIT */
	assert_int_equal(c.tcp.delayed_ack, 40000);        /* TCP_DELACK_MIN */
	assert_int_equal(c.tcp.max_tw_buckets, 262144);
	assert_int_equal(c.tcp.tw_policy, TT_TW_CLOSE);
	assert_int_equal(c.tcp.rfc1337, 0);
	assert_true(c.tcp.timestamps);
	assert_true(c.tcp.sack);
	assert_int_equal(c.tcp.wscale, 7);
	assert_int_equal(c.tcp.mss, 1460);
	assert_int_equal(c.tcp.rcv_wnd, 1048576);
	assert_int_equal(c.tcp.init_cwnd, 10);
	assert_false(c.tcp.keepalive);
	assert_int_equal(c.tcp.keepalive_time, 7200000000ULL);
	assert_int_equal(c.tcp.keepalive_intvl, 75000000);
	assert_int_equal(c.tcp.keepalive_probes, 9);
	assert_int_equal(c.tcp.tw_reuse, 2);
	assert_int_equal(c.tcp.tw_reuse_delay, 1000000);
	assert_int_equal(c.tcp.syncookies, 1);        /* net.ipv4.tcp_syncookies */
	assert_int_equal(c.tcp.max_syn_backlog, 0);   /* sized from max_conns */

	assert_int_equal(c.http.n_listen, 1);
	assert_int_equal(c.http.listen[0], 80);
	assert_int_equal(c.http.body_size, 128);
	assert_int_equal(c.http.keepalive_requests, 1000); /* nginx */
	assert_int_equal(c.http.keepalive_timeout, 75000000);
	assert_int_equal(c.http.close_mode, TT_CLOSE_CLOSE);
	assert_true(c.http.rst_fraction == 0.0);
	assert_int_equal(c.http.close_wait_delay, 0);

	assert_int_equal(c.fault.seed, 1);
	assert_true(c.fault.drop_fin1 == 0.0 && c.fault.drop_fin1_ack == 0.0);
	assert_true(c.fault.drop_fin2 == 0.0 && c.fault.drop_fin2_ack == 0.0);
	assert_true(c.fault.rx_drop == 0.0 && c.fault.tx_drop == 0.0);
	assert_int_equal(c.fault.tx_delay, 0);

	assert_int_equal(c.client.n_targets, 0);
	assert_int_equal(c.client.src_ip_first, 0);
	assert_int_equal(c.client.src_ip_last, 0);
	assert_int_equal(c.client.src_port_first, 32768); /* ip_local_port_range */
	assert_int_equal(c.client.src_port_last, 60999);
	assert_int_equal(c.client.rate, 0);
	assert_int_equal(c.client.ramp_up, 0);
	assert_int_equal(c.client.concurrency, 1000);
	assert_int_equal(c.client.requests_per_conn, 1);
	assert_string_equal(c.client.path, "/");
	assert_string_equal(c.client.host, "tcpterm");
	assert_int_equal(c.client.closer, TT_CLOSER_CLIENT);
}

static void
test_defaults_alone_do_not_validate(void **state)
{
	struct tt_config c;
	char err[256] = "";

	(void)state;
	tt_config_defaults(&c);
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "port");
	base_config(&c);
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), 0);
}

/* ---- the sample configs ------------------------------------------------- */

static void
load_sample(struct tt_config *c, const char *rel)
{
	char path[600], err[512] = "";

	src_path(path, sizeof(path), rel);
	tt_config_defaults(c);
	if (tt_config_load(c, path, err, sizeof(err)) != 0)
		fail_msg("%s: %s", path, err);
	if (tt_config_validate(c, err, sizeof(err)) != 0)
		fail_msg("%s does not validate: %s", path, err);
}

static void
test_sample_configs_load_and_validate(void **state)
{
	struct tt_config c;

	(void)state;
	load_sample(&c, "config/tap.conf");
	assert_int_equal(c.gen.mode, TT_MODE_SERVER);
	assert_true(c.port[0].present);
	assert_int_equal(c.port[0].ip, 0xc6120001);          /* 198.18.0.1 */
	assert_int_equal(c.port[0].prefix_len, 24);
	assert_false(c.port[1].present);
	assert_int_equal(c.http.n_listen, 1);
	assert_int_equal(c.http.listen[0], 80);

	load_sample(&c, "config/memif-server.conf");
	assert_int_equal(c.gen.mode, TT_MODE_SERVER);
	assert_int_equal(c.port[0].ip, 0xc6120101);          /* 198.18.1.1 */
	assert_int_equal(c.port[0].prefix_len, 24);

	load_sample(&c, "config/memif-client.conf");
	assert_int_equal(c.gen.mode, TT_MODE_CLIENT);
	assert_int_equal(c.port[0].ip, 0xc6120102);          /* 198.18.1.2 */
	assert_int_equal(c.client.n_targets, 1);
	assert_int_equal(c.client.target_ip[0], 0xc6120101);
	assert_int_equal(c.client.target_port[0], 80);

	load_sample(&c, "config/tap-ipv6.conf");
	assert_int_equal(c.gen.mode, TT_MODE_SERVER);
	assert_int_equal(c.port[0].ip, 0xc6120001);          /* 198.18.0.1 */
	assert_true(c.port[0].has_ip6);
	assert_ip6(c.port[0].ip6, "2001:2::1");
	assert_int_equal(c.port[0].prefix6_len, 64);
	assert_false(c.port[0].has_gateway6);

	load_sample(&c, "config/tap-ipv6-client.conf");
	assert_int_equal(c.gen.mode, TT_MODE_CLIENT);
	assert_int_equal(c.client.n_targets, 2);
	assert_true(c.client.target_v6[0]);
	assert_ip6(c.client.target_ip6[0], "2001:2::2");
	assert_false(c.client.target_v6[1]);
	assert_int_equal(c.client.target_ip[1], 0xc6120002);
	assert_int_equal(c.client.src_ip_first, 0);           /* port0's ip */
	assert_true(c.client.has_src_ip6);
	assert_ip6(c.client.src_ip6_first, "2001:2::100");
	assert_ip6(c.client.src_ip6_last, "2001:2::10f");

	load_sample(&c, "config/null.conf");
	assert_int_equal(c.gen.mode, TT_MODE_CLIENT);
	assert_int_equal(c.port[0].ip, 0xc6120201);          /* 198.18.2.1 */
	assert_int_equal(c.client.target_ip[0], 0xc6120202);
	assert_int_equal(c.client.target_port[0], 80);
}

/* ---- values ------------------------------------------------------------- */

static void
test_units_are_converted(void **state)
{
	struct tt_config c;
	char path[64], err[512];

	(void)state;
	tt_config_defaults(&c);
	assert_int_equal(load_text(&c,
		"[general]\n"
		"drain_time = 2500\n"        /* ms */
		"duration = 30\n"            /* s */
		"idle_sleep = 250\n"         /* us */
		"tick = 500\n"               /* us */
		"stats_interval = 0.5\n"     /* s */
		"[tcp]\n"
		"time_wait = 60\n"
		"fin_timeout = 30\n"
		"rto_min = 200\n"
		"rto_max = 60000\n"
		"rto_initial = 0.5\n"
		"delayed_ack = 0\n"
		"keepalive_time = 600\n"
		"keepalive_intvl = 10\n"
		"tw_reuse_delay = 1500\n"
		"rcv_wnd = 2M\n"
		"[http]\n"
		"body_size = 64MiB\n"
		"keepalive_timeout = 0\n"
		"close_wait_delay = 1.5\n"
		"rst_fraction = 0.25\n"
		"[fault]\n"
		"tx_delay = 100\n"
		"seed = 18446744073709551615\n"
		"[client]\n"
		"ramp_up = 2\n"
		"rate = 1000000\n",
		path, err, sizeof(err)), 0);
	assert_int_equal(c.gen.drain_time, 2500000);
	assert_int_equal(c.gen.duration, 30000000);
	assert_int_equal(c.gen.idle_sleep, 250);
	assert_int_equal(c.gen.tick, 500);
	assert_int_equal(c.gen.stats_interval, 500000);
	assert_int_equal(c.tcp.time_wait, 60000000);
	assert_int_equal(c.tcp.fin_timeout, 30000000);
	assert_int_equal(c.tcp.rto_min, 200000);
	assert_int_equal(c.tcp.rto_max, 60000000);
	assert_int_equal(c.tcp.rto_initial, 500);
	assert_int_equal(c.tcp.delayed_ack, 0);
	assert_int_equal(c.tcp.keepalive_time, 600000000);
	assert_int_equal(c.tcp.keepalive_intvl, 10000000);
	assert_int_equal(c.tcp.tw_reuse_delay, 1500000);
	assert_int_equal(c.tcp.rcv_wnd, 2097152);
	assert_int_equal(c.http.body_size, 64u << 20);
	assert_int_equal(c.http.keepalive_timeout, 0);
	assert_int_equal(c.http.close_wait_delay, 1500);
	assert_true(c.http.rst_fraction == 0.25);
	assert_int_equal(c.fault.tx_delay, 100);
	assert_true(c.fault.seed == UINT64_MAX);
	assert_int_equal(c.client.ramp_up, 2000000);
	assert_int_equal(c.client.rate, 1000000);
}

static void
test_fractional_times_round_to_microseconds(void **state)
{
	struct tt_config c;

	(void)state;
	tt_config_defaults(&c);
	set_ok(&c, "tcp.time_wait=0.5");
	assert_int_equal(c.tcp.time_wait, 500000);
	set_ok(&c, "tcp.time_wait=.25");
	assert_int_equal(c.tcp.time_wait, 250000);
	set_ok(&c, "tcp.time_wait=1.");
	assert_int_equal(c.tcp.time_wait, 1000000);
	set_ok(&c, "tcp.time_wait=0.0000016");           /* 1.6 us */
	assert_int_equal(c.tcp.time_wait, 2);
	set_ok(&c, "tcp.time_wait=0");
	assert_int_equal(c.tcp.time_wait, 0);
	set_ok(&c, "tcp.delayed_ack=0.001");             /* 1 us */
	assert_int_equal(c.tcp.delayed_ack, 1);
	set_ok(&c, "http.close_wait_delay=never");
	assert_int_equal(c.http.close_wait_delay, -1);
	set_ok(&c, "http.close_wait_delay=NEVER");
	assert_int_equal(c.http.close_wait_delay, -1);
}

static void
test_booleans_and_enums(void **state)
{
	static const char *const yes[] = { "on", "yes", "true", "1", "ON", "Yes" };
	static const char *const no[] = { "off", "no", "false", "0", "OFF" };
	struct tt_config c;
	char a[64];
	size_t i;

	(void)state;
	tt_config_defaults(&c);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		set_ok(&c, "tcp.sack=on");
		snprintf(a, sizeof(a), "tcp.sack=%s", no[i]);
		set_ok(&c, a);
		assert_false(c.tcp.sack);
	}
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		set_ok(&c, "tcp.keepalive=off");
		snprintf(a, sizeof(a), "tcp.keepalive=%s", yes[i]);
		set_ok(&c, a);
		assert_true(c.tcp.keepalive);
	}
	set_ok(&c, "general.mode=client");
	assert_int_equal(c.gen.mode, TT_MODE_CLIENT);
	set_ok(&c, "general.mode=both");
	assert_int_equal(c.gen.mode, TT_MODE_BOTH);
	set_ok(&c, "general.mode=Server");
	assert_int_equal(c.gen.mode, TT_MODE_SERVER);
	set_ok(&c, "tcp.tw_policy=evict_oldest");
	assert_int_equal(c.tcp.tw_policy, TT_TW_EVICT_OLDEST);
	set_ok(&c, "http.close_mode=shutdown");
	assert_int_equal(c.http.close_mode, TT_CLOSE_SHUTDOWN);
	set_ok(&c, "client.closer=server");
	assert_int_equal(c.client.closer, TT_CLOSER_SERVER);
}

static void
test_lists_ranges_and_addresses(void **state)
{
	struct tt_config c;
	char path[64], err[512];

	(void)state;
	tt_config_defaults(&c);
	assert_int_equal(load_text(&c,
		"[port3]\n"
		"ip = 10.0.0.5/8\n"
		"gateway = 10.255.255.254\n"
		"mtu = 9000\n"
		"[http]\n"
		"listen = 80, 8080 ,443\n"
		"[client]\n"
		"targets = 10.1.2.3:80,10.1.2.3:8080, 192.0.2.1:443\n"
		"src_ip = 10.0.1.0 - 10.0.1.255\n"
		"src_ports = 40000\n"
		"path = /a\\;b?x=1\n"        /* "\;" is rte_cfgfile's escape */
		"host = example.test ; a comment\n",
		path, err, sizeof(err)), 0);
	assert_true(c.port[3].present);
	assert_int_equal(c.port[3].ip, 0x0a000005);
	assert_int_equal(c.port[3].prefix_len, 8);
	assert_int_equal(c.port[3].gateway, 0x0afffffe);
	assert_int_equal(c.port[3].mtu, 9000);
	assert_false(c.port[0].present);
	assert_int_equal(c.http.n_listen, 3);
	assert_int_equal(c.http.listen[0], 80);
	assert_int_equal(c.http.listen[1], 8080);
	assert_int_equal(c.http.listen[2], 443);
	assert_int_equal(c.client.n_targets, 3);
	assert_int_equal(c.client.target_ip[1], 0x0a010203);
	assert_int_equal(c.client.target_port[1], 8080);
	assert_int_equal(c.client.target_ip[2], 0xc0000201);
	assert_int_equal(c.client.target_port[2], 443);
	assert_int_equal(c.client.src_ip_first, 0x0a000100);
	assert_int_equal(c.client.src_ip_last, 0x0a0001ff);
	assert_int_equal(c.client.src_port_first, 40000);
	assert_int_equal(c.client.src_port_last, 40000);
	assert_string_equal(c.client.path, "/a;b?x=1");
	assert_string_equal(c.client.host, "example.test");

	/* a list replaces the previous one, it does not append */
	set_ok(&c, "http.listen=8000");
	assert_int_equal(c.http.n_listen, 1);
	assert_int_equal(c.http.listen[0], 8000);
	set_ok(&c, "port3.gateway=none");
	assert_int_equal(c.port[3].gateway, 0);
}

/* Every accepted IPv6 form (issue 12): ip6 alongside or instead of ip,
 * gateway6, [v6]:port targets mixed with IPv4 ones, src_ip ranges of
 * either family or both. */
static void
test_ipv6_forms(void **state)
{
	struct tt_config c;
	char path[64], err[512];

	(void)state;
	tt_config_defaults(&c);
	if (load_text(&c,
		"[port0]\n"
		"ip = 198.18.0.1/24\n"
		"ip6 = 2001:2::1/64\n"
		"gateway6 = fe80::1\n"
		"[port1]\n"
		"ip6 = 2001:2:0:1::1/127\n"      /* IPv6 only, RFC 6164 /127 */
		"gateway6 = 2001:2:0:1::\n"
		"[client]\n"
		"targets = 198.18.0.2:80, [2001:2::2]:80 ,[2001:2:0:1::]:8080\n"
		"src_ip = 198.18.0.10-198.18.0.19 , 2001:2::fff0 - "
		"2001:2::1:f\n",
		path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(c.port[0].present);
	assert_int_equal(c.port[0].ip, 0xc6120001);
	assert_true(c.port[0].has_ip6);
	assert_ip6(c.port[0].ip6, "2001:2::1");
	assert_int_equal(c.port[0].prefix6_len, 64);
	assert_true(c.port[0].has_gateway6);
	assert_ip6(c.port[0].gateway6, "fe80::1");
	assert_true(c.port[1].present);
	assert_int_equal(c.port[1].ip, 0);
	assert_true(c.port[1].has_ip6);
	assert_int_equal(c.port[1].prefix6_len, 127);
	assert_ip6(c.port[1].gateway6, "2001:2:0:1::");
	assert_false(c.port[2].present);

	assert_int_equal(c.client.n_targets, 3);
	assert_false(c.client.target_v6[0]);
	assert_int_equal(c.client.target_ip[0], 0xc6120002);
	assert_true(c.client.target_v6[1]);
	assert_int_equal(c.client.target_ip[1], 0);
	assert_ip6(c.client.target_ip6[1], "2001:2::2");
	assert_int_equal(c.client.target_port[1], 80);
	assert_true(c.client.target_v6[2]);
	assert_ip6(c.client.target_ip6[2], "2001:2:0:1::");
	assert_int_equal(c.client.target_port[2], 8080);
	assert_int_equal(c.client.src_ip_first, 0xc612000a);
	assert_int_equal(c.client.src_ip_last, 0xc6120013);
	assert_true(c.client.has_src_ip6);
	/* the ends differ in the last 32 bits only, across a 16-bit group */
	assert_ip6(c.client.src_ip6_first, "2001:2::fff0");
	assert_ip6(c.client.src_ip6_last, "2001:2::1:f");
	set_ok(&c, "general.mode=client");
	set_ok(&c, "client.concurrency=100");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);

	/* src_ip is set as a whole: a family left out is the port's again */
	set_ok(&c, "client.src_ip=2001:2::5");
	assert_int_equal(c.client.src_ip_first, 0);
	assert_true(c.client.has_src_ip6);
	assert_ip6(c.client.src_ip6_first, "2001:2::5");
	assert_ip6(c.client.src_ip6_last, "2001:2::5");
	set_ok(&c, "client.src_ip=198.18.0.7");
	assert_int_equal(c.client.src_ip_first, 0xc6120007);
	assert_false(c.client.has_src_ip6);
	/* a target list replaces the previous one, family flags included */
	set_ok(&c, "client.targets=198.18.0.3:81");
	assert_int_equal(c.client.n_targets, 1);
	assert_false(c.client.target_v6[1]);
	assert_false(c.client.target_v6[2]);
	set_ok(&c, "port0.gateway6=none");
	assert_false(c.port[0].has_gateway6);
	assert_ip6(c.port[0].gateway6, "::");
}

/* ---- errors -------------------------------------------------------------- */

struct bad_value {
	const char *section, *key, *value, *expect;
};

static const struct bad_value bad_values[] = {
	{ "tcp", "time_wait", "abc", "expected seconds, a number in 0..86400" },
	{ "tcp", "time_wait", "60x", "expected seconds" },
	{ "tcp", "time_wait", "60 s", "expected seconds" },
	{ "tcp", "time_wait", "-3", "expected seconds" },
	{ "tcp", "time_wait", "1e3", "expected seconds" },
	{ "tcp", "time_wait", "86401", "0..86400" },
	{ "tcp", "time_wait", "99999999999999999999999999", "0..86400" },
	{ "tcp", "time_wait", ".", "expected seconds" },
	{ "tcp", "time_wait", "", "expected seconds" },
	{ "tcp", "rto_min", "0.05", "milliseconds, a number in 0.1..600000" },
	{ "general", "burst", "513", "expected an integer in 1..512" },
	{ "general", "burst", "0", "1..512" },
	{ "general", "burst", "32.5", "1..512" },
	{ "general", "burst", "0x20", "1..512" },
	{ "general", "burst", "+32", "1..512" },
	{ "general", "mode", "sever", "one of server, client, both" },
	{ "general", "mbufs", "18446744073709551616", "1023..268435455" },
	{ "tcp", "wscale", "15", "0..14" },
	{ "tcp", "mss", "87", "88..9000" },
	{ "tcp", "tw_reuse", "3", "0..2" },
	{ "tcp", "rfc1337", "2", "0..1" },
	{ "tcp", "sack", "maybe", "on or off" },
	{ "tcp", "tw_policy", "lru", "close, evict_oldest" },
	{ "tcp", "rcv_wnd", "1T", "byte count" },
	{ "tcp", "rcv_wnd", "2G", "byte count in 536..1073725440" },
	{ "http", "body_size", "65M", "0..67108864" },
	{ "http", "listen", "0", "TCP ports in 1..65535" },
	{ "http", "listen", "80,,81", "TCP ports" },
	{ "http", "listen", "80;81", "TCP ports" },   /* --set only */
	{ "http", "listen", "80,80", "port 80 listed twice" },
	{ "http", "listen", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
	  "more than 16 ports" },
	{ "http", "listen", "65536", "1..65535" },
	{ "http", "rst_fraction", "1.5", "a probability, a number in 0..1" },
	{ "http", "rst_fraction", "50%", "probability" },
	{ "http", "close_wait_delay", "forever", "or never" },
	{ "fault", "rx_drop", "-0.1", "probability" },
	{ "fault", "seed", "18446744073709551616", "an integer" },
	{ "port0", "ip", "198.18.0.1", "A.B.C.D/1..32" },
	{ "port0", "ip", "198.18.0.1/33", "A.B.C.D/1..32" },
	{ "port0", "ip", "198.18.0.256/24", "A.B.C.D/1..32" },
	{ "port0", "ip", "198.018.0.1/24", "A.B.C.D/1..32" },
	{ "port0", "ip", "198.18.0/24", "A.B.C.D/1..32" },
	{ "port0", "ip", "0.0.0.0/8", "A.B.C.D/1..32" },
	{ "port7", "gateway", "1.2.3.4.5", "IPv4 address" },
	{ "port1", "mtu", "16111", "0..16110" },
	{ "client", "targets", "198.18.0.1", "A.B.C.D:port" },
	{ "client", "targets", "198.18.0.1:0", "A.B.C.D:port" },
	{ "client", "targets", "198.18.0.1:80,198.18.0.1:80", "listed twice" },
	{ "client", "src_ip", "10.0.0.9-10.0.0.1", "first <= last" },
	{ "client", "src_ip", "10.0.0.1-", "range" },
	{ "client", "src_ports", "60999-32768", "lo <= hi" },
	/* IPv6 (issue 12) */
	{ "port0", "ip6", "2001:2::1", "the prefix length is missing; "
	  "expected a unicast IPv6 address and prefix length, ADDR/1..128" },
	{ "port0", "ip6", "2001:2::1/129", "ADDR/1..128" },
	{ "port0", "ip6", "2001:2::1/0", "ADDR/1..128" },
	{ "port0", "ip6", "2001:2::1/64x", "ADDR/1..128" },
	{ "port0", "ip6", "2001:2::g/64", "ADDR/1..128" },
	{ "port0", "ip6", "2001:2:::1/64", "ADDR/1..128" },
	{ "port0", "ip6", "198.18.0.1/24", "ADDR/1..128" },
	{ "port0", "ip6", "fe80::1%dtap0/64", "ADDR/1..128" },
	{ "port0", "ip6", "ff02::1/64", "ff02::1 is a multicast address" },
	{ "port0", "ip6", "::/64", ":: is the unspecified address" },
	{ "port0", "ip6", "::1/128", "::1 is the loopback address" },
	{ "port0", "ip6", "::ffff:198.18.0.1/96", "an IPv4-mapped address" },
	{ "port2", "gateway6", "2001:2::1/64", "a unicast IPv6 address, or none" },
	{ "port2", "gateway6", "198.18.0.1", "a unicast IPv6 address" },
	{ "port2", "gateway6", "ff02::2", "ff02::2 is a multicast address" },
	{ "client", "targets", "2001:2::1:80", "[IPv6]:port" },
	{ "client", "targets", "[2001:2::1]", "[IPv6]:port" },
	{ "client", "targets", "[2001:2::1]:0", "[IPv6]:port" },
	{ "client", "targets", "[2001:2::1:80", "[IPv6]:port" },
	{ "client", "targets", "[2001:2::x]:80", "[IPv6]:port" },
	{ "client", "targets", "[198.18.0.1]:80", "[IPv6]:port" },
	{ "client", "targets", "[2001:2::1]:80,198.18.0.1:80,[2001:2:0::1]:80",
	  "target [2001:2::1]:80 listed twice" },
	{ "client", "targets", "[ff02::1]:80", "target [ff02::1] is a "
	  "multicast address" },
	{ "client", "src_ip", "2001:2::10-2001:3::10", "range 2001:2::10-"
	  "2001:3::10: the ends differ beyond the last 32 bits" },
	{ "client", "src_ip", "2001:2::1:0:10-2001:2::10", "ends differ "
	  "beyond the last 32 bits" },
	{ "client", "src_ip", "2001:2::20-2001:2::10", "range 2001:2::20-"
	  "2001:2::10 ends before it starts" },
	{ "client", "src_ip", "2001:2::1-", "IPv6 address or range" },
	{ "client", "src_ip", "2001:2::x", "IPv6 address or range" },
	{ "client", "src_ip", "ff02::1-ff02::2", "source ff02::1 is a "
	  "multicast address" },
	{ "client", "src_ip", "198.18.0.1,198.18.0.2", "two IPv4 ranges" },
	{ "client", "src_ip", "2001:2::1,2001:2::2-2001:2::3",
	  "two IPv6 ranges" },
	{ "client", "src_ip", "2001:2::1,", "IPv6 address or range" },
	{ "client", "src_ports", "0-10", "1..65535" },
	{ "client", "path", "index.html", "starting with /" },
	{ "client", "path", "/a b", "without spaces" },
	{ "client", "host", "", "printable" },
	{ "client", "concurrency", "0", "1..268435456" },
	{ "client", "closer", "both", "one of client, server" },
};

static void
test_bad_values_name_file_section_key_value(void **state)
{
	struct tt_config c, before;
	char text[512], path[64], err[512], sec[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		const struct bad_value *b = &bad_values[i];

		/* "80;81": ';' starts a comment, so this one is valid */
		if (strcmp(b->value, "80;81") == 0)
			continue;
		tt_config_defaults(&c);
		memcpy(&before, &c, sizeof(c));
		snprintf(text, sizeof(text), "[%s]\n%s = %s\n", b->section,
			 b->key, b->value);
		if (load_text(&c, text, path, err, sizeof(err)) != -1)
			fail_msg("accepted [%s] %s = %s", b->section, b->key,
				 b->value);
		assert_one_line(err);
		assert_contains(err, path);
		snprintf(sec, sizeof(sec), "[%s]", b->section);
		assert_contains(err, sec);
		assert_contains(err, b->key);
		assert_contains(err, b->value);
		assert_contains(err, b->expect);
		/* all or nothing */
		assert_memory_equal(&c, &before, sizeof(c));
	}
}

static void
test_bad_values_via_set_name_set(void **state)
{
	struct tt_config c;
	char a[256], err[512];
	size_t i;

	(void)state;
	tt_config_defaults(&c);
	for (i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		const struct bad_value *b = &bad_values[i];

		snprintf(a, sizeof(a), "%s.%s=%s", b->section, b->key,
			 b->value);
		err[0] = '\0';
		if (tt_config_set(&c, a, err, sizeof(err)) != -1)
			fail_msg("--set %s accepted", a);
		assert_one_line(err);
		assert_contains(err, "--set");
		assert_contains(err, a);
		assert_contains(err, b->expect);
	}
}

static void
test_semicolon_starts_a_comment(void **state)
{
	struct tt_config c;
	char path[64], err[512];

	(void)state;
	tt_config_defaults(&c);
	assert_int_equal(load_text(&c, "[http]\nlisten = 81;82\n", path, err,
				   sizeof(err)), 0);
	assert_int_equal(c.http.n_listen, 1);
	assert_int_equal(c.http.listen[0], 81);
}

struct bad_file {
	const char *text;
	const char *expect;   /* besides the file name */
};

static const struct bad_file bad_files[] = {
	{ "[tpc]\ntime_wait = 1\n", "unknown section [tpc] (known: general, "
	  "port0..port7, tcp, http, fault, client)" },
	{ "[port8]\nip = 1.2.3.4/8\n", "unknown section [port8]" },
	{ "[Port0]\n", "unknown section [Port0]" },
	{ "[tcp]\ntime_wiat = 1\n", "[tcp] time_wiat = 1: unknown key in "
	  "[tcp] (known: max_conns, time_wait, fin_timeout," },
	{ "[port2]\naddress = 1.2.3.4/8\n", "[port2] address = 1.2.3.4/8: "
	  "unknown key in [port2] (known: ip, ip6, gateway, gateway6, mtu)" },
	{ "[tcp]\ntime_wait = 60\nsack = on\ntime_wait = 30\n",
	  "[tcp] time_wait = 30: duplicate key (already set to 60" },
	{ "[tcp]\ntime_wait = 60\n[http]\n[tcp]\nsack = off\n",
	  "section [tcp] appears twice" },
	{ "time_wait = 60\n[tcp]\n", ":1: time_wait = ... before any [section]" },
	{ "[tcp]\n\n  time_wait 60\n", ":3: expected key = value, [section] or "
	  "a ';' comment, not \"time_wait 60\"" },
	{ "[tcp]\n# Linux default\n", ":2: comments start with ';'" },
	{ "[tcp\ntime_wait = 1\n", ":1: expected [section] alone" },
	{ "[tcp] x\n", ":1: expected [section] alone" },
	{ "[]\n", ":1: expected [section] with a name" },
	{ "[tcp]\n= 60\n", ":2: missing key name" },
	{ "[tcp]\ntime_wait = 6\0000\n", ":2: NUL byte" },
	{ "[tcp]\ntime_wait = 6\x01\n", ":2: control byte 0x01" },
};

static void
test_bad_files_name_file_and_problem(void **state)
{
	struct tt_config c;
	char path[64], err[512];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		const char *t = bad_files[i].text;

		/* the NUL case: the text runs on past its first '\0' */
		len = strlen(t);
		if (strstr(bad_files[i].expect, "NUL") != NULL)
			len += 1 + strlen(t + len + 1);
		tt_config_defaults(&c);
		write_temp(path, t, len);
		err[0] = '\0';
		if (tt_config_load(&c, path, err, sizeof(err)) != -1)
			fail_msg("case %zu accepted", i);
		unlink(path);
		assert_one_line(err);
		assert_contains(err, path);
		assert_contains(err, bad_files[i].expect);
	}
}

static void
test_long_lines_and_values(void **state)
{
	struct tt_config c;
	char text[2048], path[64], err[512];
	int n;

	(void)state;
	tt_config_defaults(&c);
	/* a 400-character comment: rte_cfgfile's line buffer is 324 bytes */
	n = snprintf(text, sizeof(text), "[tcp]\n;%0400d\n", 0);
	assert_true(n > 0);
	assert_int_equal(load_text(&c, text, path, err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, ":2: line too long (401 characters, at most 322)");

	/* a value rte_cfgfile would silently truncate to 255 */
	snprintf(text, sizeof(text), "[client]\nhost = %0300d\n", 0);
	assert_int_equal(load_text(&c, text, path, err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, ":2: value of host too long (300 characters");

	/* a host of 127 characters fits, 128 does not */
	snprintf(text, sizeof(text), "[client]\nhost = h%0126d\n", 0);
	assert_int_equal(load_text(&c, text, path, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.client.host), 127);
	snprintf(text, sizeof(text), "[client]\nhost = h%0127d\n", 0);
	assert_int_equal(load_text(&c, text, path, err, sizeof(err)), -1);
	assert_contains(err, "1..127 printable characters");
}

static void
test_missing_file(void **state)
{
	struct tt_config c;
	char err[512] = "";

	(void)state;
	tt_config_defaults(&c);
	assert_int_equal(tt_config_load(&c, "/nonexistent/tt.conf", err,
					sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "/nonexistent/tt.conf");
	assert_contains(err, strerror(ENOENT));

	err[0] = '\0';
	assert_int_equal(tt_config_load(&c, "/tmp", err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "/tmp");
}

static void
test_failed_load_changes_nothing(void **state)
{
	struct tt_config c, before;
	char path[64], err[512];

	(void)state;
	tt_config_defaults(&c);
	memcpy(&before, &c, sizeof(c));
	assert_int_equal(load_text(&c, "[tcp]\ntime_wait = 30\n[port0]\n"
				   "ip = 1.2.3.4/8\n[http]\nlisten = 0\n",
				   path, err, sizeof(err)), -1);
	assert_memory_equal(&c, &before, sizeof(c));
}

static void
test_tiny_error_buffers(void **state)
{
	struct tt_config c;
	char err[8];

	(void)state;
	tt_config_defaults(&c);
	memset(err, 'x', sizeof(err));
	assert_int_equal(tt_config_set(&c, "tcp.nope=1", err, sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(tt_config_set(&c, "tcp.nope=1", NULL, 0), -1);
	assert_int_equal(tt_config_load(&c, "/nonexistent", NULL, 0), -1);
}

/* ---- --set ---------------------------------------------------------------- */

static void
test_set_overrides_file(void **state)
{
	struct tt_config c;
	char path[64], err[512];

	(void)state;
	tt_config_defaults(&c);
	assert_int_equal(load_text(&c, "[tcp]\ntime_wait = 30\nsack = on\n"
				   "[port0]\nip = 198.18.0.1/24\n",
				   path, err, sizeof(err)), 0);
	assert_int_equal(c.tcp.time_wait, 30000000);
	set_ok(&c, "tcp.time_wait=10");
	set_ok(&c, " tcp . sack = off ");
	set_ok(&c, "port0.ip=198.18.5.1/16");
	set_ok(&c, "port1.ip=10.0.0.1/8");
	assert_int_equal(c.tcp.time_wait, 10000000);
	assert_false(c.tcp.sack);
	assert_int_equal(c.port[0].ip, 0xc6120501);
	assert_int_equal(c.port[0].prefix_len, 16);
	assert_true(c.port[1].present);

	/* and a later file wins over an earlier --set: load stacks */
	assert_int_equal(load_text(&c, "[tcp]\ntime_wait = 5\n", path, err,
				   sizeof(err)), 0);
	assert_int_equal(c.tcp.time_wait, 5000000);
	assert_false(c.tcp.sack);
}

static void
test_set_errors_name_set(void **state)
{
	static const struct { const char *a, *expect; } cases[] = {
		{ "tcp.foo=1", "--set tcp.foo=1: unknown key in [tcp] (known: "
		  "max_conns, time_wait," },
		{ "tcpfoo=1", "--set tcpfoo=1: expected section.key=value" },
		{ "tcp.time_wait", "--set tcp.time_wait: expected section.key=" },
		{ "time_wait=1.5", "--set time_wait=1.5: expected section.key=" },
		{ "", "--set : expected section.key=value" },
		{ "tpc.time_wait=1", "--set tpc.time_wait=1: unknown section "
		  "[tpc]" },
		{ "port9.ip=1.2.3.4/8", "unknown section [port9]" },
		{ "tcp.wscale=15", "--set tcp.wscale=15: expected an integer in "
		  "0..14" },
		{ "tcp.time_wait=1\n2", "--set tcp.time_wait=1?2: expected "
		  "seconds" },
	};
	struct tt_config c, before;
	char err[512];
	size_t i;

	(void)state;
	tt_config_defaults(&c);
	memcpy(&before, &c, sizeof(c));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(tt_config_set(&c, cases[i].a, err,
					       sizeof(err)), -1);
		assert_one_line(err);
		assert_contains(err, cases[i].expect);
		assert_memory_equal(&c, &before, sizeof(c));
	}
}

/* ---- garbage ----------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	/* xorshift64*: deterministic, so a failure reproduces */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static void
load_garbage(const void *data, size_t len)
{
	struct tt_config c;
	char path[64], err[256];
	int rc;

	tt_config_defaults(&c);
	write_temp(path, data, len);
	err[0] = '\0';
	rc = tt_config_load(&c, path, err, sizeof(err));
	unlink(path);
	assert_true(rc == 0 || rc == -1);
	if (rc == -1) {
		assert_one_line(err);
	} else {
		err[0] = '\0';
		rc = tt_config_validate(&c, err, sizeof(err));
		assert_true(rc == 0 || (rc == -1 && err[0] != '\0'));
	}
}

static void
test_garbage_never_crashes(void **state)
{
	/* bytes that steer random text into the parser's branches */
	static const char alphabet[] = "[]=;\\\n\n\n .:/-,#\r\t0123456789"
				       "abcdeiptw_\x80\xff";
	char path[600], buf[4096], *sample;
	size_t i, j, len, slen;
	FILE *f;

	(void)state;
	load_garbage("", 0);
	load_garbage("\n\n\n", 3);
	load_garbage("[tcp]", 5);                  /* no final newline */
	load_garbage("[tcp]\ntime_wait=1", 17);
	load_garbage("\xef\xbb\xbf[tcp]\n", 9);    /* UTF-8 BOM */
	load_garbage("[general]\r\nmode = client\r\n", 27);

	for (i = 0; i < 300; i++) {             /* random bytes */
		len = rng() % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = (char)rng();
		load_garbage(buf, len);
	}
	for (i = 0; i < 500; i++) {             /* random config-ish text */
		len = rng() % 600;
		for (j = 0; j < len; j++)
			buf[j] = alphabet[rng() % (sizeof(alphabet) - 1)];
		load_garbage(buf, len);
	}

	/* mutations of a real config */
	src_path(path, sizeof(path), "config/memif-client.conf");
	f = fopen(path, "rb");
	assert_non_null(f);
	sample = malloc(65536);
	assert_non_null(sample);
	slen = fread(sample, 1, 65536, f);
	fclose(f);
	assert_true(slen > 0 && slen < sizeof(buf));
	for (i = 0; i < 500; i++) {
		memcpy(buf, sample, slen);
		for (j = rng() % 4 + 1; j > 0; j--)
			buf[rng() % slen] = (i & 1) ?
				(char)rng() :
				alphabet[rng() % (sizeof(alphabet) - 1)];
		load_garbage(buf, slen);
	}
	free(sample);
}

static void
test_big_files(void **state)
{
	size_t cap = 1 << 16, o = 0;   /* 64 KiB: thousands of lines, fast under ASan */
	char *text = malloc(cap);
	struct tt_config c;
	char path[64], err[512];

	(void)state;
	assert_non_null(text);
	/* many sections: the second [tcp] is an error */
	while (o + 8 < cap - 1)
		o += (size_t)snprintf(text + o, cap - o, "[tcp]\n");
	tt_config_defaults(&c);
	assert_int_equal(load_text(&c, text, path, err, sizeof(err)), -1);
	assert_contains(err, "appears twice");

	/* many entries: the first unknown key is reported */
	o = (size_t)snprintf(text, cap, "[tcp]\n");
	while (o + 16 < cap - 1)
		o += (size_t)snprintf(text + o, cap - o, "sack = on\n");
	assert_int_equal(load_text(&c, text, path, err, sizeof(err)), -1);
	assert_contains(err, "duplicate key");
	free(text);
}

/* ---- validation -------------------------------------------------------- */

static void
test_validate_catches_inconsistencies(void **state)
{
	static const struct { const char *set[3], *expect; } cases[] = {
		{ { "tcp.rto_min=2000" }, "rto_min <= rto_initial <= rto_max" },
		{ { "tcp.rto_max=500" }, "rto_min <= rto_initial <= rto_max" },
		{ { "general.tick=100000" }, "[general] tick" },
		{ { "tcp.wscale=2" }, "[tcp] rcv_wnd 1048576" },
		{ { "general.rx_desc=256", "general.burst=512" },
		  "[general] burst 512" },
		{ { "general.mbufs=2047" }, "[general] mbufs 2047" },
		{ { "port0.ip=198.18.0.0/24" }, "network or broadcast" },
		{ { "port0.ip=198.18.0.255/24" }, "network or broadcast" },
		{ { "port0.gateway=198.18.1.1" }, "[port0] gateway 198.18.1.1" },
		{ { "port0.gateway=198.18.0.1" }, "[port0] gateway" },
		{ { "port1.mtu=1500" }, "[port1] sets gateway, gateway6 or mtu "
		  "but has neither ip nor ip6" },
		{ { "port1.gateway6=fe80::1" }, "[port1] sets gateway, gateway6 "
		  "or mtu but has neither ip nor ip6" },
		{ { "port0.ip6=2001:2::/64" }, "[port0] ip6 2001:2::/64 is the "
		  "subnet-router anycast address" },
		{ { "port0.ip6=2001:2::1/64", "port0.gateway6=2001:3::1" },
		  "[port0] gateway6 2001:3::1 must be link-local (fe80::/10) or "
		  "another address inside 2001:2::1/64" },
		{ { "port0.ip6=2001:2::1/64", "port0.gateway6=2001:2::1" },
		  "[port0] gateway6 2001:2::1 must be" },
		{ { "port0.gateway6=fe80::1" }, "[port0] gateway6 fe80::1 needs "
		  "an ip6" },
		{ { "port1.ip6=2001:2:0:1::1/64", "port1.gateway=198.18.1.1" },
		  "[port1] gateway 198.18.1.1 needs an ip" },
		{ { "port0.ip6=2001:2::1/64", "port0.mtu=1279" },
		  "[port0] mtu 1279 is below the IPv6 minimum of 1280" },
		{ { "port0.ip6=2001:2::1/64", "port1.ip6=2001:2::1/48" },
		  "[port0] and [port1] have the same ip6 2001:2::1" },
		{ { "general.mode=client", "client.targets=[2001:2::2]:80" },
		  "[client] target [2001:2::2]:80 is IPv6 but no [portN] has an "
		  "ip6" },
		{ { "port0.ip6=2001:2::1/64", "general.mode=client",
		    "client.targets=[2001:2:1::2]:80" },
		  "[client] target [2001:2:1::2]:80 is outside every [portN] ip6 "
		  "prefix and no port has a gateway6" },
		{ { "port0.ip6=2001:2::1/64", "general.mode=client",
		    "client.targets=[2001:2::1]:80" },
		  "[client] target [2001:2::1]:80 is [port0]'s own address" },
		{ { "port0.mtu=67" }, "[port0] mtu 67" },
		{ { "port1.ip=198.18.0.1/16" }, "same ip 198.18.0.1" },
		{ { "general.mode=client" }, "[client] targets is required" },
		{ { "general.mode=both" }, "[client] targets is required" },
		{ { "general.mode=client", "client.targets=10.0.0.1:80" },
		  "target 10.0.0.1:80 is outside every [portN] prefix" },
		{ { "general.mode=client", "client.targets=198.18.0.1:80" },
		  "[port0]'s own address" },
		{ { "general.mode=client", "client.targets=198.18.0.2:80",
		    "client.src_ip=198.18.1.1-198.18.1.2" },
		  "src_ip 198.18.1.1-198.18.1.2 is not inside" },
		{ { "general.mode=client", "client.targets=198.18.0.2:80",
		    "client.src_ports=40000-40009" },
		  "concurrency 1000 exceeds the 10 4-tuples" },
		{ { "general.mode=client", "client.targets=198.18.0.2:80",
		    "client.ramp_up=20" }, "ramp_up" },
	};
	struct tt_config c;
	char err[512];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		base_config(&c);
		set_ok(&c, "general.duration=10");
		for (j = 0; j < 3 && cases[i].set[j] != NULL; j++)
			set_ok(&c, cases[i].set[j]);
		err[0] = '\0';
		if (tt_config_validate(&c, err, sizeof(err)) != -1)
			fail_msg("case %zu (%s) validated", i, cases[i].set[0]);
		assert_one_line(err);
		assert_contains(err, cases[i].expect);
	}
}

/*
 * MTU and MSS: tcp.mss is capped by every [portN] mtu (MTU - 40), the
 * mbufs must hold the largest frame (Ethernet + VLAN + max(MTU, MSS + 40)),
 * and impossible values are refused with one line.
 */
static void
test_mtu_caps_mss_and_sizes_frames(void **state)
{
	struct tt_config c;
	char err[512] = "";

	(void)state;
	base_config(&c);
	assert_int_equal(tt_config_mss(&c), 1460);
	assert_int_equal(tt_config_frame_max(&c), 1518);

	/* A smaller MTU caps the MSS. */
	set_ok(&c, "port0.mtu=1000");
	assert_int_equal(tt_config_mss(&c), 960);
	assert_int_equal(tt_config_frame_max(&c), 1518);
	/* The smallest MTU of all ports wins. */
	set_ok(&c, "port1.ip=198.18.1.1/24");
	set_ok(&c, "port1.mtu=576");
	assert_int_equal(tt_config_mss(&c), 536);
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), 0);

	/* Jumbo: tcp.mss 9000 on 9000-byte MTUs is 8960; the frames need
	 * 9018 bytes of mbuf, not 2 KB. */
	base_config(&c);
	set_ok(&c, "tcp.mss=9000");
	set_ok(&c, "port0.mtu=9000");
	assert_int_equal(tt_config_mss(&c), 8960);
	assert_int_equal(tt_config_frame_max(&c), 9018);
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), 0);
	/* Without an MTU the PMD's applies at start; the mbufs still fit
	 * the MSS. */
	set_ok(&c, "port0.mtu=0");
	assert_int_equal(tt_config_mss(&c), 9000);
	assert_int_equal(tt_config_frame_max(&c), 9058);

	/* Beyond a jumbo frame: refused by the key's range. */
	base_config(&c);
	assert_int_equal(tt_config_set(&c, "port0.mtu=20000", err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "16110");
	/* A floor above what we announce. */
	base_config(&c);
	set_ok(&c, "tcp.mss=1000");
	set_ok(&c, "tcp.min_snd_mss=1200");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "min_snd_mss 1200 is above mss 1000");
}

static void
test_validate_accepts_reachable_clients(void **state)
{
	struct tt_config c;
	char err[512] = "";

	(void)state;
	base_config(&c);
	set_ok(&c, "general.mode=both");
	set_ok(&c, "client.targets=198.18.0.2:80,198.18.0.3:80");
	set_ok(&c, "client.src_ip=198.18.0.10-198.18.0.19");
	set_ok(&c, "client.src_ports=40000-40049");
	set_ok(&c, "client.concurrency=1000");        /* 10 x 50 x 2 */
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	set_ok(&c, "client.concurrency=1001");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);

	/* off-link targets are fine with a gateway */
	base_config(&c);
	set_ok(&c, "general.mode=client");
	set_ok(&c, "client.targets=203.0.113.7:443");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	set_ok(&c, "port0.gateway=198.18.0.254");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

/* IPv6-only and dual-stack configurations that must validate, and the
 * family checks around them. */
static void
test_validate_ipv6(void **state)
{
	struct tt_config c;
	char err[512] = "";

	(void)state;
	/* a port with ip6 alone is a port */
	tt_config_defaults(&c);
	set_ok(&c, "port0.ip6=2001:2::1/64");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	set_ok(&c, "port0.mtu=1280");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* ... but an IPv4 target needs a port with ip */
	set_ok(&c, "general.mode=client");
	set_ok(&c, "client.targets=[2001:2::2]:80,198.18.0.2:80");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "[client] target 198.18.0.2:80 is IPv4 but no "
			"[portN] has an ip");
	set_ok(&c, "client.targets=[2001:2::2]:80");
	set_ok(&c, "client.src_ports=40000-40999");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* an IPv4 src_ip does not fit an IPv6-only port */
	set_ok(&c, "client.src_ip=198.18.0.5");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_contains(err, "[client] src_ip 198.18.0.5-198.18.0.5 is not "
			"inside one [portN] prefix");

	/* dual stack, mixed targets: each family pairs with its sources,
	 * 10 ports x (1 IPv4 source + 4 IPv6 sources) = 50 tuples */
	base_config(&c);
	set_ok(&c, "port0.ip6=2001:2::1/64");
	set_ok(&c, "general.mode=client");
	set_ok(&c, "client.targets=198.18.0.2:80,[2001:2::2]:80");
	set_ok(&c, "client.src_ip=2001:2::10-2001:2::13");
	set_ok(&c, "client.src_ports=40000-40009");
	set_ok(&c, "client.concurrency=50");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	set_ok(&c, "client.concurrency=51");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "concurrency 51 exceeds the 50 4-tuples");
	set_ok(&c, "client.concurrency=50");

	/* the IPv6 source range must lie in a port's ip6 prefix */
	set_ok(&c, "client.src_ip=2001:2:1::10-2001:2:1::13");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_one_line(err);
	assert_contains(err, "[client] src_ip 2001:2:1::10-2001:2:1::13 is "
			"not inside one [portN] ip6 prefix");

	/* off-link IPv6 targets are fine with a gateway6, link-local or
	 * on-link */
	set_ok(&c, "client.src_ip=2001:2::10-2001:2::13");
	set_ok(&c, "client.targets=[2001:db8::7]:443");
	set_ok(&c, "client.concurrency=40");          /* 10 x 4 x 1 */
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_contains(err, "outside every [portN] ip6 prefix");
	set_ok(&c, "port0.gateway6=fe80::1");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	set_ok(&c, "port0.gateway6=2001:2::fe");
	if (tt_config_validate(&c, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* an IPv4 gateway does not route IPv6 */
	set_ok(&c, "port0.gateway6=none");
	set_ok(&c, "port0.gateway=198.18.0.254");
	assert_int_equal(tt_config_validate(&c, err, sizeof(err)), -1);
	assert_contains(err, "no port has a gateway6");
}

/* ---- reference and docs ------------------------------------------------ */

static char *
reference_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	tt_config_print_reference(f);
	fclose(f);
	assert_non_null(text);
	return text;
}

static void
test_reference_loads_back_as_defaults(void **state)
{
	struct tt_config c, d;
	char *text = reference_text();
	char path[64], err[512] = "";

	(void)state;
	/* the reference is itself a valid config file of the defaults */
	tt_config_defaults(&c);
	tt_config_defaults(&d);
	memset(&c.tcp, 0, sizeof(c.tcp));
	memset(&c.client, 0, sizeof(c.client));
	if (load_text(&c, text, path, err, sizeof(err)) != 0)
		fail_msg("reference does not load: %s", err);
	assert_memory_equal(&c, &d, sizeof(c));
	assert_contains(text, "[tcp]\n");
	assert_contains(text, "time_wait = 60\n");
	assert_contains(text, "net.ipv4.tcp_fin_timeout");
	assert_contains(text, ";ip = 198.18.0.1/24\n");
	free(text);
}

/*
 * docs/config.md has a "## [section]" heading per section and a table row
 * "| `key` | `default` | ..." per key (ports under "## [portN]").  Every
 * key of the reference must have its row, with the same default, in its
 * section.
 */
static void
test_docs_cover_every_key(void **state)
{
	char *text = reference_text(), *doc, *line, *save = NULL;
	char path[600], heading[64], row[256], key[64], def[128];
	const char *sec_start = NULL, *sec_end, *hit;
	size_t dlen;
	FILE *f;
	int nkeys = 0;

	(void)state;
	src_path(path, sizeof(path), "docs/config.md");
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	doc = malloc(1 << 20);
	assert_non_null(doc);
	dlen = fread(doc, 1, (1 << 20) - 1, f);
	doc[dlen] = '\0';
	fclose(f);

	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '[') {
			snprintf(heading, sizeof(heading), "## %s",
				 strncmp(line, "[port", 5) == 0 ? "[portN]" :
				 line);
			sec_start = strstr(doc, heading);
			if (sec_start == NULL)
				fail_msg("docs/config.md lacks \"%s\"", heading);
			continue;
		}
		if (sscanf(line, ";%63[a-z0-9_] = %127[^\n]", key, def) == 2)
			snprintf(row, sizeof(row), "| `%s` | none |", key);
		else if (sscanf(line, "%63[a-z0-9_] = %127[^\n]", key, def) == 2)
			snprintf(row, sizeof(row), "| `%s` | `%s` |", key, def);
		else
			continue;
		assert_non_null(sec_start);
		sec_end = strstr(sec_start + 3, "\n## ");
		hit = strstr(sec_start, row);
		if (hit == NULL || (sec_end != NULL && hit > sec_end))
			fail_msg("docs/config.md: no row \"%s\" under \"%s\"",
				 row, heading);
		nkeys++;
	}
	assert_true(nkeys > 60);
	free(doc);
	free(text);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_linux),
		cmocka_unit_test(test_defaults_alone_do_not_validate),
		cmocka_unit_test(test_sample_configs_load_and_validate),
		cmocka_unit_test(test_units_are_converted),
		cmocka_unit_test(test_fractional_times_round_to_microseconds),
		cmocka_unit_test(test_booleans_and_enums),
		cmocka_unit_test(test_lists_ranges_and_addresses),
		cmocka_unit_test(test_ipv6_forms),
		cmocka_unit_test(test_bad_values_name_file_section_key_value),
		cmocka_unit_test(test_bad_values_via_set_name_set),
		cmocka_unit_test(test_semicolon_starts_a_comment),
		cmocka_unit_test(test_bad_files_name_file_and_problem),
		cmocka_unit_test(test_long_lines_and_values),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_failed_load_changes_nothing),
		cmocka_unit_test(test_tiny_error_buffers),
		cmocka_unit_test(test_set_overrides_file),
		cmocka_unit_test(test_set_errors_name_set),
		cmocka_unit_test(test_garbage_never_crashes),
		cmocka_unit_test(test_big_files),
		cmocka_unit_test(test_validate_catches_inconsistencies),
		cmocka_unit_test(test_validate_accepts_reachable_clients),
		cmocka_unit_test(test_validate_ipv6),
		cmocka_unit_test(test_mtu_caps_mss_and_sizes_frames),
		cmocka_unit_test(test_reference_loads_back_as_defaults),
		cmocka_unit_test(test_docs_cover_every_key),
	};

	find_src_dir(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
