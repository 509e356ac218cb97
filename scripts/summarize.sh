#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Read a guest console log and print TAP: the CPU check, every selftest
# (each kselftest_harness case on its own), one line per kernel splat, and
# every KUnit case (read by the tree's own KTAP parser:
# scripts/kunit-results.py); then the closing line "N passed, N failed,
# N skipped".  Exit 1 if anything failed or did not run.  With --lines,
# the same results as "ok NAME" / "not ok NAME # why" lines, unnumbered,
# for a caller that adds its own and numbers them all (tap_number in
# scripts/lib.sh, the one TAP writer).
#
#   summarize.sh [--lines] CONSOLE_LOG [PREFIX]
#
# guest/kunit-suites.list (or $KUNIT_SUITES_LIST) names the KUnit suites
# that must have run; $TREE (the series' test tree) has the parser.

. "$(dirname "$0")/lib.sh"

lines=0
[ "${1:-}" != --lines ] || { lines=1; shift; }
console=${1:?usage: summarize.sh [--lines] CONSOLE_LOG [PREFIX]}
prefix=${2:-}
[ -f "$console" ] || die "no console log at $console"

results=$(tr -d '\r' <"$console" |
	awk -v prefix="$prefix" '
function res(status, name, why) {
	printf "%s %s%s%s\n", status, prefix, name, (why == "" ? "" : " # " why)
}
BEGIN {
	splat = "(BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection fault|" \
		"KASAN:|UBSAN:|possible circular locking|suspicious RCU usage|" \
		"unreferenced object|kernel BUG at)"
}
# Kernel messages: "[    1.234567] text"
/^\[ *[0-9]+\.[0-9]+\] / {
	k = $0; sub(/^\[ *[0-9]+\.[0-9]+\] /, "", k)
	if (ctx > 0) { print "  | " k > "/dev/stderr"; ctx-- }
	# The allocator report of a failed allocation (the debug run injects
	# them on purpose) dumps the stack; that trace alone is not a splat.
	if (k ~ /(page allocation failure|vmalloc error):/) { allocfail = 60; nallocfail++ }
	else if (allocfail > 0) allocfail--
	if (k ~ /Call Trace/ && allocfail > 0) next
	if (k ~ splat && nsplat < 20) {
		res("not ok", "kernel: " k, "kernel splat on the console")
		nsplat++
		# The excerpt that follows a splat goes to stderr, beside the TAP.
		print "  console after: " k > "/dev/stderr"
		ctx = 25
	}
	next
}
/^HARNESS: kmemleak begin/ { leaks = 0; in_leak = 1; next }
/^HARNESS: kmemleak end/ {
	in_leak = 0
	res(leaks ? "not ok" : "ok", "kmemleak: no unreferenced objects", leaks ? leaks " reported" : "")
	next
}
in_leak && /^unreferenced object/ { leaks++; if (leaks <= 5) print "  " $0 > "/dev/stderr"; next }
in_leak { next }
/^HARNESS: cpus online=/ {
	split($0, a, /[= ]/); have = a[4]; want_cpus = a[6]; cpus_seen = 1
	res(have == want_cpus ? "ok" : "not ok", "guest: " want_cpus " CPUs online", "saw " have)
	next
}
/^HARNESS: start / { t = $3; sub(/^\/.*\//, "", t); running = 1; ncases = 0; nfail = 0; next }
/^HARNESS: end selftests/ { finished = 1; next }
/^HARNESS: not run / { n = $4; sub(/^\/.*\//, "", n); w = $0; sub(/^[^(]*\(/, "", w); sub(/\)$/, "", w); res("not ok", "selftest: " n, "not run: " w); next }
/^HARNESS: end / {
	split($4, e, "="); split($5, s, "=")
	rc = e[2]
	if (rc == "stuck") {
		res("not ok", "selftest: " t, "still running 30 s after SIGKILL (stuck in the kernel; blocked tasks on the console)")
	} else if (ncases == 0) {
		if (rc == 0) res("ok", "selftest: " t, s[2] "s")
		else if (rc == 4) res("ok", "selftest: " t, "SKIP exit 4")
		else res("not ok", "selftest: " t, "exit " rc (rc == 137 ? " (timeout)" : ""))
	} else if (rc != 0 && rc != 4 && nfail == 0) {
		res("not ok", "selftest: " t, "exit " rc " after all cases passed" (rc == 137 ? " (timeout)" : ""))
	}
	running = 0; ran[t] = 1
	next
}
running && /^(not )?ok [0-9]+ / {
	c = $0; sub(/^(not )?ok [0-9]+ /, "", c)
	st = ($0 ~ /^not ok/) ? "not ok" : "ok"
	why = ""
	if (c ~ /# *SKIP/) { why = c; sub(/.*# *SKIP */, "SKIP ", why); sub(/ *# *SKIP.*/, "", c) }
	if (st == "not ok") nfail++
	res(st, "selftest: " t ": " c, why); ncases++
	next
}
END {
	if (nallocfail)
		print "  note: " nallocfail " failed-allocation report(s) on the console (their stack dumps are not counted as splats)" > "/dev/stderr"
	if (!cpus_seen) res("not ok", "guest: booted and ran init", "no HARNESS line on the console")
	if (running) res("not ok", "selftest: " t, "did not finish (guest crashed or hung)")
	if (cpus_seen && !finished) res("not ok", "guest: finished its tests", "no end marker")
}')
kunit=$(PYTHONDONTWRITEBYTECODE=1 python3 "$SCRIPTS/kunit-results.py" "$TREE" "$console" \
	"${KUNIT_SUITES_LIST:-$TOP/guest/kunit-suites.list}" "$prefix") ||
	kunit="not ok ${prefix}kunit: results read # scripts/kunit-results.py failed"
[ -z "$kunit" ] || results+=$'\n'"$kunit"

if [ "$lines" = 1 ]; then
	printf '%s\n' "$results"
	! grep -q '^not ok' <<<"$results"
else
	tap_number <<<"$results"
fi
