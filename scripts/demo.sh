#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job, on its defaults: install what is missing, build, start
# tcpterm as an HTTP server on a net_tap port (config/tap.conf), put the
# tap's kernel side in a fresh network namespace, fetch one page with curl,
# drive ~10 s of `wrk -H 'Connection: close'`, show tcpterm's per-second
# table live and a final summary.  Everything it created (namespace, tap,
# processes, hugepages, DPDK runtime files) is removed on exit, Ctrl-C
# included.
#
#   bash scripts/demo.sh          (as root; others: sudo bash scripts/demo.sh)
#   bash scripts/demo.sh --ipv6   the same over IPv6: tcpterm at 2001:2::1
#                                 (config/tap-ipv6.conf), the kernel side
#                                 2001:2::2/64 only, curl -6 and wrk to
#                                 http://[2001:2::1]/
#
# Environment: TT_DEMO_SECONDS (wrk duration, 10), TT_DEMO_CONNS (64),
# TT_LCORES (EAL -l, 0), TT_EAL_EXTRA (more EAL arguments), TT_KEEP=1 to
# keep the logs directory even on success.

set -u
# shellcheck disable=SC2034 # read by lib.sh
TT_NAME=demo
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IPV6=0
while [ $# -gt 0 ]; do
	case $1 in
	--ipv6) IPV6=1; shift ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--ipv6]" >&2; exit 2 ;;
	esac
done
SECS=${TT_DEMO_SECONDS:-10}
CONNS=${TT_DEMO_CONNS:-64}
CURL_OPTS=()
if [ $IPV6 = 1 ]; then
	# The kernel side speaks IPv6 only, so everything below is IPv6.
	TT_FAMILY=6
	TT_CONF=$TT_SOURCE_DIR/config/tap-ipv6.conf
	CURL_OPTS=(-6 -g)
	SERVER=$TT_SERVER_IP6
	KERNEL=$TT_KERNEL_IP6
else
	SERVER=$TT_SERVER_IP
	KERNEL=$TT_KERNEL_IP
fi
URL=$(tt_url)

step() { printf '\n== %s\n' "$*"; }

[ "$(id -u)" = 0 ] || tt_die "needs root (tap device, network namespace): sudo bash $0"
cd "$TT_SOURCE_DIR" || exit 1

step "dependencies"
bash scripts/deps.sh </dev/null || tt_die "missing packages could not be installed"
echo "all installed"

step "build (meson + ninja, build/)"
tt_names
tt_trap
tt_workdir
TT_BUILD_LOG=$TT_WORKDIR/build.log tt_build build || {
	tail -n 30 "$TT_WORKDIR/build.log" >&2
	tt_die "build failed (log: $TT_WORKDIR/build.log)"
}
TCPTERM=$TT_SOURCE_DIR/build/app/tcpterm
echo "built $TCPTERM"

step "hugepages"
[ -c /dev/net/tun ] || modprobe tun 2>/dev/null
[ -c /dev/net/tun ] || tt_die "no /dev/net/tun: the net_tap PMD needs the tun module"
tt_reap_stale
tt_hugepages_reserve
echo "EAL memory: ${TT_EAL_MEM:-hugepages}"

step "tcpterm on net_tap ($TT_IF), kernel side in namespace $TT_NS"
# Line-buffered stdout, so the table shows up as it is printed.
command -v stdbuf >/dev/null && TT_SERVER_WRAP="stdbuf -oL"
# --duration is only a safety net: the demo stops tcpterm itself (SIGTERM,
# which drains) once wrk is done and the table has shown the aftermath.
if ! tt_up --duration $((SECS + 60)); then
	tt_server_log_tail
	tt_die "tcpterm did not come up (log: $TT_SERVER_LOG)"
fi
echo "tcpterm $SERVER answers; kernel side $KERNEL in $TT_NS"
if [ $IPV6 = 1 ]; then
	echo "neighbour discovery: the kernel has $SERVER at $(tt_ns_neigh6 "$SERVER")"
fi
echo "command: $(cat "$TT_WORKDIR/tcpterm.cmd")"

step "curl $URL"
tt_ns curl "${CURL_OPTS[@]}" -sS -m 5 -i "$URL"
echo

