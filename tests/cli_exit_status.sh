#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# README: "A bad option or configuration value prints one line naming the
# file (or --set), section, key, value and what is allowed, and exits with
# status 2."  All of this happens before EAL starts (no root, no hugepages),
# so it runs in the unit suite.  Each case: status 2, exactly one line on
# stderr, naming what was wrong; --help and --version exit 0.
set -u
TCPTERM=${TCPTERM:?TCPTERM unset}
SRC=${TT_SOURCE_DIR:-$(dirname "$0")/..}
CONF=$SRC/config/tap.conf
fails=0
n=0

# case DESCRIPTION WANT_STATUS WANT_TEXT ARG...
case_()
{
	local what=$1 want=$2 text=$3 err rc lines
	shift 3
	n=$((n + 1))
	err=$("$TCPTERM" "$@" 2>&1 >/dev/null </dev/null)
	rc=$?
	lines=$(printf '%s' "$err" | grep -c .)
	if [ "$rc" = "$want" ] && { [ "$want" = 0 ] || [ "$lines" = 1 ]; } &&
		{ [ -z "$text" ] || grep -qF -- "$text" <<<"$err"; }; then
		echo "ok $n - $what (status $rc)"
	else
		echo "not ok $n - $what: status $rc (want $want), $lines stderr lines, want '$text':"
		printf '%s\n' "$err" | head -5 | sed 's/^/    /'
		fails=$((fails + 1))
	fi
}

case_ "unknown option" 2 "--no-such-option" -- -c "$CONF" --no-such-option
case_ "option without its value" 2 "--set" -- -c "$CONF" --set
case_ "stray argument" 2 "stray" -- -c "$CONF" stray
case_ "bad --duration" 2 "--duration abc" -- -c "$CONF" --duration abc
case_ "no configuration" 2 "-c FILE" --
case_ "configuration file missing" 2 "/nonexistent/tt.conf" -- -c /nonexistent/tt.conf
case_ "--set: bad value names section, key and value" 2 "time_wait" \
	-- -c "$CONF" --set tcp.time_wait=-3
case_ "--set: unknown key" 2 "no_such_key" -- -c "$CONF" --set tcp.no_such_key=1
case_ "--set: bad probability" 2 "rx_drop" -- -c "$CONF" --set fault.rx_drop=1.5
case_ "--help exits 0" 0 "" --help
case_ "--version exits 0" 0 "" -- --version

if [ $fails -gt 0 ]; then
	echo "$fails of $n cases failed"
	exit 1
fi
echo "all $n cases passed"
