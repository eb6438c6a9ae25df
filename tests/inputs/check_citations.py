#!/usr/bin/python3
"""Every number in the shipped scenarios cites route-data.md or is marked assumed (issue 2 item 7).

For base.toml, agreement-2p2.toml and cpc-outage-2025.toml: in every grade, node, leg, shipper, route
and event table, each value key (capacity, supply, density, ...) must be covered by the table's
`source` or `assumed` -- a string covers the whole table, an inline table covers the keys it names.
Every `source` must name a route-data section (`§N`).

Usage: check_citations.py SCENARIO_DIR
"""
import os
import re
import sys
import tomllib

FILES = ["base.toml", "agreement-2p2.toml", "cpc-outage-2025.toml"]
VALUE_KEYS = {
    "density", "api", "sulphur", "viscosity", "capacity", "heel", "initial", "supply", "annual_ceiling",
    "nomination", "berths", "rate", "availability", "fleet", "cargo", "distance", "speed", "load_time",
    "unload_time", "weather", "linefill", "linefill_owner", "hydraulics", "start", "end", "remaining",
}
SECTION = re.compile(r"§\s*\d+")


def covered(table: dict, where: str, problems: list) -> None:
    cover_all = False
    cover = set()
    for which in ("source", "assumed"):
        v = table.get(which)
        if isinstance(v, str):
            cover_all = True
            if which == "source" and not SECTION.search(v):
                problems.append(f"{where}.source: names no route-data section (§N): {v!r}")
        elif isinstance(v, dict):
            cover |= set(v)
            if which == "source":
                for k, txt in v.items():
                    if not SECTION.search(txt):
                        problems.append(f"{where}.source.{k}: names no route-data section (§N): {txt!r}")
    for key in table:
        if key in VALUE_KEYS and not cover_all and key not in cover:
            problems.append(f"{where}.{key}: no `source` or `assumed` covers it")


def main() -> int:
    folder = sys.argv[1]
    problems = []
    for name in FILES:
        with open(os.path.join(folder, name), "rb") as fh:
            doc = tomllib.load(fh)
        for section in ("grades", "nodes", "legs", "shippers"):
            for ident, table in doc.get(section, {}).items():
                where = f"{name}: {section}.{ident}"
                covered(table, where, problems)
                for i, route in enumerate(table.get("routes", []) if section == "shippers" else []):
                    covered(route, f"{where}.routes[{i}]", problems)
        for i, ev in enumerate(doc.get("events", [])):
            covered(ev, f"{name}: events[{i}]", problems)
        if "simulation" in doc:
            covered(doc["simulation"], f"{name}: simulation", problems)
    for p in problems:
        print("FAIL", p)
    print(f"{len(FILES)} scenarios, {len(problems)} uncited values")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
