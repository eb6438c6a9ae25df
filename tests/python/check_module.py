#!/usr/bin/python3
"""The Python module against the command line (issue 12 item 1).

Usage: /usr/bin/python3 tests/python/check_module.py CASPFLOW_EXE      (run in the repository root, with
PYTHONPATH naming the build's python/ directory)

1. caspflow.run(caspflow.load(...)) is identical (xarray.testing.assert_identical: every variable, coordinate and
   attribute, apart from `created` and `history`) to the file `caspflow run` writes with the same --set/--end,
   on two scenarios (one with an outage event, one with a quality cap);
2. every malformed fixture of tests/inputs/malformed raises caspflow.InputError whose problems, printed, are the
   lines `caspflow check` prints for it (the same validation, the same messages);
3. set= values of the wrong type are a TypeError naming the key; a misspelt key an InputError naming it;
4. run_many on 2 threads gives results identical to serial runs (the engine shares nothing between runs);
5. the GIL is released during a run: another Python thread keeps running meanwhile;
6. caspflow.capacity equals `caspflow capacity --json` (relative 1e-9: the JSON's 10 digits) at several DRA values, a station out and
   another temperature.
Exits 1 on the first failed group with what differed.
"""
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import xarray as xr

import caspflow

EXE = sys.argv[1]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def strip(ds):
    ds = ds.copy()
    for a in ("created", "history"):
        ds.attrs.pop(a, None)
    return ds


def identical(a, b):
    try:
        xr.testing.assert_identical(strip(a), strip(b))
        return ""
    except AssertionError as e:
        return str(e)[:1500]


tmp = Path(tempfile.mkdtemp(prefix="caspflow-module-"))

# 1. in-process == the CLI's file
for scen, sets, end in [("inputs/scenarios/cpc-outage-2025.toml", {"legs.caspian_tankers.fleet": 7}, "2026-12-31"),
                        ("inputs/scenarios/quality-cap.toml", {"legs.cpc.capacity": "60 Mt/yr"}, "2027-06-30")]:
    out = tmp / (Path(scen).stem + ".h5")
    args = [EXE, "run", scen, "-q", "-o", str(out), "--end", end]
    for k, v in sets.items():
        args += ["--set", f"{k}={v}"]
    r = subprocess.run(args, capture_output=True, text=True)
    check(r.returncode == 0, f"caspflow run {scen} exits 0 (rc {r.returncode}: {r.stderr.strip()[:300]})")
    if r.returncode != 0:
        continue
    mine = caspflow.run(caspflow.load(scen, set=sets, end=end))
    diff = identical(mine, xr.open_dataset(out))
    check(diff == "", f"caspflow.run({Path(scen).name}, set={sets}) is identical to the CLI's file {diff}")
    expr = f"python: caspflow.run(caspflow.load({scen!r}, set={ {**sets, 'simulation.end': end}!r}))"
    check(mine.attrs["history"].endswith(expr),
          f"history says how the dataset was made: {mine.attrs['history']!r}")
    for v in mine.data_vars:
        if mine[v].dtype != xr.open_dataset(out)[v].dtype:
            check(False, f"dtype of {v}")

# 2. InputError problems == `caspflow check` lines on every malformed fixture
fixtures = sorted(Path("tests/inputs/malformed").glob("*.toml"))
same = 0
for f in fixtures:
    r = subprocess.run([EXE, "check", str(f)], capture_output=True, text=True)
    # The CLI prints "caspflow: input error", then each problem: its headline and, indented below it, the
    # offending source line with a caret.
    cli_lines = [ln for ln in r.stderr.splitlines() if ln and not ln.startswith("caspflow: ")]
    try:
        caspflow.load(str(f))
        check(False, f"{f.name}: caspflow.load raised nothing, the CLI exits {r.returncode}")
        continue
    except caspflow.InputError as e:
        py_lines = "\n".join(str(p) for p in e.problems).splitlines()
        ok = r.returncode == 2 and py_lines == cli_lines and str(e).splitlines() == cli_lines
        if not ok:
            check(False, f"{f.name}: InputError problems {py_lines[:3]} vs `caspflow check` (rc {r.returncode}) {cli_lines[:3]}")
        same += ok
        # Every problem names its file and line; a key too, except a TOML syntax error (no key parsed yet).
        if ok and not all(p.file and p.line and (p.key or "TOML syntax error" in p.message) and p.context.count("\n") <= 1
                          for p in e.problems):
            check(False, f"{f.name}: every problem names a file, a line and a key: {e.problems}")
    except Exception as e:  # noqa: BLE001 -- any other exception is a failure of the contract
        check(False, f"{f.name}: raised {type(e).__name__}: {e}")
