#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 4): tcpterm as an HTTP client against the Linux kernel: nginx
# (one worker, a generated minimal config) in a fresh namespace on
# 198.18.0.2:80, tcpterm on net_tap at 198.18.0.1, 32 connections at most,
# 2000 connections/s, one request each, tcpterm closes first:
#   - no connect fails and no response is bad, every request answered;
#   - tcpterm holds the TIME_WAIT (one record per active close, it never
#     closed second) and the kernel holds none for these connections.
# The client starts before its tap is in the namespace (see
# tt_tap_to_netns), so its first SYNs find no ARP entry for nginx and are
# dropped (drop_no_arp); SYN retransmission recovers them.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/client_lib.sh"

# nginx lives in /usr/sbin, which a non-root PATH may lack.
PATH=$PATH:/usr/sbin
DURATION=7

tt_e2e_begin nginx
NGINX=$(command -v nginx)

# The kernel side (nginx's address) and tcpterm's client config.
cat >"$TT_WORKDIR/client.conf" <<EOF
[general]
mode = client
idle_sleep = 100
duration = $DURATION

[port0]
ip = $TT_SERVER_IP/$TT_PREFIXLEN

[tcp]
; Longer than the test: no record may expire.
time_wait = 600

[client]
targets = $TT_KERNEL_IP:80
concurrency = 32
rate = 2000
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
	# One line per request: an independent count of what tcpterm sent.
	log_format tt '\$status';
	access_log $TT_WORKDIR/nginx/access.log tt;
	client_body_temp_path $TT_WORKDIR/nginx/body;
	proxy_temp_path $TT_WORKDIR/nginx/proxy;
	fastcgi_temp_path $TT_WORKDIR/nginx/fastcgi;
	uwsgi_temp_path $TT_WORKDIR/nginx/uwsgi;
	scgi_temp_path $TT_WORKDIR/nginx/scgi;
	keepalive_timeout 75;
	keepalive_requests 1000;
	server {
		listen $TT_KERNEL_IP:80 backlog=4096;
		location / {
			default_type text/plain;
			return 200 "hello from nginx\n";
		}
	}
}
EOF

tt_netns_add || tt_abort "namespace $TT_NS created"
# nginx binds 198.18.0.2 before the tap (and the address) reaches the
# namespace.
tt_ns sysctl -qw net.ipv4.ip_nonlocal_bind=1
tt_spawn ip netns exec "$TT_NS" "$NGINX" -c "$TT_WORKDIR/nginx.conf" \
	>"$TT_WORKDIR/nginx/stdout.log" 2>&1
NGINX_PID=${TT_PIDS[-1]}
_nginx_listens() { [ -n "$(tt_ns ss -Htln "sport = :80")" ]; }
tt_wait_for 20 "nginx to listen" _nginx_listens ||
	{ cat "$TT_WORKDIR/nginx/error.log" "$TT_WORKDIR/nginx/stdout.log" 2>/dev/null
	  tt_abort "nginx listening on $TT_KERNEL_IP:80"; }
tt_ok "nginx listening on $TT_KERNEL_IP:80 in $TT_NS"

tt_server_start
tt_tap_to_netns || tt_abort "tap $TT_IF in $TT_NS"

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
	drop_no_arp syn_retransmits rsts_sent rsts_received
echo "  (drop_no_arp: SYNs sent before the tap reached the namespace and nginx's ARP reply came; SYN retransmission recovered them)"

# nginx's own count of the requests it answered (its access log, written
# per request) against tcpterm's: exact.
nreq=$(grep -c '^200$' "$TT_WORKDIR/nginx/access.log" 2>/dev/null)
nall=$(wc -l <"$TT_WORKDIR/nginx/access.log" 2>/dev/null)
tt_check "nginx logged only 200s (${nreq:-0} of ${nall:-0})" [ "${nreq:-0}" = "${nall:-x}" ]
tt_json_check final "tcpterm's requests == responses == nginx's logged requests (${nreq:-0})" \
	"c['http_client_requests'] == c['http_client_responses'] == ${nreq:-0} > 0"
tt_json_check final "0 connects failed" "$TT_CONNECT_FAILED == 0"
tt_json_check final "0 bad responses" 'c["http_client_bad_responses"] == 0'
tt_json_check final "every connect was established" \
	'c["conns_established"] >= c["http_client_requests"] and c["connects_started"] - c["conns_established"] <= 32'
tt_json_check final "responses == requests" \
	'c["http_client_responses"] == c["http_client_requests"]'
tt_json_check final "tcpterm closed first every time (passive_closes == 0)" \
	'c["passive_closes"] == 0 and c["simultaneous_closes"] == 0'
tt_json_check final "tcpterm holds TIME_WAIT for its active closes" \
	'c["tw_created"] > 0 and c["tw_overflow"] == 0'
tt_json_check final "every active close left TIME_WAIT but those the drain cut" \
	'c["active_closes"] - c["tw_created"] == c["http_client_requests"] - c["http_client_responses"]'
tt_json_check final "no TIME_WAIT expired (time_wait = 600 s)" 'c["tw_expired"] == 0'
tt_json_check final "TIME_WAIT records all accounted for" "$TT_TW_BALANCE"
tt_json_check final "every mbuf returned (mbufs_in_use == 0)" 'j["mbufs_in_use"] == 0'

ktw=$(tt_ns ss -Htan state time-wait "sport = :80" 2>/dev/null | wc -l)
tt_check "nginx's side holds no TIME-WAIT (ss: $ktw)" [ "$ktw" = 0 ]
kest=$(tt_ns ss -Htan state established "sport = :80" 2>/dev/null | wc -l)
tt_log "nginx's side still ESTABLISHED after tcpterm exited: $kest (connections the drain cut by RST leave none)"
if grep -q '\[\(alert\|crit\|emerg\)\]' "$TT_WORKDIR/nginx/error.log" 2>/dev/null; then
	tt_fail "nginx logged no alert ($(grep -c . "$TT_WORKDIR/nginx/error.log") lines)"
else
	tt_ok "nginx logged no alert"
fi
tt_stop_pid "$NGINX_PID" 10
tt_e2e_end
