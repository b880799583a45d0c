#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: scripts/tcpterm-plot draws a real --stats-json file.  tcpterm runs as
# client and server over a ring pair for 3 s; the picture of that run has
# three panels (rates, state gauges, client latency), the picture of the same
# run without its latency has two, and inputs that are not a stats file are
# refused with exit status 1 and a message.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

[ "$(id -u)" = 0 ] || tt_skip "needs root (hugepages or /var/run/dpdk)"
command -v gnuplot >/dev/null || tt_die "gnuplot missing (scripts/deps.sh installs gnuplot-nox)"
tt_names
tt_trap
tt_workdir

PLOT=$TT_SOURCE_DIR/scripts/tcpterm-plot
JSON=$TT_WORKDIR/stats.json
# shellcheck disable=SC2046 # word list
tt_run -o "$TT_WORKDIR/tcpterm.log" timeout -k 5 --foreground 60 "$TCPTERM" -l "$TT_LCORES" \
	--no-pci --file-prefix="$TT_PREFIX" $(tt_eal_mem) \
	-- -c "$TT_SOURCE_DIR/config/ring-both.conf" --set client.rate=2000 \
	--duration 3 --stats-json "$JSON"
rc=$?
tt_check "tcpterm (mode both, ring pair) exited 0 (status $rc)" [ "$rc" = 0 ]

# PNG height from its IHDR chunk (bytes 20..23), or nothing if not a PNG.
png_height()
{
	python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read(24)
if b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR":
    print(struct.unpack(">I", b[20:24])[0])
PY
}

out=$("$PLOT" "$JSON" "$TT_WORKDIR/both.png" 2>&1)
rc=$?
tt_check "plot of a client+server run exits 0 ($out)" [ "$rc" = 0 ]
h=$(png_height "$TT_WORKDIR/both.png")
tt_check "it is a PNG with three panels (height ${h:-none} = 960)" [ "${h:-0}" = 960 ]

python3 - "$JSON" >"$TT_WORKDIR/server.json" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    j.pop("latency_us", None)
    print(json.dumps(j))
PY
"$PLOT" "$TT_WORKDIR/server.json" >/dev/null 2>&1
h=$(png_height "$TT_WORKDIR/server.png")
tt_check "without latency (server mode): two panels, default name (height ${h:-none} = 660)" \
	[ "${h:-0}" = 660 ]

# refused STATUS TEXT: the plot exited 1 and said TEXT.
refused() { [ "$1" = 1 ] && grep -qF "$2" "$TT_WORKDIR/err"; }

: >"$TT_WORKDIR/empty.json"
"$PLOT" "$TT_WORKDIR/empty.json" "$TT_WORKDIR/empty.png" 2>"$TT_WORKDIR/err"
rc=$?
tt_check "an empty stats file: exit 1 with a message ($(cat "$TT_WORKDIR/err"))" \
	refused "$rc" "no per-second line"
echo '{"not": "stats"}' >"$TT_WORKDIR/bad.json"
"$PLOT" "$TT_WORKDIR/bad.json" "$TT_WORKDIR/bad.png" 2>"$TT_WORKDIR/err"
rc=$?
tt_check "a JSON line that is not a stats line: exit 1 ($(cat "$TT_WORKDIR/err"))" \
	refused "$rc" 'no "elapsed"'
"$PLOT" >/dev/null 2>&1
tt_check "no argument: usage error, exit 2" [ $? = 2 ]
tt_e2e_end
