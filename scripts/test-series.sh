#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tests of one series ($SERIES_DIR, default series/): fetch its base,
# apply it, run the robot's checks (checkpatch, per-patch builds, sparse and
# W=1, cross-arch builds), build and boot the test kernel, run KUnit and the
# selftests, run the real-VMM count test (scripts/check-vmm.sh), and print
# TAP with a closing "N passed, N failed, N skipped" (also saved in
# $WORK/checks/tap.txt).  Exit 1 on any failure.  Also the tests on the
# debug kernel (scripts/debug-test.sh) if harness.conf says
# SERIES_TEST_DEBUG=1, and with TEST_FULL=1 (make test-full) the debug
# tests and the mutants (scripts/check-mutants.sh) of every series.
# scripts/test.sh runs this for every series.
#
# SKIP_CROSS=1 leaves out the cross-arch builds (reported as skipped).
# The robot's checks (checkpatch, per-patch builds, sparse and W=1, cross
# builds) replay an earlier pass with the same inputs (cached_check in
# scripts/lib.sh; NO_CHECK_CACHE=1 runs them all).

. "$(dirname "$0")/lib.sh"
"$SCRIPTS/check-deps.sh"	# every tool, before a long run

S=$SCRIPTS
checks=$WORK/checks
rm -rf "$checks"
mkdir -p "$checks" "$WORK/logs"
export STAGE_TIMES=$checks/times

stage fetch          "$S/fetch-base.sh"
stage apply          "$S/apply-series.sh"
# What the robot's checks depend on, once (scripts/lib.sh, cached_check).
CHECK_KEY=$(check_inputs)
stage checkpatch     cached_check checkpatch "$checks/1-patches" "$S/check-patches.sh" "$checks/1-patches"
stage "per-patch builds" cached_check bisect "$checks/2-bisect" "$S/check-bisect.sh" "$checks/2-bisect"
# A job whose results are a file (test-guest.sh, check-vmm.sh,
# debug-test.sh, check-mutants.sh): its failures are results, not a stop.
# Its results become this series' OUT; a job that stopped without saying
# what failed adds "not ok WHAT".
results_of() {	# results_of OUT FILE WHAT CMD...   (FILE: where CMD writes them)
	local out=$1 file=$2 what=$3
	shift 3
	[ "$file" = "$out" ] || rm -f "$file"
	"$@" >&2 || grep -qs '^not ok' "$file" ||
		echo "not ok $what # ${1##*/} stopped; see its errors above" >>"$file"
	[ "$file" = "$out" ] || cp "$file" "$out"
}
# The test kernel, the selftests and a boot on each architecture of
# SERIES_ARCHES (harness.conf; x86_64 first, whose kernel the per-patch
# builds have built already); another architecture's results are named
# after it ("arm64: ...").  Their stages are this series' stages.  Those
# of SERIES_FULL_ARCHES only in make test-full (TEST_FULL=1).
for arch in $SERIES_ARCHES $SERIES_FULL_ARCHES; do
	if [ "$arch" = x86_64 ]; then f=$checks/5-guest p=; else f=$checks/5-guest-$arch p="$arch: "; fi
	if [[ " $SERIES_FULL_ARCHES " = *" $arch "* ]] && [ "${TEST_FULL:-0}" != 1 ]; then
		echo "ok ${p}tests # SKIP only in make test-full (harness.conf: SERIES_FULL_ARCHES)" >"$f"
		continue
	fi
	TEST_ARCH=$arch results_of "$f" "$f" "${p}tests: ran" "$S/test-guest.sh" "$f" "$p"
done
# The jobs below have stages of their own, not this series'.
# The real-VMM count test.
vmm() { STAGE_TIMES='' results_of "$checks/6-vmm" "$checks/6-vmm" "real VMM: the count test ran" "$S/check-vmm.sh" "$checks/6-vmm"; }
stage "real VMM"     vmm
stage "sparse + W=1" cached_check warnings "$checks/3-warnings" "$S/check-warnings.sh" "$checks/3-warnings"
# The cross builds of SERIES_CROSS, and in make test-full also those of
# SERIES_FULL_CROSS (harness.conf), which make test reports as skipped.
cross_full=
[ "${TEST_FULL:-0}" = 1 ] && cross_full=$SERIES_FULL_CROSS
cross() {
	local name
	: >"$checks/4-cross"
	# shellcheck disable=SC2086 # lists of names
	if [ -n "$SERIES_CROSS$cross_full" ]; then
		cached_check "cross${cross_full:+-full}" "$checks/4-cross" \
			"$S/check-cross.sh" "$checks/4-cross" $SERIES_CROSS $cross_full || return
	fi
	if [ -z "$cross_full" ]; then
		for name in $SERIES_FULL_CROSS; do
			echo "ok cross $name # SKIP only in make test-full (harness.conf: SERIES_FULL_CROSS)" >>"$checks/4-cross"
		done
	fi
}
if [ "${SKIP_CROSS:-0}" = 1 ]; then
	echo "ok cross-arch builds # SKIP SKIP_CROSS=1" >"$checks/4-cross"
else
	stage "cross-arch builds" cross
fi

# The tests on the debug kernel, where harness.conf asks for them in make
# test (SERIES_TEST_DEBUG=1), and in make test-full (TEST_FULL=1) for
# every series; make test-full also runs the mutants.  What make test
# leaves to make test-full, it reports as skipped.
if [ "$SERIES_TEST_DEBUG" = 1 ] || [ "${TEST_FULL:-0}" = 1 ]; then
	debug() { STAGE_TIMES='' results_of "$checks/7-debug" "$WORK/debug-series.results" "debug-series: tests ran on the debug kernel" "$S/debug-test.sh"; }
	stage "debug kernel" debug
else
	echo "ok debug-series: tests # SKIP only in make test-full (harness.conf: SERIES_TEST_DEBUG=0)" >"$checks/7-debug"
fi
if [ -f "$SERIES_DIR/mutants.list" ]; then
	if [ "${TEST_FULL:-0}" = 1 ]; then
		mutants() { STAGE_TIMES='' results_of "$checks/8-mutants" "$CACHE/mutants/$SERIES_NAME/results.txt" "mutants: ran" "$S/check-mutants.sh"; }
		stage mutants mutants
	else
		echo "ok mutants # SKIP only in make test-full" >"$checks/8-mutants"
	fi
fi

log "== results ($SERIES_NAME on $BASE_UPSTREAM, total ${SECONDS}s)"
sed 's/^/  stage time (s): /' "$checks/times" >&2
rc=0
cat "$checks"/[0-9]-* | tap_number >"$checks/tap.txt" || rc=$?
cat "$checks/tap.txt"
exit "$rc"
