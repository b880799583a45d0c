#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: 1 MB POSTs from curl through 5 % loss on the kernel side, with SACK
# (RFC 2018) and without (tcp.sack = off: no SACK-permitted in the SYN-ACK).
#
# This kernel has no sch_netem, so the loss is an nftables numgen rule in
# the namespace, as in tests/e2e/loss_close.sh, but on the egress hook of
# the tap and with `fwd to lo` instead of `drop`: a drop at output or
# egress is reported back to the kernel's TCP (an error from the send), which
# then simply sends the segment again later; a forwarded packet counts as
# sent, so it is lost as on a wire.  The tap gets gso_max_segs 1 so that the
# rule sees single segments, not 64 KB GSO bursts.  In both runs:
#   - every POST completes: status 200, 1 MB uploaded, the whole response
#     body received;
#   - out-of-order segments were held (ofo_queued > 0, ofo_dropped == 0)
#     and every mbuf came back at exit (mbufs_in_use == 0);
#   - rx_dup_bytes (payload bytes tcpterm received that it already had: the
#     peer's needless retransmissions) equals, byte for byte, what a
#     capture on the tap (after the loss rule) shows sent twice (give or
#     take a segment per frame the tap itself dropped: normally none).
# With SACK, tcpterm's sack_blocks_sent equals the SACK blocks in the
# capture, and over the same number of POSTs the kernel resent less than
# half the bytes tcpterm already had than it does without SACK (measured:
# a few hundred bytes against about 4 MB over 8 POSTs).

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"
. "$TT_SOURCE_DIR/tests/e2e/sack_lib.sh"

tt_e2e_begin nft tcpdump

POSTS=${TT_SACK_POSTS:-8}
SIZE=1048576
BODY=128
LOSS=5                  # percent of the kernel's TCP segments dropped
W=$TT_WORKDIR
head -c "$SIZE" /dev/urandom >"$W/post.in"

