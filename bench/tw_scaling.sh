#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# TIME_WAIT scaling: the cps.sh pair (server closing, so the server holds
# TIME_WAIT) with the real 60 s TIME_WAIT, for 150 s by default: TIME_WAIT
# count and connections/s over time, bytes per TIME_WAIT record measured
# from the server's resident memory, flatness (steady conns/s / first 5 s)
# and the worst expiry lateness that the stats samples can show.
#
#   sudo bash bench/tw_scaling.sh [--seconds N] [--rate N] [--interval S]
#                                 [--time-wait S] [--max-tw N] [--ipv6]
#
# --rate caps the client's connections/s (0 = as fast as it goes).  The
# client has 4096 source addresses x 64512 ports = 264M tuples
# (bench_lib.sh), so no tuple comes back within 60 s below 4.4M/s: every
# record lives its full TIME_WAIT and expires, and the table holds
# rate x 60 s records.  --max-tw N sizes the server's table (default 24M:
# 400K/s x 60 s); its index (4.44 bytes per record of N) is written at
# start and its record ring (26.2 bytes per record of N) is all resident
# once it has gone round, so keep N near what the run holds (e.g. 61M for
# 1M/s) for bytes/record: the figure is per record held.
# --ipv6: the same over IPv6 tuples (bench_ipv6 in bench_lib.sh: 4096
# client addresses in 2001:2:1::/64 x 64512 ports): a record stores an
# index into the lcore's address-pair table, not the addresses, so bytes
# per record should be what IPv4 gives.  Result: tw_scaling-ipv6-DATE.json.
# Late expiries are split by cause: records a poll saw due and on time but
# left (tw_expired_deferred: the table's doing) and records that fell due
# while the server lcore did not poll for over a tick (poll_gaps); first
# bench/cpu_gaps measures how often this machine stalls a pinned busy loop
# with nothing else running, to compare.
# Writes bench/results/tw_scaling-DATE.json; bench/plot.sh FILE draws it.

set -u
. "$(dirname "$0")/bench_lib.sh"

SECS=150
RATE=0
IVL=1
TW=60
TWCAP=25165824
IPV6=0
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECS=$2; shift 2 ;;
	--rate) RATE=$2; shift 2 ;;
	--interval) IVL=$2; shift 2 ;;
	--time-wait) TW=$2; shift 2 ;;
	--max-tw) TWCAP=$2; shift 2 ;;
	--ipv6) IPV6=1; shift ;;
	-h|--help) sed -n '3,31p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--seconds N] [--rate N] [--interval S] [--time-wait S] [--max-tw N] [--ipv6]" >&2; exit 2 ;;
	esac
done

bench_begin
bench_mem_init
W=$TT_WORKDIR
OUT=$BENCH_RESULTS/tw_scaling-$BENCH_STAMP.json
FAMILY=4
if [ $IPV6 = 1 ]; then
	bench_ipv6
	OUT=$BENCH_RESULTS/tw_scaling-ipv6-$BENCH_STAMP.json
	FAMILY=6
fi

# The machine's own stalls, before anything runs: a TSC loop pinned to each
# CPU counts the times it lost its CPU for over a tick.  An lcore cannot
# expire records on time through those (tw_expired_late); the result
# compares the two.
GAPS=$(dirname "$TCPTERM")/../bench/cpu_gaps
GAPS_ARG=()
[ -x "$GAPS" ] || tt_die "bench/cpu_gaps not built: ninja -C build"
bench_log "this machine alone: a busy loop pinned to each CPU, 10 s"
"$GAPS" 10 >"$W/cpu_gaps.json" && GAPS_ARG=(--cpu-gaps "$W/cpu_gaps.json")

# Baseline: the same server without a TIME_WAIT table (max_tw_buckets = 0),
# so that RSS(run) - RSS(baseline) is what the records and their index cost.
bench_log "baseline RSS: server without TIME_WAIT table"
bench_server_start "$W/base.json" "$W/base.log" --set tcp.max_tw_buckets=0 ||
	{ tt_server_log_tail; exit 1; }
sleep 2
BASE_RSS=$(bench_rss_kb "$BENCH_SERVER_PID")
tt_server_stop 30
rm -f "$BENCH_SOCK"

bench_log "server with max_tw_buckets $TWCAP, time_wait ${TW}s; client ${SECS}s, rate $RATE (0 = max), IPv$FAMILY"
bench_server_start "$W/server.json" "$W/server.log" \
	--set tcp.max_tw_buckets=$TWCAP --set tcp.time_wait="$TW" \
	--set general.stats_interval="$IVL" || { tt_server_log_tail; exit 1; }
# RSS comes from the server's own stats lines (its reporter reads
# /proc/self/statm each second): a sampler process here would take CPU
# time from the lcores, whose stalls are what this run measures too.
bench_client_start "$W/client.json" "$W/client.log" \
	--set client.rate="$RATE" --set tcp.time_wait="$TW" --duration "$SECS"
bench_pair_finish

python3 "$BENCH_PY" tw --server "$W/server.json" \
	--base-rss "$BASE_RSS" --time-wait "$TW" --out "$OUT" \
	"${GAPS_ARG[@]}" \
	--meta "seconds=$SECS" --meta "rate=$RATE" --meta "eal_mem=$BENCH_MEM" \
	--meta "max_tw_buckets=$TWCAP" --meta "tuples=$BENCH_TUPLES" --meta "family=$FAMILY" \
	--meta "commands=$(tr '\n' ';' <"$W/commands")" || exit 1
if command -v gnuplot >/dev/null 2>&1; then
	bash "$BENCH_DIR/plot.sh" "$OUT"
fi
