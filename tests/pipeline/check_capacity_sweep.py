#!/usr/bin/env python3
"""`caspflow capacity --sweep` (issue 12 item 3): the grid of capacities against single-point runs.

Usage: check_capacity_sweep.py CASPFLOW SCENARIO (inputs/scenarios/base.toml).
Every command's exit code is checked here (not by CTest). References:
- each sweep row must equal `caspflow capacity` at that point (same code path, so relative 1e-9 and the same
  binding constraint);
- capacity is non-decreasing in drag reduction (less friction cannot lower the largest feasible flow) and a
  station out of service cannot raise it (physical laws; docs/hydraulics-pipeline.md §7);
- BTC carries 1.2 Mb/d with DRA at the calibrated 28.5 % (route-data §2; docs/hydraulics-pipeline.md §4
  'Model check, the DR needed for 1.2 mb/d'): within 0.5 %.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

exe, scen = sys.argv[1:3]
fails = []


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        fails.append(what)
    return ok


def cap(*args, path=None):
    return subprocess.run([exe, "capacity", path or scen, *args], capture_output=True, text=True)


def sweep_json(*args, path=None, rc=0):
    r = cap(*args, "--json", path=path)
    if not check(r.returncode == rc, f"capacity {' '.join(args)} --json exits {rc} (got {r.returncode}: {r.stderr.strip()[:300]})"):
        return []
    rows = json.loads(r.stdout)
    check(isinstance(rows, list) and all(isinstance(x, dict) for x in rows), f"{' '.join(args)} --json is one array of objects")
    return rows


def single(*args):
    r = cap(*args, "--json")
    if not check(r.returncode == 0, f"single capacity {' '.join(args)} exits 0 (got {r.returncode}: {r.stderr.strip()[:200]})"):
        return None
    return json.loads(r.stdout)


def single_text_binding(*args):
    r = cap(*args)
    lines = [l for l in r.stdout.splitlines() if l.startswith("binding: ")]
    return lines[0][len("binding: "):] if r.returncode == 0 and lines else None


def same_point(row, one, what):
    """A sweep row equals the single-point result: capacity (relative 1e-9) and binding constraint."""
    if one is None or not row.get("ok"):
        check(False, f"{what}: both solved (row ok {row.get('ok')}, error {row.get('error')})")
        return
    b1, b2 = row["binding"], one["binding"]
    keys = ("kind", "location", "upstream_station", "upstream_state")
    check(abs(row["capacity_m3s"] / one["capacity_m3s"] - 1) <= 1e-9 if one["capacity_m3s"] else row["capacity_m3s"] == 0,
          f"{what}: capacity {row['capacity_m3s']} = single {one['capacity_m3s']} m3/s (1e-9)")
    check(all(b1[k] == b2[k] for k in keys), f"{what}: binding {[b1[k] for k in keys]} = single {[b2[k] for k in keys]}")


# (1) dra=0%:45%:5% is exactly 10 points 0, 5, ..., 45 % (round-off: 0.45 / 0.05 = 9.000000000000002), and every
# row equals `capacity --dra X --json` at the value the row prints. 0:0.3:0.1 (0.3 / 0.1 = 2.9999999999999996)
# is 4 points with 30 % included.
rows = sweep_json("--sweep", "dra=0%:45%:5%")
check(len(rows) == 10 and all(abs(r["dra"] - 0.05 * i) < 1e-12 and r["sweep"] == {"dra": r["dra"]} for i, r in enumerate(rows)),
      f"dra=0%:45%:5% gives exactly 10 points 0..45 % (got {[r['dra'] for r in rows]})")
for r in rows:
    same_point(r, single("--dra", repr(r["dra"])), f"dra {r['dra']}")
text = single_text_binding("--dra", "0.2")
row20 = [r for r in rows if r["dra"] == 0.2]
check(text is not None and row20 and row20[0]["binding_text"] == text,
      f"binding_text at 20 % is the single-point 'binding:' line ({row20[0]['binding_text'] if row20 else None!r} vs {text!r})")
r4 = sweep_json("--sweep", "dra=0:0.3:0.1")
check([r["dra"] for r in r4] == [0, 0.1, 0.2, 0.3], f"dra=0:0.3:0.1 gives 0, 0.1, 0.2, 0.3 (got {[r['dra'] for r in r4]})")
# The table prints one row per point with the single-point binding text.
t = cap("--sweep", "dra=0%:45%:5%")
lines = t.stdout.splitlines()
head = [i for i, l in enumerate(lines) if l.startswith("dra ") and "capacity m3/h" in l]
body = lines[head[0] + 1:] if head else []
check(t.returncode == 0 and len(body) == 10 and len(rows) == 10
      and all(l.endswith("  " + r["binding_text"]) and l.startswith(f"{round(r['dra'] * 100)} %") for l, r in zip(body, rows)),
      f"table: exit 0, one row per point with its DRA and the binding text (rc {t.returncode}, {len(body)} rows)")
# temperature=10degC:30degC:5degC: 5 points (the step is a temperature difference), each = --temperature "T K".
rt = sweep_json("--sweep", "temperature=10degC:30degC:5degC")
check([round(r["temperature_K"], 9) for r in rt] == [283.15, 288.15, 293.15, 298.15, 303.15],
      f"temperature=10degC:30degC:5degC gives 283.15..303.15 K (got {[r['temperature_K'] for r in rt]})")
for r in rt[::2]:
    same_point(r, single("--temperature", repr(r["temperature_K"]) + " K"), f"temperature {r['temperature_K']} K")

# (2) capacity non-decreasing in DRA; the list point 28.5 % is 1.2 Mb/d within 0.5 %.
caps = [r["capacity_m3s"] for r in rows]
check(all(b >= a for a, b in zip(caps, caps[1:])), f"capacity non-decreasing in DRA over 0..45 % ({[round(c, 4) for c in caps]})")
rl = sweep_json("--sweep", "dra=10%,28.5%,30%")
p285 = [r for r in rl if abs(r["dra"] - 0.285) < 1e-12]
check(len(rl) == 3 and len(p285) == 1 and abs(p285[0]["capacity_bpd"] / 1.2e6 - 1) <= 0.005,
      f"dra list point 28.5 %: {p285[0]['capacity_bpd'] if p285 else None} b/d = 1.2 Mb/d within 0.5 % (route-data §2)")
check(len(rl) == 3 and rl[0]["capacity_m3s"] <= rl[1]["capacity_m3s"] <= rl[2]["capacity_m3s"], "list 10, 28.5, 30 %: non-decreasing")

# (3) station_out=none,PT1,PT3: each row = a single --station-out run; no outage above the all-in row.
rs = sweep_json("--sweep", "station_out=none,PT1,PT3")
check([r["station_out"] for r in rs] == ["none", "PT1", "PT3"], f"station_out rows none, PT1, PT3 (got {[r['station_out'] for r in rs]})")
for r in rs:
    same_point(r, single(*([] if r["station_out"] == "none" else ["--station-out", r["station_out"]])), f"station_out {r['station_out']}")
if len(rs) == 3:
    check(all(r["capacity_m3s"] <= rs[0]["capacity_m3s"] for r in rs[1:]),
          f"no station outage raises capacity ({[r['capacity_m3s'] for r in rs]}; PT1 out 0.709, PT3 out 0.936 Mb/d in §4)")
rb = sweep_json("--sweep", "station_out=PT1+PT3")
both = single("--station-out", "PT1", "--station-out", "PT3")
if rb:
    same_point(rb[0], both, "station_out PT1+PT3 (both out)")

# (4) two sweeps: len(a) x len(b) rows, every pair once, the last sweep varying fastest; single options apply.
dras, outs = [0.0, 0.05, 0.1], ["none", "PT1", "PT3", "PT1+PT3"]
rg = sweep_json("--sweep", "dra=0%:10%:5%", "--sweep", "station_out=" + ",".join(outs), "--temperature", "25 degC")
check(len(rg) == len(dras) * len(outs), f"3 x 4 sweep gives {len(rg)} rows (expected 12)")
check([(r["dra"], r["station_out"]) for r in rg] == [(d, o) for d in dras for o in outs], "rows are the Cartesian product, last sweep fastest")
check(all(r["temperature_K"] == 298.15 for r in rg), "the single --temperature applies to every point")
if len(rg) == 12:
    same_point(rg[7], single("--dra", "0.05", "--station-out", "PT1", "--station-out", "PT3", "--temperature", "25 degC"),
               "grid point (5 %, PT1+PT3, 25 degC)")

# (5) --csv parses with the csv module and matches --json (same numbers, binding_* = binding members).
c = cap("--sweep", "dra=0%:10%:5%", "--sweep", "station_out=" + ",".join(outs), "--temperature", "25 degC", "--csv")
if check(c.returncode == 0, f"--csv exits 0 (got {c.returncode}: {c.stderr.strip()[:200]})"):
    table = list(csv.DictReader(io.StringIO(c.stdout)))
    check(len(table) == len(rg) and c.stdout.splitlines()[0].startswith("dra,station_out,"),
          f"--csv: header row (swept keys first) and {len(table)} rows (json {len(rg)})")
    bad = []
    for cr, jr in zip(table, rg):
        for k in ("dra", "temperature_K", "density_15C_kg_m3", "viscosity_m2_s", "density_kg_m3", "capacity_m3s",
                  "capacity_m3h", "capacity_bpd", "capacity_mtpa"):
            if float(cr[k]) != jr[k]:
                bad.append((k, cr[k], jr[k]))
        for k in ("kind", "location", "chainage_m", "margin_m", "upstream_station", "upstream_state"):
            v = jr["binding"][k]
            if (float(cr["binding_" + k]) if isinstance(v, float) or isinstance(v, int) else cr["binding_" + k]) != v:
                bad.append(("binding_" + k, cr["binding_" + k], v))
        if cr["station_out"] != jr["station_out"] or cr["binding"] != jr["binding_text"] or cr["ok"] != "true" or cr["error"]:
            bad.append(("station_out/binding/ok/error", cr["station_out"], cr["binding"], cr["ok"], cr["error"]))
    check(not bad, f"--csv matches --json in every cell (mismatches: {bad[:3]})")

# A point whose solve fails is a row with its reason (exit 0 unless every point failed: exit 3). A 100 m, 1 m
# line fed at 100 bar without stations is still feasible at 120 m/s with a thin crude (SolverError, as the
# single-point command reports with exit 3) but has a capacity with a very viscous one.
with tempfile.TemporaryDirectory() as d:
    short = os.path.join(d, "short.toml")
    with open(short, "w") as f:
        f.write('id = "short"\ninlet_pressure = "100 bar"\nmaop = "200 bar"\n[[sections]]\nid = "s"\nlength = "100 m"\n'
                'inside_diameter = "1 m"\n[profile]\npoints = [["0 km", "0 m"], ["0.1 km", "0 m"]]\n')
    one = cap("--viscosity", "1 cSt", path=short)
    check(one.returncode == 3, f"single point that cannot be solved exits 3 (got {one.returncode})")
    rf = sweep_json("--sweep", "viscosity=1cSt,100000cSt", path=short)
    check(len(rf) == 2 and not rf[0]["ok"] and "every constraint still holds" in (rf[0]["error"] or "")
          and rf[0]["capacity_m3s"] is None and rf[1]["ok"] and rf[1]["capacity_m3s"] > 0,
          "a failed point is a row with its reason, the other point is solved, exit 0")
    ra = cap("--sweep", "viscosity=1cSt,2cSt", "--csv", path=short)
    rows_a = list(csv.DictReader(io.StringIO(ra.stdout)))
    check(ra.returncode == 3 and len(rows_a) == 2 and all(r["ok"] == "false" and r["error"] for r in rows_a),
          f"every point failed: the rows are printed and the exit code is 3 (got {ra.returncode})")

# (6) malformed sweeps: exit 2, one message naming --sweep and quoting the offending text.
for args, why, quote in (
        (["--sweep", "pressure=1bar"], "unknown key", ("pressure=1bar", "unknown key 'pressure'")),
        (["--sweep", "dra=45%:0%:5%"], "LO > HI", ("45%:0%:5%", "LO > HI", "LO <= HI")),
        (["--sweep", "dra=0%:45%:0%"], "step 0", ("0%:45%:0%", "STEP > 0")),
        (["--sweep", "dra=0%:45%:-5%"], "negative step", ("-5%", "STEP > 0")),
        (["--sweep", "temperature=10degC:30degC:5kg/m3"], "step of the wrong dimension", ("5kg/m3", "a density, not a temperature")),
        (["--sweep", "density=800cSt,850kg/m3"], "value of the wrong dimension", ("800cSt", "not a density")),
        (["--sweep", "station_out=PT1,PT9"], "unknown station", ("'PT9' is not a station", "PSA1, PSA2, PSG1")),
        (["--sweep", "dra=0:0.9:0.00001"], "too many points on one axis", ("90001 points", "10,000")),
        (["--sweep", "dra=0:0.99:0.01", "--sweep", "temperature=-40degC:150degC:1degC"], "too many grid points (100 x 191)", ("19100 points", "10,000")),
        (["--sweep", "dra=0%:45%"], "range with 2 parts", "0%:45%"),
        (["--sweep", "dra"], "no =", "dra"),
        (["--sweep", "dra=5%", "--dra", "10%"], "key also given as a single option", "--dra"),
        (["--sweep", "dra=5%", "--sweep", "dra=10%"], "key swept twice", "dra=10%"),
        (["--sweep", "dra=5%", "--profile", "p.csv"], "--profile with --sweep", "--profile"),
):
    r = cap(*args)
    err = r.stderr
    quotes = quote if isinstance(quote, tuple) else (quote,)
    check(r.returncode == 2 and "--sweep" in err and all(q in err for q in quotes) and err.count("\n") <= 2,
          f"{' '.join(args)} ({why}) exits 2 naming --sweep and {quote!r} (rc {r.returncode}: {err.strip()[:160]!r})")
r = cap("--sweep", "station_out=PT9")
check(r.returncode == 2 and "PSA1, PSA2, PSG1, PSG2, PT1, PT2, PT3, PT4" in r.stderr, "unknown station: the message lists the line's stations")
r = cap("--sweep", "frobs=1")
check(r.returncode == 2 and "dra, temperature, density, viscosity, station_out" in r.stderr, "unknown key: the message lists the keys")

print(f"{len(fails)} failed")
sys.exit(1 if fails else 0)
