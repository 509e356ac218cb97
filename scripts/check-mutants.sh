#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Show that the series' tests can fail.  Build the test kernel once from the
# series plus the series directory's mutants.diff, whose kvm.mutant=N boot
# parameter selects one deliberate breakage (0: none), then boot it once per
# line of its mutants.list with that mutant and the selftests the line
# names, and check that every result the line lists fails (mutant 0: that
# everything passes).  Prints TAP, one result per
# mutant, and the cases that fail on no mutant.  Not part of make test: it
# boots the guest 13 times (about 4 minutes warm; the kernel build makes it
# 17 cold).
#
#   check-mutants.sh [N ...]   only these mutants (default: every line)

. "$(dirname "$0")/lib.sh"
"$SCRIPTS/check-deps.sh"	# every tool, before a long run
S=$SCRIPTS

diff=$SERIES_DIR/mutants.diff
list=$SERIES_DIR/mutants.list
[ -f "$diff" ] && [ -f "$list" ] ||
	die "no mutants for $SERIES_NAME (want $SERIES_NAME/mutants.diff and mutants.list)"
want=" $* "

MUT=$CACHE/mutants/$SERIES_NAME
src=$MUT/linux out=$MUT/build
mkdir -p "$MUT/logs"

stage fetch     "$S/fetch-base.sh"
stage apply     "$S/apply-series.sh"
# The mutant tree ($src): a clean worktree of the base repository at the
# series' test tree's commit, plus the diff.
mutant_tree() {
	local head
	head=$(kgit -C "$TREE" rev-parse HEAD) &&
	[ "$(base_worktree "$head" "$MUT")" = "$src" ] || return 1
	kgit -C "$src" apply --index "$diff" ||
		{ echo "error: $diff does not apply to $SERIES_NAME any more" >&2; return 1; }
}
stage "mutant tree" mutant_tree
stage "mutant kernel" "$S/build-kernel.sh" "$src" "$out"
stage selftests "$S/build-selftests.sh"

results=$MUT/results.txt
: >"$results"
all_cases=$MUT/cases-mutant-0.txt
caught=$MUT/caught.txt
: >"$caught"
rm -f "$all_cases"

# Whether result NAME is the one SPEC ("kunit:CASE" or
# "selftest:PROGRAM:TEXT", see the list) names.
matches() {	# matches SPEC NAME
	local spec=$1 name=$2 prog text
	case "$spec" in
	kunit:*) [[ "$name" == "kunit: kvm_irq_routing: ${spec#kunit:}" ]] ;;
	selftest:*)
		prog=${spec#selftest:}; text=${prog#*:}; prog=${prog%%:*}
		text=${text//+/ }
		[[ "$name" == "selftest: "*"$prog: "*"$text"* ]] ||
		{ [ -z "$text" ] && [[ "$name" == "selftest: "*"/$prog" ]]; } ;;
	*) return 1 ;;
	esac
}

# The names of the results in $tap with status $1, without the reason.
names() { sed -n "s/^$1 //p" "$tap" | sed 's/ # .*//'; }

while IFS='|' read -r n what tests expect; do
	n=${n//[[:space:]]/}
	case "$n" in ''|\#*) continue ;; esac
	[ "$want" = "  " ] || [[ "$want" == *" $n "* ]] || continue
	what=$(echo "$what" | sed 's/^ *//; s/ *$//')
	# The selftests of this mutant, in the guest's list format.
	st=$MUT/selftests-$n.list
	for t in $tests; do echo "${t%%:*} ${t##*:}"; done >"$st"
	SELFTESTS_LIST=$st "$S/make-initramfs.sh" "$WORK/selftests" "$MUT/initramfs-$n.cpio" ||
		die "initramfs for mutant $n failed"
	console=$MUT/logs/console-$n.log
	log "mutant $n: $what"
	tap=$MUT/logs/results-$n.txt
	GUEST_APPEND="kvm.mutant=$n" GUEST_TIMEOUT=900 \
		"$S/guest-results.sh" "$out/$KIMAGE" "$MUT/initramfs-$n.cpio" "$console" "$tap" || true
	grep -aq "kvm.mutant=$n" "$console" || die "mutant $n: the guest did not boot with kvm.mutant=$n"
	failed=$(names "not ok")
	if [ "$n" = 0 ]; then
		names ok >"$all_cases"
		if [ -z "$failed" ]; then
			echo "ok mutant 0: $what: $(wc -l <"$all_cases") results pass" >>"$results"
		else
			echo "not ok mutant 0: $what # failed: $(echo "$failed" | paste -sd ';')" >>"$results"
		fi
		continue
	fi
	missed=()
	for spec in $expect; do
		hit=
		while IFS= read -r name; do
			[ -n "$name" ] && matches "$spec" "$name" && { hit=1; break; }
		done <<<"$failed"
		[ -n "$hit" ] || missed+=("$spec")
	done
	[ -n "$failed" ] && echo "$failed" >>"$caught"
	if [ -n "$expect" ] && [ ${#missed[@]} -eq 0 ]; then
		echo "ok mutant $n: $what: caught by $(echo "$failed" | wc -l) result(s)" >>"$results"
	else
		echo "not ok mutant $n: $what # still pass: ${missed[*]:-(nothing expected)}" >>"$results"
	fi
	# Every result that failed, for the record.
	echo "$failed" | sed "s/^/  mutant $n fails: /" >&2
done <"$list"

tap_number <"$results" | tee "$MUT/tap.txt" || rc=$?
# Only a run of every mutant can say what no mutant catches.
if [ "$want" = "  " ] && [ -s "$all_cases" ]; then
	# Counts in result names ("146 rounds") differ from run to run; a
	# program that failed as a whole (it exited before its cases) caught
	# all of its cases.
	uncaught=$(gawk '
		{ gsub(/\<[0-9]+\>/, "N") }
		NR == FNR { caught[$0] = 1; next }
		/^(kunit: kvm_irq_routing: |selftest: x86\/irq_routing_(test|stress_test): )/ {
			prog = $0; sub(/: [^:]*$/, "", prog)
			if (!($0 in caught) && !(prog in caught)) print
		}' "$caught" "$all_cases")
	if [ -n "$uncaught" ]; then
		echo "# results that pass on mutant 0 and fail on no mutant:"
		echo "$uncaught" | sed 's/^/#   /'
	fi
fi
exit "${rc:-0}"
