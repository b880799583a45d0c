/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm configuration: cross-key checks, run once every file and --set
 * has been applied.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_priv.h"

static bool
cfg_in_prefix(uint32_t ip, uint32_t net, unsigned len)
{
	uint32_t mask = len == 0 ? 0 : UINT32_MAX << (32 - len);

	return (ip & mask) == (net & mask);
}

/* ---- cross-key checks ------------------------------------------------- */

/* RFC 4291 2.6.1: the address with an all-zero interface identifier is
 * the subnet-router anycast address, not a host's. */
static bool
cfg_ip6_host_zero(const uint8_t *ip6, unsigned len)
{
	for (unsigned bit = len; bit < 128; bit++)
		if (ip6[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

static bool
cfg_ip6_link_local(const uint8_t *ip6)
{
	return ip6[0] == 0xfe && (ip6[1] & 0xc0) == 0x80;   /* fe80::/10 */
}

static int
cfg_validate_port4(const struct tt_port_config *pc, unsigned i, char *err,
		   size_t errlen)
{
	char a[16], b[16];
	uint32_t host;

	if (pc->ip == 0) {
		if (pc->gateway != 0) {
			cfg_err(err, errlen, "[port%u] gateway %s needs an ip "
				"(the port has only ip6)", i,
				cfg_fmt_ip(pc->gateway, a, sizeof(a)));
			return -1;
		}
		return 0;
	}
	host = pc->prefix_len >= 32 ? 0 :
	       pc->ip & (UINT32_MAX >> pc->prefix_len);
	if (pc->prefix_len <= 30 &&
	    (host == 0 || host == UINT32_MAX >> pc->prefix_len)) {
		cfg_err(err, errlen, "[port%u] ip %s/%u is the network "
			"or broadcast address of its prefix", i,
			cfg_fmt_ip(pc->ip, a, sizeof(a)), pc->prefix_len);
		return -1;
	}
	if (pc->gateway != 0 &&
	    (pc->gateway == pc->ip ||
	     !cfg_in_prefix(pc->gateway, pc->ip, pc->prefix_len))) {
		cfg_err(err, errlen, "[port%u] gateway %s must be "
			"another address inside %s/%u", i,
			cfg_fmt_ip(pc->gateway, a, sizeof(a)),
			cfg_fmt_ip(pc->ip, b, sizeof(b)), pc->prefix_len);
		return -1;
	}
	return 0;
}

static int
cfg_validate_port6(const struct tt_port_config *pc, unsigned i, char *err,
		   size_t errlen)
{
	char a[48], b[48];

	if (!pc->has_ip6) {
		if (pc->has_gateway6) {
			cfg_err(err, errlen, "[port%u] gateway6 %s needs an "
				"ip6", i,
				cfg_fmt_ip6(pc->gateway6, a, sizeof(a)));
			return -1;
		}
		return 0;
	}
	/* /127 and /128 have no anycast address (RFC 6164) */
	if (pc->prefix6_len <= 126 &&
	    cfg_ip6_host_zero(pc->ip6, pc->prefix6_len)) {
		cfg_err(err, errlen, "[port%u] ip6 %s/%u is the subnet-router "
			"anycast address of its prefix (RFC 4291 2.6.1)", i,
			cfg_fmt_ip6(pc->ip6, a, sizeof(a)), pc->prefix6_len);
		return -1;
	}
	/* On-link next hops only: a link-local router address (what
	 * routers advertise, RFC 4861 4.2) or one inside the prefix. */
	if (pc->has_gateway6 &&
	    (memcmp(pc->gateway6, pc->ip6, 16) == 0 ||
	     !(cfg_ip6_link_local(pc->gateway6) ||
	       cfg_in_prefix6(pc->gateway6, pc->ip6, pc->prefix6_len)))) {
		cfg_err(err, errlen, "[port%u] gateway6 %s must be link-local "
			"(fe80::/10) or another address inside %s/%u", i,
			cfg_fmt_ip6(pc->gateway6, a, sizeof(a)),
			cfg_fmt_ip6(pc->ip6, b, sizeof(b)), pc->prefix6_len);
		return -1;
	}
	if (pc->mtu != 0 && pc->mtu < 1280) {
		cfg_err(err, errlen, "[port%u] mtu %u is below the IPv6 "
			"minimum of 1280 (RFC 8200 5) and the port has ip6", i,
			pc->mtu);
		return -1;
	}
	return 0;
}

static int
cfg_validate_ports(const struct tt_config *cfg, char *err, size_t errlen)
{
	const struct tt_port_config *pc, *pj;
	char a[48];
	unsigned i, j, nport = 0;

	for (i = 0; i < TT_MAX_PORTS; i++) {
		pc = &cfg->port[i];
		if (!pc->present) {
			if (pc->gateway != 0 || pc->has_gateway6 ||
			    pc->mtu != 0) {
				cfg_err(err, errlen, "[port%u] sets gateway, "
					"gateway6 or mtu but has neither ip "
					"nor ip6", i);
				return -1;
			}
			continue;
		}
		nport++;
		if (cfg_validate_port4(pc, i, err, errlen) != 0 ||
		    cfg_validate_port6(pc, i, err, errlen) != 0)
			return -1;
		if (pc->mtu != 0 && pc->mtu < 68) {
			cfg_err(err, errlen, "[port%u] mtu %u is below the "
				"IPv4 minimum of 68 (0 keeps the PMD's)", i,
				pc->mtu);
			return -1;
		}
		for (j = 0; j < i; j++) {
			pj = &cfg->port[j];
			if (!pj->present)
				continue;
			if (pc->ip != 0 && pj->ip == pc->ip) {
				cfg_err(err, errlen, "[port%u] and [port%u] "
					"have the same ip %s", j, i,
					cfg_fmt_ip(pc->ip, a, sizeof(a)));
				return -1;
			}
			if (pc->has_ip6 && pj->has_ip6 &&
			    memcmp(pj->ip6, pc->ip6, 16) == 0) {
				cfg_err(err, errlen, "[port%u] and [port%u] "
					"have the same ip6 %s", j, i,
					cfg_fmt_ip6(pc->ip6, a, sizeof(a)));
				return -1;
			}
		}
	}
	if (nport == 0) {
		cfg_err(err, errlen, "no port configured: at least one "
			"[portN] section needs an ip or ip6 (e.g. [port0] ip = "
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

/* An IPv4 target: reachable through a port with ip, not our own. */
static int
cfg_validate_target4(const struct tt_config *cfg, unsigned i, char *err,
		     size_t errlen)
{
	const struct tt_client_config *c = &cfg->client;
	bool ok = false, any = false;
	char a[16];
	unsigned p;

	for (p = 0; p < TT_MAX_PORTS; p++) {
		const struct tt_port_config *pc = &cfg->port[p];

		if (!pc->present || pc->ip == 0)
			continue;
		any = true;
		/* mode = both may target its own server side: on a
		 * ring_pair, another port of this process. */
		if (pc->ip == c->target_ip[i] && cfg->gen.mode != TT_MODE_BOTH) {
			cfg_err(err, errlen, "[client] target %s:%u is "
				"[port%u]'s own address (tcpterm has no "
				"loopback)",
				cfg_fmt_ip(c->target_ip[i], a, sizeof(a)),
				c->target_port[i], p);
			return -1;
		}
		ok |= pc->gateway != 0 ||
		      cfg_in_prefix(c->target_ip[i], pc->ip, pc->prefix_len);
	}
	if (!any) {
		cfg_err(err, errlen, "[client] target %s:%u is IPv4 but no "
			"[portN] has an ip",
			cfg_fmt_ip(c->target_ip[i], a, sizeof(a)),
			c->target_port[i]);
		return -1;
	}
	if (!ok) {
		cfg_err(err, errlen, "[client] target %s:%u is outside "
			"every [portN] prefix and no port has a gateway",
			cfg_fmt_ip(c->target_ip[i], a, sizeof(a)),
			c->target_port[i]);
		return -1;
	}
	return 0;
}

/* An IPv6 target: reachable through a port with ip6, not our own. */
static int
cfg_validate_target6(const struct tt_config *cfg, unsigned i, char *err,
		     size_t errlen)
{
	const struct tt_client_config *c = &cfg->client;
	bool ok = false, any = false;
	char a[48];
	unsigned p;

	for (p = 0; p < TT_MAX_PORTS; p++) {
		const struct tt_port_config *pc = &cfg->port[p];

		if (!pc->present || !pc->has_ip6)
			continue;
		any = true;
		if (memcmp(pc->ip6, c->target_ip6[i], 16) == 0 &&
		    cfg->gen.mode != TT_MODE_BOTH) {
			cfg_err(err, errlen, "[client] target [%s]:%u is "
				"[port%u]'s own address (tcpterm has no "
				"loopback)",
				cfg_fmt_ip6(c->target_ip6[i], a, sizeof(a)),
				c->target_port[i], p);
			return -1;
		}
		ok |= pc->has_gateway6 ||
		      cfg_in_prefix6(c->target_ip6[i], pc->ip6,
				     pc->prefix6_len);
	}
	if (!any) {
		cfg_err(err, errlen, "[client] target [%s]:%u is IPv6 but no "
			"[portN] has an ip6",
			cfg_fmt_ip6(c->target_ip6[i], a, sizeof(a)),
			c->target_port[i]);
		return -1;
	}
	if (!ok) {
		cfg_err(err, errlen, "[client] target [%s]:%u is outside "
			"every [portN] ip6 prefix and no port has a gateway6",
			cfg_fmt_ip6(c->target_ip6[i], a, sizeof(a)),
			c->target_port[i]);
		return -1;
	}
	return 0;
}

/* src_ip, when set, lies inside one port's prefix, per family. */
static int
cfg_validate_src(const struct tt_config *cfg, char *err, size_t errlen)
{
	const struct tt_client_config *c = &cfg->client;
	char a[48], b[48];
	bool ok;
	unsigned p;

	if (c->src_ip_first != 0) {
		ok = false;
		for (p = 0; p < TT_MAX_PORTS; p++) {
			const struct tt_port_config *pc = &cfg->port[p];

			ok |= pc->present && pc->ip != 0 &&
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
	if (c->has_src_ip6) {
		ok = false;
		for (p = 0; p < TT_MAX_PORTS; p++) {
			const struct tt_port_config *pc = &cfg->port[p];

			ok |= pc->present && pc->has_ip6 &&
			      cfg_in_prefix6(c->src_ip6_first, pc->ip6,
					     pc->prefix6_len) &&
			      cfg_in_prefix6(c->src_ip6_last, pc->ip6,
					     pc->prefix6_len);
		}
		if (!ok) {
			cfg_err(err, errlen, "[client] src_ip %s-%s is not "
				"inside one [portN] ip6 prefix",
				cfg_fmt_ip6(c->src_ip6_first, a, sizeof(a)),
				cfg_fmt_ip6(c->src_ip6_last, b, sizeof(b)));
			return -1;
		}
	}
	return 0;
}

static uint32_t
cfg_low32(const uint8_t *ip6)
{
	return (uint32_t)ip6[12] << 24 | (uint32_t)ip6[13] << 16 |
	       (uint32_t)ip6[14] << 8 | ip6[15];
}

static int
cfg_validate_client(const struct tt_config *cfg, char *err, size_t errlen)
{
	const struct tt_client_config *c = &cfg->client;
	uint64_t nip4, nip6, n4 = 0, n6 = 0, tuples;
	unsigned i;

	if (c->n_targets == 0) {
		cfg_err(err, errlen, "[client] targets is required when "
			"[general] mode is %s", cfg_mode_names[cfg->gen.mode]);
		return -1;
	}
	for (i = 0; i < c->n_targets; i++) {
		if ((c->target_v6[i] ? cfg_validate_target6(cfg, i, err, errlen) :
		     cfg_validate_target4(cfg, i, err, errlen)) != 0)
			return -1;
		*(c->target_v6[i] ? &n6 : &n4) += 1;
	}
	if (cfg_validate_src(cfg, err, errlen) != 0)
		return -1;
	/* every open connection needs its own 4-tuple: each family's
	 * targets pair with that family's sources */
	nip4 = c->src_ip_first != 0 ?
	       (uint64_t)c->src_ip_last - c->src_ip_first + 1 : 1;
	nip6 = c->has_src_ip6 ? (uint64_t)cfg_low32(c->src_ip6_last) -
				cfg_low32(c->src_ip6_first) + 1 : 1;
	tuples = ((uint64_t)c->src_port_last - c->src_port_first + 1) *
		 (nip4 * n4 + nip6 * n6);
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
tt_config_hostport(const char *s, uint32_t *ip, uint16_t *port)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strrchr(s, ':');
	struct in_addr a;
	char *end;
	unsigned long p;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1)
		return -1;
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    p == 0 || p > 65535)
		return -1;
	*ip = ntohl(a.s_addr);
	*port = (uint16_t)p;
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
	if (t->min_snd_mss > t->mss) {
		cfg_err(err, errlen, "[tcp] min_snd_mss %u is above mss %u: "
			"segments would outgrow what we announce", t->min_snd_mss,
			t->mss);
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
			"mode is %s", cfg_mode_names[g->mode]);
		return -1;
	}
	if (g->mode != TT_MODE_SERVER &&
	    cfg_validate_client(cfg, err, errlen) != 0)
		return -1;
	if (strcmp(g->metrics_listen, "off") != 0) {
		uint32_t ip;
		uint16_t port;

		if (tt_config_hostport(g->metrics_listen, &ip, &port) != 0) {
			cfg_err(err, errlen, "[general] metrics_listen '%s' is "
				"not off or A.B.C.D:PORT (port 1..65535)",
				g->metrics_listen);
			return -1;
		}
	}
	return 0;
}

/* ---- what the ports need ------------------------------------------------ */

uint16_t
tt_config_mss(const struct tt_config *cfg)
{
	uint16_t mss = cfg->tcp.mss;

	/* docs/config.md: the MSS is capped by each port's MTU - 40 (IPv4
	 * and TCP headers without options, RFC 9293 3.7.1). */
	for (unsigned i = 0; i < TT_MAX_PORTS; i++) {
		const struct tt_port_config *pc = &cfg->port[i];

		if (pc->present && pc->mtu != 0 && pc->mtu < TT_MSS_OVERHEAD + mss)
			mss = pc->mtu > TT_MSS_OVERHEAD + 48 ?
				(uint16_t)(pc->mtu - TT_MSS_OVERHEAD) : 48;
	}
	return mss;
}

uint32_t
tt_config_frame_max(const struct tt_config *cfg)
{
	uint32_t l3 = TT_MTU_DEFAULT;

	for (unsigned i = 0; i < TT_MAX_PORTS; i++)
		if (cfg->port[i].present && cfg->port[i].mtu > l3)
			l3 = cfg->port[i].mtu;
	if ((uint32_t)tt_config_mss(cfg) + TT_MSS_OVERHEAD > l3)
		l3 = (uint32_t)tt_config_mss(cfg) + TT_MSS_OVERHEAD;
	return l3 + TT_L2_OVERHEAD;
}
