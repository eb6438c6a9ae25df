#!/usr/bin/python3
"""Published figures and conservation laws checked on the three committed scenarios' outputs.

Usage: check_scenario_figures.py BASE.h5 AGREEMENT.h5 CPC_OUTAGE.h5   (run with Debian's /usr/bin/python3)

Sources of the expected values:
- route-data.md §4 / validation #10: about 1.4 Mt/yr of Kazakh crude goes to BTC (2024: "over 1.4" Mt); issue 2
  "Done when": in 2025, 1.4 +- 0.05 Mt of Kazakh crude enters BTC at Sangachal.
- Conservation on the BTC leg: what enters in a year = what leaves + the change of what is in the line.
- route-data.md §2: BTC linefill about 10 million bbl (1 bbl = 0.158987294928 m3): a batch entering at Sangachal
  leaves at Ceyhan once 10 Mbbl more have entered behind it (plug flow).
- route-data.md §4 Agreement 2: 2.2 Mt/yr ceiling from 2024 deal; the ceiling is a hard limit.
- route-data.md §9: CPC Kazakh capacity 72.5 Mt/yr; 29 Nov 2025 strike: about 55 % for about 2 months.
"""
import sys

import numpy as np
import xarray as xr

BBL = 0.158987294928
LINEFILL_M3 = 10e6 * BBL
failures = []


def check(cond, msg):
    print(("ok:   " if cond else "FAIL: ") + msg)
    if not cond:
        failures.append(msg)


def kz(ds):
    return [str(s) for s, k in zip(ds.shipper.values, ds.kazakh.values) if k == 1]


def year_sel(ds, y):
    return ds.sel(year=f"{y}-01-01")


def base_checks(path):
    ds = xr.open_dataset(path)
    k = kz(ds)
    y25 = year_sel(ds, 2025)
    into_btc = float(y25.annual_flow.sel(leg="btc", shipper=k).sum()) / 1e6
    out_btc = float(y25.annual_delivered.sel(leg="btc", shipper=k).sum()) / 1e6
    check(abs(into_btc - 1.4) <= 0.05, f"base 2025: Kazakh into BTC {into_btc:.4f} Mt within 1.4 +- 0.05 (route-data §4)")
    # In the line at year end (t): in_transit at the end of 31 Dec 2025 minus at the start.
    end25 = ds.in_transit.sel(time="2025-12-31", leg="btc", shipper=k).sum() / 1e6
    start = ds.initial_in_transit.sel(leg="btc", shipper=k).sum() / 1e6
    still = float(end25 - start)
    check(abs(into_btc - out_btc - still) <= 1e-9 * into_btc,
          f"base 2025: Kazakh into BTC {into_btc:.6f} = reached Ceyhan {out_btc:.6f} + still in the line {still:.6f} Mt")
    rho = {str(g): float(d) for g, d in zip(ds.grade.values, ds.grade_density.values)}
    rho_kz = rho[str(ds.grade.values[int(ds.grade_of_shipper.sel(shipper=k[0]))])]
    check(0 <= still * 1e9 / rho_kz <= LINEFILL_M3 * 1.000001,
          f"base 2025: Kazakh crude in BTC at year end {still * 1e9 / rho_kz / BBL / 1e6:.3f} Mbbl <= linefill 10 Mbbl")
    # Plug flow: first Kazakh arrival at Ceyhan one linefill after the first Kazakh entry.
    vol_in = sum(ds.flow_by_shipper.sel(leg="btc", shipper=s) / rho[str(ds.grade.values[int(ds.grade_of_shipper.sel(shipper=s))])]
                 for s in ds.shipper.values) * 1000.0  # m3/d
    cumv = np.concatenate([[0.0], np.cumsum(vol_in.values)])  # m3 at day boundaries
    kin = ds.flow_by_shipper.sel(leg="btc", shipper=k).sum("shipper").values
    kout = ds.delivered.sel(leg="btc", shipper=k).sum("shipper").values
    d_in = int(np.argmax(kin > 0))
    # the first Kazakh m3 entered during day d_in; it leaves when cumulative volume passes V(d_in) + linefill
    expect = int(np.searchsorted(cumv, cumv[d_in] + LINEFILL_M3, side="right")) - 1
    d_out = int(np.argmax(kout > 0))
    check(abs(d_out - expect) <= 1, f"base: first Kazakh crude at Ceyhan on day {d_out}, one linefill after entry "
                                    f"(day {d_in}) -> day {expect} +- 1")
    days = (d_out - d_in)
    check(8 <= days <= 30, f"base: BTC transit {days} d (route-data validation #17: about 17 d at 0.6 mb/d)")


def agreement_checks(path):
    ds = xr.open_dataset(path)
    for y in range(2027, 2041):
        into = float(year_sel(ds, y).annual_flow.sel(leg="tengiz_aktau", shipper="kz_west")) / 1e6
        check(into <= 2.2 * (1 + 1e-9), f"agreement-2p2 {y}: kz_west on the west route {into:.6f} <= ceiling 2.2 Mt (route-data §4)")
    y27 = float(year_sel(ds, 2027).annual_flow.sel(leg="btc", shipper="kz_west")) / 1e6
    check(abs(y27 - 2.2) <= 0.05, f"agreement-2p2 2027: Kazakh into BTC {y27:.4f} Mt within 2.2 +- 0.05 (Agreement 2)")


def outage_checks(path, base_path):
    ds = xr.open_dataset(path)
    base = xr.open_dataset(base_path)
    cap = 72.5e6 / 365.25  # t/d, route-data §9
    win = ds.flow.sel(leg="cpc", time=slice("2025-11-29", "2026-01-24"))
    check(float(win.max()) <= 0.55 * cap * (1 + 1e-9), f"cpc-outage: CPC flow during the event {float(win.max()):.0f} t/d "
                                                      f"<= 55 % of 72.5 Mt/yr = {0.55 * cap:.0f} t/d")
    k = kz(ds)
    west_extra = float((ds.flow_by_shipper.sel(leg="btc", shipper=k).sum("shipper")
                        - base.flow_by_shipper.sel(leg="btc", shipper=k).sum("shipper")).sel(time=slice("2025-11-29", "2026-03-31")).sum())
    check(west_extra > 0, f"cpc-outage: extra Kazakh crude into BTC {west_extra / 1e6:.3f} Mt > 0 (diverted west)")
    tank_cap = float(ds.capacity.sel(leg="caspian_tankers", time=slice("2025-11-29", "2026-01-24")).sum())
    tank_base = float(base.flow.sel(leg="caspian_tankers", time=slice("2025-11-29", "2026-01-24")).sum())
    extra_tank = float(ds.flow.sel(leg="caspian_tankers", time=slice("2025-11-29", "2026-01-24")).sum()) - tank_base
    check(extra_tank <= tank_cap - tank_base + 1e-6,
          f"cpc-outage: diverted by tanker {extra_tank / 1e6:.3f} Mt <= spare tanker capacity {(tank_cap - tank_base) / 1e6:.3f} Mt")
    shut_before = float(ds.shut_in.sel(shipper=k, time=slice("2025-01-01", "2025-11-28")).sum())
    check(shut_before == 0.0, "cpc-outage: no Kazakh shut-in before the strike")
    shut = float(ds.shut_in.sel(shipper=k, time=slice("2025-11-29", "2026-03-31")).sum())
    check(shut > 0, f"cpc-outage: Kazakh shut-in during the outage {shut / 1e6:.3f} Mt > 0 (west cannot take the rest)")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    base_checks(sys.argv[1])
    agreement_checks(sys.argv[2])
    outage_checks(sys.argv[3], sys.argv[1])
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
