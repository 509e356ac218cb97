#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real-VMM scenario of make bench: boot each kernel under QEMU TCG and,
# in it, run guest/vmm-bringup once per L1 boot (a real VMM of vmm/ boots
# an L2 guest; guest/vmm-shim.c and the function tracer count the VMM's
# routing updates, the ones that waited for a grace period or slept, their
# time, and classify them).  For every kernel, VMM (Debian's QEMU 7.2,
# 10.0, 11.1; $VMMS picks, scripts/fetch-vmm.sh), kernel-irqchip mode
# (split, on) and load (none, busy), BENCH_VMM_RUNS bring-ups.  One L1 boot
# per bring-up: QEMU TCG's nested SVM sometimes loses L1 (resets or hangs;
# docs/results.md), which costs that sample only and is counted.
#
#   bench-vmm.sh NAME=BZIMAGE...   (from scripts/bench.sh; results in $RESULTS)
#   bench-vmm.sh --report          table, CSV and plot again from the saved
#                                  logs (vmm-console-*.log, vmm.run, vmm.index)
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
		echo "L1 lost"	# reset or hung while the VMM ran
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
	vmms=$("$S/fetch-vmm.sh" --list) || die "no VMM for the real-VMM scenario"
	rm -f "$RESULTS"/vmm*
	# What the report needs to know of this run (bench-vmm.sh --report),
	# and which bring-up each console log is (vmm.index).
	{
		printf 'names=(%s)\n' "${names[*]}"
		printf 'runs=%s hogs=%s dev=%s\n' "$runs" "$hogs" "$dev"
	} >"$RESULTS/vmm.run"
	: >"$RESULTS/vmm.index"
	# The L2 kernel is the same for every L1 kernel: $VMM_L2_KERNEL, or this
	# series' test kernel.
	printf 'guest/vmm-bringup\t400\t-n 1\n' >"$RESULTS/vmm.list"
	SELFTESTS_LIST=$RESULTS/vmm.list stage "initramfs (real VMM)" \
		"$S/make-initramfs.sh" "$WORK/selftests" "$RESULTS/vmm-initramfs.cpio"
	for kv in "$@"; do
		k=${kv%%=*} img=${kv#*=}
		for v in $vmms; do
			for mode in ${modes//,/ }; do
				for load in ${loads//,/ }; do
					for r in $(seq "$runs"); do
						c=vmm-console-$k-$v-$mode-$load-$r.log
						log "real VMM on $k: $v, kernel-irqchip=$mode, load $load, run $r of $runs"
						GUEST_TIMEOUT=300 GUEST_APPEND="harness.run=./vmm-bringup,-V,$v,-m,$mode,-l,$load,-H,$hogs,-n,1,-t,240$dev$notrace" \
							"$S/run-guest.sh" "$img" "$RESULTS/vmm-initramfs.cpio" "$RESULTS/$c" >/dev/null 2>&1 || true
						echo "$c $k $v $mode $load $r" >>"$RESULTS/vmm.index"
						log "  -> $(outcome "$RESULTS/$c")"
					done
				done
			done
		done
	done
fi

[ -f "$RESULTS/vmm.run" ] && [ -f "$RESULTS/vmm.index" ] ||
	die "no saved real-VMM run in $RESULTS (vmm.run, vmm.index)"
# shellcheck source=/dev/null # written above, when measuring
. "$RESULTS/vmm.run"

# The CSV, from the console logs that vmm.index names (one line each:
# LOG KERNEL VMM MODE LOAD RUN).
csv=$RESULTS/vmm.csv
cols="vmm_version updates waited slept grace_periods other_srcu_syncs traced total_us max_us boot_s l2_virtio_irqs qemu_exit first_ioctl first_us first_waited first_slept split_cap_waited irqchip first same adds modifies removes modifies_gsis removes_gsis us_irqchip us_first us_same us_adds us_modifies us_removes"
echo "kernel,vmm,mode,load,run,outcome,${cols// /,}" >"$csv"
n=0
while read -r c k v mode load r; do
	[ -f "$RESULTS/$c" ] || continue
	# outcome: "up: key=value...", "L2 not up: key=value...", or no fields.
	awk -v id="$k,$v,$mode,$load,$r" -v o="$(outcome "$RESULTS/$c")" -v cols="$cols" 'BEGIN {
		line = o; sub(/^[^:]*:?/, "", line); sub(/:.*/, "", o)
		n = split(line, f, " ")
		for (i = 1; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		out = id "," o
		n = split(cols, c, " ")
		for (i = 1; i <= n; i++) out = out "," v[c[i]]
		print out
	}' >>"$csv"
	n=$((n + 1))
done <"$RESULTS/vmm.index"
[ "$n" -gt 0 ] || die "no console logs of the real-VMM scenario in $RESULTS"

# Table: per VMM, kernel, mode and load.  Counts of updates and waits
# come from every bring-up in which the VMM ran (an L2 guest that reset had
# made updates until then), times and boot only from those that came up.
{
	printf '\nreal VMM bring-up (in the test guest: q35, 1 vCPU, L2 = test kernel%s): %s runs per row, busy = %s busy loops\n' \
		"$([ -n "$dev" ] && echo ', vhost-net NIC + virtio-blk disk')" "$runs" "$hogs"
	gawk -F, 'NR > 1 && $7 != "" && !seen[$2]++ { print "  " $2 ": Debian package version " $7 }' "$csv"
	printf '%-9s %-10s %-5s %-4s | %5s %4s | %7s %7s %7s | %8s %8s %6s %6s | %8s %7s | %8s %8s %6s\n' vmm kernel mode load "up" lost \
		updates waited slept same adds modif remov "1st wait" "1st ms" "total ms" "max ms" "boot s"
	gawk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	function med(a, n,   s) { if (!n) return "-"; asort(a, s, "@val_num_asc"); return s[int((n + 1) / 2)] }
	# The "N/W" (updates/waited) of class c in the bring-ups that ran: medians.
	function cls(key, c,   i, a, b) {
		if (!ran[key]) return "-"
		for (i = 1; i <= ran[key]; i++) { split(cl[key][c][i], p2, "/"); a[i] = p2[1]; b[i] = p2[2] }
		return med(a, ran[key]) "/" med(b, ran[key])
	}
	{
		key = $col["vmm"] "," $col["kernel"] "," $col["mode"] "," $col["load"]
		if (!(key in seen)) { seen[key] = 1; keys[++nk] = key; up[key] = 0; ran[key] = 0 }
		if (!($col["vmm"] in vseen)) { vseen[$col["vmm"]] = 1; vmms[++nv] = $col["vmm"] }
		tot[key]++
		if ($col["outcome"] ~ /^L1/) lost[key]++
		if ($col["updates"] != "" && $col["updates"] > 0) {
			u = ++ran[key]
			upd[key][u] = $col["updates"]; sl[key][u] = $col["slept"]
			for (c in classes) cl[key][c][u] = $col[c]
			if ($col["waited"] != "-") { w[key][++nw[key]] = $col["waited"]; fw[key] += $col["first_waited"] }
			if ($col["first_us"] != "") f1[key][++nf[key]] = $col["first_us"] / 1000
		}
		if ($col["outcome"] != "up") next
		u = ++up[key]
		tm[key][u] = $col["total_us"] / 1000; mx[key][u] = $col["max_us"] / 1000; bt[key][u] = $col["boot_s"]
	}
	BEGIN { classes["same"]; classes["adds"]; classes["modifies"]; classes["removes"] }
	END {
		# VMM by VMM, in the order they ran, each with its kernels in order.
		for (j = 1; j <= nv; j++) for (i = 1; i <= nk; i++) {
			key = keys[i]; split(key, p, ",")
			if (p[1] != vmms[j]) continue
			# Without the tracer no bring-up has a "waited" count.
			wm = fwt = "-"
			if (key in nw) { wm = med(w[key], nw[key]); fwt = sprintf("%d/%d", fw[key], nw[key]) }
			printf "%-9s %-10s %-5s %-4s | %2d/%-2d %4d | %7s %7s %7s | %8s %8s %6s %6s | %8s %7s | %8s %8s %6s\n",
				p[1], p[2], p[3], p[4], up[key], tot[key], lost[key],
				med(upd[key], ran[key]), wm, med(sl[key], ran[key]),
				cls(key, "same"), cls(key, "adds"), cls(key, "modifies"), cls(key, "removes"),
				fwt, med(f1[key], nf[key]),
				med(tm[key], up[key]), med(mx[key], up[key]), med(bt[key], up[key])
		}
	}' "$csv"
	echo "up: bring-ups whose L2 guest reached userspace; lost: the test guest (L1) reset or hung while the VMM ran."
	echo "updates, waited, slept (median): routing updates the VMM made, those that waited for an irq_srcu grace"
	echo "period (kvm_set_irq_routing() called synchronize_srcu_expedited(), seen by the function tracer; \"-\" with"
	echo "BENCH_VMM_TRACE=0), and those in which the VMM's thread slept, over every bring-up in which the VMM ran;"
	echo "same, adds, modif, remov: updates/waited (medians) of the updates that changed nothing, only added routes,"
	echo "changed a GSI's routes, removed a GSI's routes (guest/vmm-shim.c; the first update is apart)."
	echo "1st wait: bring-ups whose first routing update waited, and the median time of that first update (1st ms)."
	echo "total/max ms (time in routing ioctls) and boot s (VMM start to L2's first userspace line):"
	echo "medians over the bring-ups that came up.  Every bring-up, and its first update, in vmm.csv."
} | tee "$RESULTS/vmm-table.txt"

# Plot: time spent in routing updates per bring-up, per kernel, mode and load.
dat=$RESULTS/vmm.dat
gawk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	$col["outcome"] == "up" { print $col["vmm"] "/" $col["kernel"] "/" $col["mode"] "/" $col["load"], $col["total_us"] / 1000, $col["waited"] }' "$csv" >"$dat"
if [ -s "$dat" ]; then
	gnuplot <<-GP 2>"$RESULTS/vmm-gnuplot.log" || log "note: gnuplot failed (see vmm-gnuplot.log); table and CSV are complete"
	set terminal png size 1600,700
	set output '$RESULTS/vmm.png'
	set title 'Real VMM bring-up: milliseconds the VMM spent in irq routing ioctls (each point one bring-up)'
	set ylabel 'ms (log scale)'; set logscale y; set grid; set xtics rotate by 30 right noenhanced; set bmargin 7; set offsets 0.5, 0.5, 0, 0
	plot '$dat' using 0:2:xtic(1) with points pt 7 ps 1.5 notitle
	GP
fi
log "real-VMM results: $RESULTS/vmm-table.txt vmm.csv vmm.png vmm-console-*.log"