step "wrk -t1 -c$CONNS -d${SECS}s -H 'Connection: close' $URL"
echo "(tcpterm's output, with its per-second stats table, follows live)"
tt_spawn tail -n +1 --pid="$TT_SERVER_PID" -F "$TT_SERVER_LOG" 2>/dev/null
TAIL_PID=${TT_PIDS[-1]}
tt_ns_run -o "$TT_WORKDIR/wrk.txt" timeout --foreground $((SECS + 30)) \
	wrk -t1 -c"$CONNS" -d"${SECS}s" -H 'Connection: close' "$URL"
WRK_RC=$?
cat "$TT_WORKDIR/wrk.txt"

# Two more stats lines: the table then shows TIME_WAIT held after the load.
lines_after() { [ "$(tt_json_lines "$TT_STATS_JSON")" -ge "$1" ]; }
tt_wait_for -s 10 "two more stats lines" \
	lines_after $(($(tt_json_lines "$TT_STATS_JSON") + 2))
KERNEL_TW=$(tt_ns_count time-wait)
KERNEL_EST=$(tt_ns_count established)

step "stopping tcpterm (SIGTERM: stop accepting, FIN what is open, drain)"
tt_server_stop 60
RC=$TT_SERVER_RC
tt_stop_pid "$TAIL_PID" 5

step "summary"
echo "wrk:"
grep -E 'requests in|Requests/sec|Socket errors|Non-2xx|Latency ' "$TT_WORKDIR/wrk.txt" |
	sed 's/^ */  /'
python3 - "$TT_STATS_JSON" "$KERNEL_TW" "$KERNEL_EST" "$RC" <<'EOF'
import json, sys
path, ktw, kest, rc = sys.argv[1:5]
objs = []
for ln in open(path):
    try:
        objs.append(json.loads(ln))
    except ValueError:
        pass
run = [o for o in objs if not o.get("final")]
fin = [o for o in objs if o.get("final")]
last = run[-1] if run else {}
f = fin[-1] if fin else None
src = f or last
c = src.get("counters", {})
def g(k):
    return c.get(k, "?")
print("tcpterm (%s):" % ("final JSON line" if f else "no final line; last line"))
rows = [
    ("connections opened", g("conns_opened")),
    ("HTTP responses", g("http_responses")),
    ("closed by tcpterm first (active)", g("active_closes")),
    ("closed by the client first (passive)", g("passive_closes")),
    ("TIME_WAIT records created", g("tw_created")),
    ("  taken over by a new SYN (RFC 6191)", g("tw_syn_accepted")),
    ("TIME_WAIT held when the load stopped", last.get("states", {}).get("TIME_WAIT", "?")),
    ("  dropped at exit", g("tw_drained")),
    ("aborted with RST when the drain ended", g("aborts_drain")),
    ("RSTs sent / received", "%s / %s" % (g("rsts_sent"), g("rsts_received"))),
    ("mbufs in use at exit", f.get("mbufs_in_use", "?") if f else "?"),
]
for k, v in rows:
    print("  %-40s %s" % (k, v))
print("kernel side (ss in the namespace, before the drain):")
print("  %-40s %s" % ("TIME-WAIT", ktw))
print("  %-40s %s" % ("ESTABLISHED", kest))
print("tcpterm exit status: %s" % rc)
EOF

# Keep the run's stats and its picture (the work directory goes at exit).
step "picture of the run"
OUT_DIR=${TT_DEMO_OUT:-/tmp}
stamp=$(date +%Y%m%d-%H%M%S)
cp "$TT_STATS_JSON" "$OUT_DIR/tcpterm-demo-$stamp.json"
if png=$(python3 "$TT_SOURCE_DIR/scripts/tcpterm-plot" "$OUT_DIR/tcpterm-demo-$stamp.json"); then
	echo "stats: $OUT_DIR/tcpterm-demo-$stamp.json"
	echo "plot:  $png"
else
	echo "plot: not drawn (see the message above)"
fi

ok=1
[ "$RC" = 0 ] || ok=0
[ "$WRK_RC" = 0 ] || ok=0
grep -qE 'Socket errors|Non-2xx' "$TT_WORKDIR/wrk.txt" && ok=0
if [ $ok = 1 ]; then
	echo "demo OK"
	exit 0
fi
tt_server_log_tail
echo "demo finished with errors"
exit 1
