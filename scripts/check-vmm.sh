#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real-VMM count test of make test: Debian's QEMU boots an L2 guest with
# a vhost-net NIC and a virtio-blk disk in the test guest (guest/vmm-bringup
# -d, kernel-irqchip=split and =on, or $SERIES_VMM_MODES, idle), and the
# counts of its routing updates that waited for an irq_srcu grace period
# (the function tracer counts them) must be what the kernel claims
# ($SERIES_VMM_EXPECT, see guest/vmm-bringup -e).  The kernels are the
# test kernels (scripts/build-kernel.sh builds them with
# config/kvm-vmm.config), in the build directories that make bench uses too.
# For a series on the pristine base the base kernel runs it too,
# expecting its first update to wait, so that the test is seen to measure
# something.  Counts, never time.  Writes "ok NAME" / "not ok NAME # why"
# lines to OUT.
#
#   check-vmm.sh OUT
#
# One L1 boot per kernel, through scripts/guest-results.sh: an L1 guest
# that QEMU TCG's nested SVM loses (it resets or freezes with no kernel
# report; docs/results.md, on the base as often as on the series) boots
# once more, and the retry is reported.  It also resets or stalls an L2
# guest in early boot now and then (on the base too, idle as under load):
# such a bring-up is tried again in the same boot, up to three tries
# (vmm-bringup -R 3), and that is reported too.  An L2 guest that does not
# come up in three tries is a failure.

. "$(dirname "$0")/lib.sh"

out=${1:?usage: check-vmm.sh OUT}
S=$SCRIPTS
: >"$out"
[ -n "${SERIES_VMM_EXPECT:-}" ] || { echo "ok real VMM # SKIP no SERIES_VMM_EXPECT in harness.conf" >"$out"; exit 0; }

# The kernels: this series' test kernel (already built by make test; a
# build with nothing to do takes seconds), and the base's when the series
# stands on the pristine base (a stacked series' base run is its lower
# series' base run).
log "test kernel ($SERIES_NAME)"
"$S/build-kernel.sh" "$TREE" "$KBUILD" >&2 || die "the $SERIES_NAME test kernel did not build"
kernels=("$SERIES_NAME=$KBUILD/$KIMAGE=$SERIES_VMM_EXPECT")
if [ -z "$SERIES_ON" ]; then
	base_worktree >/dev/null
	log "test kernel (base)"
	"$S/build-kernel.sh" "$BASE_WORK/linux" "$BASE_WORK/build" >&2 ||
		die "the base test kernel did not build"
	kernels=("base=$BASE_WORK/build/$KIMAGE=base" "${kernels[@]}")
fi
# The L2 guest: this series' kernel (it only has to boot).
export VMM_L2_KERNEL=$KBUILD/$KIMAGE

# QEMU's kernel-irqchip modes (harness.conf may narrow them).
modes=${SERIES_VMM_MODES:-split,on}
logs=$WORK/logs
mkdir -p "$logs"
rc=0
for kv in "${kernels[@]}"; do
	IFS='=' read -r name img expect <<<"$kv"
	list=$WORK/vmm-$expect.list
	initrd=$WORK/vmm-$expect.cpio
	# Two bring-ups, each tried up to three times if its L2 guest does not
	# come up (-R 3), of at most 150 s a try; a normal one takes 25-55 s.
	printf 'guest/vmm-bringup\t1000\t-m %s -l none -n 1 -t 150 -d -R 3 -e %s\n' "$modes" "$expect" >"$list"
	SELFTESTS_LIST=$list "$S/make-initramfs.sh" "$WORK/selftests" "$initrd" >&2 ||
		die "the real-VMM initramfs was not packed"
	console=$logs/vmm-console-$name.log
	log "real VMM on the $name kernel (expect: $expect)"
	GUEST_TIMEOUT=1140 GUEST_APPEND=kunit.enable=0 KUNIT_SUITES_LIST=/dev/null \
		"$S/guest-results.sh" "$img" "$initrd" "$console" "$console.results" "real VMM on $name: " >&2 || rc=1
	cat "$console.results" >>"$out"
	log "  $(grep -c '^ok' "$console.results") ok, $(grep -c '^not ok' "$console.results") not ok"
done
exit "$rc"
