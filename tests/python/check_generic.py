#!/usr/bin/python3
"""Check that an HDF5 file written by caspflow's writer (outputs/hdf5_writer.cpp) reads as a labelled netCDF-4
dataset, following /work/shared/reference/hdf5-netcdf-recipe.md:

* xarray.open_dataset(FILE) with the netcdf4 engine (and h5netcdf when python3-h5netcdf is installed);
* every CF time coordinate ("days since ...") decodes to datetime64;
* label coordinates (string dimensions) come back as Python str;
* every variable has `long_name`; every data variable and time coordinate has `units`;
* netCDF4-python sees the NETCDF4 data model; `ncdump -h FILE` and a full `ncdump FILE` exit 0
  (a full dump is what crashes on fixed-length string labels, recipe section 4);
* netCDF4-python can open a copy in append mode and add an attribute (needs creation order tracking,
  recipe section 1 "Track creation order");
* text attributes are fixed-length char strings (netCDF NC_CHAR, as CF and NCO expect; h5py reads them as
  UTF-8 bytes), never variable-length strings (NC_STRING).

Usage: /usr/bin/python3 check_generic.py FILE [--dims NAME=LEN ...] [--label DIM=LABEL ...]
Exit status 0 when every check passes, 1 otherwise (each failure is printed).
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import netCDF4
import numpy as np
import xarray as xr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--dims", nargs="*", default=[], help="expected dimension sizes, NAME=LEN")
    ap.add_argument("--label", nargs="*", default=[], help="a label that must be present, DIM=LABEL")
    args = ap.parse_args()
    failures = []

    def check(cond, msg):
        if not cond:
            failures.append(msg)
        return cond

    engines = ["netcdf4"]
    if importlib.util.find_spec("h5netcdf") is not None:
        engines.append("h5netcdf")
    for engine in engines:
        tag = f"[{engine}]"
        try:
            ds = xr.open_dataset(args.file, engine=engine)
        except Exception as e:  # noqa: BLE001 - report any reader failure as a check failure
            failures.append(f"{tag} xarray.open_dataset failed: {type(e).__name__}: {e}")
            continue
        with ds:
            for spec in args.dims:
                name, n = spec.split("=")
                check(ds.sizes.get(name) == int(n), f"{tag} dimension {name}: expected {n}, got {ds.sizes.get(name)}")
            for spec in args.label:
                dim, label = spec.split("=", 1)
                check(dim in ds.coords and label in list(ds[dim].values),
                      f"{tag} label {label!r} missing from coordinate {dim!r}")
            for name, var in ds.variables.items():
                units = var.attrs.get("units", var.encoding.get("units"))
                is_time = isinstance(units, str) and " since " in units
                if is_time:
                    check(np.issubdtype(var.dtype, np.datetime64),
                          f"{tag} {name}: CF time ({units!r}) not decoded to datetime64, dtype {var.dtype}")
                if var.dtype.kind in "SU":
                    failures.append(f"{tag} {name}: text stored as {var.dtype} (fixed-length), not vlen UTF-8 str")
                if var.dtype == object:
                    vals = var.values.ravel()
                    check(all(isinstance(v, str) for v in vals), f"{tag} {name}: labels are not all str")
                check(isinstance(var.attrs.get("long_name"), str) and var.attrs["long_name"] != "",
                      f"{tag} {name}: no long_name")
                if name in ds.data_vars or is_time:
                    check(isinstance(units, str) and units != "", f"{tag} {name}: no units")
            for dim in ds.dims:
                if dim in ds.coords:
                    check(ds[dim].dims == (dim,), f"{tag} coordinate {dim} is not 1-D along itself")
            check(ds.attrs.get("Conventions", "").startswith("CF-"), f"{tag} root attribute Conventions missing")

    # netCDF-C directly (the library behind the netcdf4 engine and ncdump).
    try:
        with netCDF4.Dataset(args.file) as nc:
            check(nc.data_model == "NETCDF4", f"netCDF4: data model {nc.data_model}, expected NETCDF4")
            check(len(nc.dimensions) > 0, "netCDF4: no dimensions found (dimension scales missing?)")
            check(not any(d.startswith("phony_dim") for d in nc.dimensions), "netCDF4: phony dimensions present")
    except Exception as e:  # noqa: BLE001
        failures.append(f"netCDF4.Dataset failed: {type(e).__name__}: {e}")

    # Append mode on a copy: fails with "NetCDF: Can't write file" when creation order is not tracked.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "append.nc")
        shutil.copyfile(args.file, copy)
        try:
            with netCDF4.Dataset(copy, "a") as nc:
                nc.setncattr("check_generic_append", "ok")
            with netCDF4.Dataset(copy) as nc:
                check(nc.getncattr("check_generic_append") == "ok", "netCDF4 append: attribute not written")
        except Exception as e:  # noqa: BLE001
            failures.append(f"netCDF4 append mode failed: {type(e).__name__}: {e}")

    for cmd in (["ncdump", "-h", args.file], ["ncdump", args.file]):
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        check(r.returncode == 0, f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()[:500]}")
    r = subprocess.run(["ncdump", "-k", args.file], capture_output=True, text=True, check=False)
    check(r.stdout.strip() == "netCDF-4", f"ncdump -k says {r.stdout.strip()!r}, expected 'netCDF-4'")

    with h5py.File(args.file, "r") as f:
        for k, v in f.attrs.items():
            if isinstance(v, (bytes, np.bytes_)):
                try:
                    v.decode("utf-8")
                except UnicodeDecodeError:
                    failures.append(f"h5py: root attribute {k} is not UTF-8")
            elif not isinstance(v, (np.integer, np.floating, int, float, h5py.Empty)):
                failures.append(f"h5py: root attribute {k} has type {type(v).__name__}")

        def no_vlen_attrs(name, obj):
            for a in obj.attrs:
                t = obj.attrs.get_id(a).get_type()
                if isinstance(t, h5py.h5t.TypeStringID) and t.is_variable_str():
                    failures.append(f"h5py: attribute {a} of {name} is a variable-length string (NC_STRING), "
                                    f"expected fixed-length char (NC_CHAR)")
        no_vlen_attrs("/", f)
        f.visititems(no_vlen_attrs)

    if failures:
        print(f"check_generic: {args.file}: {len(failures)} problem(s):", file=sys.stderr)
        for m in failures:
            print("  - " + m, file=sys.stderr)
        return 1
    print(f"check_generic: {args.file}: OK (engines: {', '.join(engines)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
