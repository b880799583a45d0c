#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: live capture from outside.  tcpterm (client and server over a ring
# pair) initialises rte_pdump, so Debian's dpdk-dumpcap attaches to it as a
# secondary process by its --file-prefix; the pcapng it writes holds both
# directions of port 0 (the client's SYNs and requests, the server's SYN-ACKs
# and responses), tshark reads it, and tcpterm runs on and exits cleanly
# with every mbuf back.  A secondary process shares the primary's memory
# through hugepages, so this test needs them (scripts/test.sh reserves them).

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

[ "$(id -u)" = 0 ] || tt_skip "needs root (hugepages, /var/run/dpdk)"
command -v dpdk-dumpcap >/dev/null || tt_die "dpdk-dumpcap missing (Debian package dpdk)"
command -v tshark >/dev/null || tt_die "tshark missing (scripts/deps.sh installs it)"
tt_names
tt_trap
tt_workdir

MEM=$(tt_eal_mem)
case $MEM in
*--no-huge*) tt_die "no free hugepages: dpdk-dumpcap (a secondary process) needs them" ;;
esac

TT_SERVER_LOG=$TT_WORKDIR/tcpterm.log
TT_STATS_JSON=$TT_WORKDIR/stats.json
# shellcheck disable=SC2086 # MEM is a word list (empty with hugepages)
"$TCPTERM" -l "$TT_LCORES" --no-pci --file-prefix="$TT_PREFIX" $MEM -- \
	-c "$TT_SOURCE_DIR/config/ring-both.conf" --set client.rate=2000 \
	--duration 8 --stats-json "$TT_STATS_JSON" >"$TT_SERVER_LOG" 2>&1 </dev/null &
TT_SERVER_PID=$!
TT_PIDS+=("$TT_SERVER_PID")
running() { [ "$(tt_json_lines "$TT_STATS_JSON")" -ge 1 ]; }
tt_wait_for -s 30 "tcpterm's first stats line" running || tt_abort "tcpterm did not start"

PCAP=$TT_WORKDIR/live.pcapng
tt_run -o "$TT_WORKDIR/dumpcap.log" timeout -k 5 30 dpdk-dumpcap \
	--file-prefix="$TT_PREFIX" -i 0 -c 400 -w "$PCAP"
rc=$?
tt_check "dpdk-dumpcap attached and stopped (status $rc)" [ "$rc" = 0 ]
# "Packets received/dropped on interface 'X': N/D": it stops at a burst
# boundary, so N is 400 or a little more.
read -r got dropped < <(sed -n "s|.*received/dropped on interface.*: \([0-9]*\)/\([0-9]*\).*|\1 \2|p" \
	"$TT_WORKDIR/dumpcap.log")
all_in() { [ "${got:-0}" -ge 400 ] && [ "${dropped:-1}" = 0 ]; }
tt_check "dpdk-dumpcap received at least 400 packets and dropped none (${got:-?}/${dropped:-?})" all_in
tt_check "tcpterm still runs while and after the capture" tt_server_alive

count() { tshark -r "$PCAP" -Y "$1" 2>/dev/null | wc -l; }
n=$(count "tcp")
tt_check "tshark reads every packet dumpcap received, all TCP ($n = ${got:-?})" [ "$n" = "${got:-x}" ]
n=$(count "tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.src == 198.18.3.2")
tt_check "the client's SYNs are there, sent on port 0 ($n)" [ "$n" -gt 0 ]
n=$(count "tcp.flags.syn == 1 && tcp.flags.ack == 1 && ip.src == 198.18.3.1")
tt_check "the server's SYN-ACKs are there, received on port 0 ($n)" [ "$n" -gt 0 ]
n=$(count 'http.request.method == "GET"')
tt_check "HTTP requests decode ($n)" [ "$n" -gt 0 ]

tt_wait_for 30 "tcpterm to exit after --duration" eval "! tt_server_alive"
wait "$TT_SERVER_PID"
rc=$?
tt_check "tcpterm exited 0 (status $rc)" [ "$rc" = 0 ]
tt_json_check final "every mbuf returned after the capture (mbufs_in_use == 0)" 'j["mbufs_in_use"] == 0'
tt_e2e_end
