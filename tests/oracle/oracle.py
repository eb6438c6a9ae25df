#!/usr/bin/python3
"""Independent reference implementation ("oracle") of caspflow's allocation and storage dynamics.

Written from docs/model.md, docs/scenario-format.md, docs/output-format.md and docs/quality.md only
(no engine source was read).  It reads a scenario TOML (the subset described in README.md: fixed,
port, tanker and non-delayed pipeline legs, storage nodes and tanked origins, sinks, ceilings,
priorities, route preference, nominations, leg and node events, step series) and simulates it
*exactly*:

* between two events every input is constant and the allocation depends only on the inputs, the
  discrete state (full partitions, empty shipper stocks, reached ceilings) and what tanker legs
  discharge now (piecewise constant, shifted copies of past loadings), so every rate is constant and
  every stock is linear in time;
* the next event (a threshold reached by a stock or a level, a cumulative route entry reaching its
  ceiling, a tanker discharge changing, mid-day, the day's end) is computed in closed form and the
  state advanced exactly;
* per-day integrals give daily means; the limit label is evaluated at mid-day.

Everything is SI: kg, m3, s, kg/s.  See README.md for the rule each part implements.
"""
import bisect
import datetime as _dt
import math
import os
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
LENGTH = {"m": 1.0, "km": 1e3, "mm": 1e-3, "in": 0.0254, "ft": 0.3048, "mi": 1609.344, "nmi": 1852.0}
TIME = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": DAY, "day": DAY, "days": DAY, "yr": YEAR}
SPEED = {"m/s": 1.0, "km/h": 1e3 / 3600, "kn": 1852.0 / 3600}

DEBUG = bool(os.environ.get("ORACLE_DEBUG"))
DEBUG_DAY = int(os.environ["ORACLE_DEBUG"]) if os.environ.get("ORACLE_DEBUG", "").lstrip("-").isdigit() else None

