# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers shared by the IPv6 e2e tests (ipv6_*.sh, issue 12) and the tests
# that run over either family (fault_close.sh), on top of scripts/lib.sh:
# capture filters and a per-connection reading of a capture, both families.
# Sourced, never run.
#
# The kernel side of the tap speaks IPv6 only unless the test says
# otherwise (TT_FAMILY=46 before sourcing: dual stack): it has no IPv4
# address, so every connection it makes or accepts is an IPv6 one, and a
# capture shows it.

TT_FAMILY=${TT_FAMILY:-6}
. "${TT_SOURCE_DIR:-$(dirname "${BASH_SOURCE[0]}")/../..}/scripts/lib.sh"

TT_URL6=$(tt_url 6)
TT_URL4=$(tt_url 4)

# Capture filters on TCP flags over IPv6.  libpcap's tcp[...] reads only
# IPv4, so the flags byte is addressed from the IPv6 header: 40 bytes of
# fixed header (neither side adds extension headers to TCP) + 13.
TT_BPF6_SYN='ip6 and tcp and ip6[53] & 2 != 0'
TT_BPF6_FIN='ip6 and tcp and ip6[53] & 1 != 0'
TT_BPF4_SYN='ip and tcp and tcp[13] & 2 != 0'
TT_BPF4_FIN='ip and tcp and tcp[13] & 1 != 0'

# tt6_conns PCAP: one line per TCP connection in the capture, split where a
# new SYN (without ACK) opens one on the same ports:
#   FAMILY TCPTERM_PORT KERNEL_PORT PACKETS OPENER SYN_MSS SYNACK_MSS
#   FIRST_FIN RSTS FINS_TCPTERM FINS_KERNEL
# FAMILY is 4 or 6; OPENER and FIRST_FIN are "tcpterm", "kernel" or "none"
# (FIRST_FIN: whose FIN came first); the MSS fields are the SYN's and the
# SYN-ACK's option, or "-".  tcpterm's addresses are TT_SERVER_IP and
# TT_SERVER_IP6.
tt6_conns()
{
	tcpdump -nn -S -r "$1" 2>/dev/null | python3 -c '
import re, sys
ours = set(sys.argv[1:])
pat = re.compile(r" (IP6?) (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\](.*)")
conns, order = {}, []
for ln in sys.stdin:
    m = pat.search(ln)
    if not m:
        continue
    fam = "6" if m.group(1) == "IP6" else "4"
    src, sport, dst, dport, fl, rest = m.groups()[1:]
    mine = src in ours
    tport, kport = (sport, dport) if mine else (dport, sport)
    key = (fam, tport, kport)
    mss = re.search(r"mss (\d+)", rest)
    if "S" in fl and "." not in fl or key not in conns:
        c = {"n": 0, "opener": "none", "syn": "-", "synack": "-", "first": "none",
             "rst": 0, "ft": 0, "fk": 0}
        conns[key] = c
        order.append((key, c))
    c = conns[key]
    c["n"] += 1
    who = "tcpterm" if mine else "kernel"
    if "S" in fl and "." not in fl:
        c["opener"] = who
        c["syn"] = mss.group(1) if mss else "-"
    elif "S" in fl:
        c["synack"] = mss.group(1) if mss else "-"
    if "F" in fl:
        if c["first"] == "none":
            c["first"] = who
        c["ft" if mine else "fk"] += 1
    if "R" in fl:
        c["rst"] += 1
for (fam, tp, kp), c in order:
    print(fam, tp, kp, c["n"], c["opener"], c["syn"], c["synack"], c["first"],
          c["rst"], c["ft"], c["fk"])
' "$TT_SERVER_IP" "$TT_SERVER_IP6"
}

# tt6_pcap_count PCAP FILTER: packets in PCAP that match a tcpdump FILTER.
tt6_pcap_count()
{
	tcpdump -nn -r "$1" "$2" 2>/dev/null | wc -l
}
