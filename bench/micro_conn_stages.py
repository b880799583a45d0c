#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Per-stage instructions per connection from a micro_conn callgrind file.

    python3 bench/micro_conn_stages.py CALLGRIND_FILE CONNS

Self cost of every function (inlined code counts toward the function it
was inlined into), grouped by the stage the function belongs to, divided
by the number of measured connections.
"""
import re
import subprocess
import sys

STAGES = [
    ("rx + L2/L3 (net_input: headers, checksum, options, ARP learn)",
     r"^(net_input|ipv4_learn|ipv4_input|tcp_parse_options|arp_learn|arp_confirm|"
     r"arp_find|net_is_local)$"),
    ("TIME_WAIT insert / lookup / expiry",
     r"^(tcp_enter_time_wait|tw_.*|tcp_tw_lookup|tcp_tw_input|pair_hash|addr_.*|"
     r"take_slot|idx_.*|bkt_.*|rec_hash|hole|compact|touch_ahead)$"),
    ("timers (wheel arm/cancel, RTO, app timer)",
     r"^(tmw_.*|conn_timer_update|conn_timer_set|tcp_arm_rto|tcp_app_timer|tcp_timers_run|"
     r"tcp_timer_expired)$"),
    ("HTTP (parse or memo, response/request, client pacing)",
     r"^(on_recv|on_fill|on_established|on_closed|on_eof|on_acked|app_close|"
     r"queue_response|flush_responses|parse_request|parse_response|http_.*|hc_.*|mc_pick|"
     r"tuple_pick|tuple_.*|rs_.*)$"),
    ("TCP output + tx (segment build, checksum, mbuf alloc)",
     r"^(tcp_output|tcp_send_.*|fill_from_app|net_send_tcp|arp_resolve|net_next_hop|"
     r"tcp_rcv_wnd_field|mc_xmit|tcp_write_options|rte_pktmbuf_alloc)$"),
    ("wire (memif copy-mode model) + mbuf frees, rx and tx",
     r"^(mc_rx_burst.*|mc_tx|mc_tx_flush|rte_pktmbuf_free_bulk|rte_pktmbuf_free)$"),
    ("TCP input (lookup, state machine, conn alloc/free)",
     r"^(tcp_.*|conn_.*|ct_.*|listen_input|take_syn_options|input_h|"
     r"enter_established)$"),
    ("libc memcpy/memcmp (payload fill, memo compare)",
     r"^__(mem|str).*"),
]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    conns = float(sys.argv[2])
    out = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", sys.argv[1]],
                         capture_output=True, text=True, check=True).stdout
    totals = {name: 0 for name, _ in STAGES}
    other = 0
    total = 0
    for line in out.splitlines():
        m = re.match(r"^\s*([\d,]+) \([ \d.]+%\)\s+(\S+)", line)
        if not m:
            continue
        cost = int(m.group(1).replace(",", ""))
        where = m.group(2)
        if where == "PROGRAM":
            total = cost
            continue
        fn = where.rsplit(":", 1)[-1]
        # With --toggle-collect, callgrind lists the frames below the
        # collected function with the whole cost as "self": not real.
        if cost == total or fn in ("(below", "main", "mc_run") or fn.startswith("0x"):
            continue
        for name, rx in STAGES:
            if re.match(rx, fn):
                totals[name] += cost
                break
        else:
            other += cost
    for name, _ in STAGES:
        print(f"  {totals[name] / conns:7.0f}  {name}")
    print(f"  {other / conns:7.0f}  poll loop and the rest")
    print(f"  {total / conns:7.0f}  total")


main()
