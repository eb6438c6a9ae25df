#!/usr/bin/python3
"""`caspflow compare A.h5 B.h5 [--csv F]` (issue 12 item 5).

Usage: check_compare.py CASPFLOW SCENARIO_DIR E2E_DIR   (Debian's /usr/bin/python3; E2E_DIR holds the e2e fixture
outputs base.h5 and agreement-2p2.h5)

- base.h5 against itself: every difference exactly 0, "inputs identical", the time axes identical;
- base against a run with `--set legs.caspian_tankers.fleet=7 --end 2027-12-31`: the inputs diff shows the
  override (the `--set` section of scenario_text, and the history line with the command), the compared years are
  the overlap 2025-2027, and B - A of Kazakh crude into btc equals the xarray difference of annual_flow;
- base against agreement-2p2: the differences (Kazakh into btc, total into btc) equal xarray's, the extra file
  is listed, base.toml is identical;
- base against a run of a copy of the inputs in another directory with one value changed: the change is a
  `-`/`+` line pair under the file's name, and the other files match despite their other paths;
- no common year: exit 2; a non-caspflow HDF5 file: exit 2 naming it; a missing file: exit 4 naming it;
  --csv onto an input: exit 2.
Every command's exit code is checked.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import xarray as xr

exe, scen_dir, e2e_dir = sys.argv[1:4]
failures = []


def check(cond, msg):
    print(("ok:   " if cond else "FAIL: ") + msg)
    if not cond:
        failures.append(msg)
    return cond


def run(*args, expect=0, cwd=None):
    r = subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd)
    check(r.returncode == expect, f"`caspflow {' '.join(args)}` exits {expect} (got {r.returncode})"
          + ("" if r.returncode == expect else f"; stderr: {r.stderr.strip()[:300]}"))
    return r


def read_csv(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {(int(r["year"]), r["quantity"]): (float(r["a"]), float(r["b"]), float(r["b_minus_a"])) for r in rows}


def kz_annual(path, var, leg, kazakh_only=True):
    """{year: Mt} of annual_flow/annual_delivered of `leg`, summed over the Kazakh (or all) shippers."""
    with xr.open_dataset(path) as ds:
        v = ds[var].sel(leg=leg)
        if kazakh_only:
            v = v.sel(shipper=ds.shipper.values[ds.kazakh.values == 1])
        s = v.sum("shipper") / 1e6
        return {int(y): float(x) for y, x in zip(ds.year.dt.year.values, s.values)}


def check_diff_matches(name, table, a_path, b_path, quantity, var, leg, kazakh_only=True):
    a, b = kz_annual(a_path, var, leg, kazakh_only), kz_annual(b_path, var, leg, kazakh_only)
    bad = []
    years = sorted(y for (y, q) in table if q == quantity)
    for y in years:
        want = b[y] - a[y]
        got = table[(y, quantity)][2]
        if abs(got - want) > 1e-9 * max(abs(a[y]), abs(b[y]), 1e-9):
            bad.append((y, got, want))
    check(years and years == sorted(set(a) & set(b)) and not bad,
          f"{name}: B - A of {quantity!r} equals the xarray difference of {var} in {len(years)} years" + (f" {bad[:3]}" if bad else ""))


def main():
    tmp = tempfile.mkdtemp(prefix="caspflow-compare-")
    base, agr = os.path.join(e2e_dir, "base.h5"), os.path.join(e2e_dir, "agreement-2p2.h5")
    try:
        # The same file twice.
        self_csv = os.path.join(tmp, "self.csv")
        r = run("compare", base, base, "--csv", self_csv)
        check("inputs identical" in r.stdout, "base vs base: 'inputs identical'")
        check("time axes identical" in r.stdout, "base vs base: the time axes are identical")
        t = read_csv(self_csv)
        check(len(t) > 0 and all(d == 0.0 and a == b for a, b, d in t.values()),
              f"base vs base: every one of {len(t)} differences is exactly 0")

        # A --set override and a shorter run.
        fleet = os.path.join(tmp, "fleet7.h5")
        run("run", os.path.join(scen_dir, "base.toml"), "--set", "legs.caspian_tankers.fleet=7", "--end", "2027-12-31",
            "-o", fleet, "-q")
        fleet_csv = os.path.join(tmp, "fleet7.csv")
        r = run("compare", base, fleet, "--csv", fleet_csv)
        out = r.stdout
        check("--set: only in B" in out and "+ legs.caspian_tankers.fleet = 7" in out,
              "base vs fleet7: the inputs diff shows the --set override of the fleet")
        check("--set legs.caspian_tankers.fleet=7" in out, "base vs fleet7: B's history shows the --set command line")
        check("overlapping years 2025-2027" in out, "base vs fleet7: the compared years are the overlap 2025-2027")
        t = read_csv(fleet_csv)
        check({y for y, q in t} == {2025, 2026, 2027}, f"base vs fleet7: the CSV has the years 2025-2027 ({sorted({y for y, q in t})})")
        check_diff_matches("base vs fleet7", t, base, fleet, "Kazakh into btc", "annual_flow", "btc")

        # Another scenario: real differences.
        agr_csv = os.path.join(tmp, "agr.csv")
        r = run("compare", base, agr, "--csv", agr_csv)
        check("agreement-2p2.toml: only in B" in r.stdout and "identical: base.toml" in r.stdout,
              "base vs agreement-2p2: the extra scenario file is listed, base.toml is identical")
        check("Kazakh into btc\n" in r.stdout and "+0.795" in r.stdout, "base vs agreement-2p2: the btc block shows +0.795 Mt in 2026")
        t = read_csv(agr_csv)
        check_diff_matches("base vs agreement-2p2", t, base, agr, "Kazakh into btc", "annual_flow", "btc")
        check_diff_matches("base vs agreement-2p2", t, base, agr, "Kazakh at ceyhan", "annual_delivered", "btc")
        check_diff_matches("base vs agreement-2p2", t, base, agr, "total into btc", "annual_flow", "btc", kazakh_only=False)

        # The same inputs from another directory, one value changed: only that line differs.
        copy = os.path.join(tmp, "copy")
        shutil.copytree(os.path.dirname(os.path.abspath(scen_dir)), os.path.join(copy, "inputs"))
        toml = os.path.join(copy, "inputs", "scenarios", "base.toml")
        with open(toml) as f:
            text = f.read()
        check("fleet = 5\n" in text, "base.toml has the line 'fleet = 5'")
        with open(toml, "w") as f:
            f.write(text.replace("fleet = 5\n", "fleet = 9\n", 1))
        moved = os.path.join(tmp, "moved.h5")
        run("run", toml, "-o", moved, "-q", "--end", "2026-12-31")
        r = run("compare", base, moved)
        check("base.toml: differs" in r.stdout and "- fleet = 5\n" in r.stdout and "+ fleet = 9\n" in r.stdout,
              "base vs a changed copy: base.toml differs by '- fleet = 5' / '+ fleet = 9'")
        check("identical: btc-hydraulics.toml" in r.stdout and "btc-hydraulics.toml: differs" not in r.stdout,
              "base vs a changed copy: btc-hydraulics.toml matches although its path differs")

        # Refusals.
        late = os.path.join(tmp, "late.h5")
        run("run", os.path.join(scen_dir, "base.toml"), "--start", "2041-01-01", "--end", "2041-03-31", "-o", late, "-q")
        r = run("compare", base, late, expect=2)
        check("no year in common" in r.stderr, f"no common year: exit 2 with a message ({r.stderr.strip()!r})")
        other = os.path.join(tmp, "other.h5")
        with h5py.File(other, "w") as f:
            f["x"] = [1.0, 2.0]
            f.attrs["title"] = "not caspflow"
        for args in ((base, other), (other, base)):
            r = run("compare", *args, expect=2)
            check(other in r.stderr and "not a caspflow run file" in r.stderr,
                  f"a non-caspflow HDF5 file: exit 2, the file named ({r.stderr.strip()!r})")
        missing = os.path.join(tmp, "missing.h5")
        r = run("compare", missing, base, expect=4)
        check(missing in r.stderr, f"a missing file: exit 4, the file named ({r.stderr.strip()!r})")
        r = run("compare", base, fleet, "--csv", fleet, expect=2)
        check("--csv" in r.stderr, "--csv onto an input file: exit 2, the option named")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
