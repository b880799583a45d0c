#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the hand-made seed inputs of the fuzz corpus (tests/fuzz/corpus/).

    python3 tests/fuzz/make_seeds.py

Each seed is a small program in the target's input format (see the comment
at the top of each fuzz_*.c).  Some are regression inputs for bugs that
were found and fixed: their names say which.  Inputs that libFuzzer finds
are added next to them by hand (the corpus is reviewed, not regenerated).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def out(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- http
REQS = {
    "get": b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "head10": b"HEAD /x HTTP/1.0\r\n\r\n",
    "post_cl": b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    "post_chunked": b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"5\r\nhello\r\n0\r\nTrailer: x\r\n\r\n",
    "pipelined": b"GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\nConnection: close\r\n\r\n"
                 b"GET /3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "bad_cl": b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    "bad_version": b"GET / HTTP/2.0\r\n\r\n",
    "put": b"PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
    "obs_fold": b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",
}
RESPS = {
    "cl": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "close_delimited": b"HTTP/1.0 200 OK\r\n\r\nbody until the close",
    "interim": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    "keepalive_two": b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 304 Not Modified\r\n\r\n",
    "bad_status": b"HTTP/1.1 20 OK\r\n\r\n",
}
for name, body in REQS.items():
    for seed in (1, 7, 31):
        out("http", "req_%s_%d" % (name, seed), bytes([0, seed]) + body)
for name, body in RESPS.items():
    for seed in (1, 9):
        out("http", "resp_%s_%d" % (name, seed), bytes([1, seed]) + body)
out("http", "resp_head_cl", bytes([3, 5]) + RESPS["cl"][:-5])
# Issue "unbounded send queue": 33 pipelined GETs in one stream.
out("http", "req_pipelined_33", bytes([0, 3]) + REQS["get"] * 33)

# ---------------------------------------------------------------- tcp
SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10


def seg(k, flags, plen=0, kind=0x01, dseq=0, dack=0, extra=b"", server=False):
    """One segment operation of fuzz_tcp.c (kind bit 0: flags as given)."""
    op = (3 if server else 0) | (k << 4)
    return bytes([op, kind, plen, dseq & 0xff, dack & 0xff, flags]) + extra


def adv_ms(n):
    return bytes([4, n])


def adv_100ms(n):
    return bytes([5, n])


TICK = bytes([6])
GET = b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"
GET_CLOSE = b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"


def raw(k, flags, data):
    # kind 0x41: flags as given, payload from the input
    return seg(k, flags, len(data), kind=0x41) + data


handshake = seg(0, SYN) + seg(0, ACK)
out("tcp", "server_get_close", handshake + seg(0, ACK | PSH, 1) + adv_ms(50) +
    seg(0, ACK) + seg(0, FIN | ACK) + adv_100ms(255))
out("tcp", "server_closes_first", handshake + raw(0, ACK | PSH, GET_CLOSE) + adv_ms(10) +
    seg(0, ACK) + seg(0, FIN | ACK) + adv_ms(10) + seg(0, ACK | FIN) + adv_100ms(100))
out("tcp", "client_side", TICK + seg(0, SYN | ACK, server=True) + adv_ms(5) +
    seg(0, ACK | PSH, 1, server=True) + adv_ms(5) + seg(0, ACK | PSH, 1, server=True) +
    seg(0, ACK | FIN, server=True) + adv_100ms(50))
out("tcp", "lost_fin_retransmits", handshake + raw(0, ACK | PSH, GET_CLOSE) +
    adv_100ms(20) + adv_100ms(200) + adv_100ms(255))
out("tcp", "rst_in_window", handshake + seg(0, RST) + seg(1, SYN) + seg(1, RST, dseq=5, kind=0x05))
# Issue "peer MSS below 12": a SYN with MSS 5 and timestamps, then a GET
# whose 3000-byte response needs many segments.
opts = bytes([0x0f]) + struct.pack("<H", 5) + bytes([7])
out("tcp", "regress_mss_below_12", seg(0, SYN, kind=0x21, extra=opts) + seg(0, ACK) +
    seg(0, ACK | PSH, 1) + adv_ms(100) + seg(0, ACK) + adv_100ms(30))
# Issue "unbounded send queue": 36 pipelined GETs in four segments.
out("tcp", "regress_pipelined_36", handshake + raw(0, ACK | PSH, GET * 9) +
    raw(0, ACK | PSH, GET * 9) + raw(0, ACK | PSH, GET * 9) + raw(0, ACK | PSH, GET * 9) +
    adv_ms(200) + seg(0, ACK) + adv_ms(200) + seg(0, ACK) + adv_100ms(20))
# Issue "TIME_WAIT takeover with a full table": the server holds TIME_WAIT
# for client 0, clients 1-3 and the client side fill the table, then a new
# SYN from client 0 (sequence above the old one) meets the record.
tw_then_full = (handshake + raw(0, ACK | PSH, GET_CLOSE) + adv_ms(10) + seg(0, ACK) +
                seg(0, FIN | ACK) + adv_ms(10) + seg(1, SYN) + seg(2, SYN) + seg(3, SYN) +
                TICK + seg(0, SYN, kind=0x05, dseq=100) + adv_100ms(255))
out("tcp", "regress_tw_takeover_table_full", tw_then_full)
# Zero window: the peer advertises 0 and answers every probe.
zero = struct.pack("<H", 0)
zw = handshake + seg(0, ACK | PSH, 1, kind=0x11, extra=zero)
for _ in range(20):
    zw += adv_100ms(100) + seg(0, ACK, kind=0x11, extra=zero)
out("tcp", "zero_window_probes", zw)
out("tcp", "syn_fin", seg(0, SYN | FIN) + seg(1, SYN | FIN | PSH, 1))

# ---------------------------------------------------------------- net
MAC_US = bytes([2, 0, 0, 0, 0, 1])
MAC_PEER = bytes([2, 0, 0, 0, 0, 2])
IP_US = bytes([198, 18, 0, 1])
IP_PEER = bytes([198, 18, 0, 2])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ipv4(proto, payload, src=IP_PEER, dst=IP_US, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag, 64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def tcp(sport, dport, seqn, ackn, flags, opts=b"", data=b"", src=IP_PEER, dst=IP_US):
    off = (20 + len(opts)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seqn, ackn, off << 4, flags, 65535, 0, 0) + opts
    ph = src + dst + struct.pack("!BBH", 0, 6, len(h) + len(data))
    c = csum(ph + h + data)
    return h[:16] + struct.pack("!H", c) + h[18:] + data


def eth(payload, etype=0x0800, dst=MAC_US):
    return dst + MAC_PEER + struct.pack("!H", etype) + payload


def frame(f, flags=0, ms=0):
    return struct.pack("<H", len(f)) + bytes([flags | (ms << 2)]) + f


MSS = b"\x02\x04\x05\xb4"
WS = b"\x03\x03\x07"
SACKP = b"\x04\x02"
TS = b"\x08\x0a" + struct.pack("!II", 1000, 0)
SYN_OPTS = MSS + SACKP + TS + b"\x01" + WS
arp_req = eth(struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_PEER, IP_PEER,
                          b"\0" * 6, IP_US), 0x0806, b"\xff" * 6)
icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping"
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
syn = eth(ipv4(6, tcp(40000, 80, 1000, 0, SYN, SYN_OPTS)))
ack = eth(ipv4(6, tcp(40000, 80, 1001, 0, ACK)))
out("net", "arp_icmp_syn", frame(arp_req) + frame(eth(ipv4(1, icmp))) + frame(syn))
out("net", "syn_offload_good", frame(syn, 1) + frame(syn, 3, 5))
# Issue "peer MSS below 12": MSS 4 with timestamps.
bad_mss = b"\x02\x04\x00\x04" + SACKP + TS + b"\x01" + WS
out("net", "regress_mss_below_12", frame(arp_req) + frame(eth(ipv4(6, tcp(40001, 80, 5, 0, SYN, bad_mss)))))
# Odd segments: SYN+FIN, options of length 0 and 1, running past the
# header, MSS and TS of the wrong length; UDP and an unknown protocol.
out("net", "odd_segments",
    frame(eth(ipv4(6, tcp(40002, 80, 7, 0, SYN | FIN, SYN_OPTS)))) +
    frame(eth(ipv4(6, tcp(40003, 80, 7, 0, SYN, b"\x02\x00\x05\xb4")))) +
    frame(eth(ipv4(6, tcp(40004, 80, 7, 0, SYN, b"\x02\x01\x05\xb4")))) +
    frame(eth(ipv4(6, tcp(40005, 80, 7, 0, SYN, b"\x01\x01\x08\x0c")))) +
    frame(eth(ipv4(6, tcp(40006, 80, 7, 0, SYN, b"\x02\x03\x05\x01")))) +
    frame(eth(ipv4(6, tcp(40007, 80, 7, 0, SYN, b"\x08\x08\x00\x00\x00\x01\x00\x00")))) +
    frame(eth(ipv4(17, struct.pack("!HHHH", 5000, 53, 12, 0) + b"abcd"))) +
    frame(eth(ipv4(99, b"xxxx"))) +
    frame(eth(ipv4(6, tcp(40008, 80, 7, 0, SYN), frag=0x2000))))
# A GET after a handshake (the ACK acknowledges nothing in particular: the
# stack's ISN is not known here, so this drives the RST and challenge paths).
out("net", "syn_ack_get", frame(syn) + frame(ack, 0, 1) +
    frame(eth(ipv4(6, tcp(40000, 80, 1001, 0, ACK | PSH, b"", GET)))))


# Issue "hash flooding": SYNs from tuples that all land in one bucket of the
# old hash (CRC32C with a fixed seed, linear): found by brute force here.
def crc32c_update(crc, data):
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc


def old_hash(laddr, raddr, lport, rport):
    a = (laddr << 32) | raddr
    b = (lport << 16) | rport
    c = crc32c_update(0x9e3779b9, struct.pack("<Q", a))
    return crc32c_update(c, struct.pack("<I", b))


laddr = int.from_bytes(IP_US, "big")
raddr = int.from_bytes(IP_PEER, "big")
want = old_hash(laddr, raddr, 80, 1024) & 0xffff
flood = b""
n = 0
for rport in range(1024, 65536):
    if old_hash(laddr, raddr, 80, rport) & 0xffff == want:
        flood += frame(eth(ipv4(6, tcp(rport, 80, 1, 0, SYN, SYN_OPTS))), 1)
        n += 1
        if n == 32:
            break
out("net", "regress_hash_flood_old_crc32c", frame(arp_req) + flood)

# IPv6 (issue 12): the interface is also 2001:2::1/64 (RFC 5180), with
# link-local fe80::ff:fe00:1 (EUI-64 of 02:00:00:00:00:01).
IP6_US = bytes([0x20, 0x01, 0, 2] + [0] * 11 + [1])
IP6_PEER = bytes([0x20, 0x01, 0, 2] + [0] * 11 + [2])
IP6_FAR = bytes([0x20, 0x01, 0, 2, 0, 0, 0, 1] + [0] * 7 + [7])
LL_US = bytes([0xfe, 0x80] + [0] * 9 + [0xff, 0xfe, 0, 0, 1])
LL_PEER = bytes([0xfe, 0x80] + [0] * 9 + [0xff, 0xfe, 0, 0, 2])
UNSPEC = bytes(16)


def snm(a):
    """The solicited-node group of a (RFC 4291 2.7.1) and its MAC."""
    g = bytes([0xff, 2] + [0] * 9 + [1, 0xff]) + a[13:]
    return g, b"\x33\x33" + g[12:]


def sum6(src, dst, nh, l4):
    return csum(src + dst + struct.pack("!IxxxB", len(l4), nh) + l4)


def ipv6(nh, payload, src=IP6_PEER, dst=IP6_US, hlim=64, ext=b"", first=None):
    """ext: extension headers (their next-header bytes already right),
    first: the IPv6 header's next header when ext is given."""
    h = struct.pack("!IHBB16s16s", 6 << 28, len(ext) + len(payload),
                    nh if not ext else first, hlim, src, dst)
    return h + ext + payload


def tcp6(sport, dport, seqn, ackn, flags, opts=b"", data=b"", src=IP6_PEER, dst=IP6_US):
    off = (20 + len(opts)) // 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seqn, ackn, off << 4, flags, 65535, 0, 0) + opts
    c = sum6(src, dst, 6, h + data)
    return h[:16] + struct.pack("!H", c) + h[18:] + data


def icmp6(typ, code, body, src=IP6_PEER, dst=IP6_US):
    m = struct.pack("!BBH", typ, code, 0) + body
    return m[:2] + struct.pack("!H", sum6(src, dst, 58, m)) + m[4:]


def eth6(payload, dst=MAC_US, src=MAC_PEER):
    return dst + src + struct.pack("!H", 0x86DD) + payload


def ns(target, src=IP6_PEER, opt=True, hlim=255):
    grp, gmac = snm(target)
    body = b"\0" * 4 + target + (b"\x01\x01" + MAC_PEER if opt else b"")
    return eth6(ipv6(58, icmp6(135, 0, body, src, grp), src, grp, hlim), gmac)


def na(target, flags=0x60, mac=MAC_PEER, dst=IP6_US):
    body = bytes([flags, 0, 0, 0]) + target + (b"\x02\x01" + mac if mac else b"")
    return eth6(ipv6(58, icmp6(136, 0, body, target, dst), target, dst, 255))


def syn6(sport=40000, src=IP6_PEER, dst=IP6_US):
    return eth6(ipv6(6, tcp6(sport, 80, 1000, 0, SYN, SYN_OPTS, b"", src, dst), src, dst))


ping6 = eth6(ipv6(58, icmp6(128, 0, b"\x12\x34\x00\x01ping6")))
# The handshake over IPv6: our SYN-ACK waits for Neighbor Discovery, the
# peer's NA releases it, then an ACK and a GET.
out("net", "ipv6_syn_nd_get", frame(syn6()) + frame(na(IP6_PEER)) +
    frame(eth6(ipv6(6, tcp6(40000, 80, 1001, 0, ACK))), 0, 1) +
    frame(eth6(ipv6(6, tcp6(40000, 80, 1001, 0, ACK | PSH, b"", GET)))))
# Neighbor Discovery: NS for our address and our link-local one, DAD, a
# forwarded (hop limit 64) NS, NS for another host, NA without and with
# override, a solicited NA to all nodes, RS/RA/redirect.
out("net", "ipv6_nd",
    frame(ns(IP6_US)) + frame(ns(LL_US, LL_PEER)) + frame(ns(IP6_US, UNSPEC, False)) +
    frame(ns(IP6_US, hlim=64)) + frame(ns(IP6_FAR)) + frame(ns(IP6_US, opt=False)) +
    frame(syn6(40001)) + frame(na(IP6_PEER, 0x40, bytes([2, 0, 0, 0, 0, 0x22]))) +
    frame(na(IP6_PEER, 0x20)) + frame(na(IP6_PEER, 0x60, None)) +
    frame(na(IP6_PEER, 0x40, dst=bytes([0xff, 2] + [0] * 13 + [1]))) +
    frame(eth6(ipv6(58, icmp6(133, 0, b"\0" * 4), hlim=255))) +
    frame(eth6(ipv6(58, icmp6(134, 0, b"\0" * 12), hlim=255))) +
    frame(eth6(ipv6(58, icmp6(137, 0, b"\0" * 36), hlim=255))))
# ICMPv6: echo (plain, behind destination options, offload flags), errors
# about our packets (unreachable, packet too big) and someone else's.
quoted = ipv6(6, tcp6(80, 40000, 5, 6, ACK, b"", b"", IP6_US, IP6_FAR), IP6_US, IP6_FAR)
out("net", "ipv6_icmp",
    frame(ping6) + frame(ping6, 1) + frame(ping6, 3) +
    frame(eth6(ipv6(58, icmp6(128, 0, b"\0\1\0\2x"), ext=b"\x3a\0\1\4\0\0\0\0", first=60))) +
    frame(eth6(ipv6(58, icmp6(1, 4, b"\0" * 4 + quoted)))) +
    frame(eth6(ipv6(58, icmp6(2, 0, struct.pack("!I", 1280) + quoted)))) +
    frame(eth6(ipv6(58, icmp6(1, 0, b"\0" * 4 + quoted.replace(IP6_US, IP6_PEER))))) +
    frame(eth6(ipv6(58, icmp6(129, 0, b"\0\1\0\2")))))
# Extension headers: hop-by-hop + destination options before TCP (walked),
# routing with segments left 0 (skipped) and 1 (dropped), hop-by-hop not
# first, an option that says discard, one running past its header, nine
# headers, a fragment header, a header past the packet.
seg6 = tcp6(40002, 80, 7, 0, SYN, SYN_OPTS)
HBH_DST = b"\x3c\0\1\4\0\0\0\0" + b"\x06\0\0\0\0\0\0\0"
out("net", "ipv6_ext_headers",
    frame(eth6(ipv6(6, seg6, ext=HBH_DST, first=0))) +
    frame(eth6(ipv6(6, seg6, ext=b"\x3c\0\0\0\0\0\0\0\x06\0\x05\x02\0\0\1\0", first=43))) +
    frame(eth6(ipv6(6, seg6, ext=b"\x06\0\0\1\0\0\0\0", first=43))) +
    frame(eth6(ipv6(6, seg6, ext=b"\0\0\1\4\0\0\0\0\x06\0\1\4\0\0\0\0", first=60))) +
    frame(eth6(ipv6(6, seg6, ext=b"\x06\0\x47\x02\0\0\1\0", first=60))) +
    frame(eth6(ipv6(6, seg6, ext=b"\x06\0\1\5\0\0\0\0", first=60))) +
    frame(eth6(ipv6(6, seg6, ext=b"\x3c\0\1\4\0\0\0\0" * 8 + b"\x06\0\1\4\0\0\0\0", first=60))) +
    frame(eth6(ipv6(6, seg6, ext=b"\x06\0\0\1\0\0\0\x2a", first=44))) +
    frame(eth6(ipv6(6, seg6, ext=b"\x06\xc8\1\4\0\0\0\0", first=60))))
# Odd IPv6: bad sources (multicast, unspecified, loopback, v4-mapped, ours),
# a group as TCP destination, a truncated payload, version 4, payload
# length 0, UDP, a bad TCP checksum, data to our link-local address.
bad6 = eth6(ipv6(6, tcp6(40003, 80, 7, 0, SYN)))
trunc = bad6[:14 + 4] + struct.pack("!H", 200) + bad6[14 + 6:]
v4in6 = bad6[:14] + b"\x40" + bad6[15:]
zero = bad6[:14 + 4] + b"\0\0" + bad6[14 + 6:]
badck = bad6[:-3] + bytes([bad6[-3] ^ 1]) + bad6[-2:]
out("net", "ipv6_odd",
    b"".join(frame(syn6(40004, src)) for src in
             (bytes([0xff, 2] + [0] * 13 + [1]), UNSPEC, bytes(15) + b"\1",
              bytes(10) + b"\xff\xff" + IP_PEER, IP6_US)) +
    frame(syn6(40005, dst=bytes([0xff, 2] + [0] * 13 + [1]))) +
    frame(trunc) + frame(v4in6) + frame(zero) + frame(badck) +
    frame(eth6(ipv6(17, struct.pack("!HHHH", 5000, 53, 12, 0) + b"abcd"))) +
    frame(syn6(40006, LL_PEER, LL_US)) + frame(ns(LL_US, LL_PEER)) +
    frame(eth6(ipv6(6, tcp6(40006, 80, 1001, 0, ACK | PSH, b"", GET, LL_PEER, LL_US), LL_PEER, LL_US))))
print("seeds written under", os.path.join(HERE, "corpus"))
