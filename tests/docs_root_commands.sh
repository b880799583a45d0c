#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The documented commands work as written in a root shell on a fresh Debian
# 12 machine, which has no sudo (issue 11 item 4): no command line in a
# fenced code block or a `...` span of the README, docs/ or bench/README.md
# may start with "sudo".  Non-root users are told to prefix it themselves.
set -u
root=${TT_SOURCE_DIR:-$(dirname "$0")/..}
bad=0
for f in "$root"/README.md "$root"/docs/*.md "$root"/bench/README.md; do
	[ -f "$f" ] || continue
	# In code blocks: a line starting with sudo.  In text: `sudo ...` spans
	# (a mention such as "prefix `sudo`" alone is fine).
	if out=$(awk '/^```/ { code = !code; next }
		code && /^[[:space:]]*(\$ )?sudo / { print FILENAME ":" FNR ": " $0; next }
		!code && /`sudo [^`]+`/ { print FILENAME ":" FNR ": " $0 }' "$f") && [ -n "$out" ]; then
		printf '%s\n' "$out"
		bad=1
	fi
done
if [ $bad = 1 ]; then
	echo "FAIL: documented commands start with sudo (write them for a root shell)"
	exit 1
fi
echo "ok: no documented command starts with sudo"
