#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: hostile and odd input from a Linux peer.
#   [port0] mtu = 1000 caps the MSS tcpterm announces (960) and sends;
#   33 pipelined GETs of 1 MiB responses with tcp.sndbuf = 64 KiB all arrive
#   whole (the responder waits for the send queue, counted);
#   UDP to a port tcpterm does not serve is refused (ICMP port unreachable
#   reaches the socket as ECONNREFUSED); an unknown IP protocol gets ICMP
#   protocol unreachable; SYN+FIN to the listener is dropped, unanswered;
#   SYNs with malformed options are answered (the option ignored).

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin
BODY=1048576
tt_up --set port0.mtu=1000 --set http.body_size=$BODY --set tcp.sndbuf=65536 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"

# ---- MSS: Linux's MSS for the connection is what tcpterm announced (960)
# minus the 12 timestamp bytes; every segment from tcpterm fits 1000 bytes.
out=$(tt_ns python3 - "$TT_SERVER_IP" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=5)
s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
n = 0
while True:
    b = s.recv(65536)
    if not b:
        break
    n += len(b)
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), n)
PY
)
read -r mss got <<<"$out"
tt_check "MSS capped by the port MTU: Linux uses ${mss:-none} (960 - 12 for timestamps)" \
	[ "${mss:-0}" = 948 ]
tt_check "1 MiB response over the small MTU arrived (${got:-0} bytes)" \
	[ "${got:-0}" -gt $BODY ]

# ---- 33 pipelined GETs, each answered with 1 MiB.
out=$(tt_ns python3 - "$TT_SERVER_IP" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=10)
req = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
s.sendall(req * 32 + b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
data = bytearray()
while True:
    b = s.recv(1 << 20)
    if not b:
        break
    data += b
print(data.count(b"HTTP/1.1 200 OK\r\n"), len(data))
PY
)
read -r n len <<<"$out"
tt_check "33 pipelined GETs: 33 responses (got ${n:-0}, ${len:-0} bytes)" [ "${n:-0}" = 33 ]
tt_check "33 pipelined GETs: all bodies whole" [ "${len:-0}" -gt $((33 * BODY)) ]

# ---- UDP to a closed port: ICMP port unreachable -> ECONNREFUSED.
out=$(tt_ns python3 - "$TT_SERVER_IP" <<'PY'
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(3)
u.connect((sys.argv[1], 9999))
u.send(b"hello")
try:
    u.recv(100)
    print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
PY
)
tt_check "UDP to a closed port: refused by ICMP port unreachable (got ${out:-nothing})" \
	[ "$out" = refused ]

# ---- An unknown IP protocol (253, experimental): protocol unreachable.
out=$(tt_ns python3 - "$TT_SERVER_IP" <<'PY'
import socket, sys, time
ip = sys.argv[1]
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
r.settimeout(3)
p = socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)
p.sendto(b"probe-253", (ip, 0))
end = time.time() + 3
res = "nothing"
while time.time() < end:
    try:
        b, a = r.recvfrom(2048)
    except socket.timeout:
        break
    ihl = (b[0] & 15) * 4
    if a[0] == ip and b[ihl] == 3:
        res = "type3code%d" % b[ihl + 1]
        break
print(res)
PY
)
tt_check "unknown IP protocol: ICMP protocol unreachable (got ${out:-nothing})" \
	[ "$out" = type3code2 ]

# ---- Raw SYNs from the namespace: raw_syn FLAGS OPTIONS_HEX SPORT prints
# "silent" or "answered flags 0x..".  (The namespace's kernel resets the
# SYN-ACKs, which have no socket there.)
raw_syn()
{
	tt_ns python3 - "$TT_SERVER_IP" "$@" <<'PY'
import socket, struct, sys, time
ip, flags, opts, sport = sys.argv[1], int(sys.argv[2], 0), bytes.fromhex(sys.argv[3]), int(sys.argv[4])
src = "198.18.0.2"
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
hdr = struct.pack("!HHIIBBHHH", sport, 80, 12345, 0, (5 + len(opts) // 4) << 4,
                  flags, 64240, 0, 0) + opts
pseudo = socket.inet_aton(src) + socket.inet_aton(ip) + struct.pack("!BBH", 0, 6, len(hdr))
hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
r.settimeout(0.5)
r.sendto(hdr, (ip, 0))
end = time.time() + 1.5
res = "silent"
while time.time() < end:
    try:
        b, a = r.recvfrom(2048)
    except socket.timeout:
        continue
    ihl = (b[0] & 15) * 4
    if a[0] == ip and struct.unpack("!H", b[ihl + 2:ihl + 4])[0] == sport:
        res = "answered flags %#x" % b[ihl + 13]
        break
print(res)
PY
}

# SYN+FIN to the listener: no answer at all (Linux drops it).
out=$(raw_syn 0x03 "" 45678)
tt_check "SYN+FIN to the listener: dropped (got ${out:-nothing})" [ "$out" = silent ]
# SYNs with malformed options are answered, the bad option ignored (Linux):
# MSS with length 0; timestamps with length 6 after a good MSS.
out=$(raw_syn 0x02 "02000000" 45679)
tt_check "SYN with an option of length 0: answered (got ${out:-nothing})" \
	[ "$out" = "answered flags 0x12" ]
out=$(raw_syn 0x02 "020405b40806000000000101" 45680)
tt_check "SYN with a 6-byte timestamp option: answered (got ${out:-nothing})" \
	[ "$out" = "answered flags 0x12" ]

tt_wait_quiet
tt_json_check nonfinal "send queue bound reached and waited on" 'c["http_sndbuf_waits"] >= 1'
tt_json_check nonfinal "ICMP unreachable sent (UDP + protocol)" 'c["icmp_unreach_sent"] >= 2'
tt_json_check nonfinal "SYN+FIN counted" 'c["drop_syn_fin"] == 1'
tt_json_check nonfinal "malformed options counted" 'c["tcp_bad_options"] >= 2'
tt_stop_and_check_final
tt_e2e_end
