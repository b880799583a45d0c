/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reporting: the per-second console line, --stats-json lines, the move to
 * the drain at --duration, the final summary, and the /tcpterm/...
 * telemetry commands.  It all runs on a control thread (the reporter, not
 * an lcore), which reads every worker's counters without locks
 * (tt_stats_load, stats.h): the workers only count.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>

#include "app.h"
#include "capture.h"

static struct tt_stats prev;

/* Client latency: cumulative per-lcore histograms, merged; a report shows
 * the interval's samples (now minus the previous merge). */
enum { L_CONNECT, L_RESPONSE, L_CLOSE, L_N };
static const char *const lat_names[L_N] = { "connect", "response", "close" };
static struct hist lat_prev[L_N], lat_cur[L_N], lat_int[L_N];

static void
lat_collect(struct tt_app *app)
{
	for (unsigned k = 0; k < L_N; k++)
		hist_reset(&lat_cur[k]);
	for (unsigned i = 0; i < app->n_workers; i++) {
		const struct http_client *hc = &app->workers[i]->client;

		if (!app->workers[i]->client_on)
			continue;
		hist_merge(&lat_cur[L_CONNECT], &hc->h_connect);
		hist_merge(&lat_cur[L_RESPONSE], &hc->h_response);
		hist_merge(&lat_cur[L_CLOSE], &hc->h_close);
	}
	for (unsigned k = 0; k < L_N; k++) {
		hist_sub(&lat_int[k], &lat_cur[k], &lat_prev[k]);
		lat_prev[k] = lat_cur[k];
	}
}

static void
lat_json(FILE *f, const struct hist *h)
{
	fprintf(f, "\"latency_us\": {");
	for (unsigned k = 0; k < L_N; k++)
		fprintf(f, "%s\"%s\": {\"n\": %" PRIu64 ", \"p50\": %" PRIu64
			", \"p99\": %" PRIu64 ", \"mean\": %" PRIu64 "}", k ? ", " : "",
			lat_names[k], hist_count(&h[k]), hist_percentile(&h[k], 50),
			hist_percentile(&h[k], 99), hist_mean(&h[k]));
	fprintf(f, "}, ");
}
static uint64_t next_report;
static uint64_t last_report;
static unsigned lines;

static void
sum(struct tt_app *app, struct tt_stats *out)
{
	struct tt_stats *in[RTE_MAX_LCORE];

	for (unsigned i = 0; i < app->n_workers; i++)
		in[i] = &app->workers[i]->st;
	tt_stats_sum(out, in, app->n_workers);
}

/* Per-lcore poll cycles, at the last report (for the interval's busy
 * share). */
static struct {
	uint64_t busy, idle;
} cyc_prev[RTE_MAX_LCORE];

/* The kernel's view of a worker thread: ns it ran on a CPU and ns it
 * waited, runnable, for one (/proc/.../schedstat).  The TSC counts both, so
 * cycles charged to polls while the thread waited were another thread's:
 * on a shared machine this says how far cycles_busy can be trusted.
 * False when the thread is gone or the kernel does not say. */
static bool
lcore_sched(const struct worker *w, uint64_t *run_ns, uint64_t *wait_ns)
{
	int tid = __atomic_load_n(&w->tid, __ATOMIC_RELAXED);
	char path[64];
	FILE *f;
	bool ok;

	if (tid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	ok = fscanf(f, "%" SCNu64 " %" SCNu64, run_ns, wait_ns) == 2;
	fclose(f);
	return ok;
}

/*
 * Steal time of every CPU in ms (/proc/stat, USER_HZ ticks), read once per
 * report into ms[cpu] (-1 where unknown): on a virtual machine, time the
 * hypervisor ran something else on the vCPU.  The guest cannot see it as
 * run-queue wait, yet the lcore did not run: polls then start late
 * (poll_gaps) and timers fire late.
 */
static void
cpu_steal_ms(int64_t ms[RTE_MAX_LCORE])
{
	const unsigned long long hz = (unsigned long long)sysconf(_SC_CLK_TCK);
	char line[256];
	FILE *f = fopen("/proc/stat", "r");

	for (unsigned i = 0; i < RTE_MAX_LCORE; i++)
		ms[i] = -1;
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long long v[8];
		unsigned cpu;

		if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line + 3, "%u %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 9 &&
		    cpu < RTE_MAX_LCORE && hz > 0)
			ms[cpu] = (int64_t)(v[7] * 1000 / hz);
	}
	fclose(f);
}

