#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tests on a debug kernel: config/kvm-debug.config (KASAN, lockdep,
# PROVE_RCU, DEBUG_OBJECTS_RCU_HEAD, kmemleak, failslab) on top of the test
# kernel's config, built in its own directory, booted with the same guest.
# Any KASAN, lockdep, RCU or kmemleak report on the console fails the run.
#
#   debug-test.sh          the series' kernel
#   debug-test.sh --base   the pristine base kernel with the same test
#                          programs (built from the series), for comparison

. "$(dirname "$0")/lib.sh"
"$SCRIPTS/check-deps.sh"	# every tool, before a long run

export EXTRA_FRAGMENTS="$TOP/config/kvm-debug.config"
export SELFTESTS_LIST=$SERIES_DEBUG_TESTS
export GUEST_TIMEOUT=${GUEST_TIMEOUT:-2400}
# No 5-level paging on the debug kernel.  QEMU's -cpu max offers LA57, and on
# v7.3.4 an interrupt that lands in identify_cpu() on the boot CPU, between the
# memset() of boot_cpu_data.x86_capability and CPUID being read again, sees
# pgtable_l5_enabled() false (alternatives are not patched yet), so KASAN takes
# the LA57 direct map for a wild address: "BUG: KASAN: wild-memory-access in
# do_raw_spin_lock" from handle_edge_irq(), before any initcall ran.  Seen once
# in CI (docs/results.md); nothing of KVM runs that early.
# RCU's CPU stall timeout of 60 s (scripts/run-guest.sh sets it for every
# boot) came from here: in the RFC's debug run of 2026-11-29 (02:47 UTC),
# CPU 0 of the debug kernel stayed 26 s (6502 jiffies at HZ=250) in
# svm_vcpu_run() for a background VM of the perf test under load, under
# QEMU TCG with KASAN and lockdep (docs/results.md).
export GUEST_APPEND="no5lvl ${GUEST_APPEND:-}"
S=$SCRIPTS
which=series src=$TREE out=$WORK/build-debug
if [ "${1:-}" = --base ]; then
	which=base out=$BASE_WORK/build-debug
	export KUNIT_SUITES_LIST=/dev/null	# the suites come with the series
fi
console=$WORK/logs/console-debug-$which.log

stage fetch            "$S/fetch-base.sh"
stage apply            "$S/apply-series.sh"
[ "$which" = series ] || src=$(base_worktree)
stage "debug kernel ($which)" "$S/build-kernel.sh" "$src" "$out"
stage selftests        "$S/build-selftests.sh"
# The list ends with guest/fault-inject, which make-initramfs.sh builds.
stage initramfs        "$S/make-initramfs.sh"
# The guest's results (scripts/guest-results.sh: a guest that QEMU lost
# boots once more, and says so), numbered.
results=$WORK/debug-$which.results
boot() {
	"$S/guest-results.sh" "$out/$KIMAGE" "$WORK/initramfs$ARCH_SUFFIX.cpio" \
		"$console" "$results" "debug-$which: " || true
}
stage "boot (debug, $which)" boot
log "== results on the debug kernel ($which; $SERIES_NAME on $BASE_UPSTREAM, total ${SECONDS}s)"
tap_number <"$results"
