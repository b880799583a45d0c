#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 12): tcpterm as an HTTP client over IPv6 against the Linux
# kernel: nginx (one worker) in a fresh namespace listening on
# [2001:2::2]:80, tcpterm on net_tap with an IPv6-only port 2001:2::1/64
# and targets = [2001:2::2]:80; 32 connections at most, 1000 connects/s,
# one request each, tcpterm closes first:
#   - Neighbor Discovery both ways: tcpterm resolved nginx's address (else
#     no SYN leaves) and the kernel resolved tcpterm's;
#   - every request answered: tcpterm's requests == responses == the lines
#     of nginx's access log, and every one of those came from 2001:2::1
#     (nginx logs $remote_addr: the connections were IPv6);
#   - no connect fails, no bad response; tcpterm holds one TIME_WAIT per
#     active close and nginx's side none; the exit accounting holds.
# The client starts before its tap is in the namespace (see
# tt_tap_to_netns), so its first Neighbor Solicitations go nowhere; SYN
# retransmission recovers those connections.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/ipv6_lib.sh"
. "$TT_SOURCE_DIR/tests/e2e/client_lib.sh"

PATH=$PATH:/usr/sbin
DURATION=5

tt_e2e_begin nginx
NGINX=$(command -v nginx)

cat >"$TT_WORKDIR/client.conf" <<EOF
[general]
mode = client
idle_sleep = 100
duration = $DURATION

[port0]
; IPv6 only: no ip.
ip6 = $TT_SERVER_IP6/$TT_PREFIXLEN6

[tcp]
; Longer than the test: no record may expire.
time_wait = 600

[client]
targets = [$TT_KERNEL_IP6]:80
concurrency = 32
rate = 1000
requests_per_conn = 1
closer = client
EOF
TT_CONF=$TT_WORKDIR/client.conf

mkdir -p "$TT_WORKDIR/nginx"
cat >"$TT_WORKDIR/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $TT_WORKDIR/nginx/nginx.pid;
error_log $TT_WORKDIR/nginx/error.log warn;
events { worker_connections 1024; }
http {
	# One line per request: an independent count of what tcpterm sent,
	# and where from.
	log_format tt '\$status \$remote_addr';
	access_log $TT_WORKDIR/nginx/access.log tt;
	client_body_temp_path $TT_WORKDIR/nginx/body;
	proxy_temp_path $TT_WORKDIR/nginx/proxy;
	fastcgi_temp_path $TT_WORKDIR/nginx/fastcgi;
	uwsgi_temp_path $TT_WORKDIR/nginx/uwsgi;
	scgi_temp_path $TT_WORKDIR/nginx/scgi;
	keepalive_timeout 75;
	server {
		listen [$TT_KERNEL_IP6]:80 backlog=4096;
		location / {
			default_type text/plain;
			return 200 "hello from nginx over IPv6\n";
		}
	}
}
EOF

tt_netns_add || tt_abort "namespace $TT_NS created"
# nginx binds 2001:2::2 before the tap (and the address) reaches the
# namespace.
tt_ns sysctl -qw net.ipv6.ip_nonlocal_bind=1
tt_spawn ip netns exec "$TT_NS" "$NGINX" -c "$TT_WORKDIR/nginx.conf" \
	>"$TT_WORKDIR/nginx/stdout.log" 2>&1
NGINX_PID=${TT_PIDS[-1]}
_nginx_listens() { [ -n "$(tt_ns ss -Htln -6 "sport = :80")" ]; }
tt_wait_for 20 "nginx to listen" _nginx_listens ||
	{ cat "$TT_WORKDIR/nginx/error.log" "$TT_WORKDIR/nginx/stdout.log" 2>/dev/null
	  tt_abort "nginx listening on [$TT_KERNEL_IP6]:80"; }
tt_ok "nginx listening on [$TT_KERNEL_IP6]:80 in $TT_NS"

tt_server_start
tt_tap_to_netns || tt_abort "tap $TT_IF in $TT_NS with $TT_KERNEL_IP6"