static void
lcores_json(FILE *f, struct tt_app *app, bool final)
{
	static int64_t steal[RTE_MAX_LCORE];

	cpu_steal_ms(steal);
	fprintf(f, "\"tsc_hz\": %" PRIu64 ", \"lcores\": [", app->tsc_hz);
	for (unsigned i = 0; i < app->n_workers; i++) {
		const struct worker *w = app->workers[i];
		uint64_t pb = tt_load_u64(&w->st.c[TT_C_polls_busy]);
		uint64_t pi = tt_load_u64(&w->st.c[TT_C_polls_idle]);
		uint64_t cb = tt_load_u64(&w->st.c[TT_C_cycles_busy]);
		uint64_t ci = tt_load_u64(&w->st.c[TT_C_cycles_idle]);
		uint64_t db = final ? cb : cb - cyc_prev[i].busy;
		uint64_t di = final ? ci : ci - cyc_prev[i].idle;
		uint64_t run_ns, wait_ns;
		int cpu;

		fprintf(f, "%s{\"lcore\": %u, \"queue\": %u, \"polls_busy\": %" PRIu64
			", \"polls_idle\": %" PRIu64 ", \"cycles_busy\": %" PRIu64
			", \"cycles_idle\": %" PRIu64 ", \"busy\": %.4f", i ? ", " : "",
			w->lcore_id, w->idx, pb, pi, cb, ci,
			db + di ? (double)db / (double)(db + di) : 0.0);
		if (lcore_sched(w, &run_ns, &wait_ns))
			fprintf(f, ", \"run_ns\": %" PRIu64 ", \"runq_wait_ns\": %" PRIu64,
				run_ns, wait_ns);
		cpu = rte_lcore_to_cpu_id((int)w->lcore_id);
		if (cpu >= 0 && cpu < RTE_MAX_LCORE && steal[cpu] >= 0)
			fprintf(f, ", \"cpu_steal_ms\": %" PRId64, steal[cpu]);
		fprintf(f, "}");
		if (!final) {
			cyc_prev[i].busy = cb;
			cyc_prev[i].idle = ci;
		}
	}
	fprintf(f, "], ");
}

/* The process's resident memory in KiB (/proc/self/statm), 0 if unknown:
 * read here, in the reporter, so a benchmark needs no sampler process
 * competing with the lcores for their CPUs. */
static uint64_t
rss_kb(void)
{
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	bool ok;

	if (f == NULL)
		return 0;
	ok = fscanf(f, "%lu %lu", &size, &resident) == 2;
	fclose(f);
	return ok ? (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE) / 1024 : 0;
}

static void
json_write(struct tt_app *app, const struct tt_stats *s, double elapsed,
	   double dt, bool final, unsigned mbufs_in_use)
{
	FILE *f = app->stats_json;

	if (f == NULL)
		return;
	fprintf(f, "{\"elapsed\": %.3f, \"rss_kb\": %" PRIu64 ", ", elapsed, rss_kb());
	lcores_json(f, app, final);
	if (app->cfg.gen.mode != TT_MODE_SERVER)
		lat_json(f, final ? lat_cur : lat_int);
	fprintf(f, "\"states\": {");
	for (unsigned k = 0; k < TCP_NSTATES; k++)
		fprintf(f, "%s\"%s\": %" PRId64, k ? ", " : "", tcp_state_name(k), s->state[k]);
	fprintf(f, "}, \"counters\": {");
	for (unsigned k = 0; k < TT_NCOUNTERS; k++)
		fprintf(f, "%s\"%s\": %" PRIu64, k ? ", " : "", tt_counter_names[k], s->c[k]);
	fprintf(f, "}, \"rates\": {\"conns_per_s\": %.1f, \"requests_per_s\": %.1f, "
		"\"pkts_rx_per_s\": %.1f, \"pkts_tx_per_s\": %.1f}",
		dt > 0 ? (s->c[TT_C_conns_established] - prev.c[TT_C_conns_established]) / dt : 0.0,
		dt > 0 ? (s->c[TT_C_http_requests] - prev.c[TT_C_http_requests]) / dt : 0.0,
		dt > 0 ? (s->c[TT_C_pkts_rx] - prev.c[TT_C_pkts_rx]) / dt : 0.0,
		dt > 0 ? (s->c[TT_C_pkts_tx] - prev.c[TT_C_pkts_tx]) / dt : 0.0);
	if (final) {
		uint64_t walked = 0;

		for (unsigned i = 0; i < app->n_workers; i++)
			walked += app->workers[i]->tw_walked;
		/* tw_walked: records counted by walking each TIME_WAIT table
		 * at the drain, an independent count to check the gauge and
		 * the tw_* counters against (tests/e2e, TT_TW_BALANCE). */
		fprintf(f, ", \"final\": true, \"mbufs_in_use\": %u, \"tw_walked\": %" PRIu64
			", \"left\": {", mbufs_in_use, walked);
		for (unsigned k = 0, n = 0; k < TCP_NSTATES; k++) {
			int64_t v = 0;

			for (unsigned i = 0; i < app->n_workers; i++)
				v += app->workers[i]->left[k];
			fprintf(f, "%s\"%s\": %" PRId64, n++ ? ", " : "", tcp_state_name(k), v);
		}
		fprintf(f, "}");
		capture_json(f);
	}
	fprintf(f, "}\n");
	fflush(f);
}

