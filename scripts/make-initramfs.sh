#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pack the guest's initramfs: busybox (static), guest/init, the selftests and
# their list ($SELFTESTS_LIST: the selftests.list of the series, or the one
# debug-test.sh or bench.sh wrote).  Uses the kernel's own usr/gen_init_cpio,
# so no root is needed for /dev/console.  For another $TEST_ARCH than x86_64
# busybox is Debian's busybox-static for that architecture ($BUSYBOX_SUITE),
# fetched once; guest/init adds the links of any applet the system's
# busybox does not list.
# A list that runs guest/vmm-bringup also gets what it runs, under /vmm:
# each real VMM of vmm/ (scripts/fetch-vmm.sh --list; $VMMS picks) with its
# libraries, dynamic loader and firmware, guest/vmm-shim.c built, and the
# L2 guest (the test kernel, $VMM_L2_KERNEL, with a busybox initramfs
# around guest/l2-init).
#
#   make-initramfs.sh [SELFTESTS_DIR [OUT]]

. "$(dirname "$0")/lib.sh"
need gcc busybox

st=${1:-$WORK/selftests$ARCH_SUFFIX}
out=${2:-$WORK/initramfs$ARCH_SUFFIX.cpio}
host_bb=$(command -v busybox)
file "$host_bb" | grep -q 'statically linked' || die "$host_bb is not a static busybox (apt-get install busybox-static)"

# busybox-static for $DEB_ARCH, in the cache, from $BUSYBOX_SUITE.  From the
# system's release it must have the system's version (but for a binNMU
# suffix), so that the system's busybox --list names its applets; from
# another (riscv64 is not a bookworm architecture) any version, whose
# applets guest/init links at boot.
arch_busybox() {
	local dir=$CACHE/busybox/$DEB_ARCH want got tmp b
	want=$(dpkg-query -W -f '${Version}' busybox-static | sed 's/+b[0-9]*$//')
	if [ ! -x "$dir/bin/busybox" ] || [ "$(cat "$dir/suite" 2>/dev/null)" != "$BUSYBOX_SUITE" ]; then
		apt_private debian "$BUSYBOX_SUITE" deb "$DEB_ARCH"
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get "${APT_OPTS[@]}" -q download "busybox-static:$DEB_ARCH") >"$tmp/log" 2>&1 ||
			{ cat "$tmp/log" >&2; rm -rf "$tmp"; die "apt-get download busybox-static:$DEB_ARCH failed"; }
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$tmp"/busybox-static_*.deb "$dir/root" &&
			dpkg-deb -f "$tmp"/busybox-static_*.deb Version >"$dir/version" &&
			echo "$BUSYBOX_SUITE" >"$dir/suite" ||
			{ rm -rf "$tmp"; die "cannot unpack busybox-static:$DEB_ARCH"; }
		rm -rf "$tmp"
		# In /bin (bookworm) or /usr/bin (a merged-/usr package).
		for b in bin usr/bin; do
			[ ! -x "$dir/root/$b/busybox" ] || { ln -s "root/$b" "$dir/bin"; break; }
		done
		[ -x "$dir/bin/busybox" ] || die "no busybox in busybox-static:$DEB_ARCH"
	fi
	got=$(sed 's/+b[0-9]*$//' "$dir/version")
	[ "$got" = "$want" ] || [ "$BUSYBOX_SUITE" != "$SYSTEM_SUITE" ] ||
		die "busybox-static:$DEB_ARCH is $got, the system's is $want (rm -rf $dir to fetch it again)"
	file "$dir/bin/busybox" | grep -q 'statically linked' || die "$dir/bin/busybox is not static"
	echo "$dir/bin/busybox"
}
if [ "$TEST_ARCH" = x86_64 ]; then bb=$host_bb; else bb=$(arch_busybox); fi
[ -d "$st" ] || die "no selftests in $st (make selftests first)"

gen=$WORK/gen_init_cpio
[ -x "$gen" ] || gcc -O2 -o "$gen" "$TREE/usr/gen_init_cpio.c" || die "cannot build gen_init_cpio"

# The lines of a busybox root: /dev/console, the directories given, busybox
# and its applets in /bin, and INIT as /init.
#   busybox_root INIT DIR...
busybox_root() {
	local init=$1 d a
	shift
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in "$@"; do echo "dir $d 0755 0 0"; done
	echo "file /bin/busybox $bb 0755 0 0"
	for a in $("$host_bb" --list); do
		[ "$a" = busybox ] || echo "slink /bin/$a busybox 0777 0 0"
	done
	echo "file /init $init 0755 0 0"
}

# The path of PATH inside ROOT, symlinks followed inside ROOT (an absolute
# link target is ROOT's, not this machine's).
#   in_root ROOT PATH
in_root() {
	local root=${1%/} p=$2 t n=0
	while [ -L "$root$p" ]; do
		t=$(readlink "$root$p")
		case "$t" in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac
		n=$((n + 1))
		[ "$n" -lt 20 ] || die "symlink loop at $root$2"
	done
	p=$(realpath -m -s "$p")
	[ -e "$root$p" ] || return 1
	echo "$root$p"
}

