#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series (series/series, in order) with git am onto the base tag.
#
#   apply-series.sh            the test tree, $CACHE/work/<series>/linux,
#                              re-made from the base whenever the series changed
#   apply-series.sh --dev DIR  a tree for a developer to work in (branch
#                              dev-<series>); refuses to touch an existing one
#
# A patch that does not apply is named, the tree is left clean, exit 1.
# A stacked series (SERIES_ON in its base.conf) applies onto the series
# below it: that one is applied to its own test tree first, and the result
# tagged $BASE_TAG.
# The cover letter's subject and text become the branch description, which
# export-series.sh turns back into the cover letter.

. "$(dirname "$0")/lib.sh"
need git

mode=test dir=$TREE branch=test-$SERIES_NAME
if [ "${1:-}" = --dev ]; then
	mode=dev dir=${2:-$CACHE/dev/$SERIES_NAME/linux} branch=dev-$SERIES_NAME
fi

[ -d "$BASE_TREE/.git" ] || die "no base tree; run scripts/fetch-base.sh (make fetch) first"

if [ -n "$SERIES_ON" ]; then
	SERIES_DIR=$TOP/$SERIES_ON "$SCRIPTS/apply-series.sh" ||
		die "$SERIES_ON/ does not apply, and $SERIES_NAME/ stacks on it"
	top=$(kgit -C "$(series_path "$SERIES_ON" tree)" rev-parse HEAD)
	kgit -C "$BASE_TREE" tag -f "$BASE_TAG" "$top" >/dev/null
	log "$BASE_TAG: $SERIES_ON/ applied to $PRISTINE_TAG ($(kgit -C "$BASE_TREE" rev-parse --short "$BASE_TAG"))"
fi

mapfile -t patches < <(list_lines "$SERIES_DIR/series")
for p in "${patches[@]}"; do
	[ -f "$SERIES_DIR/$p" ] || die "series/series names $p, which is not in $SERIES_DIR"
done
cover=$(ls "$SERIES_DIR"/0000-cover-letter.patch 2>/dev/null || true)

# What the test tree is made of: the base (its commit: a stacked series'
# base moves) and every patch's bytes.
kgit -C "$BASE_TREE" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "no tag $BASE_TAG in $BASE_TREE; run scripts/fetch-base.sh (make fetch) first"
stamp=$( { echo "$BASE_ID $(kgit -C "$BASE_TREE" rev-parse "$BASE_TAG")"; for p in "${patches[@]}"; do echo "$p $(sha256sum <"$SERIES_DIR/$p")"; done; } |
	sha256sum | cut -d' ' -f1)

if [ "$mode" = test ] && [ -f "$WORK/applied" ] && [ "$(cat "$WORK/applied")" = "$stamp" ] &&
   [ -z "$(kgit -C "$dir" status --porcelain 2>/dev/null)" ]; then
	log "series already applied in $dir ($(kgit -C "$dir" rev-parse --short HEAD))"
	exit 0
fi

if [ "$mode" = dev ] && [ -e "$dir" ]; then
	die "$dir exists; work there, or remove it (git -C $BASE_TREE worktree remove --force $dir) to start again"
fi

if [ ! -e "$dir/.git" ]; then
	mkdir -p "$(dirname "$dir")"
	kgit -C "$BASE_TREE" worktree prune
	kgit -C "$BASE_TREE" worktree add -q --detach "$dir" "$BASE_TAG"
fi

cd "$dir"
rm -f "$WORK/applied"
[ -d "$(kgit rev-parse --git-path rebase-apply)" ] && kgit am --abort
kgit checkout -q -f -B "$branch" "$BASE_TAG"
kgit clean -q -fdx

log "applying ${#patches[@]} patch(es) from $SERIES_DIR onto $BASE_TAG"
for p in "${patches[@]}"; do
	if ! kgit am -q --whitespace=error-all "$SERIES_DIR/$p" >"$CACHE/am.log" 2>&1; then
		cat "$CACHE/am.log" >&2
		kgit am --abort || true
		kgit checkout -q -f -B "$branch" "$BASE_TAG"
		die "patch $p does not apply to $BASE_UPSTREAM (tree reset to the base)"
	fi
done

if [ -n "$cover" ]; then
	# Subject (unfolded, without the [PATCH n/m] prefix), a blank line, then
	# the body up to git's shortlog ("Name (N):").
	awk '
		hdr && /^Subject:/ { s = $0; sub(/^Subject: *(\[[^]]*\] *)?/, "", s); insub = 1; next }
		hdr && insub && /^[ \t]/ { sub(/^[ \t]+/, " "); s = s $0; next }
		hdr && /^$/ { hdr = 0; print s; print ""; next }
		hdr { insub = 0; next }
		!hdr && /^[^ ].* \([0-9]+\):$/ && prev == "" { exit }
		!hdr { if (held != "") print held; held = ""; if ($0 == "") held = " "; else print; prev = $0; next }
		BEGIN { hdr = 1 }
	' "$cover" | sed 's/^ $//' >"$CACHE/cover.txt"
	kgit config "branch.$branch.description" "$(cat "$CACHE/cover.txt")"
fi

[ "$mode" = test ] && echo "$stamp" >"$WORK/applied"
log "applied: $dir on branch $branch ($(kgit rev-parse --short HEAD))"
