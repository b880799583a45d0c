#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: the Prometheus endpoint ([general] metrics_listen).  tcpterm runs as
# client and server over a ring pair with the endpoint on loopback; two
# scrapes taken while it runs pass `promtool check metrics`, their counters
# grow between scrapes, what they say agrees with the final JSON, each
# histogram is consistent, and only GET /metrics is served.  A bad or busy
# address is a one-line error with exit status 2.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

[ "$(id -u)" = 0 ] || tt_skip "needs root (hugepages or /var/run/dpdk)"
command -v promtool >/dev/null || tt_die "promtool missing (scripts/deps.sh installs prometheus)"
tt_names
tt_trap
tt_workdir

PORT=$((20000 + $$ % 20000))
ADDR=127.0.0.1:$PORT
URL=http://$ADDR/metrics
# shellcheck disable=SC2207 # word list
EAL=(-l "$TT_LCORES" --no-pci --file-prefix="$TT_PREFIX" $(tt_eal_mem))
ARGS=(-c "$TT_SOURCE_DIR/config/ring-both.conf" --set client.rate=3000)

# -- a bad address: refused before anything runs
tt_run -o "$TT_WORKDIR/bad.log" "$TCPTERM" "${EAL[@]}" -- "${ARGS[@]}" \
	--set general.metrics_listen=localhost:99999 --duration 1
rc=$?
tt_check "metrics_listen=localhost:99999: exit 2 ($(head -c 200 "$TT_WORKDIR/bad.log"))" \
	[ "$rc" = 2 ]
tt_check "... with a one-line error naming the key" \
	grep -q "^tcpterm: .*metrics_listen 'localhost:99999'" "$TT_WORKDIR/bad.log"

# -- the run
TT_SERVER_LOG=$TT_WORKDIR/tcpterm.log
TT_STATS_JSON=$TT_WORKDIR/stats.json
"$TCPTERM" "${EAL[@]}" -- "${ARGS[@]}" --set general.metrics_listen="$ADDR" \
	--duration 5 --stats-json "$TT_STATS_JSON" >"$TT_SERVER_LOG" 2>&1 </dev/null &
TT_SERVER_PID=$!
TT_PIDS+=("$TT_SERVER_PID")

scrape() { curl -sf --max-time 2 -o "$1" "$URL"; }
opened() { awk '/^tcpterm_connections_opened_total/ { s += $2 } END { print s + 0 }' "$1"; }
grown() { scrape "$TT_WORKDIR/m2.txt" && [ "$(opened "$TT_WORKDIR/m2.txt")" -gt "$(opened "$TT_WORKDIR/m1.txt")" ]; }

tt_wait_for -s 30 "the metrics endpoint" scrape "$TT_WORKDIR/m1.txt" ||
	tt_abort "no metrics at $URL"
tt_wait_for -s 10 "connections to grow between scrapes" grown
tt_check "scrape 2 counts more connections than scrape 1 ($(opened "$TT_WORKDIR/m1.txt") -> $(opened "$TT_WORKDIR/m2.txt"))" \
	[ "$(opened "$TT_WORKDIR/m2.txt")" -gt "$(opened "$TT_WORKDIR/m1.txt")" ]
for f in m1 m2; do
	promtool check metrics <"$TT_WORKDIR/$f.txt" >"$TT_WORKDIR/$f.lint" 2>&1
	tt_check "promtool check metrics passes on $f ($(head -c 300 "$TT_WORKDIR/$f.lint"))" [ $? = 0 ]
