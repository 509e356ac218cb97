#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the commits of a developer tree (default: the one apply-series.sh --dev
# made) back to the series directory with git format-patch: one file a
# commit, the cover letter from the branch description, and series/series.
#
#   export-series.sh [DIR]

. "$(dirname "$0")/lib.sh"
need git

dir=${1:-$CACHE/dev/$SERIES_NAME/linux}
[ -e "$dir/.git" ] || die "$dir is not a git tree (make devtree first)"
cd "$dir"
[ -z "$(kgit status --porcelain --untracked-files=no)" ] ||
	die "$dir has uncommitted changes; commit them first"
# The series' commits: those after $BASE_TAG, or for a stacked series
# those after the commits of the series it stacks on (whose ids differ from
# its test tree's, so compare their contents with $BASE_TAG).
start=$BASE_TAG
if [ -n "$SERIES_ON" ]; then
	nlow=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/$SERIES_ON/series" | wc -l)
	start=$(kgit rev-list --reverse "$PRISTINE_TAG..HEAD" | sed -n "${nlow}p")
	[ -n "$start" ] && kgit diff --quiet "$start" "$BASE_TAG" ||
		die "the first $nlow commits in $dir are not $SERIES_ON/ as applied ($BASE_TAG); rebase onto it"
fi
n=$(kgit rev-list --count "$start..HEAD")
branch=$(kgit symbolic-ref --short HEAD)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$n" -gt 0 ]; then
	# The cover letter is from whoever wrote the last commit.
	git -c user.name="$(git log -1 --format=%an)" -c user.email="$(git log -1 --format=%ae)" \
		format-patch -q -o "$tmp" --cover-letter --cover-from-description=subject \
		--subject-prefix="$SERIES_SUBJECT_PREFIX" \
		"$start..HEAD"
	# format-patch leaves placeholders when the branch has no description.
	grep -l '\*\*\* SUBJECT HERE \*\*\*' "$tmp"/0000-cover-letter.patch >/dev/null &&
		log "warning: $branch has no description: the cover letter has placeholders (git branch --edit-description)"
fi

rm -f "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch
[ "$n" -gt 0 ] && cp "$tmp"/*.patch "$SERIES_DIR"/
{
	echo "# Patches applied in this order onto the base in base.conf (one file a line)."
	(cd "$SERIES_DIR" && ls [0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '^0000-cover-letter') || true
} >"$SERIES_DIR/series"
log "exported $n patch(es) from $dir to $SERIES_DIR"
