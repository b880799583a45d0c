/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: one RX and one TX queue per worker lcore on every configured port,
 * RSS over IPv4/TCP and IPv6/TCP where the PMD offers it, checksum offloads
 * where offered, the multicast IPv6 Neighbor Discovery needs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "app.h"

/* The MSS we announce and send fits the port's MTU as the PMD has it
 * (the stacks read app->cfg.tcp, before the workers start). */
static void
port_cap_mss(struct tt_app *app, uint16_t port)
{
	uint16_t mtu;

	if (rte_eth_dev_get_mtu(port, &mtu) != 0 || mtu < TT_MSS_OVERHEAD + 48 ||
	    app->cfg.tcp.mss + TT_MSS_OVERHEAD <= mtu)
		return;
	printf("port %u: MTU %u caps tcp.mss %u to %u\n", port, mtu,
	       app->cfg.tcp.mss, mtu - TT_MSS_OVERHEAD);
	app->cfg.tcp.mss = (uint16_t)(mtu - TT_MSS_OVERHEAD);
}

/*
 * Neighbor Discovery arrives on multicast MACs (RFC 2464 7): solicitations
 * for our addresses on their solicited-node groups' 33:33:ff:xx:xx:xx, DAD
 * answers on all-nodes'.  All multicast where the PMD can (so the client's
 * source range is covered whatever its size), else the groups of the
 * port's two addresses.  net_ring, net_null and net_memif filter nothing
 * and support neither call: -ENOTSUP there is fine.
 */
static void
port_enable_nd_multicast(uint16_t port, const struct net_if *nif)
{
	struct rte_ether_addr mc[3] = {
		{{ 0x33, 0x33, 0xff, nif->ip6[13], nif->ip6[14], nif->ip6[15] }},
		{{ 0x33, 0x33, 0xff, nif->ip6_ll[13], nif->ip6_ll[14], nif->ip6_ll[15] }},
		{{ 0x33, 0x33, 0, 0, 0, 1 }},
	};
	int rc = rte_eth_allmulticast_enable(port);

	if (rc == 0)
		return;
	rc = rte_eth_dev_set_mc_addr_list(port, mc, RTE_DIM(mc));
	if (rc != 0 && rc != -ENOTSUP)
		printf("port %u: cannot enable IPv6 multicast (%s): Neighbor Discovery "
		       "may not see solicitations\n", port, strerror(-rc));
}

