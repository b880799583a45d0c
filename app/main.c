/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcpterm: EAL and command line, signals, start and orderly stop.
 *
 *   tcpterm [EAL args] -- -c FILE [--set section.key=value]... [--duration S]
 *           [--stats-json FILE]
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "app.h"
#include "capture.h"
#include "metrics.h"

struct tt_app tt_app;

#define MAX_SETS 256

uint64_t
app_now_us(void)
{
	return app_tsc_to_us(rte_rdtsc());
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
"usage: %s [EAL options] -- -c FILE [options]\n"
"\n"
"A DPDK TCP terminator (HTTP/1.1 responder) that behaves like Linux when\n"
"connections close, and shows TIME_WAIT as it grows.\n"
"\n"
"options (after --):\n"
"  -c, --config FILE        INI configuration (see config/*.conf, docs/config.md)\n"
"  --set SECTION.KEY=VALUE  override one key (repeatable), e.g. --set tcp.time_wait=5\n"
"  --duration SECONDS       run, drain, exit 0 (default: until SIGINT/SIGTERM)\n"
"  --stats-json FILE        one JSON object per second, the last with \"final\": true\n"
"  --help-config            list every configuration key with its default\n"
"  -h, --help               this text\n"
"  -v, --version            print the version\n"
"\n"
"example:\n"
"  %s -l 0 --no-pci --vdev=net_tap0,iface=tt0 -- -c config/tap.conf --duration 10\n",
		prog, prog);
}

static bool duration_set;

