#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test command: fetch the base, apply the series, build the test kernel
# and the selftests, boot the guest, run KUnit and the selftests, and print
# TAP with a closing "N passed, N failed, N skipped".  Exit 1 on any failure.

. "$(dirname "$0")/lib.sh"

stage() {
	local name=$1; shift
	local s=$SECONDS
	log "== $name"
	"$@" || die "stage '$name' failed"
	log "== $name done in $(( SECONDS - s ))s"
}

S=$TOP/scripts
stage fetch      "$S/fetch-base.sh"
stage apply      "$S/apply-series.sh"
stage kernel     "$S/build-kernel.sh"
stage selftests  "$S/build-selftests.sh"
stage initramfs  "$S/make-initramfs.sh"
stage boot       "$S/run-guest.sh"
log "== results ($SERIES_NAME on $BASE_UPSTREAM, total $(( SECONDS ))s)"
"$S/summarize.sh" "$WORK/logs/console.log"
