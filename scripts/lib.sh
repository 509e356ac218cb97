# SPDX-License-Identifier: GPL-2.0
# Shared by every script in scripts/: where things live, logging, errors.
# Source it; do not run it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPTS=$TOP/scripts

# Everything large (kernel trees, build output, initramfs, logs) lives here,
# never in the repository.
CACHE=${KVM_SERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-empty-routing}

# The series that make test and make bench run, in order: $SERIES, else the
# one $SERIES_DIR names, else all three (a stacked series after the one it
# stacks on).
SERIES_ALL=${SERIES:-${SERIES_DIR:-series series-rfc series-6.1}}
# Empty when no series was named (make test then leaves out the series
# whose harness.conf says SERIES_FULL_ONLY=1; make test-full runs them).
SERIES_NAMED=${SERIES:-${SERIES_DIR:-}}

# The series to work on: a directory holding base.conf, series and patches.
SERIES_DIR=${SERIES_DIR:-$TOP/series}
SERIES_DIR=$(cd "$SERIES_DIR" 2>/dev/null && pwd) ||
	{ echo "error: series directory '${SERIES_DIR}' does not exist" >&2; exit 1; }
SERIES_NAME=$(basename "$SERIES_DIR")

# The pin, which the environment may override for one run (see base.conf).
# A series stacked on another names it in SERIES_ON and takes its pin.
_pin=(BASE_PACKAGE BASE_VERSION BASE_SHA256 BASE_UPSTREAM BASE_ARCHIVE BASE_SUITE)
for _v in "${_pin[@]}"; do eval "_env_$_v=\${$_v-}"; done
SERIES_ON=
# shellcheck source=../series/base.conf
. "$SERIES_DIR/base.conf"
for _v in "${_pin[@]}"; do eval "[ -z \"\$_env_$_v\" ] || $_v=\$_env_$_v"; done

# What the harness runs for this series: the lists in its directory
# (selftests.list for make test, debug-tests.list for make debug-test,
# mutants.diff and mutants.list for make mutants) and the knobs of its
# harness.conf (cross builds, bench load, ...), defaults here.
SERIES_SELFTESTS=$SERIES_DIR/selftests.list SERIES_DEBUG_TESTS=$SERIES_DIR/debug-tests.list
SERIES_PERF_TEST=x86/irq_routing_perf_test SERIES_CROSS= SERIES_FULL_CROSS=
SERIES_BENCH_CPUS=2 SERIES_BENCH_VMS=2 SERIES_BENCH_HOGS=16
SERIES_SUBJECT_PREFIX=PATCH SERIES_CC_GENERIC= SERIES_TO= SERIES_TEST_DEBUG=0
SERIES_ARCHES=x86_64 SERIES_FULL_ARCHES= SERIES_FULL_ONLY=0
if [ -f "$SERIES_DIR/harness.conf" ]; then
	# shellcheck source=../series/harness.conf
	. "$SERIES_DIR/harness.conf"
fi

BASE_ID="${BASE_PACKAGE}_${BASE_VERSION}"
BASE_TREE=$CACHE/base/$BASE_ID/linux	# pristine git repo, tag $PRISTINE_TAG
PRISTINE_TAG=base-${BASE_UPSTREAM}
# What the series applies to and is compared with: the pristine tree, or
# for a stacked series the series it stacks on applied to it (a tag that
# apply-series.sh moves to that series' test tree).
BASE_TAG=$PRISTINE_TAG
if [ -n "$SERIES_ON" ]; then
	[ -f "$TOP/$SERIES_ON/base.conf" ] ||
		{ echo "error: $SERIES_NAME/ stacks on $SERIES_ON/, which is not a series" >&2; exit 1; }
	BASE_TAG=on-$SERIES_ON
	BASE_UPSTREAM="$BASE_UPSTREAM + $SERIES_ON/"
fi
# The architecture the test kernel, the selftests and the guest are built
# for and run on: TEST_ARCH, x86_64 unless set (make test runs each of the
# series' SERIES_ARCHES).  What differs between them is here and nowhere
# else: the kernel's ARCH and cross compiler, the kernel image, the config
# fragment (config/kvm-test-ARCH.config), Debian's architecture and suite
# (for busybox-static), QEMU and its machine, the serial console, make bench's
# perf program, and the suffix of the directories of its builds and files.
TEST_ARCH=${TEST_ARCH:-x86_64}
# The system's Debian release (bookworm): the suite of its busybox-static.
SYSTEM_SUITE=$(. /etc/os-release && echo "$VERSION_CODENAME")
# The suffix of ARCH's builds and files: none for x86_64, else -ARCH.
arch_suffix() { [ "$1" = x86_64 ] || echo "-$1"; }
ARCH_SUFFIX=$(arch_suffix "$TEST_ARCH")
case "$TEST_ARCH" in
x86_64)
	KARCH=x86 CROSS='' KIMAGE=arch/x86/boot/bzImage DEB_ARCH=amd64
	# -cpu max: nested SVM, so kvm_amd runs without /dev/kvm on the host
	QEMU=qemu-system-x86_64 QEMU_MACHINE=(-cpu max) GUEST_CONSOLE=ttyS0
	# The series' own perf test (a selftest of its tree)
	PERF_TEST=$SERIES_PERF_TEST ;;
