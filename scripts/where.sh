#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print where the harness keeps something of SERIES_DIR's series, for the
# Makefile and test.sh (scripts use series_path in lib.sh; ARCH_SUFFIX: that of
# $TEST_ARCH's files, none for x86_64):
#   where.sh CACHE|WORK|TREE|KBUILD|BASE_TREE|RESULTS|SERIES_ALL|SERIES_FULL_ONLY|ARCH_SUFFIX
. "$(dirname "$0")/lib.sh"
case "${1:-}" in
CACHE|WORK|TREE|KBUILD|BASE_TREE|RESULTS|SERIES_ALL|SERIES_FULL_ONLY|ARCH_SUFFIX) echo "${!1}" ;;
*) die "usage: where.sh CACHE|WORK|TREE|KBUILD|BASE_TREE|RESULTS|SERIES_ALL|SERIES_FULL_ONLY|ARCH_SUFFIX" ;;
esac
