#!/usr/bin/python3
"""`caspflow summary OUT.h5 [--csv|--json]` and `caspflow run ... --summary-csv FILE` (issue 12 item 4).

Usage: check_summary.py CASPFLOW SCENARIO_DIR E2E_DIR   (Debian's /usr/bin/python3; E2E_DIR holds the e2e fixture
outputs base.h5, agreement-2p2.h5, cpc-outage-2025.h5, quality-cap.h5)

For each shipped scenario:
  (i)   `summary --csv` equals an independent computation with xarray from the file's annual_supply, annual_flow,
        annual_delivered, annual_shut_in (and quality_allowance / flow_by_shipper for an `allow LEG` column, and
        route_limit for the most limited route), the Kazakh shippers (`kazakh`) and the topology (leg_to,
        leg_kind, node_kind), to 1e-9 relative;
  (ii)  `summary` prints exactly the table `caspflow run` printed for the same scenario (run again here);
  (iii) `run --summary-csv F` writes exactly what `summary --csv` prints;
  (iv)  `summary --json` parses and has the same numbers.
Then: a file without a topology variable (a format 1.1 file lacks them) exits 2 naming the variable, a
non-HDF5 file exits 2, a missing file exits 4, --csv with --json exits 2. Every command's exit code is checked.
"""
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

exe, scen_dir, e2e_dir = sys.argv[1:4]
SCENARIOS = ("base", "agreement-2p2", "cpc-outage-2025", "quality-cap")
failures = []


def check(cond, msg):
    print(("ok:   " if cond else "FAIL: ") + msg)
    if not cond:
        failures.append(msg)
    return cond


def run(*args, expect=0):
    r = subprocess.run([exe, *args], capture_output=True, text=True)
    check(r.returncode == expect, f"`caspflow {' '.join(args)}` exits {expect} (got {r.returncode})"
          + ("" if r.returncode == expect else f"; stderr: {r.stderr.strip()[:300]}"))
    return r


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)


def expected_table(path):
    """Columns and rows computed from the file with xarray, independently of caspflow's C++ summary."""
    ds = xr.open_dataset(path)
    kz = ds.shipper.values[ds.kazakh.values == 1]
    legs, nodes = [str(x) for x in ds.leg.values], [str(x) for x in ds.node.values]
    to = ds.leg_to.values
    pipes = [i for i in range(len(legs)) if int(ds.leg_kind.values[i]) == 3]
    sinks = [i for i in range(len(legs)) if int(ds.node_kind.values[to[i]]) == 3]
    cons = [str(c) for c in ds.constraint.values]
    qlegs = [i for i in range(len(legs)) if f"quality:{legs[i]}" in cons]
    years = ds.year.dt.year.values
    bnds = ds.year_bnds.values
    t = ds.time.values
    per_leg = lambda v, i: v.isel(leg=i).sel(shipper=kz).sum("shipper").values / 1e6
    cols = {"supply": ds.annual_supply.sel(shipper=kz).sum("shipper").values / 1e6}
    for i in pipes:
        cols[f"into {legs[i]}"] = per_leg(ds.annual_flow, i)
        cols[f"at {nodes[to[i]]}"] = per_leg(ds.annual_delivered, i)
    for i in sinks:
        cols[f"to {nodes[to[i]]}"] = per_leg(ds.annual_delivered, i)
    for i in qlegs:
        qa = ds.quality_allowance.isel(leg=i).sel(shipper=kz).values  # (time, kz)
        fl = ds.flow_by_shipper.isel(leg=i).sel(shipper=kz).values
        others = fl.sum(axis=1, keepdims=True) - fl          # what the other Kazakh shippers send
        cand = np.where(np.isnan(qa), -np.inf, qa + others)
        day = np.where(np.isnan(qa).all(axis=1), fl.sum(axis=1), cand.max(axis=1))
        cols[f"allow {legs[i]}"] = np.array(
            [day[(t >= b[0]) & (t < b[1])].sum() / 1e6 for b in bnds])
    cols["shut-in"] = ds.annual_shut_in.sel(shipper=kz).sum("shipper").values / 1e6
    # Most limited Kazakh route: the (route, constraint) pair on most days, ties to the earlier route/constraint.
    routes = [str(r) for r in ds.route.values]
    kz_set = {str(s) for s in kz}
    kz_routes = [j for j, r in enumerate(routes) if r.split("/")[0] in kz_set]
    rl = ds.route_limit.values
    limited = []
    for b in bnds:
        sel = (t >= b[0]) & (t < b[1])
        counts = {}
        for j in kz_routes:
            vals, n = np.unique(rl[sel, j], return_counts=True)
            for v, c in zip(vals, n):
                if cons[v] != "supply":
                    counts[(j, int(v))] = int(c)
        if counts:
            (j, v), c = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            limited.append((routes[j], cons[v], c, int(sel.sum())))
        else:
            limited.append(("", "", 0, int(sel.sum())))
    ds.close()
    return list(cols), [(int(y), [float(cols[c][k]) for c in cols], limited[k]) for k, y in enumerate(years)]


