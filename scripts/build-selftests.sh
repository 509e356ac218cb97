#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the KVM selftests named in $SELFTESTS_LIST (the series' list), statically linked,
# from the test tree, for $TEST_ARCH (Debian's cross compiler and libc for
# arm64).  The uapi headers are installed under $WORK, not in the source
# tree (which would make later O= kernel builds refuse to run).
#
#   build-selftests.sh [SRC [OUT]]

. "$(dirname "$0")/lib.sh"
need make gcc "${CROSS}gcc" ccache
[ -z "$CROSS" ] || need "/usr/${CROSS%-}/lib/libc.a"

src=${1:-$TREE}
out=${2:-$WORK/selftests$ARCH_SUFFIX}
hdr=$WORK/headers$ARCH_SUFFIX
[ -f "$src/Makefile" ] || die "$src is not a kernel tree (make tree first)"
mkdir -p "$out" "$WORK/logs"

log "installing uapi headers in $hdr"
run_logged "$WORK/logs/headers.log" \
	make -C "$src" O="$WORK/headers-build$ARCH_SUFFIX" "${ARCH_MAKE[@]}" INSTALL_HDR_PATH="$hdr" headers_install ||
	die "headers_install failed"

# Entries with an absolute path or under guest/ are the harness's own
# programs (scripts/make-initramfs.sh packs them), not selftests.
mapfile -t tests < <(list_lines "$SELFTESTS_LIST" | awk '$1 !~ /^(\/|guest\/)/ {print $1}')
targets=()
for t in "${tests[@]}"; do targets+=("$out/$t"); done
# None (a list of the harness's programs only): the headers are all.
[ ${#tests[@]} -gt 0 ] || { log "no selftests in $SELFTESTS_LIST; headers only"; exit 0; }

log "building ${#tests[@]} KVM selftests in $out"
# Static binaries: USERLDFLAGS for newer trees; older ones (6.1) only
# append to LDFLAGS, which make takes from the environment.
run_logged "$out/build.log" env LDFLAGS=-static \
	make -C "$src/tools/testing/selftests/kvm" -j"$JOBS" OUTPUT="$out" \
		"${ARCH_MAKE[@]}" CC="ccache ${CROSS}gcc" KHDR_INCLUDES="-isystem $hdr/include" USERLDFLAGS=-static \
		"${targets[@]}" ||
	die "selftests build failed (log: $out/build.log)"
for t in "${targets[@]}"; do
	[ -x "$t" ] || die "selftest $t was not built"
	file "$t" 2>/dev/null | grep -q 'statically linked' || die "$t is not statically linked"
done
log "selftests ready in $out"
