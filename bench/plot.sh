#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# PNG of connections/s and TIME_WAIT records over time from a
# bench/tw_scaling.sh result (or any result JSON with a "series" of
# {t, conns_per_s, TIME_WAIT}).
#
#   bash bench/plot.sh bench/results/tw_scaling-DATE.json [OUT.png]

set -u
IN=${1:?usage: plot.sh RESULT.json [OUT.png]}
OUT=${2:-${IN%.json}.png}
command -v gnuplot >/dev/null 2>&1 || { echo "plot.sh: gnuplot not installed (gnuplot-nox)" >&2; exit 1; }
DAT=$(mktemp /tmp/tcpterm-plot.XXXXXX)
trap 'rm -f "$DAT"' EXIT
python3 - "$IN" >"$DAT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["series"]:
    print(s["t"], s["conns_per_s"], s["TIME_WAIT"])
PY
TITLE=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); m=r.get('meta',{}); print('tcpterm %s, %s, rate %s' % (r.get('bench',''), r.get('date',''), m.get('rate','max')))" "$IN")
gnuplot <<GP
set terminal pngcairo size 1000,500 noenhanced
set output "$OUT"
set title "$TITLE"
set xlabel "seconds"
set ylabel "connections/s"
set y2label "TIME_WAIT records"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set format y "%.1s%c"
set format y2 "%.1s%c"
set key bottom right
set grid
plot "$DAT" using 1:2 with lines lw 2 title "connections/s" axes x1y1, \
     "$DAT" using 1:3 with lines lw 2 title "TIME_WAIT" axes x1y2
GP
echo "plot: $OUT"
