#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run a shell command in a fresh, minimal Debian bookworm root, as a new
# machine would run it: nothing installed but what debootstrap's minbase
# variant installs, so a tool missing from scripts/deps.list fails here on
# every machine and not only on a new one.  .ci/run runs the README's set-up
# and test commands this way.
#
#   fresh-root.sh 'scripts/install-deps.sh && make test'
#
# The root is made from a cached tarball of a pristine debootstrap (made
# once, remade after $FRESH_ROOT_DAYS days; never a root that had packages
# installed) and removed afterwards.  It gets the system's apt sources and
# apt settings and its resolv.conf; /proc, /sys and /dev; and, bind-mounted
# at the same paths so that warm runs stay fast, the repository, the
# harness's cache ($CACHE: base trees, ccache, builds) and a directory of
# the .debs apt downloaded.  The command runs as root in the repository with
# a clean environment (HOME=/root, PATH, and the harness's own variables).
#
#   FRESH_ROOT=/var/tmp/kvm-fresh-root   where the root is unpacked
#   FRESH_ROOT_DAYS=30                   age at which the tarball is remade

. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: fresh-root.sh 'COMMAND'"
[ "$(id -u)" -eq 0 ] || die "fresh-root.sh must run as root (debootstrap, mount, chroot)"
for c in debootstrap chroot mount umount findmnt flock tar; do
	command -v "$c" >/dev/null ||
		die "missing: $c (apt-get install debootstrap util-linux mount tar)"
done

suite=bookworm
root=${FRESH_ROOT:-/var/tmp/kvm-fresh-root}
store=$CACHE/fresh-root
tarball=$store/$suite-minbase-amd64.tar
debs=$store/debs
case "$root" in /|"$CACHE"|"$CACHE"/*|"$TOP"|"$TOP"/*) die "FRESH_ROOT=$root overlaps the cache or the repository" ;; esac
mkdir -p "$store" "$debs/partial"

# One fresh root at a time on this machine.
exec 9>"$store/lock"
flock -n 9 || { log "another fresh-root.sh is running; waiting"; flock 9; }

# Unmount everything below the root, deepest first, and remove it; refuse
# to remove anything while a mount (the cache!) is still below it.
teardown() {
	local m
	[ -e "$root" ] || return 0
	findmnt -rn -o TARGET | awk -v r="$root" 'index($0, r "/") == 1' | sort -r |
	while read -r m; do umount -l "$m" 2>/dev/null || true; done
	if findmnt -rn -o TARGET | awk -v r="$root" 'index($0, r "/") == 1' | grep -q .; then
		echo "error: mounts remain under $root; not removing it:" >&2
		findmnt -rn -o TARGET | grep -F "$root/" >&2
		return 1
	fi
	rm -rf --one-file-system "$root"
}
teardown || die "could not clean up an earlier root at $root"
trap 'rc=$?; teardown || rc=1; exit $rc' EXIT

# The pristine root's tarball.
if [ -f "$tarball" ] && [ -z "$(find "$tarball" -mtime +"${FRESH_ROOT_DAYS:-30}")" ]; then
	log "fresh root: pristine $suite minbase from $tarball ($(date -r "$tarball" +%F))"
else
	mirror=$(debian_mirror debian)
	log "fresh root: debootstrap --variant=minbase $suite from $mirror (once; cached as $tarball)"
	tmp=$root.debootstrap
	rm -rf --one-file-system "$tmp"
	run_logged "$store/debootstrap.log" \
		debootstrap --variant=minbase --arch=amd64 "$suite" "$tmp" "$mirror" ||
		die "debootstrap failed (log: $store/debootstrap.log)"
	# A pristine root has no downloaded packages and no package lists.
	rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*
	tar -C "$tmp" --numeric-owner -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf --one-file-system "$tmp"
fi

mkdir -p "$root"
tar -C "$root" --numeric-owner -xf "$tarball"

# The machine's package sources and apt settings, and its DNS: how this
# machine reaches the registry, not what it has installed.
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/* /etc/apt/apt.conf.d/*; do
	[ -f "$f" ] && cp "$f" "$root$f"
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

bind() {	# bind SRC [DST]: SRC at the same path (or DST) in the root
	mkdir -p "$root${2:-$1}"
	mount --bind "$1" "$root${2:-$1}"
}
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/tmp"
bind "$TOP"
bind "$CACHE"
bind "$debs" /var/cache/apt/archives

# The variables the harness reads from its caller pass through (the
# selector, TEST_ARCH, TEST_FULL, NO_CHECK_CACHE, the BASE_* pin, the
# bench's and the guest's knobs, ...); nothing else of this shell.
envs=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
      LANG=C.UTF-8 TERM=dumb KVM_SERIES_CACHE="$CACHE")
while IFS='=' read -r -d '' k v; do
	case "$k" in
	CI|SERIES|SERIES_DIR|JOBS|SKIP_CROSS|VMMS|TEST_ARCH|TEST_FULL|NO_CHECK_CACHE|CCACHE_MAXSIZE|\
	SPARSE_VERSION|EXTRA_FRAGMENTS|BASE_*|BENCH_*|GUEST_*|DEBIAN_MIRROR) envs+=("$k=$v") ;;
	esac
done < <(env -0)

log "fresh root: running in $root: $1"
rc=0
chroot "$root" /usr/bin/env -i "${envs[@]}" /bin/bash -c "cd \"\$1\" && $1" fresh-root "$TOP" || rc=$?
log "fresh root: exit $rc"
exit "$rc"
