#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e: wrk with "Connection: close", so tcpterm closes every connection
# first and holds TIME_WAIT, and the kernel (the client) holds none for them.
#   wrk: 0 socket errors, 0 non-2xx; tcpterm's TIME_WAIT gauge equals the
#   records its active closes created minus those taken over by a new SYN
#   (RFC 6191: Linux reuses ports quickly) or ended otherwise; ss in the
#   namespace shows nothing ESTABLISHED, and TIME-WAIT only for the few
#   connections wrk itself closed first when it stopped.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/scripts/lib.sh"

tt_e2e_begin wrk
# A TIME_WAIT far longer than the test: no record may expire, so the
# gauge must equal exactly what the closes created minus what SYNs took over.
tt_up --set tcp.time_wait=600 ||
	tt_abort "tcpterm up and answering HTTP on $TT_IF"

base=$(tt_baseline 'c["http_responses"]') || tt_abort "a quiet stats line before wrk"
tt_ns_run -o "$TT_WORKDIR/wrk.txt" timeout --foreground 60 \
	wrk -t1 -c64 -d5s -H 'Connection: close' "http://$TT_SERVER_IP/"
rc=$?
cat "$TT_WORKDIR/wrk.txt"
tt_check "wrk exited 0 (status $rc)" [ "$rc" = 0 ]
tt_wrk_check "$TT_WORKDIR/wrk.txt"

tt_wait_quiet
n=$TT_WRK_REQUESTS
tt_json_show nonfinal conns_opened http_responses active_closes passive_closes \
	tw_created tw_syn_accepted TIME_WAIT rsts_sent rsts_received
# wrk counts the responses it read; when it stops it drops the requests it
# has in flight (at most one per connection) whose responses tcpterm may
# have sent.
tt_json_check nonfinal "tcpterm answered what wrk counted, plus at most 64 in flight ($n)" \
	"$n <= c['http_responses'] - $base <= $n + 64"
tt_json_check nonfinal "tcpterm closed first after each response (active_closes >= $n)" \
	"c[\"active_closes\"] >= $n"
tt_check_tw_held
tt_json_check nonfinal "no TIME_WAIT expired (time_wait = 600 s)" 'c["tw_expired"] == 0'
# The client closes first only the connections it had open when it
# stopped (at most one per concurrent slot) and perhaps the readiness probe
# (curl closes as soon as it has the whole response, which can beat
# tcpterm's FIN): tcpterm's passive closes.  Only those may leave TIME-WAIT
# on the kernel side.
tt_json_check nonfinal "the client closed first at most its last 64 connections + the probe" \
	'c["passive_closes"] <= 65'
tt_check_kernel_tw_own_closes

tt_stop_and_check_final
tt_e2e_end
