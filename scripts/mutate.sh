#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Mutation check: can the unit and conformance suites see a broken stack?
#
# Each mutation below changes one spot of lib/tcp, lib/timer or lib/http
# (a flipped comparison, a dropped state transition, an off-by-one in a
# sequence check, a wrong constant).  For each, on a temporary copy of the
# tree (never the checkout itself), the copy is rebuilt incrementally and
# `meson test --suite unit --suite conformance` runs; a mutation is
# "killed" when some test fails (or hangs), and "survives" when all pass.
# The score is killed / (mutations that build).  Not part of scripts/test.sh.
#
#   scripts/mutate.sh [--check] [--keep] [--min PCT] [--only REGEX]
#
#   --check      only verify that every mutation still applies (each old
#                text occurs exactly once in its file); no build
#   --keep       keep the temporary copy and its build (path printed)
#   --min PCT    exit 1 when fewer than PCT % are killed (default 90)
#   --only RE    run only the mutations whose id matches RE
#
# A mutation whose text no longer occurs once is an error (exit 2): update
# the table when the code moves.  Exit 0 when the score reaches --min.

set -u
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHECK=0 KEEP=0 MIN=90 ONLY=
while [ $# -gt 0 ]; do
	case $1 in
	--check) CHECK=1 ;;
	--keep) KEEP=1 ;;
	--min) MIN=$2; shift ;;
	--only) ONLY=$2; shift ;;
	-h|--help) sed -n '3,24p' "$0"; exit 0 ;;
	*) echo "mutate.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# id | file | old text | new text | what it breaks