static uint64_t
drops(const struct tt_stats *s)
{
	return s->c[TT_C_drop_short] + s->c[TT_C_drop_bad_header] + s->c[TT_C_drop_bad_cksum] +
		s->c[TT_C_drop_ip_fragment] + s->c[TT_C_drop_not_ours] +
		s->c[TT_C_drop_no_listener] + s->c[TT_C_drop_no_conn] +
		s->c[TT_C_drop_no_arp] + s->c[TT_C_tx_ring_full] + s->c[TT_C_mbuf_alloc_failed] +
		s->c[TT_C_drop_ip6_ext] + s->c[TT_C_drop_nd_invalid] + s->c[TT_C_drop_no_nd] +
		s->c[TT_C_drop_no_route6];
}

static void
console_line(struct tt_app *app, const struct tt_stats *s, double elapsed, double dt)
{
#define D(n) (dt > 0 ? (double)(s->c[TT_C_##n] - prev.c[TT_C_##n]) / dt : 0.0)
	if (lines++ % 20 == 0)
		printf("%7s %8s %8s %8s %8s | %6s %7s %6s %6s %6s %8s %6s %6s | %7s %6s\n",
		       "time", "conn/s", "req/s", "rx pps", "tx pps",
		       "SYN_RC", "ESTAB", "FW1", "FW2", "CLOSNG", "TIME_WT", "CL_WT",
		       "LSTACK", "drops", "rst/s");
	printf("%7.1f %8.0f %8.0f %8.0f %8.0f | %6" PRId64 " %7" PRId64 " %6" PRId64
	       " %6" PRId64 " %6" PRId64 " %8" PRId64 " %6" PRId64 " %6" PRId64
	       " | %7" PRIu64 " %6.0f\n",
	       elapsed, D(conns_established), D(http_requests), D(pkts_rx), D(pkts_tx),
	       s->state[TCP_SYN_RECEIVED], s->state[TCP_ESTABLISHED],
	       s->state[TCP_FIN_WAIT_1], s->state[TCP_FIN_WAIT_2], s->state[TCP_CLOSING],
	       s->state[TCP_TIME_WAIT], s->state[TCP_CLOSE_WAIT], s->state[TCP_LAST_ACK],
	       drops(s), D(rsts_sent));
	if (app->cfg.gen.mode != TT_MODE_SERVER)
		printf("        client: %.0f connects/s, connect p50/p99 %.2f/%.2f ms, "
		       "response %.2f/%.2f ms, close %.2f/%.2f ms, failed %" PRIu64
		       ", port exhausted %" PRIu64 ", TIME_WAIT reused %" PRIu64 "\n",
		       D(connects_started),
		       hist_percentile(&lat_int[L_CONNECT], 50) / 1e3,
		       hist_percentile(&lat_int[L_CONNECT], 99) / 1e3,
		       hist_percentile(&lat_int[L_RESPONSE], 50) / 1e3,
		       hist_percentile(&lat_int[L_RESPONSE], 99) / 1e3,
		       hist_percentile(&lat_int[L_CLOSE], 50) / 1e3,
		       hist_percentile(&lat_int[L_CLOSE], 99) / 1e3,
		       s->c[TT_C_connect_failed_refused] + s->c[TT_C_connect_failed_timeout] +
		       s->c[TT_C_connect_failed_table_full],
		       s->c[TT_C_port_exhausted], s->c[TT_C_tw_reused]);
	fflush(stdout);
#undef D
}

