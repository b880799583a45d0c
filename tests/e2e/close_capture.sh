#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: how connections end, read off a capture on the kernel side of the
# tap.  With "Connection: close" every connection must end in a clean close
# that tcpterm starts: its FIN first (riding on the response or alone), the
# client's FIN, the final ACK from the client — a four-way close, or a
# three-way one when the client's ACK and FIN travel together — and no RST.
# tcpterm then holds one TIME_WAIT per connection (time_wait is long here),
# the kernel none.  With keep-alive and the client closing, the kernel
# holds TIME_WAIT and tcpterm none.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin ab tcpdump
tt_up --set tcp.time_wait=600 || tt_abort "tcpterm up and answering HTTP on $TT_IF"

CAP=$TT_WORKDIR/close.pcap
tt_capture_start "$CAP" "tcp port 80" || tt_abort "tcpdump started"

N=300
tt_ns_run -o "$TT_WORKDIR/ab.txt" timeout --foreground 60 ab -q -n $N -c 10 \
	-H 'Connection: close' "http://$TT_SERVER_IP/"
grep -E "Complete requests|Failed requests" "$TT_WORKDIR/ab.txt"
# Every close, including the last one's final ACK, is on the wire.
_tcpterm_settled()
{
	tt_json_true "$TT_STATS_JSON" nonfinal \
		'(s["ESTABLISHED"] + s["FIN_WAIT_1"] + s["FIN_WAIT_2"] + s["CLOSING"] +
		  s["CLOSE_WAIT"] + s["LAST_ACK"]) == 0 and c["http_responses"] > 300'
}
tt_check "tcpterm has no connection left but TIME_WAIT" \
	tt_wait_for 30 "connections to close" _tcpterm_settled
tt_check "the capture holds every packet tcpdump's filter saw" tt_capture_stop

tcpdump -nn -S -r "$CAP" 2>/dev/null >"$TT_WORKDIR/close.txt"
read -r conns clean four three rst ours_first idle < <(python3 - "$TT_WORKDIR/close.txt" \
	"$TT_SERVER_IP" <<'PY'
import re, sys
server = sys.argv[2]
pat = re.compile(r"IP ([\d.]+)\.(\d+) > ([\d.]+)\.(\d+): Flags \[([^\]]*)\].*length (\d+)")
conns = {}
for ln in open(sys.argv[1]):
    m = pat.search(ln)
    if not m:
        continue
    ours = m.group(1) == server
    cport = m.group(4) if ours else m.group(2)
    fl, length = m.group(5), int(m.group(6))
    if "S" in fl and not ours:
        conns.setdefault(cport, []).append([])   # a new connection on this port
    if not conns.get(cport):
        continue
    conns[cport][-1].append((ours, fl, length))
total = clean = four = three = rst = ours_first = idle = 0
for lst in conns.values():
    for pk in lst:
        total += 1
        if not any(not o and n > 0 for o, f, n in pk):
            # ab opens a few spare connections it closes unused: the
            # client's close, not ours.
            idle += 1
        if any("R" in f for o, f, n in pk):
            rst += 1
            continue
        fins = [(i, o) for i, (o, f, n) in enumerate(pk) if "F" in f]
        if len(set(o for i, o in fins)) < 2 or pk[-1][1] != ".":
            continue                    # a side never closed, or no final ACK
        clean += 1
        first_ours = next(i for i, o in fins if o)
        first_theirs = next(i for i, o in fins if not o)
        if first_ours < first_theirs:
            ours_first += 1
            # after our FIN: the client's ACK and FIN in one segment is a
            # three-way close, in two segments a four-way one
            theirs = [f for o, f, n in pk[first_ours + 1:] if not o]
            if theirs and "F" in theirs[0]:
                three += 1
            else:
                four += 1
print(total, clean, four, three, rst, ours_first, idle)
PY
)
echo "  capture: $conns connections ($idle opened by ab and closed unused), $clean clean" \
	"closes, $rst with RST; tcpterm closed first $ours_first times ($four four-way," \
	"$three three-way)"
tt_check "the capture holds every connection ab made ($conns >= $N)" [ "${conns:-0}" -ge $N ]
tt_check "every connection closed cleanly, no RST ($clean == $conns, rst $rst)" \
	eval '[ "${clean:-0}" = "${conns:-x}" ] && [ "${rst:-1}" = 0 ]'
tt_check "tcpterm sent the first FIN on every connection that carried a request" \
	[ "$((ours_first + idle))" = "${conns:-x}" ]
tt_json_check nonfinal "tcpterm holds one TIME_WAIT per connection it closed" \
	"s['TIME_WAIT'] == c['tw_created'] - c['tw_syn_accepted'] and c['tw_created'] >= $N"
ktw=$(tt_ns_count time-wait)
tt_check "the kernel holds TIME-WAIT only for ab's unused connections ($ktw <= $idle)" \
	[ "$ktw" -le "${idle:-0}" ]
tt_stop_and_check_final
tt_e2e_end
