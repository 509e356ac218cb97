#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real-VMM scenario of make bench: boot each kernel under QEMU TCG and,
# in it, run guest/vmm-bringup once per L1 boot (Debian's QEMU boots an L2
# guest; guest/vmm-shim.c and the function tracer count QEMU's routing
# updates, the ones that waited for a grace period or slept, their time, and
# classify them).  For every kernel, kernel-irqchip mode
# (split, on) and load (none, busy), BENCH_VMM_RUNS bring-ups.  One L1 boot
# per bring-up: QEMU TCG's nested SVM sometimes loses L1 (resets or hangs;
# docs/results.md), which costs that sample only and is counted.
#
#   bench-vmm.sh NAME=BZIMAGE...   (from scripts/bench.sh; results in $RESULTS)
#   bench-vmm.sh --report          table, CSV and plot again from the saved
#                                  logs (vmm-console-*.log, vmm.run)
#   BENCH_VMM_RUNS=2 BENCH_VMM_HOGS=4 BENCH_VMM_MODES=split,on BENCH_VMM_LOADS=none,busy
#   BENCH_VMM_DEVICES=1 (0: the L2 guest without vhost-net NIC and virtio-blk disk)
#   BENCH_VMM_TRACE=1 (0: no function tracer in L1, vmm-bringup -N; grace
#   periods are not counted then, only sleeps)
# The kernels need config/kvm-vmm.config for the devices (every test kernel
# has it: scripts/build-kernel.sh), and VMM_L2_KERNEL names the L2 kernel (scripts/make-initramfs.sh).

. "$(dirname "$0")/lib.sh"
need gawk gnuplot

