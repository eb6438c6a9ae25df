#!/usr/bin/python3
"""Check a caspflow run output (schema: docs/output-format.md) with xarray and, independently, with h5py.

Usage:  /usr/bin/python3 tests/python/check_run_output.py outputs/base.h5

What is checked (each failure is printed as "check_run_output: FAIL: ..." and the exit status is 1):
* xarray.open_dataset(FILE) opens it (one line, default engine);
* dimensions time, year, leg, node, shipper, grade, constraint; `time` is datetime64[ns], daily and contiguous,
  starting at the root attribute simulation_start; `year` holds Jan 1 of each simulated year with bounds
  [Jan 1, next Jan 1) clipped to the simulation;
* leg/node/shipper/grade/constraint are coordinates of unique str labels;
* every schema variable is present with the schema's dimensions and units; every data variable has `units`
  and `long_name`; limit/kazakh/grade_of_shipper (and hydraulic_binding) are valid indices/flags and stay int32
  in xarray (no `_FillValue`), with consistent CF flag_values/flag_meanings where given; annual_* variables have
  cell_methods "year: sum"; inflow_api (when present) is dimensionless ("1", degrees API are not a UDUNITS unit);
* root attributes title, caspflow_version, git_commit, scenario_file, scenario_text, scenario_sha256 (equal to
  SHA-256 of scenario_text encoded UTF-8), created (ISO 8601 UTC), Conventions, source, simulation_start,
  simulation_end, assumptions, conservation_residual_total;
* conservation recomputed from the arrays (source: mass conservation, DESIGN §5; every day is 1 d so a daily mean
  in t/d sums to tonnes), per shipper and in total:
      sum_d supply - sum_d sink_delivery - sum_d shut_in - (sum_nodes stock[-1] - initial stock)
                   - (sum_legs in_transit[-1] - initial in transit)  ==  0,
  relative to the supply summed over the run, must be <= 1e-9; the stored conservation_residual values too;
* consistency from the same law applied to each leg (entering - leaving == change of leg content), flow ==
  sum over shippers of flow_by_shipper, utilisation == flow/capacity, annual_* == sums of the daily values over
  each year's bounds (all relative to total supply, <= 1e-9);
* the same conservation recomputed with h5py alone (no xarray, no netCDF) agrees; with h5py every text attribute
  is a fixed-length char string (netCDF NC_CHAR, as CF expects), never a variable-length string (NC_STRING).
"""
import datetime as dt
import hashlib
import re
import sys

import h5py
import numpy as np
import xarray as xr

TOL = 1e-9  # relative conservation tolerance required by the engine (issue 2, DESIGN §5)

# name -> (dims, units) exactly as in docs/output-format.md
SCHEMA = {
    "flow": (("time", "leg"), "t/d"),
    "flow_by_shipper": (("time", "leg", "shipper"), "t/d"),
    "delivered": (("time", "leg", "shipper"), "t/d"),
    "capacity": (("time", "leg"), "t/d"),
    "utilisation": (("time", "leg"), "1"),
    "inventory": (("time", "node"), "m3"),
    "inventory_by_shipper": (("time", "node", "shipper"), "t"),
    "in_transit": (("time", "leg", "shipper"), "t"),
    "supply": (("time", "shipper"), "t/d"),
    "shut_in": (("time", "shipper"), "t/d"),
    "sink_delivery": (("time", "shipper"), "t/d"),
    "limit": (("time", "shipper"), "1"),
    "initial_inventory_by_shipper": (("node", "shipper"), "t"),
    "initial_in_transit": (("leg", "shipper"), "t"),
    "kazakh": (("shipper",), "1"),
    "grade_of_shipper": (("shipper",), "1"),
    "leg_from": (("leg",), "1"),
    "leg_to": (("leg",), "1"),
    "leg_kind": (("leg",), "1"),
    "node_kind": (("node",), "1"),
    "annual_supply": (("year", "shipper"), "t"),
    "annual_sink_delivery": (("year", "shipper"), "t"),
    "annual_shut_in": (("year", "shipper"), "t"),
    "annual_flow": (("year", "leg", "shipper"), "t"),
    "annual_delivered": (("year", "leg", "shipper"), "t"),
    "conservation_residual": (("shipper",), "1"),
}
LABEL_DIMS = ("leg", "node", "shipper", "grade", "constraint")
ROOT_ATTRS = ("title", "caspflow_version", "git_commit", "scenario_file", "scenario_text", "scenario_sha256",
              "created", "Conventions", "source", "conservation_residual_total", "simulation_start",
              "simulation_end", "assumptions", "filetype", "format_version")
