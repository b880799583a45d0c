#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# e2e (issue 12): fault_close.sh over IPv6 -- ab to http://[2001:2::1]/
# with the kernel side IPv6 only, the same checks (see fault_close.sh).

TT_FAMILY=6 TT_NAME=ipv6_fault_close exec bash "$(dirname "$0")/fault_close.sh"
