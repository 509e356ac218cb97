#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned base (series/base.conf) with a private apt configuration,
# check its sha256, unpack it and make it a git repository with one commit
# tagged $PRISTINE_TAG.  Reused when it is already there.
#
# A stacked series (SERIES_ON in its base.conf) has the pin of the series it
# stacks on: fetch that one (apply-series.sh applies the series below).
#
# Never touches the system's apt configuration (see apt_private in lib.sh).

. "$(dirname "$0")/lib.sh"

if [ -n "$SERIES_ON" ]; then
	exec env SERIES_DIR="$TOP/$SERIES_ON" "$SCRIPTS/fetch-base.sh"
fi

if [ -f "$BASE_TREE/.harness-base-ok" ] &&
   kgit -C "$BASE_TREE" rev-parse -q --verify "refs/tags/$PRISTINE_TAG" >/dev/null; then
	log "base $BASE_ID already in $BASE_TREE"
	exit 0
fi

need apt-get apt-cache dpkg-deb sha256sum tar xz git

apt_private "$BASE_ARCHIVE" "$BASE_SUITE" deb

log "fetching $BASE_PACKAGE=$BASE_VERSION from $BASE_SUITE"

offered=$(apt-cache "${APT_OPTS[@]}" madison "$BASE_PACKAGE" | awk -F'|' '{gsub(/ /,"",$2); print $2}')
if ! grep -qxF "$BASE_VERSION" <<<"$offered"; then
	die "$BASE_PACKAGE $BASE_VERSION is not served by $BASE_SUITE.
  The archive offers: ${offered:-nothing under that name}
  To use another version, set BASE_VERSION and BASE_SHA256 (the .deb's sha256)
  in $SERIES_DIR/base.conf, or in the environment for one run."
fi

TMP=$(mktemp -d "$CACHE/base/.fetch.XXXXXX" 2>/dev/null || { mkdir -p "$CACHE/base"; mktemp -d "$CACHE/base/.fetch.XXXXXX"; })
trap 'rm -rf "$TMP"' EXIT

(cd "$TMP" && apt-get "${APT_OPTS[@]}" -q download "$BASE_PACKAGE=$BASE_VERSION") >"$TMP/download.log" 2>&1 ||
	{ cat "$TMP/download.log" >&2; die "apt-get download $BASE_PACKAGE=$BASE_VERSION failed"; }
deb=$(ls "$TMP"/*.deb)
got=$(sha256sum "$deb" | cut -d' ' -f1)
[ "$got" = "$BASE_SHA256" ] ||
	die "sha256 mismatch for $(basename "$deb"):
  expected $BASE_SHA256 (series/base.conf)
  got      $got
  Nothing was unpacked.  If this package is the one you want, set BASE_SHA256=$got."
log "sha256 ok: $got"

log "unpacking"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$TMP" --wildcards './usr/src/*.tar.xz'
tarball=$(ls "$TMP"/usr/src/*.tar.xz)
mkdir "$TMP/linux"
tar -xJf "$tarball" -C "$TMP/linux" --strip-components=1
rm -rf "$TMP/usr" "$deb"

# Debian appends a block that ignores everything at the top level; without
# it removed, the tree would not match upstream and git would track nothing.
gi=$TMP/linux/.gitignore
if grep -q '^# Debian packaging' "$gi"; then
	sed -i '/^# Debian packaging/,$d' "$gi"
fi

log "making it a git repository (tag $PRISTINE_TAG)"
(
	cd "$TMP/linux"
	kgit init -q -b base
	kgit add -A
	GIT_AUTHOR_DATE="2000-01-01 00:00 +0000" GIT_COMMITTER_DATE="2000-01-01 00:00 +0000" \
		kgit commit -q -m "Linux $BASE_UPSTREAM ($BASE_PACKAGE $BASE_VERSION)"
	kgit tag "$PRISTINE_TAG"
	kgit gc -q --auto
)
[ -n "$(kgit -C "$TMP/linux" ls-files Makefile)" ] || die "the base tree has no top-level Makefile"
touch "$TMP/linux/.git/info/exclude"
echo .harness-base-ok >>"$TMP/linux/.git/info/exclude"
echo "$BASE_SHA256" >"$TMP/linux/.harness-base-ok"

rm -rf "$(dirname "$BASE_TREE")"
mkdir -p "$(dirname "$BASE_TREE")"
mv "$TMP/linux" "$BASE_TREE"
log "base ready: $BASE_TREE"