ONE_DAY = np.timedelta64(1, "D")
INT_VARS = ("limit", "kazakh", "grade_of_shipper", "leg_from", "leg_to", "leg_kind", "node_kind", "hydraulic_binding")  # int32 in the file and in xarray
ANNUAL = ("annual_supply", "annual_sink_delivery", "annual_shut_in", "annual_flow", "annual_delivered")


class Checker:
    def __init__(self):
        self.failures = []

    def check(self, cond, msg):
        if not bool(cond):
            self.failures.append(msg)
        return bool(cond)


def balance(supply, sink, shut, stock_end, stock_0, transit_end, transit_0):
    """Per-shipper conservation residual [t] and supply [t] from plain numpy arrays (axes as in the schema)."""
    res = (supply.sum(axis=0) - sink.sum(axis=0) - shut.sum(axis=0)
           - (stock_end.sum(axis=0) - stock_0.sum(axis=0))
           - (transit_end.sum(axis=0) - transit_0.sum(axis=0)))
    return res, supply.sum(axis=0)


def relative(res, sup):
    """Relative residuals per shipper (own supply, or total supply for a shipper that supplied nothing) and total."""
    total = float(np.sum(sup))
    denom = np.where(sup > 0, sup, total if total > 0 else 1.0)
    return np.abs(res) / denom, abs(float(np.sum(res))) / (total if total > 0 else 1.0)