STOCKED_ABOVE = 1000.0      # docs/model.md: an empty stock becomes stocked again above 1 t
START_EMPTY_AT = 500.0      # docs/model.md: an initial stock of 0.5 t or less starts empty
FULL_WITHIN = 1e-6          # docs/model.md: a partition within 1 ppm of its capacity whose level would rise is full
NET_GUARD = 1e-10           # docs/model.md: round-off guard, 1e-10 of the volume rate through the node
TIE = 1e-9                  # two constraints that freeze a segment at flows this close (x flow scale) tie
# diagnosis only (not the documented rule): ORACLE_ARRIVALS=previous takes the arrivals of the segments
# of the phase being filled from the previous sweep (a Jacobi lag) instead of moving them with lambda
ARRIVALS_LAGGED = os.environ.get("ORACLE_ARRIVALS") == "previous"
CYCLE_ROUNDOFF = 1e-12      # a cycle of the sweeps this small (x flow scale) is round-off: settled (model.md 1e-12)
SWEEP_TOL = 1e-12           # sweeps stop when no segment flow changes by more than this x the flow scale (model.md: 1e-12)


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
                       (VOLUME_FLOW, "volume_flow"), (DENSITY, "density"), (FRACTION, "fraction"),
                       (LENGTH, "length"), (TIME, "time"), (SPEED, "speed")):
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
    __slots__ = ("idx", "s", "r", "k", "legs", "frm", "to", "first", "phase", "delayed", "rank")


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
        self.sulphur = {}
        for gid, g in doc["grades"].items():
            self.sulphur[gid] = quantity(g.get("sulphur", 0.0))[0]   # mass fraction (docs/scenario-format.md)
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
            if any(k in l for k in ("min_api", "max_api")):
                raise Unsupported("API quality limits")
            max_s = quantity(l["max_sulphur"])[0] if "max_sulphur" in l else None
            if kind == "fixed" or kind == "pipeline":
                if "linefill" in l or "hydraulics" in l:
                    raise Unsupported("delayed pipeline")
                cap = Series(l["capacity"])
                legd = {"cap": cap, "basis": "volume" if cap.dim == "volume_flow" else "mass", "tau": None}
            elif kind == "port":
                rate = quantity(l["rate"])
                legd = {"berths": Series(l["berths"]), "rate": rate[0],
                        "availability": quantity(l.get("availability", 1.0))[0],
                        "basis": "volume" if rate[1] == "volume_flow" else "mass", "tau": None}
            elif kind == "tanker":
                cargo, cdim = quantity(l["cargo"])
                dist, speed = quantity(l["distance"])[0], quantity(l["speed"])[0]
                tload, tunload = quantity(l["load_time"])[0], quantity(l["unload_time"])[0]
                wx = l.get("weather", 1.0)
                wx = [quantity(x)[0] for x in wx] if isinstance(wx, list) else [quantity(wx)[0]] * 12
                legd = {"fleet": Series(l["fleet"]), "cargo": cargo,
                        "cycle": 2 * dist / speed + tload + tunload, "weather": wx,
                        "basis": "volume" if cdim == "volume" else "mass",
                        "tau": tload / 2 + dist / speed + tunload / 2}
            else:
                raise Unsupported(f"{kind} legs")
            legd.update({"max_sulphur": max_s, "id": lid, "kind": kind, "from": self.nidx[l["from"]], "to": self.nidx[l["to"]]})
            self.legs.append(legd)
        self.lidx = {lid: i for i, lid in enumerate(self.leg_ids)}
        self.delayed_legs = [i for i, l in enumerate(self.legs) if l["tau"] is not None]
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
            self.shippers.append({"id": sid, "rho": rho, "sulphur": self.sulphur[s["grade"]], "supply": sup, "origin": self.nidx[s["origin"]],
                                  "priority": prio, "routes": routes})
        self.events = []
        for e in doc.get("events", []):
            if "station" in e:
                raise Unsupported("station events")
            self.events.append({"leg": self.lidx.get(e.get("leg")), "node": self.nidx.get(e.get("node")),
                                "start": as_date(e["start"]), "end": as_date(e["end"]),
                                "remaining": quantity(e["remaining"])[0]})
        # storage partitions: nodes with a capacity (storage terminals and tanked origins), working volume W
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
                    if cur and self.legs[cur[-1]]["tau"] is not None:
                        raise OracleError("a delayed leg that is not the last of its segment")
                    cur.append(li)
                    to = self.legs[li]["to"]
                    if to in self.W or self.nodes[to]["kind"] == "sink":
                        g = Seg()
                        g.idx, g.s, g.r, g.k, g.legs, g.frm, g.to = len(self.segs), s, r, k, cur, frm, to
                        g.first = k == 0
                        g.delayed = self.legs[cur[-1]]["tau"] is not None
                        cls = 0 if ro["priority"] == "firm" else 1
                        g.phase = (cls, r)     # docs/model.md step 1: rank = position in the routes list
                        # tie order inside one segment (docs/model.md): own cap, legs upstream ->
                        # downstream, (quality), the full partition at its downstream end
                        g.rank = {"cap": 0, "full": 10000}
                        for p, l2 in enumerate(cur):
                            g.rank[("leg", l2)] = 1 + p
                            g.rank[("quality", l2)] = 1000 + p
                        self.segs.append(g)
                        cur, k, frm = [], k + 1, to
                if cur:
                    raise OracleError(f"route {sh['id']}/{ro['id']} does not end at a sink")
        self.route_segs = {}
        for g in self.segs:
            self.route_segs.setdefault((g.s, g.r), []).append(g)
        self.phases = sorted({g.phase for g in self.segs})
        self.phase_segs = {ph: [g.idx for g in self.segs if g.phase == ph] for ph in self.phases}
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
        self.owners = {i: [s for (n, s) in self.pairs if n == i] for i in self.W}
        self.seg_in = {p: [g.idx for g in self.segs if g.s == p[1] and g.to == p[0]] for p in self.pairs}
        self.seg_out = {p: [g.idx for g in self.segs if g.s == p[1] and g.frm == p[0]] for p in self.pairs}
        for i in self.W:
            if self.nodes[i]["kind"] == "origin" and any(self.seg_in[(i, s)] for s in self.owners[i]):
                raise Unsupported("routes into a tanked origin")
        # leg rows: leg -> [(segment, coefficient)]
        self.leg_rows = []
        for li, l in enumerate(self.legs):
            row = []
            for g in self.segs:
                if li in g.legs:
                    row.append((g.idx, 1.0 if l["basis"] == "mass" else 1.0 / self.shippers[g.s]["rho"]))
            self.leg_rows.append(row)
        # quality rows (docs/quality.md): leg -> [(segment, a_s = S_s - S_max)] over the segments entering
        # the leg; sum a_s f_s <= 0, the diluters (a < 0) make room for the offenders (a > 0)
        self.qual_rows = []
        for li, l in enumerate(self.legs):
            if l["max_sulphur"] is None:
                continue
            row = [(g.idx, self.shippers[g.s]["sulphur"] - l["max_sulphur"]) for g in self.segs if li in g.legs]
            self.qual_rows.append((li, row))
        # tanker loading -> discharge: (leg, shipper) of delayed segments
        self.delayed_pairs = sorted({(g.legs[-1], g.s) for g in self.segs if g.delayed})

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
            elif l["kind"] == "tanker":
                c = l["fleet"].at(date) * l["cargo"] / l["cycle"] * l["weather"][date.month - 1]
            else:
                c = l["cap"].at(date)
            for e in self.events:   # several events on one element multiply (docs/model.md)
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

