#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 4, client mode): tcpterm as client and server in one process,
# joined by ring_pair (config/ring-both.conf), no device at all.
#
#   1. closer = client, one lcore, TIME_WAIT 600 s: no connect fails, every
#      request is answered, and TIME_WAIT sits on the client side: the
#      client reuses its own records (tw_reuse = 1) and the server never
#      sees a SYN land on a TIME_WAIT record of its own.
#   2. closer = server, two lcores (two queues per port): TIME_WAIT moves to
#      the server: the client never holds a record (nothing reused, ports
#      never exhausted) and, once the client wraps around its port range,
#      its SYNs take over the server's TIME_WAIT records (RFC 6191).  No
#      packet reaches an lcore that does not own its tuple.
#
# One stats JSON per run; the in-run checks read the last per-second line,
# the accounting ones the final line.  Both sides' counters are summed in one
# process, so "which side" is read from counters only one side moves
# (tw_reused: client; tw_syn_accepted: server).

set -u
. "${TT_SOURCE_DIR:-$(dirname "$0")/../..}/tests/e2e/client_lib.sh"

tt_client_begin

# ---------------------------------------------------------------- 1
tt_ring_run closer_client 0 --duration 4 --set tcp.time_wait=600 \
	--set client.closer=client
tt_client_summary "$TT_SERVER_LOG"
tt_json_show final connects_started http_client_requests http_client_responses \
	http_requests active_closes passive_closes tw_created tw_reused \
	tw_syn_accepted port_exhausted drop_no_arp TIME_WAIT

tt_json_check final "closer=client: connections were made (responses >= 90 % of connects started)" 'c["http_client_responses"] >= 0.9 * c["connects_started"] > 0'
tt_json_check final "closer=client: 0 connects failed" "$TT_CONNECT_FAILED == 0"
tt_json_check final "closer=client: 0 bad responses" 'c["http_client_bad_responses"] == 0'
tt_json_check final "closer=client: responses == requests" \
	'c["http_client_responses"] == c["http_client_requests"]'
tt_json_check final "closer=client: the server got every request" \
	'c["http_requests"] == c["http_client_requests"] and c["http_responses"] == c["http_requests"]'
tt_json_check final "closer=client: no RST either way" \
	'c["rsts_sent"] == 0 and c["rsts_received"] == 0'
tt_json_check nonfinal "closer=client: TIME_WAIT held during the run" 's["TIME_WAIT"] > 0'
tt_json_check final "closer=client: one active close (client) per connection" \
	'c["active_closes"] == c["http_client_responses"] and c["passive_closes"] == c["active_closes"]'
tt_json_check final "closer=client: each active close left a TIME_WAIT record" \
	'c["tw_created"] == c["active_closes"]'
tt_json_check final "closer=client: TIME_WAIT on the client side (it reused its own records)" \
	'c["tw_reused"] > 0'
tt_json_check final "closer=client: none on the server side (no SYN met a server record)" \
	'c["tw_syn_accepted"] == 0 and c["tw_syn_refused"] == 0'
tt_json_check final "closer=client: no TIME_WAIT expired (time_wait = 600 s)" 'c["tw_expired"] == 0'
tt_json_check nonfinal "closer=client: TIME_WAIT records all accounted for (in the run)" \
	"$TT_TW_COUNTERS"
tt_json_check final "closer=client: TIME_WAIT records all accounted for (at exit)" \
	"$TT_TW_BALANCE"
tt_json_check final "closer=client: every mbuf returned" 'j["mbufs_in_use"] == 0'

# latency_us (README: "also as latency_us in the JSON"): every response
# the client got is one response-latency sample, every established connect
# one connect-latency sample.
tt_json_check final "closer=client: latency_us.response.n == responses" \
	'j["latency_us"]["response"]["n"] == c["http_client_responses"]'
tt_json_check final "closer=client: latency_us.connect: one sample per connect, p50 <= p99" \
	'j["latency_us"]["connect"]["n"] >= c["http_client_responses"] and 0 < j["latency_us"]["connect"]["p50"] <= j["latency_us"]["connect"]["p99"]'

# ---------------------------------------------------------------- faults
# [fault] rx_drop, tx_drop and tx_delay on every packet (README), on the
# same ring pair: each drops or delays its share, counted, and the run still
# ends cleanly.  Expected figures come from the run's own packet counts.
RXD=0.1 TXD=0.1 DELAY_MS=5
tt_ring_run faults 0 --duration 3 --set tcp.time_wait=600 --set client.closer=client \
	--set fault.seed=11 --set fault.rx_drop=$RXD --set fault.tx_drop=$TXD \
	--set fault.tx_delay=$((DELAY_MS * 1000))
