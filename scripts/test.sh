#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The test command (.ci/run calls exactly this):
#   install what is missing, reserve hugepages (else --no-huge), build
#   build/ and run the unit, conformance, fuzz-replay and e2e suites, build build-asan/
#   (ASan + UBSan, debug) and run unit, conformance and fuzz there, clean up, and
#   print one last line "N passed, M failed[, K skipped]".  Exits non-zero
#   if anything failed (a build failure counts as one failure).
#
#   bash scripts/test.sh          (as root; others: sudo bash scripts/test.sh)
#
# Needs no stdin.  Without root the e2e suite is skipped (and nothing can be
# installed): the last line says so, and the status is 0 only if nothing
# failed.  As root (CI) nothing may be skipped: a missing package that
# cannot be installed is a failure, and so is any test that skips.

set -u
exec </dev/null
# shellcheck disable=SC2034 # read by lib.sh
TT_NAME="test"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TT_SOURCE_DIR" || exit 1

PASSED=0
FAILED=0
SKIPPED=0
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1

step() { printf '\n== %s\n' "$*"; }

cleanup()
{
	local pid
	trap '' INT TERM
	trap - EXIT
	# meson test passes SIGTERM on to the running tests, whose own traps
	# stop tcpterm and delete their namespace: give them time.
	for pid in "${TT_PIDS[@]}"; do
		tt_alive "$pid" && tt_stop_pid "$pid" 60
	done
	if [ -n "$TT_HUGE_STATE" ]; then
		bash scripts/hugepages.sh release "$TT_HUGE_STATE" >/dev/null
		TT_HUGE_STATE=
	fi
	[ $ROOT = 1 ] && tt_reap_stale
	rm -rf "$TT_WORKDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# meson test's summary: Ok/Expected Fail pass, Fail/Unexpected Pass/Timeout
# fail, Skipped is counted apart.  A run that failed without a summary (e.g.
# a build error inside meson test) counts as one failure.
count()
{
	local log=$1 rc=$2 ok xf f up sk to
	read -r ok xf f up sk to < <(awk '
		/^Ok:/ { ok = $2 } /^Expected Fail:/ { xf = $3 } /^Fail:/ { f = $2 }
		/^Unexpected Pass:/ { up = $3 } /^Skipped:/ { sk = $2 } /^Timeout:/ { to = $2 }
		END { print ok + 0, xf + 0, f + 0, up + 0, sk + 0, to + 0 }' "$log")
	PASSED=$((PASSED + ok + xf))
	FAILED=$((FAILED + f + up + to))
	if [ $ROOT = 1 ]; then
		# As root every test can run: a skip means it did not.
		FAILED=$((FAILED + sk))
	else
		SKIPPED=$((SKIPPED + sk))
	fi
	if [ "$rc" != 0 ] && [ $((f + up + to + ROOT * sk)) = 0 ]; then
		FAILED=$((FAILED + 1))
	fi
}

# Say why each skipped test skipped (its "SKIP: ..." line).
skip_reasons()
{
	local j=$1/meson-logs/testlog.json
	[ -f "$j" ] || return 0
	python3 - "$j" <<'EOF'
import json, sys
for ln in open(sys.argv[1]):
    t = json.loads(ln)
    if t.get("result") != "SKIP":
        continue
    out = (t.get("stdout") or "") + (t.get("stderr") or "")
    why = [l for l in out.splitlines() if "SKIP:" in l]
    print("skipped %s: %s" % (t["name"], why[-1].split("SKIP:", 1)[1].strip()
                                if why else "(no reason given)"))
EOF
}

# build_and_test DIR "SUITE..." [meson option...]
build_and_test()
{
	local dir=$1 suites=$2 args=() s rc log mpid tail_pid
	shift 2
	step "build $dir $*"
	if ! tt_build "$dir" "$@"; then
		echo "BUILD FAILED: $dir"
		FAILED=$((FAILED + 1))
		return
	fi
	for s in $suites; do
		args+=(--suite "$s")
	done
	step "meson test -C $dir ${args[*]}"
	# meson writes the log we parse; tail shows it as it grows and exits
	# once meson has exited and it has printed the rest.
	log=$TT_WORKDIR/$dir.test.log
	: >"$log"
	# shellcheck disable=SC2086 # a word list
	meson test -C "$dir" --print-errorlogs ${TT_MESON_TEST_ARGS:-} "${args[@]}" \
		>"$log" 2>&1 &
	mpid=$!
	TT_PIDS+=("$mpid")
	tt_spawn tail -n +1 -F --pid="$mpid" "$log" 2>/dev/null
	tail_pid=${TT_PIDS[-1]}
	wait "$mpid"
	rc=$?
	tt_wait_for 10 "tail to finish" eval "! kill -0 $tail_pid 2>/dev/null"
	tt_stop_pid "$tail_pid" 2
	TT_PIDS=()
	count "$log" "$rc"
	skip_reasons "$dir"
}

tt_names
tt_workdir

step "dependencies"
if bash scripts/deps.sh; then
	echo "all installed"
elif [ $ROOT = 1 ]; then
	echo "FAIL: packages are missing and could not be installed; continuing"
	FAILED=$((FAILED + 1))
else
	echo "warning: some packages are missing (not root: cannot install); continuing"
fi

if [ $ROOT = 1 ]; then
	step "hugepages"
	tt_reap_stale
	tt_hugepages_reserve
	echo "EAL memory for e2e: ${TT_EAL_MEM:-hugepages}"
	[ -c /dev/net/tun ] || modprobe tun 2>/dev/null
fi

# Make UBSan findings fail the test (it only reports them by default).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

build_and_test build "unit conformance fuzz e2e"

# shellcheck disable=SC2054 # commas belong to the option
asan_opts=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)
grep -q "'bench'" meson_options.txt 2>/dev/null && asan_opts+=(-Dbench=false)
TT_MESON_TEST_ARGS="--timeout-multiplier 2" \
	build_and_test build-asan "unit conformance fuzz" "${asan_opts[@]}"

cleanup
trap - EXIT
line="$PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && line="$line, $SKIPPED skipped (not root: skips are not passes)"
echo
echo "$line"
[ "$FAILED" = 0 ]