# In the texts, \n is a newline and \t a tab; '|' may not appear.
MUTATIONS=$(cat <<'EOF'
in-acc-zero-len | lib/tcp/tcp_input.c | SEQ_GEQ(seg->seq, lo) && SEQ_LT(seg->seq, hi); | SEQ_GT(seg->seq, lo) && SEQ_LT(seg->seq, hi); | off by one: an empty segment at rcv_nxt unacceptable
in-acc-data-end | lib/tcp/tcp_input.c | (SEQ_GEQ(seg->seq + len - 1, lo) && SEQ_LT(seg->seq + len - 1, hi)) | (SEQ_GEQ(seg->seq + len, lo) && SEQ_LT(seg->seq + len, hi)) | off by one: last byte of a segment
in-rst-exact | lib/tcp/tcp_input.c | if (seg->seq != c->rcv_nxt) {\n\t\t\tTT_INC(s->st, rsts_ignored); | if (seg->seq == c->rcv_nxt) {\n\t\t\tTT_INC(s->st, rsts_ignored); | RFC 5961 3.2: RST only at exactly rcv_nxt
in-ack-unsent | lib/tcp/tcp_input.c | if (SEQ_GT(ack, c->snd_max)) { | if (SEQ_GEQ(ack, c->snd_max)) { | ACK of everything sent treated as ACK of unsent data
in-ooo | lib/tcp/tcp_input.c | if (SEQ_GT(seq, c->rcv_nxt)) { | if (SEQ_GEQ(seq, c->rcv_nxt)) { | in-order data taken as out of order
in-dupack-3 | lib/tcp/tcp_input.c | } else if (c->dupacks == 3) { | } else if (c->dupacks == 4) { | fast retransmit on the 4th duplicate ACK (no SACK)
in-closing | lib/tcp/tcp_input.c | conn_set_state(s, c, TCP_CLOSING); | conn_set_state(s, c, TCP_CLOSE_WAIT); | simultaneous close goes to CLOSE_WAIT
in-finwait2 | lib/tcp/tcp_input.c | \t\tconn_set_state(s, c, TCP_FIN_WAIT_2);\n | \n | FIN_WAIT_1 -> FIN_WAIT_2 transition dropped
in-fin-seq | lib/tcp/tcp_input.c | \t\tc->rcv_nxt++;\n\t\tc->flags \|= TF_RCV_FIN; | \t\tc->flags \|= TF_RCV_FIN; | the peer's FIN takes no sequence number
in-paws | lib/tcp/tcp_input.c | (int32_t)(seg->tsval - c->ts_recent) < 0 && | (int32_t)(seg->tsval - c->ts_recent) <= 0 && | PAWS rejects an equal timestamp
in-srtt | lib/tcp/tcp_input.c | c->srtt = (uint32_t)((7ull * c->srtt + r) / 8); | c->srtt = (uint32_t)((3ull * c->srtt + r) / 4); | RFC 6298 alpha 1/4 instead of 1/8
in-rto-floor | lib/tcp/tcp_input.c | rto = c->srtt + (var4 > cfg->rto_min ? var4 : cfg->rto_min); | rto = c->srtt + var4; | RTO without the rto_min floor
in-synack-ack | lib/tcp/tcp_input.c | if (!(SEQ_LT(c->snd_una, ack) && SEQ_LEQ(ack, c->snd_max))) { | if (!(SEQ_LEQ(c->snd_una, ack) && SEQ_LEQ(ack, c->snd_max))) { | SYN_RECEIVED accepts an ACK that does not cover the SYN-ACK
in-cwnd-syn | lib/tcp/tcp_input.c | c->cwnd += app_acked < c->mss ? app_acked : c->mss; | c->cwnd += acked < c->mss ? acked : c->mss; | slow start grown by the ACK of the SYN
in-wnd-update | lib/tcp/tcp_input.c | (c->snd_wl1 == seg->seq && SEQ_LEQ(c->snd_wl2, ack))) { | (c->snd_wl1 == seg->seq && SEQ_LT(c->snd_wl2, ack))) { | window update ignored from a same-seq same-ack segment
tm-backoff | lib/tcp/tcp_timers.c | uint64_t rto = (uint64_t)c->rto * 2; | uint64_t rto = (uint64_t)c->rto * 3; | RTO backoff factor 3
tm-giveup | lib/tcp/tcp_timers.c | if (c->retries >= limit) {\n\t\tif (c->flags & TF_ORPHAN) | if (c->retries > limit) {\n\t\tif (c->flags & TF_ORPHAN) | one retransmission more than orphan_retries / retries2
tm-syn-giveup | lib/tcp/tcp_timers.c | if (c->retries >= limit) {\n\t\tif (active) | if (c->retries > limit) {\n\t\tif (active) | one SYN more than syn_retries
tm-ka-probes | lib/tcp/tcp_timers.c | if (c->ka_probes >= cfg->keepalive_probes) { | if (c->ka_probes > cfg->keepalive_probes) { | one keep-alive probe too many
tm-ka-intvl | lib/tcp/tcp_timers.c | c->t_ka = s->now + cfg->keepalive_intvl; | c->t_ka = s->now + cfg->keepalive_time; | probes spaced by keepalive_time
tm-fw2-orphan | lib/tcp/tcp_timers.c | if (c->state == TCP_FIN_WAIT_2 && (c->flags & TF_ORPHAN)) { | if (c->state == TCP_FIN_WAIT_2) { | fin_timeout applied after shutdown() too
tm-tlp-first | lib/tcp/tcp_timers.c | \t\tc->t_tlp = 0;\n\t\ttcp_tlp_fire(s, c); | \t\tc->t_tlp = 0; | the tail loss probe never sent
out-fin-acked | lib/tcp/tcp_priv.h | return (c->flags & TF_FIN_SENT) && SEQ_GT(c->snd_una, c->snd_end); | return (c->flags & TF_FIN_SENT) && SEQ_GEQ(c->snd_una, c->snd_end); | FIN taken as acknowledged one sequence early
out-psh | lib/tcp/tcp_output.c | if (len > 0 && len == left)\n\t\t\tseg.flags \|= TCP_F_PSH; | if (len > 0 && len != left)\n\t\t\tseg.flags \|= TCP_F_PSH; | PSH on the wrong segments
out-rst-ack | lib/tcp/tcp_output.c | seg.ack = in->seq + in->len + !!(in->flags & TCP_F_SYN) + | seg.ack = in->seq + in->len + | RST reply does not count the SYN
out-rst-seq | lib/tcp/tcp_output.c | seg.seq = in->ack;\n\t\tseg.flags = TCP_F_RST; | seg.seq = in->ack + 1;\n\t\tseg.flags = TCP_F_RST; | RST reply at SEG.ACK + 1
out-ka-seq | lib/tcp/tcp_output.c | seg_init(s, c, &seg, TCP_F_ACK, c->snd_una - 1); | seg_init(s, c, &seg, TCP_F_ACK, c->snd_una); | keep-alive and window probes at snd_una (no answer forced)
out-rto-cwnd | lib/tcp/tcp_output.c | \tc->cwnd = c->mss;\n\tc->dupacks = 0; | \tc->cwnd = c->ssthresh;\n\tc->dupacks = 0; | cwnd not reset to one segment after an RTO
out-fin-win | lib/tcp/tcp_output.c | \t\t\tif (SEQ_GEQ(c->snd_nxt, c->snd_max) &&\n\t\t\t    SEQ_GEQ(c->snd_nxt, c->snd_una + c->snd_wnd))\n\t\t\t\tbreak; | \t\t\tif (0)\n\t\t\t\tbreak; | a new FIN sent through a shut window
st-abort-flush | lib/tcp/tcp_stack.c | if (s->in_input && !(c->flags & TF_ORPHAN))\n\t\ttcp_output(s, c); | if (0)\n\t\ttcp_output(s, c); | linger-0 abort discards data written in the same callback
st-orphan-8 | lib/tcp/tcp_stack.c | return s->cfg->orphan_retries ? s->cfg->orphan_retries : 8; | return s->cfg->orphan_retries ? s->cfg->orphan_retries : 7; | orphan_retries 0 means 7
st-close-fw2 | lib/tcp/tcp_stack.c | \t\t\tc->t_ka = s->now + s->cfg->fin_timeout;\n\t\t\tconn_timer_update(s, c);\n\t\t}\n\t\treturn; | \t\t}\n\t\treturn; | close() after shutdown() in FIN_WAIT_2 never times out
tlp-delack | lib/tcp/tcp_tlp.c | (one_segment ? s->cfg->rto_min : TCP_TLP_MIN_US) | (one_segment ? TCP_TLP_MIN_US : s->cfg->rto_min) | PTO allowances swapped
tlp-sack | lib/tcp/tcp_tlp.c | return (er == 3 \|\| er == 4) && (c->flags & TF_SACK); | return (er == 3 \|\| er == 4) && c != NULL; | probes without SACK
tlp-rearm | lib/tcp/tcp_tlp.c | \tc->t_rtx = s->now + c->rto;\n | \tc->t_rtx = s->now + 2 * c->rto;\n | the probe backs off the RTO
tlp-once | lib/tcp/tcp_tlp.c | \tc->tlp_flags \|= TLP_PROBE_OUT;\n | \n | more than one probe per tail
tw-paws | lib/tcp/tcp_timewait.c | bool paws_reject = use_ts && !rst && (int32_t)(seg->tsval - r->ts_recent) < 0; | bool paws_reject = use_ts && !rst && (int32_t)(seg->tsval - r->ts_recent) <= 0; | TIME_WAIT PAWS rejects an equal timestamp
tw-rfc1337 | lib/tcp/tcp_timewait.c | if (cfg->rfc1337 == 0) | if (cfg->rfc1337 != 0) | rfc1337 inverted
tw-expire | lib/tcp/tw_table.c | if ((int32_t)(tw_rec_expire(tw, a) - now_ms) > 0) | if ((int32_t)(tw_rec_expire(tw, a) - now_ms) > 1) | TIME_WAIT ends one ms early
tw-overflow | lib/tcp/tcp_timewait.c | if (s->tw.count >= s->tw.capacity && | if (s->tw.count > s->tw.capacity && | max_tw_buckets exceeded by one
tmw-ceil | lib/timer/timer_wheel.c | return q + (q * w->tick != us); | return q; | timers round down: fire up to a tick early
tmw-rearm-later | lib/timer/timer_wheel.c | if (expire >= t->expire && t->expire > w->now) { | if (expire >= t->expire) { | re-arming a due timer later keeps it due
tmw-budget | lib/timer/timer_wheel.c | while (fired < budget && !tmw_list_empty(&w->expired)) { | while (fired <= budget && !tmw_list_empty(&w->expired)) { | one callback beyond the budget
tmw-target | lib/timer/timer_wheel.c | if (tk > target) {\n\t\t\tw->cur = target + 1; | if (tk >= target) {\n\t\t\tw->cur = target + 1; | the tick due now is skipped
tmw-early | lib/timer/timer_wheel.c | if (t->expire <= tk_us)\n | if (t->expire <= tk_us + w->tick)\n | a timer collected one tick early
http-get | lib/http/http_parse.c | if (p->sub == 3 && p->tok == HTTP_METHOD3('G', 'E', 'T')) | if (p->sub == 4 && p->tok == HTTP_METHOD3('G', 'E', 'T')) | GET not recognised
http-nheaders | lib/http/http_parse.c | if (++p->nheaders > HTTP_MAX_HEADERS) | if (++p->nheaders >= HTTP_MAX_HEADERS) | one header fewer allowed
http-cl-overflow | lib/http/http_parse.c | if (p->body_left > (UINT64_MAX - d) / 10) | if (0) | Content-Length overflow not detected
http-conn-close | lib/http/http_parse.c | if (i == CONN_TOK_CLOSE) | if (i != CONN_TOK_CLOSE) | Connection: close misread
http-ka-limit | lib/http/http_server.c | h->requests >= hs->cfg->keepalive_requests) { | h->requests > hs->cfg->keepalive_requests) { | keepalive_requests off by one
http-rst-frac | lib/http/http_server.c | tt_rand01(&hs->rng) < hs->cfg->rst_fraction) | tt_rand01(&hs->rng) > hs->cfg->rst_fraction) | rst_fraction inverted
http-resp-204 | lib/http/http_resp.c | if ((p->flags & RF_HEAD) \|\| p->status == 204 \|\| p->status == 304) { | if ((p->flags & RF_HEAD) \|\| p->status == 304) { | a 204 response expected to carry a body
http-resp-cl | lib/http/http_resp.c | if ((p->flags & RF_CL) && p->val != p->body_left) | if (0) | conflicting Content-Length values accepted
EOF
)

WORK=
cleanup()
{
	[ -n "$WORK" ] || return 0
	if [ "$KEEP" = 1 ]; then
		echo "kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

# apply.py FILE OLD NEW: replace the one occurrence of OLD (exit 3 when it
# does not occur exactly once).  With NEW = "-" only count.
APPLY='
import sys
path, old, new = sys.argv[1:4]
def unesc(s):
    return s.replace("\\|", "|").replace("\\n", "\n").replace("\\t", "\t")
old = unesc(old)
text = open(path).read()
n = text.count(old)
if n != 1:
    sys.stderr.write("%s: the old text occurs %d times\n" % (path, n))
    sys.exit(3)
if new != "-":
    open(path, "w").write(text.replace(old, unesc(new), 1))
'

# Split one table line into the globals M_ID M_FILE M_OLD M_NEW M_WHY.
# Fields are separated by " | "; "\|" inside a field is a literal bar.
split_line()
{
	local l=${1//\\|/$'\x01'} f
	IFS=$'\x02' read -r -a f <<<"${l// | /$'\x02'}"
	M_ID=${f[0]} M_FILE=${f[1]} M_OLD=${f[2]//$'\x01'/\\|}
	M_NEW=${f[3]//$'\x01'/\\|} M_WHY=${f[4]:-}
}

stale=0
total=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	split_line "$line"
	total=$((total + 1))
	if ! python3 -c "$APPLY" "$SRC/$M_FILE" "$M_OLD" - 2>/dev/null; then
		echo "STALE $M_ID: its text is not found exactly once in $M_FILE" >&2
		stale=$((stale + 1))
	fi
done <<<"$MUTATIONS"
echo "$total mutations, $stale stale"
[ "$stale" = 0 ] || exit 2
[ "$CHECK" = 0 ] || exit 0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tt-mutate.XXXXXX")
mkdir -p "$WORK/src"
# The tree as it is (tracked and new files, with uncommitted changes).  One
# tar reads the whole list (xargs would split a long one into several
# archives, and the extracting tar stops at the first one's end).
(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
	tar -cf - --no-recursion --null -T - 2>/dev/null) | tar -xf - -C "$WORK/src" ||
	{ echo "mutate.sh: cannot copy the tree" >&2; exit 2; }
echo "copy: $WORK/src"

meson setup "$WORK/build" "$WORK/src" -Dbench=false -Dtests=enabled \
	>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log"; exit 2; }
# Build only what the two suites run (not the app's DPDK link each time).
mapfile -t TARGETS < <(meson introspect --tests "$WORK/build" | python3 -c '
import json, os, sys
b = sys.argv[1]
for t in json.load(sys.stdin):
    if set(t["suite"]) & {"tcpterm:unit", "tcpterm:conformance", "unit", "conformance"}:
        exe = t["cmd"][0]
        if exe.startswith(b + "/"):
            print(os.path.relpath(exe, b))
' "$WORK/build" | sort -u)
[ "${#TARGETS[@]}" -gt 0 ] || { echo "mutate.sh: no unit/conformance tests found" >&2; exit 2; }

build() { ninja -C "$WORK/build" -j2 "${TARGETS[@]}" >"$WORK/build.log" 2>&1; }
run_tests()
{
	timeout 900 meson test -C "$WORK/build" --no-rebuild --suite unit \
		--suite conformance --num-processes 2 --timeout-multiplier 0.5 \
		>"$WORK/test.log" 2>&1
}
failed_tests()
{
	grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|ERROR)' "$WORK/test.log" |
		sed -E 's/^ *[0-9]+\/[0-9]+ +[^ ]*:[a-z]+ \/ ([^ ]+).*/\1/' | head -n 4 | paste -sd, -
}

start=$(date +%s)
# The baseline builds everything once: tests that run the tcpterm binary
# (its CLI only) find it; mutations rebuild only the test executables.
ninja -C "$WORK/build" -j2 >"$WORK/build.log" 2>&1 ||
	{ echo "mutate.sh: the unmutated copy does not build" >&2; tail -n 30 "$WORK/build.log"; exit 2; }
run_tests || { echo "mutate.sh: the unmutated copy fails its tests" >&2; tail -n 30 "$WORK/test.log"; exit 2; }
echo "baseline: builds, unit + conformance pass ($(( $(date +%s) - start )) s)"

killed=0 valid=0 invalid=0
survivors=()
while IFS= read -r line; do
	[ -n "$line" ] || continue
	split_line "$line"
	if [ -n "$ONLY" ] && ! [[ $M_ID =~ $ONLY ]]; then
		continue
	fi
	f="$WORK/src/$M_FILE"
	cp -p "$f" "$WORK/orig"
	python3 -c "$APPLY" "$f" "$M_OLD" "$M_NEW" || exit 2
	t0=$(date +%s)
	if ! build; then
		invalid=$((invalid + 1))
		printf '%-18s does not build (not counted)\n' "$M_ID"
	else
		valid=$((valid + 1))
		if run_tests; then
			survivors+=("$M_ID: $M_WHY ($M_FILE)")
			printf '%-18s SURVIVED  %s (%d s)\n' "$M_ID" "$M_WHY" $(( $(date +%s) - t0 ))
		else
			killed=$((killed + 1))
			printf '%-18s killed    by %s (%d s)\n' "$M_ID" "$(failed_tests)" $(( $(date +%s) - t0 ))
		fi
	fi
	cp "$WORK/orig" "$f"
	touch "$f"     # newer than the mutant's object: rebuilt next time
done <<<"$MUTATIONS"

echo
echo "mutation score: $killed killed of $valid ($invalid did not build) in $(( $(date +%s) - start )) s"
if [ "${#survivors[@]}" -gt 0 ]; then
	echo "survivors:"
	printf '  %s\n' "${survivors[@]}"
fi
[ "$valid" -gt 0 ] || exit 1
[ $((killed * 100)) -ge $((MIN * valid)) ]
