# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers sourced by scripts/*.sh and tests/e2e/*.sh.
#
# What they share: unique names for everything a run creates (DPDK file
# prefix, network namespace, tap interface) derived from the caller's PID, so
# runs never collide; one cleanup routine, installed on EXIT/INT/TERM, that
# stops only the processes this shell started and deletes only the
# namespace, interface and DPDK runtime files it named; bounded polling
# instead of sleeps; and small python3 readers for tcpterm's --stats-json.
#
# Only 198.18.0.0/15 (RFC 2544 benchmarking range) and, for IPv6,
# 2001:2::/48 (RFC 5180) are used.

[ -n "${TT_LIB_LOADED:-}" ] && return 0
TT_LIB_LOADED=1

export LC_ALL=C		# '.' as the decimal point in $EPOCHREALTIME, stable tool output

TT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TT_SOURCE_DIR=${TT_SOURCE_DIR:-$(dirname "$TT_LIB_DIR")}
TT_NAME=${TT_NAME:-$(basename "$0" .sh)}

# config/tap.conf puts tcpterm at .1; the kernel end of the tap gets .2.
TT_SERVER_IP=${TT_SERVER_IP:-198.18.0.1}
TT_KERNEL_IP=${TT_KERNEL_IP:-198.18.0.2}
TT_PREFIXLEN=${TT_PREFIXLEN:-24}
TT_CONF=${TT_CONF:-$TT_SOURCE_DIR/config/tap.conf}
# IPv6 (issue 12): tcpterm's port gets 2001:2::1/64 (--set port0.ip6), the
# kernel end of the tap 2001:2::2/64.  TT_FAMILY says which families the
# kernel side speaks: 4 (the default: IPv6 off in the namespace), 6 (IPv6
# only: no IPv4 address, so every connection is an IPv6 one) or 46 (dual
# stack: both addresses, both probed).
TT_SERVER_IP6=${TT_SERVER_IP6:-2001:2::1}
TT_KERNEL_IP6=${TT_KERNEL_IP6:-2001:2::2}
TT_PREFIXLEN6=${TT_PREFIXLEN6:-64}
TT_FAMILY=${TT_FAMILY:-4}
TCPTERM=${TCPTERM:-$TT_SOURCE_DIR/build/app/tcpterm}
TT_LCORES=${TT_LCORES:-0}
TT_EAL_EXTRA=${TT_EAL_EXTRA:-}

TT_PIDS=()		# background processes this shell started
TT_SERVER_PID=
TT_NS_CREATED=
TT_HUGE_STATE=		# set when this shell reserved hugepages
TT_FAILS=0
TT_CHECKS=0

tt_log() { printf '%s: %s\n' "$TT_NAME" "$*" >&2; }
tt_die() { tt_log "error: $*"; exit 1; }

# Exit with meson's "skipped" status and say why, on stdout and stderr, so
# the reason shows in meson's log whichever stream it keeps.  As root (CI)
# nothing may be skipped: every test can be made to run there (scripts/deps.sh
# installs the tools), so a test that cannot run FAILS, loudly (issue 11
# item 6).  Non-root runs skip.
tt_skip()
{
	if [ "$(id -u)" = 0 ]; then
		printf 'FAIL: cannot run as root: %s\n' "$*"
		printf '%s: FAIL: cannot run as root: %s\n' "$TT_NAME" "$*" >&2
		exit 1
	fi
	printf 'SKIP: %s\n' "$*"
	printf '%s: SKIP: %s\n' "$TT_NAME" "$*" >&2
	exit 77
}

# Names unique to this shell.  An interface name must fit in 15 characters:
# "ttap" + a PID (at most 7 digits) does.
tt_names()
{
	TT_ID=${TT_ID:-$$}
	TT_IF=ttap$TT_ID
	TT_NS=ttns$TT_ID
	TT_PREFIX=tcpterm$TT_ID
}

tt_now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

tt_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
tt_server_alive() { tt_alive "$TT_SERVER_PID"; }

# tt_wait_for [-s] SECONDS WHAT CMD [ARG...]
# Poll CMD every 100 ms until it succeeds; fail after SECONDS.  With -s, also
# fail at once if tcpterm has exited (no point waiting for a dead server).
tt_wait_for()
{
	local guard=0
	if [ "$1" = -s ]; then guard=1; shift; fi
	local secs=$1 what=$2
	shift 2
	local deadline=$(($(tt_now_ms) + secs * 1000))
	while :; do
		"$@" && return 0
		if [ $guard = 1 ] && ! tt_server_alive; then
			tt_log "tcpterm exited while waiting for $what"
			return 1
		fi
		if [ "$(tt_now_ms)" -ge $deadline ]; then
			tt_log "timed out after ${secs}s waiting for $what"
			return 1
		fi
		sleep 0.1
	done
}

# Start CMD in the background and remember its PID for cleanup.
tt_spawn()
{
	"$@" &
	TT_PIDS+=($!)
}

