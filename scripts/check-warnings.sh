#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sparse (C=1) and W=1 on the x86_64 objects of every .c file the series
# touches, on the base and on the series with the test kernel's config;
# fails on any warning the series adds.  (arch/powerpc etc. are covered by
# check-cross.sh.)
#
#   check-warnings.sh RESULT_FILE

. "$(dirname "$0")/lib.sh"
need make gcc

out=${1:?usage: check-warnings.sh RESULT_FILE}
: >"$out"
[ -f "$KBUILD/.config" ] || die "no test kernel config in $KBUILD (build the kernel first)"
sparse=$("$SCRIPTS/get-sparse.sh" "$TREE") || die "no usable sparse"
base_src=$(base_worktree)

# The x86_64 objects of the touched C files.
mapfile -t files < <(kgit -C "$TREE" diff --name-only "$BASE_TAG" HEAD -- '*.c' |
	grep -E '^(virt/kvm|arch/x86)/' || true)
if [ ${#files[@]} -eq 0 ]; then
	echo "ok sparse + W=1 x86_64: the series touches no x86 C file" >>"$out"
	cat "$out"
	exit 0
fi

warnings() {	# SRC NAME -> normalized warnings on stdout
	local src=$1 o=$WORK/check-$2 objs=() f obj
	mkdir -p "$o"
	cp "$KBUILD/.config" "$o/.config"
	# -Werror would stop at the first W=1 warning; here we want them all.
	"$src/scripts/config" --file "$o/.config" --disable WERROR
	make -C "$src" O="$o" CC="ccache gcc" -j"$JOBS" olddefconfig prepare >"$o/prepare.log" 2>&1 ||
		{ tail -n 20 "$o/prepare.log" >&2; die "prepare failed in $o"; }
	for f in "${files[@]}"; do
		[ -f "$src/$f" ] || continue
		case "$f" in
		virt/kvm/*) obj=arch/x86/kvm/../../../${f%.c}.o ;;
		*) obj=${f%.c}.o ;;
		esac
		grep -q "^CONFIG_KVM_IRQ_ROUTING_KUNIT_TEST=y" "$o/.config" || [[ "$f" != *_kunit.c ]] || continue
		rm -f "$o/$obj"
		objs+=("$obj")
	done
	[ ${#objs[@]} -gt 0 ] || return 0
	make -C "$src" O="$o" CC="ccache gcc" -j"$JOBS" C=1 CHECK="$sparse" W=1 "${objs[@]}" \
		>"$o/check.log" 2>&1 || { tail -n 20 "$o/check.log" >&2; die "C=1 W=1 build failed in $o"; }
	build_warnings "$src" "$o/check.log" '(warning|error):'
}

log "sparse ($sparse) + W=1 on ${#files[@]} file(s): base"
warnings "$base_src" base >"$WORK/warnings-base.txt"
log "sparse + W=1: series"
warnings "$TREE" series >"$WORK/warnings-series.txt"
new=$(comm -13 "$WORK/warnings-base.txt" "$WORK/warnings-series.txt")
if [ -z "$new" ]; then
	echo "ok sparse + W=1 x86_64: no new warnings in ${files[*]}" >>"$out"
else
	echo "not ok sparse + W=1 x86_64: $(wc -l <<<"$new") new warning(s): $(head -n 1 <<<"$new")" >>"$out"
	sed 's/^/  new: /' <<<"$new" >&2
fi
cat "$out"
