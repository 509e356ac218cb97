#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: show the series' effect.  Build the pristine base and the
# patched kernel from the same config, boot each under QEMU with the same
# CPUs and memory, run the same perf test binary ($SERIES_PERF_TEST, built
# from the patched tree) with the same load in both, and print a
# side-by-side table.
# A stacked series (series-rfc/) runs three kernels: the pristine base, the
# series it stacks on, and itself.  Results (CSV, raw samples, console logs,
# PNG plot) go to $RESULTS.
#
# Then the real-VMM scenario: in each kernel's guest, Debian's QEMU boots an
# L2 guest (guest/vmm-bringup -d: a vhost-net NIC and a virtio-blk disk on an
# iothread; config/kvm-vmm.config in every test kernel is for it) with
# kernel-irqchip=split and =on, idle and under BENCH_VMM_HOGS busy loops,
# BENCH_VMM_RUNS times each, one L1 boot per bring-up: QEMU TCG's nested SVM sometimes loses L1 (it resets or hangs;
# docs/results.md), and such a boot is counted, not fatal.  Table
# vmm-table.txt, CSV vmm.csv, plot vmm.png.
# Measuring and reporting are apart: scripts/bench-report.sh (make
# bench-report) makes every table, CSV and plot again from the saved logs.
#
# Knobs (environment):
#   BENCH_SAMPLES=300   samples per ioctl and load
#   BENCH_VMM_RUNS=2    bring-ups per kernel, mode and load (0: none)
#   BENCH_VMM_HOGS=4    busy loops in the guest for the busy bring-ups
#   BENCH_ONLY=vmm      only the real-VMM scenario
#   BENCH_VMS           background VMs       BENCH_VCPUS=1  vCPUs each
#   BENCH_HOGS          CPU hogs             BENCH_ROUTES=32 MSI routes
#   GUEST_CPUS          guest CPUs           GUEST_MEM=2G
# BENCH_VMS, BENCH_HOGS and GUEST_CPUS default to the series' harness.conf
# (series/: 2 VMs, 16 hogs, 2 CPUs; series-6.1/: 2 VMs, 48 hogs, 1 CPU).
# Timing is reported, never judged: this fails only if a run produced no
# numbers (build failure, guest hang or crash, a failed ioctl).  It ends
# with the runs' results as TAP and the closing "N passed, N failed,
# N skipped" line (bench.tap).  The perf runs boot through
# scripts/guest-results.sh, which boots a guest that QEMU lost once more;
# the real-VMM bring-ups retry nothing and count every failure.

. "$(dirname "$0")/lib.sh"
"$SCRIPTS/check-deps.sh"	# every tool, before a long run
need gnuplot gawk sort

samples=${BENCH_SAMPLES:-300}
vms=${BENCH_VMS:-$SERIES_BENCH_VMS}
vcpus=${BENCH_VCPUS:-1}
hogs=${BENCH_HOGS:-$SERIES_BENCH_HOGS}
routes=${BENCH_ROUTES:-32}
export GUEST_CPUS=${GUEST_CPUS:-$SERIES_BENCH_CPUS}

S=$TOP/scripts
STAGE_HINT="no table was produced"
mkdir -p "$RESULTS"
only=${BENCH_ONLY:-}
case "$only" in '') rm -f "$RESULTS"/*.csv "$RESULTS"/*.dat "$RESULTS"/*.png "$RESULTS"/console-*.log "$RESULTS"/bench.run ;;
vmm) ;; *) die "BENCH_ONLY=$only: only 'vmm' is known" ;; esac

list=$RESULTS/bench.list
timeout=$(( 600 + samples * 4 ))
echo "$SERIES_PERF_TEST $timeout -s -l none,busy -n $samples -v $vms -c $vcpus -H $hogs -r $routes" >"$list"
export SELFTESTS_LIST=$list

stage fetch            "$S/fetch-base.sh"
stage "apply series"   "$S/apply-series.sh"

# The kernels, in the table's order: name, source tree, build directory.
if [ -n "$SERIES_ON" ]; then
	kernels=(base "$SERIES_ON" "$SERIES_NAME")
	low_base=$(series_path "$SERIES_ON" base_work)
	stage "base tree"  base_worktree "$PRISTINE_TAG" "$low_base"
	srcs=("$low_base/linux" "$(series_path "$SERIES_ON" tree)" "$TREE")
	builds=("$low_base/build" "$(series_path "$SERIES_ON" kbuild)" "$KBUILD")
else
	kernels=(base patched)
	stage "base tree"  base_worktree
	srcs=("$BASE_WORK/linux" "$TREE")
	builds=("$BASE_WORK/build" "$KBUILD")
fi
for i in "${!kernels[@]}"; do
	stage "kernel (${kernels[$i]})" "$S/build-kernel.sh" "${srcs[$i]}" "${builds[$i]}"
done
stage "selftest (from the $SERIES_NAME tree)" "$S/build-selftests.sh"
stage initramfs        "$S/make-initramfs.sh" "$WORK/selftests" "$RESULTS/initramfs.cpio"

pairs=()
for i in "${!kernels[@]}"; do pairs+=("${kernels[$i]}=${builds[$i]}/$KIMAGE"); done
# The real-VMM scenario runs on the same kernels (config/kvm-vmm.config is
# in every test kernel: QEMU's NIC and disk in L1 and L2, the tracer).
vmm() {
	[ "${BENCH_VMM_RUNS:-2}" != 0 ] || return 0
	VMM_L2_KERNEL=${builds[-1]}/$KIMAGE "$S/bench-vmm.sh" "${pairs[@]}" &&
		vmm_ran=1
}
vmm_ran=
if [ "$only" = vmm ]; then
	vmm
	exit
fi
# Each kernel's run: the perf test's results (no timing judged), in
# results-KERNEL.txt; a run that failed stops the job.
run_on() {
	KUNIT_SUITES_LIST=/dev/null "$S/guest-results.sh" "$1" "$RESULTS/initramfs.cpio" \
		"$RESULTS/console-$2.log" "$RESULTS/results-$2.txt" "$2: " ||
		{ grep '^not ok' "$RESULTS/results-$2.txt" >&2; return 1; }
}
for i in "${!kernels[@]}"; do
	k=${kernels[$i]}
	stage "run on $k ($samples samples, $vms VMs x $vcpus vCPUs, $hogs hogs, $GUEST_CPUS CPUs)" \
		run_on "${builds[$i]}/$KIMAGE" "$k"
done

# What the report needs to know of this run; then the report, which
# scripts/bench-report.sh can make again from the saved logs.
{
	printf 'kernels=(%s)\n' "${kernels[*]}"
	printf 'samples=%s vms=%s vcpus=%s hogs=%s cpus=%s\n' "$samples" "$vms" "$vcpus" "$hogs" "$GUEST_CPUS"
} >"$RESULTS/bench.run"
stage report "$S/bench-report.sh" --perf
vmm

# The runs' results as TAP, last (timing is in the tables, never judged).
{
	for k in "${kernels[@]}"; do cat "$RESULTS/results-$k.txt"; done
	if [ -s "$RESULTS/table.txt" ]; then echo "ok table written # $RESULTS/table.txt"
	else echo "not ok table written # no $RESULTS/table.txt"; fi
	[ -z "$vmm_ran" ] ||
		echo "ok real-VMM table written # $(grep -c ',up,' "$RESULTS/vmm.csv" || true) of $(( $(wc -l <"$RESULTS/vmm.csv") - 1 )) bring-ups came up"
} | tap_number | tee "$RESULTS/bench.tap"
