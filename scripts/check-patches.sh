#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The robot's patch checks, one result line per check ("ok NAME" or
# "not ok NAME # why"), for summarize.sh:
#  - checkpatch.pl --strict on every patch file: no error, warning or check
#    but the exceptions below, each with its reason;
#  - get_maintainer.pl: every file the series touches has a maintainer.
#
#   check-patches.sh RESULT_FILE

. "$(dirname "$0")/lib.sh"
need perl git

out=${1:?usage: check-patches.sh RESULT_FILE}
: >"$out"
[ -d "$TREE/.git" ] || [ -f "$TREE/.git" ] || die "no test tree; run apply-series.sh first"

# Exceptions, by checkpatch type.  Each one needs a reason a maintainer
# would accept; nothing else is ever ignored.
#  UNKNOWN_COMMIT_ID: the base is a release tarball made into a one-commit
#    repository, so checkpatch cannot look up upstream ids.  The ids cited
#    (fbe4a7e881d4, e3c89f5dd11d, c4201bd24f4a, c622a3c21ede) are upstream
#    commits; the check below still rejects a malformed reference.
#  FILE_PATH_CHANGES: "does MAINTAINERS need updating?" for new files.
#    Excused only when get_maintainer.pl finds a maintainer for every file
#    the series touches (checked below as its own result).
excused='UNKNOWN_COMMIT_ID|FILE_PATH_CHANGES'

mapfile -t patches < <(list_lines "$SERIES_DIR/series")
for p in "${patches[@]}"; do
	log=$WORK/logs/checkpatch-${p%.patch}.log
	mkdir -p "$WORK/logs"
	# Debian's python3 first: checkpatch runs spdxcheck.py, which needs
	# python3-ply and python3-git.
	(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --show-types \
		--no-summary --ignore "${excused//|/,}" "$SERIES_DIR/$p") >"$log" 2>&1 || true
	n=$(grep -cE '^(ERROR|WARNING|CHECK):|^Traceback' "$log" || true)
	if [ "$n" -eq 0 ]; then
		echo "ok checkpatch --strict: $p" >>"$out"
	else
		echo "not ok checkpatch --strict: $p # $n finding(s): $(grep -m1 -E '^(ERROR|WARNING|CHECK):|^Traceback' "$log")" >>"$out"
		sed 's/^/  /' "$log" >&2
	fi
done

# Every file the series touches must have a maintainer entry.
unowned=()
while IFS= read -r f; do
	[ -n "$f" ] || continue
	(cd "$TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats \
		--no-l --no-r -f "$f") 2>/dev/null | grep -q '@' || unowned+=("$f")
done < <(kgit -C "$TREE" diff --name-only "$BASE_TAG" HEAD)
if [ ${#unowned[@]} -eq 0 ]; then
	echo "ok get_maintainer.pl: every touched file has a maintainer" >>"$out"
else
	echo "not ok get_maintainer.pl: no maintainer for ${unowned[*]}" >>"$out"
fi
cat "$out"
