#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel for $TEST_ARCH out of tree: tinyconfig +
# config/kvm-test.config + config/kvm-test-$TEST_ARCH.config (+ on x86_64
# config/kvm-vmm.config, what the real-VMM count test needs, so that one
# kernel per tree serves every test), the symbols of config/kvm-kunit.config
# that the tree defines, and any fragments in $EXTRA_FRAGMENTS; checked
# after olddefconfig; with ccache (and Debian's cross compiler for arm64).
#
#   build-kernel.sh [SRC [OUT]]   default: the test tree and $KBUILD

. "$(dirname "$0")/lib.sh"
need make gcc "${CROSS}gcc" ccache flex bison bc perl

src=${1:-$TREE}
out=${2:-$KBUILD}
[ -f "$src/Makefile" ] || die "$src is not a kernel tree (make tree first)"
frags=("$TOP/config/kvm-test.config" "$TOP/config/kvm-test-$TEST_ARCH.config")
[ "$TEST_ARCH" != x86_64 ] || frags+=("$TOP/config/kvm-vmm.config")
for f in ${EXTRA_FRAGMENTS:-}; do frags+=("$f"); done

# Whether the tree's Kconfig files define symbol $1.
defined() { grep -rqs --include='Kconfig*' -E "^[[:space:]]*(menu)?config[[:space:]]+$1\$" "$src"; }

# The series' own test symbols, where this tree defines them.
mkdir -p "$out"
opt=$out/.series-tests.config
: >"$opt"
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	sym=${line%%=*}; sym=${sym#CONFIG_}
	if defined "$sym"; then
		echo "$line" >>"$opt"
	else
		log "note: $sym is not defined in this tree; left out"
	fi
done <"$TOP/config/kvm-kunit.config"
frags+=("$opt")
mkdir -p "$out" "$CCACHE_DIR"
kmake() { make -C "$src" O="$out" "${ARCH_MAKE[@]}" CC="ccache ${CROSS}gcc" HOSTCC="ccache gcc" -j"$JOBS" "$@"; }

# Make the config in a scratch dir, and install it only when it differs, so
# that a rebuild with an unchanged config rebuilds nothing.
cfg=$out/.config-new
mkdir -p "$cfg"
kmake -s O="$cfg" tinyconfig >/dev/null
"$src"/scripts/kconfig/merge_config.sh -m -O "$cfg" "$cfg/.config" "${frags[@]}" >"$cfg/merge.log" 2>&1 ||
	{ cat "$cfg/merge.log" >&2; die "merge_config.sh failed"; }
kmake -s O="$cfg" olddefconfig >/dev/null

# Every symbol asked for must have the value its last fragment gave it.
missing=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) want="# ${line%=n} is not set" ;;
	"# CONFIG_"*" is not set") want=$line; line=${line#\# }; line="${line% is not set}=n" ;;
	CONFIG_*=*) want=$line ;;
	*) continue ;;
	esac
	grep -qxF "$want" "$cfg/.config" && continue
	# "is not set" holds too for a symbol the config does not set at all:
	# one this tree does not have (SLUB_TINY on 6.1) or whose dependencies
	# are not met (FUNCTION_TRACER on riscv64).
	[ "${line%=n}" = "$line" ] || grep -q "^${line%=n}=" "$cfg/.config" || continue
	missing+=("$line")
done < <(cat "${frags[@]}" | sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/&\t\1/p' \
	-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/&\t\1/p' |
	awk -F'\t' '{ last[$2] = $1; order[$2] = NR } END { for (k in last) print order[k] "\t" last[k] }' |
	sort -n | cut -f2-)
[ ${#missing[@]} -eq 0 ] ||
	die "these config options did not stick after olddefconfig (unmet dependencies?): ${missing[*]}"

if ! cmp -s "$cfg/.config" "$out/.config"; then
	cp "$cfg/.config" "$out/.config"
fi
rm -rf "$cfg"

log "building ${KIMAGE##*/} for $TEST_ARCH in $out (-j$JOBS, ccache)"
blog=$out/build.log
kmake olddefconfig >/dev/null
run_logged "$blog" kmake "${KIMAGE##*/}" || die "kernel build failed (log: $blog)"
log "kernel ready: $out/$KIMAGE ($(ccache -s 2>/dev/null | grep -m1 -i 'hits' | tr -s ' ' || true))"