# While the tap is there (it goes with tcpterm): the kernel learned
# tcpterm's link-layer address, from tcpterm's solicitation or its answer
# to the kernel's (RFC 4861 7.2.3, 7.2.5).
tt_check "the kernel resolved $TT_SERVER_IP6 by Neighbor Discovery" \
	tt_wait_for -s $DURATION "a neighbour entry for $TT_SERVER_IP6" \
	tt_ns_neigh6_resolved "$TT_SERVER_IP6"
echo "  neigh: $TT_SERVER_IP6 $(tt_ns_neigh6 "$TT_SERVER_IP6")"

# tcpterm stops by itself after DURATION and drains.
tt_wait_for $((DURATION + 30)) "tcpterm to finish its ${DURATION}s run" \
	eval '! kill -0 "$TT_SERVER_PID" 2>/dev/null'
tt_server_stop 30
rc=$TT_SERVER_RC
tt_check "tcpterm exited 0 at the end of its run (status $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || tt_server_log_tail
tt_client_summary "$TT_SERVER_LOG"
tt_json_show final connects_started conns_established http_client_requests \
	http_client_responses active_closes passive_closes tw_created TIME_WAIT \
	syn_retransmits nd_solicits_sent nd_adverts_sent drop_no_nd rsts_sent rsts_received
echo "  (drop_no_nd: SYNs sent before the tap reached the namespace and nginx's side answered the solicitation; SYN retransmission recovered them)"

nreq=$(grep -c '^200 ' "$TT_WORKDIR/nginx/access.log" 2>/dev/null)
nall=$(wc -l <"$TT_WORKDIR/nginx/access.log" 2>/dev/null)
nv6=$(grep -c "^200 $TT_SERVER_IP6\$" "$TT_WORKDIR/nginx/access.log" 2>/dev/null)
tt_check "nginx logged only 200s (${nreq:-0} of ${nall:-0})" [ "${nreq:-0}" = "${nall:-x}" ]
tt_check "every request nginx logged came from $TT_SERVER_IP6 (${nv6:-0} of ${nall:-0})" \
	eval '[ "${nv6:-0}" = "${nall:-x}" ] && [ "${nv6:-0}" -gt 0 ]'
tt_json_check final "tcpterm's requests == responses == nginx's logged requests (${nreq:-0})" \
	"c['http_client_requests'] == c['http_client_responses'] == ${nreq:-0} > 0"
tt_json_check final "tcpterm solicited nginx's address (nd_solicits_sent) and received an answer (nd_rx)" \
	'c["nd_solicits_sent"] >= 1 and c["nd_rx"] >= 1'
tt_json_check final "0 connects failed" "$TT_CONNECT_FAILED == 0"
tt_json_check final "0 bad responses" 'c["http_client_bad_responses"] == 0'
tt_json_check final "every connect was established" \
	'c["conns_established"] >= c["http_client_requests"] and c["connects_started"] - c["conns_established"] <= 32'
tt_json_check final "tcpterm closed first every time (passive_closes == 0)" \
	'c["passive_closes"] == 0 and c["simultaneous_closes"] == 0'
tt_json_check final "tcpterm holds TIME_WAIT for its active closes" \
	'c["tw_created"] > 0 and c["tw_overflow"] == 0'
tt_json_check final "every active close left TIME_WAIT but those the drain cut" \
	'c["active_closes"] - c["tw_created"] == c["http_client_requests"] - c["http_client_responses"]'
tt_json_check final "no TIME_WAIT expired (time_wait = 600 s)" 'c["tw_expired"] == 0'
tt_json_check final "TIME_WAIT records all accounted for" "$TT_TW_BALANCE"
tt_json_check final "every mbuf returned (mbufs_in_use == 0)" 'j["mbufs_in_use"] == 0'

ktw=$(tt_ns ss -Htan -6 state time-wait "sport = :80" 2>/dev/null | wc -l)
tt_check "nginx's side holds no TIME-WAIT (ss -6: $ktw)" [ "$ktw" = 0 ]
if grep -q '\[\(alert\|crit\|emerg\)\]' "$TT_WORKDIR/nginx/error.log" 2>/dev/null; then
	tt_fail "nginx logged no alert ($(grep -c . "$TT_WORKDIR/nginx/error.log") lines)"
else
	tt_ok "nginx logged no alert"
fi
tt_stop_pid "$NGINX_PID" 10
tt_e2e_end
