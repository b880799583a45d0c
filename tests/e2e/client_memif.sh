#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 4): tcpterm client against tcpterm server, two processes joined
# by net_memif (config/memif-server.conf, config/memif-client.conf), each
# with its own --file-prefix and one lcore (server on lcore 0, client on 1).
# Run once with closer = client, then with closer = server; each time:
#   - no connect fails and no response is bad;
#   - both sides agree: connections the client established = connections
#     the server established, requests the client sent = requests the
#     server answered = responses the client got;
#   - TIME_WAIT is held by the side that closed first, and only there;
#   - both stop on SIGTERM (they drain), exit 0 and return every mbuf.

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/client_lib.sh"

# How long the client runs once its traffic flows (the memif link takes a
# moment to come up after the client starts).
RUN_SECS=4
# 2^12 descriptors per memif ring (default 2^10): room for a few hundred ms
# of traffic while the peer process waits for a core, so a busy machine
# loses fewer packets.
MEMIF_RSIZE=12

tt_client_begin
tt_lcores_need 2

CLIENT_PID=
tt_cleanup_hook()
{
	if tt_alive "$CLIENT_PID"; then
		tt_stop_pid "$CLIENT_PID" 20
	fi
	[ -n "${TT_PREFIX:-}" ] && rm -rf "/var/run/dpdk/${TT_PREFIX}c"
}

# start_tcpterm NAME LCORE ROLE CONF [option...]: start one side in the
# background; prints nothing, sets STARTED_PID.
start_tcpterm()
{
	local name=$1 lcore=$2 role=$3 conf=$4 prefix=$TT_PREFIX mem
	shift 4
	[ "$role" = client ] && prefix=${TT_PREFIX}c
	mem=$(tt_eal_mem)
	# shellcheck disable=SC2086 # mem and TT_EAL_EXTRA are word lists
	set -- -l "$lcore" --no-pci --file-prefix="$prefix" $mem $TT_EAL_EXTRA \
		--vdev="net_memif0,role=$role,socket=$SOCK,socket-abstract=no,rsize=$MEMIF_RSIZE" \
		-- -c "$TT_SOURCE_DIR/config/$conf" \
		--stats-json "$TT_WORKDIR/$name.json" "$@"
	echo "$TCPTERM $*" >"$TT_WORKDIR/$name.cmd"
	"$TCPTERM" "$@" >"$TT_WORKDIR/$name.log" 2>&1 </dev/null &
	STARTED_PID=$!
}

_first_line() { [ -s "$1" ]; }
# The client has made RUN_SECS worth of stats lines since traffic began.
_client_ran()
{
	tt_json_true "$1" nonfinal 'c["http_client_responses"] > 0' || return 1
	python3 -c '
import json, sys
n = 0
for ln in open(sys.argv[1]):
    if ln.endswith("\n") and json.loads(ln)["counters"]["http_client_responses"] > 0:
        n += 1
sys.exit(0 if n > int(sys.argv[2]) else 1)' "$1" "$RUN_SECS"
}

_client_ran_or_died() { _client_ran "$1" || ! tt_alive "$CLIENT_PID"; }

