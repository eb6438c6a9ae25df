#!/usr/bin/python3
"""CF hygiene of a caspflow output, checked with the tools an analyst uses (issue 8 item 5).

Usage:  /usr/bin/python3 tests/outputs/check_cf.py FILE [FILE ...]
        /usr/bin/python3 tests/outputs/check_cf.py --hydraulics CASPFLOW NET.inp   (writes `caspflow hydraulics
                                                   NET.inp -o` into a temporary directory and checks that file)

Tools (Debian 12): `ncdump` (netcdf-bin), NCO's `ncks`/`ncwa` (nco), `udunits2` (udunits-bin); all are in
scripts/setup-debian.sh. Every tool's exit code is checked, and its output (stdout and stderr) is searched for
warnings. A file fails when

* `ncdump -h` exits non-zero or prints anything on stderr, or shows a text attribute of type `string`
  (NC_STRING: CF and NCO expect NC_CHAR; NCO then ignores e.g. `bounds`);
* `ncks -m`, `ncks -v VAR` (for a variable whose coordinate has `bounds`: the bounds variable must come along,
  i.e. NCO understood the CF bounds), `ncks -d time,FIRST_DATE,...` (NCO converts the dates with UDUNITS) or
  `ncwa -a time` (NCO rewrites `cell_methods`) exits non-zero or prints WARNING / ERROR / "violates";
* a `units` attribute is not text, or `udunits2 -H UNITS -W ''` does not recognise it (exit code, "Don't
  recognize") or prints anything on stderr;
* an integer variable has a `_FillValue` without the schema allowing it (xarray would decode it as float64);
* `flag_values` / `flag_meanings` disagree (count, type, unique values, CF's allowed characters);
* `cell_methods` is not CF ("NAME: METHOD" with NAME a dimension of the variable or `area`, METHOD a CF
  method), or a variable along a dimension whose coordinate has `bounds` (e.g. `year`) has none for it.

Exit status 0 when every check passes, 1 otherwise; each problem is printed as "check_cf: FAIL: ...".
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import netCDF4
import numpy as np

WARN = re.compile(r"warning|error|violat|not nc_char|don't recognize|unknown", re.IGNORECASE)
CF_METHODS = {"point", "sum", "maximum", "median", "mid_range", "minimum", "mean", "mode", "range",
              "standard_deviation", "variance", "maximum_absolute_value", "minimum_absolute_value",
              "mean_absolute_value", "mean_of_upper_decile", "sum_of_squares", "root_mean_square"}
FLAG_WORD = re.compile(r"^[A-Za-z0-9_.+@-]+$")
INT_FILL_ALLOWED = set()  # integer variables that may have missing values (none in the schema today)


def run(cmd, failures, what, allow_stdout=True):
    """Runs cmd; a non-zero exit or a warning-looking line is a failure. Returns (stdout, stderr)."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=600)
    except FileNotFoundError:
        failures.append(f"{what}: {cmd[0]} not installed (scripts/setup-debian.sh installs it)")
        return "", ""
    out = r.stdout if allow_stdout else ""
    if r.returncode != 0:
        failures.append(f"{what}: `{' '.join(cmd)}` exited {r.returncode}: {r.stderr.strip()[:400]}")
    for line in (r.stderr + "\n" + out).splitlines():
        if WARN.search(line):
            failures.append(f"{what}: {line.strip()[:400]}")
    return r.stdout, r.stderr


def check_ncdump(path, failures):
    out, err = run(["ncdump", "-h", path], failures, "ncdump -h", allow_stdout=False)
    if err.strip():
        failures.append(f"ncdump -h printed on stderr: {err.strip()[:400]}")
    strings = [ln.strip() for ln in out.splitlines() if re.match(r"^\s*string\s+[^\s(]*:[^\s]+\s*=", ln)]
    if strings:
        failures.append(f"ncdump -h: {len(strings)} attribute(s) of type string (NC_STRING, CF expects NC_CHAR), "
                        f"e.g. {strings[0][:200]}")
    return out


