#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: ab -n 2000 -c 50.  ab speaks HTTP/1.0 without keep-alive, so tcpterm
# closes each connection after its response and holds TIME_WAIT.
#   - ab: 2000 complete, 0 failed, no non-2xx;
#   - tcpterm answered exactly 2000, closed first on each, TIME_WAIT
#     accounting matches its active closes, nothing left ESTABLISHED; the
#     kernel holds TIME-WAIT only for the spare connections ab closes
#     itself at the end;
#   - a capture of the SYN-ACKs: one per connection tcpterm opened, of the
#     family under test.
# TT_FAMILY=6 runs it to http://[2001:2::1]/ with the kernel side IPv6 only
# (ipv6_ab.sh, issue 12): TIME_WAIT then holds IPv6 tuples.

set -u
TT_FAMILY=${TT_FAMILY:-4}
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/ipv6_lib.sh"

if [ "$TT_FAMILY" = 6 ]; then
	SIP=$TT_SERVER_IP6 SYNACK_BPF="ip6 and tcp and ip6[53] & 0x12 == 0x12" FAM=IPv6
else
	SIP=$TT_SERVER_IP SYNACK_BPF="ip and tcp and tcp[13] & 0x12 == 0x12" FAM=IPv4
fi

tt_e2e_begin ab tcpdump
tt_up --set tcp.time_wait=600 || tt_abort "tcpterm up and answering HTTP over $FAM on $TT_IF"
W=$TT_WORKDIR

read -r base base_open base_rtx < <(tt_baseline \
	'"%d %d %d" % (c["http_responses"], c["conns_opened"], c["synack_retransmits"])') ||
	tt_abort "a quiet stats line before ab"
CAP=$W/synack.pcap
tt_capture_start "$CAP" "$SYNACK_BPF" ||
	tt_abort "tcpdump started"
tt_ns_run -o "$W/ab.txt" timeout --foreground 60 ab -q -n 2000 -c 50 -s 10 "$(tt_url "$TT_FAMILY")"
rc=$?
sed -n '/^Server Hostname/,/^Transfer rate/p' "$W/ab.txt"
tt_check "ab exited 0 (status $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || tail -n 5 "$W/ab.txt"
field() { awk -F: -v k="$1" '$1 == k { gsub(/[ \t]/, "", $2); print $2 }' "$W/ab.txt"; }
complete=$(field 'Complete requests')
failed=$(field 'Failed requests')
non2xx=$(field 'Non-2xx responses')
tt_check "ab: 2000 complete requests (got ${complete:-none})" [ "${complete:-}" = 2000 ]
tt_check "ab: 0 failed requests (got ${failed:-none})" [ "${failed:-}" = 0 ]
tt_check "ab: no non-2xx responses (got ${non2xx:-0})" [ -z "$non2xx" ]

tt_wait_quiet
tt_json_show nonfinal conns_opened http_responses active_closes passive_closes \
	tw_created tw_syn_accepted TIME_WAIT rsts_sent
tt_json_check nonfinal "tcpterm answered exactly ab's 2000 requests" \
	"c['http_responses'] - $base == 2000"
tt_json_check nonfinal "HTTP/1.0: tcpterm closed first (active_closes >= 2000)" \
	'c["active_closes"] >= 2000'
tt_check_tw_held
# The client closes first only the connections it had open when it
# stopped (at most one per concurrent slot) and perhaps the readiness probe
# (curl closes as soon as it has the whole response, which can beat
# tcpterm's FIN): tcpterm's passive closes.  Only those may leave TIME-WAIT
# on the kernel side.
tt_json_check nonfinal "the client closed first at most its last 50 connections + the probe" \
	'c["passive_closes"] <= 51'
tt_check_kernel_tw_own_closes

tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop
opened=$(($(tt_json "$TT_STATS_JSON" nonfinal 'c["conns_opened"]') - base_open))
rtx=$(($(tt_json "$TT_STATS_JSON" nonfinal 'c["synack_retransmits"]') - base_rtx))
synacks=$(tt6_pcap_count "$CAP" "src host $SIP")
tt_check "one $FAM SYN-ACK per connection tcpterm opened ($synacks == $opened + $rtx retransmitted, >= 2000)" \
	eval '[ "$synacks" = $((opened + rtx)) ] && [ "$opened" -ge 2000 ]'
tt_stop_and_check_final
tt_e2e_end