check(len(fixtures) >= 20 and same == len(fixtures),
      f"{same} of {len(fixtures)} malformed fixtures give the CLI's problems as caspflow.InputError")
check(issubclass(caspflow.InputError, ValueError) and issubclass(caspflow.SolverError, RuntimeError)
      and issubclass(caspflow.IoError, OSError), "error classes derive from ValueError, RuntimeError, OSError")

# 3. set= types and keys
try:
    caspflow.load("inputs/scenarios/base.toml", set={"legs.caspian_tankers.fleet": [7]})
    check(False, "set= with a list raises")
except TypeError as e:
    check("legs.caspian_tankers.fleet" in str(e), f"set= with a list is a TypeError naming the key: {e}")
try:
    caspflow.load("inputs/scenarios/base.toml", set={"legs.caspian_tankers.flet": 7})
    check(False, "a misspelt set= key raises")
except caspflow.InputError as e:
    p = e.problems[0]
    check(p.key == "legs.caspian_tankers.flet" and "did you mean `fleet`" in p.message and p.file.startswith("--set"),
          f"a misspelt set= key is an InputError naming it: {p}")
try:
    caspflow.load("no/such/scenario.toml")
    check(False, "a missing file raises")
except (caspflow.InputError, caspflow.IoError) as e:
    check("no/such/scenario.toml" in str(e), f"a missing scenario file names it: {e}")

# 4. concurrent runs == serial runs
sc = caspflow.load("inputs/scenarios/cpc-outage-2025.toml", end="2026-06-30")
serial = caspflow.run(sc)
par = caspflow.run_many([sc, sc, sc, sc], threads=2)
diffs = [identical(serial, p) for p in par]
check(all(d == "" for d in diffs), f"4 runs of one scenario on 2 threads are identical to the serial run {[d[:200] for d in diffs]}")

# 5. the GIL is released: a Python thread counts while a run goes on
ticks = 0
done = threading.Event()


def counter():
    global ticks
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)


th = threading.Thread(target=counter)
t0 = time.perf_counter()
th.start()
time.sleep(0.01)
start_ticks = ticks
caspflow.run(sc)
during = ticks - start_ticks
done.set()
th.join()
secs = time.perf_counter() - t0
# Holding the GIL, the counter could not run at all during the call (0-2 ticks at its edges); released, it ticks
# about once per millisecond of the run (sleep granularity makes it fewer; 20 is far below either).
check(during >= 20, f"another Python thread ran during caspflow.run ({during} ticks in {secs:.2f} s)")

# 6. capacity == the CLI's
base = "inputs/scenarios/base.toml"
bsc = caspflow.load(base)
for kw, cli in [({}, []), ({"dra": 0}, ["--dra", "0"]), ({"dra": "10%"}, ["--dra", "10%"]),
                ({"station_out": ["PT1"]}, ["--station-out", "PT1"]),
                ({"temperature_C": 30, "dra": 0.2}, ["--temperature", "30 degC", "--dra", "0.2"])]:
    r = subprocess.run([EXE, "capacity", base, "--json"] + cli, capture_output=True, text=True)
    if r.returncode != 0:
        check(False, f"caspflow capacity {cli} exits 0 (rc {r.returncode}: {r.stderr[:200]})")
        continue
    j = json.loads(r.stdout)
    c = caspflow.capacity(bsc, **kw)
    rel = abs(c.m3_per_s - j["capacity_m3s"]) / j["capacity_m3s"]
    # The CLI's JSON prints 10 significant digits (%.10g): at most 5e-10 relative from the double.
    check(rel <= 1e-9 and c.binding_kind == j["binding"]["kind"] and abs(c.dra - j["dra"]) <= 1e-15,
          f"caspflow.capacity({kw}) = {c.barrels_per_day:.0f} b/d, CLI {j['capacity_bpd']:.0f} b/d (rel {rel:.1e}), "
          f"binding {c.binding_kind} / {j['binding']['kind']}")
try:
    caspflow.capacity(bsc, station_out="PX9")
    check(False, "an unknown station raises")
except caspflow.InputError as e:
    check("PX9" in str(e) and "PSA1" in str(e), f"an unknown station is an InputError listing the stations: {e}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