def check_xarray(path, c):
    ds = xr.open_dataset(path)
    for d in ("time", "year") + LABEL_DIMS:
        c.check(d in ds.dims, f"dimension {d!r} missing (dims: {dict(ds.sizes)})")
    if c.failures:
        return ds, None

    # time: datetime64[ns], daily, contiguous, starting at simulation_start.
    t = ds["time"].values
    c.check(ds["time"].dtype == np.dtype("datetime64[ns]"), f"time dtype {ds['time'].dtype}, expected datetime64[ns]")
    c.check(len(t) >= 1, "time is empty")
    if len(t) > 1 and np.issubdtype(t.dtype, np.datetime64):
        steps = np.diff(t)
        bad = np.nonzero(steps != ONE_DAY)[0]
        if bad.size:
            c.failures.append(f"time is not daily and contiguous: step of {steps[bad[0]] / ONE_DAY:g} d after "
                              f"{str(t[bad[0]])[:10]} ({bad.size} bad step(s))")
    start = str(ds.attrs.get("simulation_start", ""))
    if np.issubdtype(t.dtype, np.datetime64) and start:
        c.check(t[0] == np.datetime64(start[:10], "ns"), f"time[0] = {t[0]} but simulation_start = {start}")
        end = str(ds.attrs.get("simulation_end", ""))[:10]
        if end:
            last = t[-1].astype("datetime64[D]")
            c.check(np.datetime64(end) in (last, last + ONE_DAY),
                    f"simulation_end {end} is neither the last day {last} nor the day after")

    # year: Jan 1 of each simulated year; bounds [Jan 1, next Jan 1) clipped to the simulation.
    y = ds["year"].values
    c.check(np.issubdtype(y.dtype, np.datetime64), f"year dtype {y.dtype}, expected datetime64")
    if np.issubdtype(y.dtype, np.datetime64) and np.issubdtype(t.dtype, np.datetime64) and len(t):
        years = [int(str(v)[:4]) for v in y]
        c.check(all(str(v)[5:10] == "01-01" for v in y), f"year values are not all Jan 1: {y}")
        c.check(years == list(range(int(str(t[0])[:4]), int(str(t[-1])[:4]) + 1)),
                f"year values {years} do not cover the simulated years")
        bname = ds["year"].attrs.get("bounds", "year_bnds")
        if c.check(bname in ds.variables, f"year bounds variable {bname!r} missing"):
            b = ds[bname].values
            c.check(b[0, 0] == t[0], f"first year bound {b[0, 0]} != time[0] {t[0]}")
            c.check(b[-1, 1] == t[-1] + ONE_DAY, f"last year bound {b[-1, 1]} != day after time[-1]")
            c.check(np.all(b[1:, 0] == b[:-1, 1]), "year bounds are not contiguous")
            for i, yr in enumerate(years):
                lo = max(np.datetime64(f"{yr}-01-01", "ns"), t[0])
                hi = min(np.datetime64(f"{yr + 1}-01-01", "ns"), t[-1] + ONE_DAY)
                c.check(b[i, 0] == lo and b[i, 1] == hi, f"year {yr} bounds {b[i]} != [{lo}, {hi})")

    for d in LABEL_DIMS:
        v = ds[d].values
        c.check(d in ds.coords and all(isinstance(s, str) for s in v), f"{d!r} is not a coordinate of str labels")
        c.check(len(set(v)) == len(v), f"{d!r} labels are not unique")

    for name, (dims, units) in SCHEMA.items():
        if not c.check(name in ds.data_vars, f"variable {name!r} missing"):
            continue
        v = ds[name]
        c.check(v.dims == dims, f"{name}: dims {v.dims}, expected {dims}")
        c.check(v.attrs.get("units") == units, f"{name}: units {v.attrs.get('units')!r}, expected {units!r}")
    for name, v in ds.data_vars.items():
        if name.endswith("_bnds"):
            continue
        c.check(isinstance(v.attrs.get("units"), str), f"{name}: no units attribute")
        c.check(isinstance(v.attrs.get("long_name"), str) and v.attrs["long_name"],
                f"{name}: no long_name attribute")
    if any(f.startswith("variable") or ": dims" in f for f in c.failures):
        return ds, None

    # Index and flag variables: int32 in xarray too (no _FillValue, so nothing is masked into float64).
    for name in INT_VARS:
        if name not in ds:
            continue
        v = ds[name]
        c.check(v.dtype == np.int32, f"{name}: xarray dtype {v.dtype}, expected int32 (no _FillValue)")
        c.check("_FillValue" not in v.encoding and "_FillValue" not in v.attrs,
                f"{name}: has a _FillValue ({v.encoding.get('_FillValue')}) but no value can be missing")
        if "flag_values" in v.attrs or "flag_meanings" in v.attrs:
            fv = np.atleast_1d(v.attrs.get("flag_values", []))
            words = str(v.attrs.get("flag_meanings", "")).split()
            c.check(len(fv) == len(words), f"{name}: {len(fv)} flag_values, {len(words)} flag_meanings")
            c.check(fv.dtype == np.int32, f"{name}: flag_values dtype {fv.dtype}, expected int32")
            c.check(set(np.unique(v.values)) <= set(fv.tolist()), f"{name}: values outside flag_values")
    lim = ds["limit"].values
    nc = ds.sizes["constraint"]
    c.check(np.all((lim >= 0) & (lim < nc)), f"limit has values outside 0..{nc - 1}")
    c.check(set(np.unique(ds["kazakh"].values)) <= {0, 1}, "kazakh is not 0/1")
    g = ds["grade_of_shipper"].values
    c.check(np.all((g >= 0) & (g < ds.sizes["grade"])), "grade_of_shipper outside the grade axis")
    if "hydraulic_binding" in ds and "hydraulic_constraint" in ds.sizes:
        hb = ds["hydraulic_binding"].values
        c.check(np.all((hb >= 0) & (hb < ds.sizes["hydraulic_constraint"])),
                "hydraulic_binding outside the hydraulic_constraint axis")
    for name in ANNUAL:
        cm = str(ds[name].attrs.get("cell_methods", ""))
        c.check(re.search(r"(^|\s)(year|time): sum\b", cm) is not None,
                f"{name}: cell_methods {cm!r}, expected 'year: sum' (annual totals over year_bnds)")
    if "inflow_api" in ds:
        c.check(ds["inflow_api"].attrs.get("units") == "1",
                f"inflow_api: units {ds['inflow_api'].attrs.get('units')!r}, expected '1' (API gravity is dimensionless)")

    # Root attributes.
    for a in ROOT_ATTRS:
        c.check(a in ds.attrs, f"root attribute {a!r} missing")
    text = ds.attrs.get("scenario_text")
    if isinstance(text, str):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        c.check(ds.attrs.get("scenario_sha256") == digest,
                f"scenario_sha256 {ds.attrs.get('scenario_sha256')!r} != sha256(scenario_text) {digest!r}")
    created = str(ds.attrs.get("created", ""))
    try:
        when = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
        c.check(when.utcoffset() == dt.timedelta(0), f"created {created!r} is not UTC")
    except ValueError:
        c.failures.append(f"created {created!r} is not ISO 8601")
    c.check(str(ds.attrs.get("Conventions", "")).startswith("CF-"), "Conventions is not CF-x.y")
    c.check(ds.attrs.get("source") == "caspflow", f"source is {ds.attrs.get('source')!r}, expected 'caspflow'")
    # docs/output-format.md: filetype "caspflow run"; format_version the int32 pair [1, 3] (1.3: this schema).
    fv = np.asarray(ds.attrs.get("format_version", []))
    c.check(ds.attrs.get("filetype") == "caspflow run", f"filetype is {ds.attrs.get('filetype')!r}, expected 'caspflow run'")
    c.check(fv.dtype == np.int32 and fv.tolist() == [1, 3], f"format_version is {fv!r}, expected int32 [1, 3]")
    c.check(isinstance(ds.attrs.get("conservation_residual_total"), (float, np.floating)),
            "conservation_residual_total is not a float")

    # Conservation (per shipper and total) from the arrays.
    res, sup = balance(ds["supply"].values, ds["sink_delivery"].values, ds["shut_in"].values,
                       ds["inventory_by_shipper"].values[-1], ds["initial_inventory_by_shipper"].values,
                       ds["in_transit"].values[-1], ds["initial_in_transit"].values)
    rel, rel_total = relative(res, sup)
    shippers = list(ds["shipper"].values)
    for s, r in zip(shippers, rel):
        c.check(r <= TOL, f"conservation: shipper {s!r} relative residual {r:.3e} > {TOL:g} ({res[shippers.index(s)]:.6g} t)")
    c.check(rel_total <= TOL, f"conservation: total relative residual {rel_total:.3e} > {TOL:g}")
    stored = ds["conservation_residual"].values
    c.check(np.all(stored <= TOL), f"conservation: stored conservation_residual {stored} > {TOL:g}")
    c.check(float(ds.attrs.get("conservation_residual_total", np.nan)) <= TOL,
            f"conservation: stored conservation_residual_total {ds.attrs.get('conservation_residual_total')} > {TOL:g}")

    # Consistency of the other arrays (same law per leg; definitions of flow, utilisation, annual sums).
    scale = max(float(np.sum(sup)), 1.0)
    fbs, dlv = ds["flow_by_shipper"].values, ds["delivered"].values
    leg_res = fbs.sum(axis=0) - dlv.sum(axis=0) - (ds["in_transit"].values[-1] - ds["initial_in_transit"].values)
    worst = np.unravel_index(np.argmax(np.abs(leg_res)), leg_res.shape)
    c.check(np.max(np.abs(leg_res)) / scale <= TOL,
            f"conservation: leg {ds['leg'].values[worst[0]]!r} shipper {shippers[worst[1]]!r}: entering - leaving - "
            f"change in transit = {leg_res[worst]:.6g} t")
    flow = ds["flow"].values
    c.check(np.allclose(flow, fbs.sum(axis=2), rtol=TOL, atol=TOL * np.max(np.abs(flow), initial=1.0)),
            "flow != sum over shippers of flow_by_shipper")
    capv = ds["capacity"].values
    pos = capv > 0
    c.check(np.allclose(ds["utilisation"].values[pos], flow[pos] / capv[pos], rtol=1e-9, atol=1e-12),
            "utilisation != flow / capacity where capacity > 0")
    c.check(np.all(np.isnan(ds["utilisation"].values[capv == 0])), "utilisation is not NaN where capacity is 0")
    for name in ("supply", "sink_delivery", "shut_in", "flow_by_shipper", "delivered", "in_transit",
                 "inventory_by_shipper"):
        vmin = np.nanmin(ds[name].values) if ds[name].size else 0.0
        c.check(vmin >= -TOL * scale, f"{name} has negative values (min {vmin:.6g})")
    if "year_bnds" in ds.variables and np.issubdtype(t.dtype, np.datetime64):
        b = ds["year_bnds"].values
        for annual, daily in (("annual_supply", "supply"), ("annual_sink_delivery", "sink_delivery"),
                              ("annual_shut_in", "shut_in"), ("annual_flow", "flow_by_shipper"),
                              ("annual_delivered", "delivered")):
            sums = np.stack([ds[daily].values[(t >= b[i, 0]) & (t < b[i, 1])].sum(axis=0) for i in range(len(b))])
            err = np.max(np.abs(sums - ds[annual].values)) / scale
            c.check(err <= TOL, f"{annual} differs from the sum of daily {daily} over the year (rel {err:.3e})")
    return ds, (rel, rel_total, sup)


