#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: single requests from curl and from a raw socket.
#   GET (status, Content-Length, body length, keep-alive reuse), HTTP/1.0
#   GET, HEAD (headers only), POST with a body larger than one segment, a
#   request split across segments, and a malformed request (400, then
#   tcpterm closes).  Then telemetry, the TIME_WAIT accounting, and a clean
#   exit with every mbuf returned.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin
BODY=128
tt_up --set tcp.time_wait=600 --set http.body_size=$BODY ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"
W=$TT_WORKDIR
URL=http://$TT_SERVER_IP/
# What the readiness probe left, so the counts below are exact.
read -r base_resp base_req base_bad < <(tt_baseline \
	'"%d %d %d" % (c["http_responses"], c["http_requests"], c["http_bad_requests"])') ||
	tt_abort "a quiet stats line before the requests"

# ---- GET
code=$(tt_ns curl -sS -m 5 -D "$W/get.h" -o "$W/get.b" -w '%{http_code}' "$URL")
tt_check "GET: status 200 (got $code)" [ "$code" = 200 ]
cl=$(tr -d '\r' <"$W/get.h" | awk 'tolower($1) == "content-length:" { print $2 }')
tt_check "GET: Content-Length $BODY (got ${cl:-none})" [ "${cl:-}" = "$BODY" ]
len=$(wc -c <"$W/get.b")
tt_check "GET: body is $BODY bytes (got $len)" [ "$len" = "$BODY" ]
tt_check "GET: body is text (no NUL bytes)" \
	[ "$(tr -d '\000' <"$W/get.b" | wc -c)" = "$len" ]
echo "body: $(head -c 60 "$W/get.b" | tr -c '[:print:]' '.')..."

# ---- keep-alive: two GETs on one connection (HTTP/1.1 default)
out=$(tt_ns curl -sS -m 5 -o /dev/null -o /dev/null \
	-w '%{http_code} %{num_connects} ' "$URL" "$URL")
tt_check "keep-alive: two 200s on one connection (got: ${out% })" \
	[ "${out% }" = "200 1 200 0" ]

# ---- HTTP/1.0
code=$(tt_ns curl -sS -0 -m 5 -o "$W/get10.b" -w '%{http_code}' "$URL")
tt_check "HTTP/1.0 GET: status 200 (got $code)" [ "$code" = 200 ]
tt_check "HTTP/1.0 GET: body is $BODY bytes" [ "$(wc -c <"$W/get10.b")" = "$BODY" ]

# ---- POST: a 20000-byte body spans many segments and must be consumed
# whole for the next request on the connection to parse.
head -c 20000 /dev/zero | tr '\000' 'x' >"$W/post.in"
out=$(tt_ns curl -sS -m 5 --data-binary @"$W/post.in" -o "$W/post.b" \
	-w '%{http_code} %{num_connects} ' "$URL" \
	--next -sS -m 5 -o /dev/null -w '%{http_code} %{num_connects}' "$URL")
tt_check "POST 20000 bytes, then GET on the same connection (got: ${out% })" \
	[ "${out% }" = "200 1 200 0" ]
tt_check "POST: response body is $BODY bytes" [ "$(wc -c <"$W/post.b")" = "$BODY" ]

# ---- raw requests: HEAD, split request, malformed request.
# Prints the whole response and "EOF" if tcpterm closed the connection
# within 5 s (with FIN: a reset is reported as "RST").
raw()
{
	tt_ns python3 - "$TT_SERVER_IP" "$@" <<'EOF'
import socket, sys, time
ip, parts = sys.argv[1], sys.argv[2:]
s = socket.create_connection((ip, 80), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i, p in enumerate(parts):
    if i:
        time.sleep(0.05)   # let each part leave as its own segment
    s.sendall(p.encode().decode("unicode_escape").encode("latin-1"))
data, end = b"", "OPEN"
try:
    while True:
        b = s.recv(65536)
        if not b:
            end = "EOF"
            break
        data += b
except socket.timeout:
    pass
except ConnectionResetError:
    end = "RST"
sys.stdout.write(data.decode("latin-1").replace("\r\n", "\n"))
print("\n" + end)
EOF
}

out=$(raw 'HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')
echo "$out" | sed -n '1p'
tt_check "HEAD: status 200" grep -q '^HTTP/1\.[01] 200' <<<"$out"
tt_check "HEAD: Content-Length $BODY" grep -qi "^content-length: *$BODY\$" <<<"$out"
# Headers, the blank line, then only our "\nEOF" marker: no body bytes.
tail_after=$(awk 'b { print } /^$/ && !b { b = 1 }' <<<"$out" | tr -d '\n')
tt_check "HEAD: no body, connection closed (after headers: '$tail_after')" \
	[ "$tail_after" = EOF ]

out=$(raw 'GET / HT' 'TP/1.1\r\nHo' 'st: t\r\nConnection: cl' 'ose\r\n' '\r\n')
tt_check "request split over 5 segments: status 200" grep -q '^HTTP/1\.[01] 200' <<<"$out"
tt_check "request split over 5 segments: closed after the response" \
	[ "$(tail -n 1 <<<"$out")" = EOF ]

out=$(raw 'GARBAGE\r\n\r\n')
echo "$out" | sed -n '1p'
tt_check "malformed request: status 400" grep -q '^HTTP/1\.[01] 400' <<<"$out"
tt_check "malformed request: tcpterm closes the connection (FIN)" \
	[ "$(tail -n 1 <<<"$out")" = EOF ]

tt_wait_quiet

# ---- telemetry (README: /tcpterm/stats, /tcpterm/states, /tcpterm/lcores),
# once nothing moves (time_wait = 600 s: the TIME_WAIT gauge holds still), so
# each must agree exactly with the last stats line.
tel() { TEL=$(tt_telemetry "$1") || { echo "$TEL"; TEL='{}'; }; }
tel_json() { python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {"d": d}))' "$TEL" "$1" 2>&1; }
tel /tcpterm/stats
v=$(tel_json 'd["http_responses"]')
want=$(tt_json "$TT_STATS_JSON" nonfinal 'c["http_responses"]')
tt_check "telemetry /tcpterm/stats: http_responses == the stats line's ($v == $want)" \
	[ "$v" = "$want" ]