def check_nco(path, nc, tmp, failures):
    run(["ncks", "-m", path], failures, "ncks -m", allow_stdout=False)
    dims = {name: v for name, v in nc.variables.items() if name in nc.dimensions}
    # Bounds: extracting a variable along a bounded coordinate must bring the bounds variable along.
    for cname, cvar in dims.items():
        bname = getattr(cvar, "bounds", None)
        if not isinstance(bname, str):
            continue
        user = next((n for n, v in nc.variables.items() if cname in v.dimensions and n not in (cname, bname)), cname)
        out = os.path.join(tmp, f"ncks_{user}.nc")
        run(["ncks", "-O", "-v", user, path, out], failures, f"ncks -v {user}")
        if os.path.exists(out):
            with netCDF4.Dataset(out) as o:
                if bname not in o.variables:
                    failures.append(f"ncks -v {user}: bounds variable {bname!r} of {cname!r} not extracted "
                                    f"(NCO did not see the CF bounds attribute)")
    # Hyperslab by date (NCO converts with UDUNITS) and an average (NCO updates cell_methods).
    if "time" in dims and len(dims["time"]) > 0 and " since " in str(getattr(dims["time"], "units", "")):
        t = netCDF4.num2date(dims["time"][:2], dims["time"].units, getattr(dims["time"], "calendar", "standard"))
        first = t[0].strftime("%Y-%m-%d")
        last = t[-1].strftime("%Y-%m-%d")
        run(["ncks", "-O", "-d", f"time,{first},{last}", path, os.path.join(tmp, "ncks_d.nc")], failures,
            "ncks -d time")
        avg = next((n for n, v in nc.variables.items()
                    if v.dimensions[:1] == ("time",) and hasattr(v, "cell_methods") and isinstance(v.dtype, np.dtype)
                    and v.dtype.kind == "f"), None)
        if avg is not None:
            run(["ncwa", "-O", "-a", "time", "-v", avg, path, os.path.join(tmp, "ncwa.nc")], failures,
                f"ncwa -a time -v {avg}")


def units_ok(units, failures, what):
    try:
        r = subprocess.run(["udunits2", "-H", units, "-W", ""], capture_output=True, text=True, check=False,
                           stdin=subprocess.DEVNULL, timeout=60)
    except FileNotFoundError:
        failures.append("udunits2 not installed (Debian udunits-bin, scripts/setup-debian.sh)")
        return
    bad = r.returncode != 0 or "recognize" in (r.stdout + r.stderr) or r.stderr.strip()
    if bad:
        failures.append(f"udunits2: units {units!r} of {what} not valid: rc {r.returncode}, "
                        f"{(r.stderr or r.stdout).strip()[:200]}")


