# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers shared by bench/*.sh, on top of scripts/lib.sh (unique names,
# cleanup trap, hugepages, bounded waits).
#
# The tcpterm pair: server on lcore 0, client on lcore 1, two processes
# joined by one net_memif interface (the server is the memif master and
# owns the socket).  Each process has its own DPDK file prefix.  The file
# prefixes start with "ttb", not "tcpterm<PID>", so that tt_reap_stale in
# another shell never mistakes a live benchmark's files for a dead run's.

set -u
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TT_SOURCE_DIR=${TT_SOURCE_DIR:-$(dirname "$BENCH_DIR")}
. "$TT_SOURCE_DIR/scripts/lib.sh"

BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results}
BENCH_PY=$BENCH_DIR/bench_stats.py

# The client's tuple space: a range of client source addresses (local
# addresses of the client's port: ARP answered, RX accepted, TX sent) x the
# widest source port range x one server port.  Both ports are widened to a
# /16 so that the range can be 4096 addresses: 4096 x 64512 = 264M distinct
# 4-tuples, more than 1M connections/s x 60 s, so no tuple comes back while
# the server still holds its TIME_WAIT record.  The client walks the ports
# of one address before the next, so the server's 64-entry ARP cache (which
# learns each SYN's source) sees one or two new addresses at a time.
BENCH_SERVER_IP=198.18.1.1/16
BENCH_CLIENT_IP=198.18.1.2/16
BENCH_SRC_IPS=${BENCH_SRC_IPS:-198.18.16.0-198.18.31.255}
BENCH_N_SRC_IPS=4096
BENCH_LISTEN=80
BENCH_TARGETS=198.18.1.1:80
BENCH_SRC_PORTS=1024-65535
BENCH_TUPLES=$((BENCH_N_SRC_IPS * 64512))

# More tcpterm options for each side (bench_ipv6 adds to them).  The
# server's SYN backlog is the Linux baseline's (cps.sh sets
# net.ipv4.tcp_max_syn_backlog = 4096): with the default max(128,
# max_conns / 128) = 512, the few thousand SYNs that queue while the server
# lcore is off its CPU for a few ms overflow it, and the server answers
# with SYN cookies (3 % of a 150 s tw_scaling run, each dearer than a
# backlog entry) just when it has to catch up.
BENCH_SERVER_ARGS=(--set tcp.max_syn_backlog=4096)
BENCH_CLIENT_ARGS=()

# bench_ipv6: the same tuple space over IPv6 (issue 12), in 2001:2:1::/64
# (RFC 5180): both ports keep their IPv4 address and get an IPv6 one, the
# client sends from 4096 IPv6 addresses (2001:2:1::1:0-2001:2:1::1:fff,
# ends differing in the last 32 bits) x the same ports to [2001:2:1::1]:80,
# so 264M IPv6 4-tuples.
bench_ipv6()
{
	BENCH_SERVER_IP6=2001:2:1::1/64
	BENCH_CLIENT_IP6=2001:2:1::2/64
	BENCH_SRC_IPS=${BENCH_SRC_IPS6:-2001:2:1::1:0-2001:2:1::1:fff}
	BENCH_TARGETS=[2001:2:1::1]:80
	BENCH_SERVER_ARGS+=(--set "port0.ip6=$BENCH_SERVER_IP6")
	BENCH_CLIENT_ARGS=(--set "port0.ip6=$BENCH_CLIENT_IP6")
}

BENCH_SERVER_PID=
BENCH_CLIENT_PID=
BENCH_EXTRA_NS=()
# EAL lcore options of each side (bench_lcores sets them for N lcores).
BENCH_SERVER_EAL_LCORES=(-l 0)
BENCH_CLIENT_EAL_LCORES=(-l 1)

bench_log() { printf '%s: %s\n' "$TT_NAME" "$*" >&2; }

# Called by tt_cleanup (scripts/lib.sh) before it stops TT_SERVER_PID and
# TT_PIDS: the client first (it is the one generating load), then the
# second DPDK prefix and the extra namespaces.
tt_cleanup_hook()
{
	if tt_alive "$BENCH_CLIENT_PID"; then
		tt_stop_pid "$BENCH_CLIENT_PID" 10
	fi
	local ns
	for ns in "${BENCH_EXTRA_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/${TT_PREFIX}s" "/var/run/dpdk/${TT_PREFIX}c"
	local m
	for m in $(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts); do
		rm -f "$m/${TT_PREFIX}"[sc]map_* 2>/dev/null
	done
}

# bench_begin TOOL...: root, binaries, names, trap, work directory.
bench_begin()
{
	[ "$(id -u)" = 0 ] || tt_die "run as root (DPDK, namespaces)"
	local t
	for t in python3 "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			tt_die "'$t' not installed (bash scripts/deps.sh nginx-light gnuplot-nox linux-perf)"
	done
	[ -x "$TCPTERM" ] || tt_die "tcpterm not built: ninja -C build"
	[ "$(nproc)" -ge 2 ] || tt_die "needs 2 CPUs (one lcore per process)"
	tt_names
	TT_PREFIX=ttb$TT_ID
	tt_trap
	tt_workdir
	mkdir -p "$BENCH_RESULTS"
	BENCH_STAMP=$(date +%Y%m%d-%H%M%S)
}

