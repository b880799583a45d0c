#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Connections per second: tcpterm client (lcore 1) <-> tcpterm server
# (lcore 0) over net_memif, the server closing every connection
# (client.closer = server: the request says "Connection: close", so the
# server holds TIME_WAIT); then, in the same run, the Linux baseline: nginx
# (one worker, pinned to CPU 0) and wrk -t1 -c64 -H 'Connection: close'
# (pinned to CPU 1) over a veth pair between two namespaces.
#
#   sudo bash bench/cps.sh [--seconds N] [--no-linux] [--perf] [--concurrency N]
#                          [--lcores N] [--ipv6]
#
# Prints a table of median connections/s, packets/s and busy TSC cycles
# per connection on each side (cycles of the polls that did work, counted
# by tcpterm itself) and the tcpterm/Linux ratio; writes
# bench/results/cps-DATE.json.  --perf also records each tcpterm process for
# 4 s with perf (this perturbs the figures a little) and keeps the reports.
# --lcores N runs N server and N client lcores over N memif queue pairs
# (bench_lib.sh bench_lcores; concurrency is per client lcore).
# --ipv6 measures the same over IPv6 tuples (bench_ipv6 in bench_lib.sh:
# 4096 client source addresses x 64512 ports to [2001:2:1::1]:80) and the
# Linux baseline over IPv6 (2001:2::1/2::2 on the veth pair); the result
# is bench/results/cps-ipv6-DATE.json.

set -u
. "$(dirname "$0")/bench_lib.sh"

SECS=30
LINUX=1
PERF=0
CONC=1000
LCORES=1
IPV6=0
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECS=$2; shift 2 ;;
	--no-linux) LINUX=0; shift ;;
	--perf) PERF=1; shift ;;
	--concurrency) CONC=$2; shift 2 ;;
	--lcores) LCORES=$2; shift 2 ;;
	--ipv6) IPV6=1; shift ;;
	-h|--help) sed -n '3,25p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--seconds N] [--no-linux] [--perf] [--concurrency N] [--lcores N] [--ipv6]" >&2; exit 2 ;;
	esac
done

case $LCORES in
''|*[!0-9]*|0) echo "cps.sh: --lcores $LCORES: expected a number >= 1" >&2; exit 2 ;;
esac

TOOLS=()
[ $LINUX = 1 ] && TOOLS=(nginx wrk taskset curl ip)
bench_begin "${TOOLS[@]}"
bench_mem_init
TSC_HZ=$(bench_tsc_hz)
OUT=$BENCH_RESULTS/cps-$BENCH_STAMP.json
FAMILY=4
if [ $IPV6 = 1 ]; then
	bench_ipv6
	OUT=$BENCH_RESULTS/cps-ipv6-$BENCH_STAMP.json
	FAMILY=6
fi
W=$TT_WORKDIR

# ------------------------------------------------------------ tcpterm pair
bench_log "tcpterm pair over net_memif, IPv$FAMILY, ${SECS}s, $LCORES+$LCORES lcores, server closing (EAL memory: $BENCH_MEM)"
[ "$LCORES" -gt 1 ] && bench_lcores "$LCORES"
# TIME_WAIT: the client's 264M tuples (bench_lib.sh) do not come back
# within the run, so the server keeps one record per connection: room for
# 2.5M connections/s over the run (the first seconds, table still small,
# have reached 1.9M/s), at most tw_table's 130M.  The index (4.4 bytes per
# record of capacity) is written at start; the record ring is touched only
# as records are taken.  The summary says if any was refused (tw_overflow).
TWCAP=${BENCH_TWCAP:-$(((SECS + 3) * 2500000 < 130000000 ? (SECS + 3) * 2500000 : 130000000))}
bench_server_start "$W/server.json" "$W/server.log" \
	--set tcp.max_tw_buckets=$TWCAP ||
	{ tt_server_log_tail; exit 1; }
bench_client_start "$W/client.json" "$W/client.log" \
	--set client.concurrency="$((CONC * LCORES))" --set tcp.max_conns=$((CONC * 2 + 1024)) \
	--duration $((SECS + 2))
if [ $PERF = 1 ]; then
	sleep $((SECS / 3 > 3 ? SECS / 3 : 3))
	bench_perf "$BENCH_SERVER_PID" 4 "$W/perf-server.txt"
	bench_perf "$BENCH_CLIENT_PID" 4 "$W/perf-client.txt"
fi
bench_pair_finish
# A side that did not exit cleanly makes the figures meaningless: no
# table, no result file, a failing exit status.
if [ "$BENCH_CLIENT_RC" != 0 ] || [ "$TT_SERVER_RC" != 0 ]; then
	bench_log "error: client exited $BENCH_CLIENT_RC, server $TT_SERVER_RC: no result written"
	exit 1
fi

# ------------------------------------------------------------ Linux
cpu_ticks()	# CPU: "busy total" jiffies from /proc/stat
{
	awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++) t += $i;
		print t - $5 - $6, t }' /proc/stat
}

veth_pkts()	# packets received + sent on the server-side veth
{
	ip netns exec "$TT_NS" cat "/sys/class/net/$VS/statistics/rx_packets" \
		"/sys/class/net/$VS/statistics/tx_packets" | awk '{ s += $1 } END { print s }'
}

# The Linux pair's addresses: nginx's side .1, wrk's side .2, in the
# family measured (nodad: usable at once, RFC 4862 5.4).
if [ $IPV6 = 1 ]; then
	TT_FAMILY=6	# tt_netns_add leaves IPv6 on (quiet: no RS, no DAD)
	L_SRV=2001:2::1 L_CLI=2001:2::2 L_LEN=64 L_URL=http://[2001:2::1]/
	L_LISTEN=[2001:2::1]:80 L_ADDR_OPT=nodad