arm64)
	KARCH=arm64 CROSS=aarch64-linux-gnu- KIMAGE=arch/arm64/boot/Image DEB_ARCH=arm64
	BUSYBOX_SUITE=$SYSTEM_SUITE
	# The kernel starts at EL2 with a GICv3, so KVM runs under TCG (in VHE
	# mode, the kernel's choice on -cpu max)
	QEMU=qemu-system-aarch64 QEMU_MACHINE=(-M virt,virtualization=on,gic-version=3 -cpu max)
	GUEST_CONSOLE=ttyAMA0
	# The harness's: vGIC initialisation, timed (same options and output)
	PERF_TEST=guest/irqchip-bench ;;
riscv64)
	KARCH=riscv CROSS=riscv64-linux-gnu- KIMAGE=arch/riscv/boot/Image DEB_ARCH=riscv64
	# Not a bookworm architecture: its busybox-static comes from trixie
	BUSYBOX_SUITE=trixie
	# The H extension and an AIA whose IMSICs have guest interrupt files,
	# so that KVM runs under TCG and can give its guests an AIA
	QEMU=qemu-system-riscv64
	QEMU_MACHINE=(-M virt,aia=aplic-imsic,aia-guests=2 -cpu rv64,h=true)
	# The console on SBI calls (config/kvm-test-riscv64.config says why)
	GUEST_CONSOLE=hvc0
	# The harness's: AIA initialisation, timed (same options and output)
	PERF_TEST=guest/irqchip-bench ;;
*)
	echo "error: TEST_ARCH=$TEST_ARCH: the harness knows x86_64, arm64 and riscv64" >&2; exit 1 ;;
esac
# make's arguments for a kernel or selftests build for $TEST_ARCH (none
# for x86_64, built natively).
ARCH_MAKE=()
[ -z "$CROSS" ] || ARCH_MAKE=(ARCH="$KARCH" CROSS_COMPILE="$CROSS")

# Where the things of series NAME live under $CACHE, the one place that
# knows: series_path NAME work|tree|kbuild|results|base_work
# (kbuild: for $TEST_ARCH)
series_path() {
	case "$2" in
	work) echo "$CACHE/work/$1" ;;			# test tree, build output, guest files
	tree) echo "$CACHE/work/$1/linux" ;;		# git worktree with the series applied
	kbuild) echo "$CACHE/work/$1/build$ARCH_SUFFIX" ;;	# O= for the test kernel
	results) echo "$CACHE/results/$1" ;;		# make bench's logs, tables, plots
	base_work) echo "$CACHE/work/$1-base" ;;	# pristine base worktree and its builds
	*) echo "error: series_path: no '$2'" >&2; return 1 ;;
	esac
}
WORK=$(series_path "$SERIES_NAME" work)
TREE=$(series_path "$SERIES_NAME" tree)
KBUILD=$(series_path "$SERIES_NAME" kbuild)
RESULTS=$(series_path "$SERIES_NAME" results)
BASE_WORK=$(series_path "$SERIES_NAME" base_work)

# The selftests to build and run (format: series/selftests.list;
# selftests-ARCH.list for another architecture than x86_64).
[ -z "$ARCH_SUFFIX" ] || SERIES_SELFTESTS=$SERIES_DIR/selftests$ARCH_SUFFIX.list
SELFTESTS_LIST=${SELFTESTS_LIST:-$SERIES_SELFTESTS}

JOBS=${JOBS:-$(( $(nproc) + 1 ))}
# Every compiler the harness runs through ccache (the kernel and selftest
# builds, the cross builds, sparse and W=1) shares one cache, under $CACHE
# so that it outlives a fresh root; paths under $CACHE are hashed relative,
# so that two trees of the same sources share their objects.
export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$CACHE CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

_t0=$(date +%s)

