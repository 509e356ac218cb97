#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The report of make bench, from the logs a run saved in $RESULTS: the
# perf runs' CSV (latency.csv), sorted samples, side-by-side table
# (table.txt) and CDF plot (latency.png), from console-KERNEL.log (and
# console-ARCH-KERNEL.log of another architecture than x86_64, whose rows
# are named ARCH:PATH) and bench.run; and the real-VMM table, CSV and plot
# (scripts/bench-vmm.sh --report, from vmm-console-*.log and vmm.run).
# scripts/bench.sh calls it after measuring; make bench-report runs it
# again for every series.
#
#   bench-report.sh [--perf|--vmm]   only that part (default: both, each
#                                    if its logs are there)

. "$(dirname "$0")/lib.sh"
need gnuplot gawk sort

what=${1:-all}
case "$what" in all|--perf|--vmm) ;; *) die "usage: bench-report.sh [--perf|--vmm]" ;; esac
S=$SCRIPTS

# shellcheck disable=SC2154 # kernels, samples, ... come from bench.run
perf() {
	local k f a prefix arches=(x86_64)
	# shellcheck source=/dev/null # written by scripts/bench.sh
	. "$RESULTS/bench.run"

	# CSV of the summaries, and one sorted sample file per kernel, load and path.
	csv=$RESULTS/latency.csv
	echo "kernel,load,path,n,min_us,median_us,p99_us,max_us,sleeps,preempted" >"$csv"
	for a in "${arches[@]}"; do
		prefix=; [ "$a" = x86_64 ] || prefix=$a:
		for k in "${kernels[@]}"; do
			tr -d '\r' <"$RESULTS/console$(arch_suffix "$a")-$k.log" |
			awk -v k="$k" -v pre="$prefix" -v dir="$RESULTS" '
			/^# RESULT / {
				for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				print k "," v["load"] "," pre v["path"] "," v["n"] "," v["min_us"] "," \
				      v["median_us"] "," v["p99_us"] "," v["max_us"] "," v["sleeps"] "," v["preempted"]
			}
			/^# SAMPLES / {
				split($3, l, "="); split($4, p, "="); sub(/^ns=/, "", $5)
				n = split($5, ns, ",")
				f = dir "/samples-" k "-" l[2] "-" pre p[2] ".dat"
				for (i = 1; i <= n; i++) print ns[i] / 1000 > f
				close(f)
			}' >>"$csv"
		done
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
			"$samples" "$vms" "$vcpus" "$hogs" "$cpus"
		# Per kernel min, median, p99, max; then the last kernel against the
		# one before it (what this series changes), and every kernel's sleeps.
		awk -F, -v names="${kernels[*]}" '
		BEGIN { nk = split(names, k, " ") }
		NR > 1 { r[$1 "," $2 "," $3] = $0; if (!seen[$2 "," $3]++) order[++n] = $2 "," $3
			 if (length($3) > w) w = length($3) }
		END {
			# The path column as wide as the longest path (36 on riscv64).
			lpf = "%-4s %-" (w > 34 ? w : 34) "s"
			line = sprintf(lpf, "load", "path"); sub2 = sprintf(lpf, "", "")
			for (j = 1; j <= nk; j++) {
				line = line sprintf(" | %8s %8s %8s %8s", "min", "median", "p99", "max")
				sub2 = sub2 sprintf(" | %-35s", k[j])
			}
			print line sprintf(" | %6s %6s | %s", "median", "p99", "sleeps")
			print sub2 sprintf(" | %-13s | %s", k[nk - 1] "/" k[nk], names)
			for (i = 1; i <= n; i++) {
				split(order[i], lp, ",")
				line = sprintf(lpf, lp[1], lp[2]); sl = ""
				for (j = 1; j <= nk; j++) {
					split(r[k[j] "," order[i]], v, ",")
					line = line sprintf(" | %8.1f %8.1f %8.1f %8.1f", v[5], v[6], v[7], v[8])
					sl = sl (j > 1 ? "/" : "") v[9]
					if (j == nk - 1) { pm = v[6]; pp = v[7] }
				}
				print line sprintf(" | %5.1fx %5.1fx | %s", pm / v[6], pp / v[7], sl)
			}
		}' "$csv"
		echo "sleeps: voluntary context switches of the timing thread over all samples (a grace-period wait normally sleeps)"
	} | tee "$RESULTS/table.txt"

	# Plot: the distribution of each path, base against patched, log scale.
	gp=$RESULTS/plot.gp
	{
		echo "set terminal pngcairo size 1500,900 noenhanced font ',9'"
		echo "set output '$RESULTS/latency.png'"
		echo "set multiplot layout $(( ($(wc -l <<<"$paths") + 2) / 3 )),3 title 'Latency CDF, ${kernels[*]} ($samples samples, $cpus CPUs, busy = $vms VMs + $hogs hogs)'"
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
	log "  table.txt latency.csv samples-*.dat latency.png console-*{$(IFS=,; echo "${kernels[*]}")}.log"
}

case "$what" in
--perf) perf ;;
--vmm) "$S/bench-vmm.sh" --report ;;
*)
	[ -f "$RESULTS/bench.run" ] || [ -f "$RESULTS/vmm.run" ] ||
		die "no saved run of make bench in $RESULTS (bench.run, vmm.run)"
	[ ! -f "$RESULTS/bench.run" ] || perf
	[ ! -f "$RESULTS/vmm.run" ] || "$S/bench-vmm.sh" --report
	;;
esac
