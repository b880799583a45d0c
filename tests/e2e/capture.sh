#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: sampled capture to pcapng ([capture]).
#
# 1. sample = 1 during a short wrk run (Connection: close) through net_tap:
#    tshark reads every packet; every captured connection is complete from
#    its SYN to its last ACK (SYN, SYN-ACK, a FIN each way, a final pure ACK
#    of the last FIN, no RST); the packets tcpterm captured in each
#    direction equal the TCP segments the Linux peer counted (Tcp InSegs,
#    OutSegs + RetransSegs in the namespace's /proc/net/snmp: a count
#    tcpterm does not make), and tcpterm's own copy counter.
# 2. anomalies = on with sample = 0, client and server over a ring pair,
#    passive closers' FINs lost at random: only connections that ended badly
#    are in the file, each with its last packets and a comment naming the
#    lcore and the reason, and the number per reason equals tcpterm's
#    counters (FIN_WAIT_2 timeouts, resets, aborts).

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin wrk tshark

# ---------------------------------------------------------------- 1
snmp() { tt_ns awk '$1 == "Tcp:" && $2 ~ /^[0-9]/ { print $11, $12, $13 }' /proc/net/snmp; }
PCAP=$TT_WORKDIR/sample.pcapng
tt_up --set tcp.time_wait=600 --set capture.file="$PCAP" --set capture.sample=1 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"
tt_ns_run -o "$TT_WORKDIR/wrk.txt" timeout --foreground 60 \
	wrk -t1 -c16 -d2s -H 'Connection: close' "http://$TT_SERVER_IP/"
tt_wrk_check "$TT_WORKDIR/wrk.txt"
tt_wait_quiet
tt_server_stop 30
tt_check "tcpterm exited 0 (status $TT_SERVER_RC)" [ "$TT_SERVER_RC" = 0 ]
read -r in1 out1 re1 < <(snmp)

copied=$(tt_json "$TT_STATS_JSON" final 'c["capture_copied"]')
written=$(tt_json "$TT_STATS_JSON" final 'j["capture"]["packets"]')
dropped=$(tt_json "$TT_STATS_JSON" final 'c["capture_ring_full"] + c["capture_nombuf"]')
tt_check "no copy dropped (ring full or pool empty: ${dropped:-?})" [ "${dropped:-1}" = 0 ]
n=$(tshark -r "$PCAP" 2>/dev/null | wc -l)
all_read() { [ "$n" = "${written:-x}" ] && [ "$n" = "${copied:-x}" ]; }
tt_check "tshark reads every packet written ($n = ${written:-?} = copied ${copied:-?})" all_read
rx=$(tshark -r "$PCAP" -Y "ip.src != $TT_SERVER_IP" 2>/dev/null | wc -l)
tx=$(tshark -r "$PCAP" -Y "ip.src == $TT_SERVER_IP" 2>/dev/null | wc -l)
# The namespace is new: its counters started at 0 with tcpterm's capture.
kin=$in1 kout=$((out1 + re1))
tt_check "packets from the peer = the peer's OutSegs + RetransSegs ($rx = $kout)" [ "$rx" = "$kout" ]
tt_check "packets to the peer = the peer's InSegs ($tx = $kin)" [ "$tx" = "$kin" ]

tshark -r "$PCAP" -T fields -E separator=' ' -e tcp.stream -e ip.src -e tcp.flags.syn \
	-e tcp.flags.ack -e tcp.flags.fin -e tcp.flags.reset -e tcp.len -e tcp.seq_raw \
	-e tcp.ack_raw 2>/dev/null >"$TT_WORKDIR/fields.txt"
python3 - "$TT_WORKDIR/fields.txt" "$TT_SERVER_IP" >"$TT_WORKDIR/complete.txt" <<'PY'
import sys
streams = {}
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) < 9:
        continue
    s, src = f[0], f[1]
    syn, ack, fin, rst, ln = (int(x in ("1", "True")) if i < 4 else int(x)
                              for i, x in enumerate(f[2:7]))
    streams.setdefault(s, []).append((src, syn, ack, fin, rst, ln, int(f[7]), int(f[8])))
bad = []
for s, p in streams.items():
    srv = sys.argv[2]
    why = []
    if not any(x[1] and not x[2] and x[0] != srv for x in p): why.append("no SYN")
    if not any(x[1] and x[2] and x[0] == srv for x in p): why.append("no SYN-ACK")
    fins = {x[0]: x for x in p if x[3]}
    if len(fins) != 2: why.append("FINs from %d sides" % len(fins))
    if any(x[4] for x in p): why.append("RST")
    last = p[-1]
    if last[1] or last[3] or last[4] or last[5] or not last[2]:
        why.append("last packet is not a pure ACK")
    else:
        other = [f for src, f in fins.items() if src != last[0]]
        if not other or last[7] != (other[0][6] + other[0][5] + 1) & 0xffffffff:
            why.append("last ACK does not acknowledge the other side's FIN")
    if why:
        bad.append("stream %s: %s" % (s, ", ".join(why)))
