#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages that scripts/deps.list names (run as root on
# Debian bookworm), then check that everything the harness calls is there.
# .ci/run runs this in a fresh minimal root (scripts/fresh-root.sh).
set -euo pipefail
cd "$(dirname "$0")"

[ "$(id -u)" -eq 0 ] || { echo "error: run as root (apt-get install)" >&2; exit 1; }
mapfile -t pkgs < <(sed -e 's/#.*//' deps.list | awk 'NF { print $1 }')
[ ${#pkgs[@]} -gt 0 ] || { echo "error: scripts/deps.list names no package" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${pkgs[@]}"
exec ./check-deps.sh