# One VMM under /vmm/NAME: bin/ its binary, lib/ the libraries it loads and
# their dynamic loader (so that one from another Debian release runs on
# its own libraries), fw/ its firmware (-L), vmm.conf and version.
#   vmm_files NAME
vmm_files() {
	local name=$1 root ldso libpath bin list lib path f v dir=/vmm/$1
	local VMM_BINARY VMM_FIRMWARE VMM_PACKAGE VMM_SUITE
	read -r v root < <("$SCRIPTS/fetch-vmm.sh" "$name") && [ -n "$root" ] ||
		die "VMM $name is not available"
	# shellcheck source=../vmm/qemu-7.2.conf
	. "$TOP/vmm/$name.conf"
	ldso=$(in_root "$root" /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 ||
	       in_root "$root" /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2) ||
		die "$name: no dynamic loader in $root"
	bin=$(in_root "$root" "$VMM_BINARY") || die "$name: no $VMM_BINARY in $root"
	libpath=
	[ "$root" = / ] || libpath=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu
	# "SONAME => PATH (ADDRESS)" for each library the binary loads.
	list=$("$ldso" ${libpath:+--library-path "$libpath"} --list "$bin" |
		awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }') ||
		die "$name: the dynamic loader cannot list the libraries of $VMM_BINARY"
	[ -n "$list" ] || die "$name: no libraries listed for $VMM_BINARY"
	echo "dir $dir 0755 0 0"
	for f in bin lib fw; do echo "dir $dir/$f 0755 0 0"; done
	echo "file $dir/bin/${VMM_BINARY##*/} $bin 0755 0 0"
	echo "file $dir/lib/ld-linux-x86-64.so.2 $ldso 0755 0 0"
	while read -r lib path; do
		f=$(readlink -f "$path")
		[ "$root" = / ] || [[ "$f" == "$root"/* ]] ||
			die "$name: $lib resolved outside its root: $f"
		echo "file $dir/lib/$lib $f 0755 0 0"
	done <<<"$list"
	for f in $VMM_FIRMWARE; do
		path=$(in_root "$root" "$f") || die "$name: firmware $f missing in $root"
		echo "file $dir/fw/${f##*/} $path 0644 0 0"
	done
	echo "file $dir/vmm.conf $TOP/vmm/$name.conf 0644 0 0"
	f=$VMM_SUITE
	[ "$f" != system ] || f="$SYSTEM_SUITE, the system's"
	echo "$VMM_PACKAGE $v (Debian $f)" >"$WORK/vmm-$name.version"
	echo "file $dir/version $WORK/vmm-$name.version 0644 0 0"
}

# What guest/vmm-bringup runs (see the top of this file): every VMM of
# scripts/fetch-vmm.sh --list, the shim, the L2 guest.
vmm_payload() {
	local l2=${VMM_L2_KERNEL:-$KBUILD/$KIMAGE} name names
	[ -f "$l2" ] || die "no L2 kernel at $l2 (make kernel first)"
	# No -ldl: dlsym() is in libc.so.6 since glibc 2.34, so the shim loads
	# into a VMM of any Debian release since bookworm.
	gcc -shared -fPIC -O2 -Wall -Werror -isystem "$WORK/headers/include" \
		-o "$WORK/vmm-shim.so" "$TOP/guest/vmm-shim.c" || die "cannot build guest/vmm-shim.c"
	busybox_root "$TOP/guest/l2-init" /bin /proc /sys >"$WORK/l2.list"
	"$gen" "$WORK/l2.list" >"$WORK/l2.cpio" || die "gen_init_cpio failed (L2)"
	echo "dir /vmm 0755 0 0"
	names=$("$SCRIPTS/fetch-vmm.sh" --list) || die "no VMM to pack"
	for name in $names; do vmm_files "$name"; done
	echo "file /vmm/vmm-shim.so $WORK/vmm-shim.so 0755 0 0"
	echo "file /vmm/bzImage $l2 0644 0 0"
	echo "file /vmm/l2.cpio $WORK/l2.cpio 0644 0 0"
}

list=$WORK/initramfs$ARCH_SUFFIX.list
{
	busybox_root "$TOP/guest/init" /bin /sbin /proc /sys /tmp /kvm
	echo "file /selftests.list $SELFTESTS_LIST 0644 0 0"
	list_lines "$SELFTESTS_LIST" |
	while read -r t _; do
		case "$t" in
		/*) f=$t ;;		# a program of the harness's own
		guest/*)		# the harness's own: a script, or a C program built here
			f=$TOP/$t
			if [ -f "$f.c" ]; then
				"${CROSS}gcc" -static -O2 -Wall -Werror -isystem "$WORK/headers$ARCH_SUFFIX/include" \
					-o "$WORK/${t##*/}$ARCH_SUFFIX" "$f.c" || die "cannot build $t.c for $TEST_ARCH"
				f=$WORK/${t##*/}$ARCH_SUFFIX
			fi ;;
		*) f=$st/$t ;;
		esac
		[ -x "$f" ] || die "test program $f missing"
		echo "file /kvm/${t##*/} $f 0755 0 0"
	done
	if grep -q '^guest/vmm-bringup[[:space:]]' "$SELFTESTS_LIST"; then
		vmm_payload
	fi
} >"$list"
"$gen" "$list" >"$out.tmp" || die "gen_init_cpio failed"
mv "$out.tmp" "$out"
log "initramfs ready: $out ($(du -h "$out" | cut -f1))"
