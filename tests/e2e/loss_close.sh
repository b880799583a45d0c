#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue "every teardown path", item 6): packet loss on the kernel side
# of the tap during a "Connection: close" load, with shortened timers.
#
# This kernel has no sch_netem, so the loss is an nftables rule in the
# namespace that drops 20% of the kernel's outgoing TCP segments (what
# `tc qdisc ... netem loss 20%` on the kernel side would drop).  Then:
#   - every connection ends on both sides: after the load, tcpterm's state
#     gauges and the kernel's sockets (ss) reach nothing in any state but
#     the kernel's own fixed 60 s TIME-WAIT, within fin_timeout + 2MSL plus
#     retransmission time;
#   - tcpterm's retransmission counters agree with a capture of what it
#     sent: repeated FINs = fin_retransmits, repeated SYN-ACKs =
#     synack_retransmits, repeated data = data_retransmits.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin wrk nft tcpdump

# Kernel side: orphans give up sooner than the default 8 retries, FIN_WAIT_2
# lasts 2 s, so "everything ended" does not wait minutes for a silent peer.
# A kernel orphan whose request and FIN were all lost gives up silently
# (tcp_write_timeout sends no RST), leaving tcpterm ESTABLISHED with a peer
# that is gone: as nginx, only the HTTP idle timer ends that one (75 s by
# default, longer than the wait below), so it is 5 s here.
tt_up --set tcp.time_wait=2 --set tcp.fin_timeout=2 --set tcp.orphan_retries=4 \
	--set http.keepalive_timeout=5 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"
tt_ns sysctl -qw net.ipv4.tcp_fin_timeout=2 net.ipv4.tcp_orphan_retries=4

CAP=$TT_WORKDIR/sent.pcap
tt_capture_start "$CAP" "tcp and src host $TT_SERVER_IP" || tt_abort "tcpdump started"

tt_ns nft add table inet ttloss &&
	tt_ns nft add chain inet ttloss out '{ type filter hook output priority 0; }' &&
	tt_ns nft add rule inet ttloss out oifname "$TT_IF" meta l4proto tcp \
		numgen random mod 100 '<' "${TT_LOSS_PCT:-20}" drop ||
	tt_abort "nftables loss rule in $TT_NS"

# wrk may count timeouts under loss; what this test checks is how the
# connections end, not wrk's figures.
base=$(tt_baseline 'c["http_responses"]') || tt_abort "a quiet stats line before wrk"
tt_ns_run -o "$TT_WORKDIR/wrk.txt" timeout --foreground 60 \
	wrk -t1 -c32 -d4s --timeout 3s -H 'Connection: close' "http://$TT_SERVER_IP/"
cat "$TT_WORKDIR/wrk.txt"
n=$(awk '/requests in/ { print $1 }' "$TT_WORKDIR/wrk.txt")

# Every connection ends on both sides.  Loss stays on while they close.
_tcpterm_empty()
{
	tt_json_true "$TT_STATS_JSON" nonfinal \
		'(s["SYN_RECEIVED"] + s["ESTABLISHED"] + s["FIN_WAIT_1"] + s["FIN_WAIT_2"] +
		  s["CLOSING"] + s["TIME_WAIT"] + s["CLOSE_WAIT"] + s["LAST_ACK"]) == 0'
}
_kernel_empty()
{
	[ "$(tt_ns ss -Htan state all | grep -cvE '^(TIME-WAIT|LISTEN)')" = 0 ]
}
tt_check "tcpterm: nothing left in any state (fin_timeout + 2MSL + retries)" \
	tt_wait_for 60 "tcpterm's states to empty" _tcpterm_empty ||
	tt_json_show nonfinal SYN_RECEIVED ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSING \
		TIME_WAIT CLOSE_WAIT LAST_ACK
tt_check "kernel: no socket left but its own TIME-WAIT" \
	tt_wait_for 60 "the kernel's sockets to close" _kernel_empty
tt_ns ss -tan | head -5
# Read once everything ended (a stats line after the last response).
# Every response wrk read was sent (a retransmission is not counted twice).
tt_json_check nonfinal "connections were served under loss: tcpterm answered at least wrk's ${n:-0}" \
	"c['http_responses'] - $base >= ${n:-0} > 0"

tt_ns nft delete table inet ttloss
# Before tcpterm exits: its exit takes the tap (and the capture) away.
tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop
tt_stop_and_check_final

# Retransmissions seen on the wire, per kind: a segment whose (port, seq)
# was already sent.  Pure ACKs are never retransmitted and are left out.
read -r cap_fin cap_synack cap_data < <(tcpdump -nn -S -r "$CAP" 2>/dev/null | python3 -c '
import re, sys
seen = set(); fin = synack = data = 0
for ln in sys.stdin:
    m = re.search(r"> [\d.]+\.(\d+): Flags \[([^\]]*)\], seq (\d+)(?::(\d+))?", ln)
    if not m:
        continue
    port, flags, s, e = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    ln_len = int(e) - s if e else 0
    if "S" in flags:
        key = ("S", port, s)
    elif ln_len > 0:
        key = ("D", port, s)
    elif "F" in flags:
        key = ("F", port, s)
    else:
        continue
    if key in seen:
        if key[0] == "S": synack += 1
        if key[0] == "D": data += 1
        if "F" in flags: fin += 1
    seen.add(key)
print(fin, synack, data)')
echo "  capture: FIN retransmissions $cap_fin, SYN-ACK $cap_synack, data $cap_data"
tt_json_show final fin_retransmits synack_retransmits data_retransmits fast_retransmits
tt_json_check final "fin_retransmits agrees with the capture ($cap_fin)" \
	"c['fin_retransmits'] == $cap_fin"
tt_json_check final "synack_retransmits agrees with the capture ($cap_synack)" \
	"c['synack_retransmits'] == $cap_synack"
tt_json_check final "data_retransmits agrees with the capture ($cap_data)" \
	"c['data_retransmits'] == $cap_data"
tt_json_check final "loss made tcpterm retransmit" \
	"c['fin_retransmits'] + c['synack_retransmits'] + c['data_retransmits'] > 0"
tt_e2e_end