void
report_start(struct tt_app *app)
{
	(void)app;
	memset(&prev, 0, sizeof(prev));
	last_report = 0;
	next_report = app->cfg.gen.stats_interval;
}

static void
report_tick(struct tt_app *app, uint64_t now)
{
	struct tt_stats s;
	double dt;

	if (now < next_report)
		return;
	next_report += app->cfg.gen.stats_interval;
	if (next_report <= now)
		next_report = now + app->cfg.gen.stats_interval;
	sum(app, &s);
	dt = (double)(now - last_report) / 1e6;
	if (app->cfg.gen.mode != TT_MODE_SERVER)
		lat_collect(app);
	console_line(app, &s, now / 1e6, dt);
	json_write(app, &s, now / 1e6, dt, false, 0);
	prev = s;
	last_report = now;
}

/* Where the lcores' cycles went: busy polls (received, sent or expired
 * something) against idle ones, in all and per connection. */
static void
cycles_summary(struct tt_app *app, const struct tt_stats *s)
{
	uint64_t cb = s->c[TT_C_cycles_busy], ci = s->c[TT_C_cycles_idle];
	uint64_t conns = s->c[TT_C_conns_established];

	printf("cycles: busy %" PRIu64 " (%.1f %%), idle %" PRIu64 "; busy polls %" PRIu64
	       ", idle polls %" PRIu64 "; busy cycles per connection %.0f\n", cb,
	       cb + ci ? 100.0 * (double)cb / (double)(cb + ci) : 0.0, ci,
	       s->c[TT_C_polls_busy], s->c[TT_C_polls_idle],
	       conns ? (double)cb / (double)conns : 0.0);
	for (unsigned i = 0; i < app->n_workers; i++) {
		const struct tt_stats *l = &app->workers[i]->st;
		uint64_t b = tt_load_u64(&l->c[TT_C_cycles_busy]);
		uint64_t d = tt_load_u64(&l->c[TT_C_cycles_idle]);

		uint64_t run_ns, wait_ns;

		printf("lcore %u (queue %u): busy %" PRIu64 " cycles (%.1f %%), idle %" PRIu64,
		       app->workers[i]->lcore_id, app->workers[i]->idx, b,
		       b + d ? 100.0 * (double)b / (double)(b + d) : 0.0, d);
		if (lcore_sched(app->workers[i], &run_ns, &wait_ns))
			printf("; on a CPU %.3f s, waiting for one %.3f s", run_ns / 1e9,
			       wait_ns / 1e9);
		printf("\n");
	}
}

