#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Cross-arch builds of what the series touches: for each KVM architecture a
# config with KVM on, `prepare`, then the arch's kvm/ directory (which also
# builds virt/kvm); plus x86_64 with KVM=n.  A build error fails; so does a
# warning, unless the base build has the same one.  Needs Debian's cross
# compilers (scripts/install-deps.sh).
#
#   check-cross.sh RESULT_FILE [NAME...]   default: $SERIES_CROSS (harness.conf)

. "$(dirname "$0")/lib.sh"
need make

out=${1:?usage: check-cross.sh RESULT_FILE [NAME...]}
shift
: >"$out"

# name | ARCH | CROSS_COMPILE | config target | symbols to turn on | symbols that must
# end up set (=y or =m; !SYM: must be unset) | what to build
targets=(
"s390|s390|s390x-linux-gnu-|defconfig|KVM|KVM HAVE_KVM_IRQ_ROUTING|arch/s390/kvm/"
"arm64|arm64|aarch64-linux-gnu-|defconfig|KVM|KVM HAVE_KVM_IRQ_ROUTING|arch/arm64/kvm/"
"riscv|riscv|riscv64-linux-gnu-|defconfig|KVM|KVM HAVE_KVM_IRQ_ROUTING|arch/riscv/kvm/"
"powerpc-book3s_64-hv|powerpc|powerpc64le-linux-gnu-|powernv_defconfig|KVM_BOOK3S_64 KVM_BOOK3S_64_HV KVM_XICS KVM_XIVE|KVM_BOOK3S_64_HV KVM_XICS KVM_XIVE !HAVE_KVM_IRQ_ROUTING|arch/powerpc/kvm/"
"powerpc-e500mc-mpic|powerpc|powerpc-linux-gnu-|corenet32_smp_defconfig|VIRTUALIZATION KVM_E500MC KVM_MPIC|KVM_E500MC KVM_MPIC HAVE_KVM_IRQ_ROUTING|arch/powerpc/kvm/"
"mips|mips|mips64el-linux-gnuabi64-|loongson3_defconfig|KVM|KVM !HAVE_KVM_IRQ_ROUTING|arch/mips/kvm/"
"x86_64-kvm-n|x86|||!KVM|!KVM !HAVE_KVM_IRQ_ROUTING|arch/x86/events/ virt/"
)
# Why loongarch is not built (checked, not assumed, below).
loongarch_why="no compiler: Debian bookworm has no gcc-loongarch64-linux-gnu, and its newest clang (16) is older than the LLVM 18 that this tree requires for LoongArch (scripts/min-tool-version.sh)"

# The targets named on the command line, else the series' (harness.conf).
want=("$@")
# shellcheck disable=SC2206 # a list of names
[ ${#want[@]} -gt 0 ] || want=($SERIES_CROSS)
selected() { [ ${#want[@]} -eq 0 ] || [[ " ${want[*]} " == *" $1 "* ]]; }

# Build the listed targets of one arch in SRC, output in O; print the
# normalized warnings ("file: warning: text") on stdout.
build_one() {
	local src=$1 o=$2 arch=$3 cross=$4 cfg=$5 on=$6 check=$7 what=$8 s
	local mk=(make -C "$src" O="$o" ARCH="$arch" -j"$JOBS")
	[ -n "$cross" ] && mk+=(CROSS_COMPILE="$cross" CC="ccache ${cross}gcc") || mk+=(CC="ccache gcc")
	mkdir -p "$o"
	if [ -n "$cfg" ]; then
		"${mk[@]}" "$cfg" >"$o/config.log" 2>&1 || { cat "$o/config.log" >&2; return 1; }
	else
		cp "$KBUILD/.config" "$o/.config"
	fi
	for s in $on; do
		if [ "${s#!}" != "$s" ]; then
			"$src/scripts/config" --file "$o/.config" --disable "${s#!}"
		else
			"$src/scripts/config" --file "$o/.config" --enable "$s"
		fi
	done
	"$src/scripts/config" --file "$o/.config" --disable WERROR
	"${mk[@]}" olddefconfig >>"$o/config.log" 2>&1 || { cat "$o/config.log" >&2; return 1; }
	for s in $check; do
		if [ "${s#!}" != "$s" ]; then
			grep -q "^CONFIG_${s#!}=[ym]" "$o/.config" && { echo "CONFIG_${s#!} is set" >&2; return 1; }
		else
			grep -q "^CONFIG_$s=[ym]" "$o/.config" || { echo "CONFIG_$s did not stick" >&2; return 1; }
		fi
	done
	# shellcheck disable=SC2086 # $what is a list of targets
	"${mk[@]}" prepare $what >"$o/build.log" 2>&1 || { tail -n 30 "$o/build.log" >&2; return 1; }
	build_warnings "$src" "$o/build.log"
}

for t in "${targets[@]}"; do
	IFS='|' read -r name arch cross cfg on check what <<<"$t"
	selected "$name" || continue
	if [ -n "$cross" ] && ! command -v "${cross}gcc" >/dev/null; then
		echo "not ok cross $name: ${cross}gcc missing (scripts/install-deps.sh installs it)" >>"$out"
		continue
	fi
	s=$SECONDS
	log "cross build: $name ($what)"
	o=$CACHE/cross/$SERIES_NAME/$name
	mkdir -p "$o"
	if ! build_one "$TREE" "$o" "$arch" "$cross" "$cfg" "$on" "$check" "$what" >"$o.warnings" 2>"$o.err"; then
		echo "not ok cross $name: build failed # $(tail -n 1 "$o.err")" >>"$out"
		sed 's/^/  /' "$o.err" >&2
		continue
	fi
	if [ -s "$o.warnings" ]; then
		log "  $name has warnings; building the base to compare"
		build_one "$(base_worktree)" "$o-base" "$arch" "$cross" "$cfg" "$on" "$check" "$what" \
			>"$o-base.warnings" 2>"$o-base.err" ||
			{ echo "not ok cross $name: base build failed" >>"$out"; continue; }
		new=$(comm -13 "$o-base.warnings" "$o.warnings")
		if [ -n "$new" ]; then
			echo "not ok cross $name: $(wc -l <<<"$new") new warning(s): $(head -n 1 <<<"$new")" >>"$out"
			sed 's/^/  new: /' <<<"$new" >&2
			continue
		fi
	fi
	echo "ok cross $name: $what builds, no new warnings ($(( SECONDS - s ))s)" >>"$out"
done

if selected loongarch; then
	if command -v loongarch64-linux-gnu-gcc >/dev/null; then
		echo "not ok cross loongarch: a compiler exists now; add loongarch to check-cross.sh" >>"$out"
	else
		echo "ok cross loongarch # SKIP $loongarch_why" >>"$out"
	fi
fi
cat "$out"
