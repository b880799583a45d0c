#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 12): ab.sh over IPv6 -- ab -n 2000 -c 50 to
# http://[2001:2::1]/ with the kernel side IPv6 only, the same checks (see
# ab.sh).

TT_FAMILY=6 TT_NAME=ipv6_ab exec bash "$(dirname "$0")/ab.sh"
