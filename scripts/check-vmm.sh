#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The real-VMM count test of make test: each VMM of vmm/ (Debian's QEMU
# 7.2, 10.0 and 11.1; $VMMS picks, scripts/fetch-vmm.sh) boots an L2 guest
# with a vhost-net NIC and a virtio-blk disk in the test guest
# (guest/vmm-bringup -d, kernel-irqchip=split and =on, or
# $SERIES_VMM_MODES, idle), and the counts of its routing updates that
# waited for an irq_srcu grace period (the function tracer counts them),
# per class of update, must be what the kernel claims ($SERIES_VMM_EXPECT,
# see guest/vmm-bringup -e): the same expectations for every VMM.  The kernels are the
# test kernels (scripts/build-kernel.sh builds them with
# config/kvm-vmm.config), in the build directories that make bench uses too.
# For a series on the pristine base the base kernel runs it too,
# expecting its first update to wait, so that the test is seen to measure
# something.  Counts, never time.  Writes "ok NAME" / "not ok NAME # why"
# lines to OUT.
#
#   check-vmm.sh OUT
#
# One L1 boot per kernel and VMM, through scripts/guest-results.sh: an L1 guest
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
# The VMMs of vmm/ are x86 QEMUs with amd64 libraries, run in an x86_64 guest.
[ "$TEST_ARCH" = x86_64 ] || die "the real-VMM count test runs on x86_64 only (TEST_ARCH=$TEST_ARCH)"

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

# The irqchip modes (harness.conf may narrow them) and the VMMs.
modes=${SERIES_VMM_MODES:-split,on}
vmms=$("$S/fetch-vmm.sh" --list) || die "no VMM for the count test"
for v in $vmms; do "$S/fetch-vmm.sh" "$v" >/dev/null || die "VMM $v is not available"; done
log "VMMs: ${vmms//$'\n'/ }"
nmode=$(tr , ' ' <<<"$modes" | wc -w)
# A bring-up takes 10-55 s; each may be tried three times, at most 150 s a
# try: the list's timeout and the guest's cover that for every mode.
limit=$(( nmode * 3 * 150 + 60 ))
logs=$WORK/logs
mkdir -p "$logs"
rc=0
# One L1 boot per kernel and VMM, with only that VMM packed: an L1 guest
# that QEMU TCG loses is booted again for that VMM alone.
for kv in "${kernels[@]}"; do
	IFS='=' read -r name img expect <<<"$kv"
	for v in $vmms; do
		list=$WORK/vmm-$expect-$v.list
		initrd=$WORK/vmm-$expect-$v.cpio
		# One bring-up per mode, each tried up to three times if its L2
		# guest does not come up (-R 3).
		printf 'guest/vmm-bringup\t%s\t-V %s -m %s -l none -n 1 -t 150 -d -R 3 -e %s\n' \
			"$limit" "$v" "$modes" "$expect" >"$list"
		VMMS=$v SELFTESTS_LIST=$list "$S/make-initramfs.sh" "$WORK/selftests" "$initrd" >&2 ||
			die "the real-VMM initramfs was not packed"
		console=$logs/vmm-console-$name-$v.log
		log "real VMM $v on the $name kernel (expect: $expect)"
		GUEST_TIMEOUT=$(( limit + 140 )) GUEST_APPEND=kunit.enable=0 KUNIT_SUITES_LIST=/dev/null \
			"$S/guest-results.sh" "$img" "$initrd" "$console" "$console.results" "real VMM $v on $name: " >&2 || rc=1
		cat "$console.results" >>"$out"
		log "  $(grep -c '^ok' "$console.results") ok, $(grep -c '^not ok' "$console.results") not ok"
		rm -f "$initrd"
	done
done
exit "$rc"
