#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: the "what if this close segment is lost" knobs from the command line.
# tcpterm closes first (Connection: close) with [fault] drop_fin1 (its own
# FIN, dropped before it leaves) and drop_fin2 (the client's FIN, dropped on
# arrival) set with --set and a fixed seed.  Then:
#   - a capture of tcpterm's FINs holds exactly the FINs it sent minus the
#     ones it dropped on purpose: fins_sent + fin_retransmits -
#     fault_drop_fin_out (ours only: the step counters fault_drop_fin1/2
#     also count the client's FINs dropped on arrival, and a FIN of ours
#     sent again after the client's FIN is a "second FIN");
#   - every connection opened during the run shows a FIN on the wire
#     despite the drops (retransmission recovers each), every injected drop
#     is counted, and every connection ends on tcpterm's side.
# TT_FAMILY=6 runs it over IPv6 (ipv6_fault_close.sh, issue 12): the kernel
# side then has no IPv4 address and every captured FIN must be an IPv6 one.

set -u
TT_FAMILY=${TT_FAMILY:-4}
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/ipv6_lib.sh"

if [ "$TT_FAMILY" = 6 ]; then
	SIP=$TT_SERVER_IP6 FIN_BPF=$TT_BPF6_FIN FAM=IPv6
else
	SIP=$TT_SERVER_IP FIN_BPF=$TT_BPF4_FIN FAM=IPv4
fi
URL=$(tt_url "$TT_FAMILY")

tt_e2e_begin ab tcpdump
tt_up --set tcp.time_wait=2 --set fault.seed=7 --set fault.drop_fin1=0.3 \
	--set fault.drop_fin2=0.3 || tt_abort "tcpterm up and answering HTTP over $FAM on $TT_IF"

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
	'c["fins_sent"] + c["fin_retransmits"] - c["fault_drop_fin_out"]')
opened0=$(tt_json "$TT_STATS_JSON" nonfinal 'c["conns_opened"]')

CAP=$TT_WORKDIR/fault.pcap
tt_capture_start "$CAP" "src host $SIP and $FIN_BPF" ||
	tt_abort "tcpdump started"

tt_ns_run -o "$TT_WORKDIR/ab.txt" timeout --foreground 90 ab -q -n 200 -c 8 -s 20 \
	-H 'Connection: close' "$URL"
grep -E "Complete requests|Failed requests" "$TT_WORKDIR/ab.txt"
_all_closed()
{
	tt_json_true "$TT_STATS_JSON" nonfinal \
		'(s["ESTABLISHED"] + s["FIN_WAIT_1"] + s["FIN_WAIT_2"] + s["CLOSING"] +
		  s["CLOSE_WAIT"] + s["LAST_ACK"] + s["TIME_WAIT"]) == 0 and c["http_responses"] >= 200'
}
tt_check "every connection ended on tcpterm's side despite the drops" \
	tt_wait_for 60 "connections to end" _all_closed
tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop
tt_stop_and_check_final

tt6_conns "$CAP" >"$TT_WORKDIR/conns.txt"
fins=$(awk '{ s += $10 } END { print s + 0 }' "$TT_WORKDIR/conns.txt")
all=$(tt6_pcap_count "$CAP" "")
fin_conns=$(awk -v f="$TT_FAMILY" '$1 == f && $10 > 0 { print $3 }' "$TT_WORKDIR/conns.txt" |
	sort -u | wc -l)
opened=$(($(tt_json "$TT_STATS_JSON" final 'c["conns_opened"]') - opened0))
echo "  capture: $all packets, $fins $FAM FINs from tcpterm on $fin_conns connections; $opened opened during ab's run"
tt_check "every captured packet is an $FAM FIN from $SIP ($fins of $all)" \
	eval '[ "$all" -gt 0 ] && [ "$fins" = "$all" ]'
every_fin() { [ "$fin_conns" = "$opened" ] && [ "$opened" -ge 200 ]; }
tt_check "every connection's FIN reached the wire despite the drops ($fin_conns == $opened >= 200)" \
	every_fin
tt_json_show final fins_sent fin_retransmits fault_drop_fin_out fault_drop_fin1 fault_drop_fin2 \
	rtx_fin_wait_1 tw_reacked
tt_json_check final "drops were injected on both FINs" \
	'c["fault_drop_fin1"] > 0 and c["fault_drop_fin2"] > 0'
tt_json_check final "FINs on the wire == sent + retransmitted - dropped on purpose ($fins)" \
	"c['fins_sent'] + c['fin_retransmits'] - c['fault_drop_fin_out'] - $base == $fins"
tt_json_check final "every FIN of ours dropped on purpose was retransmitted as a FIN" \
	'c["fin_retransmits"] >= c["fault_drop_fin_out"] > 0'
tt_e2e_end
