#!/usr/bin/python3
"""Independent reference implementation ("oracle") of caspflow's allocation and storage dynamics.

Written from docs/model.md, docs/scenario-format.md, docs/output-format.md and docs/quality.md only
(no engine source was read).  It reads a scenario TOML (the subset described in README.md: fixed,
port and non-delayed pipeline legs, storage nodes and tanked origins, sinks, ceilings, priorities,
route preference, nominations, leg and node events, step series) and simulates it *exactly*:

* between two events every input is constant and the allocation depends only on the inputs and the
  discrete state (full nodes, empty shipper stocks, reached ceilings), so every rate is constant and
  every stock is linear in time;
* the next event (a threshold reached by a stock, a cumulative route entry reaching its ceiling, a
  day boundary, mid-day) is computed in closed form and the state advanced exactly;
* per-day integrals give daily means; the limit label is evaluated at mid-day.

Everything is SI: kg, m3, s, kg/s.  See README.md for the rule each part implements and the places
where the documentation is ambiguous.
"""
import datetime as _dt
import math
import re
import sys
import tomllib

DAY = 86400.0
YEAR = 365.25 * DAY
BBL = 0.158987294928

MASS = {"kg": 1.0, "t": 1e3, "kt": 1e6, "Mt": 1e9}
VOLUME = {"m3": 1.0, "L": 1e-3, "bbl": BBL, "kbbl": 1e3 * BBL, "Mbbl": 1e6 * BBL}
MASS_FLOW = {"kg/s": 1.0, "t/h": 1e3 / 3600, "t/d": 1e3 / DAY, "kt/d": 1e6 / DAY, "t/yr": 1e3 / YEAR,
             "kt/yr": 1e6 / YEAR, "Mt/yr": 1e9 / YEAR}
VOLUME_FLOW = {"m3/s": 1.0, "m3/h": 1 / 3600, "m3/d": 1 / DAY, "bbl/d": BBL / DAY, "b/d": BBL / DAY,
               "kb/d": 1e3 * BBL / DAY, "kbbl/d": 1e3 * BBL / DAY, "Mb/d": 1e6 * BBL / DAY,
               "mb/d": 1e6 * BBL / DAY, "Mbbl/d": 1e6 * BBL / DAY}
DENSITY = {"kg/m3": 1.0, "g/cm3": 1e3, "t/m3": 1e3}
FRACTION = {"%": 1e-2, "ppm": 1e-6}

import os
DEBUG = bool(os.environ.get("ORACLE_DEBUG"))
DEBUG_DAY = int(os.environ["ORACLE_DEBUG"]) if os.environ.get("ORACLE_DEBUG", "").lstrip("-").isdigit() else None

SCAN_DOWNSTREAM_FIRST = os.environ.get("ORACLE_SCAN") == "downstream"
FULL_BAND = float(os.environ.get("ORACLE_FULL_BAND", "1e-6"))  # docs/model.md: a full node leaves full 1 ppm below
STOCKED_ABOVE = 1000.0  # docs/model.md: an empty stock becomes stocked again above 1 t


class Unsupported(Exception):
    """The scenario uses a feature the oracle does not model (the case is skipped, not failed)."""


class OracleError(Exception):
    pass


