#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per-patch builds, as the robot does them: check out the base and then each
# commit of the series in the test tree and build the test kernel (with
# CONFIG_WERROR, so a new warning fails) incrementally in $KBUILD; after a
# commit that touches the KVM selftests, also build the listed selftests that
# exist at that commit and fail on any compiler warning.  Ends with the tree
# back at the series' tip, so the test kernel is already built.
#
# A commit that changes only files this build does not read (the .rst and
# .txt files of Documentation/, tools/testing/, another architecture's
# arch/) leaves the sources of the x86_64 kernel as they were, so its build
# is the one before it: its result is carried over, and the build (a no-op
# that still takes about 30 s) is not run.
#
#   check-bisect.sh RESULT_FILE

. "$(dirname "$0")/lib.sh"
need git

out=${1:?usage: check-bisect.sh RESULT_FILE}
: >"$out"
branch=test-$SERIES_NAME
kgit -C "$TREE" rev-parse -q --verify "refs/heads/$branch" >/dev/null ||
	die "no test tree; run apply-series.sh first"
[ -z "$(kgit -C "$TREE" status --porcelain)" ] || die "$TREE has local changes"
trap 'kgit -C "$TREE" checkout -q "$branch"' EXIT

# Whether the files on stdin (one a line) include one that the x86_64
# kernel build may read: anything but the .rst and .txt files of
# Documentation/, tools/testing/ and another architecture's arch/.
reads_any() {
	awk '!/^Documentation\/.*\.(rst|txt)$/ && !/^tools\/testing\// &&
	     !(/^arch\// && !/^arch\/x86\//) { found = 1 }
	     END { exit !found }'
}

mapfile -t commits < <(kgit -C "$TREE" rev-list --reverse "$BASE_TAG..$branch")
n=0
last=	# the result of the last build, "ok" or "not ok" (none yet: empty)
last_what=	# and what it was built after
for c in "$BASE_TAG" "${commits[@]}"; do
	kgit -C "$TREE" checkout -q --detach "$c"
	if [ "$c" = "$BASE_TAG" ]; then
		what="the base"
		name="base $BASE_UPSTREAM"
		files=
	else
		n=$((n + 1))
		what="patch $n/${#commits[@]}"
		name="$what $(kgit -C "$TREE" log -1 --format=%s "$c")"
		files=$(kgit -C "$TREE" diff --name-only "$c~" "$c")
	fi
	if [ -n "$last" ] && ! reads_any <<<"$files"; then
		log "not building after $name: it changes no file that the x86_64 build reads"
		echo "$last build x86_64 -Werror: $name # kernel sources as built after $last_what" >>"$out"
		[ "$last" = ok ] || continue
	else
		log "building after $name"
		last_what=$what
		# run_logged prints progress every 30 s, and the log's tail on failure.
		if run_logged "$WORK/logs/bisect-$n.log" "$SCRIPTS/build-kernel.sh" "$TREE" "$KBUILD"; then
			echo "ok build x86_64 -Werror: $name" >>"$out"
			last=ok
		else
			echo "not ok build x86_64 -Werror: $name # log: $WORK/logs/bisect-$n.log" >>"$out"
			last="not ok"
			continue
		fi
	fi

	grep -q '^tools/testing/selftests/kvm/' <<<"$files" || continue
	# The listed selftests that exist at this patch, and every test program
	# the series adds or changes, listed to run or not.
	list=$WORK/bisect-selftests.list
	{
		list_lines "$SELFTESTS_LIST" | while read -r t rest; do
			if [ -f "$TREE/tools/testing/selftests/kvm/$t.c" ]; then echo "$t $rest"; fi
		done
		kgit -C "$TREE" diff --name-only --diff-filter=d "$BASE_TAG" "$c" -- 'tools/testing/selftests/kvm/*_test.c' |
			sed -n 's|^tools/testing/selftests/kvm/\(.*\)\.c$|\1 0|p'
	} | awk '!seen[$1]++' >"$list"
	st=$WORK/bisect-selftests
	if SELFTESTS_LIST=$list "$SCRIPTS/build-selftests.sh" "$TREE" "$st" >"$WORK/logs/bisect-st-$n.log" 2>&1 &&
	   ! grep -q 'warning:' "$st/build.log"; then
		echo "ok build selftests, no warnings: $name" >>"$out"
	else
		echo "not ok build selftests, no warnings: $name # $(grep -m1 'warning:\|error' "$st/build.log" "$WORK/logs/bisect-st-$n.log" | head -n 1)" >>"$out"
	fi
done
cat "$out"
