#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 12): single requests over IPv6, the Linux kernel as the peer.
# tcpterm's port has 2001:2::1/64, the kernel end of the tap 2001:2::2/64
# and no IPv4 address.
#   - Neighbor Discovery: the kernel resolved 2001:2::1 (tcpterm answered
#     its Neighbor Solicitation, RFC 4861 7.2.4);
#   - curl -6: GET (status, Content-Length, body), two GETs on one
#     keep-alive connection, a 20000-byte POST then a GET on the same
#     connection (many segments each way);
#   - the MSS over IPv6 (RFC 9293 3.7.1): tcpterm's SYN-ACK announces
#     [tcp] mss - 20 = 1440, as the kernel's SYN does (MTU 1500 - 60);
#   - the close as Linux would do it: a request with "Connection: close"
#     read to EOF: tcpterm sent the first FIN and holds the TIME_WAIT, the
#     kernel none for that port; a keep-alive request whose client closes
#     first: the kernel holds TIME-WAIT for that port, tcpterm counts a
#     passive close and creates no record;
#   - every packet of the capture was IPv6, and the counters add up.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/ipv6_lib.sh"

tt_e2e_begin tcpdump
BODY=128
tt_up --set tcp.time_wait=600 --set http.body_size=$BODY ||
	tt_abort "tcpterm up and answering HTTP over IPv6 on $TT_IF"
W=$TT_WORKDIR
URL=$TT_URL6
nd=$(tt_ns_neigh6 "$TT_SERVER_IP6")
tt_check "the kernel resolved $TT_SERVER_IP6 by Neighbor Discovery (neigh: ${nd:-none})" \
	tt_ns_neigh6_resolved "$TT_SERVER_IP6"
tt_json_check last "tcpterm received Neighbor Solicitations and answered (nd_rx, nd_adverts_sent)" \
	'c["nd_rx"] >= 1 and c["nd_adverts_sent"] >= 1'
read -r base_resp base_act base_pas base_tw < <(tt_baseline \
	'"%d %d %d %d" % (c["http_responses"], c["active_closes"], c["passive_closes"], c["tw_created"])') ||
	tt_abort "a quiet stats line before the requests"
ktw0=$(tt_ns_count time-wait -6)

CAP=$W/v6.pcap
tt_capture_start "$CAP" "tcp port 80" || tt_abort "tcpdump started"
c6() { tt_ns curl -6 -g -sS -m 5 "$@"; }

# ---- GET
code=$(c6 -D "$W/get.h" -o "$W/get.b" -w '%{http_code}' "$URL")
tt_check "GET $URL: status 200 (got $code)" [ "$code" = 200 ]
cl=$(tr -d '\r' <"$W/get.h" | awk 'tolower($1) == "content-length:" { print $2 }')
tt_check "GET: Content-Length $BODY (got ${cl:-none})" [ "${cl:-}" = "$BODY" ]
len=$(wc -c <"$W/get.b")
tt_check "GET: body is $BODY bytes (got $len)" [ "$len" = "$BODY" ]
tt_check "GET: body is text (no NUL bytes)" \
	[ "$(tr -d '\000' <"$W/get.b" | wc -c)" = "$len" ]

# ---- keep-alive: two GETs on one connection
out=$(c6 -o /dev/null -o /dev/null -w '%{http_code} %{num_connects} %{remote_ip} ' "$URL" "$URL")
tt_check "keep-alive: two 200s on one connection to $TT_SERVER_IP6 (got: ${out% })" \
	[ "${out% }" = "200 1 $TT_SERVER_IP6 200 0 $TT_SERVER_IP6" ]

# ---- POST: 20000 bytes span many 1440-byte segments and must be consumed
# whole for the next request on the connection to parse.
head -c 20000 /dev/zero | tr '\000' 'x' >"$W/post.in"
out=$(c6 --data-binary @"$W/post.in" -o "$W/post.b" -w '%{http_code} %{num_connects} ' "$URL" \
	--next -6 -g -sS -m 5 -o /dev/null -w '%{http_code} %{num_connects}' "$URL")
tt_check "POST 20000 bytes, then GET on the same connection (got: ${out% })" \
	[ "${out% }" = "200 1 200 0" ]
tt_check "POST: response body is $BODY bytes" [ "$(wc -c <"$W/post.b")" = "$BODY" ]