static int
parse_app_args(int argc, char **argv, const char **sets, unsigned *nsets,
	       double *duration)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "stats-json", required_argument, NULL, 'j' },
		{ "help-config", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":c:hv", opts, NULL)) != -1) {
		char *end;

		switch (o) {
		case 'c':
			tt_app.config_path = optarg;
			break;
		case 's':
			if (*nsets >= MAX_SETS) {
				fprintf(stderr, "tcpterm: too many --set options (at most %d)\n", MAX_SETS);
				return 2;
			}
			sets[(*nsets)++] = optarg;
			break;
		case 'd':
			errno = 0;
			*duration = strtod(optarg, &end);
			if (errno || end == optarg || *end != '\0' || !isfinite(*duration) ||
			    *duration < 0 || *duration > 31536000) {
				fprintf(stderr, "tcpterm: --duration %s: expected seconds, a number in "
					"0..31536000 (0: until SIGINT/SIGTERM)\n", optarg);
				return 2;
			}
			duration_set = true;
			break;
		case 'j':
			tt_app.stats_json_path = optarg;
			break;
		case 'H':
			tt_config_print_reference(stdout);
			return 0;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		case 'v':
			printf("tcpterm %s (DPDK %s)\n", TCPTERM_VERSION, rte_version());
			return 0;
		case ':':
			fprintf(stderr, "tcpterm: option %s needs a value (see --help)\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "tcpterm: unknown option %s (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tcpterm: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	return -1;
}

static void
on_signal(int sig)
{
	(void)sig;
	/* First signal: drain; second: stop draining. */
	tt_app.signals++;
	tt_app.phase = tt_app.signals == 1 ? TT_DRAIN : TT_FINISH;
}

/* Everything before EAL: a bad option or config exits 2 with one line,
 * without touching hugepages or devices. */
static int
load_config(int app_argc, char **app_argv)
{
	const char *sets[MAX_SETS];
	unsigned nsets = 0;
	double duration = 0;
	char err[512];
	int rc;

	rc = parse_app_args(app_argc, app_argv, sets, &nsets, &duration);
	if (rc >= 0)
		return rc;
	tt_config_defaults(&tt_app.cfg);
	if (tt_app.config_path == NULL) {
		fprintf(stderr, "tcpterm: no configuration: give -c FILE (e.g. -c config/tap.conf)\n");
		return 2;
	}
	if (tt_config_load(&tt_app.cfg, tt_app.config_path, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpterm: %s\n", err);
		return 2;
	}
	for (unsigned i = 0; i < nsets; i++) {
		if (tt_config_set(&tt_app.cfg, sets[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpterm: %s\n", err);
			return 2;
		}
	}
	if (duration_set)
		tt_app.cfg.gen.duration = (uint64_t)(duration * 1e6);
	if (tt_config_validate(&tt_app.cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpterm: %s\n", err);
		return 2;
	}
	return -1;
}

static int
create_pool(struct tt_app *app)
{
	const struct tt_general_config *g = &app->cfg.gen;
	unsigned nports = rte_eth_dev_count_avail();
	unsigned need = nports * app->n_workers * (g->rx_desc + g->tx_desc) +
		app->n_workers * (256u + 4u * g->burst) + 1024u +
		/* out-of-order segments each lcore may hold */
		app->n_workers * app->cfg.tcp.ofo_mbufs;
	unsigned n = g->mbufs > need ? g->mbufs : need;
	/* Room for the largest frame a port carries ([portN] mtu, tcp.mss):
	 * a jumbo MTU on 2 KB mbufs would drop every large frame. */
	uint32_t room = RTE_ALIGN_CEIL(tt_config_frame_max(&app->cfg), 64);

	if (room < RTE_MBUF_DEFAULT_DATAROOM)
		room = RTE_MBUF_DEFAULT_DATAROOM;
	app->mp = rte_pktmbuf_pool_create("tt_mbufs", n, 256, 0,
					  (uint16_t)(room + RTE_PKTMBUF_HEADROOM),
					  (int)rte_socket_id());
	if (app->mp == NULL) {
		fprintf(stderr, "tcpterm: cannot create a pool of %u mbufs: %s "
			"(reserve more hugepages, or give EAL -m with --no-huge)\n",
			n, rte_strerror(rte_errno));
		return -1;
	}
	printf("mbuf pool: %u mbufs of %u bytes\n", n, room);
	return 0;
}

static int
workers_create(struct tt_app *app)
{
	unsigned lc;

	RTE_LCORE_FOREACH(lc) {
		struct worker *w = rte_zmalloc_socket("worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
						      (int)rte_lcore_to_socket_id(lc));

		if (w == NULL) {
			fprintf(stderr, "tcpterm: out of memory for lcore %u\n", lc);
			return -1;
		}
		w->lcore_id = lc;
		w->idx = app->n_workers;
		app->workers[app->n_workers++] = w;
	}
	return 0;
}

/* The TSC and CLOCK_MONOTONIC_RAW read together: the TSC midway between
 * two reads that bracket the clock read within 2 us (else 0). */
static uint64_t
tsc_at(struct timespec *ts)
{
	for (int tries = 0; tries < 10; tries++) {
		uint64_t a = rte_rdtsc(), b;

		clock_gettime(CLOCK_MONOTONIC_RAW, ts);
		b = rte_rdtsc();
		if (b - a < rte_get_tsc_hz() / 500000)
			return a + (b - a) / 2;
	}
	return 0;
}

/*
 * The TSC rate, measured against the kernel's CLOCK_MONOTONIC_RAW (itself
 * the TSC at the kernel's calibration) over 50 ms.  DPDK's
 * rte_get_tsc_hz() rounds its estimate to 10 MHz: 2600 MHz for a 2596.12
 * MHz TSC, so every timer, TIME_WAIT included, ran 0.15 % fast (60 s of
 * TIME_WAIT lasted 59.91 s).  DPDK's figure if the measure fails or is
 * more than 5 % away from it.
 */
static uint64_t
tsc_hz_measure(void)
{
	const uint64_t dpdk = rte_get_tsc_hz();
	struct timespec a, b;
	uint64_t t0, t1, ns, hz;

	t0 = tsc_at(&a);
	rte_delay_us_sleep(50000);
	t1 = tsc_at(&b);
	ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)b.tv_nsec -
		(uint64_t)a.tv_nsec;
	if (t0 == 0 || t1 <= t0 || ns < 40000000)
		return dpdk;
	hz = (uint64_t)((unsigned __int128)(t1 - t0) * 1000000000u / ns);
	if (hz < dpdk - dpdk / 20 || hz > dpdk + dpdk / 20)
		return dpdk;
	return hz;
}

int
main(int argc, char **argv)
{
	struct tt_app *app = &tt_app;
	int sep = -1, rc, app_argc;
	char **app_argv;
	unsigned mbufs_in_use;

	/* Our arguments follow "--"; without one, all of argv is ours (so
	 * `tcpterm --help` works with no EAL options). */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (sep < 0) {
		app_argc = argc;
		app_argv = argv;
	} else {
		app_argc = argc - sep;
		app_argv = argv + sep;
		app_argv[0] = argv[0];
	}
	/* One stats line per second must reach a pipe when it is printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = load_config(app_argc, app_argv);
	if (rc >= 0)
		return rc;
	if (sep < 0) {
		fprintf(stderr, "tcpterm: EAL options and '--' are needed before our own "
			"(see --help)\n");
		return 2;
	}

	rc = rte_eal_init(sep, argv);
	if (rc < 0) {
		fprintf(stderr, "tcpterm: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	app->tsc_hz = tsc_hz_measure();
	app->tsc0 = rte_rdtsc();
	app->us_mult = (uint64_t)(((unsigned __int128)1000000 << APP_US_SHIFT) / app->tsc_hz);
	/* Let dpdk-dumpcap (or dpdk-pdump) attach from outside, as a secondary
	 * process with this --file-prefix: nothing runs per packet until one
	 * does. */
	if (rte_pdump_init() < 0)
		fprintf(stderr, "tcpterm: packet capture server not started: %s "
			"(dpdk-dumpcap cannot attach; continuing)\n", rte_strerror(rte_errno));
	if (app->stats_json_path != NULL) {
		app->stats_json = fopen(app->stats_json_path, "w");
		if (app->stats_json == NULL) {
			fprintf(stderr, "tcpterm: --stats-json %s: %s\n", app->stats_json_path,
				strerror(errno));
			rte_eal_cleanup();
			return 2;
		}
	}
	/* The tables' hash key, before any worker builds a table. */
	if (tcp_hash_key_random() < 0) {
		fprintf(stderr, "tcpterm: getrandom: %s\n", strerror(errno));
		rte_eal_cleanup();
		return 2;
	}
	rc = 1;
	if (http_templates_init(&app->tpl, app->cfg.http.body_size) < 0 ||
	    workers_create(app) < 0)
		goto out;
	if (app->cfg.gen.ring_pair && ports_create_ring_pair(app) < 0)
		goto out;
	/* tcp.mss within every configured MTU (ports_init caps it again by
	 * what the PMDs report). */
	app->cfg.tcp.mss = tt_config_mss(&app->cfg);
	if (create_pool(app) < 0)
		goto out;
	for (unsigned i = 0; i < app->n_workers; i++)
		if (worker_setup(app, app->workers[i]) < 0)
			goto out;
	if (ports_init(app) < 0) {
		rc = 2;
		goto out;
	}
	if (app->cfg.gen.mode != TT_MODE_SERVER && client_setup(app) < 0) {
		rc = 2;
		goto out;
	}
	if (report_telemetry_init(app) < 0)
		fprintf(stderr, "tcpterm: telemetry commands not registered (continuing)\n");
	{
		char err[256];

		if (metrics_start(app, err, sizeof(err)) < 0 ||
		    capture_start(app, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcpterm: %s\n", err);
			rc = 2;
			goto out;
		}
		for (unsigned i = 0; i < app->n_workers; i++)
			app->workers[i]->cap = capture_lcore(i);
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (app->cfg.gen.mode != TT_MODE_SERVER)
		ports_wait_link(app, 10);
	app->tsc0 = rte_rdtsc();
	report_start(app);
	printf("tcpterm %s: %u worker lcore(s)", TCPTERM_VERSION, app->n_workers);
	if (app->cfg.gen.mode != TT_MODE_CLIENT) {
		printf(", serving HTTP on port(s)");
		for (unsigned i = 0; i < app->cfg.http.n_listen; i++)
			printf(" %u", app->cfg.http.listen[i]);
	}
	if (app->cfg.gen.mode != TT_MODE_SERVER)
		printf(", connecting to %u target(s)", app->cfg.client.n_targets);
	if (app->cfg.gen.duration)
		printf(" for %.1f s", app->cfg.gen.duration / 1e6);
	printf("; TIME_WAIT %.1f s; Ctrl-C drains and exits\n", app->cfg.tcp.time_wait / 1e6);
	fflush(stdout);

	if (report_thread_start(app) < 0)
		goto out;
	/* Workers on every other lcore; the main lcore runs one too. */
	for (unsigned i = 0; i < app->n_workers; i++)
		if (app->workers[i]->lcore_id != rte_get_main_lcore())
			rte_eal_remote_launch(worker_main, app->workers[i],
					      app->workers[i]->lcore_id);
	for (unsigned i = 0; i < app->n_workers; i++)
		if (app->workers[i]->lcore_id == rte_get_main_lcore())
			worker_main(app->workers[i]);
	rte_eal_mp_wait_lcore();
	capture_stop(app);
	ports_drain_rx(app);
	rc = 0;
out:
	metrics_stop();
	capture_stop(app);
	rte_pdump_uninit();
	ports_close(app);
	mbufs_in_use = app->mp ? rte_mempool_in_use_count(app->mp) : 0;
	report_thread_stop(app, rc == 0, mbufs_in_use);
	for (unsigned i = 0; i < app->n_workers; i++) {
		worker_teardown(app->workers[i]);
		rte_free(app->workers[i]);
	}
	http_templates_free(&app->tpl);
	if (app->stats_json)
		fclose(app->stats_json);
	rte_mempool_free(app->mp);
	rte_eal_cleanup();
	return rc;
}
