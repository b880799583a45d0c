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
tt_e2e_end