_num = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def quantity(v):
    """(value in SI, dimension) of a scenario value."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v), "number"
    m = _num.match(str(v))
    if not m:
        raise OracleError(f"cannot parse quantity {v!r}")
    x, u = float(m.group(1)), m.group(2)
    if u == "":
        return x, "number"
    for table, dim in ((MASS, "mass"), (VOLUME, "volume"), (MASS_FLOW, "mass_flow"),
                       (VOLUME_FLOW, "volume_flow"), (DENSITY, "density"), (FRACTION, "fraction")):
        if u in table:
            return x * table[u], dim
    raise OracleError(f"unknown unit in {v!r}")


def as_date(v):
    if isinstance(v, _dt.date):
        return v
    return _dt.date.fromisoformat(str(v))


class Series:
    """A step series (or constant) of SI values; `dim` is the dimension of its points."""

    def __init__(self, v):
        if isinstance(v, dict):
            if v.get("interp", "step") != "step":
                raise Unsupported("linear series")
            if "csv" in v:
                raise Unsupported("csv series")
            pts = [(as_date(d), quantity(x)) for d, x in v["points"]]
            self.points = [(d, q[0]) for d, q in pts]
            self.dim = pts[0][1][1]
        else:
            q = quantity(v)
            self.points = None
            self.const = q[0]
            self.dim = q[1]

    def at(self, date):
        """Value holding on the whole day `date` (step series change at 00:00 of a point's date)."""
        if self.points is None:
            return self.const
        val = self.points[0][1]
        for d, x in self.points:
            if d <= date:
                val = x
            else:
                break
        return val


class Seg:
    __slots__ = ("idx", "s", "r", "k", "legs", "frm", "to", "first", "phase")


class Scenario:
    def __init__(self, path):
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
        if "extends" in doc:
            raise Unsupported("extends")
        sim = doc["simulation"]
        self.start = as_date(sim["start"])
        self.end = as_date(sim["end"])
        self.ndays = (self.end - self.start).days + 1
        self.grades = {}
        for gid, g in doc["grades"].items():
            if "density" in g:
                rho = quantity(g["density"])[0]
            else:
                rho = 141.5 / (g["api"] + 131.5) * 999.016
            self.grades[gid] = rho
        # nodes, legs, shippers in file order (tomllib keeps insertion order)
        self.node_ids = list(doc["nodes"])
        self.nodes = []
        for nid in self.node_ids:
            n = doc["nodes"][nid]
            if "segregated" in n:
                raise Unsupported("segregated tanks")
            cap = quantity(n["capacity"])[0] if "capacity" in n else None
            heel = quantity(n["heel"])[0] if "heel" in n else 0.0
            self.nodes.append({"id": nid, "kind": n["kind"], "capacity": cap, "heel": heel,
                               "initial": n.get("initial", {})})
        self.nidx = {nid: i for i, nid in enumerate(self.node_ids)}
        self.leg_ids = list(doc["legs"])
        self.legs = []
        for lid in self.leg_ids:
            l = doc["legs"][lid]
            kind = l["kind"]
            if any(k in l for k in ("max_sulphur", "min_api", "max_api")):
                raise Unsupported("quality limits")
            if kind == "fixed" or kind == "pipeline":
                if "linefill" in l or "hydraulics" in l:
                    raise Unsupported("delayed pipeline")
                cap = Series(l["capacity"])
                legd = {"cap": cap, "basis": "volume" if cap.dim == "volume_flow" else "mass"}
            elif kind == "port":
                rate = quantity(l["rate"])
                legd = {"berths": Series(l["berths"]), "rate": rate[0],
                        "availability": quantity(l.get("availability", 1.0))[0],
                        "basis": "volume" if rate[1] == "volume_flow" else "mass"}
            else:
                raise Unsupported(f"{kind} legs")
            legd.update({"id": lid, "kind": kind, "from": self.nidx[l["from"]], "to": self.nidx[l["to"]]})
            self.legs.append(legd)
        self.lidx = {lid: i for i, lid in enumerate(self.leg_ids)}
        self.shipper_ids = list(doc["shippers"])
        self.sidx = {sid: i for i, sid in enumerate(self.shipper_ids)}
        self.shippers = []
        for sid in self.shipper_ids:
            s = doc["shippers"][sid]
            rho = self.grades[s["grade"]]
            sup = Series(s["supply"])
            prio = s.get("priority", "firm")
            routes = []
            for j, r in enumerate(s["routes"]):
                ceil = None
                if "annual_ceiling" in r:
                    c, dim = quantity(r["annual_ceiling"])
                    ceil = c * rho if dim == "volume" else c
                nom = Series(r["nomination"]) if "nomination" in r else None
                routes.append({"id": r.get("id", f"route{j + 1}"), "legs": [self.lidx[x] for x in r["legs"]],
                               "ceiling": ceil, "nomination": nom, "priority": r.get("priority", prio)})
            self.shippers.append({"id": sid, "rho": rho, "supply": sup, "origin": self.nidx[s["origin"]],
                                  "priority": prio, "routes": routes})
        self.events = []
        for e in doc.get("events", []):
            if "station" in e:
                raise Unsupported("station events")
            self.events.append({"leg": self.lidx.get(e.get("leg")), "node": self.nidx.get(e.get("node")),
                                "start": as_date(e["start"]), "end": as_date(e["end"]),
                                "remaining": quantity(e["remaining"])[0]})
        # storage: nodes with a capacity (storage terminals and tanked origins)
        self.storage = [i for i, n in enumerate(self.nodes) if n["capacity"] is not None]
        self.W = {i: self.nodes[i]["capacity"] - self.nodes[i]["heel"] for i in self.storage}
        # initial stocks (kg) per (node, shipper)
        self.init_stock = {}
        for i in self.storage:
            for sid, v in self.nodes[i]["initial"].items():
                s = self.sidx[sid]
                x, dim = quantity(v)
                self.init_stock[(i, s)] = x * self.shippers[s]["rho"] if dim == "volume" else x
        self._segments()

    def _segments(self):
        """Cut every route at every storage node into segments (docs/model.md)."""
        self.segs = []
        for s, sh in enumerate(self.shippers):
            for r, ro in enumerate(sh["routes"]):
                cur, k, frm = [], 0, sh["origin"]
                for li in ro["legs"]:
                    cur.append(li)
                    to = self.legs[li]["to"]
                    if to in self.W or self.nodes[to]["kind"] == "sink":
                        g = Seg()
                        g.idx, g.s, g.r, g.k, g.legs, g.frm, g.to = len(self.segs), s, r, k, cur, frm, to
                        g.first = k == 0
                        cls = 0 if ro["priority"] == "firm" else 1
                        g.phase = (cls, r)
                        self.segs.append(g)
                        cur, k, frm = [], k + 1, to
                if cur:
                    raise OracleError(f"route {sh['id']}/{ro['id']} does not end at a sink")
        self.route_segs = {}
        for g in self.segs:
            self.route_segs.setdefault((g.s, g.r), []).append(g)
        self.phases = sorted({g.phase for g in self.segs})
        # (node, shipper) pairs that have a stock (a segment of the shipper leaves or enters the node,
        # or the node is the shipper's tanked origin)
        pairs = set(self.init_stock)
        for g in self.segs:
            if g.frm in self.W:
                pairs.add((g.frm, g.s))
            if g.to in self.W:
                pairs.add((g.to, g.s))
        for s, sh in enumerate(self.shippers):
            if sh["origin"] in self.W:
                pairs.add((sh["origin"], s))
        self.pairs = sorted(pairs)

    # ------------------------------------------------------------------ inputs of one day
    def inputs(self, day):
        date = self.start + _dt.timedelta(days=day)
        supply = [sh["supply"].at(date) if sh["supply"].dim == "mass_flow" else sh["supply"].at(date) * sh["rho"]
                  for sh in self.shippers]
        w = {}
        for s, sh in enumerate(self.shippers):
            for r, ro in enumerate(sh["routes"]):
                if ro["nomination"] is None:
                    nom = supply[s]
                else:
                    nom = ro["nomination"].at(date)
                    if ro["nomination"].dim == "volume_flow":
                        nom *= sh["rho"]
                w[(s, r)] = max(nom, 1.0)
        cap = []
        for li, l in enumerate(self.legs):
            if l["kind"] == "port":
                c = l["berths"].at(date) * l["rate"] * l["availability"]
            else:
                c = l["cap"].at(date)
            for e in self.events:
                if e["start"] <= date < e["end"] and (e["leg"] == li or e["node"] in (l["from"], l["to"])):
                    c *= e["remaining"]
            cap.append(c)
        return {"date": date, "supply": supply, "w": w, "cap": cap}

    def flow_scale(self):
        tot = 0.0
        for sh in self.shippers:
            vals = [sh["supply"].const] if sh["supply"].points is None else [x for _, x in sh["supply"].points]
            m = max(vals)
            tot += m if sh["supply"].dim == "mass_flow" else m * sh["rho"]
        return max(tot, 1.0)


# ====================================================================== the allocation at one instant

SUPPLY_REASONS = ("supply", "arrivals")
TRACE = None


class Allocation:
    __slots__ = ("f", "reasons", "shut_in", "stock_rate", "entry_rate", "node_vrate", "sweeps")


def allocate(sc, inp, full, empty, ceil_hit, max_sweeps=500):
    """Weighted progressive filling in phases (docs/model.md "The allocation at one instant").

    full: set of full storage nodes; empty: set of (node, shipper) in the empty mode;
    ceil_hit: set of (shipper, route) whose annual ceiling is reached.

    Every constraint is a row  sum_i c_i f_i <= b  over segments.  Leg capacities have c = 1 (mass) or
    1/rho (volume).  The storage coupling of step 3/4 is a row with coefficients of both signs:
      empty shipper stock at a node:  sum(out segments) - sum(in segments) <= 0   (reason: arrivals)
      full node, per owner:           sum(in segments) - sum(out segments) <= 0   (storage_full:NODE)
    Terms of segments of the phase being filled move with lambda (so a coupled pair of segments of
    one route freezes together: the joint fixed point); terms of segments of later phases enter with
    their value of the previous sweep (Gauss-Seidel fixed point over sweeps; the first sweep treats a
    coupling that depends on a later phase as slack).
    """
    segs = sc.segs
    n = len(segs)
    supply, wts, capl = inp["supply"], inp["w"], inp["cap"]
    inf = math.inf
    scale = sc.flow_scale()
    rows = []
    for li, l in enumerate(sc.legs):
        coef = {}
        for g in segs:
            if li in g.legs:
                coef[g.idx] = 1.0 if l["basis"] == "mass" else 1.0 / sc.shippers[g.s]["rho"]
        if coef:
            rows.append((f"capacity:{l['id']}", capl[li], coef))
    for (node, s) in sc.pairs:
        ins = [g.idx for g in segs if g.s == s and g.to == node]
        outs = [g.idx for g in segs if g.s == s and g.frm == node]
        if (node, s) in empty and outs and node != sc.shippers[s]["origin"]:
            c = {i: 1.0 for i in outs}
            c.update({i: -1.0 for i in ins})
            rows.append(("arrivals", 0.0, c))
        if node in full and ins:
            c = {i: 1.0 for i in ins}
            c.update({i: -1.0 for i in outs})
            rows.append((f"storage_full:{sc.nodes[node]['id']}", 0.0, c))
    w_of = [wts[(g.s, g.r)] for g in segs]
    prev = None
    for sweep in range(max_sweeps):
        f = [0.0] * n
        reasons = [set() for _ in range(n)]
        done = [False] * n
        for ph in sc.phases:
            inph = {g.idx for g in segs if g.phase == ph}
            caps = {}
            for i in inph:
                g = segs[i]
                if not g.first:
                    caps[i] = (inf, None)
                    continue
                sh = sc.shippers[g.s]
                if (g.s, g.r) in ceil_hit:
                    caps[i] = (0.0, f"ceiling:{sh['id']}/{sh['routes'][g.r]['id']}")
                elif sh["origin"] in sc.W and (sh["origin"], g.s) not in empty:
                    caps[i] = (inf, None)
                else:
                    taken = sum(f[h.idx] for h in segs if h.s == g.s and h.first and done[h.idx])
                    caps[i] = (max(supply[g.s] - taken, 0.0), "supply")
            # constant part of each row for this phase
            rconst = []
            for (why, b, coef) in rows:
                used, slack_inf = 0.0, False
                for j, c in coef.items():
                    if done[j]:
                        used += c * f[j]
                    elif j not in inph and c < 0:
                        if prev is None:
                            slack_inf = True
                        else:
                            used += c * prev[j]
                rconst.append(inf if slack_inf else b - used)
            U = set(inph)
            lam = 0.0
            while U:
                cand = []
                for i in U:
                    c, why = caps[i]
                    if c < inf:
                        cand.append((c / w_of[i], ("cap", i, why)))
                for k, (why, b, coef) in enumerate(rows):
                    if rconst[k] == inf:
                        continue
                    den = sum(c * w_of[j] for j, c in coef.items() if j in U)
                    if den <= 1e-300:
                        continue
                    fro = sum(c * f[j] for j, c in coef.items() if j in inph and j not in U)
                    cand.append(((rconst[k] - fro) / den, ("row", why, coef)))
                if not cand:
                    raise OracleError("unbounded segment (no finite constraint)")
                lmin = max(min(c[0] for c in cand), lam)
                lam = lmin
                tol = 1e-12 * max(abs(lmin), 1e-9)
                hit = [c[1] for c in cand if c[0] <= lmin + tol]
                for i in U:
                    f[i] = lam * w_of[i]
                newly = set()
                for h in hit:
                    if h[0] == "cap":
                        newly.add(h[1])
                        reasons[h[1]].add(h[2])
                    else:
                        for j, c in h[2].items():
                            if j in U and c > 0:
                                newly.add(j)
                                reasons[j].add(h[1])
                # ties: a row that would also have stopped a segment frozen now, at this same lambda
                # (e.g. "takes no more than what arrives" when what arrives froze at the same instant)
                rest = U - newly
                for k, (why, b, coef) in enumerate(rows):
                    if rconst[k] == inf:
                        continue
                    js = [j for j in newly if coef.get(j, 0.0) > 0 and why not in reasons[j]]
                    if not js:
                        continue
                    U2 = rest | set(js)
                    den2 = sum(c * w_of[j] for j, c in coef.items() if j in U2)
                    if den2 <= 1e-300:
                        continue
                    fro2 = sum(c * f[j] for j, c in coef.items() if j in inph and j not in U2)
                    if (rconst[k] - fro2) / den2 <= lam + tol:
                        for j in js:
                            reasons[j].add(why)
                for i in newly:
                    done[i] = True
                U -= newly
        if prev is not None and max(abs(a - b) for a, b in zip(f, prev)) <= 1e-13 * scale:
            break
        if TRACE is not None:
            TRACE.append(list(f))
        prev = f
    else:
        raise OracleError(f"allocation fixed point did not converge in {max_sweeps} sweeps")
    a = Allocation()
    a.f, a.reasons, a.sweeps = f, reasons, sweep + 1
    # shut-in and stock rates
    takes = [0.0] * len(sc.shippers)
    for g in segs:
        if g.first:
            takes[g.s] += f[g.idx]
    a.shut_in = []
    for s, sh in enumerate(sc.shippers):
        o = sh["origin"]
        if o not in sc.W or o in full:
            a.shut_in.append(max(supply[s] - takes[s], 0.0))
        else:
            a.shut_in.append(0.0)
    a.stock_rate = {}
    for (node, s) in sc.pairs:
        r = sum(f[g.idx] for g in segs if g.s == s and g.to == node)
        r -= sum(f[g.idx] for g in segs if g.s == s and g.frm == node)
        if sc.shippers[s]["origin"] == node:
            r += supply[s] - a.shut_in[s]
        a.stock_rate[(node, s)] = r
    a.node_vrate = {node: 0.0 for node in sc.W}
    for (node, s), r in a.stock_rate.items():
        a.node_vrate[node] += r / sc.shippers[s]["rho"]
    a.entry_rate = {}
    for g in segs:
        if g.first:
            a.entry_rate[(g.s, g.r)] = f[g.idx]
    return a


def limit_labels(sc, a, s):
    """Acceptable limit labels of shipper s (a set: more than one only when constraints tie)."""
    out = set()
    # scan routes in preference order, segments upstream -> downstream
    chain = []
    for r in range(len(sc.shippers[s]["routes"])):
        rs = sc.route_segs[(s, r)]
        # ORACLE_SCAN=downstream reproduces the engine defect 4 (diagnosis only, not the documented rule)
        chain.extend(reversed(rs) if SCAN_DOWNSTREAM_FIRST else rs)

    def scan(i):
        if i == len(chain):
            out.add("supply")
            return
        rs = a.reasons[chain[i].idx]
        hard = {x for x in rs if x not in SUPPLY_REASONS}
        out.update(hard)
        if not hard or (rs & set(SUPPLY_REASONS)):
            scan(i + 1)

    scan(0)
    return out


def all_hard_reasons(sc, a, s):
    """Every non-supply freezing reason on the shipper's segments, in the documented scan order."""
    seq = []
    for r in range(len(sc.shippers[s]["routes"])):
        for g in sc.route_segs[(s, r)]:
            seq.extend(sorted(x for x in a.reasons[g.idx] if x not in SUPPLY_REASONS))
    return seq


# ====================================================================== exact event-driven dynamics

class Result:
    pass


def combine(a_full, a_free, alpha):
    """The sliding-mode (Filippov) combination alpha*full + (1-alpha)*free of two allocations."""
    c = Allocation()
    c.f = [alpha * x + (1 - alpha) * y for x, y in zip(a_full.f, a_free.f)]
    c.shut_in = [alpha * x + (1 - alpha) * y for x, y in zip(a_full.shut_in, a_free.shut_in)]
    c.stock_rate = {k: alpha * a_full.stock_rate[k] + (1 - alpha) * a_free.stock_rate[k] for k in a_full.stock_rate}
    c.entry_rate = {k: alpha * a_full.entry_rate[k] + (1 - alpha) * a_free.entry_rate[k] for k in a_full.entry_rate}
    c.node_vrate = {k: alpha * a_full.node_vrate[k] + (1 - alpha) * a_free.node_vrate[k] for k in a_full.node_vrate}
    c.reasons = None
    c.sweeps = 0
    return c


def simulate(sc, max_events_per_day=20000):
    nd = sc.ndays
    S = len(sc.shippers)
    L = len(sc.legs)
    scale = sc.flow_scale()
    stock = {p: sc.init_stock.get(p, 0.0) for p in sc.pairs}
    empty = {p for p in sc.pairs if stock[p] <= 0.0}
    full = {i for i in sc.W if sum(stock[p] / sc.shippers[p[1]]["rho"] for p in sc.pairs if p[0] == i)
            >= sc.W[i]}
    entry = {(s, r): 0.0 for s, sh in enumerate(sc.shippers) for r in range(len(sh["routes"]))}
    ceil_hit = {k for k in entry if sc.shippers[k[0]]["routes"][k[1]]["ceiling"] is not None
                and sc.shippers[k[0]]["routes"][k[1]]["ceiling"] <= 0}
    res = Result()
    res.flow = [[[0.0] * S for _ in range(L)] for _ in range(nd)]     # kg/s daily mean
    res.shut_in = [[0.0] * S for _ in range(nd)]
    res.supply = [[0.0] * S for _ in range(nd)]
    res.stock = [dict() for _ in range(nd)]                            # kg at end of day
    res.limit = [[None] * S for _ in range(nd)]
    res.hard = [[None] * S for _ in range(nd)]
    res.sliding_days = set()
    res.notes = []
    vol = lambda i: sum(stock[p] / sc.shippers[p[1]]["rho"] for p in sc.pairs if p[0] == i)

    def rates(inp):
        """Allocation for the current discrete state, resolving full nodes into sliding mode."""
        a = allocate(sc, inp, full, empty, ceil_hit)
        sliding = {}
        for i in sorted(full):
            if a.node_vrate[i] < -1e-12 * scale / 1000:
                a_free = allocate(sc, inp, full - {i}, empty, ceil_hit)
                if a_free.node_vrate[i] > 1e-12 * scale / 1000:
                    sliding[i] = a_free
        if len(sliding) > 1:
            raise Unsupported("two storage nodes in sliding mode at once")
        if sliding:
            (i, a_free), = sliding.items()
            d1, d2 = a.node_vrate[i], a_free.node_vrate[i]
            alpha = d2 / (d2 - d1)
            c = combine(a, a_free, alpha)
            c.node_vrate[i] = 0.0
            return c, (i, a, a_free)
        return a, None

    for day in range(nd):
        if day > 0 and sc.start + _dt.timedelta(days=day) == _dt.date((sc.start + _dt.timedelta(days=day)).year, 1, 1):
            for k in entry:
                entry[k] = 0.0
            ceil_hit.clear()
        inp = sc.inputs(day)
        t, t_end, t_mid = 0.0, DAY, 0.5 * DAY
        acc_f = [0.0] * len(sc.segs)
        acc_shut = [0.0] * S
        nev = 0
        flips = {}
        mid_done = False
        while t < t_end:
            nev += 1
            if nev > max_events_per_day:
                raise Unsupported(f"more than {max_events_per_day} events on day {day}")
            a, slide = rates(inp)
            if slide is not None:
                res.sliding_days.add(day)
            if not mid_done and t >= t_mid:
                mid_done = True
                for s in range(S):
                    if slide is None:
                        res.limit[day][s] = limit_labels(sc, a, s)
                        res.hard[day][s] = all_hard_reasons(sc, a, s)
                    else:
                        res.limit[day][s] = limit_labels(sc, slide[1], s) | limit_labels(sc, slide[2], s)
                        res.hard[day][s] = all_hard_reasons(sc, slide[1], s) + all_hard_reasons(sc, slide[2], s)
            # next event
            target = t_mid if not mid_done else t_end
            dt = target - t
            evs = []
            for p in sc.pairs:
                r = a.stock_rate[p]
                if p in empty:
                    if r > 0:
                        evs.append(((STOCKED_ABOVE - stock[p]) / r, ("stocked", p)))
                else:
                    if r < 0:
                        evs.append((stock[p] / -r, ("empty", p)))
            for i in sc.W:
                if slide is not None and slide[0] == i:
                    continue
                r = a.node_vrate[i]
                if i in full:
                    if r < 0:
                        evs.append(((vol(i) - sc.W[i] * (1 - FULL_BAND)) / -r, ("unfull", i)))
                else:
                    if r > 0:
                        evs.append(((sc.W[i] - vol(i)) / r, ("full", i)))
            for k, r in a.entry_rate.items():
                c = sc.shippers[k[0]]["routes"][k[1]]["ceiling"]
                if c is not None and k not in ceil_hit and r > 0:
                    evs.append(((c - entry[k]) / r, ("ceiling", k)))
            hits = []
            if evs:
                emin = max(min(e[0] for e in evs), 0.0)
                if emin <= dt:
                    dt = emin
                    hits = [e[1] for e in evs if e[0] <= emin * (1 + 1e-12) + 1e-9]
            if DEBUG and (DEBUG_DAY is None or DEBUG_DAY == day):
                print(f"day {day} t={t:.6f} dt={dt:.6g} hits={hits} full={sorted(full)} empty={sorted(empty)} "
                      f"slide={slide[0] if slide else None} vrate={a.node_vrate}", file=sys.stderr)
            # advance exactly
            for j in range(len(sc.segs)):
                acc_f[j] += a.f[j] * dt
            for s in range(S):
                acc_shut[s] += a.shut_in[s] * dt
            for p in sc.pairs:
                stock[p] += a.stock_rate[p] * dt
            for k in entry:
                entry[k] += a.entry_rate[k] * dt
            t = target if (not hits or t + dt >= target) else t + dt
            for kind, p in hits:
                if kind == "stocked":
                    empty.discard(p)
                elif kind == "empty":
                    stock[p] = 0.0
                    empty.add(p)
                elif kind == "unfull":
                    full.discard(p)
                elif kind == "full":
                    full.add(p)
                    flips[p] = flips.get(p, 0) + 1
                    if flips[p] > 50:
                        raise Unsupported(f"chatter at node {sc.node_ids[p]} on day {day} that the single-node "
                                          "sliding mode does not resolve (coupled storage nodes)")
                elif kind == "ceiling":
                    entry[p] = sc.shippers[p[0]]["routes"][p[1]]["ceiling"]
                    ceil_hit.add(p)
        for g in sc.segs:
            for li in g.legs:
                res.flow[day][li][g.s] += acc_f[g.idx] / DAY
        res.shut_in[day] = [x / DAY for x in acc_shut]
        res.supply[day] = list(inp["supply"])
        res.stock[day] = dict(stock)
    return res


def main(argv):
    sc = Scenario(argv[1])
    res = simulate(sc)
    for d in range(sc.ndays):
        print(d, [[round(x * 86.4, 6) for x in row] for row in res.flow[d]],
              [round(x * 86.4, 6) for x in res.shut_in[d]],
              {f"{sc.node_ids[n]}/{sc.shipper_ids[s]}": round(v / 1e3, 6) for (n, s), v in res.stock[d].items()},
              [sorted(x) for x in res.limit[d]])


if __name__ == "__main__":
    main(sys.argv)
