#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench's timing runs on one architecture ($TEST_ARCH, default x86_64;
# scripts/bench.sh runs it for each of the series' SERIES_ARCHES): build
# each kernel of the comparison for that architecture (the pristine base,
# the series a stacked series stacks on, the series; same config), pack
# the perf program ($PERF_TEST: the series' selftest on x86_64, the
# harness's guest/irqchip-bench.c on arm64; scripts/lib.sh) into one
# initramfs, and boot every kernel with it, with the same CPUs, memory
# and load.  Into $RESULTS: console$ARCH_SUFFIX-KERNEL.log (what
# scripts/bench-report.sh reads), results$ARCH_SUFFIX-KERNEL.txt (the
# runs' results) and kernels$ARCH_SUFFIX.txt ("NAME IMAGE" a line, in the
# table's order).  A kernel whose run failed (no numbers, a failed ioctl,
# a splat) stops the job; timing never fails it.
#
#   bench-perf.sh ARGS...       the perf program's arguments (scripts/bench.sh)
#   bench-perf.sh --build-only  only the kernels and kernels$ARCH_SUFFIX.txt

. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: bench-perf.sh ARGS... | --build-only"
S=$SCRIPTS
a=; [ "$TEST_ARCH" = x86_64 ] || a=" ($TEST_ARCH)"
# The kernels, in the table's order: name, source tree, build directory.
if [ -n "$SERIES_ON" ]; then
	kernels=(base "$SERIES_ON" "$SERIES_NAME")
	low_base=$(series_path "$SERIES_ON" base_work)
	srcs=("$low_base/linux" "$(series_path "$SERIES_ON" tree)" "$TREE")
	builds=("$low_base/build$ARCH_SUFFIX" "$(series_path "$SERIES_ON" kbuild)" "$KBUILD")
else
	kernels=(base patched)
	srcs=("$BASE_WORK/linux" "$TREE")
	builds=("$BASE_WORK/build$ARCH_SUFFIX" "$KBUILD")
fi
mkdir -p "$RESULTS"
: >"$RESULTS/kernels$ARCH_SUFFIX.txt"
for i in "${!kernels[@]}"; do
	stage "kernel (${kernels[$i]})$a" "$S/build-kernel.sh" "${srcs[$i]}" "${builds[$i]}"
	echo "${kernels[$i]} ${builds[$i]}/$KIMAGE" >>"$RESULTS/kernels$ARCH_SUFFIX.txt"
done
[ "$1" != --build-only ] || exit 0

# The perf program and its arguments, as a selftests list of one line.
export SELFTESTS_LIST=$RESULTS/bench$ARCH_SUFFIX.list
echo "$PERF_TEST $(( 600 + ${BENCH_SAMPLES:-300} * 4 )) $*" >"$SELFTESTS_LIST"
stage "perf program$a (from the $SERIES_NAME tree)" "$S/build-selftests.sh"
initrd=$RESULTS/initramfs$ARCH_SUFFIX.cpio
stage "initramfs$a" "$S/make-initramfs.sh" "$WORK/selftests$ARCH_SUFFIX" "$initrd"

# Each kernel's run: the perf program's results (no timing judged).
run_on() {
	KUNIT_SUITES_LIST=/dev/null "$S/guest-results.sh" "$1" "$initrd" \
		"$RESULTS/console$ARCH_SUFFIX-$2.log" "$RESULTS/results$ARCH_SUFFIX-$2.txt" "$2$ARCH_SUFFIX: " ||
		{ grep '^not ok' "$RESULTS/results$ARCH_SUFFIX-$2.txt" >&2; return 1; }
}
for i in "${!kernels[@]}"; do
	stage "run on ${kernels[$i]}$a ($*; ${GUEST_CPUS:-2} CPUs)" run_on "${builds[$i]}/$KIMAGE" "${kernels[$i]}"
done
