#!/usr/bin/python3
"""Seeded generator of random, valid caspflow scenarios (docs/scenario-format.md).

generate(seed) -> TOML text.  Same seed, same text (random.Random(seed) only; no global state).

Networks: 1-3 origins (some with tanks), 0-3 intermediate junctions or storage terminals, 1-2 sinks,
2-7 legs (fixed, port, pipeline without linefill, tanker legs into storage or a sink with fleet series
and monthly weather), 2-4 shippers of 1-3 grades with 1-2 routes in preference order (two routes may
share a storage node), firm and interruptible (route priority overrides), annual ceilings (mass or
volume), nominations, step series for supply and capacities, leg and node events (outages and
derates), mass and volume units, 30-120 day horizons (a quarter of them across 1 January).  Nodes,
legs, shippers and grades are written in a random order.
"""
import datetime as dt
import random
import sys

DAY = 86400.0
YEAR = 365.25 * DAY
BBL = 0.158987294928

MASS_FLOW = {"kg/s": 1.0, "t/h": 1e3 / 3600, "t/d": 1e3 / DAY, "kt/d": 1e6 / DAY, "kt/yr": 1e6 / YEAR,
             "Mt/yr": 1e9 / YEAR}
VOLUME_FLOW = {"m3/s": 1.0, "m3/h": 1 / 3600, "m3/d": 1 / DAY, "b/d": BBL / DAY, "bbl/d": BBL / DAY,
               "kb/d": 1e3 * BBL / DAY, "Mb/d": 1e6 * BBL / DAY}
MASS = {"t": 1e3, "kt": 1e6}
VOLUME = {"m3": 1.0, "bbl": BBL, "kbbl": 1e3 * BBL, "Mbbl": 1e6 * BBL}


def fmt(x, unit):
    return f'"{x:.7g} {unit}"'


def mass_flow(rng, kg_s):
    u = rng.choice(list(MASS_FLOW))
    return fmt(kg_s / MASS_FLOW[u], u)


def volume_flow(rng, m3_s):
    u = rng.choice(list(VOLUME_FLOW))
    return fmt(m3_s / VOLUME_FLOW[u], u)


def flow(rng, kg_s, rho, p_volume=0.4):
    """A flow written as a mass flow or (with probability p_volume) a volume flow at density rho."""
    if rng.random() < p_volume:
        return volume_flow(rng, kg_s / rho)
    return mass_flow(rng, kg_s)


def volume(rng, m3):
    u = rng.choice(list(VOLUME))
    return fmt(m3 / VOLUME[u], u)


def amount(rng, kg, rho):
    if rng.random() < 0.5:
        u = rng.choice(list(MASS))
        return fmt(kg / MASS[u], u)
    return volume(rng, kg / rho)


def _paths(adj, node, sinks, seen=()):
    if node in sinks:
        yield []
        return
    for (leg, to) in adj.get(node, []):
        if to in seen:
            continue
        for rest in _paths(adj, to, sinks, seen + (node,)):
            yield [leg] + rest


def _fraction(rng, x):
    r = rng.random()
    if r < 0.4:
        return f'"{x * 100:.6g} %"'
    if r < 0.7:
        return f'"{x * 1e6:.6g} ppm"'
    return f"{x:.6g}"


def _quality(qrng, grades, shippers, legs):
    """A max_sulphur on one leg that 2+ shippers of different grades share (about 30 % of networks), or
    None.  Uses its own random stream, so the rest of the network is what the seed gave before."""
    cands = []
    for lid in legs:
        gs = {s["grade"] for s in shippers.values() if any(lid in r for r in s["routes"])}
        if len(gs) >= 2:
            cands.append((lid, sorted(gs)))
    if not cands or qrng.random() >= 0.65:     # about 45 % of networks have such a leg
        return None
    lid, gs = qrng.choice(cands)
    sul = {g: qrng.uniform(0.0005, 0.008) for g in grades}       # 0.05 .. 0.8 wt%
    lo, hi = min(sul[g] for g in gs), max(sul[g] for g in gs)
    cap = lo + (hi - lo) * qrng.uniform(0.15, 0.85)
    return lid, cap, sul


