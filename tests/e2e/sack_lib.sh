# SPDX-License-Identifier: BSD-3-Clause
#
# Shared by sack_post.sh and sack_get.sh (sourced after scripts/lib.sh).

# sack_cap_count PCAP SENDER ACKER: two numbers from a capture: payload
# bytes SENDER sent more than once per connection, and the SACK blocks in
# ACKER's segments.
sack_cap_count()
{
	tcpdump -nn -S -r "$1" 2>/dev/null | python3 -c '
import re, sys
sender, acker = sys.argv[1], sys.argv[2]
seen = {}               # (sport, dport) -> sorted disjoint [start, end) sent
dup = sack_blocks = 0
def add(iv, s, e):
    """Insert [s, e) into the sorted disjoint list iv; return bytes already in it."""
    overlap = 0
    for a, b in iv:
        lo, hi = max(a, s), min(b, e)
        if lo < hi:
            overlap += hi - lo
    iv.append([s, e])
    iv.sort()
    merged = [iv[0]]
    for a, b in iv[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    iv[:] = merged
    return overlap
for ln in sys.stdin:
    m = re.search(r"IP ([\d.]+)\.(\d+) > ([\d.]+)\.(\d+): Flags \[([^\]]*)\](?:, seq (\d+)(?::(\d+))?)?", ln)
    if not m:
        continue
    src, sport, dport = m.group(1), m.group(2), m.group(4)
    if src == acker:
        for n in re.findall(r"\bsack (\d+) \{", ln):
            sack_blocks += int(n)
    if src != sender or m.group(7) is None:
        continue
    s, e = int(m.group(6)), int(m.group(7))
    if e > s:
        dup += add(seen.setdefault((sport, dport), []), s, e)
print(dup, sack_blocks)' "$2" "$3"
}

# shellcheck disable=SC2317 # called through tt_wait_for
_cap_ready() { grep -q "listening on" "$CAP_ERR"; }

# True once the capture file has not grown for 1 s (10 polls).
# shellcheck disable=SC2317 # called through tt_wait_for
_cap_settled()
{
	local now
	now=$(stat -c %s "$CAP_FILE")
	if [ "$now" = "$CAP_LAST" ]; then
		CAP_SAME=$((CAP_SAME + 1))
	else
		CAP_SAME=0
	fi
	CAP_LAST=$now
	[ "$CAP_SAME" -ge 10 ]
}