# tt_run [-o FILE | -a FILE] CMD [ARG...]: run an external command and wait
# for it, as a tracked background job; -o/-a send its stdout and stderr to
# FILE (truncated/appended).  A foreground child would defer our INT/TERM
# traps until it exits (bash waits for it, and ignores a SIGINT the child
# handled itself, as wrk does); `wait` returns at once instead, and cleanup
# then stops the command.  CMD must be a program, not a shell function, so
# that the PID is the program's.  Redirect with -o rather than around the
# call: a trap firing inside a redirected function call would write the
# cleanup's messages into that file.
tt_run()
{
	local pid rc i out="" append=0
	case $1 in
	-o) out=$2; shift 2 ;;
	-a) out=$2; append=1; shift 2 ;;
	esac
	if [ -z "$out" ]; then
		"$@" &
	elif [ $append = 1 ]; then
		"$@" >>"$out" 2>&1 &
	else
		"$@" >"$out" 2>&1 &
	fi
	pid=$!
	TT_PIDS+=("$pid")
	wait "$pid"
	rc=$?
	for i in "${!TT_PIDS[@]}"; do
		[ "${TT_PIDS[$i]}" = "$pid" ] && unset 'TT_PIDS[i]'
	done
	return $rc
}

# tt_ns_run [-o FILE] CMD [ARG...]: tt_run inside the namespace.
tt_ns_run()
{
	if [ "$1" = -o ]; then
		tt_run -o "$2" ip netns exec "$TT_NS" "${@:3}"
	else
		tt_run ip netns exec "$TT_NS" "$@"
	fi
}

# Stop PID: SIGTERM, wait up to SECONDS, then SIGKILL.  Returns its status.
tt_stop_pid()
{
	local pid=$1 secs=${2:-10} rc
	tt_alive "$pid" || { wait "$pid" 2>/dev/null; return $?; }
	kill -TERM "$pid" 2>/dev/null
	if ! tt_wait_for "$secs" "PID $pid to exit" eval "! kill -0 $pid 2>/dev/null"; then
		tt_log "PID $pid ignored SIGTERM for ${secs}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	return $rc
}

# ---------------------------------------------------------------- cleanup

tt_cleanup()
{
	local rc=$?
	# A second Ctrl-C must not cut the cleanup short.
	trap '' INT TERM
	trap - EXIT
	[ "$rc" -ge 128 ] && tt_log "interrupted: cleaning up"
	if declare -F tt_cleanup_hook >/dev/null; then
		tt_cleanup_hook
	fi
	if [ "$rc" = 130 ] && tt_server_alive; then
		# Ctrl-C reached tcpterm too (same process group) and it is
		# draining: a second signal would cut the drain short, so give it
		# time to finish on its own first.
		tt_wait_for 15 "tcpterm to drain after Ctrl-C" \
			eval '! kill -0 "$TT_SERVER_PID" 2>/dev/null'
	fi
	if tt_server_alive; then
		# SIGTERM makes tcpterm drain: FIN what is open, exit after drain_time.
		tt_stop_pid "$TT_SERVER_PID" 20
	elif [ -n "$TT_SERVER_PID" ]; then
		wait "$TT_SERVER_PID" 2>/dev/null
	fi
	local pid
	for pid in "${TT_PIDS[@]}"; do
		tt_alive "$pid" && tt_stop_pid "$pid" 5
	done
	tt_net_down
	tt_dpdk_files_rm
	if [ -n "$TT_HUGE_STATE" ]; then
		bash "$TT_LIB_DIR/hugepages.sh" release "$TT_HUGE_STATE" >/dev/null
		TT_HUGE_STATE=
	fi
	[ "$rc" -ge 128 ] && tt_log "cleaned up: processes, namespace, tap, hugepages"
	if [ -n "${TT_WORKDIR:-}" ] && [ -d "$TT_WORKDIR" ]; then
		if { [ "$rc" = 0 ] || [ "$rc" = 77 ]; } && [ -z "${TT_KEEP:-}" ]; then
			rm -rf "$TT_WORKDIR"
		else
			tt_log "logs kept in $TT_WORKDIR"
		fi
	fi
	exit "$rc"
}

