# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers shared by the client-mode e2e tests (client_*.sh), on top of
# scripts/lib.sh.  Sourced, never run.

. "${TT_SOURCE_DIR:-$(dirname "${BASH_SOURCE[0]}")/../..}/scripts/lib.sh"

TT_RING_CONF=$TT_SOURCE_DIR/config/ring-both.conf

# Counters that count a failed connect, for any reason.
TT_CONNECT_FAILED='c["connect_failed_refused"] + c["connect_failed_timeout"] + c["connect_failed_table_full"]'

# tt_client_begin [TOOL...]: like tt_e2e_begin, for tests that need no tap
# and no namespace (ring_pair, memif): skip (77) unless this can run, then
# names, trap, work directory.
tt_client_begin()
{
	tt_tools_need python3 "$@"
	[ -x "$TCPTERM" ] || tt_die "tcpterm binary not found at $TCPTERM"
	tt_names
	tt_trap
	tt_workdir
}

# tt_lcores_need N: skip unless the machine has N cores.
tt_lcores_need()
{
	local n
	n=$(nproc)
	[ "$n" -ge "$1" ] || tt_skip "needs $1 cores, this machine has $n"
}

# tt_ring_run NAME LCORES [tcpterm option...]: run tcpterm on ring_pair
# (mode both, client and server in one process) to the end of its duration;
# its output goes to $TT_WORKDIR/NAME.log, its stats to NAME.json (made the
# current TT_STATS_JSON).  Sets TT_RUN_RC.
tt_ring_run()
{
	local name=$1 lcores=$2 mem
	shift 2
	mem=$(tt_eal_mem)
	TT_STATS_JSON=$TT_WORKDIR/$name.json
	TT_SERVER_LOG=$TT_WORKDIR/$name.log
	# shellcheck disable=SC2086 # mem and TT_EAL_EXTRA are word lists
	set -- -l "$lcores" --no-pci --file-prefix="$TT_PREFIX" $mem $TT_EAL_EXTRA \
		-- -c "$TT_RING_CONF" --stats-json "$TT_STATS_JSON" "$@"
	echo "$TCPTERM $*" >"$TT_WORKDIR/$name.cmd"
	# A hard bound: duration + drain is far less than this.
	tt_run -o "$TT_SERVER_LOG" timeout -s TERM -k 10 60 "$TCPTERM" "$@" </dev/null
	TT_RUN_RC=$?
	tt_check "$name: tcpterm exited 0 (status $TT_RUN_RC)" [ "$TT_RUN_RC" = 0 ]
	[ "$TT_RUN_RC" = 0 ] || tt_server_log_tail
	tt_dpdk_files_rm
}

# The client's one-line summary from a tcpterm log, for the test's output.
tt_client_summary()
{
	grep -E '^client: [0-9]+ connects started' "$1" | sed 's/^/  /'
}
