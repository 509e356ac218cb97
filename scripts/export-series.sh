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
	nlow=$(list_lines "$TOP/$SERIES_ON/series" | wc -l)
	start=$(kgit rev-list --reverse "$PRISTINE_TAG..HEAD" | sed -n "${nlow}p")
	[ -n "$start" ] && kgit diff --quiet "$start" "$BASE_TAG" ||
		die "the first $nlow commits in $dir are not $SERIES_ON/ as applied ($BASE_TAG); rebase onto it"
fi
n=$(kgit rev-list --count "$start..HEAD")
branch=$(kgit symbolic-ref --short HEAD)

# get_maintainer.pl's addresses, one a line: a patch's maintainers (to) or
# everyone (all), or of some files the lists (lists) and the maintainers of
# their KVM sections (kvm: "KERNEL VIRTUAL MACHINE ...", not the
# architecture's own).  Its complaints about commits that no git history
# here has (a Fixes: tag's) go to a log.
addresses() {
	local who=$1 patch=$2 opts=(--no-rolestats --no-git --no-git-fallback)
	case "$who" in
	to) perl scripts/get_maintainer.pl "${opts[@]}" --no-r --no-l "$patch" ;;
	all) perl scripts/get_maintainer.pl "${opts[@]}" "$patch" ;;
	lists) perl scripts/get_maintainer.pl "${opts[@]}" --no-m --no-r -f $patch ;;
	kvm) perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-r --no-l -f $patch |
		sed -n 's/ (maintainer:KERNEL VIRTUAL MACHINE.*//p' ;;
	esac 2>>"$tmp/get_maintainer.log" | sed '/^$/d'
}

# Put To: and Cc: headers from get_maintainer.pl in every patch, and their
# union in the cover letter.  $SERIES_TO (harness.conf) comes first in every
# To:, for a list that get_maintainer.pl cannot know (stable's).  A patch
# that changes virt/kvm/ (not its tests) also goes to the KVM maintainers
# and lists of $SERIES_CC_GENERIC (harness.conf), the architectures whose
# behaviour a generic change alters.
address_patches() {
	local dir=$1 p to cc all_to=() all_cc=()
	for p in "$dir"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "${p##*/0000-}" = "$p" ] || continue
		to=$( [ -z "${SERIES_TO:-}" ] || printf '%s\n' $SERIES_TO
		      addresses to "$p")
		cc=$(addresses all "$p"
		     if [ -n "${SERIES_CC_GENERIC:-}" ] &&
			grep -q '^+++ b/virt/kvm/' "$p"; then
			     addresses kvm "$SERIES_CC_GENERIC"
			     addresses lists "$SERIES_CC_GENERIC"
		     fi)
		cc=$(grep -vxF -f <(printf '%s\n' "$to") <<<"$cc" | awk '!seen[$0]++' || true)
		# Lists that the base's MAINTAINERS still names but that are gone
		# ($SERIES_CC_DROP, harness.conf).
		[ -z "${SERIES_CC_DROP:-}" ] ||
			cc=$(grep -vxF -f <(printf '%s\n' $SERIES_CC_DROP) <<<"$cc" || true)
		set_headers "$p" "$to" "$cc"
		mapfile -t -O "${#all_to[@]}" all_to <<<"$to"
		mapfile -t -O "${#all_cc[@]}" all_cc <<<"$cc"
	done
	to=$(printf '%s\n' "${all_to[@]}" | sed '/^$/d' | awk '!seen[$0]++')
	cc=$(printf '%s\n' "${all_cc[@]}" | sed '/^$/d' | grep -vxF -f <(printf '%s\n' "$to") | awk '!seen[$0]++' || true)
	set_headers "$dir/0000-cover-letter.patch" "$to" "$cc"
}

# set_headers PATCH TO CC: add "To:" and "Cc:" (one address a line, folded)
# at the end of the patch's mail headers.
set_headers() {
	TO=$2 CC=$3 awk '
	function hdr(name, list,   n, a, i, s) {
		n = split(list, a, "\n"); s = ""
		for (i = 1; i <= n; i++)
			if (a[i] != "") s = s (s == "" ? name ": " : ",\n    ") a[i]
		if (s != "") print s
	}
	!done && /^$/ { hdr("To", ENVIRON["TO"]); hdr("Cc", ENVIRON["CC"]); done = 1 }
	{ print }' "$1" >"$1.new" && mv "$1.new" "$1"
}

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
	address_patches "$tmp"
fi

rm -f "$SERIES_DIR"/[0-9][0-9][0-9][0-9]-*.patch
[ "$n" -gt 0 ] && cp "$tmp"/*.patch "$SERIES_DIR"/
{
	echo "# Patches applied in this order onto the base in base.conf (one file a line)."
	(cd "$SERIES_DIR" && ls [0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '^0000-cover-letter') || true
} >"$SERIES_DIR/series"
log "exported $n patch(es) from $dir to $SERIES_DIR"