tt_trap()
{
	trap tt_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

tt_net_down()
{
	if [ -n "$TT_NS_CREATED" ] && [ -e "/run/netns/$TT_NS" ]; then
		ip netns del "$TT_NS" 2>/dev/null
	fi
	TT_NS_CREATED=
	# The tap dies with tcpterm's fd; this only catches one that was never
	# moved into the namespace while tcpterm was killed hard.
	if [ -n "${TT_IF:-}" ] && ip link show dev "$TT_IF" >/dev/null 2>&1; then
		ip link del "$TT_IF" 2>/dev/null
	fi
}

# DPDK leaves its runtime directory (and hugepage files, if killed) behind.
tt_dpdk_files_rm()
{
	[ -n "${TT_PREFIX:-}" ] || return 0
	rm -rf "/var/run/dpdk/$TT_PREFIX"
	local m
	for m in $(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts); do
		rm -f "$m/${TT_PREFIX}map_"* 2>/dev/null
	done
}

# Remove namespaces, taps and DPDK runtime dirs named by a run whose shell
# is gone (killed with SIGKILL, so its trap never ran).
tt_reap_stale()
{
	local n id
	for n in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		case $n in ttns[0-9]*) ;; *) continue ;; esac
		id=${n#ttns}
		tt_alive "$id" || ip netns del "$n" 2>/dev/null
	done
	for n in $(ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
		case $n in ttap[0-9]*) ;; *) continue ;; esac
		id=${n#ttap}
		tt_alive "$id" || ip link del "$n" 2>/dev/null
	done
	for n in /var/run/dpdk/tcpterm[0-9]*; do
		[ -d "$n" ] || continue
		id=${n##*/tcpterm}
		tt_alive "$id" || rm -rf "$n"
	done
	# Hugepage files of a tcpterm killed hard keep their pages in use.
	local m f
	for m in $(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts); do
		for f in "$m"/tcpterm[0-9]*map_*; do
			[ -e "$f" ] || continue
			id=${f##*/tcpterm}
			id=${id%%map_*}
			tt_alive "$id" || rm -f "$f"
		done
	done
}

# ---------------------------------------------------------------- setup

tt_workdir()
{
	TT_WORKDIR=$(mktemp -d "/tmp/tcpterm-$TT_NAME.XXXXXX") || tt_die "mktemp failed"
}

# EAL memory arguments: TT_EAL_MEM when the caller (scripts/test.sh) already
# decided, else hugepages if enough are free now, else --no-huge.
tt_eal_mem()
{
	if [ -n "${TT_EAL_MEM+set}" ]; then
		printf '%s\n' "$TT_EAL_MEM"
	else
		bash "$TT_LIB_DIR/hugepages.sh" args
	fi
}

# Reserve hugepages for this run and release them at cleanup.
tt_hugepages_reserve()
{
	TT_HUGE_STATE=${TT_WORKDIR:?}/hugepages.state
	TT_EAL_MEM=$(bash "$TT_LIB_DIR/hugepages.sh" reserve "$TT_HUGE_STATE")
	export TT_EAL_MEM
}

# tt_server_start [tcpterm option...]
# Start tcpterm on a fresh net_tap port named $TT_IF, logging to
# $TT_WORKDIR/tcpterm.log and writing $TT_WORKDIR/stats.json.
tt_server_start()
{
	local mem
	mem=$(tt_eal_mem)
	TT_STATS_JSON=$TT_WORKDIR/stats.json
	TT_SERVER_LOG=$TT_WORKDIR/tcpterm.log
	# shellcheck disable=SC2086 # mem and TT_EAL_EXTRA are word lists
	set -- -l "$TT_LCORES" --no-pci --vdev="net_tap0,iface=$TT_IF" \
		--file-prefix="$TT_PREFIX" $mem $TT_EAL_EXTRA \
		-- -c "$TT_CONF" --stats-json "$TT_STATS_JSON" "$@"
	echo "$TCPTERM $*" >"$TT_WORKDIR/tcpterm.cmd"
	${TT_SERVER_WRAP:-} "$TCPTERM" "$@" >"$TT_SERVER_LOG" 2>&1 </dev/null &
	TT_SERVER_PID=$!
}

tt_server_log_tail()
{
	[ -f "${TT_SERVER_LOG:-}" ] || return 0
	tt_log "last lines of tcpterm's output ($TT_SERVER_LOG):"
	tail -n 20 "$TT_SERVER_LOG" | sed 's/^/    /' >&2
}

# tt_server_stop [SECONDS]: SIGTERM (tcpterm drains and exits 0), wait.
# Sets TT_SERVER_RC.
tt_server_stop()
{
	local secs=${1:-30}
	tt_stop_pid "$TT_SERVER_PID" "$secs"
	TT_SERVER_RC=$?
	TT_SERVER_PID=
	return $TT_SERVER_RC
}

# Does the kernel side speak IPv4 / IPv6 (TT_FAMILY)?
tt_has4() { case $TT_FAMILY in *4*) return 0 ;; esac; return 1; }
tt_has6() { case $TT_FAMILY in *6*) return 0 ;; esac; return 1; }

# The URL of tcpterm's HTTP server in the family given (4 or 6; default:
# IPv6 when the kernel side speaks only IPv6), an IPv6 address in brackets
# (RFC 3986 3.2.2).
tt_url()
{
	local fam=${1:-}
	[ -n "$fam" ] || { if tt_has4; then fam=4; else fam=6; fi; }
	if [ "$fam" = 6 ]; then
		echo "http://[$TT_SERVER_IP6]/"
	else
		echo "http://$TT_SERVER_IP/"
	fi
}

