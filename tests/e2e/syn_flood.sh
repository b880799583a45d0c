#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: a spoofed SYN flood of 10x the connection table while curl and wrk
# ("Connection: close": a new connection per request) keep working.
#   tcpterm runs with a small table (max_conns 2000; the SYN_RECEIVED
#   backlog is then max(128, 2000 / 128) = 128) and Linux's default
#   tcp.syncookies = 1.  A raw-socket sender in the namespace sends 20000
#   SYNs from spoofed on-link sources (198.18.0.16-254, never answered by
#   ARP) at a bounded rate.  During the flood: curl gets 200s, wrk completes
#   with 0 socket errors and 0 non-2xx; tcpterm sent cookies, validated
#   cookie ACKs (the real clients' handshakes), and its SYN-ACKs to the
#   spoofed sources end as counted ARP drops (bounded pending queue), not a
#   hang.  Afterwards every SYN_RECEIVED record has given up and tcpterm
#   exits cleanly with every mbuf returned.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

TABLE=2000
FLOOD=$((10 * TABLE))
RATE=5000          # SYNs per second: the flood lasts about 4 s

tt_e2e_begin wrk
# synack_retries 1: a spoofed SYN_RECEIVED record gives up after 1 + 2 s,
# so the test can wait for the table to empty.
tt_up --set tcp.max_conns=$TABLE --set tcp.synack_retries=1 \
	--set tcp.time_wait=600 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"
W=$TT_WORKDIR

# The sender: IPv4 + TCP SYN with MSS, SACK-permitted, timestamps and
# window scaling (so cookies carry options in their TSval), TCP checksum
# computed here; the kernel fills in the IP checksum (IP_HDRINCL).
cat >"$W/flood.py" <<'EOF'
import random, socket, struct, sys, time

dst, count, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
daddr = socket.inet_aton(dst)
net = dst.rsplit(".", 1)[0]
rng = random.Random(1)

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
t0 = time.monotonic()
sent = 0
for i in range(count):
    saddr = socket.inet_aton("%s.%d" % (net, rng.randrange(16, 255)))
    sport = rng.randrange(1024, 65536)
    opts = (struct.pack("!BBH", 2, 4, 1460) + struct.pack("!BB", 4, 2) +
            struct.pack("!BBII", 8, 10, rng.getrandbits(32), 0) +
            struct.pack("!BBBB", 1, 3, 3, 7))
    hlen = 20 + len(opts)
    tcp = struct.pack("!HHIIBBHHH", sport, 80, rng.getrandbits(32), 0,
                      (hlen // 4) << 4, 0x02, 64240, 0, 0) + opts
    pseudo = saddr + daddr + struct.pack("!BBH", 0, 6, len(tcp))
    c = csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xffff, 0,
                     64, 6, 0, saddr, daddr)
    sock.sendto(ip + tcp, (dst, 0))
    sent += 1
    # Bounded rate: sleep when ahead of schedule.
    ahead = sent / rate - (time.monotonic() - t0)
    if ahead > 0.001:
        time.sleep(ahead)
print("sent %d SYNs in %.2f s" % (sent, time.monotonic() - t0))
EOF

before=$(tt_json "$TT_STATS_JSON" last 'c["syncookies_sent"]')
tt_spawn ip netns exec "$TT_NS" timeout 60 python3 "$W/flood.py" \
	"$TT_SERVER_IP" "$FLOOD" "$RATE" >"$W/flood.txt" 2>&1
FLOOD_PID=$!

# Wait until the flood has pushed tcpterm into cookies: the clients below
# then run against a full backlog.
_flooding() { tt_json_true "$TT_STATS_JSON" last "c[\"syncookies_sent\"] > ${before:-0}"; }
tt_wait_for -s 20 "tcpterm to send SYN cookies" _flooding ||
	tt_abort "the flood made tcpterm send SYN cookies"

out=$(tt_ns curl -sS -m 10 -o "$W/get.b" -w '%{http_code} %{time_connect}' \
	-H 'Connection: close' "http://$TT_SERVER_IP/")
code=${out%% *}
tt_check "curl during the flood: status 200 (got $code)" [ "$code" = 200 ]
# A SYN lost to a full backlog would be sent again only after 1 s (the
# kernel's initial RTO): a connect well under that went through at once.
tt_check "curl during the flood: connected without a SYN retransmission (${out#* } s)" \
	python3 -c "import sys; sys.exit(not float(sys.argv[1]) < 0.9)" "${out#* }"

tt_ns_run -o "$W/wrk.txt" timeout --foreground 30 \
	wrk -t1 -c32 -d2s -H 'Connection: close' "http://$TT_SERVER_IP/"
rc=$?
cat "$W/wrk.txt"
tt_check "wrk exited 0 (status $rc)" [ "$rc" = 0 ]
tt_wrk_check "$W/wrk.txt"
tt_check "the flood was still running when wrk ended" tt_alive "$FLOOD_PID"

wait "$FLOOD_PID"
frc=$?
cat "$W/flood.txt"
tt_check "flood sender exited 0 (status $frc)" [ "$frc" = 0 ]
tt_check "flood sender sent $FLOOD SYNs" grep -q "^sent $FLOOD SYNs" "$W/flood.txt"

code=$(tt_ns curl -sS -m 10 -o /dev/null -w '%{http_code}' "http://$TT_SERVER_IP/")
tt_check "curl after the flood: status 200 (got $code)" [ "$code" = 200 ]

# Spoofed SYN_RECEIVED records give up after synack_retries.
tt_wait_quiet 30
n=$TT_WRK_REQUESTS
tt_json_show nonfinal syncookies_sent syncookies_recv syncookies_failed \
	passive_opens conn_table_full synack_give_ups drop_no_arp \
	arp_requests_sent http_responses rsts_sent
tt_json_check nonfinal "SYN cookies sent (syncookies_sent > 0)" 'c["syncookies_sent"] > 0'
tt_json_check nonfinal "the clients' handshakes went through cookies (syncookies_recv > 0)" \
	'c["syncookies_recv"] > 0'
tt_json_check nonfinal "no cookie ACK failed" 'c["syncookies_failed"] == 0'
tt_json_check nonfinal "the table never filled (cookies first)" 'c["conn_table_full"] == 0'
# Cookies not ACKed are the flood's (the clients ACK theirs); all but the
# backlog's few, at least 90% (the tap may drop some under load).
tt_json_check nonfinal "the flood was answered with cookies (>= 90% of $FLOOD)" \
	"c[\"syncookies_sent\"] - c[\"syncookies_recv\"] >= $FLOOD * 9 // 10"
tt_json_check nonfinal "tcpterm answered every request wrk counted ($n) + 2 curls" \
	"c[\"http_responses\"] >= $n + 2"
tt_json_check nonfinal "SYN-ACKs to unresolved spoofed sources dropped and counted" \
	'c["drop_no_arp"] > 0'
tt_json_check nonfinal "spoofed SYN_RECEIVED records gave up" 'c["synack_give_ups"] > 0'

tt_stop_and_check_final
tt_e2e_end
