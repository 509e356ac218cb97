#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: show the series' effect.  Build the pristine base and the
# patched kernel from the same config, boot each under QEMU with the same
# CPUs and memory, run the same perf program with the same load in both,
# and print a side-by-side table.  On each architecture of the series'
# SERIES_ARCHES and SERIES_FULL_ARCHES (scripts/bench-perf.sh): on x86_64
# the series' perf test ($SERIES_PERF_TEST, built from the patched tree),
# on arm64 and riscv64 the harness's guest/irqchip-bench.c (vGIC or AIA
# initialisation, which installs the default routing); their rows share
# one table.
# A stacked series (series-rfc/) runs three kernels: the pristine base, the
# series it stacks on, and itself.  Results (CSV, raw samples, console logs,
# PNG plot) go to $RESULTS.
#
# Then the real-VMM scenario (x86_64): in each kernel's guest, each real
# VMM of vmm/ (Debian's QEMU 7.2, 10.0 and 11.1; VMMS picks) boots an L2
# guest (guest/vmm-bringup -d: a vhost-net NIC and a virtio-blk disk on an
# iothread; config/kvm-vmm.config in every x86_64 test kernel is for it)
# with kernel-irqchip=split and =on, idle and under
# BENCH_VMM_HOGS busy loops, BENCH_VMM_RUNS times each, one L1 boot per
# bring-up: QEMU TCG's nested SVM sometimes loses L1 (it resets or hangs;
# docs/results.md), and such a boot is counted, not fatal.  Table
# vmm-table.txt, CSV vmm.csv, plot vmm.png.
# Measuring and reporting are apart: scripts/bench-report.sh (make
# bench-report) makes every table, CSV and plot again from the saved logs.
#
# Knobs (environment):
#   BENCH_SAMPLES=300   samples per ioctl and load
#   BENCH_ARCHES        the architectures (default: the series' SERIES_ARCHES
#                       and SERIES_FULL_ARCHES)
#   BENCH_VMM_RUNS=2    bring-ups per kernel, mode and load (0: none)
#   BENCH_VMM_HOGS=4    busy loops in the guest for the busy bring-ups
#   VMMS                the real VMMs (names of vmm/*.conf; default: all)
#   BENCH_ONLY=vmm      only the real-VMM scenario
#   BENCH_VMS           background VMs       BENCH_VCPUS=1  vCPUs each
#   BENCH_HOGS          CPU hogs             BENCH_ROUTES=32 routes
#   GUEST_CPUS          guest CPUs           GUEST_MEM=2G
# BENCH_VMS, BENCH_HOGS and GUEST_CPUS default to the series' harness.conf
# (series/: 2 VMs, 16 hogs, 2 CPUs; series-6.1/: 2 VMs, 48 hogs, 1 CPU).
# Timing is reported, never judged: this fails only if a run produced no
# numbers (build failure, guest hang or crash, a failed ioctl, a kernel
# splat).  It ends with the runs' results as TAP and the closing "N
# passed, N failed, N skipped" line (bench.tap).  The perf runs boot
# through scripts/guest-results.sh, which boots a guest that QEMU lost once
# more; the real-VMM bring-ups retry nothing and count every failure.

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
case "$only" in
'') rm -f "$RESULTS"/*.csv "$RESULTS"/*.dat "$RESULTS"/*.png "$RESULTS"/console-*.log \
	"$RESULTS"/results-*.txt "$RESULTS"/kernels*.txt "$RESULTS"/bench.run ;;
vmm) ;; *) die "BENCH_ONLY=$only: only 'vmm' is known" ;; esac
arches=${BENCH_ARCHES:-$SERIES_ARCHES $SERIES_FULL_ARCHES}

stage fetch            "$S/fetch-base.sh"
stage "apply series"   "$S/apply-series.sh"
if [ -n "$SERIES_ON" ]; then
	stage "base tree"  base_worktree "$PRISTINE_TAG" "$(series_path "$SERIES_ON" base_work)"
else
	stage "base tree"  base_worktree
fi
args=(-s -l "none,busy" -n "$samples" -v "$vms" -c "$vcpus" -H "$hogs" -r "$routes")

# The real-VMM scenario runs on the x86_64 kernels (config/kvm-vmm.config
# is in every x86_64 test kernel: QEMU's NIC and disk in L1 and L2, the
# tracer); the last is the L2 guest's kernel too.
vmm() {
	local pairs=() k img
	[ "${BENCH_VMM_RUNS:-2}" != 0 ] || return 0
	if [ "$only" = vmm ] || [ ! -s "$RESULTS/kernels.txt" ]; then
		TEST_ARCH=x86_64 "$S/bench-perf.sh" --build-only || return 1
	fi
	while read -r k img; do pairs+=("$k=$img"); done <"$RESULTS/kernels.txt"
	VMM_L2_KERNEL=$img "$S/bench-vmm.sh" "${pairs[@]}" && vmm_ran=1
}
vmm_ran=
if [ "$only" = vmm ]; then
	vmm
	exit
fi
for arch in $arches; do
	TEST_ARCH=$arch "$S/bench-perf.sh" "${args[@]}" || die "the $arch runs failed; no table"
done
# The kernels' names, the same on every architecture.
mapfile -t kernels < <(awk '{ print $1 }' "$RESULTS/kernels$(arch_suffix "${arches%% *}").txt")

# What the report needs to know of this run; then the report, which
# scripts/bench-report.sh can make again from the saved logs.
{
	printf 'kernels=(%s)\n' "${kernels[*]}"
	printf 'arches=(%s)\n' "$arches"
	printf 'samples=%s vms=%s vcpus=%s hogs=%s cpus=%s\n' "$samples" "$vms" "$vcpus" "$hogs" "$GUEST_CPUS"
} >"$RESULTS/bench.run"
stage report "$S/bench-report.sh" --perf
vmm

# The runs' results as TAP, last (timing is in the tables, never judged).
{
	for arch in $arches; do
		for k in "${kernels[@]}"; do cat "$RESULTS/results$(arch_suffix "$arch")-$k.txt"; done
	done
	if [ -s "$RESULTS/table.txt" ]; then echo "ok table written # $RESULTS/table.txt"
	else echo "not ok table written # no $RESULTS/table.txt"; fi
	[ -z "$vmm_ran" ] ||
		echo "ok real-VMM table written # $(grep -c ',up,' "$RESULTS/vmm.csv" || true) of $(( $(wc -l <"$RESULTS/vmm.csv") - 1 )) bring-ups came up"
} | tap_number | tee "$RESULTS/bench.tap"