else
	L_SRV=198.18.0.1 L_CLI=198.18.0.2 L_LEN=24 L_URL=http://198.18.0.1/
	L_LISTEN=198.18.0.1:80 L_ADDR_OPT=
fi
_nginx_up() { ip netns exec "$NS_C" curl -g -s -o /dev/null -m 1 "$L_URL"; }

if [ $LINUX = 1 ]; then
	bench_log "Linux baseline: nginx on CPU 0, wrk -t1 -c64 on CPU 1, veth, IPv$FAMILY, ${SECS}s"
	NS_C=${TT_NS}c
	VS=vbs$TT_ID
	VC=vbc$TT_ID
	tt_netns_add || tt_die "cannot create namespace"
	ip netns add "$NS_C" || tt_die "cannot create namespace $NS_C"
	BENCH_EXTRA_NS+=("$NS_C")
	ip -n "$NS_C" link set lo up
	ip link add "$VS" type veth peer name "$VC" &&
		ip link set "$VS" netns "$TT_NS" && ip link set "$VC" netns "$NS_C" &&
		ip -n "$TT_NS" addr add "$L_SRV/$L_LEN" dev "$VS" $L_ADDR_OPT &&
		ip -n "$NS_C" addr add "$L_CLI/$L_LEN" dev "$VC" $L_ADDR_OPT &&
		ip -n "$TT_NS" link set "$VS" up && ip -n "$NS_C" link set "$VC" up ||
		tt_die "veth setup failed"
	ip netns exec "$TT_NS" sysctl -qw net.core.somaxconn=4096 \
		net.ipv4.tcp_max_syn_backlog=4096
	BODY=$(printf '%*s' 128 '' | tr ' ' x)
	cat >"$W/nginx.conf" <<-EOF
	worker_processes 1;
	daemon off;
	master_process off;
	pid $W/nginx.pid;
	error_log $W/nginx-error.log;
	events { worker_connections 4096; }
	http {
		access_log off;
		keepalive_requests 1000;
		server {
			listen $L_LISTEN backlog=4096;
			location / { default_type text/plain; return 200 "$BODY"; }
		}
	}
	EOF
	tt_spawn taskset -c 0 ip netns exec "$TT_NS" nginx -p "$W" -c "$W/nginx.conf"
	NGINX_PID=$!
	tt_wait_for 10 "nginx to answer" _nginx_up || tt_die "nginx did not start"
	read -r b0 t0 < <(cpu_ticks 0)
	read -r b1 t1 < <(cpu_ticks 1)
	p0=$(veth_pkts)
	echo "taskset -c 1 ip netns exec $NS_C wrk -t1 -c64 -d${SECS}s -H 'Connection: close' $L_URL" >>"$W/commands"
	tt_run -o "$W/wrk.txt" taskset -c 1 ip netns exec "$NS_C" \
		wrk -t1 -c64 -d"${SECS}s" -H 'Connection: close' "$L_URL"
	read -r b0e t0e < <(cpu_ticks 0)
	read -r b1e t1e < <(cpu_ticks 1)
	p1=$(veth_pkts)
	TW_LINUX=$(ip netns exec "$TT_NS" ss -Htan state time-wait | wc -l)
	tt_stop_pid "$NGINX_PID" 5
	cat "$W/wrk.txt" >&2
	python3 - "$W/wrk.txt" "$SECS" "$TSC_HZ" "$b0" "$t0" "$b0e" "$t0e" \
		"$b1" "$t1" "$b1e" "$t1e" "$p0" "$p1" "$TW_LINUX" >"$W/linux.json" <<-'EOF'
	import json, re, sys
	a = sys.argv
	txt = open(a[1]).read()
	secs, hz = float(a[2]), float(a[3])
	m = re.search(r"Requests/sec:\s*([\d.]+)", txt)
	cps = float(m.group(1)) if m else 0.0
	busy0 = (float(a[6]) - float(a[4])) / max(1.0, float(a[7]) - float(a[5]))
	busy1 = (float(a[10]) - float(a[8])) / max(1.0, float(a[11]) - float(a[9]))
	err = re.search(r"Socket errors:.*", txt)
	out = {"conns_per_s": cps, "pkts_per_s": (float(a[13]) - float(a[12])) / secs,
	       "cpu0_busy": round(busy0, 3), "cpu1_busy": round(busy1, 3),
	       "cycles_per_conn_cpu0": round(busy0 * hz / cps) if cps else None,
	       "cycles_per_conn_cpu1": round(busy1 * hz / cps) if cps else None,
	       "time_wait_at_end": int(a[14]),
	       "wrk_socket_errors": err.group(0) if err else None,
	       "setup": "nginx 1 worker (master_process off) taskset -c 0; wrk -t1 -c64 "
	                "-H 'Connection: close' taskset -c 1; veth pair between two "
	                "namespaces; each request is one connection"}
	json.dump(out, sys.stdout)
	EOF
fi

# ------------------------------------------------------------ report
python3 "$BENCH_PY" cps --server "$W/server.json" --client "$W/client.json" \
	--tsc-hz "$TSC_HZ" --linux "$W/linux.json" --out "$OUT" \
	--meta "seconds=$SECS" --meta "concurrency=$CONC" --meta "eal_mem=$BENCH_MEM" \
	--meta "perf=$PERF" --meta "lcores=$LCORES" --meta "family=$FAMILY" --meta "commands=$(tr '\n' ';' <"$W/commands")" || exit 1
for f in perf-server perf-client; do
	if [ -s "$W/$f.txt" ]; then
		cp "$W/$f.txt" "$BENCH_RESULTS/cps-$BENCH_STAMP-$f.txt"
		echo "== $f (perf report, self time)"
		head -n 25 "$W/$f.txt"
	fi
done
