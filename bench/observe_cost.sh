#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What seeing the connections costs: the bench/cps.sh pair (memif, 1 client
# + 1 server lcore, the server closing and keeping every TIME_WAIT) run
# three ways in one run, in turn, ROUNDS times:
#   off      nothing on;
#   capture  the server captures to pcapng with [capture] sample = 0.01;
#   metrics  the server serves [general] metrics_listen and curl scrapes
#            it once a second.
# Prints the median server connections/s of each way over all its rounds
# and the ratio to off (the target: each >= 0.95), and writes
# bench/results/observe_cost-DATE.json.
#
#   bash bench/observe_cost.sh [--seconds N] [--rounds R]

set -u
. "$(dirname "$0")/bench_lib.sh"

SECS=10
ROUNDS=3
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECS=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	-h|--help) sed -n '3,17p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--seconds N] [--rounds R]" >&2; exit 2 ;;
	esac
done

bench_begin curl
bench_mem_init
OUT=$BENCH_RESULTS/observe_cost-$BENCH_STAMP.json
W=$TT_WORKDIR
PORT=$((20000 + $$ % 20000))
TWCAP=$(((SECS + 3) * 1000000))

scraper()
{
	local until=$1 n=0
	while [ "$(date +%s)" -lt "$until" ]; do
		curl -sf --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/metrics" && n=$((n + 1))
		sleep 1
	done
	echo "$n" >"$W/scrapes"
}

run()	# run MODE ROUND
{
	local mode=$1 r=$2 extra=()
	case $mode in
	capture) extra=(--set "capture.file=$W/cap.pcapng" --set capture.sample=0.01) ;;
	metrics) extra=(--set "general.metrics_listen=127.0.0.1:$PORT") ;;
	esac
	bench_log "round $r: $mode, ${SECS}s"
	bench_server_start "$W/$mode-$r.json" "$W/$mode-$r.log" \
		--set tcp.max_tw_buckets=$TWCAP "${extra[@]}" || { tt_server_log_tail; exit 1; }
	bench_client_start "$W/client-$mode-$r.json" "$W/client-$mode-$r.log" \
		--set client.concurrency=1000 --set tcp.max_conns=3024 --duration $((SECS + 2))
	if [ "$mode" = metrics ]; then
		scraper $(($(date +%s) + SECS + 2)) &
		SCRAPER=$!
		TT_PIDS+=("$SCRAPER")
	fi
	bench_pair_finish
	if [ "$mode" = metrics ]; then
		wait "$SCRAPER"
		echo "$(cat "$W/scrapes")" >"$W/scrapes-$r"
	fi
	if [ "$mode" = capture ]; then
		ls -l "$W/cap.pcapng" >&2
		rm -f "$W/cap.pcapng"
	fi
}

for ((r = 1; r <= ROUNDS; r++)); do
	for mode in off capture metrics; do
		run "$mode" "$r"
	done
done

python3 - "$W" "$ROUNDS" "$OUT" "$SECS" "$(dirname "$0")" "$(bench_tsc_hz)" <<'PY'
import glob, json, os, statistics, sys
w, rounds, out, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
sys.path.insert(0, sys.argv[5])
import bench_stats
tsc_hz = float(sys.argv[6])
res = {}
def sides(mode):
    """Busy cycles per connection and the share of time the lcores waited
    for a CPU, per side, over the rounds: what the worker pays for the
    feature, apart from what the control threads take from a shared CPU."""
    o = {}
    for side, pat in (("server", "%s-%d.json"), ("client", "client-%s-%d.json")):
        cyc, pre = [], []
        for r in range(1, rounds + 1):
            lines = [json.loads(l) for l in open(os.path.join(w, pat % (mode, r)))]
            s = bench_stats.side_summary(lines, tsc_hz)
            if s["busy_cycles_per_conn"]:
                cyc.append(s["busy_cycles_per_conn"])
            if s["preempted_share"] is not None:
                pre.append(s["preempted_share"])
        o[side] = {"busy_cycles_per_conn": round(statistics.median(cyc)) if cyc else None,
                   "preempted_share": round(statistics.mean(pre), 3) if pre else None}
    return o
for mode in ("off", "capture", "metrics"):
    per_s = []
    for r in range(1, rounds + 1):
        lines = [json.loads(l) for l in open(os.path.join(w, "%s-%d.json" % (mode, r)))]
        run = [l["rates"]["conns_per_s"] for l in lines if not l.get("final")]
        # the seconds at full load: from the first with connections (the
        # memif link takes a moment), without that one and the last
        act = [i for i, v in enumerate(run) if v > 0]
        if act:
            per_s += run[act[0] + 1:act[-1]]
    res[mode] = {"median_conns_per_s": statistics.median(per_s) if per_s else 0,
                 "seconds": len(per_s)}
    res[mode].update(sides(mode))
scrapes = [int(open(p).read()) for p in sorted(glob.glob(os.path.join(w, "scrapes-*")))]
res["metrics"]["scrapes"] = scrapes
base = res["off"]["median_conns_per_s"] or 1
for mode in ("capture", "metrics"):
    res[mode]["ratio_to_off"] = round(res[mode]["median_conns_per_s"] / base, 3)
json.dump({"bench": "observe_cost", "rounds": rounds, "seconds": secs, "results": res},
          open(out, "w"), indent=1)
print("%-8s %14s %8s %22s %22s" % ("mode", "conns/s (med)", "vs off",
                                    "server cyc/conn (pre)", "client cyc/conn (pre)"))
for mode in ("off", "capture", "metrics"):
    m = res[mode]
    print("%-8s %14.0f %8s %14s (%4.0f%%) %14s (%4.0f%%)" % (
        mode, m["median_conns_per_s"], m.get("ratio_to_off", "1"),
        m["server"]["busy_cycles_per_conn"], 100 * (m["server"]["preempted_share"] or 0),
        m["client"]["busy_cycles_per_conn"], 100 * (m["client"]["preempted_share"] or 0)))
print("scrapes answered per metrics round:", scrapes)
print("result:", out)
PY
