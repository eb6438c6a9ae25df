#!/usr/bin/env python3
"""`--set`, `--start`, `--end` on run / check / capacity (issue 12 item 2).

Usage: check_set_overrides.py CASPFLOW SCENARIOS_DIR. Checks exit codes and output, against:
- the tanker capacity formula fleet x cargo / cycle x weather (docs/scenario-format.md): capacity is linear in
  the fleet, so fleet 2 instead of base.toml's 5 gives exactly 2/5 of the daily capacity;
- --end: the time axis ends on that day (inclusive, docs/scenario-format.md);
- provenance: the override is in scenario_text, input_files_sha256 and history.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr

exe, scen_dir = sys.argv[1:3]
base = os.path.join(scen_dir, "base.toml")
fails = []


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        fails.append(what)


with tempfile.TemporaryDirectory() as d:
    a, b = os.path.join(d, "a.h5"), os.path.join(d, "b.h5")
    r1 = subprocess.run([exe, "run", base, "--end", "2025-03-31", "-q", "-o", a], capture_output=True, text=True)
    r2 = subprocess.run([exe, "run", base, "--end", "2025-03-31", "--set", "legs.caspian_tankers.fleet=2", "-q", "-o", b],
                        capture_output=True, text=True)
    check(r1.returncode == 0 and r2.returncode == 0, f"run with --end / --set exits 0 ({r1.returncode}, {r2.returncode}: {r2.stderr[:200]})")
    if r1.returncode == 0 and r2.returncode == 0:
        A, B = xr.open_dataset(a), xr.open_dataset(b)
        check(str(A.time.values[-1])[:10] == "2025-03-31", f"--end 2025-03-31: last day {str(A.time.values[-1])[:10]}")
        ca = A.capacity.sel(leg="caspian_tankers").values
        cb = B.capacity.sel(leg="caspian_tankers").values
        check(np.allclose(cb, ca * 2 / 5, rtol=1e-12, atol=0), f"fleet 2 gives 2/5 of the fleet-5 tanker capacity ({cb[0]:.3f} vs {ca[0]:.3f} t/d)")
        txt = B.attrs["scenario_text"]
        check("# --- file: --set ---\nlegs.caspian_tankers.fleet = 2\nsimulation.end = 2025-03-31\n" in txt,
              "the overrides are in scenario_text")
        block = "legs.caspian_tankers.fleet = 2\nsimulation.end = 2025-03-31\n"
        sha = hashlib.sha256(block.encode()).hexdigest()
        check(f"{sha}  --set" in B.attrs["input_files_sha256"], "input_files_sha256 lists the overrides with their own SHA-256")
        check(A.attrs["scenario_sha256"] != B.attrs["scenario_sha256"], "the root hash changes with an override")
        check("--set legs.caspian_tankers.fleet=2" in B.attrs["history"], "history holds the --set option")

r = subprocess.run([exe, "check", base, "--set", "legs.cpc.capacity=60 Mx/yr"], capture_output=True, text=True)
check(r.returncode == 2 and "--set legs.cpc.capacity=60 Mx/yr:1:" in r.stderr and "legs.cpc.capacity: found" in r.stderr,
      f"check --set with a bad unit exits 2 naming the option and key (rc {r.returncode})")
r = subprocess.run([exe, "check", base, "--set", "legs.nope.capacity=1 Mt/yr"], capture_output=True, text=True)
check(r.returncode == 2 and "found no table `legs.nope`" in r.stderr, f"check --set on a missing table exits 2 (rc {r.returncode})")
# A misspelt new key is named with the option, not with the scenario file's line 1 (it is not in the file).
r = subprocess.run([exe, "check", base, "--set", "legs.caspian_tankers.flet=7"], capture_output=True, text=True)
check(r.returncode == 2 and "--set legs.caspian_tankers.flet=7:1:1: legs.caspian_tankers.flet: found unknown key" in r.stderr
      and "did you mean `fleet`" in r.stderr and "base.toml:1:1" not in r.stderr,
      f"check --set with a misspelt key exits 2 naming the option (rc {r.returncode}: {r.stderr.strip()[:200]})")
r = subprocess.run([exe, "capacity", base, "--set", "legs.btc.dra=0", "--json"], capture_output=True, text=True)
r0 = subprocess.run([exe, "capacity", base, "--dra", "0", "--json"], capture_output=True, text=True)
check(r.returncode == 0 and r.stdout == r0.stdout, "capacity --set legs.btc.dra=0 equals --dra 0")
r = subprocess.run([exe, "capacity", os.path.join(scen_dir, "btc-hydraulics.toml"), "--set", "a.b=1"], capture_output=True, text=True)
check(r.returncode == 2 and "--set" in r.stderr, f"capacity --set on a pipeline file exits 2 (rc {r.returncode})")
print(f"{len(fails)} failed")
sys.exit(1 if fails else 0)
