#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 12): wrk over IPv6 to http://[2001:2::1]/, the kernel side
# IPv6 only.  Two runs of 3 s: keep-alive (-c16), then "Connection: close"
# (-c32), so that tcpterm closes every connection first and holds
# TIME_WAIT records keyed by IPv6 tuples.
#   - wrk: 0 socket errors, 0 non-2xx, each run;
#   - tcpterm answered what wrk counted (plus at most one in flight per
#     connection when wrk stopped); keep-alive: a handful of connections
#     carried every request; close: active_closes >= requests;
#   - a capture of every SYN and SYN-ACK (IPv6 only: the filter reads the
#     flags from the IPv6 header) shows one SYN-ACK from 2001:2::1 per
#     connection tcpterm opened;
#   - states all end: nothing ESTABLISHED on the kernel side, nothing
#     opening or closing in tcpterm, TIME_WAIT gauge == counters, and the
#     exit accounting (mbufs, TIME_WAIT walk).

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/ipv6_lib.sh"

tt_e2e_begin wrk tcpdump
# keepalive_requests far above what one connection carries in 3 s: the
# keep-alive run's 16 connections are then all it opens.
tt_up --set tcp.time_wait=600 --set http.keepalive_requests=100000000 || tt_abort "tcpterm up and answering HTTP over IPv6 on $TT_IF"
W=$TT_WORKDIR

read -r base_resp base_open base_rtx < <(tt_baseline \
	'"%d %d %d" % (c["http_responses"], c["conns_opened"], c["synack_retransmits"])') ||
	tt_abort "a quiet stats line before wrk"
CAP=$W/syn.pcap
tt_capture_start "$CAP" "tcp port 80 and $TT_BPF6_SYN" ||
	tt_abort "tcpdump started"

# ---- keep-alive
tt_ns_run -o "$W/wrk-ka.txt" timeout --foreground 30 wrk -t1 -c16 -d3s "$TT_URL6"
rc=$?
sed -n '/requests in/,$p' "$W/wrk-ka.txt"
tt_check "keep-alive: wrk exited 0 (status $rc)" [ "$rc" = 0 ]
tt_wrk_check "$W/wrk-ka.txt"
n_ka=$TT_WRK_REQUESTS
tt_wait_quiet
read -r ka_resp ka_open < <(tt_json "$TT_STATS_JSON" nonfinal \
	'"%d %d" % (c["http_responses"], c["conns_opened"])')
tt_check "keep-alive: tcpterm answered wrk's $n_ka, plus at most 16 in flight ($((ka_resp - base_resp)))" \
	eval '[ $n_ka -le $((ka_resp - base_resp)) ] && [ $((ka_resp - base_resp)) -le $((n_ka + 16)) ]'
# wrk connects once before the run to check the address (wrk.lua's
# connect test), then opens its 16.
tt_check "keep-alive: 16 connections carried every request ($((ka_open - base_open)) opened: 16 + wrk's test connect)" \
	[ $((ka_open - base_open)) = 17 ]

# ---- Connection: close
read -r c_act < <(tt_json "$TT_STATS_JSON" nonfinal 'c["active_closes"]')
tt_ns_run -o "$W/wrk-close.txt" timeout --foreground 30 \
	wrk -t1 -c32 -d3s -H 'Connection: close' "$TT_URL6"
rc=$?
sed -n '/requests in/,$p' "$W/wrk-close.txt"
tt_check "close: wrk exited 0 (status $rc)" [ "$rc" = 0 ]
tt_wrk_check "$W/wrk-close.txt"
n_cl=$TT_WRK_REQUESTS
tt_wait_quiet
tt_json_show nonfinal conns_opened http_responses active_closes passive_closes \
	tw_created tw_syn_accepted TIME_WAIT rsts_sent rsts_received
tt_json_check nonfinal "close: tcpterm answered wrk's $n_cl, plus at most 32 in flight" \
	"$n_cl <= c['http_responses'] - $ka_resp <= $n_cl + 32"
tt_json_check nonfinal "close: tcpterm closed first after each response (active_closes >= $n_cl)" \
	"c['active_closes'] - $c_act >= $n_cl"
tt_check_tw_held
tt_json_check nonfinal "no TIME_WAIT expired (time_wait = 600 s)" 'c["tw_expired"] == 0'
# wrk closes the connections it has open when it stops; one with a
# response it has not read is reset (the kernel's close with unread data,
# RFC 2525 2.17): at most one per connection of each run, none from tcpterm.
tt_json_check nonfinal "RSTs: none sent, at most one per connection open when wrk stopped (16 + 32)" \
	'c["rsts_sent"] == 0 and c["rsts_received"] <= 16 + 32'
tt_check_kernel_tw_own_closes

tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop
opened=$(($(tt_json "$TT_STATS_JSON" nonfinal 'c["conns_opened"]') - base_open))
synack6=$(tt6_pcap_count "$CAP" "ip6 and src host $TT_SERVER_IP6 and ip6[53] & 0x12 == 0x12")
rtx=$(($(tt_json "$TT_STATS_JSON" nonfinal 'c["synack_retransmits"]') - base_rtx))
tt_check "one IPv6 SYN-ACK per connection tcpterm opened ($synack6 == $opened + retransmits $rtx)" \
	[ "$synack6" = $((opened + rtx)) ]
tt_stop_and_check_final
tt_e2e_end