# run MODE (on|off): tcpterm with tcp.sack=MODE, POSTS uploads through the
# loss rule; leaves the final stats in $W/stats-MODE.json and the capture
# figures in CAP_DUP_MODE / CAP_SACK_MODE.
run()
{
	local mode=$1 i out ok=0 cap pid tapdrops
	if [ "$mode" = on ]; then
		tt_up --set tcp.sack=on --set http.body_size=$BODY ||
			tt_abort "tcpterm (sack $mode) up and answering HTTP on $TT_IF"
	else
		tt_server_start --set tcp.sack=off --set http.body_size=$BODY
		{ tt_tap_to_netns && tt_wait_http; } ||
			tt_abort "tcpterm (sack $mode) up and answering HTTP on $TT_IF"
	fi
	cap=$W/sack-$mode.pcap
	tt_spawn ip netns exec "$TT_NS" tcpdump -i "$TT_IF" -nn -U -s 128 -B 32768 \
		-w "$cap" tcp 2>"$W/tcpdump-$mode.err"
	pid=${TT_PIDS[-1]}
	CAP_ERR=$W/tcpdump-$mode.err
	tt_wait_for 20 "tcpdump to start" _cap_ready || tt_abort "tcpdump started"
	# One segment per skb (no GSO batching), so the rule drops segments.
	tt_ns ip link set dev "$TT_IF" gso_max_segs 1 ||
		tt_abort "gso_max_segs 1 on $TT_IF"
	# shellcheck disable=SC2015 # any failure aborts
	tt_ns nft add table netdev ttsack &&
		tt_ns nft add chain netdev ttsack out \
			"{ type filter hook egress device \"$TT_IF\" priority 0; }" &&
		tt_ns nft add rule netdev ttsack out meta l4proto tcp \
			numgen random mod 100 '<' $LOSS counter fwd to lo ||
		tt_abort "nftables loss rule in $TT_NS"

	for ((i = 0; i < POSTS; i++)); do
		out=$(tt_ns curl -sS -m 20 --data-binary @"$W/post.in" \
			-H 'Content-Type: application/octet-stream' -o "$W/resp-$mode" \
			-w '%{http_code} %{size_upload} %{size_download} %{time_total}' \
			"http://$TT_SERVER_IP/" 2>>"$W/curl-$mode.err")
		echo "    POST $i: $out"
		[ "${out% *}" = "200 $SIZE $BODY" ] &&
			[ "$(wc -c <"$W/resp-$mode")" = "$BODY" ] && ok=$((ok + 1))
	done
	tt_check "sack $mode: $POSTS POSTs of $SIZE bytes through $LOSS % loss answered 200 with the whole body ($ok)" \
		[ "$ok" = "$POSTS" ]
	tt_ns nft list table netdev ttsack | grep -o "counter packets [0-9]*" |
		sed "s/^/  lost by nftables: /"
	tt_ns nft delete table netdev ttsack
	# Frames the tap itself dropped (its queue to tcpterm full, or its
	# backlog from tcpterm full) are in the capture but were never
	# received: each may make the capture and the counters differ by a
	# segment.  Read before tcpterm exits and the tap goes.
	tapdrops=$(($(tt_ns cat "/sys/class/net/$TT_IF/statistics/tx_dropped") +
		$(tt_ns cat "/sys/class/net/$TT_IF/statistics/rx_dropped")))
	echo "  frames dropped by the tap: $tapdrops"

	# Stop the capture once the file stops growing, and while the tap
	# still exists: tcpdump loses what it has not read yet when the
	# interface disappears with tcpterm.
	CAP_FILE=$cap CAP_LAST='' CAP_SAME=0
	tt_check "sack $mode: the capture settled" \
		tt_wait_for 20 "the capture to settle" _cap_settled
	tt_stop_pid "$pid" 10
	grep -E "captured|received|dropped" "$W/tcpdump-$mode.err" | sed 's/^/  tcpdump: /'
	tt_stop_and_check_final
	cp "$TT_STATS_JSON" "$W/stats-$mode.json"
	read -r dup sacks < <(sack_cap_count "$cap" "$TT_KERNEL_IP" "$TT_SERVER_IP")
	printf -v "CAP_DUP_$mode" '%s' "$dup"
	printf -v "CAP_SACK_$mode" '%s' "$sacks"
	echo "  sack $mode: capture: $dup bytes resent by the kernel, $sacks SACK blocks sent"
	tt_json_show final http_requests ofo_queued ofo_dropped rx_dup_bytes \
		sack_blocks_sent fast_retransmits drop_out_of_window
	tt_json_check final "sack $mode: every POST parsed (and the probe), none malformed" \
		"c['http_requests'] >= $POSTS + 1 and c['http_bad_requests'] == 0"
	tt_json_check final "sack $mode: loss left holes: out-of-order segments held, none dropped" \
		"c['ofo_queued'] > 0 and c['ofo_dropped'] == 0"
	tt_json_check final "sack $mode: rx_dup_bytes agrees with the capture ($dup, tap drops $tapdrops)" \
		"abs(c['rx_dup_bytes'] - $dup) <= $tapdrops * 1448"
	if [ "$mode" = on ]; then
		tt_json_check final "sack on: SACK blocks sent, as many as the capture shows ($sacks, tap drops $tapdrops)" \
			"$sacks > 0 and abs(c['sack_blocks_sent'] - $sacks) <= $tapdrops * 3"
	else
		tt_json_check final "sack off: no SACK blocks sent" \
			"c['sack_blocks_sent'] == 0 and $sacks == 0"
	fi
	rm -f "$cap"
}

run on
# Same namespace, a new tap for the second tcpterm.
run off

CAP_DUP_on=${CAP_DUP_on:-0} CAP_DUP_off=${CAP_DUP_off:-0}
echo "  kernel's resent bytes over $POSTS POSTs: with SACK $CAP_DUP_on, without $CAP_DUP_off"
tt_check "SACK halves what the peer resends ($CAP_DUP_on * 2 < $CAP_DUP_off)" \
	[ $((CAP_DUP_on * 2)) -lt "$CAP_DUP_off" ]
tt_e2e_end
