#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pack the guest's initramfs: busybox (static), guest/init, the selftests and
# their list ($SELFTESTS_LIST: the series' list from harness.conf, or the one
# debug-test.sh or bench.sh wrote).  Uses the kernel's own usr/gen_init_cpio,
# so no root is needed for /dev/console.
#
#   make-initramfs.sh [SELFTESTS_DIR [OUT]]

. "$(dirname "$0")/lib.sh"
need gcc busybox

st=${1:-$WORK/selftests}
out=${2:-$WORK/initramfs.cpio}
bb=$(command -v busybox)
file "$bb" | grep -q 'statically linked' || die "$bb is not a static busybox (apt-get install busybox-static)"
[ -d "$st" ] || die "no selftests in $st (make selftests first)"

gen=$WORK/gen_init_cpio
[ -x "$gen" ] || gcc -O2 -o "$gen" "$TREE/usr/gen_init_cpio.c" || die "cannot build gen_init_cpio"

list=$WORK/initramfs.list
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /bin /sbin /proc /sys /tmp /kvm; do echo "dir $d 0755 0 0"; done
	echo "file /bin/busybox $bb 0755 0 0"
	for a in $("$bb" --list); do
		[ "$a" = busybox ] || echo "slink /bin/$a busybox 0777 0 0"
	done
	echo "file /init $TOP/guest/init 0755 0 0"
	echo "file /selftests.list $SELFTESTS_LIST 0644 0 0"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SELFTESTS_LIST" |
	while read -r t _; do
		case "$t" in
		/*) f=$t ;;		# a program of the harness's own
		*) f=$st/$t ;;
		esac
		[ -x "$f" ] || die "test program $f missing"
		echo "file /kvm/${t##*/} $f 0755 0 0"
	done
} >"$list"
"$gen" "$list" >"$out.tmp" || die "gen_init_cpio failed"
mv "$out.tmp" "$out"
log "initramfs ready: $out ($(du -h "$out" | cut -f1))"
