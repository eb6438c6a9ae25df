"""End-to-end check of `caspflow hydraulics` (run by CTest with /usr/bin/python3).

Usage: check_cli.py CASPFLOW DATA_DIR OUT_DIR
Source of the expected values: EPANET 2.3.5's own results for Net1 (tests/data/epanet/Net1.*.csv, GPM and
ft), converted to SI with EPANET's factors (448.831 gpm per cfs, 0.3048 m per ft).
"""
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import xarray as xr

exe, data, out = sys.argv[1:4]
FT = 0.3048
CFS = FT ** 3
net1 = os.path.join(data, "epanet", "Net1.inp")

# 1. --json: one object on stdout, SI, at every report time.
p = subprocess.run([exe, "hydraulics", net1, "--json"], capture_output=True, text=True, check=True)
doc = json.loads(p.stdout)
assert doc["units"] == {"head": "m", "flow": "m3/s", "time": "s"}, doc["units"]
heads = pd.read_csv(os.path.join(data, "epanet", "Net1.heads.csv"))
flows = pd.read_csv(os.path.join(data, "epanet", "Net1.flows.csv"))
assert doc["times"] == list(heads["time_s"].astype(float)), doc["times"][:3]
for node in heads.columns[1:]:
    for mine, ref in zip(doc["nodes"][node], heads[node] * FT):
        assert abs(mine - ref) <= 0.05, (node, mine, ref)           # 0.15 ft
qmax = (flows.iloc[:, 1:].abs().max().max()) / 448.831 * CFS
for link in flows.columns[1:]:
    for mine, ref in zip(doc["links"][link], flows[link] / 448.831 * CFS):
        assert abs(mine - ref) <= 0.005 * qmax, (link, mine, ref)

# 2. -o: netCDF-4 readable HDF5 with labelled heads and flows.
h5 = os.path.join(out, "net1_hydraulics.h5")
subprocess.run([exe, "hydraulics", net1, "-o", h5], capture_output=True, text=True, check=True)
ds = xr.open_dataset(h5)
# docs/hydraulics-network.md: the hydraulics file says what it is and its format, [major, minor] int32.
assert ds.attrs["filetype"] == "caspflow hydraulics", ds.attrs.get("filetype")
assert np.asarray(ds.attrs["format_version"]).tolist() == [1, 0], ds.attrs.get("format_version")
assert ds["head"].dims == ("step", "node") and ds["head"].shape == (25, 11), ds["head"].shape
assert ds["flow"].attrs["units"] == "m3 s-1"
assert abs(float(ds["head"].sel(node="2").isel(step=0)) - (850 + 120) * FT) < 1e-9  # tank 2 initial level

# 3. Unsupported feature: exit code 2, message names the feature and file:line.
cheung = os.path.join(data, "epanet", "epanet-tests", "press_depend", "cheung.inp")
p = subprocess.run([exe, "hydraulics", cheung, "--json"], capture_output=True, text=True)
assert p.returncode == 2, p.returncode
assert "cheung.inp:117" in p.stderr and "pressure-driven demand" in p.stderr, p.stderr
assert p.stdout == "", "no results may be printed on failure"

# 4. Infeasible network: exit code 3 (solver failure) naming the link.
p = subprocess.run([exe, "hydraulics", os.path.join(data, "epanet", "epanet-tests", "valves", "2fcvs.inp")],
                   capture_output=True, text=True)
assert p.returncode == 3 and "infeasible" in p.stderr and "link '28'" in p.stderr, (p.returncode, p.stderr)
print("caspflow hydraulics CLI: ok")
