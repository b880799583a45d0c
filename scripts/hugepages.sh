#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Hugepages for tcpterm, or the --no-huge fallback.
#
#   hugepages.sh reserve [STATE]   make TT_HUGEPAGES (512) 2 MiB pages free,
#                                  mount hugetlbfs if nothing is mounted, and
#                                  remember in STATE what to undo
#   hugepages.sh release [STATE]   undo what "reserve" did
#   hugepages.sh args              change nothing, just decide
#
# "reserve" and "args" print the EAL memory arguments to use on stdout:
# nothing when at least TT_MEM_MB (512) MiB of 2 MiB pages are free on a
# mounted hugetlbfs, else "--no-huge -m TT_MEM_MB".  Diagnostics go to
# stderr.  The exit status is always 0: no hugepages is a fallback, not an
# error.  STATE defaults to /run/tcpterm-hugepages.state.

set -u

HP=/sys/kernel/mm/hugepages/hugepages-2048kB
WANT=${TT_HUGEPAGES:-512}
MEM_MB=${TT_MEM_MB:-512}
NEED=$(((MEM_MB + 1) / 2))
STATE=${2:-/run/tcpterm-hugepages.state}
MNT=/dev/hugepages

log() { echo "hugepages: $*" >&2; }
no_huge() { echo "--no-huge -m $MEM_MB"; }

# A hugetlbfs mount serving 2 MiB pages (DPDK finds it in /proc/mounts).
mounted()
{
	awk '$3 == "hugetlbfs" && ($4 ~ /pagesize=2M/ || $4 !~ /pagesize=/) { f = 1 }
		END { exit !f }' /proc/mounts
}

# Pages free and not promised to an existing mapping.
avail()
{
	local free resv
	free=$(cat "$HP/free_hugepages" 2>/dev/null) || free=0
	resv=$(cat "$HP/resv_hugepages" 2>/dev/null) || resv=0
	echo $((free - resv))
}

decide()
{
	local a
	a=$(avail)
	if [ -d "$HP" ] && mounted && [ "$a" -ge "$NEED" ]; then
		log "using hugepages ($a x 2 MiB free)"
	else
		if [ ! -d "$HP" ]; then
			log "no 2 MiB hugepage support: using --no-huge"
		elif ! mounted; then
			log "no hugetlbfs mounted: using --no-huge"
		else
			log "only $a x 2 MiB hugepages free, need $NEED: using --no-huge"
		fi
		no_huge
	fi
}

state_get()
{
	[ -f "$STATE" ] && awk -F= -v k="$1" '$1 == k { print $2 }' "$STATE"
}

reserve()
{
	local prev="" mnt="" target="" nr a
	if [ -f "$STATE" ]; then
		# Left by a run that was killed: its "prev" is the original count.
		prev=$(state_get prev)
		mnt=$(state_get mnt)
		target=$(state_get target)
	fi
	if [ -w "$HP/nr_hugepages" ] && [ "$(avail)" -lt "$NEED" ]; then
		nr=$(cat "$HP/nr_hugepages")
		a=$(avail)
		[ -n "$prev" ] || prev=$nr
		if echo $((nr + WANT - a)) >"$HP/nr_hugepages" 2>/dev/null; then
			target=$(cat "$HP/nr_hugepages")
		else
			log "could not set $HP/nr_hugepages"
		fi
	elif [ ! -w "$HP/nr_hugepages" ]; then
		log "cannot change the hugepage count (not root, or read-only /sys)"
	fi
	if ! mounted && [ -d "$HP" ] && [ "$(id -u)" = 0 ]; then
		mkdir -p "$MNT" &&
			mount -t hugetlbfs -o pagesize=2M nodev "$MNT" 2>/dev/null &&
			mnt=$MNT
	fi
	if [ -n "$prev$mnt" ]; then
		mkdir -p "$(dirname "$STATE")"
		printf 'prev=%s\ntarget=%s\nmnt=%s\n' "$prev" "$target" "$mnt" >"$STATE"
	fi
	decide
}

release()
{
	local prev target mnt
	[ -f "$STATE" ] || return 0
	prev=$(state_get prev)
	target=$(state_get target)
	mnt=$(state_get mnt)
	if [ -n "$mnt" ] && mountpoint -q "$mnt" 2>/dev/null; then
		# Busy means another DPDK process still uses it: leave it.
		umount "$mnt" 2>/dev/null
	fi
	# Only undo our own change: if someone set another count since, keep it.
	if [ -n "$prev" ] && [ "$(cat "$HP/nr_hugepages")" = "$target" ]; then
		echo "$prev" >"$HP/nr_hugepages" 2>/dev/null ||
			log "could not restore nr_hugepages to $prev"
	fi
	rm -f "$STATE"
}

case ${1:-args} in
reserve) reserve ;;
release) release ;;
args) decide ;;
*)
	echo "usage: $0 reserve|release [STATE] | args" >&2
	;;
esac
exit 0
