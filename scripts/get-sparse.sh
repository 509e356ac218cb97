#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the path of a sparse that the kernel tree accepts
# (scripts/checker-valid.sh: v7.3 needs __typeof_unqual__, which bookworm's
# sparse 0.6.4 lacks).  Uses the system's sparse if it passes; otherwise
# builds the pinned Debian source package (from the archive's "sid" suite,
# through a private apt configuration) under $CACHE/tools once.
#
#   get-sparse.sh [TREE]

. "$(dirname "$0")/lib.sh"

tree=${1:-$TREE}
SPARSE_VERSION=${SPARSE_VERSION:-0.6.5~rc1-2}
# Trees older than scripts/checker-valid.sh (6.1) take any sparse.
valid() {
	[ -f "$tree/scripts/checker-valid.sh" ] || return 0
	[ "$(sh "$tree/scripts/checker-valid.sh" "$1" -D__linux__ 2>/dev/null)" = 1 ]
}

if command -v sparse >/dev/null && valid sparse; then
	command -v sparse
	exit 0
fi
dir=$CACHE/tools/sparse-$SPARSE_VERSION
if [ -x "$dir/sparse" ] && valid "$dir/sparse"; then
	echo "$dir/sparse"
	exit 0
fi

need apt-get tar make gcc
log "system sparse is too old for this tree; building Debian's sparse $SPARSE_VERSION"
apt_private debian sid deb-src
offered=$(apt-cache "${APT_OPTS[@]}" showsrc sparse | sed -n 's/^Version: //p' | sort -u | tr '\n' ' ')
grep -qw -- "$SPARSE_VERSION" <<<"$offered" ||
	die "sparse $SPARSE_VERSION is not in the archive (offered: ${offered:-none}); set SPARSE_VERSION"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get "${APT_OPTS[@]}" -q source --download-only "sparse=$SPARSE_VERSION") \
	>"$tmp/download.log" 2>&1 || { cat "$tmp/download.log" >&2; die "apt-get source sparse failed"; }
tar -xf "$tmp"/sparse_*.orig.tar.* -C "$tmp"
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'sparse*' | head -n 1)
make -C "$src" -j"$JOBS" sparse >"$tmp/build.log" 2>&1 ||
	{ tail -n 20 "$tmp/build.log" >&2; die "building sparse failed"; }
valid "$src/sparse" || die "sparse $SPARSE_VERSION does not pass $tree/scripts/checker-valid.sh"
rm -rf "$dir"
mkdir -p "$dir"
cp "$src/sparse" "$dir/sparse"
echo "$dir/sparse"