static int
port_setup(struct tt_app *app, unsigned pi)
{
	uint16_t port = app->port_ids[pi];
	uint16_t nq = (uint16_t)app->n_workers;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t nrx = app->cfg.gen.rx_desc, ntx = app->cfg.gen.tx_desc;
	const struct tt_port_config *pc = &app->cfg.port[port];
	uint64_t rss_hf;
	int rc;

	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0) {
		fprintf(stderr, "port %u: cannot read device info: %s\n", port, strerror(-rc));
		return -1;
	}
	if (nq > info.max_rx_queues || nq > info.max_tx_queues) {
		fprintf(stderr, "port %u (%s): %u worker lcores need %u RX/TX queues, "
			"the device has %u/%u: use fewer lcores (-l)\n", port,
			info.driver_name, nq, nq, info.max_rx_queues, info.max_tx_queues);
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	rss_hf = info.flow_type_rss_offloads &
		(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP |
		 RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_TCP);
	if (nq > 1 && rss_hf != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
		app->rss[pi] = true;
	}
	if ((info.rx_offload_capa & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)) ==
	    (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM))
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;

	rc = rte_eth_dev_configure(port, nq, nq, &conf);
	if (rc != 0) {
		fprintf(stderr, "port %u: configure with %u queues failed: %s\n",
			port, nq, strerror(-rc));
		return -1;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	if (pc->mtu != 0 && (rc = rte_eth_dev_set_mtu(port, pc->mtu)) != 0)
		fprintf(stderr, "port %u: MTU %u not set (%s), keeping the PMD's\n",
			port, pc->mtu, strerror(-rc));
	port_cap_mss(app, port);
	for (uint16_t q = 0; q < nq; q++) {
		struct worker *w = app->workers[q];
		int sock = (int)rte_lcore_to_socket_id(w->lcore_id);
		struct rte_eth_rxconf rxc = info.default_rxconf;
		struct rte_eth_txconf txc = info.default_txconf;

		rxc.offloads = conf.rxmode.offloads;
		txc.offloads = conf.txmode.offloads;
		rc = rte_eth_rx_queue_setup(port, q, nrx, (unsigned)sock, &rxc, app->mp);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port, q, ntx, (unsigned)sock, &txc);
		if (rc != 0) {
			fprintf(stderr, "port %u queue %u: setup failed: %s\n", port, q,
				strerror(-rc));
			return -1;
		}
	}
	rc = rte_eth_dev_start(port);
	if (rc != 0) {
		fprintf(stderr, "port %u: start failed: %s\n", port, strerror(-rc));
		return -1;
	}
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct worker *w = app->workers[i];
		struct net_if *nif = &w->nif[pi];

		memset(nif, 0, sizeof(*nif));
		nif->port_id = port;
		nif->queue_id = (uint16_t)w->idx;
		rte_eth_macaddr_get(port, &nif->mac);
		if (rte_is_zero_ether_addr(&nif->mac)) {
			/* Ring ports report a zero MAC, which ARP rightly
			 * refuses: use a locally administered one. */
			struct rte_ether_addr a = {{ 0x02, 0x74, 0x74, 0x00, 0x00, (uint8_t)port }};

			nif->mac = a;
		}
		nif->ip = pc->ip;
		nif->netmask = pc->prefix_len ? ~0u << (32 - pc->prefix_len) : 0;
		nif->gateway = pc->gateway;
		nif->has_ip6 = pc->has_ip6;
		if (pc->has_ip6) {
			memcpy(nif->ip6, pc->ip6, 16);
			nif->prefix6_len = pc->prefix6_len;
			net_ip6_link_local(&nif->mac, nif->ip6_ll);
		}
		nif->has_gateway6 = pc->has_gateway6;
		if (pc->has_gateway6)
			memcpy(nif->gateway6, pc->gateway6, 16);
		nif->rx_cksum_offload = (conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_CKSUM) != 0;
		nif->tx_ip_cksum_offload = (conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
		nif->tx_tcp_cksum_offload = (conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) != 0;
		nif->mp = app->mp;
		nif->st = &w->st;
		w->port_ids[pi] = port;
		w->n_ports = app->n_ports;
	}
	if (pc->has_ip6)
		port_enable_nd_multicast(port, &app->workers[0]->nif[pi]);
	{
		struct rte_ether_addr mac;
		char macs[RTE_ETHER_ADDR_FMT_SIZE];

		mac = app->workers[0]->nif[pi].mac;
		rte_ether_format_addr(macs, sizeof(macs), &mac);
		printf("port %u: %s %s ip %u.%u.%u.%u/%u, %u queue(s), RSS %s, "
		       "checksum offload rx %s tx %s\n", port, info.driver_name, macs,
		       pc->ip >> 24, (pc->ip >> 16) & 255, (pc->ip >> 8) & 255, pc->ip & 255,
		       pc->prefix_len, nq, app->rss[pi] ? "on" :
		       (nq > 1 ? "not offered (flows are split by the PMD/kernel)" : "off (one queue)"),
		       (conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_CKSUM) ? "on" : "off",
		       (conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) ? "on" : "off");
		if (pc->has_ip6) {
			char a[INET6_ADDRSTRLEN], ll[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, pc->ip6, a, sizeof(a));
			inet_ntop(AF_INET6, app->workers[0]->nif[pi].ip6_ll, ll, sizeof(ll));
			if (pc->has_gateway6)
				inet_ntop(AF_INET6, pc->gateway6, gw, sizeof(gw));
			printf("port %u: ip6 %s/%u, link-local %s, gateway6 %s\n", port, a,
			       pc->prefix6_len, ll, pc->has_gateway6 ? gw : "none");
		}
	}
	return 0;
}

/*
 * [general] ring_pair: two ports wired back to back through rte_rings, one
 * ring per queue and direction, so what port 0 sends on queue q port 1
 * receives on queue q and the reverse.  Client and server in one process
 * then talk as over a cable, each lcore with its own queue pair.
 */
