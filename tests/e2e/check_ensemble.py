#!/usr/bin/python3
"""caspflow ensemble (issue 11 item 9), with sourced expectations:
 * --threads 1 and --threads 2 write identical files (member k depends only on (seed, k));
 * the file opens in xarray with `member` and `statistic` dimensions; every member ok, conservation <= 1e-9;
 * tests/data/ensemble-linear.toml delivers 1 Mt/yr x m, m ~ normal(1, 0.1) sampled by Latin hypercube over N
   members: the daily P10/P50/P90 equal 1 Mt/yr x (1 + 0.1 z_p) within 2/N / phi(z_p) x 0.1 (LHS puts one sample
   in each 1/N stratum, so the empirical CDF is within 1/N of the true one; factor 2 for interpolation);
 * each member's delivery equals 1 Mt/yr x its sampled multiplier (conservation with a non-binding leg);
 * malformed [uncertainty] inputs exit 2 naming file:line and the key, the same in `check` and `ensemble`.
Usage: check_ensemble.py CASPFLOW SOURCE_DIR"""
import subprocess, sys, tempfile
from pathlib import Path
from statistics import NormalDist
import h5py, numpy as np, xarray as xr

exe, src = sys.argv[1], Path(sys.argv[2])
lin = src / "tests/data/ensemble-linear.toml"
tmp = Path(tempfile.mkdtemp(prefix="caspflow-ens-"))
fail = []

def run(*args):
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True)

def same(a, b):
    bad = []
    ign = {"created", "history", "DIMENSION_LIST", "REFERENCE_LIST"}
    def eq(x, y):
        x, y = np.asarray(x), np.asarray(y)
        return x.shape == y.shape and (np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y))
    def walk(f, g, p):
        for k in set(f.attrs) | set(g.attrs):
            if k not in ign and (k not in f.attrs or k not in g.attrs or not eq(f.attrs[k], g.attrs[k])): bad.append(p + "@" + k)
        if isinstance(f, h5py.Dataset):
            if not eq(f[()], g[()]): bad.append(p)
            return
        for k in set(f) | set(g):
            if k not in f or k not in g: bad.append(p + "/" + k)
            else: walk(f[k], g[k], p + "/" + k)
    with h5py.File(a) as f, h5py.File(b) as g: walk(f, g, "")
    return bad

N = 200
for t in (1, 2):
    r = run("ensemble", lin, "--threads", t, "-q", "-o", tmp / f"t{t}.h5")
    if r.returncode != 0: fail.append(f"ensemble --threads {t} exited {r.returncode}: {r.stderr}")
if not fail:
    d = same(tmp / "t1.h5", tmp / "t2.h5")
    if d: fail.append("threads 1 vs 2 differ: " + ", ".join(d[:10]))
    ds = xr.open_dataset(tmp / "t2.h5")
    if ds.sizes.get("member") != N or "statistic" not in ds.dims: fail.append(f"dims {dict(ds.sizes)}")
    if int(ds.status.sum()) != 0: fail.append("a member failed")
    if not float(ds.conservation_residual.max()) <= 1e-9: fail.append("conservation residual above 1e-9")
    base = 1e6 / 365.25
    for p in (0.1, 0.5, 0.9):
        z = NormalDist().inv_cdf(p)
        got = ds.kazakh_sink.sel(statistic=f"P{int(p * 100)}").values / base
        want, tol = 1 + 0.1 * z, 2.0 / N / NormalDist().pdf(z) * 0.1
        if not np.all(np.abs(got - want) <= tol): fail.append(f"P{int(p*100)}: {got.min()}..{got.max()} vs {want} +- {tol}")
    m = ds.sample.sel(driver="shippers.x.supply").values
    hv = ds.headline_value.sel(headline="kazakh_sink").values / 1e6  # t/yr over the 365-day year of 2025
    if not np.allclose(hv, m * 365 / 365.25, rtol=1e-9): fail.append("member delivery != 1 Mt/yr x multiplier")

text = lin.read_text()
head, unc = text.split("[uncertainty]")
bad_cases = {
    "unknown key path": ('[uncertainty.parameters."legs.b.capacity"]', '[uncertainty.parameters."legs.bb.capacity"]'),
    "min > max": ('min = "50 Mt/yr"\nmax = "60 Mt/yr"', 'min = "60 Mt/yr"\nmax = "50 Mt/yr"'),
    "sd < 0": ("sd = 0.1", "sd = -0.1"),
    "wrong dimension": ('min = "50 Mt/yr"', 'min = "50 km"'),
    "rate not a rate": ('rate = "3/yr"', 'rate = "3 d"'),
    "unknown distribution": ('distribution = "uniform"\nmin = "50', 'distribution = "uniformm"\nmin = "50'),
    "unknown leg": ('leg = "b"', 'leg = "zz"'),
    "remaining above 1": ('max = "50 %" }', 'max = "150 %" }'),
    "bad sampling": ('sampling = "latin-hypercube"', 'sampling = "sobol"'),
    "bad members": ("members = 200", "members = 0"),
    "unknown key": ("seed = 11", "seed = 11\nseeed = 3"),
    "value the key refuses": ('min = "50 Mt/yr"', 'min = "-5 Mt/yr"'),
}
for name, (a, b) in bad_cases.items():
    if a not in unc: fail.append(f"fixture {name}: pattern not found"); continue
    f = tmp / ("bad-" + name.replace(" ", "-") + ".toml")
    f.write_text(head + "[uncertainty]" + unc.replace(a, b, 1))
    rc = run("check", f)
    re_ = run("ensemble", f, "-q", "-o", tmp / "never.h5")
    if rc.returncode != 2 or f"{f}:" not in rc.stderr or "uncertainty" not in rc.stderr:
        fail.append(f"{name}: check exited {rc.returncode}: {rc.stderr.strip()[:300]}")
    if re_.returncode != 2 or re_.stderr != rc.stderr:
        fail.append(f"{name}: ensemble exited {re_.returncode} or said something else than check")
    if (tmp / "never.h5").exists(): fail.append(f"{name}: an output was written")

print("\n".join(fail) if fail else f"ensemble: threads 1 == 2, LHS quantiles within bound, {len(bad_cases)} malformed inputs exit 2")
sys.exit(1 if fail else 0)
