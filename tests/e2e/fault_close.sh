#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: the "what if this close segment is lost" knobs from the command line.
# tcpterm closes first (Connection: close) with [fault] drop_fin1 (its own
# FIN, dropped before it leaves) and drop_fin2 (the client's FIN, dropped on
# arrival) set with --set and a fixed seed.  Then:
#   - the capture on the kernel side shows exactly the FINs tcpterm sent
#     minus the ones it dropped on purpose: fins_sent + fin_retransmits -
#     fault_drop_fin_out (ours only: the step counters fault_drop_fin1/2
#     also count the client's FINs dropped on arrival, and a FIN of ours
#     sent again after the client's FIN is a "second FIN");
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
	'c["fins_sent"] + c["fin_retransmits"] - c["fault_drop_fin_out"]')
opened0=$(tt_json "$TT_STATS_JSON" nonfinal 'c["conns_opened"]')

CAP=$TT_WORKDIR/fault.pcap
tt_capture_start "$CAP" "tcp and src host $TT_SERVER_IP and tcp[tcpflags] & tcp-fin != 0" ||
	tt_abort "tcpdump started"

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
tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop
tt_stop_and_check_final

fins=$(tcpdump -nn -r "$CAP" 2>/dev/null | grep -c "Flags \[F")
# Connections whose FIN reached the wire: a dropped FIN of ours must have
# been sent again, so every connection opened during ab's run shows one
# (ab's 200, and any extra one ab opens and closes without a request).
fin_conns=$(tcpdump -nn -r "$CAP" 2>/dev/null |
	awk '/Flags \[F/ { split($5, a, "."); print a[5] }' | sort -u | wc -l)
opened=$(($(tt_json "$TT_STATS_JSON" final 'c["conns_opened"]') - opened0))
echo "  capture: $fins FINs from tcpterm on $fin_conns connections; $opened opened during ab's run"
every_fin() { [ "$fin_conns" = "$opened" ] && [ "$opened" -ge 200 ]; }
tt_check "every connection's FIN reached the wire despite the drops ($fin_conns == $opened >= 200)" \
	every_fin
tt_json_show final fins_sent fin_retransmits fault_drop_fin_out fault_drop_fin1 fault_drop_fin2 \
	rtx_fin_wait_1 tw_reacked
tt_json_check final "drops were injected on both FINs" \
	'c["fault_drop_fin1"] > 0 and c["fault_drop_fin2"] > 0'
tt_json_check final "FINs on the wire == sent + retransmitted - dropped on purpose ($fins)" \
	"c['fins_sent'] + c['fin_retransmits'] - c['fault_drop_fin_out'] - $base == $fins"
# Each FIN dropped on purpose was followed by a FIN retransmission (not
# just any retransmission in FIN_WAIT_1): the retransmitted FIN is either on
# the wire or dropped again, and then counted again.
tt_json_check final "every FIN of ours dropped on purpose was retransmitted as a FIN" \
	'c["fin_retransmits"] >= c["fault_drop_fin_out"] > 0'
tt_e2e_end