tt_json_show final pkts_rx pkts_tx fault_rx_drops fault_tx_drops fault_tx_delayed \
	tx_ring_full http_client_responses
tt_json_check final "faults: rx_drop dropped its share of received packets (90 % to 120 % of rx_drop x received)" \
	"0.9 * $RXD * c['pkts_rx'] <= c['fault_rx_drops'] <= 1.2 * $RXD * c['pkts_rx'] and c['pkts_rx'] > 5000"
tt_json_check final "faults: tx_drop dropped its share of packets to send (90 % to 120 % of tx_drop x attempts)" \
	"0.9 * $TXD <= c['fault_tx_drops'] / (c['fault_tx_drops'] + c['fault_tx_delayed']) <= 1.2 * $TXD"
# Every packet not dropped went through the delay queue and then out (the
# queue is flushed at exit): delayed == sent + refused by a full ring.
tt_json_check final "faults: tx_delay held every packet sent (delayed == tx + ring full)" \
	"c['fault_tx_delayed'] == c['pkts_tx'] + c['tx_ring_full']"
# SYN delayed on the client's side, SYN-ACK on the server's: a connect
# takes at least two delays.
tt_json_check final "faults: tx_delay shows in connect latency (p50 >= 2 x $DELAY_MS ms)" \
	"j['latency_us']['connect']['p50'] >= 2 * $DELAY_MS * 1000 and j['latency_us']['connect']['n'] > 0"
tt_json_check final "faults: the client still got responses" 'c["http_client_responses"] > 0'
tt_json_check final "faults: every mbuf returned" 'j["mbufs_in_use"] == 0'

# ---------------------------------------------------------------- 2
tt_lcores_need 2
tt_ring_run closer_server 0-1 --duration 4 --set tcp.time_wait=600 \
	--set client.closer=server
tt_client_summary "$TT_SERVER_LOG"
tt_json_show final connects_started http_client_requests http_client_responses \
	http_requests active_closes passive_closes tw_created tw_reused \
	tw_syn_accepted port_exhausted drop_wrong_lcore rsts_sent TIME_WAIT
q=$(grep -c '^lcore [0-9]*: client tuples on queue' "$TT_SERVER_LOG")
tt_check "closer=server: two lcores own client tuples ($q)" [ "$q" = 2 ]

tt_json_check final "closer=server: connections were made (responses >= 90 % of connects started)" 'c["http_client_responses"] >= 0.9 * c["connects_started"] > 0'
tt_json_check final "closer=server: 0 connects failed" "$TT_CONNECT_FAILED == 0"
tt_json_check final "closer=server: 0 bad responses" 'c["http_client_bad_responses"] == 0'
tt_json_check final "closer=server: no packet on the wrong lcore (drop_wrong_lcore == 0)" \
	'c["drop_wrong_lcore"] == 0'
tt_json_check nonfinal "closer=server: no RST during the run" \
	'c["rsts_sent"] == 0 and c["rsts_received"] == 0'
tt_json_check nonfinal "closer=server: TIME_WAIT held during the run" 's["TIME_WAIT"] > 0'
tt_json_check final "closer=server: the client held no TIME_WAIT (nothing reused or skipped, no port exhaustion)" \
	'c["tw_reused"] == 0 and c["tuples_skipped"] == 0 and c["port_exhausted"] == 0'
tt_json_check final "closer=server: the client wrapped its port range" \
	'c["connects_started"] > 28232'
tt_json_check nonfinal "closer=server: TIME_WAIT on the server side (client SYNs took over its records)" \
	'c["tw_syn_accepted"] > 0 and c["tw_syn_refused"] == 0'
tt_json_check final "closer=server: TIME_WAIT created by active closes" \
	"$TT_TW_FROM_ACTIVE"
tt_json_check final "closer=server: TIME_WAIT records all accounted for (at exit)" \
	"$TT_TW_BALANCE"
tt_json_check final "closer=server: responses == requests" \
	'c["http_client_responses"] == c["http_client_requests"]'
tt_json_check final "closer=server: every mbuf returned" 'j["mbufs_in_use"] == 0'

tt_e2e_end
