#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: clean exit with connections open.  32 keep-alive connections sit idle
# after one request each; tcpterm gets SIGTERM and must close every one with
# a FIN (the client reads EOF, not a reset) within its drain time, then exit
# 0 with nothing aborted, nothing left but TIME_WAIT, and every mbuf back.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

N=32
tt_e2e_begin
tt_up --set http.keepalive_timeout=600 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"

# The client: open N connections, one request each, say "ready", then wait
# (at most 20 s) for each to end, and report how each ended.
cat >"$TT_WORKDIR/client.py" <<'PY'
import select, socket, sys, time
ip, n = sys.argv[1], int(sys.argv[2])
req = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
conns = []
for _ in range(n):
    s = socket.create_connection((ip, 80), timeout=5)
    s.sendall(req)
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, body = buf.split(b"\r\n\r\n", 1)
    cl = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
    need = int(cl[0].split(b":")[1]) if cl else 0
    while len(body) < need:
        body += s.recv(65536)
    s.setblocking(False)
    conns.append(s)
print("ready", flush=True)
eof = rst = 0
deadline = time.time() + 20
while conns and time.time() < deadline:
    r, _, _ = select.select(conns, [], [], 0.5)
    for s in r:
        try:
            if s.recv(65536):
                continue
            eof += 1
        except ConnectionResetError:
            rst += 1
        conns.remove(s)
        s.close()
print("eof=%d rst=%d open=%d" % (eof, rst, len(conns)), flush=True)
PY
# Started in the background by hand (not tt_ns_run): it must run while we
# signal tcpterm.
ip netns exec "$TT_NS" python3 "$TT_WORKDIR/client.py" "$TT_SERVER_IP" $N \
	>"$TT_WORKDIR/client.out" 2>&1 &
CLIENT=$!
TT_PIDS+=("$CLIENT")
client_ready() { grep -q ready "$TT_WORKDIR/client.out"; }
tt_wait_for -s 20 "$N idle keep-alive connections" client_ready ||
	tt_abort "client opened $N connections ($(cat "$TT_WORKDIR/client.out"))"
est=$(tt_ns_count established)
tt_check "kernel side: $N connections ESTABLISHED before the drain (ss: $est)" \
	[ "$est" = $N ]

tt_server_stop 30
rc=$TT_SERVER_RC
wait "$CLIENT"
res=$(tail -n 1 "$TT_WORKDIR/client.out")
tt_check "tcpterm exited 0 after SIGTERM (status $rc)" [ "$rc" = 0 ]
tt_check "every connection closed with a FIN (client: $res)" \
	[ "$res" = "eof=$N rst=0 open=0" ]
tt_json_check last "final stats line written (the file's last line is final)" 'j.get("final") is True'
tt_json_check final "drain: tcpterm closed them first (active_closes >= $N)" \
	"c[\"active_closes\"] >= $N"
tt_json_check final "drain: nothing aborted with RST" 'c["aborts_drain"] == 0'
tt_json_check final "drain: nothing left but TIME_WAIT" \
	"sum(v for k, v in j[\"left\"].items() if k not in (\"TIME_WAIT\", \"LISTEN\", \"CLOSED\")) == 0"
tt_json_check final "final: every mbuf returned (mbufs_in_use == 0)" \
	'j["mbufs_in_use"] == 0'
tt_json_check final "final: TIME_WAIT records all accounted for" "$TT_TW_BALANCE"
[ "$rc" = 0 ] || tt_server_log_tail
tt_e2e_end
