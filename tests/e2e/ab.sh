#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: ab -n 2000 -c 50.  ab speaks HTTP/1.0 without keep-alive, so tcpterm
# closes each connection after its response and holds TIME_WAIT.
#   ab: 2000 complete, 0 failed, no non-2xx; tcpterm's TIME_WAIT accounting
#   matches its active closes; nothing left ESTABLISHED; the kernel holds
#   TIME-WAIT only for the spare connections ab closes itself at the end.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin ab
tt_up --set tcp.time_wait=600 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"

base=$(tt_baseline 'c["http_responses"]') || tt_abort "a quiet stats line before ab"
tt_ns_run -o "$TT_WORKDIR/ab.txt" timeout --foreground 120 \
	ab -q -n 2000 -c 50 -s 10 "http://$TT_SERVER_IP/"
rc=$?
sed -n '/^Server Hostname/,/^Transfer rate/p' "$TT_WORKDIR/ab.txt"
tt_check "ab exited 0 (status $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || tail -n 5 "$TT_WORKDIR/ab.txt"
field() { awk -F: -v k="$1" '$1 == k { gsub(/[ \t]/, "", $2); print $2 }' "$TT_WORKDIR/ab.txt"; }
complete=$(field 'Complete requests')
failed=$(field 'Failed requests')
non2xx=$(field 'Non-2xx responses')
tt_check "ab: 2000 complete requests (got ${complete:-none})" [ "${complete:-}" = 2000 ]
tt_check "ab: 0 failed requests (got ${failed:-none})" [ "${failed:-}" = 0 ]
tt_check "ab: no non-2xx responses (got ${non2xx:-0})" [ -z "$non2xx" ]

tt_wait_quiet
tt_json_show nonfinal conns_opened http_responses active_closes passive_closes \
	tw_created tw_syn_accepted TIME_WAIT rsts_sent
tt_json_check nonfinal "tcpterm answered exactly ab's 2000 requests" \
	"c['http_responses'] - $base == 2000"
tt_json_check nonfinal "HTTP/1.0: tcpterm closed first (active_closes >= 2000)" \
	'c["active_closes"] >= 2000'
tt_json_check nonfinal "TIME_WAIT created by tcpterm's own active closes" "$TT_TW_FROM_ACTIVE"
tt_json_check nonfinal "TIME_WAIT records: created minus ended == held (gauge)" "$TT_TW_COUNTERS"
tt_json_check nonfinal "tcpterm holds TIME_WAIT" 's["TIME_WAIT"] > 0'
# The client closes first only the connections it had open when it
# stopped (at most one per concurrent slot) and perhaps the readiness probe
# (curl closes as soon as it has the whole response, which can beat
# tcpterm's FIN): tcpterm's passive closes.  Only those may leave TIME-WAIT
# on the kernel side.
tt_json_check nonfinal "the client closed first at most its last 50 connections + the probe" \
	'c["passive_closes"] <= 51'
ktw=$(tt_ns_count time-wait)
pc=$(tt_json "$TT_STATS_JSON" nonfinal 'c["passive_closes"] + c["simultaneous_closes"]')
tt_check "kernel holds TIME-WAIT only for its own closes (ss: $ktw <= ${pc:-?})" \
	[ "$ktw" -le "${pc:--1}" ]

tt_stop_and_check_final
tt_e2e_end
