#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: http.rst_fraction = 1 closes every connection with SO_LINGER {1, 0}.
# As a Linux server doing send() then close() with linger 0, the response
# reaches the client first and the RST follows it: curl receives the whole
# body, and a raw socket reads the response and then ECONNRESET (not an
# orderly EOF).  tcpterm counts one linger-0 abort per request and keeps
# no TIME_WAIT.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin
BODY=3000     # more than one segment: the RST must follow all of them
tt_up --set http.rst_fraction=1 --set http.body_size=$BODY ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"
W=$TT_WORKDIR
URL=http://$TT_SERVER_IP/

# ---- curl: status and the whole body, although the connection is reset
# (curl closes its keep-alive connection after the response; tcpterm's
# close on that EOF is the abort)
code=$(tt_ns curl -sS -m 5 -o "$W/get.b" -w '%{http_code}' "$URL")
tt_check "curl: status 200 (got $code)" [ "$code" = 200 ]
len=$(wc -c <"$W/get.b")
tt_check "curl: body is $BODY bytes (got $len)" [ "$len" = "$BODY" ]

# ---- raw socket: the response, then RST (recv fails with ECONNRESET)
out=$(tt_ns python3 - "$TT_SERVER_IP" <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], 80), timeout=5)
s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
time.sleep(0.3)           # everything (data, then RST) has arrived
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
head, _, body = data.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode("latin-1") if head else "nothing")
print(len(body))
print(end)
PY
)
status=$(sed -n 1p <<<"$out")
blen=$(sed -n 2p <<<"$out")
end=$(sed -n 3p <<<"$out")
tt_check "raw: status line HTTP/1.1 200 (got '$status')" grep -q '^HTTP/1\.1 200' <<<"$status"
tt_check "raw: body of $BODY bytes before the reset (got $blen)" [ "$blen" = "$BODY" ]
tt_check "raw: the connection ends with RST (got $end)" [ "$end" = RST ]

tt_wait_quiet
# The readiness probe made one request or more, then the two above.
tt_json_check nonfinal "every response ended with a linger-0 abort (>= 3)" \
	'c["aborts_linger0"] == c["http_responses"] and c["aborts_linger0"] >= 3'
# Besides, a segment the client sent after the reset finds no connection
# and is answered with RST, as by Linux.
tt_json_check nonfinal "one RST per abort, one per segment after it" \
	'c["rsts_sent"] == c["aborts_linger0"] + c["drop_no_conn"]'
tt_json_check nonfinal "no TIME_WAIT record (RST instead of FIN)" 'c["tw_created"] == 0'
tt_json_check nonfinal "no FIN sent" 'c["fins_sent"] == 0'
tt_stop_and_check_final
tt_e2e_end
