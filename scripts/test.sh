#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command (make test): scripts/test-series.sh for each series, in
# turn, then all their results as one TAP stream, each named after its
# series, and one closing line "N passed, N failed, N skipped".  Exit 1 if
# anything failed or a series did not run to the end.
#
#   SERIES="series series-rfc series-6.1"   the series directories to test (default);
#                                SERIES_DIR=<dir> alone tests only that one
#
# Unless series are named, a series whose harness.conf says
# SERIES_FULL_ONLY=1 (series-6.1/) is left to make test-full (TEST_FULL=1)
# and reported as skipped.

. "$(dirname "$0")/lib.sh"
"$SCRIPTS/check-deps.sh"	# every tool, before a long run

read -r -a dirs <<<"$SERIES_ALL"

all=()
for d in "${dirs[@]}"; do
	case "$d" in /*) ;; *) d=$TOP/$d ;; esac
	[ -f "$d/base.conf" ] || die "$d is not a series directory (no base.conf)"
	all+=("$d")
done

tap=$CACHE/results/test.tap
mkdir -p "$(dirname "$tap")"
lines=()
for d in "${all[@]}"; do
	name=$(basename "$d")
	if [ -z "$SERIES_NAMED" ] && [ "${TEST_FULL:-0}" != 1 ] &&
	   [ "$(SERIES_DIR=$d "$SCRIPTS/where.sh" SERIES_FULL_ONLY)" = 1 ]; then
		log "==== series $name: only in make test-full (its harness.conf: SERIES_FULL_ONLY=1)"
		lines+=("ok $name: tests # SKIP only in make test-full (harness.conf: SERIES_FULL_ONLY=1)")
		continue
	fi
	s=$SECONDS
	log "==== series $name: scripts/test-series.sh"
	rc=0
	SERIES_DIR=$d "$SCRIPTS/test-series.sh" || rc=$?
	log "==== series $name: exit $rc in $(( SECONDS - s ))s"
	f=$(series_path "$name" work)/checks/tap.txt
	got=()
	if [ -s "$f" ]; then
		mapfile -t got < <(sed -n -E "s/^(not ok|ok) [0-9]+ /\1 $name: /p" "$f")
	fi
	lines+=("${got[@]}")
	# A series that failed must show a failure even if it stopped before
	# its summary (a stage that failed: fetch, apply, a build).
	if [ "$rc" -ne 0 ] && [[ "${got[*]}" != *"not ok $name: "* ]]; then
		lines+=("not ok $name: ran to the end # scripts/test-series.sh exited $rc; see its errors above")
	fi
done

# One TAP stream; printed last so that it is the end of the output.
rc=0
printf '%s\n' "${lines[@]}" | tap_number >"$tap" || rc=$?
log "all results (also in $tap):"
cat "$tap"
exit "$rc"