def _try(rng, qrng=None):
    n_orig = rng.choice([1, 2, 2, 3])
    n_mid = rng.choice([0, 1, 1, 2, 2, 3])
    n_sink = rng.choice([1, 1, 2])
    nodes = {}
    origins = [f"o{i}" for i in range(n_orig)]
    mids = [f"m{i}" for i in range(n_mid)]
    sinks = [f"k{i}" for i in range(n_sink)]
    for o in origins:
        nodes[o] = {"kind": "origin", "tank": rng.random() < 0.45}
    for m in mids:
        nodes[m] = {"kind": "storage" if rng.random() < 0.55 else "junction"}
    for k in sinks:
        nodes[k] = {"kind": "sink"}
    legs = {}   # id -> (from, to)
    later = {o: mids + sinks for o in origins}
    for i, m in enumerate(mids):
        later[m] = mids[i + 1:] + sinks

    def add_leg(a, b):
        lid = f"l{len(legs)}"
        legs[lid] = (a, b)

    for o in origins:
        for b in rng.sample(later[o], min(len(later[o]), 2 if rng.random() < 0.35 else 1)):
            add_leg(o, b)
    for i, m in enumerate(mids):
        if not any(b == m for (_, b) in legs.values()):
            src = rng.choice(origins + [x for x in mids[:i]])
            add_leg(src, m)
        for b in rng.sample(later[m], min(len(later[m]), 2 if rng.random() < 0.3 else 1)):
            add_leg(m, b)
    if rng.random() < 0.15:   # a parallel leg: an alternative between the same two nodes
        a, b = legs[rng.choice(list(legs))]
        add_leg(a, b)
    if not 2 <= len(legs) <= 7:
        return None
    adj = {}
    for lid, (a, b) in legs.items():
        adj.setdefault(a, []).append((lid, b))

    # grades
    grades = {}
    for i in range(rng.choice([1, 2, 2, 3])):
        grades[f"g{i}"] = rng.uniform(800, 900)
    # shippers
    shippers = {}
    names = ["A", "B", "C", "D"]
    for sid in names[:rng.choice([2, 2, 3, 3, 4])]:
        o = rng.choice(origins)
        paths = list(_paths(adj, o, set(sinks)))
        if not paths:
            return None
        rng.shuffle(paths)
        routes = [paths[0]]
        if len(paths) > 1 and rng.random() < 0.5:
            # (two routes of one shipper may pass the same storage node: they share what arrives)
            routes.append(paths[1])
        g = rng.choice(list(grades))
        shippers[sid] = {"origin": o, "grade": g, "rho": grades[g], "routes": routes,
                         "supply": rng.uniform(20, 150),
                         "priority": "interruptible" if rng.random() < 0.3 else "firm"}
    # horizon
    nd = rng.randint(30, 120)
    if rng.random() < 0.25:
        start = dt.date(2025 + rng.randint(0, 2), 12, 1) + dt.timedelta(days=rng.randint(0, 30) - nd // 2)
    else:
        start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 900))
    end = start + dt.timedelta(days=nd - 1)

    def day(d):
        return (start + dt.timedelta(days=d)).isoformat()

    # throughput per leg / node (for capacities of a sensible size)
    through_leg = {l: 0.0 for l in legs}
    through_node = {n: 0.0 for n in nodes}
    users = {n: set() for n in nodes}
    for sid, s in shippers.items():
        ls = {l for r in s["routes"] for l in r}
        for l in ls:
            through_leg[l] += s["supply"]
        ns = {legs[l][1] for l in ls} | {s["origin"]}
        for n in ns:
            through_node[n] += s["supply"]
            users[n].add(sid)
    rho_avg = sum(grades.values()) / len(grades)
    qual = _quality(qrng, grades, shippers, legs) if qrng is not None else None

    out = []
    w = out.append
    w(f"# caspflow oracle random network, generated by tests/oracle/random_networks.py")
    w(f'title = "oracle random network"')
    w("")
    w("[simulation]")
    w(f"start = {start.isoformat()}")
    w(f"end = {end.isoformat()}")
    w("rtol = 1e-10")
    blocks = []
    for gid, rho in grades.items():
        if rng.random() < 0.3:
            api = 141.5 * 999.016 / rho - 131.5
            blocks.append(("g", f"[grades.{gid}]\napi = {api:.6g}\n"))
        else:
            blocks.append(("g", f'[grades.{gid}]\ndensity = "{rho:.6g} kg/m3"\n'))
        if qual is not None:
            blocks[-1] = ("g", blocks[-1][1] + f"sulphur = {_fraction(qrng, qual[2][gid])}\n")
    for nid, n in nodes.items():
        txt = f'[nodes.{nid}]\nkind = "{n["kind"]}"\n'
        tanked = n["kind"] == "storage" or (n["kind"] == "origin" and n.get("tank"))
        if tanked:
            thr = max(through_node[nid], 20.0)
            work = thr / rho_avg * DAY * rng.uniform(0.5, 12.0)
            heel = work * rng.uniform(0.02, 0.25) if rng.random() < 0.6 else 0.0
            txt += f"capacity = {volume(rng, work + heel)}\n"
            if heel > 0:
                txt += f"heel = {volume(rng, heel)}\n"
            init = {}
            budget = 0.8 * work
            for sid in sorted(users[nid]):
                if rng.random() < 0.5:
                    v = rng.uniform(0.05, 0.6) * budget
                    budget -= v
                    init[sid] = amount(rng, v * shippers[sid]["rho"] * 0.999, shippers[sid]["rho"])
            if init:
                txt += "initial = { " + ", ".join(f"{k} = {v}" for k, v in init.items()) + " }\n"
        blocks.append(("n", txt))
    for lid, (a, b) in legs.items():
        cap = max(through_leg[lid], 30.0) * rng.uniform(0.35, 1.3)
        # a tanker delays crude, so it must end its segment: only into storage or a sink
        to_ok = nodes[b]["kind"] in ("storage", "sink")
        kind = rng.choices(["fixed", "port", "pipeline", "tanker"], [0.6, 0.12, 0.12, 0.2 if to_ok else 0.0])[0]
        txt = f'[legs.{lid}]\nkind = "{kind}"\nfrom = "{a}"\nto = "{b}"\n'
        if kind == "tanker":
            dist = rng.uniform(40e3, 1500e3)                  # m
            speed = rng.uniform(8, 15) * 1852 / 3600          # m/s
            tl, tu = rng.uniform(0, 40) * 3600, rng.uniform(0, 40) * 3600
            cycle = 2 * dist / speed + tl + tu
            fleet = rng.randint(1, 6)
            cargo = cap * cycle / fleet                       # kg per voyage
            if rng.random() < 0.15:
                d = rng.randint(1, nd - 1)
                txt += (f'fleet = {{ interp = "step", points = [["{day(0)}", {fleet}], '
                        f'["{day(d)}", {rng.randint(0, 7)}]] }}\n')
            else:
                txt += f"fleet = {fleet}\n"
            if rng.random() < 0.5:
                txt += f"cargo = {amount(rng, cargo, rho_avg)}\n"
            else:
                txt += f"cargo = {volume(rng, cargo / rho_avg)}\n"
            txt += (f'distance = "{dist / 1852:.7g} nmi"\n' if rng.random() < 0.5 else f'distance = "{dist / 1e3:.7g} km"\n')
            txt += (f'speed = "{speed * 3600 / 1852:.7g} kn"\n' if rng.random() < 0.5
                    else f'speed = "{speed * 3.6:.7g} km/h"\n')
            txt += f'load_time = "{tl / 3600:.7g} h"\n'
            txt += (f'unload_time = "{tu / 86400:.7g} d"\n' if rng.random() < 0.5 else f'unload_time = "{tu / 3600:.7g} h"\n')
            r = rng.random()
            if r < 0.4:
                txt += "weather = [" + ", ".join(f"{rng.uniform(0.5, 1.0):.4g}" for _ in range(12)) + "]\n"
            elif r < 0.6:
                txt += f"weather = {rng.uniform(0.5, 1.0):.4g}\n"
        elif kind == "port":
            nb = rng.randint(1, 3)
            avail = rng.uniform(0.7, 1.0) if rng.random() < 0.5 else 1.0
            txt += f"berths = {nb}\nrate = {flow(rng, cap / nb / avail, rho_avg)}\n"
            if avail < 1.0:
                txt += f"availability = {avail:.6g}\n"
        elif rng.random() < 0.15:
            d = rng.randint(1, nd - 1)
            c2 = cap * rng.uniform(0.4, 1.6)
            if rng.random() < 0.5:
                p1, p2 = mass_flow(rng, cap), mass_flow(rng, c2)
            else:
                p1, p2 = volume_flow(rng, cap / rho_avg), volume_flow(rng, c2 / rho_avg)
            txt += f'capacity = {{ interp = "step", points = [["{day(0)}", {p1}], ["{day(d)}", {p2}]] }}\n'
        else:
            txt += f"capacity = {flow(rng, cap, rho_avg)}\n"
        if qual is not None and qual[0] == lid:
            txt += f"max_sulphur = {_fraction(qrng, qual[1])}\n"
        blocks.append(("l", txt))
    horizon = nd * DAY
    for sid, s in shippers.items():
        txt = f'[shippers.{sid}]\ngrade = "{s["grade"]}"\norigin = "{s["origin"]}"\n'
        if rng.random() < 0.2:
            d = rng.randint(1, nd - 1)
            v2 = s["supply"] * rng.uniform(0.3, 1.7)
            txt += (f'supply = {{ interp = "step", points = [["{day(0)}", {mass_flow(rng, s["supply"])}], '
                    f'["{day(d)}", {mass_flow(rng, v2)}]] }}\n')
        else:
            txt += f"supply = {flow(rng, s['supply'], s['rho'])}\n"
        if s["priority"] == "interruptible" or rng.random() < 0.3:
            txt += f'priority = "{s["priority"]}"\n'
        for j, r in enumerate(s["routes"]):
            txt += f"\n[[shippers.{sid}.routes]]\n"
            if rng.random() < 0.7:
                txt += f'id = "r{j}"\n'
            txt += "legs = [" + ", ".join(f'"{l}"' for l in r) + "]\n"
            if rng.random() < 0.3:
                c = s["supply"] * horizon * rng.uniform(0.15, 0.9)
                txt += f"annual_ceiling = {amount(rng, c, s['rho'])}\n"
            if j > 0 and s["priority"] == "firm" and rng.random() < 0.3:
                txt += 'priority = "interruptible"\n'
            if rng.random() < 0.1:
                txt += f"nomination = {mass_flow(rng, s['supply'] * rng.uniform(0.5, 1.5))}\n"
        blocks.append(("s", txt))
    evs = []
    for i in range(rng.choices([0, 1, 2], [0.35, 0.4, 0.25])[0]):
        d0 = rng.randint(0, nd - 2)
        d1 = rng.randint(d0 + 1, min(nd, d0 + 1 + nd // 2))
        rem = 0.0 if rng.random() < 0.25 else rng.uniform(0.1, 0.9)
        rem_s = f'"{rem * 100:.6g} %"' if rng.random() < 0.5 else f"{rem:.6g}"
        what = (f'node = "{rng.choice(list(nodes))}"' if rng.random() < 0.15
                else f'leg = "{rng.choice(list(legs))}"')
        evs.append(f'[[events]]\nid = "e{i}"\n{what}\nstart = {day(d0)}\nend = {day(d1)}\nremaining = {rem_s}\n')
    # random file order within each kind (the kinds themselves keep their sections)
    for kind in ("g", "n", "l", "s"):
        bl = [t for k, t in blocks if k == kind]
        rng.shuffle(bl)
        for t in bl:
            w("")
            w(t.rstrip("\n"))
    for e in evs:
        w("")
        w(e.rstrip("\n"))
    return "\n".join(out) + "\n"


def generate(seed):
    rng = random.Random(seed)
    attempt = 0
    while True:
        attempt += 1
        t = _try(rng, random.Random(f"quality-{seed}-{attempt}"))
        if t is not None:
            return t


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
