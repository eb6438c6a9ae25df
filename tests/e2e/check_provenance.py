#!/usr/bin/python3
"""Provenance covers every file that can change a result (issue 8 item 4).

Usage: check_provenance.py CASPFLOW SCENARIO_DIR

Copies the scenario folder, runs base.toml, changes one value in the pipeline hydraulics file
(btc-hydraulics.toml: the MAOP 119.2566 bar -> 110 bar, which cuts BTC's capacity), runs again and checks
that the output's `scenario_sha256` changes, that `input_files_sha256` lists the hydraulics file with its
SHA-256 (recomputed here with hashlib) and that only that file's line changes. Last line "N passed, M failed".
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py

exe, src = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="caspflow-prov-")
dst = os.path.join(tmp, "scenarios")
shutil.copytree(src, dst)
results = []


def check(cond, msg):
    results.append(cond)
    print(("ok:   " if cond else "FAIL: ") + msg)


def run(out):
    p = subprocess.run([exe, "run", os.path.join(dst, "base.toml"), "-o", out, "-q"], capture_output=True, text=True)
    check(p.returncode == 0, f"caspflow run exit code {p.returncode} {p.stderr.strip()[:200]}")
    with h5py.File(out, "r") as f:
        a = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in f.attrs.items()}
    return a


hyd = os.path.join(dst, "btc-hydraulics.toml")
a = run(os.path.join(tmp, "a.h5"))
check(a["history"].endswith(f"caspflow run {os.path.join(dst, 'base.toml')} -o {os.path.join(tmp, 'a.h5')} -q"),
      f"history holds the whole command line, -o included: {a['history']!r}")
lines_a = dict(reversed(l.split("  ", 1)) for l in a.get("input_files_sha256", "").splitlines() if l)
check(any(p.endswith("btc-hydraulics.toml") for p in lines_a), "input_files_sha256 lists the pipeline hydraulics file")
with open(hyd, "rb") as fh:
    h = hashlib.sha256(fh.read()).hexdigest()
check(any(p.endswith("btc-hydraulics.toml") and v == h for p, v in lines_a.items()),
      "the hydraulics file's SHA-256 in the output equals hashlib's")
check(hashlib.sha256(a["scenario_text"].encode()).hexdigest() == a["scenario_sha256"], "scenario_sha256 is the SHA-256 of scenario_text")
with open(hyd) as fh:
    text = fh.read()
new, n = re.subn(r"119\.2566 bar", "110 bar", text)
check(n > 0, f"the MAOP was changed in the copy ({n} values)")
with open(hyd, "w") as fh:
    fh.write(new)
b = run(os.path.join(tmp, "b.h5"))
lines_b = dict(reversed(l.split("  ", 1)) for l in b.get("input_files_sha256", "").splitlines() if l)
check(a["scenario_sha256"] != b["scenario_sha256"], "changing the hydraulics file changes scenario_sha256")
changed = [p for p in lines_a if lines_a[p] != lines_b.get(p)]
check(len(changed) == 1 and changed[0].endswith("btc-hydraulics.toml"), f"only the hydraulics file's hash changed ({changed})")
shutil.rmtree(tmp, ignore_errors=True)
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