def check_csv(name, text, path):
    cols, rows = expected_table(path)
    got = list(csv.reader(io.StringIO(text)))
    head = ["year", *cols, "most_limited_route", "most_limited_constraint", "days_limited", "days_in_year"]
    check(got[0] == head, f"{name}: CSV header {got[0]} == {head}")
    check(len(got) - 1 == len(rows), f"{name}: CSV has {len(got) - 1} rows, one per year ({len(rows)})")
    bad = []
    for g, (y, vals, lim) in zip(got[1:], rows):
        if int(g[0]) != y:
            bad.append(f"year {g[0]} != {y}")
        for c, v, x in zip(cols, vals, g[1:1 + len(cols)]):
            if not close(float(x), v):
                bad.append(f"{y} {c}: {x} != {v!r}")
        tail = (g[-4], g[-3], int(g[-2]), int(g[-1]))
        if tail != lim:
            bad.append(f"{y} most limited {tail} != {lim}")
    check(not bad, f"{name}: summary --csv equals the xarray computation (1e-9 relative)" + (f": {bad[:5]}" if bad else ""))
    return cols, rows


def check_json(name, text, cols, rows):
    try:
        j = json.loads(text)
    except ValueError as e:
        check(False, f"{name}: --json parses ({e})")
        return
    check(j.get("units") == "Mt" and j.get("columns") == cols and isinstance(j.get("shippers"), list),
          f"{name}: --json has units Mt, the columns and the shippers")
    bad = [r["year"] for r, (y, vals, lim) in zip(j.get("rows", []), rows)
           if r["year"] != y or any(not close(r[c], v) for c, v in zip(cols, vals))
           or (r["most_limited_route"] or "", r["most_limited_constraint"] or "", r["days_limited"], r["days_in_year"]) != lim]
    check(len(j.get("rows", [])) == len(rows) and not bad, f"{name}: --json rows have the same numbers" + (f" (bad: {bad})" if bad else ""))


def main():
    tmp = tempfile.mkdtemp(prefix="caspflow-summary-")
    try:
        for sc in SCENARIOS:
            h5 = os.path.join(e2e_dir, f"{sc}.h5")
            s_csv = run("summary", h5, "--csv")
            cols, rows = check_csv(sc, s_csv.stdout, h5)
            check_json(sc, run("summary", h5, "--json").stdout, cols, rows)
            text = run("summary", h5).stdout
            out, out_csv = os.path.join(tmp, f"{sc}.h5"), os.path.join(tmp, f"{sc}.csv")
            r = run("run", os.path.join(scen_dir, f"{sc}.toml"), "-o", out, "--summary-csv", out_csv)
            table = "".join(l for l in r.stdout.splitlines(keepends=True) if not l.startswith("wrote "))
            check(text == table and "mass conservation residual" in text,
                  f"{sc}: `summary` prints exactly the table `run` printed ({len(text.splitlines())} lines)")
            check(r.stdout.splitlines()[-1].startswith(f"wrote {out} and {out_csv}"), f"{sc}: run says it wrote both files")
            with open(out_csv) as f:
                check(f.read() == s_csv.stdout, f"{sc}: `run --summary-csv` wrote exactly what `summary --csv` prints")
            check(run("summary", out).stdout == text, f"{sc}: `summary` of the new run's file is the same table")
        # Refusals.
        old = os.path.join(tmp, "no-topology.h5")
        shutil.copy(os.path.join(e2e_dir, "base.h5"), old)
        with h5py.File(old, "r+") as f:
            del f["leg_kind"]
        r = run("summary", old, expect=2)
        check("leg_kind" in r.stderr and old in r.stderr, f"a file without leg_kind: the message names it ({r.stderr.strip()!r})")
        txt = os.path.join(tmp, "notes.h5")
        with open(txt, "w") as f:
            f.write("not HDF5\n")
        r = run("summary", txt, expect=2)
        check(txt in r.stderr and "not a caspflow run file" in r.stderr, f"a text file: exit 2, named ({r.stderr.strip()!r})")
        # A caspflow file of another type (filetype "caspflow hydraulics") is refused by name, not misread.
        hyd = os.path.join(tmp, "hyd.h5")
        shutil.copy(os.path.join(e2e_dir, "base.h5"), hyd)
        with h5py.File(hyd, "r+") as f:
            f.attrs["filetype"] = np.bytes_("caspflow hydraulics")
        r = run("summary", hyd, expect=2)
        check("filetype = 'caspflow hydraulics'" in r.stderr and hyd in r.stderr,
              f"a caspflow hydraulics file: exit 2, the filetype named ({r.stderr.strip()!r})")
        # A format 1.2 file (format_version the text "1.2", no filetype) is still read.
        v12 = os.path.join(tmp, "v12.h5")
        shutil.copy(os.path.join(e2e_dir, "base.h5"), v12)
        with h5py.File(v12, "r+") as f:
            del f.attrs["filetype"]
            del f.attrs["format_version"]
            f.attrs["format_version"] = np.bytes_("1.2")
        check(run("summary", v12).stdout == run("summary", os.path.join(e2e_dir, "base.h5")).stdout,
              "a format 1.2 file (text version, no filetype) gives the same summary")
        missing = os.path.join(tmp, "missing.h5")
        r = run("summary", missing, expect=4)
        check(missing in r.stderr, f"a missing file: exit 4, named ({r.stderr.strip()!r})")
        run("summary", os.path.join(e2e_dir, "base.h5"), "--csv", "--json", expect=2)
        r = run("run", os.path.join(scen_dir, "base.toml"), "-o", out, "--summary-csv", out, expect=2)
        check("--summary-csv" in r.stderr, "run --summary-csv onto the -o file: exit 2, the option named")
        r = run("run", os.path.join(scen_dir, "base.toml"), "-o", out, "--summary-csv", os.path.join(scen_dir, "base.toml"), expect=2)
        check("--summary-csv" in r.stderr, "run --summary-csv onto the scenario file: exit 2, the option named")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