static void
report_final(struct tt_app *app, unsigned mbufs_in_use)
{
	uint64_t now = app_now_us();
	struct tt_stats s;
	int64_t left[TCP_NSTATES] = { 0 };
	uint64_t aborted = 0;
	double el = now / 1e6;

	sum(app, &s);
	if (app->cfg.gen.mode != TT_MODE_SERVER)
		lat_collect(app);
	for (unsigned i = 0; i < app->n_workers; i++) {
		for (unsigned k = 0; k < TCP_NSTATES; k++)
			left[k] += app->workers[i]->left[k];
		aborted += app->workers[i]->aborted;
	}
	json_write(app, &s, el, (double)(now - last_report) / 1e6, true, mbufs_in_use);
	printf("\n==== tcpterm summary (%.1f s) ====\n", el);
	printf("connections: opened %" PRIu64 ", established %" PRIu64 ", closed %" PRIu64
	       " (active closes %" PRIu64 ", passive closes %" PRIu64 ", simultaneous %" PRIu64 ")\n",
	       s.c[TT_C_conns_opened], s.c[TT_C_conns_established], s.c[TT_C_conns_closed],
	       s.c[TT_C_active_closes], s.c[TT_C_passive_closes], s.c[TT_C_simultaneous_closes]);
	printf("average rate: %.0f connections/s, %.0f requests/s\n",
	       el > 0 ? s.c[TT_C_conns_established] / el : 0.0,
	       el > 0 ? s.c[TT_C_http_requests] / el : 0.0);
	printf("TIME_WAIT: created %" PRIu64 ", expired %" PRIu64 " (late %" PRIu64 "), re-ACKed %" PRIu64
	       ", taken over by SYN %" PRIu64 ", RST-killed %" PRIu64 ", overflow %" PRIu64
	       ", dropped at exit %" PRIu64 "\n",
	       s.c[TT_C_tw_created], s.c[TT_C_tw_expired], s.c[TT_C_tw_expired_late],
	       s.c[TT_C_tw_reacked],
	       s.c[TT_C_tw_syn_accepted], s.c[TT_C_tw_rst_killed], s.c[TT_C_tw_overflow],
	       s.c[TT_C_tw_drained]);
	printf("HTTP: %" PRIu64 " requests, %" PRIu64 " responses, %" PRIu64 " bad requests\n",
	       s.c[TT_C_http_requests], s.c[TT_C_http_responses], s.c[TT_C_http_bad_requests]);
	printf("packets: rx %" PRIu64 ", tx %" PRIu64 ", drops %" PRIu64 ", RSTs sent %" PRIu64
	       ", RSTs received %" PRIu64 "\n", s.c[TT_C_pkts_rx], s.c[TT_C_pkts_tx], drops(&s),
	       s.c[TT_C_rsts_sent], s.c[TT_C_rsts_received]);
	printf("left after the drain:");
	for (unsigned k = 0; k < TCP_NSTATES; k++)
		if (k != TCP_CLOSED && k != TCP_LISTEN)
			printf(" %s %" PRId64, tcp_state_name(k), left[k]);
	printf("\naborted with RST at exit: %" PRIu64 "\n", aborted);
	if (app->cfg.gen.mode != TT_MODE_SERVER) {
		printf("client: %" PRIu64 " connects started, %" PRIu64 " requests, %" PRIu64
		       " responses; failed: refused %" PRIu64 ", timed out %" PRIu64
		       ", table full %" PRIu64 "; port exhausted %" PRIu64
		       "; TIME_WAIT tuples reused %" PRIu64 ", skipped %" PRIu64 "\n",
		       s.c[TT_C_connects_started], s.c[TT_C_http_client_requests],
		       s.c[TT_C_http_client_responses], s.c[TT_C_connect_failed_refused],
		       s.c[TT_C_connect_failed_timeout], s.c[TT_C_connect_failed_table_full],
		       s.c[TT_C_port_exhausted], s.c[TT_C_tw_reused], s.c[TT_C_tuples_skipped]);
		for (unsigned k = 0; k < L_N; k++)
			printf("client %s latency: p50 %.3f ms, p99 %.3f ms (%" PRIu64 " samples)\n",
			       lat_names[k], hist_percentile(&lat_cur[k], 50) / 1e3,
			       hist_percentile(&lat_cur[k], 99) / 1e3, hist_count(&lat_cur[k]));
	}
	cycles_summary(app, &s);
	printf("mbufs in use: %u\n", mbufs_in_use);
	fflush(stdout);
}

/* ---- the reporter thread ---- */

/* Longest sleep between two looks at the stop request.  The thread runs
 * on a CPU the lcores do not use (EAL's control-thread set), which in the
 * two-process benchmark is the peer's: wake it rarely. */
#define REPORT_NAP_US 50000ull

/* Every worker has left its loop: what the drain left is counted (and
 * the TIME_WAIT records dropped), so a periodic line now would report
 * the exit, not the run; the final line follows. */
static bool
workers_done(const struct tt_app *app)
{
	for (unsigned i = 0; i < app->n_workers; i++)
		if (!__atomic_load_n(&app->workers[i]->done, __ATOMIC_RELAXED))
			return false;
	return true;
}

