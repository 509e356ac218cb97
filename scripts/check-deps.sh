#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that every tool, header and module in scripts/deps.list is present,
# before a long run starts.  Prints nothing and exits 0 if all are; else one
# line naming what is missing and the package of each, and exits 1.
. "$(dirname "$0")/lib.sh"
mapfile -t items < <(list_lines "$DEPS_LIST" | awk 'NF > 1 { for (i = 2; i <= NF; i++) print $i }')
need "${items[@]}"
