#!/usr/bin/env python3
"""Runs the Python suites (integration, differential) against a corokv binary and ends with
the line `python: N passed, N failed, N skipped`. Errors count as failures."""

import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class CountingResult(unittest.TextTestResult):
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", help="corokv-server binary (sets COROKV_BIN)")
    parser.add_argument("--suite", choices=["integration", "differential", "all"], default="all")
    parser.add_argument("-k", help="only tests whose id contains this text")
    opts = parser.parse_args()
    if opts.bin:
        os.environ["COROKV_BIN"] = os.path.abspath(opts.bin)
    sys.path.insert(0, HERE)

    suites = ["integration", "differential"] if opts.suite == "all" else [opts.suite]
    loader = unittest.TestLoader()
    all_tests = unittest.TestSuite()
    for suite in suites:
        all_tests.addTests(loader.discover(os.path.join(HERE, suite), pattern="test_*.py", top_level_dir=HERE))

    if opts.k:
        def only(s):
            out = unittest.TestSuite()
            for t in s:
                if isinstance(t, unittest.TestSuite):
                    out.addTests(only(t))
                elif opts.k in t.id():
                    out.addTest(t)
            return out
        all_tests = only(all_tests)

    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=CountingResult)
    result = runner.run(all_tests)
    # A failing setUpClass is an error without a test run: count it as a failure on its own.
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    failed_runs = {t.id() for t, _ in result.failures + result.errors} | {t.id() for t in result.unexpectedSuccesses}
    passed = max(0, result.testsRun - len(failed_runs) - skipped)
    print(f"python: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