static void *
report_thread(void *arg)
{
	struct tt_app *app = arg;
	const uint64_t duration = app->cfg.gen.duration;
	int stop;

	while ((stop = __atomic_load_n(&app->report_stop, __ATOMIC_ACQUIRE)) == REPORT_RUN) {
		uint64_t now = app_now_us(), wake;

		if (workers_done(app)) {
			rte_delay_us_sleep(1000);
			continue;
		}

		if (duration && now >= duration) {
			int run = TT_RUN;

			/* --duration: drain, unless a signal already moved
			 * the phase on (then leave it where it is). */
			__atomic_compare_exchange_n(&app->phase, &run, TT_DRAIN, false,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		}
		report_tick(app, now);
		wake = next_report;
		if (duration && now < duration && duration < wake)
			wake = duration;
		if (wake > now + REPORT_NAP_US)
			wake = now + REPORT_NAP_US;
		if (wake > now)
			rte_delay_us_sleep((unsigned)(wake - now));
	}
	if (stop == REPORT_STOP_FINAL)
		report_final(app, app->mbufs_in_use);
	return NULL;
}

int
report_thread_start(struct tt_app *app)
{
	int rc;

	__atomic_store_n(&app->report_stop, REPORT_RUN, __ATOMIC_RELAXED);
	rc = rte_ctrl_thread_create(&app->reporter, "tt-report", NULL, report_thread, app);
	if (rc != 0) {
		fprintf(stderr, "tcpterm: cannot start the reporter thread: %s\n",
			strerror(rc < 0 ? -rc : rc));
		return -1;
	}
	app->reporter_on = true;
	return 0;
}

/* After every worker has returned (their last writes are visible: the
 * lcore launch/wait pair synchronises), so the final summary is exact. */
void
report_thread_stop(struct tt_app *app, bool final, unsigned mbufs_in_use)
{
	if (!app->reporter_on)
		return;
	app->mbufs_in_use = mbufs_in_use;
	__atomic_store_n(&app->report_stop, final ? REPORT_STOP_FINAL : REPORT_STOP,
			 __ATOMIC_RELEASE);
	pthread_join(app->reporter, NULL);
	app->reporter_on = false;
}

/* ---- telemetry: /tcpterm/stats, /tcpterm/states, /tcpterm/lcores ---- */

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tt_stats s;

	(void)cmd;
	(void)params;
	sum(&tt_app, &s);
	rte_tel_data_start_dict(d);
	for (unsigned k = 0; k < TT_NCOUNTERS; k++)
		rte_tel_data_add_dict_u64(d, tt_counter_names[k], s.c[k]);
	return 0;
}

static int
tel_states(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tt_stats s;

	(void)cmd;
	(void)params;
	sum(&tt_app, &s);
	rte_tel_data_start_dict(d);
	for (unsigned k = 0; k < TCP_NSTATES; k++)
		rte_tel_data_add_dict_int(d, tcp_state_name(k), (int)s.state[k]);
	return 0;
}

static int
tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < tt_app.n_workers; i++) {
		const struct worker *w = tt_app.workers[i];
		char name[32];

		snprintf(name, sizeof(name), "lcore%u_queue", w->lcore_id);
		rte_tel_data_add_dict_int(d, name, (int)w->idx);
		snprintf(name, sizeof(name), "lcore%u_conns", w->lcore_id);
		rte_tel_data_add_dict_u64(d, name,
					  __atomic_load_n(&w->stack.n_conns, __ATOMIC_RELAXED));
		snprintf(name, sizeof(name), "lcore%u_time_wait", w->lcore_id);
		rte_tel_data_add_dict_u64(d, name,
					  (uint64_t)tt_load_i64(&w->st.state[TCP_TIME_WAIT]));
		snprintf(name, sizeof(name), "lcore%u_cycles_busy", w->lcore_id);
		rte_tel_data_add_dict_u64(d, name, tt_load_u64(&w->st.c[TT_C_cycles_busy]));
		snprintf(name, sizeof(name), "lcore%u_cycles_idle", w->lcore_id);
		rte_tel_data_add_dict_u64(d, name, tt_load_u64(&w->st.c[TT_C_cycles_idle]));
		snprintf(name, sizeof(name), "lcore%u_polls_busy", w->lcore_id);
		rte_tel_data_add_dict_u64(d, name, tt_load_u64(&w->st.c[TT_C_polls_busy]));
		snprintf(name, sizeof(name), "lcore%u_polls_idle", w->lcore_id);
		rte_tel_data_add_dict_u64(d, name, tt_load_u64(&w->st.c[TT_C_polls_idle]));
	}
	return 0;
}

int
report_telemetry_init(struct tt_app *app)
{
	(void)app;
	if (rte_telemetry_register_cmd("/tcpterm/stats", tel_stats,
				       "tcpterm counters, summed over lcores") < 0 ||
	    rte_telemetry_register_cmd("/tcpterm/states", tel_states,
				       "connections in each TCP state") < 0 ||
	    rte_telemetry_register_cmd("/tcpterm/lcores", tel_lcores,
				       "per-lcore queue, connections, TIME_WAIT, busy/idle cycles and polls") < 0)
		return -1;
	return 0;
}
