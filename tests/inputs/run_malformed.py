#!/usr/bin/python3
"""CTest driver for tests/inputs/malformed/*.toml.

Each file starts with `# expect: KEY line N -- why`. For every file this runs
  caspflow check FILE
  caspflow run FILE -o TMPDIR/out.h5
and asserts, for both: exit code 2 (bad input), the output holds `FILE:N:` and (unless KEY is "-",
a TOML syntax error) `: KEY: `, and TMPDIR is still empty afterwards (no out.h5, no temporary); and that
`check` and `run` print the same problems (check accepts exactly what run accepts, with the same words).

Usage: run_malformed.py CASPFLOW_BINARY MALFORMED_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

HEADER = re.compile(r"^# expect: (\S+) line (\d+)")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, folder = sys.argv[1], os.path.normpath(os.path.abspath(sys.argv[2]))
    files = sorted(f for f in os.listdir(folder) if f.endswith(".toml"))
    failures = []
    for name in files:
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as fh:
            m = HEADER.match(fh.readline())
        if not m:
            failures.append(f"{name}: first line is not '# expect: KEY line N'")
            continue
        key, line = m.group(1), m.group(2)
        with tempfile.TemporaryDirectory(prefix="caspflow-malformed-") as tmp:
            out_h5 = os.path.join(tmp, "out.h5")
            said = {}
            for cmd in ([exe, "check", path], [exe, "run", path, "-o", out_h5]):
                try:
                    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
                except subprocess.TimeoutExpired:
                    failures.append(f"{name}: `{' '.join(cmd[1:2])}` timed out")
                    continue
                text = p.stdout + p.stderr
                said[cmd[1]] = p.stderr
                what = f"{name}: caspflow {cmd[1]}"
                if p.returncode != 2:
                    failures.append(f"{what}: exit code {p.returncode}, expected 2\n{text}")
                if f"{path}:{line}:" not in text:
                    failures.append(f"{what}: message lacks '{path}:{line}:'\n{text}")
                if key != "-" and f": {key}: " not in text:
                    failures.append(f"{what}: message lacks key path '{key}'\n{text}")
                left = os.listdir(tmp)
                if left:
                    failures.append(f"{what}: files left in the output directory: {left}")
            if len(said) == 2 and said["check"] != said["run"]:
                failures.append(f"{name}: `check` and `run` print different problems:\n--- check\n{said['check']}--- run\n{said['run']}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(files)} malformed inputs, {len(failures)} failures")
    return 1 if failures or len(files) < 25 else 0


if __name__ == "__main__":
    sys.exit(main())
