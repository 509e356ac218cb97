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
# iothread; each kernel built again with config/kvm-vmm.config for it) with
# kernel-irqchip=split and =on, idle and under BENCH_VMM_HOGS busy loops,
# BENCH_VMM_RUNS times each, one L1 boot per bring-up: QEMU TCG's nested SVM sometimes loses L1 (it resets or hangs;
# docs/results.md), and such a boot is counted, not fatal.  Table
# vmm-table.txt, CSV vmm.csv, plot vmm.png.
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
# numbers (build failure, guest hang or crash, a failed ioctl).

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
case "$only" in '') rm -f "$RESULTS"/*.csv "$RESULTS"/*.dat "$RESULTS"/*.png "$RESULTS"/console-*.log ;;
vmm) ;; *) die "BENCH_ONLY=$only: only 'vmm' is known" ;; esac

list=$RESULTS/bench.list
timeout=$(( 600 + samples * 4 ))
echo "$SERIES_PERF_TEST $timeout -s -l none,busy -n $samples -v $vms -c $vcpus -H $hogs -r $routes" >"$list"
export SELFTESTS_LIST=$list

stage fetch            "$S/fetch-base.sh"
stage "apply series"   "$S/apply-series.sh"

# The kernels, in the table's order: name, source tree, build directory.
if [ -n "$SERIES_ON" ]; then
	low=$TOP/$SERIES_ON
	kernels=(base "$SERIES_ON" "$SERIES_NAME")
	stage "base tree"  base_worktree "$PRISTINE_TAG" "$CACHE/work/$SERIES_ON-base"
	srcs=("$CACHE/work/$SERIES_ON-base/linux" "$(SERIES_DIR=$low "$S/where.sh" TREE)" "$TREE")
	builds=("$CACHE/work/$SERIES_ON-base/build" "$(SERIES_DIR=$low "$S/where.sh" KBUILD)" "$KBUILD")
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
for i in "${!kernels[@]}"; do pairs+=("${kernels[$i]}=${builds[$i]}/arch/x86/boot/bzImage"); done
# The real-VMM scenario runs on the same trees built with what QEMU's NIC
# and disk need in L1 and L2 (config/kvm-vmm.config), in builds of their own.
vmm() {
	local i vpairs=()
	[ "${BENCH_VMM_RUNS:-2}" != 0 ] || return 0
	for i in "${!kernels[@]}"; do
		EXTRA_FRAGMENTS=$TOP/config/kvm-vmm.config stage "kernel for the real VMM (${kernels[$i]})" \
			"$S/build-kernel.sh" "${srcs[$i]}" "${builds[$i]}-vmm"
		vpairs+=("${kernels[$i]}=${builds[$i]}-vmm/arch/x86/boot/bzImage")
	done
	VMM_L2_KERNEL=${builds[-1]}-vmm/arch/x86/boot/bzImage "$S/bench-vmm.sh" "${vpairs[@]}"
}
if [ "$only" = vmm ]; then
	vmm
	exit
fi
for i in "${!kernels[@]}"; do
	k=${kernels[$i]} img=${builds[$i]}/arch/x86/boot/bzImage
	stage "run on $k ($samples samples, $vms VMs x $vcpus vCPUs, $hogs hogs, $GUEST_CPUS CPUs)" \
		"$S/run-guest.sh" "$img" "$RESULTS/initramfs.cpio" "$RESULTS/console-$k.log"
	KUNIT_SUITES_LIST=/dev/null "$S/summarize.sh" "$RESULTS/console-$k.log" "$k: " >"$RESULTS/tap-$k.txt" ||
		{ cat "$RESULTS/tap-$k.txt" >&2; die "the run on the $k kernel failed; no table was produced"; }
done

# CSV of the summaries, and one sorted sample file per kernel, load and path.
csv=$RESULTS/latency.csv
echo "kernel,load,path,n,min_us,median_us,p99_us,max_us,sleeps,preempted" >"$csv"
for k in "${kernels[@]}"; do
	tr -d '\r' <"$RESULTS/console-$k.log" | awk -v k="$k" -v dir="$RESULTS" '
	/^# RESULT / {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print k "," v["load"] "," v["path"] "," v["n"] "," v["min_us"] "," v["median_us"] "," \
		      v["p99_us"] "," v["max_us"] "," v["sleeps"] "," v["preempted"]
	}
	/^# SAMPLES / {
		split($3, l, "="); split($4, p, "="); sub(/^ns=/, "", $5)
		n = split($5, ns, ",")
		f = dir "/samples-" k "-" l[2] "-" p[2] ".dat"
		for (i = 1; i <= n; i++) print ns[i] / 1000 > f
		close(f)
	}' >>"$csv"
done
for f in "$RESULTS"/samples-*.dat; do sort -g -o "$f" "$f"; done

# Every kernel gives a row for each load and path the test has, the same
# ones (the same binary ran on each).
rows=$(awk -F, 'NR > 1 { print $2 "," $3 }' "$csv" | sort | uniq -c)
[ -n "$rows" ] || die "no result rows in $csv; no table"
bad=$(awk -v n=${#kernels[@]} '$1 != n' <<<"$rows")
[ -z "$bad" ] || die "not every kernel gave these results (count load,path): $bad; no table"
paths=$(awk -F, 'NR > 1 && !seen[$3]++ { print $3 }' "$csv")

# Side-by-side table.
{
	printf '\nirq setup latency, microseconds (%s samples; busy = %s VMs x %s vCPU + %s hogs; %s guest CPUs)\n' \
		"$samples" "$vms" "$vcpus" "$hogs" "$GUEST_CPUS"
	# Per kernel min, median, p99, max; then the last kernel against the
	# one before it (what this series changes), and every kernel's sleeps.
	awk -F, -v names="${kernels[*]}" '
	BEGIN { nk = split(names, k, " ") }
	NR > 1 { r[$1 "," $2 "," $3] = $0; if (!seen[$2 "," $3]++) order[++n] = $2 "," $3 }
	END {
		line = sprintf("%-4s %-28s", "load", "path"); sub2 = sprintf("%-4s %-28s", "", "")
		for (j = 1; j <= nk; j++) {
			line = line sprintf(" | %8s %8s %8s %8s", "min", "median", "p99", "max")
			sub2 = sub2 sprintf(" | %-35s", k[j])
		}
		print line sprintf(" | %6s %6s | %s", "median", "p99", "sleeps")
		print sub2 sprintf(" | %-13s | %s", k[nk - 1] "/" k[nk], names)
		for (i = 1; i <= n; i++) {
			split(order[i], lp, ",")
			line = sprintf("%-4s %-28s", lp[1], lp[2]); sl = ""
			for (j = 1; j <= nk; j++) {
				split(r[k[j] "," order[i]], v, ",")
				line = line sprintf(" | %8.1f %8.1f %8.1f %8.1f", v[5], v[6], v[7], v[8])
				sl = sl (j > 1 ? "/" : "") v[9]
				if (j == nk - 1) { pm = v[6]; pp = v[7] }
			}
			print line sprintf(" | %5.1fx %5.1fx | %s", pm / v[6], pp / v[7], sl)
		}
	}' "$csv"
	echo "sleeps: voluntary context switches of the timing thread over all samples (a grace-period wait sleeps)"
} | tee "$RESULTS/table.txt"

# Plot: the distribution of each path, base against patched, log scale.
gp=$RESULTS/plot.gp
{
	echo "set terminal pngcairo size 1500,900 noenhanced font ',9'"
	echo "set output '$RESULTS/latency.png'"
	echo "set multiplot layout $(( ($(wc -l <<<"$paths") + 2) / 3 )),3 title 'Latency CDF, ${kernels[*]} ($samples samples, $GUEST_CPUS CPUs, busy = $vms VMs + $hogs hogs)'"
	echo "set logscale x; set xlabel 'microseconds'; set ylabel 'fraction of samples'; set key bottom right; set grid"
	for p in $paths; do
		echo "set title '$p'"
		plot="plot"
		for i in "${!kernels[@]}"; do
			k=${kernels[$i]}
			for l in none busy; do
				f=$RESULTS/samples-$k-$l-$p.dat
				[ -f "$f" ] || continue
				dt=$([ "$l" = busy ] && echo 1 || echo 2)
				plot="$plot '$f' using 1:(\$0+1)/$samples with lines lt $((i + 1)) dt $dt lw 2 title '$k, $l',"
			done
		done
		echo "${plot%,}"
	done
	echo "unset multiplot"
} >"$gp"
if ! gnuplot "$gp" 2>"$RESULTS/gnuplot.log"; then
	sed -i 's/pngcairo/png/' "$gp"
	gnuplot "$gp" 2>"$RESULTS/gnuplot.log" || { cat "$RESULTS/gnuplot.log" >&2; die "gnuplot failed"; }
fi

log "results in $RESULTS:"
log "  table.txt latency.csv samples-*.dat latency.png console-{$(IFS=,; echo "${kernels[*]}")}.log"
vmm
