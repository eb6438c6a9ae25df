#!/usr/bin/python3
"""Order independence (issue 7 item 2): permuting the order in which grades, nodes, legs and shippers are
written in a scenario file must not change any result.

Usage: check_order_independence.py CASPFLOW SCENARIO.toml... [--random N] [--perms K] [--seed S]

For each scenario (the shipped ones, given on the command line, and N random networks from
tests/oracle/random_networks.py), K permuted copies are written next to a copy of the original: the
top-level tables of each kind are shuffled (a shipper keeps its own `[[shippers.X.routes]]` in their
order, since that order is the shipper's route preference). Every variable of the output is compared by
label (leg, node, shipper, grade, station names; limit codes decoded to their constraint strings):
floating values must agree to 1e-8 relative (sums taken in another order differ in the last bits, and the
integrator's steps with them),
integer and string values exactly. Seeded; a failure prints the scenario, the permutation seed and the
first differing variable. Last line: "N passed, M failed".
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))

# Another order of the same sums changes the last bits of the rates, and the integrator's step sequence
# with them: results agree to its accuracy, not bitwise. Daily means of quadratures agree to ~1e-10; the
# composition leaving a plug-flow pipeline is read from the inlet history recorded at the integrator's
# steps (linear between records), so flows downstream of BTC move by up to ~1e-9 with the step sequence.
RTOL, ATOL = 1e-8, 1e-3  # t or t/d: below 1 kg an empty stock is integration round-off
KINDS = ("grades", "nodes", "legs", "shippers")
HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?")


def blocks(text):
    """Split TOML text into (key, lines) blocks at table headers; the preamble has key None."""
    out, cur_key, cur = [], None, []
    for line in text.splitlines(keepends=True):
        m = HEADER.match(line)
        if m:
            out.append((cur_key, cur))
            cur_key, cur = m.group(1), []
        cur.append(line)
    out.append((cur_key, cur))
    return out


def permute(text, rng):
    """Shuffle the units of each kind (a unit: one [kind.ID] table and its sub-tables), keeping the
    position of the first unit of each kind and everything else in place."""
    units, order = {}, []
    for key, lines in blocks(text):
        parts = key.split(".") if key else []
        if len(parts) >= 2 and parts[0] in KINDS:
            uid = (parts[0], parts[1])
            if uid not in units:
                units[uid] = []
                order.append(uid)
            units[uid].extend(lines)
        else:
            order.append(("", len(order), lines))
    by_kind = {k: [u for u in order if u[0] == k] for k in KINDS}
    shuffled = {k: rng.sample(v, len(v)) for k, v in by_kind.items()}
    taken = {k: 0 for k in KINDS}
    res = []
    for u in order:
        if u[0] in KINDS:
            v = shuffled[u[0]][taken[u[0]]]
            taken[u[0]] += 1
            res.extend(units[v])
        else:
            res.extend(u[2])
    return "".join(res)


def decode(ds):
    """Variables keyed by labels, with the limit codes replaced by constraint names."""
    ds = ds.copy()
    if "limit" in ds and "constraint" in ds.coords:
        labels = np.asarray(ds.constraint.values, dtype=object)
        lim = ds.limit.values.astype(np.int64)
        ds["limit"] = (ds.limit.dims, labels[lim])
    for v in ("route_limit", "shut_in_reason"):
        if v in ds and "constraint" in ds.coords:
            labels = np.asarray(ds.constraint.values, dtype=object)
            ds[v] = (ds[v].dims, labels[ds[v].values.astype(np.int64)])
    if "hydraulic_binding" in ds and "hydraulic_constraint" in ds.coords:
        labels = np.asarray(ds.hydraulic_constraint.values, dtype=object)
        ds["hydraulic_binding"] = (ds.hydraulic_binding.dims, labels[ds.hydraulic_binding.values.astype(np.int64)])
    for v in ("leg_from", "leg_to"):  # indices into `node` (format 1.2)
        if v in ds and "node" in ds.coords:
            labels = np.asarray(ds.node.values, dtype=object)
            ds[v] = (ds[v].dims, labels[ds[v].values.astype(np.int64)])
    if "grade_of_shipper" in ds and "grade" in ds.coords:
        labels = np.asarray(ds.grade.values, dtype=object)
        ds["grade_of_shipper"] = (ds.grade_of_shipper.dims, labels[ds.grade_of_shipper.values.astype(np.int64)])
    return ds.drop_vars([c for c in ("constraint", "hydraulic_constraint") if c in ds.coords])


def compare(a, b):
    """First difference between two decoded datasets (None if equal)."""
    for name in a.data_vars:
        if name not in b:
            return f"variable {name} missing"
        x = a[name]
        y = b[name]
        for d in x.dims:
            if d in ("time", "year", "nv", "bnds"):
                continue
            if d in a.coords and d in b.coords:
                y = y.sel({d: x[d].values})
        xv, yv = np.asarray(x.values), np.asarray(y.values)
        if xv.shape != yv.shape:
            return f"{name}: shape {xv.shape} vs {yv.shape}"
        if xv.dtype.kind == "f":
            same = np.isclose(xv, yv, rtol=RTOL, atol=ATOL, equal_nan=True)
            if not same.all():
                i = np.unravel_index(np.argmin(same), xv.shape)
                return f"{name}{list(i)}: {xv[i]!r} vs {yv[i]!r}"
        elif xv.dtype.kind in "iub":
            if not np.array_equal(xv, yv):
                return f"{name}: integer values differ"
        else:
            if not all(str(p) == str(q) for p, q in zip(xv.ravel(), yv.ravel())):
                k = next(j for j, (p, q) in enumerate(zip(xv.ravel(), yv.ravel())) if str(p) != str(q))
                return f"{name}[flat {k}]: {xv.ravel()[k]!r} vs {yv.ravel()[k]!r}"
    return None


def run(exe, path, out):
    p = subprocess.run([exe, "run", path, "-o", out, "-q"], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"caspflow run {path} exited {p.returncode}: {p.stderr.strip()}")
    return decode(xr.load_dataset(out))


def main(argv):
    exe = argv[1]
    files, n_random, perms, seed = [], 0, 2, 1
    i = 2
    while i < len(argv):
        if argv[i] == "--random":
            n_random, i = int(argv[i + 1]), i + 2
        elif argv[i] == "--perms":
            perms, i = int(argv[i + 1]), i + 2
        elif argv[i] == "--seed":
            seed, i = int(argv[i + 1]), i + 2
        else:
            files.append(argv[i])
            i += 1
    tmp = tempfile.mkdtemp(prefix="caspflow-order-")
    cases = []
    for f in files:  # copy the scenario's folder so relative paths (extends, csv, hydraulics) still resolve
        src = os.path.dirname(os.path.abspath(f))
        dst = os.path.join(tmp, "shipped")
        if not os.path.isdir(dst):
            shutil.copytree(src, dst)
        cases.append((os.path.basename(f), os.path.join(dst, os.path.basename(f))))
    if n_random:
        import random_networks
        for k in range(n_random):
            p = os.path.join(tmp, f"random{seed + k}.toml")
            with open(p, "w") as fh:
                fh.write(random_networks.generate(seed + k))
            cases.append((f"random network seed {seed + k}", p))
    passed = failed = 0
    for name, path in cases:
        base = run(exe, path, path + ".h5")
        with open(path) as fh:
            text = fh.read()
        for k in range(perms):
            pseed = seed * 1000 + k
            ptext = permute(text, random.Random(pseed))
            ppath = path[:-5] + f".perm{k}.toml"
            with open(ppath, "w") as fh:
                fh.write(ptext)
            try:
                diff = compare(base, run(exe, ppath, ppath + ".h5"))
            except RuntimeError as e:
                diff = str(e)
            if diff is None and ptext == text and len(cases) > 0:
                pass  # a permutation that happens to be the identity still counts as a pass
            if diff is None:
                passed += 1
            else:
                failed += 1
                print(f"FAIL: {name}, permutation seed {pseed} ({ppath}): {diff}")
    print(f"order independence: {len(cases)} scenarios x {perms} permutations; files kept in {tmp}" if failed else
          f"order independence: {len(cases)} scenarios x {perms} permutations")
    if not failed:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