tt_netns_add()
{
	ip netns add "$TT_NS" || return 1
	TT_NS_CREATED=1
	if tt_has6; then
		# IPv6 on, as quiet as it can be: no router solicitations, no
		# router advertisements taken, no duplicate address detection
		# (RFC 4862 5.4: it would hold the address tentative for a
		# second, and its probes are noise).  Interfaces moved in later
		# take the "default" values.  The kernel still reports its
		# solicited-node groups (MLD, RFC 3810); tcpterm drops those.
		ip netns exec "$TT_NS" sysctl -qw \
			net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.router_solicitations=0 \
			net.ipv6.conf.all.router_solicitations=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.dad_transmits=0 \
			net.ipv6.conf.all.dad_transmits=0 >/dev/null 2>&1
	else
		# No IPv6 on the kernel side: no router solicitations or MLD
		# reports on the wire, so tcpterm's drop counters mean something.
		ip netns exec "$TT_NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 \
			net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
	fi
	ip -n "$TT_NS" link set lo up
}

_tt_tap_exists() { ip link show dev "$TT_IF" >/dev/null 2>&1; }
_tt_stats_started() { [ -s "$TT_STATS_JSON" ]; }

# Wait for tcpterm's tap, move it into the namespace, address it.
# The tap PMD creates the interface when EAL probes it, but attaches each
# queue later (queue setup opens /dev/net/tun again and attaches by name, in
# tcpterm's namespace) and brings the link up at port start.  Moving the
# interface before that makes the queues attach to a new interface left
# behind, and the namespace side never reaches tcpterm.  So wait for the
# first stats line too: tcpterm writes it once its ports are started.
tt_tap_to_netns()
{
	tt_wait_for -s "${TT_TAP_TIMEOUT:-60}" "interface $TT_IF" _tt_tap_exists ||
		return 1
	tt_wait_for -s "${TT_TAP_TIMEOUT:-60}" "tcpterm's first stats line" \
		_tt_stats_started || return 1
	ip link set "$TT_IF" netns "$TT_NS" || return 1
	if tt_has4; then
		ip -n "$TT_NS" addr add "$TT_KERNEL_IP/$TT_PREFIXLEN" dev "$TT_IF" ||
			return 1
	fi
	if tt_has6; then
		# nodad: usable at once (accept_dad is 0 too, see tt_netns_add).
		ip -n "$TT_NS" -6 addr add "$TT_KERNEL_IP6/$TT_PREFIXLEN6" dev "$TT_IF" \
			nodad || return 1
	fi
	ip -n "$TT_NS" link set "$TT_IF" up || return 1
	if tt_has6; then
		tt_wait_for 10 "IPv6 address and route to $TT_SERVER_IP6 in $TT_NS" \
			_tt_ip6_ready || return 1
	fi
}

# The kernel side's IPv6 address is in place and not tentative, and the
# route to tcpterm's address goes out of the tap (the /64 prefix route).
_tt_ip6_ready()
{
	ip -n "$TT_NS" -6 addr show dev "$TT_IF" 2>/dev/null |
		grep -q "inet6 $TT_KERNEL_IP6/$TT_PREFIXLEN6 " || return 1
	[ -z "$(ip -n "$TT_NS" -6 addr show dev "$TT_IF" tentative 2>/dev/null)" ] ||
		return 1
	ip -n "$TT_NS" -6 route get "$TT_SERVER_IP6" 2>/dev/null | grep -q " dev $TT_IF "
}

# tt_ns_neigh6 ADDR: the kernel side's neighbour entry for ADDR on the tap
# ("lladdr MAC STATE"), empty if it has none.
tt_ns_neigh6()
{
	ip -n "$TT_NS" -6 neigh show "$1" dev "$TT_IF" 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") { print $(i + 1), $NF; exit } }'
}

# The kernel resolved ADDR (default: tcpterm's IPv6 address) by Neighbor
# Discovery (RFC 4861 7.2): an entry with a link-layer address, in a state
# that came from a Neighbor Advertisement (not INCOMPLETE or FAILED).
tt_ns_neigh6_resolved()
{
	local e
	e=$(tt_ns_neigh6 "${1:-$TT_SERVER_IP6}")
	case $e in
	*" REACHABLE"|*" STALE"|*" DELAY"|*" PROBE"|*" PERMANENT") return 0 ;;
	esac
	return 1
}

tt_ns() { ip netns exec "$TT_NS" "$@"; }

# One request with "Connection: close", so tcpterm closes: the probe should
# leave no TIME_WAIT on the kernel side.  (curl may still close first when
# tcpterm's FIN does not ride on the response; the e2e checks allow it.)
_tt_http_probe()
{
	if tt_has4; then
		tt_ns curl -s -o /dev/null -m 1 -H 'Connection: close' \
			"$(tt_url 4)" 2>/dev/null || return 1
	fi
	if tt_has6; then
		tt_ns curl -6 -g -s -o /dev/null -m 1 -H 'Connection: close' \
			"$(tt_url 6)" 2>/dev/null || return 1
	fi
}

