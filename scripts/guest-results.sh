#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one kernel and collect its results: the one boot path of make test,
# make debug-test, the real-VMM count test, make mutants and make bench.
# Boots KERNEL with INITRAMFS under QEMU (scripts/run-guest.sh; a guest
# that QEMU TCG lost boots once more, GUEST_RETRY, default 1 here) and
# writes to OUT one "ok NAME" / "not ok NAME # why" line for the boot
# itself and one per result on the console (scripts/summarize.sh --lines),
# each NAME prefixed with PREFIX.  The caller numbers them with the rest
# of its results (tap_number in scripts/lib.sh).  Exit 1 if any failed;
# OUT then holds a "not ok" line, whatever went wrong.
#
#   guest-results.sh KERNEL INITRAMFS CONSOLE_LOG OUT [PREFIX]
#
# run-guest.sh's and summarize.sh's variables apply (GUEST_TIMEOUT,
# GUEST_APPEND, KUNIT_SUITES_LIST, ...).

. "$(dirname "$0")/lib.sh"

[ $# -ge 4 ] || die "usage: guest-results.sh KERNEL INITRAMFS CONSOLE_LOG OUT [PREFIX]"
kernel=$1 initrd=$2 console=$3 out=$4 prefix=${5:-}

rc=0
GUEST_RETRY=${GUEST_RETRY:-1} "$SCRIPTS/run-guest.sh" "$kernel" "$initrd" "$console" || rc=$?
retry=$(cat "$console.retry" 2>/dev/null || true)
if [ "$rc" = 0 ]; then
	echo "ok ${prefix}guest: QEMU ran to the end within its timeout${retry:+ # $retry}"
else
	echo "not ok ${prefix}guest: QEMU ran to the end within its timeout # see run-guest.sh's error above${retry:+; $retry}"
fi >"$out"
# A guest that hung or crashed still has its partial results read.
if [ ! -f "$console" ]; then
	echo "not ok ${prefix}guest: console log written # no $console" >>"$out"
	exit 1
fi
if ! "$SCRIPTS/summarize.sh" --lines "$console" "$prefix" >>"$out"; then
	rc=1
	grep -q '^not ok' "$out" ||
		echo "not ok ${prefix}guest: console read # scripts/summarize.sh failed; see its errors above" >>"$out"
fi
exit "$rc"