# ---- who closes first.  Prints the local port, then "EOF" if tcpterm
# closed first (read to the end before closing), or "CLOSED" once the
# client closed after reading one whole response.
raw()
{
	tt_ns python3 - "$TT_SERVER_IP6" "$1" <<'EOF'
import socket, sys
ip, mode = sys.argv[1], sys.argv[2]
s = socket.create_connection((ip, 80), timeout=5)
print(s.getsockname()[1])
req = "GET / HTTP/1.1\r\nHost: t\r\n%s\r\n" % ("Connection: close\r\n" if mode == "close" else "")
s.sendall(req.encode())
data = b""
if mode == "close":
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    print("EOF" if data.startswith(b"HTTP/1.1 200") else "BAD")
else:
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    n = int([l.split(b":")[1] for l in head.split(b"\r\n")
             if l.lower().startswith(b"content-length:")][0])
    while len(body) < n:
        body += s.recv(65536)
    print("CLOSED" if head.startswith(b"HTTP/1.1 200") else "BAD")
s.close()
EOF
}
read -r -d '' port_a end_a < <(raw close)
tt_check "Connection: close read to EOF: tcpterm closed first (port $port_a: $end_a)" \
	[ "$end_a" = EOF ]
read -r -d '' port_b end_b < <(raw keepalive)
tt_check "keep-alive request, the client closes (port $port_b: $end_b)" [ "$end_b" = CLOSED ]
tw_on() { tt_ns ss -Htan -6 state time-wait "sport = :$1" 2>/dev/null | wc -l; }
_b_in_tw() { [ "$(tw_on "$port_b")" = 1 ]; }
tt_check "the kernel holds TIME-WAIT for the connection it closed first (port $port_b)" \
	tt_wait_for 5 "TIME-WAIT on port $port_b" _b_in_tw
tt_check "the kernel holds no TIME-WAIT for the one tcpterm closed first (port $port_a)" \
	[ "$(tw_on "$port_a")" = 0 ]

tt_wait_quiet
tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop
tt6_conns "$CAP" >"$W/conns.txt"
sed 's/^/  conn: /' "$W/conns.txt"
all=$(tt6_pcap_count "$CAP" "tcp port 80")
v6=$(tt6_pcap_count "$CAP" "ip6 and tcp port 80")
tt_check "every packet on the wire was IPv6 ($v6 of $all)" eval '[ "$all" -gt 0 ] && [ "$v6" = "$all" ]'
rows() { awk "$1" "$W/conns.txt" | wc -l; }
nconn=$(rows 1)
nk=$(rows '$1 == 6 && $5 == "kernel"')
tt_check "5 IPv6 connections in the capture, all opened by the kernel ($nk of $nconn)" \
	eval '[ "$nconn" = 5 ] && [ "$nk" = 5 ]'
n=$(rows '$7 == 1440')
tt_check "tcpterm's SYN-ACKs announce MSS 1440 ([tcp] mss 1460 - 20; $n of 5)" [ "$n" = 5 ]
n=$(rows '$6 == 1440')
tt_check "the kernel's SYNs announce MSS 1440 (MTU 1500 - 60; $n of 5)" [ "$n" = 5 ]
first_fin() { awk -v p="$1" '$3 == p { print $8 }' "$W/conns.txt"; }
tt_check "capture: tcpterm's FIN first on port $port_a ($(first_fin "$port_a"))" \
	[ "$(first_fin "$port_a")" = tcpterm ]
tt_check "capture: the kernel's FIN first on port $port_b ($(first_fin "$port_b"))" \
	[ "$(first_fin "$port_b")" = kernel ]
tt_check "no RST on any connection" \
	[ "$(awk '{ s += $9 } END { print s + 0 }' "$W/conns.txt")" = 0 ]

# 1 + 2 + 2 (POST, GET) + 1 + 1 responses; curl's three connections and
# port_b closed by the client, port_a by tcpterm.
tt_json_show nonfinal http_responses active_closes passive_closes tw_created TIME_WAIT
tt_json_check nonfinal "HTTP: exactly 7 responses" "c['http_responses'] - $base_resp == 7"
tt_json_check nonfinal "closes: 1 active (port $port_a), 4 passive (curl's 3, port $port_b)" \
	"(c['active_closes'] - $base_act, c['passive_closes'] - $base_pas) == (1, 4)"
tt_json_check nonfinal "TIME_WAIT: one record, for tcpterm's active close" \
	"c['tw_created'] - $base_tw == 1"
tt_json_check nonfinal "TIME_WAIT records: created minus ended == held (gauge)" "$TT_TW_COUNTERS"
ktw=$(tt_ns_count time-wait -6)
tt_check "the kernel holds TIME-WAIT for its 4 active closes ($ktw - $ktw0 == 4)" \
	[ $((ktw - ktw0)) = 4 ]
tt_stop_and_check_final
tt_e2e_end
