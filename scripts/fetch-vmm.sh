#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real VMMs that the count test (scripts/check-vmm.sh) and make bench
# (scripts/bench-vmm.sh) run in the test guest: one vmm/NAME.conf each.
#
#   fetch-vmm.sh --list   their names: $VMMS (names, space- or comma-
#                         separated), else every vmm/*.conf, oldest first
#   fetch-vmm.sh NAME     provide VMM NAME and print its package version
#                         and the root its files are under, on one line:
#                         "/" for the system's package (checked:
#                         installed, at VMM_VERSION), else
#                         $CACHE/vmm/NAME/root, where VMM_PACKAGE from
#                         VMM_SUITE and its dependency closure are unpacked
#                         (no maintainer script runs; nothing is installed)
#
# A suite's VMM is fetched with a private apt configuration (never the
# system's) and an empty package status, so apt downloads every package
# the VMM needs, as a new trixie machine would install them with
# "apt-get install -t SUITE --no-install-recommends VMM_PACKAGE".  It is
# fetched once and again only when its vmm/NAME.conf changes; the
# package's version must match VMM_VERSION, or this fails naming both.

. "$(dirname "$0")/lib.sh"

vmm_conf() { echo "$TOP/vmm/$1.conf"; }

if [ "${1:-}" = --list ]; then
	if [ -n "${VMMS:-}" ]; then
		names=${VMMS//,/ }
	else
		names=$(cd "$TOP/vmm" && ls ./*.conf 2>/dev/null | sed 's|^\./||; s|\.conf$||' | sort -V)
	fi
	[ -n "$names" ] || die "no VMM: vmm/ has no *.conf and VMMS is empty"
	for n in $names; do
		[ -f "$(vmm_conf "$n")" ] || die "VMMS names '$n', but there is no vmm/$n.conf"
		echo "$n"
	done
	exit 0
fi

[ $# -eq 1 ] || die "usage: fetch-vmm.sh --list | fetch-vmm.sh NAME"
name=$1 conf=$(vmm_conf "$1")
[ -f "$conf" ] || die "no VMM '$name': no vmm/$name.conf"
VMM_SUITE='' VMM_PACKAGE='' VMM_VERSION='' VMM_BINARY=''
# shellcheck source=../vmm/qemu-7.2.conf
. "$conf"
for v in VMM_SUITE VMM_PACKAGE VMM_VERSION VMM_BINARY VMM_MODES VMM_ARGS; do
	[ -n "${!v:-}" ] || die "vmm/$name.conf sets no $v"
done

# The version must match the pattern (a shell pattern, not a regex).
# shellcheck disable=SC2053 # $VMM_VERSION is a pattern
version_ok() { [[ "$1" == $VMM_VERSION ]]; }

if [ "$VMM_SUITE" = system ]; then
	got=$(dpkg-query -W -f '${Version}' "$VMM_PACKAGE" 2>/dev/null) ||
		die "$name: the system's $VMM_PACKAGE is not installed (scripts/install-deps.sh)"
	version_ok "$got" || die "$name: the system's $VMM_PACKAGE is $got, vmm/$name.conf wants $VMM_VERSION"
	[ -x "$VMM_BINARY" ] || die "$name: $VMM_BINARY missing"
	echo "$got /"
	exit 0
fi

dir=$CACHE/vmm/$name
stamp=$(sha256sum "$conf" | cut -c1-16)
if [ -x "$dir/root$VMM_BINARY" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$(cat "$dir/version") $dir/root"
	exit 0
fi

# A backports suite needs the release it backports to.
suites=$VMM_SUITE
case "$VMM_SUITE" in *-backports) suites="${VMM_SUITE%-backports} $VMM_SUITE" ;; esac
log "$name: $VMM_PACKAGE and its dependencies from Debian $VMM_SUITE (once; $dir)"
apt_private debian "$suites" deb
rm -rf "$dir"
mkdir -p "$dir/debs/partial"
: >"$dir/status"
apt-get "${APT_OPTS[@]}" -o Dir::State::status="$dir/status" -o Dir::Cache::archives="$dir/debs" \
	-o Debug::NoLocking=1 -q -y --no-install-recommends -t "$VMM_SUITE" \
	install --download-only "$VMM_PACKAGE" >"$dir/apt.log" 2>&1 ||
	{ tail -n 20 "$dir/apt.log" >&2; die "$name: apt-get could not download $VMM_PACKAGE from $VMM_SUITE (log: $dir/apt.log)"; }
deb=$(ls "$dir/debs/${VMM_PACKAGE}_"*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "$name: apt-get downloaded no $VMM_PACKAGE (log: $dir/apt.log)"
got=$(dpkg-deb -f "$deb" Version)
version_ok "$got" ||
	die "$name: Debian $VMM_SUITE has $VMM_PACKAGE $got, vmm/$name.conf wants $VMM_VERSION (update the conf, or add a VMM)"
npkg=$(ls "$dir"/debs/*.deb | wc -l)
mkdir -p "$dir/root.tmp"
for d in "$dir"/debs/*.deb; do
	dpkg-deb -x "$d" "$dir/root.tmp" || die "$name: cannot unpack $d"
done
[ -x "$dir/root.tmp$VMM_BINARY" ] || die "$name: $VMM_PACKAGE $got has no $VMM_BINARY"
mv "$dir/root.tmp" "$dir/root"
echo "$got" >"$dir/version"
rm -rf "$dir/debs"
echo "$stamp" >"$dir/stamp"
log "$name: $VMM_PACKAGE $got, $npkg packages unpacked in $dir/root ($(du -sh "$dir/root" | cut -f1))"
echo "$got $dir/root"