TRACE = None


class Allocation:
    __slots__ = ("f", "why", "shut_in", "stock_rate", "entry_rate", "level_rate", "through", "sweeps")


def _room_used_up_at(lam, terms, R, eps):
    """Smallest lambda' >= lam with sum_o max(0, c_o + lambda' d_o - A_o) >= R (inf if never).

    terms: [(c_o, d_o, A_o)] with d_o >= 0; the function is convex, piecewise linear, nondecreasing."""
    def g(x):
        return sum(max(0.0, c + x * d - A) for c, d, A in terms) - R
    xs = [lam] + sorted({(A - c) / d for c, d, A in terms if d > 0 and (A - c) / d > lam})
    for k, x in enumerate(xs):
        gx = g(x)
        if gx >= -eps:
            return x
        if k + 1 < len(xs):
            b = xs[k + 1]
            mid = 0.5 * (x + b)
            slope = sum(d for c, d, A in terms if d > 0 and c + mid * d > A)
        else:
            b = math.inf
            slope = sum(d for c, d, A in terms if d > 0)
        if slope > 0:
            root = x - gx / slope
            if root <= b:
                return root
    return math.inf


class NotSettled(OracleError):
    """The Gauss-Seidel sweeps cycle or do not converge."""


def allocate(sc, inp, full, empty, ceil_hit, disch):
    """The allocation at one instant: the sweeps with the previous-sweep quality room; when they do not
    settle and there are quality rows, each row's room R is found instead as the fixed point of the
    decreasing map R -> room(allocation with room R), by bisection, row by row, repeated over the rows
    when there are several (docs/model.md "The allocation at one instant")."""
    try:
        return _allocate(sc, inp, full, empty, ceil_hit, disch)
    except NotSettled:
        if not sc.qual_rows:
            raise
    rows = sc.qual_rows
    qr = {li: 0.0 for li, _ in rows}

    def room_of(a, li, qrow):
        return sum(-c * a.f[j] for j, c in qrow if c < 0)

    def room_at(li, qrow, R):
        qr[li] = R
        return room_of(_allocate(sc, inp, full, empty, ceil_hit, disch, qfixed=dict(qr)), li, qrow)

    for _ in range(1 if len(rows) == 1 else 8):
        for li, qrow in rows:
            lo, hi = 0.0, room_at(li, qrow, 0.0)
            for _ in range(200):
                if hi - lo <= 1e-13 * max(hi, 1e-12):
                    break
                mid = 0.5 * (lo + hi)
                if mid - room_at(li, qrow, mid) >= 0:
                    hi = mid
                else:
                    lo = mid
            qr[li] = hi   # the side where the offenders stay within the room
    return _allocate(sc, inp, full, empty, ceil_hit, disch, qfixed=dict(qr))