tel /tcpterm/states
v=$(tel_json 'sorted(d) == sorted(["CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"])')
tt_check "telemetry /tcpterm/states: the 11 RFC 9293 states ($v)" [ "$v" = True ]
v=$(tel_json '(d["LISTEN"], d["TIME_WAIT"], d["ESTABLISHED"])')
want=$(tt_json "$TT_STATS_JSON" nonfinal '(s["LISTEN"], s["TIME_WAIT"], s["ESTABLISHED"])')
tt_check "telemetry /tcpterm/states: LISTEN, TIME_WAIT, ESTABLISHED == the stats line's ($v == $want)" \
	[ "$v" = "$want" ]
tel /tcpterm/lcores
v=$(tel_json '(d["lcore0_queue"], d["lcore0_conns"], d["lcore0_time_wait"])')
want=$(tt_json "$TT_STATS_JSON" nonfinal "(0, $TT_BUSY_STATES, s['TIME_WAIT'])")
tt_check "telemetry /tcpterm/lcores: queue, connections, TIME_WAIT of lcore 0 ($v == $want)" \
	[ "$v" = "$want" ]
v=$(tel_json 'd["lcore0_cycles_busy"] > 0 and d["lcore0_cycles_idle"] > 0 and d["lcore0_polls_busy"] > 0 and d["lcore0_polls_idle"] > 0')
tt_check "telemetry /tcpterm/lcores: busy and idle cycles and polls of lcore 0 ($v)" [ "$v" = True ]

# 8 requests (GET, 2 keep-alive GETs, HTTP/1.0 GET, POST + GET, HEAD, the
# split GET) and the malformed one: 9 responses, 8 parsed requests, 1 bad.
tt_json_check nonfinal "HTTP: exactly 9 responses, 8 requests, 1 bad request" \
	"(c['http_responses'] - $base_resp, c['http_requests'] - $base_req, c['http_bad_requests'] - $base_bad) == (9, 8, 1)"
tt_json_check nonfinal "TIME_WAIT records: created minus ended == held (gauge)" "$TT_TW_COUNTERS"
tt_json_check nonfinal "TIME_WAIT created by tcpterm's own active closes" "$TT_TW_FROM_ACTIVE"
tt_json_check nonfinal "no TIME_WAIT expired (time_wait = 600 s)" 'c["tw_expired"] == 0'
tt_json_check nonfinal "polls counted busy (requests) and idle (between them)" \
	'c["polls_busy"] > 0 and c["cycles_busy"] > 0 and c["polls_idle"] > 0 and c["cycles_idle"] > 0'
tt_json_check nonfinal "each lcore's time on a CPU and waiting for one (schedstat)" \
	'all(l["run_ns"] > 0 and l["runq_wait_ns"] >= 0 for l in j["lcores"])'
tt_json_check nonfinal "the server's resident memory and each lcore CPU's steal time in the stats line" \
	'j["rss_kb"] > 10000 and all(l["cpu_steal_ms"] >= 0 for l in j["lcores"])'
# Timers run on the TSC at the rate tcpterm measured: the kernel's
# calibration, not DPDK's estimate rounded to 10 MHz (0.15 % fast here).
khz=$(dmesg | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -n1)
[ -n "$khz" ] || khz=$(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -n1)
tt_check "the kernel's TSC rate is in dmesg (${khz:-none} MHz)" [ -n "$khz" ]
tt_json_check nonfinal "TSC rate used == the kernel's ($khz MHz) within 0.02 %" \
	"abs(j['tsc_hz'] / ($khz * 1e6) - 1) < 2e-4"
tt_stop_and_check_final
# Every lcore cycle from start to the end of the drain is charged to a
# busy or an idle poll: the sum is the lcores' run time (the final line is
# written a little after the workers return, hence the margin below 1).
tt_json_check final "per-lcore cycles add up to the counters" \
	'sum(l["cycles_busy"] for l in j["lcores"]) == c["cycles_busy"] and sum(l["cycles_idle"] for l in j["lcores"]) == c["cycles_idle"]'
tt_json_check final "busy + idle cycles = the lcores' run time (0.8..1.0 of elapsed x TSC Hz)" \
	'0.8 <= (c["cycles_busy"] + c["cycles_idle"]) / (j["elapsed"] * j["tsc_hz"] * len(j["lcores"])) <= 1.0'
tt_e2e_end
