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
			"[general] mode is %s", cfg_mode_names[cfg->gen.mode]);
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
			/* mode = both may target its own server side: on a
			 * ring_pair, another port of this process. */
			if (pc->ip == c->target_ip[i] && cfg->gen.mode != TT_MODE_BOTH) {
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
