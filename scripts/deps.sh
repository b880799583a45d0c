#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install the Debian 12 packages tcpterm's build, demo and tests use, if any
# is missing.  Extra package names given as arguments are added (e.g. the
# benchmarks' "nginx-light gnuplot-nox").  When everything is installed,
# apt is not touched at all.  Non-interactive and quiet; safe to re-run.

set -u

PKGS=(
	# build
	gcc libc6-dev meson ninja-build pkg-config
	libdpdk-dev libnuma-dev libcmocka-dev libmicrohttpd-dev
	# dpdk-telemetry.py (dpdk-dev) and the DPDK tools/PMDs (dpdk)
	dpdk dpdk-dev
	# demo and e2e tests: namespace + tap, clients, JSON, captures
	iproute2 curl wrk apache2-utils python3 tcpdump nftables
	# client-mode e2e: the Linux peer (tests/e2e/client_nginx.sh)
	nginx-light
	# scripts/tcpterm-plot (the demo's picture, tests/e2e/plot.sh)
	gnuplot-nox
	# promtool checks the metrics endpoint's output (tests/e2e/metrics.sh)
	prometheus
	"$@"
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} = 0 ]; then
	exit 0
fi

echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; install them with:" >&2
	echo "  sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_q=(-q -y -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef
	-o Dpkg::Options::=--force-confold)
if ! apt-get -qq update </dev/null >/dev/null; then
	echo "deps: apt-get update failed" >&2
	exit 1
fi
if ! apt-get "${apt_q[@]}" install --no-install-recommends "${missing[@]}" \
	</dev/null >/tmp/tcpterm-deps.log 2>&1; then
	echo "deps: apt-get install failed; see /tmp/tcpterm-deps.log" >&2
	tail -n 20 /tmp/tcpterm-deps.log >&2
	exit 1
fi
echo "deps: done" >&2