tt_wait_http()
{
	tt_wait_for -s "${TT_HTTP_TIMEOUT:-30}" "tcpterm to answer HTTP" _tt_http_probe
}

# tcpterm options that give its port the IPv6 address when the kernel side
# speaks IPv6 (none otherwise).
tt_ip6_args()
{
	tt_has6 && echo "--set port0.ip6=$TT_SERVER_IP6/$TT_PREFIXLEN6"
	return 0
}

# Everything up to "tcpterm answers HTTP from the namespace".
tt_up()
{
	tt_netns_add || { tt_log "cannot create namespace $TT_NS"; return 1; }
	# shellcheck disable=SC2046 # a word list
	tt_server_start $(tt_ip6_args) "$@"
	tt_tap_to_netns && tt_wait_http
}

# ---------------------------------------------------------------- e2e

# tt_tools_need TOOL...: as root, a missing tool is installed
# (scripts/deps.sh, once) and the test fails if that does not bring it;
# without root it skips.
tt_tools_need()
{
	local t missing=()
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ ${#missing[@]} = 0 ] && return 0
	if [ "$(id -u)" = 0 ]; then
		tt_log "installing what provides: ${missing[*]}"
		bash "$TT_LIB_DIR/deps.sh" >&2 </dev/null
		for t in "${missing[@]}"; do
			command -v "$t" >/dev/null 2>&1 ||
				tt_skip "'$t' not installed and scripts/deps.sh did not install it"
		done
		return 0
	fi
	tt_skip "'${missing[0]}' not installed (run scripts/deps.sh as root)"
}

# tt_e2e_begin TOOL...: skip (77) unless this can run; then set up names,
# trap and a work directory.
tt_e2e_begin()
{
	[ "$(id -u)" = 0 ] || tt_skip "needs root (tap device, network namespace)"
	[ -c /dev/net/tun ] || tt_skip "no /dev/net/tun (tun module not loaded?)"
	tt_tools_need ip ss python3 curl "$@"
	[ -x "$TCPTERM" ] || tt_die "tcpterm binary not found at $TCPTERM"
	[ -f "$TT_CONF" ] || tt_die "config not found: $TT_CONF"
	tt_names
	tt_trap
	tt_workdir
	if ! ip netns add "$TT_NS" 2>/dev/null; then
		tt_skip "cannot create network namespaces here"
	fi
	ip netns del "$TT_NS"
}

tt_ok() { TT_CHECKS=$((TT_CHECKS + 1)); printf 'ok %d - %s\n' "$TT_CHECKS" "$*"; }

tt_fail()
{
	TT_CHECKS=$((TT_CHECKS + 1))
	TT_FAILS=$((TT_FAILS + 1))
	printf 'not ok %d - %s\n' "$TT_CHECKS" "$*"
	return 1
}

# tt_check DESCRIPTION CMD [ARG...]: returns CMD's success, so that a
# failed check can print what explains it (`tt_check ... || show`).
tt_check()
{
	local what=$1
	shift
	if "$@"; then tt_ok "$what"; else tt_fail "$what"; fi
}

# Fail the test now (setup broken: later checks would only add noise).
tt_abort()
{
	tt_fail "$*"
	tt_server_log_tail
	exit 1
}

tt_e2e_end()
{
	if [ "$TT_FAILS" -gt 0 ]; then
		echo "$TT_FAILS of $TT_CHECKS checks failed"
		exit 1
	fi
	echo "all $TT_CHECKS checks passed"
	exit 0
}

# tt_ns_count STATE [-4|-6]: connections the kernel side holds in STATE
# (an ss state filter name), of either family or of the one given.
tt_ns_count()
{
	# shellcheck disable=SC2086 # empty or one option
	tt_ns ss -Htan ${2:-} state "$1" 2>/dev/null | wc -l
}

_tt_ns_no_estab() { [ "$(tt_ns_count established)" = 0 ]; }

# ---------------------------------------------------------------- JSON

# Python that every JSON helper shares: read the complete lines of a
# --stats-json file (a line still being written is ignored), pick the last
# or the final one, and evaluate an expression over it with
#   j = the object, s = j["states"], c = j["counters"], n = number of lines.
# A counter or state name that does not exist is an error, so a renamed
# counter makes a check fail instead of reading 0.
_TT_JSON_PY='
import ast, json, sys

class Strict(dict):
    def __missing__(self, k):
        raise SystemExit("no such key in stats JSON: %r (have: %s)"
                         % (k, ", ".join(sorted(self))))

def lines(path):
    out = []
    try:
        with open(path) as f:
            for ln in f:
                if not ln.endswith("\n"):
                    break
                try:
                    out.append(json.loads(ln))
                except ValueError:
                    pass
    except FileNotFoundError:
        pass
    return out

def pick(objs, which):
    if which == "final":
        objs = [o for o in objs if o.get("final") is True]
    elif which == "nonfinal":
        objs = [o for o in objs if o.get("final") is not True]
    return objs[-1] if objs else None

def env(path, which):
    objs = lines(path)
    j = pick(objs, which)
    if j is None:
        return None
    return {"j": j, "s": Strict(j.get("states", {})),
            "c": Strict(j.get("counters", {})), "n": len(objs)}

def names(expr):
    """The c[...] and s[...] terms an expression reads, for the failure report."""
    out = []
    for node in ast.walk(ast.parse(expr, mode="eval")):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and node.value.id in ("c", "s")):
            key = node.slice
            if isinstance(key, ast.Constant):
                out.append((node.value.id, key.value))
    return out
