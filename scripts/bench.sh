#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: show the series' effect.  Build the pristine base and the
# patched kernel from the same config, boot each under QEMU with the same
# CPUs and memory, run the same irqchip_latency_test binary (built from the
# patched tree) with the same load in both, and print a side-by-side table.
# Results (CSV, raw samples, console logs, PNG plot) go to $RESULTS.
#
# Knobs (environment):
#   BENCH_SAMPLES=300   samples per ioctl and load
#   BENCH_VMS           background VMs       BENCH_VCPUS=1  vCPUs each
#   BENCH_HOGS          CPU hogs             BENCH_ROUTES=32 MSI routes
#   GUEST_CPUS          guest CPUs           GUEST_MEM=2G
# BENCH_VMS, BENCH_HOGS and GUEST_CPUS default to the series' harness.conf
# (series/: 2 VMs, 16 hogs, 2 CPUs; series-6.1/: 2 VMs, 48 hogs, 1 CPU).
# Timing is reported, never judged: this fails only if a run produced no
# numbers (build failure, guest hang or crash, a failed ioctl).

. "$(dirname "$0")/lib.sh"
need gnuplot awk sort

samples=${BENCH_SAMPLES:-300}
vms=${BENCH_VMS:-$SERIES_BENCH_VMS}
vcpus=${BENCH_VCPUS:-1}
hogs=${BENCH_HOGS:-$SERIES_BENCH_HOGS}
routes=${BENCH_ROUTES:-32}
export GUEST_CPUS=${GUEST_CPUS:-$SERIES_BENCH_CPUS}

S=$TOP/scripts
STAGE_HINT="no table was produced"
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.csv "$RESULTS"/*.dat "$RESULTS"/*.png "$RESULTS"/console-*.log

list=$RESULTS/bench.list
timeout=$(( 600 + samples * 4 ))
echo "$SERIES_X86_DIR/irqchip_latency_test $timeout -s -n $samples -v $vms -c $vcpus -H $hogs -r $routes" >"$list"
export SELFTESTS_LIST=$list

stage fetch            "$S/fetch-base.sh"
stage "apply series"   "$S/apply-series.sh"
stage "base tree"      base_worktree
stage "kernel (base)"  "$S/build-kernel.sh" "$BASE_WORK/linux" "$BASE_WORK/build"
stage "kernel (patched)" "$S/build-kernel.sh" "$TREE" "$KBUILD"
stage "selftest (from the patched tree)" "$S/build-selftests.sh"
stage initramfs        "$S/make-initramfs.sh" "$WORK/selftests" "$RESULTS/initramfs.cpio"

for k in base patched; do
	if [ "$k" = base ]; then img=$BASE_WORK/build/arch/x86/boot/bzImage; else img=$KBUILD/arch/x86/boot/bzImage; fi
	stage "run on $k ($samples samples, $vms VMs x $vcpus vCPUs, $hogs hogs, $GUEST_CPUS CPUs)" \
		"$S/run-guest.sh" "$img" "$RESULTS/initramfs.cpio" "$RESULTS/console-$k.log"
	KUNIT_SUITES_LIST=/dev/null "$S/summarize.sh" "$RESULTS/console-$k.log" "$k: " >"$RESULTS/tap-$k.txt" ||
		{ cat "$RESULTS/tap-$k.txt" >&2; die "the run on the $k kernel failed; no table was produced"; }
done

# CSV of the summaries, and one sorted sample file per kernel, load and path.
csv=$RESULTS/latency.csv
echo "kernel,load,path,n,min_us,median_us,p99_us,max_us,sleeps,preempted" >"$csv"
for k in base patched; do
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

# 2 kernels x 2 loads x 5 paths
got=$(( $(wc -l <"$csv") - 1 ))
[ "$got" -eq 20 ] || die "expected 20 result rows in $csv, got $got; no table"

# Side-by-side table.
{
	printf '\nirq setup latency, microseconds (%s samples; busy = %s VMs x %s vCPU + %s hogs; %s guest CPUs)\n' \
		"$samples" "$vms" "$vcpus" "$hogs" "$GUEST_CPUS"
	awk -F, 'NR > 1 { r[$1 "," $2 "," $3] = $0; if (!seen[$2 "," $3]++) order[++n] = $2 "," $3 }
	END {
		printf "%-4s %-28s | %8s %8s %8s %8s | %8s %8s %8s %8s | %6s %6s | %s\n", "load", "path",
			"min", "median", "p99", "max", "min", "median", "p99", "max", "median", "p99", "sleeps"
		printf "%-4s %-28s | %-35s | %-35s | %-13s | %s\n", "", "", "base", "patched", "base/patched", "base/patched"
		for (i = 1; i <= n; i++) {
			split(r["base," order[i]], b, ","); split(r["patched," order[i]], p, ",")
			printf "%-4s %-28s | %8.1f %8.1f %8.1f %8.1f | %8.1f %8.1f %8.1f %8.1f | %5.1fx %5.1fx | %s/%s\n",
				b[2], b[3], b[5], b[6], b[7], b[8], p[5], p[6], p[7], p[8],
				b[6] / p[6], b[7] / p[7], b[9], p[9]
		}
	}' "$csv"
	echo "sleeps: voluntary context switches of the timing thread over all samples (a grace-period wait sleeps)"
} | tee "$RESULTS/table.txt"

# Plot: the distribution of each path, base against patched, log scale.
gp=$RESULTS/plot.gp
{
	echo "set terminal pngcairo size 1500,900 noenhanced font ',9'"
	echo "set output '$RESULTS/latency.png'"
	echo "set multiplot layout 2,3 title 'Latency CDF, base vs patched ($samples samples, $GUEST_CPUS CPUs, busy = $vms VMs + $hogs hogs)'"
	echo "set logscale x; set xlabel 'microseconds'; set ylabel 'fraction of samples'; set key bottom right; set grid"
	for p in KVM_CREATE_IRQCHIP KVM_CAP_SPLIT_IRQCHIP first_KVM_SET_GSI_ROUTING replace_KVM_SET_GSI_ROUTING bringup_create_split_route; do
		echo "set title '$p'"
		plot="plot"
		for k in base patched; do
			for l in none busy; do
				f=$RESULTS/samples-$k-$l-$p.dat
				lt=$([ "$k" = base ] && echo 1 || echo 2); dt=$([ "$l" = busy ] && echo 1 || echo 2)
				plot="$plot '$f' using 1:(\$0+1)/$samples with lines lt $lt dt $dt lw 2 title '$k, $l',"
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
log "  table.txt latency.csv samples-*.dat latency.png console-base.log console-patched.log"
