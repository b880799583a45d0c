#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per connection of each side, repeatable (callgrind counts
# instructions, not time, so other load on the machine does not matter):
# runs build/bench/micro_conn under callgrind once per side, collecting
# only inside that side's poll function and only in the measured phase.
#
#   bash bench/micro_conn.sh [--build DIR] [--out DIR] [micro_conn options]
#
# Prints Ir/conn per side and its split by stage (micro_conn_stages.py);
# keeps the callgrind files and annotations in --out (default: a temporary
# dir) for callgrind_annotate.

set -eu
BUILD=build
OUT=
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h|--help) sed -n '3,13p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
EXE=$BUILD/bench/micro_conn
[ -x "$EXE" ] || { echo "$EXE: not built (meson setup $BUILD && ninja -C $BUILD)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
[ -n "$OUT" ] || OUT=$(mktemp -d /tmp/micro_conn.XXXXXX)
mkdir -p "$OUT"
ARGS=("--conns" "20000" "--warmup" "60000" "$@")

for side in server client; do
	valgrind --tool=callgrind --toggle-collect="mc_${side}_poll" \
		--callgrind-out-file="$OUT/callgrind.$side" "$EXE" "${ARGS[@]}" \
		>"$OUT/$side.stdout" 2>"$OUT/$side.stderr" ||
		{ echo "micro_conn under callgrind failed:" >&2; cat "$OUT/$side.stderr" >&2; exit 1; }
	conns=$(awk '/^connections/ { print $2 }' "$OUT/$side.stdout")
	# The dump at the end of the measured phase (callgrind.SIDE.1).
	f=$(ls "$OUT"/callgrind."$side".* | grep -v '\.0$' | head -n 1)
	callgrind_annotate --inclusive=yes "$f" >"$OUT/$side.inclusive.txt"
	callgrind_annotate "$f" >"$OUT/$side.self.txt"
	total=$(awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$OUT/$side.self.txt")
	printf '%-7s %8.0f instructions/conn  (%s Ir over %s connections)\n' \
		"$side" "$(echo "$total / $conns" | bc -l)" "$total" "$conns"
	python3 "$(dirname "$0")/micro_conn_stages.py" "$f" "$conns" | tee "$OUT/$side.stages.txt"
done
echo "callgrind files and annotations in $OUT"