# EAL memory for each of the two processes, in BENCH_MEM: hugepages when
# scripts/hugepages.sh can reserve them (512 MiB each), else --no-huge.
# Call it in the main shell (not in $(...)): cleanup releases the pages.
bench_mem_init()
{
	TT_HUGEPAGES=${TT_HUGEPAGES:-600} TT_MEM_MB=1100 tt_hugepages_reserve 2>/dev/null
	if [ -z "$TT_EAL_MEM" ]; then
		BENCH_MEM="-m 512"
	else
		BENCH_MEM="--no-huge -m 1024"
	fi
}

# TSC frequency in Hz (the kernel's calibration; constant_tsc assumed).
bench_tsc_hz()
{
	local mhz
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -n1)
	[ -n "$mhz" ] || mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -n1)
	[ -n "$mhz" ] || mhz=$(awk -F': ' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	python3 -c "print(int(float('$mhz') * 1e6))"
}

_bench_serving() { grep -q '^tcpterm .*serving' "$1" 2>/dev/null; }

# bench_lcores N: N lcores (and so N memif queue pairs) on each side.
# memif has no RSS: the client's lcore q sends on queue q, which the
# server's lcore q receives, and the server answers on its queue q, which
# the client's lcore q receives; the client partitions its tuples by lcore
# (app/client.c), so every connection stays on one lcore pair.  With
# 2N <= CPUs, server lcores run on CPUs 0..N-1 and client lcores on
# N..2N-1; with fewer CPUs the lcores share them (correctness, not speed).
bench_lcores()
{
	local n=$1 ncpu i s="" c=""
	ncpu=$(nproc)
	for ((i = 0; i < n; i++)); do
		s+="${s:+,}$i@$((i % ncpu))"
		c+="${c:+,}$i@$(((n + i) % ncpu))"
	done
	BENCH_SERVER_EAL_LCORES=(--lcores "$s")
	BENCH_CLIENT_EAL_LCORES=(--lcores "$c")
	[ $((2 * n)) -le "$ncpu" ] || bench_log "warning: $((2 * n)) lcores on $ncpu CPUs: they share CPUs, figures are not a measure of speed"
}

# bench_server_start JSON LOG [--set ...]: tcpterm server (lcore 0 unless
# bench_lcores).
bench_server_start()
{
	local json=$1 log=$2 mem=${BENCH_MEM:?bench_mem_init first}
	shift 2
	BENCH_SOCK=$TT_WORKDIR/memif.sock
	# shellcheck disable=SC2086 # word list
	set -- "${BENCH_SERVER_EAL_LCORES[@]}" --no-pci --file-prefix="${TT_PREFIX}s" $mem \
		--vdev="net_memif0,role=server,socket=$BENCH_SOCK,socket-abstract=no" \
		-- -c "$TT_SOURCE_DIR/config/memif-server.conf" \
		--set "port0.ip=$BENCH_SERVER_IP" \
		--set "http.listen=$BENCH_LISTEN" "${BENCH_SERVER_ARGS[@]}" \
		--stats-json "$json" "$@"
	echo "$TCPTERM $*" >>"$TT_WORKDIR/commands"
	"$TCPTERM" "$@" >"$log" 2>&1 </dev/null &
	TT_SERVER_PID=$!
	BENCH_SERVER_PID=$TT_SERVER_PID
	TT_SERVER_LOG=$log
	# Sizing a large TIME_WAIT table takes seconds: wait for "serving".
	tt_wait_for -s 120 "tcpterm server to start" _bench_serving "$log"
}

# bench_client_start JSON LOG [--set ...]: tcpterm client (lcore 1 unless
# bench_lcores).
bench_client_start()
{
	local json=$1 log=$2 mem=${BENCH_MEM:?bench_mem_init first}
	shift 2
	# shellcheck disable=SC2086 # word list
	set -- "${BENCH_CLIENT_EAL_LCORES[@]}" --no-pci --file-prefix="${TT_PREFIX}c" $mem \
		--vdev="net_memif0,role=client,socket=$BENCH_SOCK,socket-abstract=no" \
		-- -c "$TT_SOURCE_DIR/config/memif-client.conf" \
		--set "port0.ip=$BENCH_CLIENT_IP" \
		--set "client.src_ip=$BENCH_SRC_IPS" \
		--set "client.targets=$BENCH_TARGETS" \
		--set "client.src_ports=$BENCH_SRC_PORTS" \
		--set client.closer=server "${BENCH_CLIENT_ARGS[@]}" --stats-json "$json" "$@"
	echo "$TCPTERM $*" >>"$TT_WORKDIR/commands"
	"$TCPTERM" "$@" >"$log" 2>&1 </dev/null &
	BENCH_CLIENT_PID=$!
}

# Wait for the client to end by itself (--duration), then stop the server
# (SIGTERM: it drains and writes its final line).
bench_pair_finish()
{
	wait "$BENCH_CLIENT_PID"
	BENCH_CLIENT_RC=$?
	BENCH_CLIENT_PID=
	tt_server_stop 60
	BENCH_SERVER_PID=
}

# bench_rss_kb PID: resident set (VmRSS) in KiB.
bench_rss_kb()
{
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# bench_perf PID SECONDS OUT: perf record of one process, top symbols to OUT.
bench_perf()
{
	local pid=$1 secs=$2 out=$3
	command -v perf >/dev/null 2>&1 || { echo "perf not installed" >"$out"; return 0; }
	perf record -q -g -o "$out.data" -p "$pid" -- sleep "$secs" >/dev/null 2>&1 ||
		{ echo "perf record failed" >"$out"; return 0; }
	perf report -q -i "$out.data" --no-children --percent-limit 0.8 \
		--stdio -g none 2>/dev/null | sed '/^$/d' | head -n 40 >"$out"
}