log() { printf '[%s +%4ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - _t0 ))" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The lines of a list file (series, selftests.list, deps.list, ...) without
# comments ("#" to the end of the line) and blank lines.
list_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$@"; }

# The compiler's warnings (and errors) in build log LOG of tree SRC, one a
# line as "file: warning: text": no line numbers, paths relative to the
# tree, sorted; what check-warnings.sh and check-cross.sh compare between
# the base and the series (comm -13 gives the new ones).
#   build_warnings SRC LOG [REGEX]   default REGEX: warning:
build_warnings() {
	{ grep -E "${3:-warning:}" "$2" || true; } |
		sed -E -e "s|^$1/||" -e 's|^(\.\./)+||' -e 's|arch/x86/kvm/\.\./\.\./\.\./||' \
		       -e 's|:[0-9]+:[0-9]+:|:|' -e 's|:[0-9]+:|:|' | sort -u
}

# What the harness needs from Debian, with the package of each item.
DEPS_LIST=$SCRIPTS/deps.list

# Whether ITEM of deps.list is present: a command, an absolute path, or
# python3:MODULE.
have() {
	case "$1" in
	/*) [ -e "$1" ] ;;
	python3:*) command -v python3 >/dev/null 2>&1 && python3 -c "import ${1#python3:}" 2>/dev/null ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

# need ITEM...: die, in one line naming each missing item and its package
# (from deps.list), unless all are present.
need() {
	local missing=() c pkg
	for c in "$@"; do
		have "$c" && continue
		pkg=$(list_lines "$DEPS_LIST" | awk -v c="$c" '{ for (i = 2; i <= NF; i++) if ($i == c) { print $1; exit } }')
		missing+=("$c (package ${pkg:-unknown: add it to scripts/deps.list})")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing: $(IFS=,; echo "${missing[*]}" | sed 's/,/, /g'); run scripts/install-deps.sh as root"
}

# Run a long command, printing a progress line every 30 s,
# and the log's tail if it fails.  Output goes to $1.
run_logged() {
	local logf=$1; shift
	local start=$SECONDS next=$(( SECONDS + 30 )) rc=0
	"$@" >"$logf" 2>&1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
			log "  ... still running ($(( SECONDS - start ))s): $(tail -n 1 "$logf" | cut -c1-100)"
			next=$(( next + 30 ))
		fi
	done
	wait "$pid" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "---- last 40 lines of $logf ----" >&2
		tail -n 40 "$logf" >&2
		echo "----" >&2
	fi
	return "$rc"
}

# The URI of the system's apt source for a Debian archive ("debian",
# "debian-security"): the last path component of the URI names it.
# DEBIAN_MIRROR overrides it.
debian_mirror() {
	local archive=$1 mirror f
	mirror=${DEBIAN_MIRROR:-$(
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
			 /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			sed -n -e 's/^URIs:[[:space:]]*//p' \
			       -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f"
		done | tr ' ' '\n' | sed 's:/*$::' | grep -m1 "/${archive}\$" || true)}
	[ -n "$mirror" ] ||
		die "no apt source for the '$archive' archive in /etc/apt; set DEBIAN_MIRROR=<uri>"
	echo "$mirror"
}

# A private apt configuration for one Debian archive and suite(s), never the
# system's: sets APT_OPTS for apt-get/apt-cache and runs apt-get update.  The
# mirror is the system's (debian_mirror).
#   apt_private ARCHIVE "SUITE..." "deb [deb-src]" [DEBIAN_ARCH (amd64)]
apt_private() {
	local archive=$1 suites=$2 types=$3 arch=${4:-amd64} mirror dir
	mirror=$(debian_mirror "$archive")
	[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		die "no Debian archive keyring (apt-get install debian-archive-keyring)"
	dir=$CACHE/apt/$archive-${suites// /-}
	[ "$arch" = amd64 ] || dir=$dir-$arch
	mkdir -p "$dir/sources" "$dir/lists/partial" "$dir/cache/archives/partial"
	printf 'Types: %s\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$types" "$mirror" "$suites" /usr/share/keyrings/debian-archive-keyring.gpg \
		>"$dir/sources/private.sources"
	APT_OPTS=(-o Dir::Etc::SourceList=/dev/null
		  -o Dir::Etc::SourceParts="$dir/sources"
		  -o Dir::State::Lists="$dir/lists"
		  -o Dir::Cache="$dir/cache"
		  -o Dir::Etc::Preferences=/dev/null
		  -o Dir::Etc::PreferencesParts=/dev/null
		  -o APT::Architecture="$arch"
		  -o APT::Sandbox::User=root)
	apt-get "${APT_OPTS[@]}" -q update >"$dir/update.log" 2>&1 ||
		{ cat "$dir/update.log" >&2; die "apt-get update for $archive $suites failed"; }
}

# git in the base repository or a worktree, never touching user config.
kgit() { git -c user.name="KVM series harness" -c user.email="harness@localhost" \
	-c advice.detachedHead=false "$@"; }

# A clean worktree of the base ($BASE_TAG), for the A/B builds and checks;
# prints its path, $BASE_WORK/linux.  base_worktree TAG WORKDIR: another.
base_worktree() {
	local tag=${1:-$BASE_TAG} dir=${2:-$BASE_WORK}/linux
	if [ ! -e "$dir/.git" ]; then
		mkdir -p "$(dirname "$dir")"
		kgit -C "$BASE_TREE" worktree prune
		kgit -C "$BASE_TREE" worktree add -q --detach "$dir" "$tag" >&2
	fi
	kgit -C "$dir" checkout -q -f --detach "$tag" >&2
	kgit -C "$dir" clean -q -fdx >&2
	echo "$dir"
}

# Number result lines ("ok NAME" / "not ok NAME # why", one a line, on
# stdin) as a TAP stream with its plan and the closing line "N passed,
# N failed, N skipped".  Fails if a result failed or there was none.
tap_number() {
	local line status rest n=0 pass=0 fail=0 skip=0
	echo "TAP version 13"
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1))
		status=${line%% *}
		[ "$status" = not ] && status="not ok" || status=ok
		rest=${line#"$status" }
		echo "$status $n $rest"
		if [ "$status" = "not ok" ]; then fail=$((fail + 1))
		elif [[ "$rest" == *"# SKIP"* ]]; then skip=$((skip + 1))
		else pass=$((pass + 1)); fi
	done
	echo "1..$n"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ] && [ "$n" -gt 0 ]
}

