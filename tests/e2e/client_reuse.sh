#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 4): tw_reuse lifts the port-range ceiling.  One destination
# ip:port, one source IP, 28232 source ports (32768-60999), TIME_WAIT 60 s,
# closer = client (config/ring-both.conf, client and server in one process):
#   - tw_reuse = 1: in 10 s the client opens far more than 28232 connections
#     (more than the ceiling of a whole 60 s without reuse), none fails, and
#     they come from TIME_WAIT records it reused;
#   - tw_reuse = 0 (control): it stops at 28232, one per port, counts
#     port_exhausted while it waits, and still none fails.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/client_lib.sh"

PORTS=28232
tt_client_begin

tt_ring_run reuse_on 0 --duration 10 --set tcp.time_wait=60 --set tcp.tw_reuse=1 \
	--set client.closer=client
tt_client_summary "$TT_SERVER_LOG"
tt_json_show final connects_started conns_established http_client_responses \
	tw_created tw_reused tuples_skipped port_exhausted tw_expired
tt_json_check final "tw_reuse=1: well above $PORTS connections in 10 s (> 2 x $PORTS)" \
	"c[\"connects_started\"] > 2 * $PORTS"
tt_json_check final "tw_reuse=1: 0 connects failed" "$TT_CONNECT_FAILED == 0"
tt_json_check final "tw_reuse=1: every connection answered" \
	'c["http_client_responses"] == c["connects_started"] and c["http_client_bad_responses"] == 0'
tt_json_check final "tw_reuse=1: connections beyond the port range reused TIME_WAIT tuples" \
	"c[\"tw_reused\"] > 0 and c[\"tw_reused\"] >= c[\"connects_started\"] - $PORTS"
tt_json_check final "tw_reuse=1: no record expired (time_wait = 60 s)" 'c["tw_expired"] == 0'
tt_json_check final "tw_reuse=1: TIME_WAIT records all accounted for" "$TT_TW_BALANCE"

tt_ring_run reuse_off 0 --duration 4 --set tcp.time_wait=60 --set tcp.tw_reuse=0 \
	--set client.closer=client
tt_client_summary "$TT_SERVER_LOG"
tt_json_show final connects_started conns_established http_client_responses \
	tw_created tw_reused tuples_skipped port_exhausted
tt_json_check final "tw_reuse=0: exactly $PORTS connections, one per source port" \
	"c[\"connects_started\"] == $PORTS and c[\"http_client_responses\"] == $PORTS"
tt_json_check final "tw_reuse=0: the client ran out of ports (port_exhausted > 0)" \
	'c["port_exhausted"] > 0'
tt_json_check final "tw_reuse=0: nothing reused" 'c["tw_reused"] == 0'
tt_json_check final "tw_reuse=0: 0 connects failed" "$TT_CONNECT_FAILED == 0"
tt_json_check nonfinal "tw_reuse=0: every port held in TIME_WAIT" "s[\"TIME_WAIT\"] == $PORTS"

tt_e2e_end