done
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@"; }
tt_check "GET / is 404" [ "$(code "http://$ADDR/")" = 404 ]
tt_check "POST /metrics is 405" [ "$(code -X POST "$URL")" = 405 ]
tt_check "Content-Type is the Prometheus text format 0.0.4" \
	sh -c "curl -sI --max-time 2 '$URL' | grep -qi '^content-type: text/plain; version=0.0.4'"

tt_wait_for 30 "tcpterm to exit after --duration" eval "! tt_server_alive"
wait "$TT_SERVER_PID"
rc=$?
tt_check "tcpterm exited 0 (status $rc)" [ "$rc" = 0 ]
tt_check "the endpoint is gone after exit" sh -c "! curl -s --max-time 2 -o /dev/null '$URL'"

python3 - "$TT_WORKDIR/m1.txt" "$TT_WORKDIR/m2.txt" "$TT_STATS_JSON" >"$TT_WORKDIR/cmp.txt" 2>&1 <<'PY'
import json, re, sys
def parse(path):
    m = {}
    for l in open(path):
        if l.startswith("#") or not l.strip():
            continue
        k, v = l.rsplit(" ", 1)
        m[k] = float(v)
    return m
m1, m2 = parse(sys.argv[1]), parse(sys.argv[2])
final = [json.loads(l) for l in open(sys.argv[3]) if '"final": true' in l][-1]["counters"]
bad = []
# Every counter only grows, and never passes the run's final value.
for k, v in m2.items():
    if k.endswith("_total}") or "_total{" in k:
        if v < m1.get(k, 0):
            bad.append("%s went down: %s -> %s" % (k, m1[k], v))
for name, fin in final.items():
    metric = "tcpterm_" + (name.replace("conns_", "connections_", 1) if name.startswith("conns_") else name) + "_total"
    tot = sum(v for k, v in m2.items() if k.startswith(metric + "{"))
    if not any(k.startswith(metric + "{") for k in m2):
        bad.append("no metric %s for counter %s" % (metric, name))
    elif tot > fin:
        bad.append("%s = %d in the scrape but %d at the end" % (metric, tot, fin))
# Histograms: buckets non-decreasing, +Inf == _count.
for kind in ("connect", "response", "close"):
    base = "tcpterm_client_%s_latency_seconds" % kind
    b = [(k, v) for k, v in m2.items() if k.startswith(base + "_bucket{")]
    if len(b) < 10:
        bad.append("%s: %d buckets" % (base, len(b)))
        continue
    vals = [v for k, v in b]
    if vals != sorted(vals):
        bad.append("%s: buckets decrease" % base)
    inf = [v for k, v in b if 'le="+Inf"' in k][0]
    cnt = sum(v for k, v in m2.items() if k.startswith(base + "_count{"))
    if inf != cnt or cnt == 0:
        bad.append("%s: +Inf %d vs count %d" % (base, inf, cnt))
tw = sum(v for k, v in m2.items() if k.startswith("tcpterm_tcp_state{") and 'state="TIME_WAIT"' in k)
if tw <= 0:
    bad.append("no TIME_WAIT gauge > 0 during the run")
print("\n".join(bad) if bad else "consistent: %d samples" % len(m2))
sys.exit(1 if bad else 0)
PY
tt_check "scrapes agree with the final JSON and are self-consistent ($(head -c 400 "$TT_WORKDIR/cmp.txt"))" [ $? = 0 ]

# -- a busy address: a one-line error, exit 2
python3 -c "
import socket, time, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $PORT)); s.listen(1); time.sleep(30)" &
BLOCKER=$!
TT_PIDS+=("$BLOCKER")
tt_wait_for 10 "a listener on port $PORT" sh -c "ss -ltn | grep -q ':$PORT '"
tt_run -o "$TT_WORKDIR/busy.log" "$TCPTERM" "${EAL[@]}" -- "${ARGS[@]}" \
	--set general.metrics_listen="$ADDR" --duration 1
rc=$?
tt_check "a port in use: exit 2 ($(grep metrics "$TT_WORKDIR/busy.log" | head -c 200))" [ "$rc" = 2 ]
tt_check "... saying it cannot listen there" grep -q "cannot listen" "$TT_WORKDIR/busy.log"
tt_stop_pid "$BLOCKER" 5
tt_e2e_end
