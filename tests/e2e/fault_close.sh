#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: the "what if this close segment is lost" knobs from the command line.
# tcpterm closes first (Connection: close) with [fault] drop_fin1 (its own
# FIN, dropped before it leaves) and drop_fin2 (the client's FIN, dropped on
# arrival) set with --set and a fixed seed.  Then:
#   - the capture on the kernel side shows exactly the FINs tcpterm sent
#     minus the ones it dropped on purpose: fins_sent + fin_retransmits -
#     fault_drop_fin1;
#   - every injected drop is counted, and every connection still ends on
#     both sides (retransmissions recover each loss).

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin ab tcpdump
tt_up --set tcp.time_wait=2 --set fault.seed=7 --set fault.drop_fin1=0.3 \
	--set fault.drop_fin2=0.3 || tt_abort "tcpterm up and answering HTTP on $TT_IF"

# The readiness probe's connection must be over before the capture starts;
# its FINs are then subtracted from the counters.
_probe_done()
{
	tt_json_true "$TT_STATS_JSON" nonfinal \
		'c["http_responses"] >= 1 and (s["ESTABLISHED"] + s["FIN_WAIT_1"] +
		 s["FIN_WAIT_2"] + s["CLOSING"] + s["CLOSE_WAIT"] + s["LAST_ACK"]) == 0'
}
tt_wait_for 30 "the probe connection to end" _probe_done || tt_abort "probe ended"
base=$(tt_json "$TT_STATS_JSON" nonfinal \
	'c["fins_sent"] + c["fin_retransmits"] - c["fault_drop_fin1"]')

CAP=$TT_WORKDIR/fault.pcap
tt_spawn ip netns exec "$TT_NS" tcpdump -i "$TT_IF" -nn -S -U -s 96 -B 8192 -w "$CAP" \
	"tcp and src host $TT_SERVER_IP and tcp[tcpflags] & tcp-fin != 0" \
	2>"$TT_WORKDIR/tcpdump.err"
TCPDUMP_PID=${TT_PIDS[-1]}
_cap_ready() { grep -q "listening on" "$TT_WORKDIR/tcpdump.err"; }
tt_wait_for 20 "tcpdump to start" _cap_ready || tt_abort "tcpdump started"

tt_ns_run -o "$TT_WORKDIR/ab.txt" timeout --foreground 90 ab -q -n 200 -c 8 -s 20 \
	-H 'Connection: close' "http://$TT_SERVER_IP/"
grep -E "Complete requests|Failed requests" "$TT_WORKDIR/ab.txt"
_all_closed()
{
	tt_json_true "$TT_STATS_JSON" nonfinal \
		'(s["ESTABLISHED"] + s["FIN_WAIT_1"] + s["FIN_WAIT_2"] + s["CLOSING"] +
		  s["CLOSE_WAIT"] + s["LAST_ACK"] + s["TIME_WAIT"]) == 0 and c["http_responses"] >= 200'
}
tt_check "every connection ended on tcpterm's side despite the drops" \
	tt_wait_for 60 "connections to end" _all_closed
tt_stop_pid "$TCPDUMP_PID" 10
tt_stop_and_check_final

fins=$(tcpdump -nn -r "$CAP" 2>/dev/null | grep -c "Flags \[F")
echo "  capture: $fins FINs from tcpterm"
tt_json_show final fins_sent fin_retransmits fault_drop_fin1 fault_drop_fin2 \
	rtx_fin_wait_1 tw_reacked
tt_json_check final "drops were injected on both FINs" \
	'c["fault_drop_fin1"] > 0 and c["fault_drop_fin2"] > 0'
tt_json_check final "FINs on the wire == sent + retransmitted - dropped on purpose ($fins)" \
	"c['fins_sent'] + c['fin_retransmits'] - c['fault_drop_fin1'] - $base == $fins"
tt_json_check final "a dropped FIN of ours was retransmitted from FIN_WAIT_1" \
	'c["rtx_fin_wait_1"] >= c["fault_drop_fin1"]'
tt_e2e_end
