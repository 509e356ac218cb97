#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness uses (run as root).  The one list
# of what the harness needs; .ci/run calls this.
set -euo pipefail

pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev	# kernel build
	ccache sparse git perl python3 xz-utils file cpio kmod	# harness, checks
	python3-ply python3-git					# checkpatch (spdxcheck.py)
	debian-archive-keyring					# fetching the base
	qemu-system-x86 busybox-static				# the test guest
	gnuplot-nox						# the benchmark's plot
	gcc-s390x-linux-gnu gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu	# check-cross.sh
	gcc-powerpc64le-linux-gnu gcc-powerpc-linux-gnu gcc-mips64el-linux-gnuabi64
)
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (apt-get install)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${pkgs[@]}"
