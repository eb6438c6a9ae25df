"""CLI checks of `caspflow capacity` / `caspflow calibrate` (run by CTest).

usage: cli_capacity.py CASPFLOW SOURCE_DIR [SCENARIO]
Without SCENARIO: checks on inputs/scenarios/btc-hydraulics.toml. With SCENARIO (base.toml): the issue-3
acceptance check; exits 77 (CTest skip) if the scenario has no hydraulic pipeline leg yet.
Sources of the expected values are stated next to each check.
"""
import json
import os
import re
import subprocess
import sys

BPD = 0.158987294928 / 86400.0  # m3/s per b/d (1 bbl = 0.158987294928 m3, API MPMS 11.5)


def run(args):
    p = subprocess.run(args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def capacity_json(exe, path, *extra):
    rc, out, err = run([exe, "capacity", path, "--json", *extra])
    if rc != 0:
        fail(f"capacity {path} {extra}: exit {rc}: {err}")
    lines = [l for l in out.splitlines() if l.strip()]
    if len(lines) != 1:
        fail(f"--json must print exactly one line (one JSON object), got {len(lines)}")
    return json.loads(lines[0])


def main():
    exe, src = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        scen = sys.argv[3]
        with open(scen) as f:
            if not re.search(r"^\s*hydraulics\s*=", f.read(), re.M):
                print("SKIP: scenario has no hydraulic pipeline leg (hydraulics = ...) yet")
                sys.exit(77)
        d = capacity_json(exe, scen, "--dra", "0")
        # route-data §2: BTC design capacity 1.0 mb/d without DRA; issue 3 'Done when': +- 2 %.
        if abs(d["capacity_bpd"] / 1e6 - 1.0) > 0.02:
            fail(f"base.toml capacity {d['capacity_bpd']} b/d, expected 1.0 Mb/d +- 2 %")
        if not d["binding"]["kind"] or not d["binding"]["location"]:
            fail("binding constraint missing")
        print("ok: base.toml capacity", d["capacity_bpd"], "b/d, binding", d["binding"])
        return

    btc = os.path.join(src, "inputs", "scenarios", "btc-hydraulics.toml")
    d = capacity_json(exe, btc, "--dra", "0")
    for k in ("capacity_m3s", "capacity_bpd", "capacity_mtpa", "binding", "stations"):
        if k not in d:
            fail(f"JSON lacks {k}")
    for k in ("kind", "location", "chainage_m"):
        if k not in d["binding"]:
            fail(f"binding lacks {k}")
    # Unit consistency (definition of the barrel): b/d = m3/s / (0.158987294928 m3 / 86400 s).
    if abs(d["capacity_bpd"] * BPD / d["capacity_m3s"] - 1) > 1e-9:
        fail("capacity_bpd inconsistent with capacity_m3s")
    # Mass flow = volume flow x density (Mt/yr with 1 yr = 365.25 d).
    if abs(d["capacity_mtpa"] * 1e9 / (365.25 * 86400) / (d["capacity_m3s"] * d["density_kg_m3"]) - 1) > 1e-9:
        fail("capacity_mtpa inconsistent with capacity_m3s x density")
    # route-data §2: 1.0 mb/d without DRA (the MAOP in btc-hydraulics.toml is calibrated to it).
    if abs(d["capacity_bpd"] / 1e6 - 1.0) > 0.02:
        fail(f"capacity {d['capacity_bpd']} b/d, expected 1.0 Mb/d +- 2 %")
    # route-data §1: 8 pump stations.
    if [s["id"] for s in d["stations"]] != ["PSA1", "PSA2", "PSG1", "PSG2", "PT1", "PT2", "PT3", "PT4"]:
        fail("stations " + str([s["id"] for s in d["stations"]]))
    for s in d["stations"]:
        for k in ("suction_Pa", "discharge_Pa", "power_W"):
            if k not in s:
                fail(f"station lacks {k}")
    # DRA can only raise capacity (less friction, same limits); route-data §10: +20 % with DRA.
    d25 = capacity_json(exe, btc, "--dra", "25%")
    if not d25["capacity_m3s"] > d["capacity_m3s"]:
        fail("DRA 25 % did not raise capacity")
    # A station out: capacity cannot rise (fewer pumps, same limits).
    dout = capacity_json(exe, btc, "--station-out", "PT2")
    if dout["capacity_m3s"] > d["capacity_m3s"] * (1 + 1e-9):
        fail("station out raised capacity")
    for s in dout["stations"]:
        if s["id"] == "PT2" and s["in_service"]:
            fail("PT2 reported in service")

    # Profile CSV at capacity: the binding slack-line point sits at vapour pressure + margin
    # (-0.4 bar + 2 bar = 1.6 bar g, the values in btc-hydraulics.toml) -- definition of "binding".
    import csv
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "profile.csv")
        rc, out, err = run([exe, "capacity", btc, "--profile", path])
        if rc != 0:
            fail(f"--profile: exit {rc}: {err}")
        with open(path) as f:
            rows = list(csv.DictReader(f))
    xs = [float(r["chainage_m"]) for r in rows]
    if xs != sorted(xs) or xs[0] != 0 or abs(xs[-1] - 1768e3) > 1e-6:
        fail("profile chainages not increasing from 0 to 1,768 km")
    summit = [r for r in rows if r["label"] == "summit"]
    if len(summit) != 1 or abs(float(summit[0]["pressure_Pa"]) - 1.6e5) > 1.0:
        fail(f"summit pressure at capacity {summit}")

    # Exit codes (DESIGN.md §8): 2 bad input, 4 I/O.
    rc, out, err = run([exe, "capacity", btc, "--dra", "lots"])
    if rc != 2 or "--dra" not in err:
        fail(f"bad --dra: exit {rc}, stderr {err!r}")
    rc, out, err = run([exe, "capacity", btc, "--station-out", "PX9"])
    if rc != 2 or "PX9" not in err or "PSA1" not in err:
        fail(f"unknown station: exit {rc}, stderr {err!r}")
    rc, out, err = run([exe, "capacity", os.path.join(src, "no-such-file.toml")])
    if rc != 4:
        fail(f"missing file: exit {rc}, stderr {err!r}")
    rc, out, err = run([exe, "capacity", btc, "--profile", "/nonexistent-dir/x.csv"])
    if rc != 4 or out.strip():
        fail(f"unwritable profile: exit {rc}, stdout {out!r}")

    # Calibration reproduces the committed MAOP: fitting it again to 1.0 Mb/d gives the value in the
    # file (route-data §2 target), to the 4 decimals printed.
    rc, out, err = run([exe, "calibrate", btc, "--parameter", "maop", "--target", "1.0 Mb/d", "--dra", "0"])
    if rc != 0:
        fail(f"calibrate: exit {rc}: {err}")
    with open(btc) as f:
        committed = [l for l in f if l.startswith("maop = ")][0].split('"')[1]
    if f'maop = "{committed}"' not in out:
        fail(f"calibrate printed {out!r}, file has {committed}")
    # DR needed for 1.2 mb/d: route-data §10 (DERIVED) about 27-31 % for a friction-dominated line.
    rc, out, err = run([exe, "calibrate", btc, "--parameter", "dra", "--target", "1.2 Mb/d"])
    if rc != 0:
        fail(f"calibrate dra: exit {rc}: {err}")
    pct = float(out.split("dra = ")[1].split(" %")[0])
    if not 27.0 <= pct <= 31.0:
        fail(f"DR for 1.2 Mb/d = {pct} %, expected 27-31 % (route-data §10)")
    print("ok: btc capacity", d["capacity_bpd"], "b/d; DR for 1.2 Mb/d", pct, "%")


if __name__ == "__main__":
    main()