int
ports_create_ring_pair(struct tt_app *app)
{
	unsigned nq = app->n_workers;
	struct rte_ring *ab[RTE_MAX_LCORE], *ba[RTE_MAX_LCORE];
	int sock = (int)rte_socket_id();

	for (unsigned q = 0; q < nq; q++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "tt_ring_ab%u", q);
		ab[q] = rte_ring_create(name, 4096, sock, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "tt_ring_ba%u", q);
		ba[q] = rte_ring_create(name, 4096, sock, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (ab[q] == NULL || ba[q] == NULL) {
			fprintf(stderr, "ring_pair: cannot create rings: %s\n",
				rte_strerror(rte_errno));
			return -1;
		}
	}
	int p0 = rte_eth_from_rings("tt_ring0", ba, nq, ab, nq, (unsigned)sock);
	int p1 = rte_eth_from_rings("tt_ring1", ab, nq, ba, nq, (unsigned)sock);

	if (p0 < 0 || p1 < 0) {
		fprintf(stderr, "ring_pair: cannot create the ports: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

int
ports_init(struct tt_app *app)
{
	uint16_t avail = rte_eth_dev_count_avail();
	uint16_t pid;

	app->n_ports = 0;
	RTE_ETH_FOREACH_DEV(pid) {
		if (pid >= TT_MAX_PORTS || !app->cfg.port[pid].present) {
			printf("port %u: no [port%u] section with an ip, not used\n", pid, pid);
			continue;
		}
		app->port_ids[app->n_ports++] = pid;
	}
	for (unsigned p = 0; p < TT_MAX_PORTS; p++) {
		if (app->cfg.port[p].present && (p >= avail || !rte_eth_dev_is_valid_port((uint16_t)p))) {
			fprintf(stderr, "%s: [port%u] is configured but DPDK has only %u port(s): "
				"add a device (e.g. --vdev=net_tap0,iface=tt0 or a PCI address)\n",
				app->config_path ? app->config_path : "config", p, avail);
			return -1;
		}
	}
	if (app->n_ports == 0) {
		fprintf(stderr, "no usable port: configure [port0] ip = A.B.C.D/len and give "
			"DPDK a device (e.g. --vdev=net_tap0,iface=tt0)\n");
		return -1;
	}
	for (unsigned i = 0; i < app->n_ports; i++)
		if (port_setup(app, i) < 0)
			return -1;
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct worker *w = app->workers[i];

		printf("lcore %u -> queue %u on port(s)", w->lcore_id, w->idx);
		for (unsigned p = 0; p < app->n_ports; p++)
			printf(" %u", app->port_ids[p]);
		printf("%s\n", w->lcore_id == rte_get_main_lcore() ? " (main lcore)" : "");
	}
	return 0;
}

void
ports_close(struct tt_app *app)
{
	for (unsigned i = 0; i < app->n_ports; i++) {
		rte_eth_dev_stop(app->port_ids[i]);
		rte_eth_dev_close(app->port_ids[i]);
	}
}

/* Free what is still in the RX rings once the workers have stopped (on a
 * ring pair the last frames one side sent wait there), so the mempool's
 * in-use count at exit means what it says. */
void
ports_drain_rx(struct tt_app *app)
{
	struct rte_mbuf *m[64];

	for (unsigned i = 0; i < app->n_ports; i++) {
		for (unsigned q = 0; q < app->n_workers; q++) {
			uint16_t n;

			/* Bounded: some PMDs (net_null) never run dry. */
			for (unsigned k = 0; k < 1024; k++) {
				n = rte_eth_rx_burst(app->port_ids[i], (uint16_t)q, m, 64);
				if (n == 0)
					break;
				rte_pktmbuf_free_bulk(m, n);
			}
		}
	}
}

/* A client should not open connections into a link that is down (memif
 * waits for its peer): wait for every port's link, bounded. */
void
ports_wait_link(struct tt_app *app, unsigned seconds)
{
	uint64_t end = rte_get_timer_cycles() + (uint64_t)seconds * rte_get_timer_hz();

	for (unsigned i = 0; i < app->n_ports; i++) {
		struct rte_eth_link link;

		for (;;) {
			memset(&link, 0, sizeof(link));
			if (rte_eth_link_get_nowait(app->port_ids[i], &link) == 0 &&
			    link.link_status == RTE_ETH_LINK_UP)
				break;
			if (rte_get_timer_cycles() > end || app->phase != TT_RUN) {
				printf("port %u: link still down after %u s, starting anyway\n",
				       app->port_ids[i], seconds);
				break;
			}
			rte_delay_ms(10);
		}
	}
}