# What a robot check's result depends on, as one sha256: the series'
# directory (patches, lists, base.conf, harness.conf) and that of the series
# it stacks on, the tree of the base and of every commit the series makes,
# the scripts the checks run (not the boot, count-test, mutant and report
# scripts), config/, and the installed
# version of every package in deps.list (compilers, sparse, ...) and which
# cross compilers exist.
check_inputs() {
	local pkgs f
	pkgs=$(list_lines "$DEPS_LIST" | awk '{ print $1 }')
	{
		for f in "$SERIES_DIR"/* ${SERIES_ON:+"$TOP/$SERIES_ON"/*} "$SELFTESTS_LIST"; do
			[ ! -f "$f" ] || cat "$f"
		done
		kgit -C "$TREE" rev-parse "$BASE_TAG^{tree}"
		kgit -C "$TREE" log --format=%T "$BASE_TAG..HEAD"
		for f in lib.sh check-patches.sh check-bisect.sh check-warnings.sh check-cross.sh \
			 build-kernel.sh build-selftests.sh get-sparse.sh; do
			cat "$SCRIPTS/$f"
		done
		cat "$DEPS_LIST" "$TOP"/config/*
		# shellcheck disable=SC2086 # a list of packages
		dpkg-query -W -f '${Package} ${Version}\n' $pkgs 2>&1
		ls /usr/bin/*-linux-gnu*-gcc* 2>/dev/null
		uname -m
	} | sha256sum | cut -c1-16
}

# cached_check NAME OUT CMD...: run a robot check (CMD writes its results to
# OUT), or, if the same inputs (check_inputs) passed it before, replay that
# result, marked as such: the checks are builds and static analysis, whose
# result cannot change while their inputs do not.  Only a result with no
# failure is kept.  NO_CHECK_CACHE=1 always runs the check.  $CHECK_KEY,
# if set, is check_inputs' value, computed once by the caller.
cached_check() {
	local name=$1 out=$2 key f
	shift 2
	key=${CHECK_KEY:-$(check_inputs)}
	f=$CACHE/check-cache/$SERIES_NAME/$name-$key
	if [ "${NO_CHECK_CACHE:-0}" != 1 ] && [ -s "$f" ]; then
		log "  $name: these inputs ($key) passed on $(date -r "$f" -u '+%F %H:%M UTC'); result replayed (NO_CHECK_CACHE=1 runs it again)"
		sed "s/\$/ # same inputs passed $(date -r "$f" -u +%FT%H:%MZ), replayed/; s/ # \(.*\) # / # \1; /" "$f" >"$out"
		cat "$out"
		return 0
	fi
	"$@" || return
	if ! grep -q '^not ok' "$out"; then
		mkdir -p "$(dirname "$f")"
		cp "$out" "$f"
	fi
}

# Run one named stage of a longer job: log its start and its time, and stop
# the job if it fails.  $STAGE_TIMES, if set, collects "name seconds" lines;
# $STAGE_HINT is added to the failure message.
stage() {
	local name=$1 s=$SECONDS
	shift
	log "== $name"
	"$@" || die "stage '$name' failed${STAGE_HINT:+; $STAGE_HINT}"
	log "== $name done in $(( SECONDS - s ))s"
	[ -z "${STAGE_TIMES:-}" ] || echo "$name $(( SECONDS - s ))" >>"$STAGE_TIMES"
}
