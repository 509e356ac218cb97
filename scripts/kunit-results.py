#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The KUnit results of a guest console log as the harness's result lines.

Reads the console with the kernel tree's own KTAP parser
(tools/testing/kunit/kunit_parser.py, as `kunit.py parse` does) and prints
one line per case, "ok|not ok PREFIXkunit: SUITE: CASE[ # why]" (a
parameterised case's parameters as "CASE: PARAM"), a line for a suite that
failed with no failed case or ran no case, and "not ok ... # suite did not
run" for each suite of SUITES_FILE that is not on the console.

usage: kunit-results.py TREE CONSOLE_LOG SUITES_FILE [PREFIX]
"""

import contextlib
import inspect
import io
import sys


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.strip().splitlines()[-1])
    tree, console, suites_file = sys.argv[1:4]
    prefix = sys.argv[4] if len(sys.argv) == 5 else ''
    sys.path.insert(0, tree + '/tools/testing/kunit')

    with open(suites_file, encoding='utf-8') as f:
        want = [l.split('#')[0].strip() for l in f]
    want = [w for w in want if w]
    # Lines end at "\n" only: a console may end them with "\r\r\n" (riscv64's
    # hvc0), which universal newlines would read as two lines.
    with open(console, encoding='utf-8', errors='backslashreplace', newline='\n') as f:
        lines = [l.replace('\r', '') for l in f]

    # The parser prints as it goes: 6.1's to the sys.stdout it saw when it
    # was imported, newer ones to a printer they are given.
    with contextlib.redirect_stdout(io.StringIO()):
        import kunit_parser  # pylint: disable=import-outside-toplevel
        if len(inspect.signature(kunit_parser.parse_run_tests).parameters) > 1:
            import kunit_printer  # pylint: disable=import-outside-toplevel
            root = kunit_parser.parse_run_tests(lines, kunit_printer.null_printer)
        else:
            root = kunit_parser.parse_run_tests(lines)
    status = kunit_parser.TestStatus

    def res(ok, name, why=''):
        print(f"{'ok' if ok else 'not ok'} {prefix}kunit: {name}"
              + (f' # {why}' if why else ''))

    def case(test, name):
        if test.subtests:
            for sub in test.subtests:
                case(sub, f'{name}: {sub.name}')
            return
        if test.status == status.SUCCESS:
            res(True, name)
        elif test.status == status.SKIPPED:
            res(True, name, ('SKIP ' + getattr(test, 'skip_reason', '')).strip())
        elif test.status == status.FAILURE:
            res(False, name)
        else:
            res(False, name, test.status.name.lower().replace('_', ' '))

    seen = set()
    suites = root.subtests if root.status != status.FAILURE_TO_PARSE_TESTS else []
    for suite in suites:
        seen.add(suite.name)
        for c in suite.subtests:
            case(c, f'{suite.name}: {c.name}')
        passed = suite.status in (status.SUCCESS, status.SKIPPED)
        if not suite.subtests:
            res(passed, suite.name, 'suite result, no cases')
        elif not passed and suite.counts.failed + suite.counts.crashed == 0:
            res(False, suite.name, 'suite failed')
    for w in want:
        if w not in seen:
            res(False, w, 'suite did not run')


if __name__ == '__main__':
    main()
