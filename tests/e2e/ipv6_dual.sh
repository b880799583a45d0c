#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 12): dual stack.  One tcpterm port with 198.18.0.1/24 and
# 2001:2::1/64, the kernel end of the tap with 198.18.0.2/24 and
# 2001:2::2/64; ab runs over IPv4 and over IPv6 at the same time
# (-n 2000 -c 20 each, HTTP/1.0: tcpterm closes each connection).
#   - both answered: 2000 complete, 0 failed, each family;
#   - the counters add up: tcpterm's responses are the two runs' sum
#     exactly, and the connections it opened are the SYN-ACKs it sent over
#     IPv4 plus those over IPv6 (a capture of both, split by family), each
#     family at least its run's 2000;
#   - the runs overlapped (IPv4 and IPv6 SYN-ACKs interleave in the
#     capture), TIME_WAIT holds both families' tuples in one table whose
#     accounting balances, and the exit accounting holds.

set -u
TT_FAMILY=46
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/ipv6_lib.sh"

tt_e2e_begin ab tcpdump
tt_up --set tcp.time_wait=600 || tt_abort "tcpterm up and answering HTTP over IPv4 and IPv6 on $TT_IF"
W=$TT_WORKDIR
N=2000

read -r base base_open base_rtx < <(tt_baseline \
	'"%d %d %d" % (c["http_responses"], c["conns_opened"], c["synack_retransmits"])') ||
	tt_abort "a quiet stats line before ab"
CAP=$W/synack.pcap
tt_capture_start "$CAP" "tcp and ((ip and tcp[13] & 0x12 == 0x12) or (ip6 and ip6[53] & 0x12 == 0x12))" ||
	tt_abort "tcpdump started"

tt_spawn ip netns exec "$TT_NS" timeout 60 ab -q -n $N -c 20 -s 10 "$TT_URL4" >"$W/ab4.txt" 2>&1
pid4=${TT_PIDS[-1]}
tt_spawn ip netns exec "$TT_NS" timeout 60 ab -q -n $N -c 20 -s 10 "$TT_URL6" >"$W/ab6.txt" 2>&1
pid6=${TT_PIDS[-1]}
wait "$pid4"; rc4=$?
wait "$pid6"; rc6=$?
field() { awk -F: -v k="$2" '$1 == k { gsub(/[ \t]/, "", $2); print $2 }' "$1"; }
for f in 4 6; do
	ab=$W/ab$f.txt
	rc=$rc4; [ $f = 6 ] && rc=$rc6
	grep -E '^(Server Hostname|Complete requests|Failed requests|Requests per second)' "$ab" |
		sed "s/^/  IPv$f: /"
	complete=$(field "$ab" 'Complete requests')
	failed=$(field "$ab" 'Failed requests')
	non2xx=$(field "$ab" 'Non-2xx responses')
	tt_check "IPv$f: ab exited 0 (status $rc)" [ "$rc" = 0 ]
	tt_check "IPv$f: $N complete, 0 failed, no non-2xx (got ${complete:-none}, ${failed:-none}, ${non2xx:-0})" \
		eval '[ "${complete:-}" = $N ] && [ "${failed:-}" = 0 ] && [ -z "$non2xx" ]'
done

tt_wait_quiet
tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop
tt_json_show nonfinal conns_opened http_responses active_closes passive_closes \
	tw_created tw_syn_accepted TIME_WAIT rsts_sent
tt_json_check nonfinal "tcpterm answered exactly both runs' requests ($N + $N)" \
	"c['http_responses'] - $base == 2 * $N"
synack4=$(tt6_pcap_count "$CAP" "ip and src host $TT_SERVER_IP")
synack6=$(tt6_pcap_count "$CAP" "ip6 and src host $TT_SERVER_IP6")
opened=$(($(tt_json "$TT_STATS_JSON" nonfinal 'c["conns_opened"]') - base_open))
rtx=$(($(tt_json "$TT_STATS_JSON" nonfinal 'c["synack_retransmits"]') - base_rtx))
echo "  capture: $synack4 SYN-ACKs over IPv4, $synack6 over IPv6; tcpterm opened $opened, retransmitted $rtx"
tt_check "connections opened == IPv4 SYN-ACKs + IPv6 SYN-ACKs - retransmissions ($opened == $synack4 + $synack6 - $rtx)" \
	[ "$opened" = $((synack4 + synack6 - rtx)) ]
tt_check "each family had its run's connections (IPv4 $synack4, IPv6 $synack6 >= $N)" \
	eval '[ "$synack4" -ge $N ] && [ "$synack6" -ge $N ]'
# Family switches along the capture: two runs one after the other switch
# once; overlapping runs switch many times.
switches=$(tcpdump -nn -r "$CAP" 2>/dev/null | awk '{ f = $2 } f != p && NR > 1 { s++ } { p = f } END { print s + 0 }')
tt_check "the two families were served at the same time ($switches switches between IPv4 and IPv6 in the capture)" \
	[ "$switches" -ge 10 ]
tt_json_check nonfinal "tcpterm closed first on every connection (active_closes >= 2 x $N)" \
	"c['active_closes'] >= 2 * $N"
tt_json_check nonfinal "TIME_WAIT created by tcpterm's own active closes" "$TT_TW_FROM_ACTIVE"
tt_json_check nonfinal "TIME_WAIT records: created minus ended == held (gauge)" "$TT_TW_COUNTERS"
tt_json_check nonfinal "tcpterm holds one TIME_WAIT per close, both families in its table" \
	"s['TIME_WAIT'] == c['tw_created'] - c['tw_syn_accepted'] and c['tw_created'] >= 2 * $N"
tt_check_kernel_tw_own_closes
tt_stop_and_check_final
tt_e2e_end