print("%d streams, %d incomplete" % (len(streams), len(bad)))
print("\n".join(bad[:5]))
sys.exit(1 if bad or not streams else 0)
PY
tt_check "every captured connection is complete, SYN to last ACK ($(head -c 300 "$TT_WORKDIR/complete.txt"))" [ $? = 0 ]
streams=$(awk 'NR == 1 { print $1 }' "$TT_WORKDIR/complete.txt")
opened=$(tt_json "$TT_STATS_JSON" final 'c["conns_opened"]')
tt_check "sample = 1: a stream for every connection tcpterm opened ($streams = ${opened:-?})" \
	[ "${streams:-x}" = "${opened:-y}" ]
tt_net_down

# ---------------------------------------------------------------- 2
PCAP=$TT_WORKDIR/anomalies.pcapng
JSON=$TT_WORKDIR/anomalies.json
# shellcheck disable=SC2046 # word list
tt_run -o "$TT_WORKDIR/anomalies.log" timeout -k 5 --foreground 60 "$TCPTERM" \
	-l "$TT_LCORES" --no-pci --file-prefix="$TT_PREFIX" $(tt_eal_mem) -- \
	-c "$TT_SOURCE_DIR/config/ring-both.conf" --set client.rate=300 --duration 3 \
	--set capture.file="$PCAP" --set capture.anomalies=on \
	--set fault.drop_fin2=0.2 --set tcp.fin_timeout=0.3 --stats-json "$JSON"
rc=$?
tt_check "tcpterm (mode both, anomalies) exited 0 (status $rc)" [ "$rc" = 0 ]
tshark -r "$PCAP" -T fields -E separator='|' -e frame.interface_id -e ip.src -e tcp.srcport \
	-e ip.dst -e tcp.dstport -e frame.comment 2>/dev/null >"$TT_WORKDIR/anom.txt"
python3 - "$TT_WORKDIR/anom.txt" "$JSON" >"$TT_WORKDIR/anom.out" <<'PY'
import json, sys
c = [json.loads(l) for l in open(sys.argv[2]) if '"final": true' in l][-1]["counters"]
groups, bad = {}, []
for l in open(sys.argv[1]):
    f = l.rstrip("\n").split("|")
    if len(f) < 6:
        continue
    iface, a, ap, b, bp, comment = f
    ends = tuple(sorted([(a, ap), (b, bp)]))
    if not comment.startswith("tcpterm lcore ") or ": anomaly: " not in comment:
        bad.append("packet without an anomaly comment: %r" % comment)
        continue
    groups.setdefault((iface, ends, comment), 0)
    groups[(iface, ends, comment)] += 1
why = {}
for (_, _, comment), n in groups.items():
    k = comment.split(": anomaly: ", 1)[1]
    why[k] = why.get(k, 0) + 1
    if n > 8:
        bad.append("%d packets kept for one connection (anomaly_depth 8)" % n)
fw2 = why.get("FIN_WAIT_2 timeout (fin_timeout)", 0)
rst = sum(v for k, v in why.items() if k.startswith("reset by the peer"))
abt = sum(v for k, v in why.items() if k.startswith("aborted with RST"))
print("connections in the file by reason: %s; counters: fin_wait2_timeouts %d, "
      "rsts_received %d, aborts_drain %d, capture_anomalies %d" % (
      why, c["fin_wait2_timeouts"], c["rsts_received"], c["aborts_drain"], c["capture_anomalies"]))
if len(groups) != c["capture_anomalies"]:
    bad.append("%d connections in the file, capture_anomalies %d" % (len(groups), c["capture_anomalies"]))
if fw2 == 0:
    bad.append("no FIN_WAIT_2 timeout captured")
# An anomaly buffer taken over by another connection loses that
# connection's packets; the counter says how often that may have happened.
slack = c["capture_anomaly_evicted"]
for name, got, want in (("FIN_WAIT_2 timeouts", fw2, c["fin_wait2_timeouts"]),
                        ("resets", rst, c["rsts_received"]),
                        ("aborts", abt, c["aborts_drain"])):
    if not (want - slack <= got <= want):
        bad.append("%s: %d in the file, counter %d (evicted %d)" % (name, got, want, slack))
if c["capture_ring_full"] or c["capture_nombuf"]:
    bad.append("copies dropped")
print("\n".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
tt_check "only bad endings are written, each named, counts as the counters ($(head -c 400 "$TT_WORKDIR/anom.out"))" [ $? = 0 ]
TT_STATS_JSON=$JSON
tt_json_check final "anomalies: every mbuf returned" 'j["mbufs_in_use"] == 0'
tt_e2e_end
