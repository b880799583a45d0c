#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm as a client on net_null with no-rx=1: every frame sent vanishes
# and nothing comes back, so every connect sits in SYN_SENT with its
# retransmission timer until syn_retries runs out.  Measures connects
# started per second and the memory and CPU of millions of SYN_SENT
# connections: the connection table and the timer wheel under load with no
# peer at all.
#
#   sudo bash bench/null.sh [--seconds N] [--conns N] [--syn-retries N] [--src-ips N]
#
# --conns is both max_conns and the client's concurrency (default 1M: one
# source address x 64512 ports x 16 target ports allow 1032192 tuples).
# --src-ips N (N <= 254) sends from 198.18.2.1-198.18.2.N instead, local
# addresses of the port (client.src_ip).  net_null answers no ARP, so SYNs
# wait in the ARP pending queue (1024 per port) and the rest are dropped
# (drop_no_arp): the connections, tables and timers are real, most packets
# are not.
# With the Linux default syn_retries 6 and rto_initial 1 s a connect lives
# 127 s, so for a shorter run every connection started stays in SYN_SENT.
# Writes bench/results/null-DATE.json.

set -u
. "$(dirname "$0")/bench_lib.sh"

SECS=20
CONNS=1000000
SRC_IPS=1
RETRIES=6
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECS=$2; shift 2 ;;
	--conns) CONNS=$2; shift 2 ;;
	--syn-retries) RETRIES=$2; shift 2 ;;
	--src-ips) SRC_IPS=$2; shift 2 ;;
	-h|--help) sed -n '3,17p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--seconds N] [--conns N] [--syn-retries N] [--src-ips N]" >&2; exit 2 ;;
	esac
done

bench_begin
bench_mem_init
SRC=()
if [ "$SRC_IPS" -gt 1 ]; then
	SRC=(--set "client.src_ip=198.18.2.1-198.18.2.$SRC_IPS")
fi
W=$TT_WORKDIR
OUT=$BENCH_RESULTS/null-$BENCH_STAMP.json

# net_null0,no-rx=1: the PMD's RX returns nothing (without it, it returns a
# flood of zero-filled frames).  One lcore, CPU 1.
run_client()
{
	local json=$1 log=$2
	shift 2
	# shellcheck disable=SC2086 # word list
	set -- -l 1 --no-pci --file-prefix="${TT_PREFIX}c" $BENCH_MEM \
		--vdev=net_null0,no-rx=1 -- -c "$TT_SOURCE_DIR/config/null.conf" \
		--set general.idle_sleep=0 --set general.drain_time=0 \
		--stats-json "$json" "$@"
	echo "$TCPTERM $*" >>"$W/commands"
	"$TCPTERM" "$@" >"$log" 2>&1 </dev/null &
	BENCH_CLIENT_PID=$!
}

_client_running() { grep -q '^tcpterm .*connecting' "$1" 2>/dev/null; }

# Baseline RSS: the same process with tables for 1024 connections, so the
# growth is what CONNS connections cost, preallocation included.
bench_log "baseline RSS: max_conns 1024, concurrency 1"
run_client "$W/base.json" "$W/base.log" --set tcp.max_conns=1024 \
	--set client.concurrency=1 --duration 4
tt_wait_for 120 "client to start" _client_running "$W/base.log" || exit 1
sleep 1
BASE_RSS=$(bench_rss_kb "$BENCH_CLIENT_PID")
wait "$BENCH_CLIENT_PID"

bench_log "client on net_null: max_conns = concurrency = $CONNS, syn_retries $RETRIES, ${SECS}s"
run_client "$W/client.json" "$W/client.log" --set tcp.max_conns="$CONNS" \
	--set client.concurrency="$CONNS" --set tcp.syn_retries="$RETRIES" \
	--set tcp.rto_initial=1000 --set client.src_ports=1024-65535 \
	--set general.stats_interval=0.1 \
	--set "client.targets=$(for p in $(seq 80 143); do printf '198.18.2.2:%s,' "$p"; done | sed 's/,$//' | cut -d, -f1-16)" \
	"${SRC[@]}" --duration "$SECS"
tt_wait_for 120 "client to start" _client_running "$W/client.log" || exit 1
T0US=${EPOCHREALTIME/./}
HZ=$(getconf CLK_TCK)
prev_j=
while kill -0 "$BENCH_CLIENT_PID" 2>/dev/null; do
	now=${EPOCHREALTIME/./}
	ms=$(((now - T0US) / 1000))
	rss=$(bench_rss_kb "$BENCH_CLIENT_PID")
	# utime + stime (fields 14, 15) in clock ticks.
	j=$(awk '{ print $14 + $15 }' "/proc/$BENCH_CLIENT_PID/stat" 2>/dev/null)
	[ -n "$rss" ] && printf '%d.%03d %s\n' $((ms / 1000)) $((ms % 1000)) "$rss" >>"$W/rss.txt"
	if [ -n "$prev_j" ] && [ -n "$j" ]; then
		printf '%d.%03d %s\n' $((ms / 1000)) $((ms % 1000)) \
			$(((j - prev_j) * 100 / HZ)) >>"$W/cpu.txt"
	fi
	prev_j=$j
	sleep 1
done
wait "$BENCH_CLIENT_PID"
BENCH_CLIENT_PID=
tail -n 12 "$W/client.log" >&2
python3 "$BENCH_PY" null --client "$W/client.json" --rss "$W/rss.txt" \
	--cpu "$W/cpu.txt" --base-rss "$BASE_RSS" --out "$OUT" \
	--meta "seconds=$SECS" --meta "conns=$CONNS" --meta "syn_retries=$RETRIES" --meta "src_ips=$SRC_IPS" \
	--meta "eal_mem=$BENCH_MEM" --meta "commands=$(tr '\n' ';' <"$W/commands")"