def check_h5py(path, c, xr_result):
    """Same conservation from h5py alone (no xarray, no netCDF library)."""
    with h5py.File(path, "r") as f:
        def text(obj, name):
            """A text attribute: must be fixed-length char (NC_CHAR), returned decoded as str (None if not)."""
            t = obj.attrs.get_id(name).get_type()
            if not isinstance(t, h5py.h5t.TypeStringID) or t.is_variable_str():
                return None
            v = obj.attrs[name]
            if isinstance(v, h5py.Empty):
                return ""
            return v.decode("utf-8") if isinstance(v, (bytes, np.bytes_)) else None

        def walk(name, obj):
            for a in obj.attrs:
                t = obj.attrs.get_id(a).get_type()
                if isinstance(t, h5py.h5t.TypeStringID) and t.is_variable_str():
                    c.failures.append(f"h5py: attribute {a!r} of {name!r} is a variable-length string (NC_STRING), "
                                      f"expected fixed-length char (NC_CHAR)")
        walk("/", f)
        f.visititems(walk)
        for a in ("title", "scenario_text", "scenario_sha256", "created"):
            c.check(isinstance(text(f, a), str), f"h5py: root attribute {a!r} is not fixed-length UTF-8 text")
        shippers = list(f["shipper"].asstr()[:])
        units = text(f["time"], "units") or ""
        m = re.fullmatch(r"days since (\d{4}-\d{2}-\d{2})( 00:00:00)?", units)
        c.check(m is not None, f"h5py: time units {units!r} not 'days since YYYY-MM-DD 00:00:00'")
        r = lambda n: f[n][:]  # noqa: E731
        res, sup = balance(r("supply"), r("sink_delivery"), r("shut_in"), f["inventory_by_shipper"][-1],
                           r("initial_inventory_by_shipper"), f["in_transit"][-1], r("initial_in_transit"))
    rel, rel_total = relative(res, sup)
    c.check(rel_total <= TOL, f"h5py: total relative residual {rel_total:.3e} > {TOL:g}")
    if xr_result is not None:
        xrel, xtot, xsup = xr_result
        c.check(np.allclose(sup, xsup, rtol=1e-15, atol=0), "h5py and xarray read different supply totals")
        c.check(np.allclose(rel, xrel, rtol=0, atol=1e-15), "h5py and xarray give different residuals")
    return shippers, sup, rel, rel_total


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    c = Checker()
    try:
        ds, xr_result = check_xarray(path, c)
    except Exception as e:  # noqa: BLE001 - any reader failure is a failed check
        c.failures.append(f"xarray could not read {path}: {type(e).__name__}: {e}")
        ds, xr_result = None, None
    summary = None
    try:
        summary = check_h5py(path, c, xr_result)
    except Exception as e:  # noqa: BLE001
        c.failures.append(f"h5py could not read {path}: {type(e).__name__}: {e}")
    if ds is not None:
        ds.close()
    if c.failures:
        for m in c.failures:
            print(f"check_run_output: FAIL: {m}", file=sys.stderr)
        print(f"check_run_output: {path}: {len(c.failures)} problem(s)", file=sys.stderr)
        return 1
    shippers, sup, rel, rel_total = summary
    print(f"check_run_output: {path}: OK")
    for s, su, r in zip(shippers, sup, rel):
        print(f"  {s:24s} supply {su / 1e6:12.4f} Mt   relative residual {r:.2e}")
    print(f"  {'total':24s} supply {np.sum(sup) / 1e6:12.4f} Mt   relative residual {rel_total:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
