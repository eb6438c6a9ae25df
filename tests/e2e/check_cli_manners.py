#!/usr/bin/env python3
"""CLI manners (issue 12 item 6): `caspflow` alone lists the commands (exit 0), `caspflow help [CMD]` is the
same text as --help, every command's --help ends with an example, an unknown `help CMD` exits 2."""
import subprocess
import sys

exe = sys.argv[1]
fails = []


def run(*a):
    return subprocess.run([exe, *a], capture_output=True, text=True)


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        fails.append(what)


bare, helpall = run(), run("--help")
cmds = ("run", "check", "capacity", "calibrate", "hydraulics", "summary", "compare", "help")
check(bare.returncode == 0 and all(f"  {c} " in bare.stdout for c in cmds), f"`caspflow` exits 0 and lists {cmds}")
check(bare.stdout == helpall.stdout, "`caspflow` prints the same text as `caspflow --help`")
check(run("help").stdout == helpall.stdout and run("help").returncode == 0, "`caspflow help` = `caspflow --help`")
for c in cmds[:-1]:
    h, hh = run(c, "--help"), run("help", c)
    check(h.returncode == 0 and hh.returncode == 0 and h.stdout == hh.stdout, f"`caspflow help {c}` = `caspflow {c} --help`")
    check("Example:\n  caspflow " + c in h.stdout, f"`caspflow {c} --help` ends with an example")
r = run("help", "nope")
check(r.returncode == 2 and "no command 'nope'" in r.stderr, f"`caspflow help nope` exits 2 (rc {r.returncode})")
print(f"{len(fails)} failed")
sys.exit(1 if fails else 0)
