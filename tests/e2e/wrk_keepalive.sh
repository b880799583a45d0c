#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: keep-alive clients close first, so the kernel holds TIME_WAIT and
# tcpterm holds none.
#   A keep-alive wrk run (0 socket errors, 0 non-2xx).  wrk exits with
#   responses in flight, so the kernel ends most of its connections with RST,
#   not FIN; to see the clean close, 32 more keep-alive connections then make
#   3 requests each, read every response and close.  tcpterm: those are
#   passive closes, no active close but the readiness probe's, no TIME_WAIT
#   record but the probe's; ss in the namespace: 32+ TIME-WAIT entries and
#   nothing ESTABLISHED.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin wrk
# keepalive_requests = 0 (no cap) and a long keepalive_timeout: nothing may
# make tcpterm close first during the run.
tt_up --set http.keepalive_requests=0 --set http.keepalive_timeout=600 \
	--set tcp.time_wait=600 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"

base=$(tt_baseline 'c["http_responses"]') || tt_abort "a quiet stats line before wrk"
tt_ns_run -o "$TT_WORKDIR/wrk.txt" timeout --foreground 60 \
	wrk -t1 -c64 -d5s "http://$TT_SERVER_IP/"
rc=$?
cat "$TT_WORKDIR/wrk.txt"
tt_check "wrk exited 0 (status $rc)" [ "$rc" = 0 ]
tt_wrk_check "$TT_WORKDIR/wrk.txt"

# 32 connections x 3 requests, all answered on the same connection, then
# closed by the client after reading everything: a clean FIN from our side.
out=$(tt_ns python3 - "$TT_SERVER_IP" <<'PY'
import socket, sys
ip = sys.argv[1]
req = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"

def response(s, buf):
    while b"\r\n\r\n" not in buf:
        b = s.recv(65536)
        if not b:
            raise EOFError("closed by tcpterm before a full response")
        buf += b
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    hdr = {k.strip().lower(): v.strip() for k, v in
           (l.split(":", 1) for l in lines[1:] if ":" in l)}
    n = int(hdr.get("content-length", "0"))
    while len(buf) < n:
        b = s.recv(65536)
        if not b:
            raise EOFError("closed by tcpterm inside a body")
        buf += b
    return lines[0].split()[1], buf[n:]

conns = [socket.create_connection((ip, 80), timeout=5) for _ in range(32)]
ok = 0
for s in conns:
    buf = b""
    for _ in range(3):
        s.sendall(req)
        code, buf = response(s, buf)
        ok += code == "200"
for s in conns:
    s.close()
print(ok)
PY
)
tt_check "32 keep-alive connections x 3 requests: 96 x 200 (got ${out:-error})" \
	[ "$out" = 96 ]

tt_wait_quiet
n=$TT_WRK_REQUESTS
tt_json_show nonfinal conns_opened http_responses active_closes passive_closes \
	tw_created TIME_WAIT rsts_sent rsts_received
# wrk's responses, the 96 above, and at most one request in flight per wrk
# connection when wrk stopped.
tt_json_check nonfinal "tcpterm answered wrk's $n + 96, plus at most 64 in flight" \
	"$n + 96 <= c['http_responses'] - $base <= $n + 96 + 64"
# The readiness probe (one request with Connection: close) is the only
# connection tcpterm closes first.
tt_json_check nonfinal "the 32 client closes were passive closes (passive_closes >= 32)" \
	'c["passive_closes"] >= 32'
tt_json_check nonfinal "tcpterm closed first only the probe (active_closes <= 1)" \
	'c["active_closes"] <= 1'
tt_json_check nonfinal "TIME_WAIT created only by tcpterm's own active closes" \
	"$TT_TW_FROM_ACTIVE"
tt_json_check nonfinal "TIME_WAIT records: created minus ended == held (gauge)" "$TT_TW_COUNTERS"
tt_json_check nonfinal "client closes left no TIME_WAIT in tcpterm" \
	's["TIME_WAIT"] == c["tw_created"] - c["tw_syn_accepted"] and s["TIME_WAIT"] <= 1'
ktw=$(tt_ns_count time-wait)
tt_check "kernel side holds TIME-WAIT for its closes (ss: $ktw >= 32)" [ "$ktw" -ge 32 ]

tt_stop_and_check_final
tt_e2e_end
