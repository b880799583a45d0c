#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: tcpterm on net_null, whose RX returns a flood of zero-filled frames:
# every one is a counted drop (never parsed as ours, never a crash), the run
# ends by itself, and every mbuf comes back.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

[ "$(id -u)" = 0 ] || tt_skip "needs root (hugepages or /var/run/dpdk)"
tt_names
tt_trap
tt_workdir

JSON=$TT_WORKDIR/stats.json
# shellcheck disable=SC2046 # word list
tt_run -o "$TT_WORKDIR/tcpterm.log" timeout -k 5 --foreground 60 "$TCPTERM" -l "$TT_LCORES" \
	--no-pci --vdev=net_null0 --file-prefix="$TT_PREFIX" $(tt_eal_mem) \
	-- -c "$TT_SOURCE_DIR/config/tap.conf" --set general.idle_sleep=0 \
	--duration 2 --stats-json "$JSON"
rc=$?
tail -n 12 "$TT_WORKDIR/tcpterm.log"
tt_check "tcpterm on net_null exited 0 after --duration (status $rc)" [ "$rc" = 0 ]
TT_STATS_JSON=$JSON
tt_json_show final pkts_rx drop_short drop_not_ours drop_bad_header
tt_json_check final "the null frames were received" 'c["pkts_rx"] > 1000'
tt_json_check final "every null frame is a counted drop" \
	'c["drop_short"] + c["drop_not_ours"] + c["drop_bad_header"] + c["drop_bad_cksum"] >= c["pkts_rx"]'
tt_json_check final "nothing was taken for TCP" 'c["conns_opened"] == 0'
tt_json_check final "every mbuf returned (mbufs_in_use == 0)" 'j["mbufs_in_use"] == 0'

# ---- poll gaps: with idle_sleep 3 ms (longer than the 1 ms tick) and no
# RX at all, every poll begins more than a tick after the previous one, and
# each gap is at least the sleep.
JSON3=$TT_WORKDIR/gaps.json
# shellcheck disable=SC2046 # word list
tt_run -o "$TT_WORKDIR/gaps.log" timeout -k 5 --foreground 60 "$TCPTERM" -l "$TT_LCORES" \
	--no-pci --vdev=net_null0,no-rx=1 --file-prefix="$TT_PREFIX" $(tt_eal_mem) \
	-- -c "$TT_SOURCE_DIR/config/null.conf" --set general.idle_sleep=3000 \
	--set general.tick=1000 --duration 1 --set general.drain_time=100 --stats-json "$JSON3"
rc=$?
tt_check "tcpterm with idle_sleep 3 ms exited 0 (status $rc)" [ "$rc" = 0 ]
TT_STATS_JSON=$JSON3
tt_json_show final poll_gaps poll_gap_us polls_busy polls_idle
tt_json_check final "every poll but the first and last counted as a gap over one tick" \
	'c["polls_busy"] + c["polls_idle"] > 50 and c["poll_gaps"] >= c["polls_busy"] + c["polls_idle"] - 2'
tt_json_check final "each gap at least the 3 ms sleep (poll_gap_us >= 3000 x poll_gaps)" \
	'c["poll_gap_us"] >= 3000 * c["poll_gaps"] > 0'

# ---- the second Ctrl-C (README: "A second Ctrl-C ends the drain at once").
# Client mode on net_null: SYNs go nowhere, so connections sit in SYN_SENT
# retransmitting (syn_retries 6: ~25 s) and a drain with drain_time 300 s
# would wait for them.  The first SIGINT starts the drain (tcpterm stays);
# the second ends it at once: exit 0, the final line written, SYN_SENT left.
JSON2=$TT_WORKDIR/ctrlc.json
# shellcheck disable=SC2046 # word list
"$TCPTERM" -l "$TT_LCORES" --no-pci --vdev=net_null0,no-rx=1 --file-prefix="$TT_PREFIX" \
	$(tt_eal_mem) -- -c "$TT_SOURCE_DIR/config/null.conf" --duration 0 \
	--set general.drain_time=300000 --set tcp.syn_retries=6 --set client.concurrency=100 \
	--stats-json "$JSON2" >"$TT_WORKDIR/ctrlc.log" 2>&1 </dev/null &
TT_SERVER_PID=$!
TT_STATS_JSON=$JSON2
_syn_sent() { tt_json_true "$JSON2" nonfinal 's["SYN_SENT"] > 0'; }
tt_wait_for -s 30 "connections in SYN_SENT" _syn_sent || tt_abort "client mode on net_null started"
kill -INT "$TT_SERVER_PID"
# Two more stats lines after the first signal: it is draining, not gone.
n0=$(tt_json_lines "$JSON2")
_two_lines() { [ "$(tt_json_lines "$JSON2")" -ge $((n0 + 2)) ]; }
tt_wait_for -s 10 "two stats lines after the first SIGINT" _two_lines
tt_check "after the first SIGINT tcpterm is still draining" tt_server_alive
t0=$(tt_now_ms)
kill -INT "$TT_SERVER_PID"
_gone() { ! tt_server_alive; }
tt_wait_for 10 "tcpterm to exit after the second SIGINT" _gone
dt=$(($(tt_now_ms) - t0))
wait "$TT_SERVER_PID"
rc=$?
TT_SERVER_PID=
tail -n 6 "$TT_WORKDIR/ctrlc.log"
tt_check "the second SIGINT ended the drain at once (exit after ${dt} ms < 5000)" [ "$dt" -lt 5000 ]
tt_check "tcpterm exited 0 after the second SIGINT (status $rc)" [ "$rc" = 0 ]
tt_json_check last "final line written, SYN_SENT connections left by the cut drain" \
	'j.get("final") is True and j["left"]["SYN_SENT"] > 0'
tt_json_check final "every mbuf returned (mbufs_in_use == 0)" 'j["mbufs_in_use"] == 0'
tt_e2e_end
