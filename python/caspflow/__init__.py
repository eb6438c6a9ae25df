"""caspflow from Python: load a scenario, change it, run it, and get the results as xarray.

The engine is the same C++ code as the ``caspflow`` command line, called in-process::

    import caspflow
    sc = caspflow.load("inputs/scenarios/base.toml", set={"legs.caspian_tankers.fleet": 7})
    ds = caspflow.run(sc)                      # an xarray.Dataset, the same as `caspflow run` writes
    ds.annual_delivered.sel(leg="btc", shipper="kz_west") / 1e6     # Mt per year at Ceyhan

Functions
---------
load(path, set=None, start=None, end=None)
    Read and validate a scenario file (TOML); ``set`` overrides values by key path, with units in the
    value as on the command line (``{"legs.cpc.capacity": "60 Mt/yr"}``). Bad input raises
    :class:`InputError`, which lists every problem with file, line, column and key.
run(scenario)
    Simulate day by day; returns the run's ``xarray.Dataset`` (docs/output-format.md), computed in memory
    (no file is written). ``caspflow.run(sc).to_netcdf(...)`` is not needed: the CLI writes the same file.
run_many(scenarios, threads=None)
    Several runs at once on a thread pool (the engine releases the GIL); results in the input order.
capacity(scenario, pipeline=None, dra=None, station_out=(), temperature_C=None)
    Hydraulic capacity of a pipeline leg and what binds it (as ``caspflow capacity``).
kazakh_annual(ds, leg=None)
    Kazakh crude per year in Mt: into and out of each pipeline, to each market, shut-in (a pandas table).

Errors: :class:`InputError` (bad input; a ValueError), :class:`SolverError` (the integrator or the
allocation failed; a RuntimeError), :class:`IoError` (a file could not be read; an OSError) -- the same
three kinds as the command line's exit codes 2, 3 and 4.

See docs/python.md for the notebook workflow.
"""
from __future__ import annotations

import math
import os
import typing as _t
from concurrent.futures import ThreadPoolExecutor

from . import _caspflow as _c

__version__ = _c.__version__
__all__ = ["load", "run", "run_many", "capacity", "kazakh_annual", "Scenario", "Capacity", "Problem",
           "InputError", "SolverError", "IoError", "__version__"]

InputError = _c.InputError
SolverError = _c.SolverError
IoError = _c.IoError


class Problem(_t.NamedTuple):
    """One problem in an input: where it is and what is wrong (``file:line:col: key: message``), and the line."""

    file: str
    line: int
    column: int
    key: str
    message: str
    context: str = ""  #: the offending source line and a caret under the column (empty when not known)

    def headline(self) -> str:
        """``file:line:col: key: message``, the first line of ``str(problem)``."""
        loc = self.file or "<input>"
        if self.line:
            loc += f":{self.line}"
        if self.column:
            loc += f":{self.column}"
        return f"{loc}: {self.key}: {self.message}" if self.key else f"{loc}: {self.message}"

    def __str__(self) -> str:
        return self.headline() + ("\n" + self.context if self.context else "")


def _problems(self) -> list:
    """Every problem found, as :class:`Problem` tuples (validation collects them all)."""
    return [Problem(*p) for p in getattr(self, "raw_problems", [])]


InputError.problems = property(_problems)
InputError.__doc__ = ("Bad input (a ValueError): ``str(e)`` lists every problem as file:line:col: key: found X, "
                      "expected Y; ``e.problems`` gives them as Problem(file, line, column, key, message).")
SolverError.__doc__ = "A solver failed (a RuntimeError): the message says at which simulated date and why."
IoError.__doc__ = "A file could not be read or written (an OSError): the message names it and the reason."


class Scenario:
    """A loaded, validated scenario (read-only; one scenario can be run many times, also concurrently).

    Attributes: ``file``, ``title``, ``start``, ``end`` (ISO dates; ``end`` is exclusive), ``shippers``,
    ``kazakh_shippers``, ``legs``, ``nodes``, ``grades``, ``overrides`` (the ``set=`` values as
    ``key.path=value``), ``input_files``, ``assumptions`` (every value the scenario marks assumed), ``text``
    (every input file's text, as stored in the output's provenance).
    """

    def __init__(self, handle):
        self._h = handle
        self._info = handle.info

    def __getattr__(self, name):
        info = self.__dict__.get("_info")
        if info is not None and name in info:
            return info[name]
        raise AttributeError(f"Scenario has no attribute {name!r}; it has {', '.join(sorted(info or {}))}")

    @property
    def text(self) -> str:
        return self._h.text

    def __repr__(self) -> str:
        i = self._info
        ov = f", overrides={i['overrides']}" if i["overrides"] else ""
        return (f"<caspflow.Scenario {i['file']!r}: {i['start']} to {i['end']}, {len(i['shippers'])} shippers, "
                f"{len(i['legs'])} legs, {len(i['nodes'])} nodes, {i['events']} events{ov}>")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._info))