def check_attrs(nc, failures):
    seen_units = {}
    for name, v in nc.variables.items():
        attrs = {a: v.getncattr(a) for a in v.ncattrs()}
        kind = v.dtype.kind if isinstance(v.dtype, np.dtype) else "O"  # vlen str variables have dtype str
        if "units" in attrs:
            if not isinstance(attrs["units"], str):
                failures.append(f"{name}: units is not text ({type(attrs['units']).__name__})")
            else:
                seen_units.setdefault(attrs["units"], name)
        if kind in "iu" and "_FillValue" in attrs and name not in INT_FILL_ALLOWED:
            failures.append(f"{name}: integer variable with _FillValue {attrs['_FillValue']} (xarray decodes it as "
                            f"float64; no value of it can be missing)")
        if "flag_values" in attrs or "flag_meanings" in attrs:
            fv = np.atleast_1d(attrs.get("flag_values", []))
            words = str(attrs.get("flag_meanings", "")).split()
            if len(fv) != len(words):
                failures.append(f"{name}: {len(fv)} flag_values but {len(words)} flag_meanings")
            if fv.dtype != np.dtype(v.dtype):
                failures.append(f"{name}: flag_values of type {fv.dtype}, variable {v.dtype}")
            if len(set(fv.tolist())) != len(fv):
                failures.append(f"{name}: flag_values not unique")
            badw = [w for w in words if not FLAG_WORD.match(w)]
            if badw:
                failures.append(f"{name}: flag_meanings with characters CF does not allow: {badw[:3]}")
        cm = attrs.get("cell_methods")
        if cm is not None:
            # Drop parenthesised comments, then "NAME: [NAME: ...] METHOD [where/over ...]" groups.
            bare = re.sub(r"\([^)]*\)", " ", str(cm))
            tokens = bare.split()
            names, methods, i = [], [], 0
            while i < len(tokens):
                if tokens[i].endswith(":"):
                    names.append(tokens[i][:-1])
                    i += 1
                    continue
                methods.append(tokens[i])
                i += 1
                while i < len(tokens) and tokens[i] in ("where", "over", "within"):
                    i += 2
            for n in names:
                if n not in v.dimensions and n != "area" and n not in nc.dimensions:
                    failures.append(f"{name}: cell_methods names {n!r}, not a dimension ({cm!r})")
            for m in methods:
                if m not in CF_METHODS:
                    failures.append(f"{name}: cell_methods method {m!r} is not a CF method ({cm!r})")
            if not names or not methods:
                failures.append(f"{name}: cell_methods {cm!r} is not 'NAME: METHOD'")
    # Variables along a bounded coordinate (e.g. annual totals along `year`) need cell_methods for it.
    for cname in nc.dimensions:
        c = nc.variables.get(cname)
        if c is None or not hasattr(c, "bounds"):
            continue
        for name, v in nc.variables.items():
            if cname in v.dimensions and name not in (cname, c.bounds):
                cm = str(getattr(v, "cell_methods", ""))
                if not re.search(rf"(^|\s){re.escape(cname)}:", cm) and not re.search(r"(^|\s)time:", cm):
                    failures.append(f"{name}: along bounded {cname!r} but no cell_methods for it ({cm!r})")
    for units, name in sorted(seen_units.items()):
        units_ok(units, failures, name)
    return seen_units


def check_file(path):
    failures = []
    if not os.path.exists(path):
        return [f"{path} does not exist"]
    check_ncdump(path, failures)
    tmp = tempfile.mkdtemp(prefix="check_cf.")
    try:
        with netCDF4.Dataset(path) as nc:
            units = check_attrs(nc, failures)
            check_nco(path, nc, tmp, failures)
    except OSError as e:
        failures.append(f"netCDF4 could not open {path}: {e}")
        units = {}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for m in failures:
        print(f"check_cf: FAIL: {path}: {m}", file=sys.stderr)
    if failures:
        print(f"check_cf: {path}: {len(failures)} problem(s)", file=sys.stderr)
    else:
        print(f"check_cf: {path}: OK (ncdump, ncks, ncwa, udunits2; {len(units)} distinct units: "
              f"{', '.join(sorted(units))})")
    return failures


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    if args[0] == "--hydraulics":
        if len(args) != 3:
            print(__doc__, file=sys.stderr)
            return 2
        exe, inp = args[1], args[2]
        tmp = tempfile.mkdtemp(prefix="check_cf_hyd.")
        try:
            out = os.path.join(tmp, "hydraulics.h5")
            r = subprocess.run([exe, "hydraulics", inp, "-o", out], capture_output=True, text=True, check=False)
            if r.returncode != 0:
                print(f"check_cf: FAIL: caspflow hydraulics exited {r.returncode}: {r.stderr.strip()}", file=sys.stderr)
                return 1
            return 1 if check_file(out) else 0
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    bad = 0
    for path in args:
        bad += bool(check_file(path))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
