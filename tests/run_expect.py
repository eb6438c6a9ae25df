#!/usr/bin/python3
"""Run a command and check BOTH its exit code and its output (CTest's PASS_REGULAR_EXPRESSION alone ignores the
exit code, so a command that fails after printing the expected text would pass).

Usage: run_expect.py [--rc N] [--expect REGEX]... [--reject REGEX]... -- COMMAND [ARG...]
  --rc N        the exit code expected (default 0)
  --rc-nonzero  any exit code but 0 is expected (a build that must fail)
  --expect RE   must match somewhere in stdout + stderr (repeatable; Python re, MULTILINE)
  --reject RE   must not match (repeatable)
Prints the command's output, then one line per failed expectation; exits 1 if any failed, else 0.
"""
import argparse
import re
import subprocess
import sys


def main() -> int:
    if "--" not in sys.argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = sys.argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--rc", type=int, default=0)
    ap.add_argument("--rc-nonzero", action="store_true")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    args = ap.parse_args(sys.argv[1:cut])
    cmd = sys.argv[cut + 1:]
    if not cmd:
        print("run_expect: no command after --", file=sys.stderr)
        return 2
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    out = p.stdout + p.stderr
    sys.stdout.write(out)
    failed = []
    if args.rc_nonzero:
        if p.returncode == 0:
            failed.append("exit code 0, expected a failure")
    elif p.returncode != args.rc:
        failed.append(f"exit code {p.returncode}, expected {args.rc}")
    failed += [f"no match for /{e}/" for e in args.expect if not re.search(e, out, re.MULTILINE)]
    failed += [f"unexpected match for /{e}/" for e in args.reject if re.search(e, out, re.MULTILINE)]
    for f in failed:
        print(f"run_expect: FAIL: {f}: {' '.join(cmd)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