measure=1
[ "${1:-}" = --report ] && { measure=0; shift; }
[ "$measure" = 0 ] || [ $# -gt 0 ] || die "usage: bench-vmm.sh NAME=BZIMAGE... | bench-vmm.sh --report"
runs=${BENCH_VMM_RUNS:-2}
hogs=${BENCH_VMM_HOGS:-4}
modes=${BENCH_VMM_MODES:-split,on}
dev=,-d		# the L2 guest's NIC and disk; BENCH_VMM_DEVICES=0: none
[ "${BENCH_VMM_DEVICES:-1}" = 1 ] || dev=
loads=${BENCH_VMM_LOADS:-none,busy}
notrace=	# BENCH_VMM_TRACE=0: vmm-bringup -N
[ "${BENCH_VMM_TRACE:-1}" = 1 ] || notrace=,-N
S=$SCRIPTS
mkdir -p "$RESULTS"

# What became of one bring-up, from its console log.
outcome() {
	local line
	line=$(tr -d '\r' <"$1" | grep -a -m1 '^# VMM ' || true)
	if [ -n "$line" ]; then
		if grep -q ' up=1 ' <<<"$line"; then echo "up: ${line#\# VMM }"; else echo "L2 not up: ${line#\# VMM }"; fi
	elif grep -aq '^HARNESS: begin selftests' "$1"; then
		echo "L1 lost"	# reset or hung while QEMU ran
	else
		echo "L1 did not boot"
	fi
}

names=()
if [ "$measure" = 1 ]; then
	for kv in "$@"; do
		k=${kv%%=*} img=${kv#*=}
		names+=("$k")
		[ -f "$img" ] || die "no kernel $img for $k"
	done
	rm -f "$RESULTS"/vmm*
	# What the report needs to know of this run (bench-vmm.sh --report).
	{
		printf 'names=(%s)\n' "${names[*]}"
		printf 'runs=%s hogs=%s dev=%s\n' "$runs" "$hogs" "$dev"
	} >"$RESULTS/vmm.run"
	# The L2 kernel is the same for every L1 kernel: $VMM_L2_KERNEL, or this
	# series' test kernel.
	printf 'guest/vmm-bringup\t400\t-n 1\n' >"$RESULTS/vmm.list"
	SELFTESTS_LIST=$RESULTS/vmm.list stage "initramfs (real VMM)" \
		"$S/make-initramfs.sh" "$WORK/selftests" "$RESULTS/vmm-initramfs.cpio"
	for kv in "$@"; do
		k=${kv%%=*} img=${kv#*=}
		for mode in ${modes//,/ }; do
			for load in ${loads//,/ }; do
				for r in $(seq "$runs"); do
					c=$RESULTS/vmm-console-$k-$mode-$load-$r.log
					log "real VMM on $k: kernel-irqchip=$mode, load $load, run $r of $runs"
					GUEST_TIMEOUT=300 GUEST_APPEND="harness.run=./vmm-bringup,-m,$mode,-l,$load,-H,$hogs,-n,1,-t,240$dev$notrace" \
						"$S/run-guest.sh" "$img" "$RESULTS/vmm-initramfs.cpio" "$c" >/dev/null 2>&1 || true
					log "  -> $(outcome "$c")"
				done
			done
		done
	done
fi

[ -f "$RESULTS/vmm.run" ] || die "no saved real-VMM run in $RESULTS (vmm.run)"
# shellcheck source=/dev/null # written above, when measuring
. "$RESULTS/vmm.run"

# The CSV, from the console logs (vmm-console-KERNEL-MODE-LOAD-RUN.log).
csv=$RESULTS/vmm.csv
cols="updates waited slept grace_periods other_srcu_syncs traced total_us max_us boot_s l2_virtio_irqs qemu_exit first_ioctl first_us first_waited first_slept split_cap_waited irqchip first same adds modifies removes"
echo "kernel,mode,load,run,outcome,${cols// /,}" >"$csv"
n=0
for k in "${names[@]}"; do
	for c in "$RESULTS/vmm-console-$k-"*.log; do
		[ -f "$c" ] || continue
		id=${c#"$RESULTS/vmm-console-$k-"}; id=${id%.log}	# MODE-LOAD-RUN
		[[ "$id" =~ ^[a-z]+-[a-z]+-[0-9]+$ ]] || continue	# another kernel's
		# outcome: "up: key=value...", "L2 not up: key=value...", or no fields.
		awk -v id="$k-$id" -v o="$(outcome "$c")" -v cols="$cols" 'BEGIN {
			split(id, f, "-"); r = f[length(f)]; l = f[length(f) - 1]; m = f[length(f) - 2]
			sub("-" m "-" l "-" r "$", "", id)
			line = o; sub(/^[^:]*:?/, "", line); sub(/:.*/, "", o)
			n = split(line, f, " ")
			for (i = 1; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
			out = id "," m "," l "," r "," o
			n = split(cols, c, " ")
			for (i = 1; i <= n; i++) out = out "," v[c[i]]
			print out
		}' >>"$csv"
		n=$((n + 1))
	done
done
[ "$n" -gt 0 ] || die "no console logs of the real-VMM scenario in $RESULTS"

# Table: per kernel, mode and load.  Counts of updates and waits come from
# every bring-up in which QEMU ran (an L2 guest that reset had made updates
# until then), times and boot only from those that came up.
{
	printf '\nreal VMM bring-up (QEMU 7.2 in the guest, q35, 1 vCPU, L2 = test kernel%s): %s runs per row, busy = %s busy loops\n' \
		"$([ -n "$dev" ] && echo ', vhost-net NIC + virtio-blk disk')" "$runs" "$hogs"
	printf '%-10s %-5s %-4s | %5s %7s | %7s %7s %7s %8s %7s | %8s %8s %7s\n' kernel mode load "up" "L1 lost" \
		updates waited slept "1st wait" "1st ms" "total ms" "max ms" "boot s"
	gawk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	function med(a, n,   s) { if (!n) return "-"; asort(a, s, "@val_num_asc"); return s[int((n + 1) / 2)] }
	{
		key = $col["kernel"] "," $col["mode"] "," $col["load"]
		if (!(key in seen)) { seen[key] = 1; order[++nk] = key; up[key] = 0; ran[key] = 0 }
		tot[key]++
		if ($col["outcome"] ~ /^L1/) lost[key]++
		if ($col["updates"] != "" && $col["updates"] > 0) {
			u = ++ran[key]
			upd[key][u] = $col["updates"]; sl[key][u] = $col["slept"]
			if ($col["waited"] != "-") { w[key][++nw[key]] = $col["waited"]; fw[key] += $col["first_waited"] }
			if ($col["first_us"] != "") f1[key][++nf[key]] = $col["first_us"] / 1000
		}
		if ($col["outcome"] != "up") next
		u = ++up[key]
		tm[key][u] = $col["total_us"] / 1000; mx[key][u] = $col["max_us"] / 1000; bt[key][u] = $col["boot_s"]
	}
	END {
		for (i = 1; i <= nk; i++) {
			key = order[i]; split(key, p, ",")
			# Without the tracer no bring-up has a "waited" count.
			wm = fwt = "-"
			if (key in nw) { wm = med(w[key], nw[key]); fwt = sprintf("%d/%d", fw[key], nw[key]) }
			printf "%-10s %-5s %-4s | %2d/%-2d %7d | %7s %7s %7s %8s %7s | %8s %8s %7s\n", p[1], p[2], p[3],
				up[key], tot[key], lost[key], med(upd[key], ran[key]), wm, med(sl[key], ran[key]),
				fwt, med(f1[key], nf[key]),
				med(tm[key], up[key]), med(mx[key], up[key]), med(bt[key], up[key])
		}
	}' "$csv"
	echo "up: bring-ups whose L2 guest reached userspace; L1 lost: the test guest reset or hung while QEMU ran."
	echo "updates, waited, slept (median): routing updates QEMU made, those that waited for an irq_srcu grace period"
	echo "(kvm_set_irq_routing() called synchronize_srcu_expedited(), seen by the function tracer; \"-\" with"
	echo "BENCH_VMM_TRACE=0), and those in which QEMU's thread slept, over every bring-up in which QEMU ran;"
	echo "1st wait: bring-ups whose first routing update waited, and the median time of that first update (1st ms)."
	echo "total/max ms (time in routing ioctls) and boot s (QEMU start to L2's first userspace line):"
	echo "medians over the bring-ups that came up.  Per class (first/same/adds/modifies/removes) in vmm.csv."
} | tee "$RESULTS/vmm-table.txt"

# Plot: time spent in routing updates per bring-up, per kernel, mode and load.
dat=$RESULTS/vmm.dat
gawk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["outcome"] == "up" { print $col["kernel"] "/" $col["mode"] "/" $col["load"], $col["total_us"] / 1000, $col["waited"] }' "$csv" >"$dat"
if [ -s "$dat" ]; then
	gnuplot <<-GP 2>"$RESULTS/vmm-gnuplot.log" || log "note: gnuplot failed (see vmm-gnuplot.log); table and CSV are complete"
	set terminal png size 1200,600
	set output '$RESULTS/vmm.png'
	set title 'Real VMM bring-up: milliseconds QEMU spent in irq routing ioctls (each point one bring-up)'
	set ylabel 'ms (log scale)'; set logscale y; set grid; set xtics rotate by 30 right noenhanced; set bmargin 7; set offsets 0.5, 0.5, 0, 0
	plot '$dat' using 0:2:xtic(1) with points pt 7 ps 1.5 notitle
	GP
fi
log "real-VMM results: $RESULTS/vmm-table.txt vmm.csv vmm.png vmm-console-*.log"
