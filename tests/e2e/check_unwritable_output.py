#!/usr/bin/python3
"""An output that cannot be written: exit code 4, the path in the message, no partial file, no temporary left,
and an earlier file at the target path untouched (outputs/output_file.hpp: write a temporary beside the target,
rename when complete).

Usage: check_unwritable_output.py CASPFLOW_EXE SCENARIO WORKDIR

1. -o under a path component that is a regular file: the directory cannot exist (ENOTDIR).
2. the disk fills while the image is written: RLIMIT_FSIZE of 64 KiB (SIGXFSZ ignored, so write() fails with
   EFBIG, as on a full disk) in a directory that can be written; a file already at the target path must keep its
   bytes, and no `.NAME.caspflow-tmp.*` may be left in that directory.
"""
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

exe, scenario, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(out, limit=None):
    def pre():
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    args = [exe, "run", scenario, "--end", "2025-03-31", "-q", "-o", str(out)]
    return subprocess.run(args, capture_output=True, text=True, preexec_fn=pre, timeout=300)


shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)

# 1. a regular file where a directory should be
blocked = work / "blocked"
blocked.write_text("not a directory\n")
r = run(blocked / "base.h5")
check(r.returncode == 4, f"-o under a regular file exits 4 (rc {r.returncode})")
check("I/O failure" in r.stderr and str(blocked) in r.stderr, f"the message names the path: {r.stderr.strip()[:300]}")
check(sorted(p.name for p in work.iterdir()) == ["blocked"], f"nothing else in {work}: {sorted(p.name for p in work.iterdir())}")

# 2. the disk fills during the write; an earlier output at the target path survives
full = work / "full"
full.mkdir()
target = full / "base.h5"
old = b"an earlier run's file\n"
target.write_bytes(old)
r = run(target, limit=64 * 1024)
check(r.returncode == 4, f"a write that hits the file size limit exits 4 (rc {r.returncode}: {r.stderr.strip()[:300]})")
check("I/O failure" in r.stderr and str(target) in r.stderr, "the message names the target")
check(target.read_bytes() == old, "the file already at the target path is unchanged")
left = sorted(p.name for p in full.iterdir())
check(left == ["base.h5"], f"no temporary left beside the target: {left}")

# The same run without the limit writes the file (so case 2 failed because of the limit, not for another reason).
r = run(target)
check(r.returncode == 0 and target.stat().st_size > 64 * 1024, f"without the limit the run writes {target} (rc {r.returncode})")
check(sorted(p.name for p in full.iterdir()) == ["base.h5"], "and leaves only the file")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