'

# tt_json FILE WHICH EXPR: print EXPR's value (WHICH: last, nonfinal, final).
tt_json()
{
	python3 -c "$_TT_JSON_PY"'
e = env(sys.argv[1], sys.argv[2])
if e is None:
    sys.exit("no %s line in %s" % (sys.argv[2], sys.argv[1]))
v = eval(sys.argv[3], {}, e)
print(int(v) if isinstance(v, bool) else v)
' "$@"
}

# tt_json_show WHICH NAME...: print "NAME=value" for counters and states.
tt_json_show()
{
	python3 -c "$_TT_JSON_PY"'
e = env(sys.argv[1], sys.argv[2])
if e is None:
    sys.exit("no %s line in %s" % (sys.argv[2], sys.argv[1]))
out = []
for k in sys.argv[3:]:
    v = e["s"].get(k, e["c"].get(k, e["j"].get(k, "?")))
    out.append("%s=%s" % (k, v))
print("  " + " ".join(out))
' "$TT_STATS_JSON" "$@"
}

# tt_json_lines FILE: number of complete JSON lines so far.
tt_json_lines()
{
	python3 -c "$_TT_JSON_PY"'
print(len(lines(sys.argv[1])))
' "$1"
}

# tt_json_true FILE WHICH EXPR: succeed if EXPR holds, quietly.
tt_json_true()
{
	python3 -c "$_TT_JSON_PY"'
e = env(sys.argv[1], sys.argv[2])
sys.exit(0 if e is not None and eval(sys.argv[3], {}, e) else 1)
' "$@" 2>/dev/null
}