def _allocate(sc, inp, full, empty, ceil_hit, disch, max_sweeps=5000, qfixed=None):
    """Weighted progressive filling in phases (docs/model.md "The allocation at one instant").

    full: set of full storage partitions (nodes); empty: set of (node, shipper) in the empty mode;
    ceil_hit: set of (shipper, route) whose annual ceiling is reached; disch: {(node, shipper): kg/s}
    discharged now by tanker legs.

    Gauss-Seidel fixed point around the filling (docs/model.md): the first sweep ignores storage
    coupling (no cap "what arrives" at an empty stock, no full-partition rule); each later sweep takes
    the outflows of full partitions (the allowances), the freed room R and the arrivals of segments not
    yet filled in this sweep from the previous sweep.  Within a sweep the phases are filled in order,
    each in what earlier phases left.
    """
    segs = sc.segs
    n = len(segs)
    supply, wts, capl = inp["supply"], inp["w"], inp["cap"]
    inf = math.inf
    scale = sc.flow_scale()
    w_of = [wts[(g.s, g.r)] for g in segs]
    rho_s = [sh["rho"] for sh in sc.shippers]
    # full partitions that constrain segments (tanked origins have no inflow segments)
    fullP = [P for P in sorted(full) if sc.nodes[P]["kind"] != "origin"]
    prev = None
    recent = []     # the sweeps before prev (cycle detection)
    for sweep in range(max_sweeps):
        f = [0.0] * n
        why = [None] * n
        done = [False] * n
        # allowances and freed room of every full partition, from the previous sweep
        allow, room = {}, {}
        if prev is not None:
            for P in fullP:
                R = 0.0
                for o in sc.owners[P]:
                    out = sum(prev[j] for j in sc.seg_out[(P, o)]) / rho_s[o]
                    inn = sum(prev[j] for j in sc.seg_in[(P, o)]) / rho_s[o]
                    allow[(P, o)] = out
                    R += max(0.0, out - inn)
                room[P] = R
        qrooms = sc.qual_rows
        qrow_room = {}
        if qfixed is not None:
            qrow_room = dict(qfixed)
        elif prev is not None:
            for li, qrow in qrooms:
                qrow_room[li] = sum(-c * prev[j] for j, c in qrow if c < 0)
        for ph in sc.phases:
            inph = sc.phase_segs[ph]
            caps = {}
            for i in inph:
                g = segs[i]
                sh = sc.shippers[g.s]
                if g.first:
                    if (g.s, g.r) in ceil_hit:
                        caps[i] = (0.0, f"ceiling:{sh['id']}/{sh['routes'][g.r]['id']}")
                    elif sh["origin"] in sc.W and (sh["origin"], g.s) not in empty:
                        caps[i] = (inf, None)
                    else:
                        taken = sum(f[h.idx] for h in segs if h.s == g.s and h.first and done[h.idx])
                        caps[i] = (max(supply[g.s] - taken, 0.0), "supply")
                else:
                    caps[i] = (inf, None)   # stocked; or empty: the arrivals row below
            # "takes no more than what arrives" at an empty stock, as a row over the segments of the
            # shipper at that node: outflows (earlier phases and this one) - arrivals <= discharge now.
            # Arrivals of this phase grow with lambda (so a pass-through route's segments freeze
            # together), of earlier phases take their value, of later phases their previous-sweep value.
            arows = []
            if prev is not None:
                for p in sc.pairs:
                    if p not in empty:
                        continue
                    outs = [j for j in sc.seg_out[p] if j in inph and not segs[j].first]
                    if not outs:
                        continue
                    ins = [j for j in sc.seg_in[p] if not segs[j].delayed]
                    fixed_in = [j for j in ins if segs[j].phase != ph or ARRIVALS_LAGGED]
                    b = disch.get(p, 0.0) + sum(f[j] if done[j] else prev[j] for j in fixed_in)
                    b -= sum(f[j] for j in sc.seg_out[p] if done[j] and not segs[j].first)
                    live = [j for j in ins if j not in fixed_in]
                    if live and b < -TIE * scale:
                        # better-ranked segments already send on more than the other arrivals: the live
                        # arrivals are taken at their previous-sweep value instead (docs/model.md), so the
                        # cap is what arrives less what is sent on, not zero until the arrivals catch up
                        b += sum(prev[j] for j in live)
                        live = []
                    arows.append((b, outs, live))
            U = set(inph)
            lam = 0.0
            while U:
                cand = []   # (lambda, segment, label, tie rank)
                for i in U:
                    c, lab = caps[i]
                    if c < inf:
                        cand.append((c / w_of[i], i, lab, segs[i].rank["cap"]))
                for li, row in enumerate(sc.leg_rows):
                    den = sum(c * w_of[j] for j, c in row if j in U)
                    if den <= 0:
                        continue
                    rem = capl[li] - sum(c * f[j] for j, c in row if j not in U)
                    lt = max(rem / den, lam)
                    lab = f"capacity:{sc.legs[li]['id']}"
                    for j, c in row:
                        if j in U:
                            cand.append((lt, j, lab, segs[j].rank[("leg", li)]))
                for (b, outs, ins) in arows:
                    if not any(j in U for j in outs):
                        continue
                    den = sum(w_of[j] for j in outs if j in U) - sum(w_of[j] for j in ins if j in U)
                    slack = b - sum(f[j] for j in outs) + sum(f[j] for j in ins)   # at the current lambda
                    if slack < -TIE * scale:
                        lt = lam        # a better-ranked route already sends on what this one brings: stop now
                    elif den > 0:
                        lt = lam + max(slack, 0.0) / den
                    else:
                        continue        # the arrivals grow at least as fast as the outflows
                    for j in outs:
                        if j in U:
                            cand.append((lt, j, "supply", segs[j].rank["cap"]))
                # quality limits (docs/quality.md, docs/model.md): sum_s a_s f_s <= 0 over the segments
                # entering the leg; the room sum_{a<0} |a| f is the diluters' flows of the previous sweep
                # (the first sweep ignores quality limits); the offenders' flows are this sweep's
                # (earlier phases fixed, this phase growing, later phases 0)
                if prev is not None or qfixed is not None:
                    for li, qrow in qrooms:
                        offs = [(j, c) for j, c in qrow if c > 0]
                        den = sum(c * w_of[j] for j, c in offs if j in U)
                        if den <= 0:
                            continue
                        used = sum(c * f[j] for j, c in offs if j not in U)
                        lt = max((qrow_room[li] - used) / den, lam)
                        lab = f"quality:{sc.legs[li]['id']}"
                        for j, c in offs:
                            if j in U:
                                cand.append((lt, j, lab, segs[j].rank[("quality", li)]))
                if prev is not None:
                    for P in fullP:
                        terms, grow = [], {}
                        for o in sc.owners[P]:
                            cvol = sum(f[j] for j in sc.seg_in[(P, o)] if j not in U) / rho_s[o]
                            gs = [j for j in sc.seg_in[(P, o)] if j in U]
                            dvol = sum(w_of[j] for j in gs) / rho_s[o]
                            terms.append((cvol, dvol, allow[(P, o)]))
                            if gs:
                                grow[o] = (gs, cvol, dvol, allow[(P, o)])
                        if not grow:
                            continue
                        lstar = _room_used_up_at(lam, terms, room[P], 1e-15 * scale)
                        if lstar == inf:
                            continue
                        lab = f"storage_full:{sc.nodes[P]['id']}"
                        for o, (gs, cvol, dvol, A) in grow.items():
                            lo = max(lstar, (A - cvol) / dvol, lam)
                            for j in gs:
                                cand.append((lo, j, lab, segs[j].rank["full"]))
                if not cand:
                    raise OracleError("unbounded segment (no finite constraint)")
                lmin = max(min(c[0] for c in cand), lam)
                lam = lmin
                for i in U:
                    f[i] = lam * w_of[i]
                best = {}
                for (lt, j, lab, rk) in cand:
                    # a tie: the two constraints would freeze the segment at flows TIE x scale apart
                    if (lt - lmin) * w_of[j] <= TIE * max(scale, lmin * w_of[j]):
                        if j not in best or rk < best[j][0]:
                            best[j] = (rk, lab)
                # a segment frozen now can make the cap "what arrives" of a segment downstream tight at
                # this same lambda (its arrivals stop growing): a tie inside that segment (own cap first)
                while True:
                    U2 = U - set(best)
                    more = False
                    for (b, outs, ins) in arows:
                        og = [j for j in outs if j in U]
                        if not og:
                            continue
                        slack = b - sum(f[j] for j in outs) + sum(f[j] for j in ins)
                        if slack > TIE * scale:
                            continue
                        gin = sum(w_of[j] for j in ins if j in U2)
                        gout = sum(w_of[j] for j in outs if j in U2)
                        if gin > 0 and gout <= gin:
                            continue
                        for j in og:
                            if j not in best or best[j][0] > segs[j].rank["cap"]:
                                best[j] = (segs[j].rank["cap"], "supply")
                                more = True
                    if not more:
                        break
                for j, (rk, lab) in best.items():
                    why[j] = lab
                    done[j] = True
                U -= set(best)
        if prev is not None and max((abs(a - b) for a, b in zip(f, prev)), default=0.0) <= SWEEP_TOL * scale:
            break
        if TRACE is not None:
            TRACE.append(list(f))
        # an exact cycle of the sweeps (period 2..8) can never settle: say so at once
        cycled = False
        for k, old in enumerate(reversed(recent)):
            if max((abs(x - y) for x, y in zip(f, old)), default=0.0) <= SWEEP_TOL * scale:
                amp = max((abs(x - y) for x, y in zip(f, prev)), default=0.0) / scale
                if amp <= CYCLE_ROUNDOFF:
                    cycled = True   # a cycle of round-off: the sweeps have settled (docs/model.md: 1e-12)
                    break
                raise NotSettled(f"allocation sweeps cycle with period {k + 2} (sweep {sweep + 1}, "
                                  f"amplitude {amp:.3g} of the flow scale)")
        if cycled:
            break
        if prev is not None:
            recent.append(prev)
            del recent[:-7]
        prev = f
    else:
        raise NotSettled(f"allocation fixed point did not converge in {max_sweeps} sweeps")
    a = Allocation()
    a.f, a.why, a.sweeps = f, why, sweep + 1
    # shut-in (docs/model.md "Then, per shipper"; full origin partitions: the pro-rata rule)
    takes = [0.0] * len(sc.shippers)
    for g in segs:
        if g.first:
            takes[g.s] += f[g.idx]
    a.shut_in = [0.0] * len(sc.shippers)
    for s, sh in enumerate(sc.shippers):
        if sh["origin"] not in sc.W:
            a.shut_in[s] = max(supply[s] - takes[s], 0.0)
    for P in sorted(full):
        if sc.nodes[P]["kind"] != "origin":
            continue
        exc, freed = {}, 0.0
        for o in sc.owners[P]:
            inn = (supply[o] if sc.shippers[o]["origin"] == P else 0.0) / rho_s[o]
            out = sum(f[j] for j in sc.seg_out[(P, o)]) / rho_s[o]
            exc[o] = max(0.0, inn - out)
            freed += max(0.0, out - inn)
        E = sum(exc.values())
        if E > freed:
            for o, x in exc.items():
                if x > 0:
                    a.shut_in[o] = min(x * (E - freed) / E * rho_s[o], supply[o])
    a.stock_rate = {}
    for p in sc.pairs:
        node, s = p
        r = disch.get(p, 0.0) + sum(f[j] for j in sc.seg_in[p] if not segs[j].delayed)
        r -= sum(f[j] for j in sc.seg_out[p])
        if sc.shippers[s]["origin"] == node:
            r += supply[s] - a.shut_in[s]
        a.stock_rate[p] = r
    # level of a partition: stock + cargoes afloat toward it; inflow counted at the segment's upstream end
    a.level_rate = {P: 0.0 for P in sc.W}
    a.through = {P: 0.0 for P in sc.W}
    for p in sc.pairs:
        node, s = p
        inn = sum(f[j] for j in sc.seg_in[p])
        out = sum(f[j] for j in sc.seg_out[p])
        if sc.shippers[s]["origin"] == node:
            inn += supply[s] - a.shut_in[s]
        a.level_rate[node] += (inn - out) / rho_s[s]
        a.through[node] += max(inn, out) / rho_s[s]
    a.entry_rate = {}
    for g in segs:
        if g.first:
            a.entry_rate[(g.s, g.r)] = f[g.idx]
    return a


