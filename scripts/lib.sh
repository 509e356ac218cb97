# SPDX-License-Identifier: GPL-2.0
# Shared by every script in scripts/: where things live, logging, errors.
# Source it; do not run it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything large (kernel trees, build output, initramfs, logs) lives here,
# never in the repository.
CACHE=${KVM_SERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-empty-routing}

# The series to work on: a directory holding base.conf, series and patches.
SERIES_DIR=${SERIES_DIR:-$TOP/series}
SERIES_DIR=$(cd "$SERIES_DIR" 2>/dev/null && pwd) ||
	{ echo "error: series directory '${SERIES_DIR}' does not exist" >&2; exit 1; }
SERIES_NAME=$(basename "$SERIES_DIR")

# shellcheck source=../series/base.conf
. "$SERIES_DIR/base.conf"
# Allow the pin to be overridden from the environment (see base.conf).
BASE_PACKAGE=${OVERRIDE_PACKAGE:-$BASE_PACKAGE}

BASE_ID="${BASE_PACKAGE}_${BASE_VERSION}"
BASE_TREE=$CACHE/base/$BASE_ID/linux	# pristine git repo, tag $BASE_TAG
BASE_TAG=base-${BASE_UPSTREAM}
WORK=$CACHE/work/$SERIES_NAME		# test tree, build output, guest files
TREE=$WORK/linux			# git worktree with the series applied
KBUILD=$WORK/build			# O= for the test kernel
RESULTS=$CACHE/results/$SERIES_NAME

# The selftests to build and run (see guest/selftests.list).
SELFTESTS_LIST=${SELFTESTS_LIST:-$TOP/guest/selftests.list}

JOBS=${JOBS:-$(( $(nproc) + 1 ))}

_t0=$(date +%s)

log() { printf '[%s +%4ss] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - _t0 ))" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need() {
	local missing=() c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing tool(s): ${missing[*]} (see README.md: apt-get install the packages .ci/run installs)"
}

# Run a long command, printing a dot line every 30 s so a log shows progress,
# and the command's elapsed time when it ends.  Output goes to $1.
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

# git in the base repository or a worktree, never touching user config.
kgit() { git -c user.name="KVM series harness" -c user.email="harness@localhost" \
	-c advice.detachedHead=false "$@"; }