def load(path: str | os.PathLike, set: dict | None = None, start: str | None = None,
         end: str | None = None) -> Scenario:
    """Read and validate a scenario file; returns a :class:`Scenario`.

    ``set`` maps key paths of scenario files to new values, exactly as ``--set KEY.PATH=VALUE`` on the
    command line: numbers (``7``), strings with units (``"60 Mt/yr"``), dates (``"2030-12-31"``).
    ``start``/``end`` shorten the run (``simulation.start``/``simulation.end``). Raises :class:`InputError`
    listing every problem (file, line, column, key) and :class:`IoError` when a file cannot be read.
    """
    overrides = dict(set or {})
    if start is not None:
        overrides["simulation.start"] = str(start)
    if end is not None:
        overrides["simulation.end"] = str(end)
    return Scenario(_c.load(os.fspath(path), overrides))


def _as_scenario(scenario) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, (str, os.PathLike)):
        return load(scenario)
    raise TypeError(f"expected a caspflow.Scenario (from caspflow.load) or a scenario path, found {type(scenario).__name__}")


def _to_xarray(raw: dict):
    """The engine's dataset as the xarray.Dataset that ``xarray.open_dataset`` gives for the file the CLI writes:
    the same variables, coordinates and attributes the HDF5 writer adds (outputs/hdf5_writer.cpp), then CF
    decoding (times as datetime64, fill values masked)."""
    import numpy as np
    import xarray as xr

    coords, data_vars = {}, {}
    for t in raw["time_axes"]:
        units = f"days since {t['origin']} 00:00:00"
        attrs = {"standard_name": "time", "long_name": t["long_name"], "units": units,
                 "calendar": "proleptic_gregorian", "axis": "T"}
        if t["bounds"] is not None:
            attrs["bounds"] = t["name"] + "_bnds"
            data_vars[t["name"] + "_bnds"] = xr.Variable(
                (t["name"], "nv"), t["bounds"],
                {"long_name": "bounds of " + t["long_name"], "units": units, "calendar": "proleptic_gregorian"})
        coords[t["name"]] = xr.Variable((t["name"],), t["days"], attrs)
    for lab in raw["label_axes"]:
        values = np.empty(len(lab["labels"]), dtype=object)
        values[:] = lab["labels"]
        coords[lab["name"]] = xr.Variable((lab["name"],), values, {"long_name": lab["long_name"]})
    def read_back(attrs):  # netCDF readers give a one-element array attribute as a scalar
        return {k: (a[0] if isinstance(a, np.ndarray) and a.size == 1 else a) for k, a in attrs.items()}

    for v in raw["variables"]:
        attrs = read_back(v["attrs"])
        if not v["is_int"]:
            attrs["_FillValue"] = np.float64(np.nan)
        elif v["int_fill"]:
            attrs["_FillValue"] = np.int32(raw["int_fill_value"])
        data_vars[v["name"]] = xr.Variable(tuple(v["dims"]), v["data"], attrs)
    attrs = read_back(raw["attrs"])
    if "Conventions" not in attrs:
        attrs = {"Conventions": "CF-1.8", **attrs}
    return xr.decode_cf(xr.Dataset(data_vars, coords, attrs))


def run(scenario, history: str | None = None):
    """Simulate the scenario and return its ``xarray.Dataset``.

    The content is what ``caspflow run`` writes to HDF5 (docs/output-format.md), computed in memory. The
    ``history`` attribute says how it was made (``python: caspflow.run(caspflow.load(...))``) unless given.
    Raises :class:`SolverError` if the integrator or the allocation fails (the message gives the date).
    """
    sc = _as_scenario(scenario)
    return _to_xarray(_c.run(sc._h, history or ""))


