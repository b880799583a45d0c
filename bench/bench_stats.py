#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Summaries of tcpterm --stats-json files for bench/*.sh.

    bench_stats.py cps  --server S.json --client C.json --tsc-hz HZ
                        [--linux L.json] --out RESULT.json
    bench_stats.py tw   --server S.json [--rss RSS.txt] --base-rss KB
                        --time-wait SECS --out RESULT.json [--meta K=V ...]
    bench_stats.py null --client C.json --rss RSS.txt --cpu CPU.txt
                        --out RESULT.json

Each prints a table on stdout and writes one JSON document.  Only complete
lines of the stats files are read (a line being written is ignored).
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time


def load(path):
    out = []
    with open(path) as f:
        for ln in f:
            if not ln.endswith("\n"):
                break
            try:
                out.append(json.loads(ln))
            except ValueError:
                pass
    return out


def periodic(objs):
    return [o for o in objs if o.get("final") is not True]


def final(objs):
    f = [o for o in objs if o.get("final") is True]
    return f[-1] if f else None


def host():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    model = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model,
            "kernel": platform.release(),
            "mem_gib": round(os.sysconf("SC_PAGE_SIZE") *
                             os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def active(lines):
    """Seconds with traffic, without the first and last (partial: the
    memif link coming up, the drain)."""
    act = [o for o in lines if o["rates"]["conns_per_s"] > 0]
    return act[1:-1] if len(act) > 3 else act


def med(xs):
    return statistics.median(xs) if xs else 0.0


def busy_cycles(first, last, tsc_hz):
    """Busy TSC cycles per connection between two stats lines: the cycles
    of the polls that received, sent or expired something (counted by
    tcpterm, summed over its lcores) / connections established.  Idle
    polls (waiting for the peer) are not charged.  Also the share of the
    lcores' time the kernel kept them waiting for a CPU (schedstat), and
    the busy figure minus all of that time: a lower bound, since a
    preempted busy poll charges the other thread's time too."""
    if first is None or last is None or "cycles_busy" not in last["counters"]:
        return None, None, [], None, None
    c0, c1 = first["counters"], last["counters"]
    dconn = c1["conns_established"] - c0["conns_established"]
    dbusy = c1["cycles_busy"] - c0["cycles_busy"]
    didle = c1["cycles_idle"] - c0["cycles_idle"]
    per_lcore = []
    l0 = {l["lcore"]: l for l in first.get("lcores", [])}
    for l in last.get("lcores", []):
        p = l0.get(l["lcore"])
        if p is None:
            continue
        b = l["cycles_busy"] - p["cycles_busy"]
        i = l["cycles_idle"] - p["cycles_idle"]
        per_lcore.append({"lcore": l["lcore"], "queue": l["queue"],
                          "busy_share": round(b / (b + i), 3) if b + i else None,
                          "busy_polls": l["polls_busy"] - p["polls_busy"],
                          "idle_polls": l["polls_idle"] - p["polls_idle"]})
    share = dbusy / (dbusy + didle) if dbusy + didle else None
    wait = None
    w0 = {l["lcore"]: l.get("runq_wait_ns") for l in first.get("lcores", [])}
    w1 = {l["lcore"]: l.get("runq_wait_ns") for l in last.get("lcores", [])}
    if w1 and all(w1[k] is not None and w0.get(k) is not None for k in w1):
        wait = sum(w1[k] - w0[k] for k in w1)
    preempted = lower = None
    wall = (last["elapsed"] - first["elapsed"]) * 1e9 * max(1, len(w1))
    if wait is not None and wall > 0:
        preempted = round(wait / wall, 3)
        if dconn > 0:
            lower = max(0, round((dbusy - wait * tsc_hz / 1e9) / dconn))
    return (round(dbusy / dconn) if dconn > 0 else None,
            round(share, 3) if share is not None else None, per_lcore,
            preempted, lower)


def side_summary(lines, tsc_hz):
    act = active(periodic(lines))
    cps = [o["rates"]["conns_per_s"] for o in act]
    pps = [o["rates"]["pkts_rx_per_s"] + o["rates"]["pkts_tx_per_s"]
           for o in act]
    m = med(cps)
    # Counters at the line before the first measured second, and at the
    # last measured one: the window the medians cover.
    per = periodic(lines)
    first = None
    if act:
        i = per.index(act[0])
        first = per[i - 1] if i > 0 else act[0]
    cyc, share, per_lcore, preempted, lower = busy_cycles(
        first, act[-1] if act else None, tsc_hz)
    f = final(lines)
    return {
        "seconds_measured": len(act),
        "lcores": len(act[-1].get("lcores", [])) or 1 if act else None,
        "conns_per_s_median": m,
        "conns_per_s_min": min(cps) if cps else 0,
        "conns_per_s_max": max(cps) if cps else 0,
        "pkts_per_s_median": med(pps),
        "busy_cycles_per_conn": cyc,
        "busy_share": share,
        "preempted_share": preempted,
        "busy_cycles_per_conn_minus_preempted": lower,
        # If preemption lands on busy and idle polls in proportion to
        # their time on a CPU, the busy cycles spent on a CPU are the
        # figure x (1 - preempted share): an estimate, not a measure.
        "busy_cycles_per_conn_on_cpu_estimate":
            round(cyc * (1 - preempted)) if cyc is not None and preempted is not None else None,
        "per_lcore": per_lcore,
        # All TSC cycles of one lcore / conns/s: what the old figure was.
        "tsc_cycles_per_conn_upper_bound": round(tsc_hz / m) if m else None,
        "drop_wrong_lcore": f["counters"].get("drop_wrong_lcore") if f else None,
        "per_second": [{"t": o["elapsed"], "conns_per_s": o["rates"]["conns_per_s"],
                        "TIME_WAIT": o["states"]["TIME_WAIT"],
                        "busy": [l["busy"] for l in o.get("lcores", [])]} for o in act],
    }


def fmt(x, nd=0):
    if x is None:
        return "-"
    if isinstance(x, float) and nd:
        return "%.*f" % (nd, x)
    return "{:,}".format(int(round(x)))


def cmd_cps(a):
    tsc_hz = int(a.tsc_hz)
    srv = load(a.server)
    cli = load(a.client)
    # tcpterm's own TSC frequency (rte_get_tsc_hz) when it reports one.
    for o in srv[-1:]:
        tsc_hz = int(o.get("tsc_hz", tsc_hz))
    res = {"bench": "cps", "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
           "host": host(), "tsc_hz": tsc_hz, "meta": dict(m.split("=", 1) for m in a.meta),
           "tcpterm": {"server": side_summary(srv, tsc_hz),
                       "client": side_summary(cli, tsc_hz)}}
    fs, fc = final(srv), final(cli)
    res["tcpterm"]["server_final"] = {k: fs["counters"][k] for k in (
        "conns_established", "tw_created", "tw_syn_accepted", "tw_overflow",
        "tw_expired_late", "rsts_sent", "http_responses", "drop_wrong_lcore")} if fs else None
    res["tcpterm"]["client_final"] = {k: fc["counters"][k] for k in (
        "connects_started", "http_client_responses", "connect_failed_refused",
        "connect_failed_timeout", "port_exhausted", "drop_wrong_lcore")} if fc else None
    if fc and "latency_us" in fc:
        res["tcpterm"]["client_latency_us"] = fc["latency_us"]
    lin = None
    if a.linux and os.path.exists(a.linux):
        with open(a.linux) as f:
            lin = json.load(f)
        res["linux"] = lin
    s, c = res["tcpterm"]["server"], res["tcpterm"]["client"]
    if lin and lin.get("conns_per_s"):
        res["ratio_tcpterm_to_linux"] = round(s["conns_per_s_median"] / lin["conns_per_s"], 1)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")

    print()
    pct = lambda x: "%.0f%%" % (100 * x) if x is not None else "-"
    print("%-34s %14s %14s %16s %6s %9s" % ("", "conns/s", "packets/s", "cycles/conn",
                                            "busy", "preempted"))
    for name, d in (("server", s), ("client", c)):
        print("%-34s %14s %14s %16s %6s %9s" % (
              "tcpterm %s (%s lcore%s, memif)" % (name, d["lcores"],
                                                  "" if d["lcores"] == 1 else "s"),
              fmt(d["conns_per_s_median"]), fmt(d["pkts_per_s_median"]),
              fmt(d["busy_cycles_per_conn"]), pct(d["busy_share"]),
              pct(d["preempted_share"])))
    for name, d in (("server", s), ("client", c)):
        if d["preempted_share"] and d["preempted_share"] > 0.02:
            print("  %s: its lcores waited for a CPU %s of the time: busy cycles/conn is"
                  " between %s and %s (%s if preemption hit busy and idle polls alike)"
                  % (name, pct(d["preempted_share"]),
                     fmt(d["busy_cycles_per_conn_minus_preempted"]),
                     fmt(d["busy_cycles_per_conn"]),
                     fmt(d["busy_cycles_per_conn_on_cpu_estimate"])))
    for name, d in (("server", s), ("client", c)):
        if d["lcores"] and d["lcores"] > 1:
            print("  %s per lcore (busy share, busy polls): %s" % (name, ", ".join(
                  "lcore %d %s %s" % (l["lcore"], l["busy_share"], fmt(l["busy_polls"]))
                  for l in d["per_lcore"])))
        if d["drop_wrong_lcore"]:
            print("  %s: drop_wrong_lcore %s (sharding broke)" % (name, d["drop_wrong_lcore"]))
    sf = res["tcpterm"]["server_final"]
    if sf:
        # issue 9: the figure counts only with every TIME_WAIT kept.
        print("  server TIME_WAIT: %s records created for %s connections, %s refused by"
              " a full table (tw_overflow)%s" % (
                  fmt(sf["tw_created"]), fmt(sf["conns_established"]), fmt(sf["tw_overflow"]),
                  "" if sf["tw_overflow"] == 0 else
                  ": NOT every TIME_WAIT kept, raise BENCH_TWCAP"))
    if lin:
        print("%-34s %14s %14s %16s" % ("Linux nginx (cpu 0, 1 worker)",
              fmt(lin["conns_per_s"]), fmt(lin.get("pkts_per_s")),
              fmt(lin.get("cycles_per_conn_cpu0"))))
        print("%-34s %14s %14s %16s" % ("Linux wrk -t1 -c64 (cpu 1)", "", "",
              fmt(lin.get("cycles_per_conn_cpu1"))))
        if "ratio_tcpterm_to_linux" in res:
            print("ratio tcpterm/Linux (conns/s): %sx" % res["ratio_tcpterm_to_linux"])
    print("medians over %d s (server) / %d s (client); tcpterm cycles/conn = busy TSC cycles"
          " (polls that received, sent or expired something, all lcores of the side) / conns"
          " over the same seconds, busy = their share of all cycles, preempted = time the"
          " kernel kept the lcores off a CPU (schedstat); Linux = busy CPU time"
          " (/proc/stat) / conns" % (s["seconds_measured"], c["seconds_measured"]))
    print("drop_wrong_lcore: server %s, client %s" % (s["drop_wrong_lcore"],
                                                      c["drop_wrong_lcore"]))
    print("JSON: %s" % a.out)


def read_samples(path):
    """Lines "t value" (t: seconds since the stats file started)."""
    out = []
    if path and os.path.exists(path):
        with open(path) as f:
            for ln in f:
                p = ln.split()
                if len(p) >= 2:
                    try:
                        out.append((float(p[0]), float(p[1])))
                    except ValueError:
                        pass
    return out


def nearest(samples, t):
    if not samples:
        return None
    return min(samples, key=lambda s: abs(s[0] - t))[1]


def expiry_lateness(lines, tw_secs):
    """Worst lateness of a TIME_WAIT expiry, bounded from the cumulative
    tw_created and tw_expired counters.  Records leave the FIFO in creation
    order, so the k-th expiry is the k-th record created -- as long as no
    record left another way (SYN takeover, RST, eviction, reuse) and no
    2MSL was restarted (tw_reacked counts FIN retransmits answered in
    TIME_WAIT).  Returns None when that does not hold."""
    other = 0
    pts = []
    for o in lines:
        c = o["counters"]
        other = (c["tw_syn_accepted"] + c["tw_rst_killed"] + c["tw_evicted"] +
                 c["tw_reused"] + c["tw_reacked"])
        pts.append((o["elapsed"], c["tw_created"], c["tw_expired"]))
    if other != 0:
        return {"measurable": False,
                "why": "records left TIME_WAIT other than by expiry "
                       "(SYN takeover, RST, eviction, reuse) or were re-ACKed: "
                       "FIFO order no longer maps expiries to creations",
                "other_exits": other}
    if not pts or pts[-1][2] == 0:
        return {"measurable": False, "why": "no record expired in the run"}
    worst_hi = worst_lo = None
    prev_t, prev_e = pts[0][0], pts[0][2]
    for t, _, e in pts[1:]:
        if e > prev_e:
            # The e-th record expired in (prev_t, t]; it was created in
            # (ta, tb] where created(ta) < e <= created(tb).
            ta = tb = None
            for tt, cc, _ in pts:
                if cc < e:
                    ta = tt
                elif tb is None:
                    tb = tt
                    break
            if ta is not None and tb is not None:
                hi = t - ta - tw_secs
                lo = prev_t - tb - tw_secs
                worst_hi = hi if worst_hi is None else max(worst_hi, hi)
                worst_lo = lo if worst_lo is None else max(worst_lo, lo)
        prev_t, prev_e = t, e
    res = pts[1][0] - pts[0][0] if len(pts) > 1 else None
    return {"measurable": True, "worst_late_s_upper_bound": worst_hi,
            "worst_late_s_lower_bound": worst_lo, "sample_interval_s": res,
            "expired": pts[-1][2]}


def lcore_field(o, key):
    """Sum over the stats line's lcores of key (None if any lacks it)."""
    v = [l.get(key) for l in o.get("lcores", [])]
    return sum(v) if v and None not in v else None


def cmd_tw(a):
    lines = periodic(load(a.server))
    # The server's own RSS from each stats line (the reporter reads
    # /proc/self/statm); --rss names a sampler's file instead.
    rss = read_samples(a.rss) if a.rss else [
        (o["elapsed"], float(o["rss_kb"])) for o in lines if o.get("rss_kb")]
    act = [o for o in lines if o["rates"]["conns_per_s"] > 0]
    if len(act) < 4:
        sys.exit("tw: too few seconds with traffic in %s" % a.server)
    act = act[1:-1]
    # The first 5 s begin once the client has ramped up: the first second
    # at 90 % of the run's median rate (the seconds before, a third to two
    # thirds of it, made every later second look relatively better).
    ramp = 0.9 * med([o["rates"]["conns_per_s"] for o in act])
    t0 = next(o["elapsed"] for o in act if o["rates"]["conns_per_s"] >= ramp)
    series = []
    for o in lines:
        c = o["counters"]
        series.append({"t": round(o["elapsed"], 3),
                       "conns_per_s": o["rates"]["conns_per_s"],
                       "TIME_WAIT": o["states"]["TIME_WAIT"],
                       "tw_created": c["tw_created"],
                       "tw_expired": c["tw_expired"],
                       "tw_syn_accepted": c["tw_syn_accepted"],
                       "tw_expired_late": c.get("tw_expired_late"),
                       "tw_expired_deferred": c.get("tw_expired_deferred"),
                       "poll_gaps": c.get("poll_gaps"),
                       "poll_gap_us": c.get("poll_gap_us"),
                       "runq_wait_ns": lcore_field(o, "runq_wait_ns"),
                       "cpu_steal_ms": lcore_field(o, "cpu_steal_ms"),
                       "busy": statistics.mean(l["busy"] for l in o["lcores"])
                       if o.get("lcores") else None,
                       "rss_kb": nearest(rss, o["elapsed"])})
    # With stats_interval < 1 s, rates are still per second: fine.
    first5 = [o["rates"]["conns_per_s"] for o in act if t0 <= o["elapsed"] < t0 + 5]
    tend = act[-1]["elapsed"]
    tail_window = max(5.0, min(30.0, (tend - t0) / 3))
    steady = [o["rates"]["conns_per_s"] for o in act if o["elapsed"] > tend - tail_window]
    f5, st = statistics.mean(first5), med(steady)
    last = act[-1]
    tw_last = max(o["states"]["TIME_WAIT"] for o in act)
    # Issue 9 item 4's second figure: the worst second while the table
    # grows (from the first 5 s until TIME_WAIT first reaches 99 % of its
    # peak), against the first-5-s mean.
    grow_end = next(o["elapsed"] for o in act if o["states"]["TIME_WAIT"] >= 0.99 * tw_last)
    growing = [o for o in act if t0 + 5 <= o["elapsed"] <= grow_end]
    worst = min(growing, key=lambda o: o["rates"]["conns_per_s"]) if growing else None
    rss_peak = max((r for _, r in rss), default=None)
    base = float(a.base_rss) if a.base_rss else None
    bpr = None
    if rss_peak and base and tw_last:
        bpr = (rss_peak - base) * 1024.0 / tw_last
    # Growth during the run alone (pages first touched while records were
    # taken); 0 if the table was fully touched when it was created.
    rss_at = [(t, r) for t, r in rss if t >= t0]
    grow = None
    if len(rss_at) > 1:
        tw_first = act[0]["states"]["TIME_WAIT"]
        dr = (rss_at[-1][1] - rss_at[0][1]) * 1024.0
        dtw = tw_last - tw_first
        grow = dr / dtw if dtw > 0 else None
    machine = None
    if a.cpu_gaps:
        with open(a.cpu_gaps) as f:
            machine = json.load(f)
    res = {"bench": "tw_scaling", "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
           "host": host(), "meta": dict(m.split("=", 1) for m in a.meta),
           "time_wait_s": a.time_wait,
           "seconds_with_traffic": round(tend - t0, 1),
           "conns_per_s_first_5s": f5, "conns_per_s_steady": st,
           "steady_window_s": tail_window,
           "first_5s_from_s": t0,
           "flatness": round(st / f5, 3) if f5 else None,
           "time_wait_max": tw_last,
           "rss_kb_baseline_no_tw_table": base, "rss_kb_peak": rss_peak,
           "bytes_per_tw_record": round(bpr, 1) if bpr else None,
           "bytes_per_tw_record_growth_during_run": round(grow, 1) if grow is not None else None,
           "expiry": expiry_lateness(lines, float(a.time_wait)),
           "final_counters": {k: last["counters"][k] for k in (
               "tw_created", "tw_expired", "tw_syn_accepted", "tw_overflow",
               "tw_evicted", "conns_established")},
           "worst_second_growing": {
               "t": worst["elapsed"], "conns_per_s": worst["rates"]["conns_per_s"],
               "of_first_5s": round(worst["rates"]["conns_per_s"] / f5, 3)}
           if worst and f5 else None,
           "growing_until_s": grow_end,
           # expiries more than one tick late, counted by tw_expire itself;
           # deferred = due at an earlier poll that left them (the budget);
           # the rest fell due while the lcore did not poll for over a tick
           "tw_expired_late": last["counters"].get("tw_expired_late"),
           "tw_expired_deferred": last["counters"].get("tw_expired_deferred"),
           "poll_gaps": last["counters"].get("poll_gaps"),
           "poll_gap_us": last["counters"].get("poll_gap_us"),
           "runq_wait_ns": lcore_field(last, "runq_wait_ns"),
           "cpu_steal_ms": lcore_field(last, "cpu_steal_ms"),
           "machine_gaps": machine,
           "series": series}
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    print()
    print("TIME_WAIT scaling (server holds TIME_WAIT, %s s)" % a.time_wait)
    print("  seconds with traffic           %s" % res["seconds_with_traffic"])
    print("  expiries later than one tick   %s (left by an earlier poll's budget: %s; the"
          " rest fell due while the server lcore did not poll: %s gaps over a tick,"
          " %.3f s in all; kernel run-queue wait of the lcore %s s)" % (
              res["tw_expired_late"], res["tw_expired_deferred"], res["poll_gaps"],
              (res["poll_gap_us"] or 0) / 1e6,
              "%.3f" % (res["runq_wait_ns"] / 1e9) if res["runq_wait_ns"] is not None else "-"))
    if machine:
        for c in machine["cpus"]:
            print("  this machine alone, CPU %d      a pinned busy loop lost its CPU for over"
                  " %d us %d times in %.0f s, %.3f s in all (longest %.1f ms)" % (
                      c["cpu"], machine["threshold_us"], c["gaps"], machine["seconds"],
                      c["gap_us"] / 1e6, c["longest_us"] / 1e3))
    print("  conns/s first 5 s (mean)       %s" % fmt(f5))
    print("  conns/s steady (median, last %d s) %s" % (tail_window, fmt(st)))
    print("  flatness (steady / first 5 s)  %s" % res["flatness"])
    if worst:
        print("  worst second while growing     %s at t = %.0f s (%.3f of the first 5 s;"
              " growing until t = %.0f s)" % (fmt(worst["rates"]["conns_per_s"]),
                                              worst["elapsed"],
                                              res["worst_second_growing"]["of_first_5s"],
                                              grow_end))
    print("  TIME_WAIT records, max         %s" % fmt(tw_last))
    print("  RSS baseline / peak (KiB)      %s / %s" % (fmt(base), fmt(rss_peak)))
    print("  bytes per TIME_WAIT record     %s  (RSS peak - RSS of the same server "
          "without a TIME_WAIT table) / records" % (fmt(bpr, 1) if bpr else "-"))
    print("  bytes per record, run growth   %s  (RSS growth / TIME_WAIT growth while running)"
          % (fmt(grow, 1) if grow is not None else "-"))
    e = res["expiry"]
    if e.get("measurable"):
        print("  worst expiry lateness          between %.3f and %.3f s "
              "(stats every %.2f s; tick is finer)" %
              (e["worst_late_s_lower_bound"], e["worst_late_s_upper_bound"],
               e["sample_interval_s"]))
    else:
        print("  worst expiry lateness          not measurable: %s" % e["why"])
    print("JSON: %s" % a.out)


def cmd_null(a):
    lines = periodic(load(a.client))
    rss = read_samples(a.rss)
    cpu = read_samples(a.cpu)
    series = []
    for o in lines:
        c = o["counters"]
        series.append({"t": o["elapsed"], "SYN_SENT": o["states"]["SYN_SENT"],
                       "connects_started": c["connects_started"],
                       "syn_retransmits": c["syn_retransmits"],
                       "rss_kb": nearest(rss, o["elapsed"]),
                       "cpu_pct": nearest(cpu, o["elapsed"])})
    rates = []
    pts = [{"t": 0.0, "connects_started": 0, "syn_retransmits": 0}] + series
    for p, q in zip(pts, pts[1:]):
        dt = q["t"] - p["t"]
        if dt > 0:
            rates.append(((q["connects_started"] - p["connects_started"]) / dt,
                          (q["syn_retransmits"] - p["syn_retransmits"]) / dt))
    started = [r for r, _ in rates if r > 0]
    peak = max(series, key=lambda s: s["SYN_SENT"]) if series else None
    base = float(a.base_rss) if a.base_rss else None
    bpc = None
    if peak and peak["SYN_SENT"] and peak["rss_kb"] and base is not None:
        bpc = (peak["rss_kb"] - base) * 1024.0 / peak["SYN_SENT"]
    res = {"bench": "null", "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
           "host": host(), "meta": dict(m.split("=", 1) for m in a.meta),
           "connects_per_s_median": med(started),
           "connects_per_s_max": max(started) if started else 0,
           "syn_retransmits_per_s_max": max((r for _, r in rates), default=0),
           "syn_sent_max": peak["SYN_SENT"] if peak else 0,
           "rss_kb_baseline": base,
           "rss_kb_at_syn_sent_max": peak["rss_kb"] if peak else None,
           "bytes_per_syn_sent_conn": round(bpc, 1) if bpc else None,
           "cpu_pct_median": med([c for _, c in cpu]),
           "series": series}
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    print()
    print("tcpterm client on net_null (no peer: every SYN vanishes)")
    print("  connects started/s (median, max)   %s, %s" %
          (fmt(res["connects_per_s_median"]), fmt(res["connects_per_s_max"])))
    print("  SYN retransmits/s (max)            %s" % fmt(res["syn_retransmits_per_s_max"]))
    print("  SYN_SENT connections (max)         %s" % fmt(res["syn_sent_max"]))
    print("  RSS baseline / at max (KiB)        %s / %s" %
          (fmt(base), fmt(res["rss_kb_at_syn_sent_max"])))
    print("  bytes per SYN_SENT connection      %s  ((RSS at max - RSS with max_conns 1024) / SYN_SENT)" %
          (fmt(bpc, 1) if bpc else "-"))
    print("  CPU of the process (median)        %s %%  (busy-polling lcore)" %
          fmt(res["cpu_pct_median"]))
    print("JSON: %s" % a.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = ap.add_subparsers(dest="cmd", required=True)
    p = sp.add_parser("cps")
    p.add_argument("--server", required=True)
    p.add_argument("--client", required=True)
    p.add_argument("--tsc-hz", required=True)
    p.add_argument("--linux")
    p.add_argument("--out", required=True)
    p.add_argument("--meta", action="append", default=[])
    p.set_defaults(fn=cmd_cps)
    p = sp.add_parser("tw")
    p.add_argument("--server", required=True)
    p.add_argument("--rss")
    p.add_argument("--base-rss")
    p.add_argument("--time-wait", default="60")
    p.add_argument("--cpu-gaps", help="cpu_gaps output: the machine's own stalls")
    p.add_argument("--out", required=True)
    p.add_argument("--meta", action="append", default=[])
    p.set_defaults(fn=cmd_tw)
    p = sp.add_parser("null")
    p.add_argument("--client", required=True)
    p.add_argument("--rss")
    p.add_argument("--cpu")
    p.add_argument("--base-rss")
    p.add_argument("--out", required=True)
    p.add_argument("--meta", action="append", default=[])
    p.set_defaults(fn=cmd_null)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