def is_storage_full(lab):
    return lab is not None and lab.startswith("storage_full:")


def limit_label(sc, a, s):
    """The documented limit of shipper s: routes in preference order, segments upstream -> downstream,
    the first reason other than `supply`; a `storage_full` reason defers to the first reason other than
    `supply`/`storage_full` further downstream on the same route."""
    for r in range(len(sc.shippers[s]["routes"])):
        rs = sc.route_segs[(s, r)]
        for k, g in enumerate(rs):
            lab = a.why[g.idx]
            if lab is None or lab == "supply":
                continue
            if is_storage_full(lab):
                for h in rs[k + 1:]:
                    l2 = a.why[h.idx]
                    if l2 is not None and l2 != "supply" and not is_storage_full(l2):
                        return l2
            return lab
    return "supply"


# ====================================================================== exact event-driven dynamics

class Result:
    pass


def simulate(sc, max_events_per_day=20000):
    nd = sc.ndays
    S = len(sc.shippers)
    L = len(sc.legs)
    scale = sc.flow_scale()
    rho_s = [sh["rho"] for sh in sc.shippers]
    stock = {p: sc.init_stock.get(p, 0.0) for p in sc.pairs}
    empty = {p for p in sc.pairs if stock[p] <= START_EMPTY_AT}
    full = set()
    afloat = {q: 0.0 for q in sc.delayed_pairs}          # kg in tanker leg q = (leg, shipper)
    # loading history of tanker legs: times (absolute s) and {q: kg/s} from that time on
    hist_t, hist_v = [], []
    stops = []                                            # absolute times where a discharge changes
    entry = {(s, r): 0.0 for s, sh in enumerate(sc.shippers) for r in range(len(sh["routes"]))}
    ceil_hit = {k for k in entry if sc.shippers[k[0]]["routes"][k[1]]["ceiling"] is not None
                and sc.shippers[k[0]]["routes"][k[1]]["ceiling"] <= 0}
    res = Result()
    res.flow = [[[0.0] * S for _ in range(L)] for _ in range(nd)]       # kg/s daily mean entering a leg
    res.delivered = [[[0.0] * S for _ in range(L)] for _ in range(nd)]  # kg/s daily mean leaving a leg
    res.shut_in = [[0.0] * S for _ in range(nd)]
    res.supply = [[0.0] * S for _ in range(nd)]
    res.stock = [dict() for _ in range(nd)]                              # kg at end of day
    res.transit = [dict() for _ in range(nd)]                            # kg at end of day
    res.limit = [[None] * S for _ in range(nd)]
    res.notes = []
    res.max_sweeps = 0
    res.full_days = set()

    def level(i):
        v = sum(stock[p] / rho_s[p[1]] for p in sc.pairs if p[0] == i)
        v += sum(afloat[q] / rho_s[q[1]] for q in sc.delayed_pairs if sc.legs[q[0]]["to"] == i)
        return v

    def discharges(t_abs):
        """{(node, shipper): kg/s} and {(leg, shipper): kg/s} discharged by tanker legs just after t_abs."""
        d, per = {}, {}
        for q in sc.delayed_pairs:
            tau = sc.legs[q[0]]["tau"]
            k = bisect.bisect_right(hist_t, t_abs - tau + 1e-6) - 1
            r = hist_v[k].get(q, 0.0) if k >= 0 else 0.0
            per[q] = r
            key = (sc.legs[q[0]]["to"], q[1])
            d[key] = d.get(key, 0.0) + r
        return d, per

    def settle(inp, disch):
        """Allocation for the current state, after switching the full modes the docs prescribe."""
        for it in range(100):
            a = allocate(sc, inp, full, empty, ceil_hit, disch)
            res.max_sweeps = max(res.max_sweeps, a.sweeps)
            changed = []
            for P in sc.W:
                net, guard = a.level_rate[P], NET_GUARD * a.through[P]
                if P in full and net < -guard:
                    changed.append(("leave", P))
                elif P not in full and level(P) >= sc.W[P] * (1 - FULL_WITHIN) and net > guard:
                    changed.append(("full", P))
            if not changed:
                return a
            for kind, P in changed:
                if kind == "leave":
                    full.discard(P)
                else:
                    full.add(P)
        raise OracleError("the full modes do not settle")

    for day in range(nd):
        date = sc.start + _dt.timedelta(days=day)
        if day > 0 and date.month == 1 and date.day == 1:
            for k in entry:
                entry[k] = 0.0
            ceil_hit.clear()
        inp = sc.inputs(day)
        t, t_end, t_mid = 0.0, DAY, 0.5 * DAY
        acc_f = [0.0] * len(sc.segs)
        acc_d = {q: 0.0 for q in sc.delayed_pairs}
        acc_shut = [0.0] * S
        nev = 0
        mid_done = False
        while t < t_end:
            nev += 1
            if nev > max_events_per_day:
                raise OracleError(f"more than {max_events_per_day} events on day {day}")
            t_abs = day * DAY + t
            disch, per = discharges(t_abs)
            try:
                a = settle(inp, disch)
            except OracleError as e:
                raise OracleError(f"{e} at {date} {_dt.timedelta(seconds=round(t))}") from None
            if full:
                res.full_days.add(day)
            # record the tanker loadings (a change schedules a stop one transit time later)
            if sc.delayed_pairs:
                load = {q: 0.0 for q in sc.delayed_pairs}
                for g in sc.segs:
                    if g.delayed:
                        load[(g.legs[-1], g.s)] += a.f[g.idx]
                last = hist_v[-1] if hist_v else {q: 0.0 for q in sc.delayed_pairs}
                if any(abs(load[q] - last[q]) > 1e-13 * scale for q in load):
                    if hist_t and hist_t[-1] == t_abs:
                        hist_v[-1] = load
                    else:
                        hist_t.append(t_abs)
                        hist_v.append(load)
                    for q in sc.delayed_pairs:
                        bisect.insort(stops, t_abs + sc.legs[q[0]]["tau"])
            if not mid_done and t >= t_mid:
                mid_done = True
                for s in range(S):
                    res.limit[day][s] = limit_label(sc, a, s)
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
                r = a.level_rate[i]
                if i not in full and r > NET_GUARD * a.through[i]:
                    evs.append(((sc.W[i] - level(i)) / r, ("full", i)))
            for k, r in a.entry_rate.items():
                c = sc.shippers[k[0]]["routes"][k[1]]["ceiling"]
                if c is not None and k not in ceil_hit and r > 0:
                    evs.append(((c - entry[k]) / r, ("ceiling", k)))
            k = bisect.bisect_right(stops, t_abs + 1e-6)
            if k < len(stops):
                evs.append((stops[k] - t_abs, ("stop", None)))
            hits = []
            if evs:
                emin = max(min(e[0] for e in evs), 0.0)
                if emin <= dt:
                    dt = emin
                    hits = [e[1] for e in evs if e[0] <= emin * (1 + 1e-12) + 1e-9]
            if DEBUG and (DEBUG_DAY is None or DEBUG_DAY == day):
                print(f"day {day} t={t:.6f} dt={dt:.6g} hits={hits} full={sorted(full)} empty={sorted(empty)} "
                      f"level_rate={a.level_rate} sweeps={a.sweeps} f={[round(x, 6) for x in a.f]} "
                      f"why={a.why}", file=sys.stderr)
            # advance exactly
            for j in range(len(sc.segs)):
                acc_f[j] += a.f[j] * dt
            for q in sc.delayed_pairs:
                acc_d[q] += per[q] * dt
            for s in range(S):
                acc_shut[s] += a.shut_in[s] * dt
            for p in sc.pairs:
                stock[p] += a.stock_rate[p] * dt
            for g in sc.segs:
                if g.delayed:
                    afloat[(g.legs[-1], g.s)] += a.f[g.idx] * dt
            for q in sc.delayed_pairs:
                afloat[q] -= per[q] * dt
            for kk in entry:
                entry[kk] += a.entry_rate[kk] * dt
            t = target if (not hits or t + dt >= target) else t + dt
            for kind, p in hits:
                if kind == "stocked":
                    empty.discard(p)
                elif kind == "empty":
                    stock[p] = 0.0
                    empty.add(p)
                elif kind == "full":
                    full.add(p)
                elif kind == "ceiling":
                    entry[p] = sc.shippers[p[0]]["routes"][p[1]]["ceiling"]
                    ceil_hit.add(p)
        for g in sc.segs:
            for li in g.legs:
                res.flow[day][li][g.s] += acc_f[g.idx] / DAY
                if sc.legs[li]["tau"] is None:
                    res.delivered[day][li][g.s] += acc_f[g.idx] / DAY
        for (li, s), x in acc_d.items():
            res.delivered[day][li][s] += x / DAY
        res.shut_in[day] = [x / DAY for x in acc_shut]
        res.supply[day] = list(inp["supply"])
        res.stock[day] = dict(stock)
        res.transit[day] = dict(afloat)
    return res


def main(argv):
    sc = Scenario(argv[1])
    res = simulate(sc)
    for d in range(sc.ndays):
        print(d, [[round(x * 86.4, 6) for x in row] for row in res.flow[d]],
              [round(x * 86.4, 6) for x in res.shut_in[d]],
              {f"{sc.node_ids[n]}/{sc.shipper_ids[s]}": round(v / 1e3, 6) for (n, s), v in res.stock[d].items()},
              res.limit[d])


if __name__ == "__main__":
    main(sys.argv)