def run_many(scenarios, threads: int | None = None) -> list:
    """Run several scenarios concurrently (the engine releases the GIL); returns the datasets in order.

    ``threads`` defaults to the number of CPUs. A failing run raises its error after the others finish.
    """
    scs = [_as_scenario(s) for s in scenarios]
    n = threads or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=max(1, min(n, len(scs) or 1))) as pool:
        raws = list(pool.map(lambda s: _c.run(s._h, ""), scs))
    return [_to_xarray(r) for r in raws]


class Capacity(_t.NamedTuple):
    """Hydraulic capacity of a pipeline leg (SI units plus the friendly ones) and what binds it."""

    pipeline: str
    grade: str
    m3_per_s: float
    barrels_per_day: float
    mt_per_year: float
    binding: str          #: e.g. "slack_line at km 590.0 (summit); upstream station PSG2 throttled at its pressure limit"
    binding_kind: str     #: suction, slack_line, maop, delivery, none
    dra: float            #: drag reduction used (fraction)
    density_kg_m3: float  #: at the flowing temperature
    viscosity_m2_s: float
    stations: _t.Any      #: pandas.DataFrame, one row per pump station

    def __repr__(self) -> str:
        return (f"<caspflow.Capacity {self.pipeline}: {self.m3_per_s * 3600:.1f} m3/h = {self.barrels_per_day / 1e6:.4f} Mb/d "
                f"= {self.mt_per_year:.2f} Mt/yr; binding {self.binding}; DRA {self.dra * 100:g} %>")


def _fraction(x, what):
    if x is None:
        return math.nan
    if isinstance(x, str):
        s = x.strip()
        return float(s[:-1]) / 100 if s.endswith("%") else float(s)
    return float(x)


def capacity(scenario, pipeline: str | None = None, dra=None, station_out=(), temperature_C: float | None = None) -> Capacity:
    """Hydraulic capacity of a pipeline leg for its base crude (the grade of the leg's ``linefill_owner``).

    ``dra``: drag reduction as a fraction (0.25) or a percent string ("25%"); default: the leg's DRA at
    the scenario start. ``station_out``: pump station IDs taken out of service. ``temperature_C``: the
    flowing temperature (default: the pipeline file's). The same flow equations as ``caspflow capacity``
    (docs/hydraulics-pipeline.md); blends and other fluids: use the command line.
    """
    import pandas as pd

    sc = _as_scenario(scenario)
    if isinstance(station_out, str):
        station_out = [station_out]
    t_k = math.nan if temperature_C is None else float(temperature_C) + 273.15
    r = _c.capacity(sc._h, pipeline or "", _fraction(dra, "dra"), list(station_out), t_k)
    b = r["binding"]
    text = f"{b['kind']} at {b['location']}"
    if not b["location"].startswith("km "):
        text += f" (km {b['chainage_m'] / 1000:.1f})"
    if b["upstream_station"]:
        text += f"; upstream station {b['upstream_station']} {b['upstream_state']}"
    return Capacity(r["pipeline"], r["grade"], r["capacity_m3s"], r["capacity_bpd"], r["capacity_mtpa"], text,
                    b["kind"], r["dra"], r["density_kg_m3"], r["viscosity_m2_s"],
                    pd.DataFrame(r["stations"]).set_index("station"))


def kazakh_annual(ds):
    """Kazakh crude per year, Mt: supply, into and out of every leg that reaches a pipeline or market, shut-in.

    A pandas DataFrame indexed by year, from the dataset's annual totals (``annual_*`` variables, t) and
    the ``kazakh`` flag of each shipper: the numbers of the table ``caspflow run`` prints.
    """
    import pandas as pd

    kz = ds.shipper.values[ds.kazakh.values == 1]
    years = ds.year.dt.year.values
    out = {"supply": ds.annual_supply.sel(shipper=kz).sum("shipper").values / 1e6}
    for leg in ds.leg.values:
        into = ds.annual_flow.sel(leg=leg, shipper=kz).sum("shipper").values / 1e6
        if into.any():
            out[f"into {leg}"] = into
            out[f"out of {leg}"] = ds.annual_delivered.sel(leg=leg, shipper=kz).sum("shipper").values / 1e6
    out["shut-in"] = ds.annual_shut_in.sel(shipper=kz).sum("shipper").values / 1e6
    return pd.DataFrame(out, index=pd.Index(years, name="year"))