# one_run CLOSER
one_run()
{
	local cl=$1 S C rc
	SOCK=$TT_WORKDIR/memif-$cl.sock
	S=$TT_WORKDIR/server-$cl.json
	C=$TT_WORKDIR/client-$cl.json

	start_tcpterm "server-$cl" 0 server memif-server.conf --set tcp.time_wait=600
	TT_SERVER_PID=$STARTED_PID
	TT_SERVER_LOG=$TT_WORKDIR/server-$cl.log
	TT_STATS_JSON=$S
	tt_wait_for -s 30 "the server's first stats line" _first_line "$S" ||
		tt_abort "$cl: server started"
	start_tcpterm "client-$cl" 1 client memif-client.conf --set general.duration=0 \
		--set tcp.time_wait=600 --set client.closer="$cl"
	CLIENT_PID=$STARTED_PID
	# Stop waiting early if the client died.
	tt_wait_for 40 "the client to run ${RUN_SECS}s" _client_ran_or_died "$C"
	_client_ran "$C" ||
		{ TT_SERVER_LOG=$TT_WORKDIR/client-$cl.log; tt_abort "$cl: client traffic flows"; }

	# The client first: it drains its own connections while the server
	# still answers; then the server.
	tt_stop_pid "$CLIENT_PID" 30
	rc=$?
	CLIENT_PID=
	tt_check "$cl: client exited 0 after SIGTERM (status $rc)" [ "$rc" = 0 ]
	tt_client_summary "$TT_WORKDIR/client-$cl.log"
	tt_server_stop 30
	rc=$TT_SERVER_RC
	tt_check "$cl: server exited 0 after SIGTERM (status $rc)" [ "$rc" = 0 ]
	rm -f "$SOCK"
	tt_dpdk_files_rm
	rm -rf "/var/run/dpdk/${TT_PREFIX}c"

	TT_STATS_JSON=$C
	echo "  client:"
	tt_json_show final connects_started conns_established http_client_requests \
		http_client_responses active_closes passive_closes tw_created \
		tw_reused port_exhausted drop_no_arp syn_retransmits rsts_sent rsts_received
	TT_STATS_JSON=$S
	echo "  server:"
	tt_json_show final passive_opens conns_established http_requests http_responses \
		active_closes passive_closes tw_created tw_syn_accepted rsts_sent rsts_received

	# Both final lines in one expression: k = client, v = server.
	both()
	{
		python3 -c "$_TT_JSON_PY"'
k, v = env(sys.argv[1], "final"), env(sys.argv[2], "final")
if k is None or v is None:
    sys.exit("no final line")
expr = sys.argv[3]
ok = eval(expr, {}, {"kc": k["c"], "vc": v["c"]})
if not ok:
    import re
    for d, key in re.findall(r"\b(kc|vc)\[\"(\w+)\"\]", expr):
        print("      %s[%r] = %s" % (d, key, (k if d == "kc" else v)["c"][key]))
sys.exit(0 if ok else 1)' "$C" "$S" "$1"
	}
	check_both()
	{
		local out
		if out=$(both "$2" 2>&1); then
			tt_ok "$1"
		else
			tt_fail "$1"
			printf '    %s\n%s\n' "$2" "$out"
		fi
	}

	TT_STATS_JSON=$C
	tt_json_check final "$cl: client made connections (responses >= 90 % of connects started)" 'c["http_client_responses"] >= 0.9 * c["connects_started"] > 0'
	tt_json_check final "$cl: client: 0 connects failed" "$TT_CONNECT_FAILED == 0"
	tt_json_check final "$cl: client: 0 bad responses" 'c["http_client_bad_responses"] == 0'
	tt_json_check final "$cl: client: responses == requests" \
		'c["http_client_responses"] == c["http_client_requests"]'
	tt_json_check final "$cl: client: every mbuf returned" 'j["mbufs_in_use"] == 0'
	tt_json_check final "$cl: client: TIME_WAIT records all accounted for" \
		"$TT_TW_BALANCE"
	TT_STATS_JSON=$S
	tt_json_check final "$cl: server: every mbuf returned" 'j["mbufs_in_use"] == 0'
	tt_json_check final "$cl: server: TIME_WAIT records all accounted for" "$TT_TW_BALANCE"
	tt_json_check final "$cl: server: no bad request" 'c["http_bad_requests"] == 0'

	check_both "$cl: connections established: client == server" \
		'kc["conns_established"] == vc["conns_established"]'
	check_both "$cl: requests sent by the client == requests the server got" \
		'kc["http_client_requests"] == vc["http_requests"] == vc["http_responses"]'
	# No RST either way, unless packets were lost or retransmitted (a memif
	# ring full, or a process that waited for a core longer than the RTO,
	# on this 2-core machine).  Those leave two legitimate kinds of RST:
	# the closer's TIME_WAIT re-ACKs a retransmitted FIN and the re-ACK
	# reaches a peer that already closed, which answers with RST as Linux
	# answers a segment for no socket (drop_no_conn, drop_no_listener),
	# killing the TIME_WAIT record (rfc1337 = 0); and a LAST_ACK whose
	# peer already exited is aborted by the drain (aborts_drain).  Every
	# RST sent must be one of those, and none may come without a cause.
	check_both "$cl: no RST, or after loss/retransmission only RSTs for no socket or a drain abort" \
		'kc["rsts_sent"] + kc["rsts_received"] + vc["rsts_sent"] + vc["rsts_received"] == 0 or (sum(x["tx_ring_full"] + x["fin_retransmits"] + x["data_retransmits"] + x["syn_retransmits"] + x["synack_retransmits"] for x in (kc, vc)) > 0 and kc["rsts_sent"] == kc["drop_no_listener"] + kc["drop_no_conn"] + kc["aborts_drain"] and vc["rsts_sent"] == vc["drop_no_listener"] + vc["drop_no_conn"] + vc["aborts_drain"] and vc["rsts_received"] <= kc["rsts_sent"] and kc["rsts_received"] <= vc["rsts_sent"])'
	if [ "$cl" = client ]; then
		check_both "client closed first: TIME_WAIT on the client, none on the server" \
			'kc["tw_created"] > 0 and vc["tw_created"] == 0 and vc["active_closes"] == 0'
		check_both "client closed first: every client close left TIME_WAIT but those its drain cut" \
			'kc["active_closes"] - kc["tw_created"] == kc["http_client_requests"] - kc["http_client_responses"]'
		check_both "client closed first: client active closes == server passive closes == TIME_WAIT created" \
			'kc["active_closes"] == vc["passive_closes"] == kc["conns_established"] == kc["tw_created"]'
	else
		check_both "server closed first: TIME_WAIT on the server, none on the client" \
			'vc["tw_created"] > 0 and kc["tw_created"] == 0 and kc["tw_reused"] == 0'
		check_both "server closed first: the client closed nothing first but what its drain cut" \
			'kc["active_closes"] == kc["http_client_requests"] - kc["http_client_responses"]'
		TT_STATS_JSON=$S
		tt_json_check final "server closed first: its TIME_WAIT came from its active closes" \
			"$TT_TW_FROM_ACTIVE"
		check_both "server closed first: server active closes == client passive closes" \
			'vc["active_closes"] == kc["passive_closes"] == vc["conns_established"]'
	fi
}

one_run client
one_run server
tt_e2e_end
