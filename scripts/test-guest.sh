#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test's guest tests of one series on one architecture ($TEST_ARCH,
# default x86_64; scripts/lib.sh): build the test kernel, the selftests of
# the series' list for that architecture (selftests.list, or
# selftests-ARCH.list) and the initramfs, boot it under QEMU TCG, and write
# the results to OUT (scripts/guest-results.sh), their names prefixed with
# PREFIX.  scripts/test-series.sh runs it for each of SERIES_ARCHES.
#
#   test-guest.sh OUT [PREFIX]

. "$(dirname "$0")/lib.sh"

out=${1:?usage: test-guest.sh OUT [PREFIX]}
prefix=${2:-}
S=$SCRIPTS
[ -f "$SELFTESTS_LIST" ] || die "no selftests list for $TEST_ARCH: $SELFTESTS_LIST"
a=; [ "$TEST_ARCH" = x86_64 ] || a=" ($TEST_ARCH)"

stage "kernel$a"     "$S/build-kernel.sh"
stage "selftests$a"  "$S/build-selftests.sh"
stage "initramfs$a"  "$S/make-initramfs.sh"
# The guest's results are results, not a stop (a guest that QEMU lost
# boots once more and says so).
boot() {
	"$S/guest-results.sh" "$KBUILD/$KIMAGE" "$WORK/initramfs$ARCH_SUFFIX.cpio" \
		"$WORK/logs/console$ARCH_SUFFIX.log" "$out" "$prefix" || true
}
stage "boot$a"       boot
