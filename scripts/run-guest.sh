#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test kernel under QEMU TCG and write the console to a log: for
# TEST_ARCH=x86_64 (default) qemu-system-x86_64 -cpu max (nested SVM, so
# kvm_amd runs without /dev/kvm on the host), for arm64 qemu-system-aarch64's
# virt machine with EL2 (scripts/lib.sh says what each gets).  A guest that
# does not finish within $GUEST_TIMEOUT seconds, or froze (silent for
# $GUEST_SILENCE seconds while a selftest ran), is killed and the run fails
# with the tail of its console.
#
#   run-guest.sh [KERNEL [INITRAMFS [CONSOLE_LOG]]]
#   GUEST_CPUS=2 GUEST_MEM=2G GUEST_TIMEOUT=1500 GUEST_SILENCE=300
#   GUEST_RETRY=0 GUEST_APPEND="harness.run=..."
#
# QEMU TCG's nested SVM loses the whole test guest now and then, on the
# base kernel as on the series (docs/results.md): it freezes, or resets
# (QEMU exits, -no-reboot) in the middle of a test, with no kernel report
# on the console.  GUEST_RETRY=1 boots such a guest once more and says so
# in CONSOLE_LOG.retry, for the caller's results; the lost boot's console
# is kept as CONSOLE_LOG.1.  A guest that panicked, oopsed or reported a
# bug is never booted again: that is a result.

. "$(dirname "$0")/lib.sh"
need "$QEMU" timeout

kernel=${1:-$KBUILD/$KIMAGE}
initrd=${2:-$WORK/initramfs$ARCH_SUFFIX.cpio}
console=${3:-$WORK/logs/console$ARCH_SUFFIX.log}
cpus=${GUEST_CPUS:-2}
mem=${GUEST_MEM:-2G}
limit=${GUEST_TIMEOUT:-1500}
[ -f "$kernel" ] || die "no kernel at $kernel (make kernel first)"
[ -f "$initrd" ] || die "no initramfs at $initrd (make initramfs first)"
mkdir -p "$(dirname "$console")"

silence=${GUEST_SILENCE:-300}
# The kernel's lockup reports, scaled for QEMU TCG: a soft lockup after
# 120 s instead of 20 (watchdog_thresh=60, its maximum), an RCU CPU stall
# after 60 s instead of 21.  In the CI run of stop 29 (2026-11-29, 18:21
# UTC) the L1 kernel of the real-VMM test reported "soft lockup - CPU#0
# stuck for 33s", then 52 s and 28 s, in QEMU's KVM_RUN loop while its
# L2 guest hung in its PCI scan, the loss that the test retries
# (docs/results.md); every result of the retried bring-up passed.  A CPU
# that stops scheduling, or never passes a quiescent state, for longer
# is still a splat.
tcg_lockup="watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=60"

# One boot; returns QEMU's status, or 3 if the guest froze: a selftest had
# started, and the console then stayed silent for $silence s although
# guest/init prints a heartbeat every 60 s while a test runs.
boot_once() {
	local rc=0 size last=0 quiet=0
	rm -f "$console.pid"
	log "booting $(basename "$kernel") ($TEST_ARCH) under QEMU TCG: $cpus CPUs, $mem, timeout ${limit}s; console: $console"
	timeout -k 10 "$limit" "$QEMU" \
		-accel tcg "${QEMU_MACHINE[@]}" -smp "$cpus" -m "$mem" \
		-nographic -no-reboot -nodefaults -serial stdio -monitor none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=$GUEST_CONSOLE panic=-1 $tcg_lockup harness.cpus=$cpus ${GUEST_APPEND:-}" \
		-pidfile "$console.pid" </dev/null >"$console" 2>&1 &
	qpid=$!
	# Progress: the selftest the guest is on, every 30 s.
	while kill -0 "$qpid" 2>/dev/null; do
		for _ in 1 2 3 4 5 6; do sleep 5; kill -0 "$qpid" 2>/dev/null || break 2; done
		cur=$(grep -a '^HARNESS: start ' "$console" | tail -n 1 | cut -d' ' -f3 || true)
		size=$(stat -c %s "$console")
		if [ -n "$cur" ] && [ "$size" = "$last" ] && ! grep -qa '^HARNESS: end selftests' "$console"; then
			quiet=$((quiet + 30))
			if [ "$quiet" -ge "$silence" ]; then
				kill -KILL "$(cat "$console.pid")" 2>/dev/null; wait "$qpid" 2>/dev/null
				log "  the guest printed nothing for ${quiet}s during ${cur##*/}, not even guest/init's heartbeat: it froze"
				return 3
			fi
		else
			quiet=0
		fi
		last=$size
		cur=${cur##*/}
		done_n=$(grep -acE '^(not )?ok [0-9]+ ' "$console" || true)
		log "  ... guest running; current selftest: ${cur:-booting} ($done_n results so far)"
	done
	wait "$qpid" || rc=$?
	return "$rc"
}

# Why the boot just made was lost (froze, or QEMU exited while a test ran,
# before guest/init's end marker), with no kernel report on the console;
# nothing if it was not.
lost() {
	local rc=$1
	[ "$rc" -eq 3 ] || [ "$rc" -eq 0 ] || return 0
	grep -aq '^HARNESS: \(start\|begin selftests\)' "$console" || return 0
	! grep -aq '^HARNESS: end selftests' "$console" || return 0
	! grep -aqE 'Kernel panic|Oops|BUG:|kernel BUG at|KASAN:|UBSAN:|WARNING:|general protection fault' "$console" || return 0
	if [ "$rc" -eq 3 ]; then echo "froze (no console output for ${silence}s)"
	else echo "reset while a test ran (QEMU exited before the end marker)"; fi
}

rc=0
boot_once || rc=$?
rm -f "$console.retry"
why=$(lost "$rc")
if [ -n "$why" ] && [ "${GUEST_RETRY:-0}" = 1 ]; then
	mv "$console" "$console.1"
	echo "boot 1 $why, no kernel report (console: $console.1); this is boot 2" >"$console.retry"
	log "  boot 1 $why; once more (its console: $console.1)"
	rc=0
	boot_once || rc=$?
fi

# Fail with the console's tail.
fail() { echo "---- last 30 lines of the console ----" >&2; tail -n 30 "$console" >&2; die "$1"; }
[ "$rc" -ne 3 ] || fail "the guest froze: no console output for ${silence}s while a selftest ran (killed)"
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || fail "guest did not finish within ${limit}s (killed)"
[ "$rc" -eq 0 ] || fail "QEMU exited with status $rc"
grep -qa '^HARNESS: end selftests' "$console" || fail "guest stopped before finishing its tests (crash or panic?)"
log "guest finished"
