/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client mode glue: which port and source address the client uses, the
 * port's RSS (key and redirection table) so each lcore only picks tuples
 * whose return traffic its own queue receives, and the tuple callback the
 * HTTP client generator calls.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "app.h"

/* Whether the port's prefix of the target's family holds target ti. */
static bool
port_on_link(const struct tt_port_config *pc, const struct tt_client_config *cc, unsigned ti)
{
	if (cc->target_v6[ti]) {
		unsigned full = pc->prefix6_len / 8, rest = pc->prefix6_len % 8;

		if (!pc->has_ip6 || memcmp(pc->ip6, cc->target_ip6[ti], full) != 0)
			return false;
		return rest == 0 ||
		       ((pc->ip6[full] ^ cc->target_ip6[ti][full]) & (0xff00u >> rest)) == 0;
	}
	uint32_t mask = pc->prefix_len ? ~0u << (32 - pc->prefix_len) : 0;

	return pc->ip != 0 && (cc->target_ip[ti] & mask) == (pc->ip & mask);
}

/* The port the targets are reached through: the one whose prefix (of the
 * first target's family) holds the first target, else the first with a
 * gateway of that family, else the first port. */
static unsigned
client_port_index(const struct tt_app *app)
{
	const struct tt_client_config *cc = &app->cfg.client;

	for (unsigned i = 0; i < app->n_ports; i++)
		if (port_on_link(&app->cfg.port[app->port_ids[i]], cc, 0))
			return i;
	for (unsigned i = 0; i < app->n_ports; i++) {
		const struct tt_port_config *pc = &app->cfg.port[app->port_ids[i]];

		if (cc->target_v6[0] ? pc->has_gateway6 : pc->gateway != 0)
			return i;
	}
	return 0;
}

/*
 * An IPv6 source range other than the port's own address becomes local
 * addresses of the port, as the IPv4 range does (neighbor solicitations
 * answered, traffic to them ours).
 */
static void
client_src6_range(struct worker *w, unsigned pi, const struct tt_port_config *pc,
		  const struct tt_client_config *cc)
{
	bool any_v6 = false;

	for (unsigned ti = 0; ti < cc->n_targets; ti++)
		any_v6 |= cc->target_v6[ti];
	if (!any_v6 || !cc->has_src_ip6 ||
	    (pc->has_ip6 && memcmp(cc->src_ip6_first, pc->ip6, 16) == 0 &&
	     memcmp(cc->src_ip6_last, pc->ip6, 16) == 0))
		return;
	memcpy(w->nif[pi].ip6_lo, cc->src_ip6_first, 16);
	memcpy(w->nif[pi].ip6_hi, cc->src_ip6_last, 16);
}

static int
port_rss_info(const struct tt_app *app, unsigned pi, struct tt_rss_info *ri)
{
	uint16_t port = app->port_ids[pi];
	struct rte_eth_dev_info info;
	struct rte_eth_rss_conf conf;
	struct rte_eth_rss_reta_entry64 reta[TUPLE_RSS_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE];

	memset(ri, 0, sizeof(*ri));
	if (!app->rss[pi])
		return 0;      /* one queue, or no RSS: partition by lcore */
	if (rte_eth_dev_info_get(port, &info) != 0 || info.reta_size == 0 ||
	    info.reta_size > TUPLE_RSS_RETA_MAX)
		return -1;
	memset(&conf, 0, sizeof(conf));
	conf.rss_key = ri->key;
	conf.rss_key_len = sizeof(ri->key);
	if (rte_eth_dev_rss_hash_conf_get(port, &conf) != 0)
		return -1;
	ri->key_len = conf.rss_key_len;
	memset(reta, 0, sizeof(reta));
	for (unsigned i = 0; i < info.reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
		reta[i].mask = ~0ull;
	if (rte_eth_dev_rss_reta_query(port, reta, info.reta_size) != 0)
		return -1;
	for (unsigned i = 0; i < info.reta_size; i++)
		ri->reta[i] = reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];
	ri->reta_size = info.reta_size;
	return 0;
}

static int
client_pick(void *arg, unsigned ti, struct tcp_tuple *out, uint32_t *isn, uint64_t now)
{
	struct worker *w = arg;

	return tuple_pick(&w->tuples, &w->stack, ti, out, isn, now, 64) == PICK_NONE ? -1 : 0;
}

int
client_setup(struct tt_app *app)
{
	unsigned pi = client_port_index(app);
	const struct tt_port_config *pc = &app->cfg.port[app->port_ids[pi]];
	uint32_t src = pc->ip;
	struct tt_rss_info ri;
	char err[256];

	if (port_rss_info(app, pi, &ri) < 0) {
		fprintf(stderr, "port %u: cannot read the RSS key and redirection table\n",
			app->port_ids[pi]);
		return -1;
	}
	for (unsigned i = 0; i < app->n_workers; i++) {
		struct worker *w = app->workers[i];
		const struct tt_client_config *cc = &app->cfg.client;

		/* The source range becomes local addresses of the port: ARP
		 * is answered for them and traffic to them is ours. */
		if (cc->src_ip_first != 0 && !(cc->src_ip_first == src && cc->src_ip_last == src)) {
			w->nif[pi].ip_lo = cc->src_ip_first;
			w->nif[pi].ip_hi = cc->src_ip_last;
		}
		client_src6_range(w, pi, pc, cc);
		if (tuple_pool_init(&w->tuples, &app->cfg.client, src,
				    pc->has_ip6 ? pc->ip6 : NULL, w->idx, app->n_workers,
				    &ri, err, sizeof(err)) < 0) {
			fprintf(stderr, "lcore %u: %s\n", w->lcore_id, err);
			return -1;
		}
		w->tuples_ready = true;
		if (http_client_init(&w->client, &app->cfg.client, &w->stack, &w->st, w->idx,
				     app->n_workers, client_pick, w, 0) < 0) {
			fprintf(stderr, "lcore %u: client setup failed (request too long?)\n",
				w->lcore_id);
			return -1;
		}
		w->client_on = true;
		printf("lcore %u: client tuples on queue %u: %" PRIu64 " to the first target "
		       "(%s)\n", w->lcore_id, w->idx, tuple_pool_count(&w->tuples, 0),
		       ri.key_len ? "RSS-steered with the port's Toeplitz key" :
		       "partitioned by lcore");
	}
	return 0;
}

void
client_teardown(struct worker *w)
{
	if (w->tuples_ready)
		tuple_pool_free(&w->tuples);
	w->tuples_ready = false;
}