# tt_json_check WHICH DESCRIPTION EXPR: a check on the stats JSON; on
# failure print the values EXPR read.
tt_json_check()
{
	local which=$1 what=$2 expr=$3 out
	if out=$(python3 -c "$_TT_JSON_PY"'
e = env(sys.argv[1], sys.argv[2])
if e is None:
    print("    no %s line in %s" % (sys.argv[2], sys.argv[1]))
    sys.exit(1)
try:
    ok = eval(sys.argv[3], {}, e)
except SystemExit as x:
    print("    " + str(x))
    sys.exit(1)
if not ok:
    print("    " + sys.argv[3])
    for d, k in names(sys.argv[3]):
        print("      %s[%r] = %s" % (d, k, e[d].get(k, "(missing)")))
sys.exit(0 if ok else 1)
' "$TT_STATS_JSON" "$which" "$expr" 2>&1); then
		tt_ok "$what"
	else
		tt_fail "$what"
		printf '%s\n' "$out"
	fi
}

# States a connection passes through; all zero once traffic has stopped and
# every close has finished (TIME_WAIT, CLOSED, LISTEN excluded).
TT_BUSY_STATES='s["SYN_RECEIVED"] + s["ESTABLISHED"] + s["FIN_WAIT_1"] + s["FIN_WAIT_2"] + s["CLOSING"] + s["CLOSE_WAIT"] + s["LAST_ACK"]'

# TIME_WAIT bookkeeping during a run: records alive (the gauge) = created
# minus every way one ends.  Gauge and counters move in the same code, so
# this only catches a path that updates one and not the other.
TT_TW_COUNTERS='s["TIME_WAIT"] == c["tw_created"] - c["tw_expired"] - c["tw_syn_accepted"] - c["tw_rst_killed"] - c["tw_evicted"] - c["tw_reused"] - c["tw_drained"]'

# TIME_WAIT at exit (final line only), against an independent count: at the
# drain tcpterm walks every TIME_WAIT table's hash chains (tw_walked).  The
# records found must equal the gauge then (left), the counters' created
# minus ended, and the records dropped at exit (tw_drained).
TT_TW_BALANCE='j["tw_walked"] == j["left"]["TIME_WAIT"] == c["tw_drained"] == c["tw_created"] - c["tw_expired"] - c["tw_syn_accepted"] - c["tw_rst_killed"] - c["tw_evicted"] - c["tw_reused"] and s["TIME_WAIT"] == 0'

# Every active close ends in TIME_WAIT unless the close was cut short (RST,
# retries or FIN_WAIT_2 timeout) or max_tw_buckets refused a record.
TT_TW_FROM_ACTIVE='c["tw_created"] <= c["active_closes"] and c["active_closes"] - c["tw_created"] - c["tw_overflow"] <= c["rsts_received"] + c["orphan_give_ups"] + c["fin_wait2_timeouts"] + c["retries2_give_ups"] + c["aborts_drain"]'

# A server run where tcpterm closes first: its TIME_WAIT records come from
# its own active closes, add up with the gauge, and some are held (the
# last line of the stats file that is not the final one).
tt_check_tw_held()
{
	tt_json_check nonfinal "TIME_WAIT created by tcpterm's own active closes" "$TT_TW_FROM_ACTIVE"
	tt_json_check nonfinal "TIME_WAIT records: created minus ended == held (gauge)" "$TT_TW_COUNTERS"
	tt_json_check nonfinal "tcpterm holds TIME_WAIT" 's["TIME_WAIT"] > 0'
}

# The kernel peer in the namespace holds TIME-WAIT only for the
# connections it closed first: tcpterm's passive and simultaneous closes.
tt_check_kernel_tw_own_closes()
{
	local ktw pc
	ktw=$(tt_ns_count time-wait)
	pc=$(tt_json "$TT_STATS_JSON" nonfinal 'c["passive_closes"] + c["simultaneous_closes"]')
	tt_check "kernel holds TIME-WAIT only for its own closes (ss: $ktw <= ${pc:-?})" \
		[ "$ktw" -le "${pc:--1}" ]
}

_tt_stats_quiet()
{
	tt_json_true "$TT_STATS_JSON" nonfinal "n > $1 and $TT_BUSY_STATES == 0"
}

# Wait until the kernel side has nothing ESTABLISHED and a stats line written
# after now shows no connection still opening or closing.
tt_wait_quiet()
{
	local mark
	mark=$(tt_json_lines "$TT_STATS_JSON")
	tt_wait_for -s "${1:-20}" "no ESTABLISHED connection in $TT_NS" _tt_ns_no_estab
	tt_check "kernel side: no connection left ESTABLISHED" _tt_ns_no_estab
	tt_wait_for -s "${1:-20}" "tcpterm's connections to finish closing" \
		_tt_stats_quiet "$mark"
	tt_json_check nonfinal "tcpterm: no connection left opening or closing" \
		"$TT_BUSY_STATES == 0"
}

# tt_baseline EXPR: once the readiness probe has ended (a stats line written
# after now shows nothing opening or closing), print EXPR on that line: the
# figure a test subtracts to count exactly what its own traffic did.
tt_baseline()
{
	local mark
	mark=$(tt_json_lines "$TT_STATS_JSON")
	tt_wait_for -s 20 "a quiet stats line before the load" _tt_stats_quiet "$mark" >&2 ||
		return 1
	tt_json "$TT_STATS_JSON" nonfinal "$1"
}

# Stop tcpterm, wait for its final JSON line and check the exit accounting.
tt_stop_and_check_final()
{
	tt_server_stop 30
	local rc=$TT_SERVER_RC
	tt_check "tcpterm exited 0 after SIGTERM (status $rc)" [ "$rc" = 0 ]
	tt_json_check last "final stats line written (the file's last line is final)" \
		'j.get("final") is True'
	tt_json_check final "final: every mbuf returned (mbufs_in_use == 0)" \
		'j["mbufs_in_use"] == 0'
	tt_json_check final "final: TIME_WAIT records all accounted for" "$TT_TW_BALANCE"
	[ "$rc" = 0 ] || tt_server_log_tail
}

# ---------------------------------------------------------------- telemetry

# tt_telemetry CMD: one DPDK telemetry command to the running tcpterm,
# straight to its v2 socket (what dpdk-telemetry.py does: SOCK_SEQPACKET,
# read the greeting, send the command, read one JSON reply); prints the
# reply's value for CMD as JSON.  Fails if the socket or the command is not
# there.
tt_telemetry()
{
	python3 - "/var/run/dpdk/$TT_PREFIX/dpdk_telemetry.v2" "$1" <<'PY'
import json, socket, sys
path, cmd = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(5)
s.connect(path)
json.loads(s.recv(16384).decode())            # greeting: version, pid, max_output_len
s.send(cmd.encode())
reply = json.loads(s.recv(1 << 20).decode())
if reply.get(cmd) is None:
    sys.exit("telemetry: no answer to %s: %s" % (cmd, reply))
print(json.dumps(reply[cmd]))
PY
}

# ---------------------------------------------------------------- capture

# tt_capture_start FILE FILTER: tcpdump on the kernel side of the tap (in
# the namespace) into FILE, and wait until it listens.  --immediate-mode
# hands each packet to tcpdump as it arrives (no ring-block timeout) and -U
# writes it out at once.  Sets TT_CAP_PID, TT_CAP_FILE, TT_CAP_ERR.
tt_capture_start()
{
	TT_CAP_FILE=$1
	TT_CAP_ERR=$1.err
	tt_spawn ip netns exec "$TT_NS" tcpdump -i "$TT_IF" --immediate-mode -nn -S -U \
		-s 128 -B 16384 -w "$TT_CAP_FILE" "$2" 2>"$TT_CAP_ERR"
	TT_CAP_PID=${TT_PIDS[-1]}
	tt_wait_for 20 "tcpdump to start" grep -q "listening on" "$TT_CAP_ERR"
}

_tt_cap_size() { stat -c %s "$TT_CAP_FILE" 2>/dev/null || echo 0; }

# The capture file has not grown for TT_CAP_STILL_MS (default 1500 ms, more
# than libpcap's 1 s ring-block timeout should immediate mode not apply).
_tt_cap_still()
{
	local size
	size=$(_tt_cap_size)
	if [ "$size" != "$_TT_CAP_LAST" ]; then
		_TT_CAP_LAST=$size
		_TT_CAP_SINCE=$(tt_now_ms)
		return 1
	fi
	[ $(($(tt_now_ms) - _TT_CAP_SINCE)) -ge "${TT_CAP_STILL_MS:-1500}" ]
}

# tt_capture_stop: stop the capture only once tcpdump has written everything
# it was handed (issue 11 item 5: a capture stopped with packets still in
# its buffer lost a quarter of them).  Waits until the file stops growing,
# then SIGINT (tcpdump flushes and prints its counts), waits for the exit.
# Fails unless tcpdump wrote every packet its filter accepted and the kernel
# dropped none: a test that reads the capture must tt_check this.
tt_capture_stop()
{
	_TT_CAP_LAST=$(_tt_cap_size)
	_TT_CAP_SINCE=$(tt_now_ms)
	tt_wait_for 30 "the capture file to stop growing" _tt_cap_still || return 1
	kill -INT "$TT_CAP_PID" 2>/dev/null
	tt_wait_for 10 "tcpdump to exit" eval "! kill -0 $TT_CAP_PID 2>/dev/null" || {
		tt_stop_pid "$TT_CAP_PID" 5
		return 1
	}
	wait "$TT_CAP_PID" 2>/dev/null
	local got seen dropped
	got=$(awk '/packets captured/ { print $1 }' "$TT_CAP_ERR")
	seen=$(awk '/packets received by filter/ { print $1 }' "$TT_CAP_ERR")
	dropped=$(awk '/packets dropped by kernel/ { print $1 }' "$TT_CAP_ERR")
	echo "  tcpdump: ${got:-?} captured, ${seen:-?} received by filter, ${dropped:-?} dropped by kernel"
	[ -n "$got" ] && [ "$got" = "$seen" ] && [ "${dropped:-1}" = 0 ]
}

# Parse wrk's text output (FILE): fail on socket errors or non-2xx/3xx.
tt_wrk_check()
{
	local f=$1 reqs
	reqs=$(awk '/requests in/ { print $1 }' "$f")
	tt_check "wrk completed requests (${reqs:-none})" [ "${reqs:-0}" -gt 0 ]
	if grep -q 'Socket errors' "$f"; then
		tt_fail "wrk: 0 socket errors ($(grep 'Socket errors' "$f" | sed 's/^ *//'))"
	else
		tt_ok "wrk: 0 socket errors"
	fi
	if grep -q 'Non-2xx' "$f"; then
		tt_fail "wrk: 0 non-2xx responses ($(grep 'Non-2xx' "$f" | sed 's/^ *//'))"
	else
		tt_ok "wrk: 0 non-2xx responses"
	fi
	TT_WRK_REQUESTS=${reqs:-0}
}

# ---------------------------------------------------------------- build

# tt_build DIR [meson option...]: configure DIR if needed (or apply the
# options), then build.  A build directory meson can no longer read (made by
# another meson version, half-deleted) is wiped and set up again.  Output
# goes to TT_BUILD_LOG if set, else to stdout.
_tt_build_run()
{
	if [ -n "${TT_BUILD_LOG:-}" ]; then
		tt_run -a "$TT_BUILD_LOG" "$@"
	else
		tt_run "$@"
	fi
}

tt_build()
{
	local dir=$1
	shift
	if [ -f "$dir/meson-private/coredata.dat" ] &&
		meson introspect "$dir" --projectinfo >/dev/null 2>&1; then
		if [ $# -gt 0 ] && ! _tt_build_run meson configure "$dir" "$@"; then
			_tt_build_run meson setup --wipe "$dir" "$@" || return 1
		fi
	elif [ -f "$dir/meson-private/coredata.dat" ]; then
		tt_log "$dir is stale: wiping it"
		_tt_build_run meson setup --wipe "$dir" "$@" || return 1
	else
		_tt_build_run meson setup "$dir" "$@" || return 1
	fi
	_tt_build_run ninja -C "$dir"
}
