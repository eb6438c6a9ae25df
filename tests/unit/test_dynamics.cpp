// Time integration against analytic solutions. With constant inflow q_in and outflow q_out a tank's
// stock is linear in time, so the instants it fills or empties are exact closed forms
// (t = room / (q_in - q_out)); delays are exact shifts (tanker: t + transit time; plug-flow pipeline:
// a batch reaches the outlet after linefill / flow). Conservation (supply = deliveries + shut-in +
// change of stock + change in transit) must hold to 1e-9 relative (DESIGN §5).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "caspflow/solvers/dynamics.hpp"
#include "tests/unit/scenario_builder.hpp"

using namespace caspflow;
using namespace caspflow::model;
using caspflow::test::Builder;

namespace {
double event_time(const solvers::RunResult& r, const std::string& what, double start) {
  for (const auto& e : r.events)
    if (e.what == what) return e.t - start;
  return -1;
}

/// Mass balance recomputed here from the daily states, independently of the engine's own check (which throws
/// above 1e-9): over the run, per shipper, supply = shut-in + delivered into sinks + change of stock + change
/// in transit; returned relative to total supply plus the initial stock and transit.
double balance(const solvers::RunResult& r, const Scenario& sc) {
  const int n = r.ndays;
  double worst = 0, scale = 0;
  for (int s = 0; s < static_cast<int>(sc.shippers.size()); ++s) {
    double lhs = r.supplied.change(0, n, s), rhs = r.shut_in.change(0, n, s);
    scale += lhs;
    for (int l = 0; l < static_cast<int>(sc.legs.size()); ++l) {
      if (sc.nodes[static_cast<size_t>(sc.legs[static_cast<size_t>(l)].to)].kind == NodeKind::Sink) rhs += r.left.change(0, n, l, s);
      rhs += r.in_transit.change(0, n, l, s);
      scale += r.in_transit.at(0, l, s);
    }
    for (int k = 0; k < static_cast<int>(sc.nodes.size()); ++k) {
      rhs += r.stock.change(0, n, k, s);
      scale += r.stock.at(0, k, s);
    }
    worst = std::max(worst, std::abs(lhs - rhs));
  }
  return scale > 0 ? worst / scale : worst;
}
}  // namespace

TEST_CASE("tank fills at room/(in - out), then the inflow is held to the outflow and the rest is shut in") {
  Builder b(30);
  const int o = b.node("o", NodeKind::Origin), T = b.node("T", NodeKind::Storage, 8640.0), k = b.node("k", NodeKind::Sink);
  const int lin = b.fixed("in", o, T, 100.0), lout = b.fixed("out", T, k, 4.0);
  const int S = b.shipper("S", o, 10.0);
  b.route(S, "r", {lin, lout});
  const auto r = solvers::simulate(b.sc);
  const double tf = 8640.0 * 1000.0 / 6.0;  // 1.44e6 s: room (kg) / net inflow (kg/s)
  CHECK(event_time(r, "full:T", b.sc.start) == doctest::Approx(tf).epsilon(1e-9));
  const double T_end = 30 * kDay;
  CHECK(r.stock.at(30, T, S) == doctest::Approx(8.64e6).epsilon(1e-8));
  CHECK(r.shut_in.at(30, S) == doctest::Approx(6.0 * (T_end - tf)).epsilon(1e-8));
  CHECK(r.left.at(30, lout, S) == doctest::Approx(4.0 * T_end).epsilon(1e-9));
  CHECK(balance(r, b.sc) <= 1e-9);  // recomputed from the states (the engine's own check throws above 1e-9)
}

TEST_CASE("tank empties at stock/(out - in), then passes on only what arrives") {
  Builder b(30);
  const int o = b.node("o", NodeKind::Origin), T = b.node("T", NodeKind::Storage, 1e5, 100.0), k = b.node("k", NodeKind::Sink);
  const int lin = b.fixed("in", o, T, 100.0), lout = b.fixed("out", T, k, 5.0);
  const int S = b.shipper("S", o, 1.0);
  b.route(S, "r", {lin, lout});
  b.sc.nodes[static_cast<size_t>(T)].initial = {{S, 5000.0}};  // 5000 m3 = 5e6 kg working stock above the heel
  const auto r = solvers::simulate(b.sc);
  const double te = 5e6 / 4.0;  // 1.25e6 s
  CHECK(event_time(r, "empty:T/S", b.sc.start) == doctest::Approx(te).epsilon(1e-9));
  const double T_end = 30 * kDay;
  CHECK(r.left.at(30, lout, S) == doctest::Approx(5.0 * te + 1.0 * (T_end - te)).epsilon(1e-8));
  CHECK(std::abs(r.stock.at(30, T, S)) <= 1e-3 * 5e6 * 1e-6);
  CHECK(balance(r, b.sc) <= 1e-9);  // recomputed from the states (the engine's own check throws above 1e-9)
}

TEST_CASE("terminal full -> diversion to the second route, and shut-in of what neither takes") {
  Builder b(40);
  const int o = b.node("o", NodeKind::Origin), T = b.node("T", NodeKind::Storage, 6048.0);
  const int k1 = b.node("k1", NodeKind::Sink), k2 = b.node("k2", NodeKind::Sink);
  const int lin = b.fixed("in", o, T, 100.0), lout = b.fixed("out", T, k1, 3.0), alt = b.fixed("alt", o, k2, 2.0);
  const int S = b.shipper("S", o, 10.0);
  b.route(S, "main", {lin, lout});
  b.route(S, "alt", {alt});
  const auto r = solvers::simulate(b.sc);
  const double tf = 6048.0 * 1000.0 / 7.0;  // 8.64e5 s = 10 d: everything goes to the terminal until it is full
  CHECK(event_time(r, "full:T", b.sc.start) == doctest::Approx(tf).epsilon(1e-9));
  const double T_end = 40 * kDay;
  CHECK(r.entered.at(40, alt, S) == doctest::Approx(2.0 * (T_end - tf)).epsilon(1e-8));
  CHECK(r.shut_in.at(40, S) == doctest::Approx(5.0 * (T_end - tf)).epsilon(1e-8));
  CHECK(r.shut_in.at(9, S) == doctest::Approx(0.0));
  CHECK(balance(r, b.sc) <= 1e-9);  // recomputed from the states (the engine's own check throws above 1e-9)
}

TEST_CASE("annual ceiling reached mid-year stops the route until 1 January") {
  Builder b(365 + 31);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("btc", o, k, 1e6);
  const double C = 1.0e9;                 // 1 Mt per calendar year
  const double q = C / (182.5 * kDay);    // reaches the ceiling at 182.5 d (2 Jul 2025 12:00)
  const int S = b.shipper("S", o, q);
  b.route(S, "west", {leg}).annual_ceiling = Series::constant(C);
  const auto r = solvers::simulate(b.sc);
  CHECK(event_time(r, "ceiling:S/west", b.sc.start) == doctest::Approx(182.5 * kDay).epsilon(1e-9));
  CHECK(r.entered.at(365, leg, S) == doctest::Approx(C).epsilon(1e-9));
  CHECK(r.shut_in.at(365, S) == doctest::Approx(C).epsilon(1e-9));  // 2C supplied, C moved
  // January 2026: the route is open again.
  CHECK(r.entered.at(396, leg, S) - C == doctest::Approx(q * 31 * kDay).epsilon(1e-9));
}

TEST_CASE("tanker cargo arrives one transit time after loading") {
  Builder b(20);
  const int o = b.node("o", NodeKind::Origin), D = b.node("D", NodeKind::Storage, 1e6), k = b.node("k", NodeKind::Sink);
  Leg t;
  t.id = "tankers";
  t.kind = LegKind::Tanker;
  t.from = o;
  t.to = D;
  t.basis = CapBasis::Mass;
  t.fleet = Series::constant(3);
  t.cargo = 12000e3;            // 12 kt
  t.distance = 470e3;           // m
  t.speed = 11 * 1852.0 / 3600;  // 11 kn
  t.load_time = t.unload_time = 24 * 3600.0;
  b.sc.legs.push_back(t);
  const int lt = 0, lout = b.fixed("out", D, k, 1e3);
  const int S = b.shipper("S", o, 1.4e9 / (365.25 * kDay));  // 1.4 Mt/yr
  b.route(S, "west", {lt, lout});
  const auto r = solvers::simulate(b.sc);
  const double tau = 0.5 * 86400 + 470e3 / (11 * 1852.0 / 3600) + 0.5 * 86400;  // load/2 + passage + unload/2
  const double q = 1.4e9 / (365.25 * kDay);
  for (int d : {1, 2, 3, 10, 20}) {
    const double expect = q * std::max(0.0, d * kDay - tau);  // cumulative discharged at day d
    CHECK(r.left.at(d, lt, S) == doctest::Approx(expect).epsilon(1e-7).scale(1e3));
  }
  CHECK(r.in_transit.at(20, lt, S) == doctest::Approx(q * tau).epsilon(1e-7));  // cargo afloat
  CHECK(balance(r, b.sc) <= 1e-9);  // recomputed from the states (the engine's own check throws above 1e-9)
}

TEST_CASE("plug flow: a new batch reaches the pipeline outlet after linefill / flow") {
  Builder b(30);
  const int ga = b.grade("acg", 840.0), gk = b.grade("kz", 800.0);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  Leg p;
  p.id = "btc";
  p.kind = LegKind::Pipeline;
  p.from = o;
  p.to = k;
  p.basis = CapBasis::Volume;
  p.capacity = Series::constant(10.0);
  p.linefill = 1.0e6;  // m3
  b.sc.legs.push_back(p);
  const int A = b.shipper("A", o, 0.0, Priority::Firm, ga);
  const int K = b.shipper("K", o, 1.0 * 800.0, Priority::Firm, gk);  // 1 m3/s of kz crude
  b.route(A, "r", {0});
  b.route(K, "r", {0});
  b.sc.legs[0].linefill_owner = A;
  const auto r = solvers::simulate(b.sc);
  const double tb = 1.0e6 / 1.0;  // 1e6 s = 11.57 d
  for (int d : {5, 11, 12, 20, 30}) {
    const double t = d * kDay;
    CHECK(r.left.at(d, 0, K) == doctest::Approx(800.0 * std::max(0.0, t - tb)).epsilon(1e-7).scale(1e3));
    CHECK(r.left.at(d, 0, A) == doctest::Approx(840.0 * std::min(t, tb)).epsilon(1e-7).scale(1e3));
  }
  CHECK(balance(r, b.sc) <= 1e-9);  // recomputed from the states (the engine's own check throws above 1e-9)
}

TEST_CASE("segregated tank full: the grade is shut in at its origin, the other grade keeps flowing") {
  Builder b(10);
  const int gk = b.grade("kz", 1000.0);
  const int o = b.node("o", NodeKind::Origin), T = b.node("T", NodeKind::Storage, 100000.0), k = b.node("k", NodeKind::Sink);
  b.sc.nodes[static_cast<size_t>(T)].segregated = {{gk, 8640.0}};
  const int lin = b.fixed("in", o, T, 1e6), lout = b.fixed("out", T, k, 1e6), kout = b.fixed("kout", T, k, 2.0);
  const int A = b.shipper("A", o, 10.0);
  const int K = b.shipper("K", o, 12.0, Priority::Firm, gk);
  b.route(A, "r", {lin, lout});
  b.route(K, "r", {lin, kout});
  const auto r = solvers::simulate(b.sc);
  // K fills its 8640 m3 tank at 12 - 2 = 10 kg/s (1000 kg/m3): full at 864000 s = day 10, the end of this run.
  const double tf = 8640.0 * 1000.0 / (12.0 - 2.0);
  CHECK(r.stock.at(10, T, K) == doctest::Approx(8640.0 * 1000.0).epsilon(1e-9));
  // Over 20 days: after day 10 K is held to its 2 kg/s outflow and the rest is shut in; A never notices.
  Builder b2 = b;
  b2.sc.end = b2.sc.start + 20 * kDay;
  const auto r2 = solvers::simulate(b2.sc);
  CHECK(event_time(r2, "full:T/kz", b2.sc.start) == doctest::Approx(tf).epsilon(1e-9));
  CHECK(event_time(r2, "full:T", b2.sc.start) < 0);  // the common space never fills
  CHECK(r2.shut_in.at(20, K) == doctest::Approx(10.0 * (20 * kDay - tf)).epsilon(1e-8));
  CHECK(r2.shut_in.at(20, A) == doctest::Approx(0.0));
  CHECK(r2.left.at(20, lout, A) == doctest::Approx(10.0 * 20 * kDay).epsilon(1e-9));
  CHECK(balance(r2, b2.sc) <= 1e-9);
}

// ---------------------------------------------------------------------------------------------------
// Issue 7 regression cases (each rebuilt from the description; expected values by hand from the
// rules in docs/model.md).

namespace {
// Daily mean of a cumulative state over day d (kg/s).
/// Daily mean rate (kg/s) of a cumulative series over day d.
double daily(const solvers::BoundarySeries& c, int d, int i, int j = 0) { return c.change(d, d + 1, i, j) / kDay; }
}  // namespace

TEST_CASE("issue 7 #1: a tanked origin stores its excess whatever the order of the nodes in the file") {
  // o1 (no tank) and o2 (tank 100,000 m3, heel 10,000 m3) each feed sink k by a 50 kg/s leg; A offers 20 kg/s
  // at o1, B 60 kg/s at o2. B's excess 10 kg/s goes into o2's tank (room 90,000 m3 = 9e7 kg lasts 104 d), so
  // over 30 days nothing is shut in and o2 holds 10 kg/s x 30 d = 2.592e7 kg.
  for (bool o2_first : {false, true}) {
    CAPTURE(o2_first);
    Builder b(30);
    int o1, o2;
    if (o2_first) {
      o2 = b.node("o2", NodeKind::Origin, 100000.0, 10000.0);
      o1 = b.node("o1", NodeKind::Origin);
    } else {
      o1 = b.node("o1", NodeKind::Origin);
      o2 = b.node("o2", NodeKind::Origin, 100000.0, 10000.0);
    }
    const int k = b.node("k", NodeKind::Sink);
    const int l1 = b.fixed("l1", o1, k, 50.0), l2 = b.fixed("l2", o2, k, 50.0);
    const int A = b.shipper("A", o1, 20.0), B = b.shipper("B", o2, 60.0);
    b.route(A, "r", {l1});
    b.route(B, "r", {l2});
    const auto r = solvers::simulate(b.sc);
    CHECK(r.shut_in.at(30, B) == doctest::Approx(0.0));
    CHECK(r.shut_in.at(30, A) == doctest::Approx(0.0));
    CHECK(r.stock.at(30, o2, B) == doctest::Approx(10.0 * 30 * kDay).epsilon(1e-9));
    CHECK(daily(r.entered, 5, l2, B) == doctest::Approx(50.0).epsilon(1e-9));
  }
}

TEST_CASE("issue 7 #2: a full tank with one owner draining and one refilling is held exactly full (no chatter)") {
  // T holds 2,000 m3 (1 t/m3), full at the start: A 1,000 m3, B 1,000 m3. A (no supply) sends 5 kg/s out
  // by lA; B offers 10 kg/s from oB into T and sends 2 kg/s out by lB. Sliding mode: B may bring in its
  // own 2 kg/s plus the 5 kg/s A frees, so B's inflow is 7 kg/s and 3 kg/s are shut in, until A's stock is
  // gone at 1e6 kg / 5 kg/s = 2e5 s (day 2); then B's inflow is its outflow, 2 kg/s. Day 2's mean inflow is
  // (7 x 27,200 s + 2 x 59,200 s) / 86,400 s.
  Builder b(5);
  const int oB = b.node("oB", NodeKind::Origin), T = b.node("T", NodeKind::Storage, 2000.0);
  const int kA = b.node("kA", NodeKind::Sink), kB = b.node("kB", NodeKind::Sink);
  const int inB = b.fixed("inB", oB, T, 100.0), lA = b.fixed("lA", T, kA, 5.0), lB = b.fixed("lB", T, kB, 2.0);
  const int A = b.shipper("A", T, 0.0), B = b.shipper("B", oB, 10.0);
  b.route(A, "r", {lA});
  b.route(B, "r", {inB, lB});
  b.sc.nodes[static_cast<size_t>(T)].initial = {{A, 1000.0}, {B, 1000.0}};
  const auto r = solvers::simulate(b.sc);
  CHECK(daily(r.entered, 0, inB, B) == doctest::Approx(7.0).epsilon(1e-9));
  CHECK(daily(r.entered, 1, inB, B) == doctest::Approx(7.0).epsilon(1e-9));
  CHECK(daily(r.entered, 2, inB, B) == doctest::Approx((7.0 * 27200 + 2.0 * 59200) / 86400).epsilon(1e-9));
  CHECK(daily(r.entered, 3, inB, B) == doctest::Approx(2.0).epsilon(1e-9));
  CHECK(daily(r.shut_in, 0, B) == doctest::Approx(3.0).epsilon(1e-9));
  CHECK(event_time(r, "empty:T/A", b.sc.start) == doctest::Approx(2e5).epsilon(1e-9));
  for (int d = 0; d <= 5; ++d)  // the level never leaves the working capacity
    CHECK(r.stock.at(d, T, A) + r.stock.at(d, T, B) == doctest::Approx(2e6).epsilon(1e-9));
  int switches = 0;
  for (const auto& e : r.events) switches += e.what.rfind("full:", 0) == 0 || e.what.rfind("not_full:", 0) == 0;
  CHECK(switches <= 1);  // at most the initial "full"
}

TEST_CASE("issue 7 #3: three origins into one full terminal, a ceiling reached: converges, exact switching times") {
  // o1, o2, o3 feed T (1,000 m3, full: A 500, B 500) by 30 kg/s legs; trunk T -> k carries 40 kg/s. A and B
  // are firm (30 kg/s each; A's route has an annual ceiling of 20 kg/s x 10 d), C interruptible (30 kg/s).
  // Hand solution (docs/model.md, full-partition rule):
  //  [0, 10 d): trunk 20 + 20; A and B bring in their allowance 20 each; C has no stock and no outflow: 0.
  //  10 d: A's ceiling. A drains 20 kg/s; B brings in 30 (its supply), C the remaining 10 of the freed room.
  //  A empties at 10 d + 5e5 kg / 20 kg/s = 10 d + 25,000 s. Then B takes the whole trunk (40) and brings in
  //  30, so it drains 10 kg/s, freeing 10 for C; B's stock 5e5 + 10 x 25,000 = 7.5e5 kg lasts 75,000 s.
  //  After 10 d + 1e5 s: B passes its 30 through, C (now stocked) sends 10 and brings in 10.
  Builder b(14);
  const int o1 = b.node("o1", NodeKind::Origin), o2 = b.node("o2", NodeKind::Origin), o3 = b.node("o3", NodeKind::Origin);
  const int T = b.node("T", NodeKind::Storage, 1000.0), k = b.node("k", NodeKind::Sink);
  const int f1 = b.fixed("f1", o1, T, 30.0), f2 = b.fixed("f2", o2, T, 30.0), f3 = b.fixed("f3", o3, T, 30.0);
  const int tr = b.fixed("trunk", T, k, 40.0);
  const int A = b.shipper("A", o1, 30.0), B = b.shipper("B", o2, 30.0), C = b.shipper("C", o3, 30.0, Priority::Interruptible);
  b.route(A, "r", {f1, tr}).annual_ceiling = Series::constant(20.0 * 10 * kDay);
  b.route(B, "r", {f2, tr});
  b.route(C, "r", {f3, tr});
  b.sc.nodes[static_cast<size_t>(T)].initial = {{A, 500.0}, {B, 500.0}};
  solvers::RunResult r;
  REQUIRE_NOTHROW(r = solvers::simulate(b.sc));
  CHECK(event_time(r, "ceiling:A/r", b.sc.start) == doctest::Approx(10 * kDay).epsilon(1e-9));
  CHECK(event_time(r, "empty:T/A", b.sc.start) == doctest::Approx(10 * kDay + 25000).epsilon(1e-9));
  CHECK(event_time(r, "empty:T/B", b.sc.start) == doctest::Approx(10 * kDay + 1e5).epsilon(1e-9));
  CHECK(daily(r.entered, 5, f1, A) == doctest::Approx(20.0).epsilon(1e-9));
  CHECK(daily(r.entered, 5, f3, C) == doctest::Approx(0.0));
  CHECK(daily(r.entered, 12, tr, B) == doctest::Approx(30.0).epsilon(1e-9));
  CHECK(daily(r.entered, 12, tr, C) == doctest::Approx(10.0).epsilon(1e-9));
  CHECK(daily(r.entered, 12, f3, C) == doctest::Approx(10.0).epsilon(1e-9));
  CHECK(daily(r.shut_in, 12, C) == doctest::Approx(20.0).epsilon(1e-9));
  CHECK(r.stock.at(14, T, C) == doctest::Approx(1e6).epsilon(1e-9));
}

TEST_CASE("a ceiling that rises mid-year reopens the route; it closes again at the new ceiling (issue 8 item 2)") {
  // Analytic: supply q from 1 Jan 2025; ceiling C1 = 1 Mt reached at C1/q = 100 d (11 Apr); on 1 Jul
  // (181 d) the ceiling becomes C2 = 1.5 Mt: open again, closed at 181 d + (C2 - C1)/q = 231 d. The year's
  // entry is C2. In 2026 the ceiling in force is C2 from 1 January.
  Builder b(365 + 200);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("btc", o, k, 1e6);
  const double C1 = 1.0e9, C2 = 1.5e9;
  const double q = C1 / (100.0 * kDay);
  const int S = b.shipper("S", o, q);
  const double t_step = epoch_seconds(2025, 7, 1);
  b.route(S, "west", {leg}).annual_ceiling = Series{{b.sc.start, t_step}, {C1, C2}, Interp::Step, {}};
  const auto r = solvers::simulate(b.sc);
  CHECK(event_time(r, "ceiling:S/west", b.sc.start) == doctest::Approx(100.0 * kDay).epsilon(1e-9));
  CHECK(event_time(r, "ceiling_open:S/west", b.sc.start) == doctest::Approx(t_step - b.sc.start).epsilon(1e-12));
  int closes = 0;
  double second = 0;
  for (const auto& ev : r.events)
    if (ev.what == "ceiling:S/west" && ++closes == 2) second = ev.t - b.sc.start;
  CHECK(second == doctest::Approx(t_step - b.sc.start + (C2 - C1) / q).epsilon(1e-9));
  CHECK(r.entered.at(365, leg, S) == doctest::Approx(C2).epsilon(1e-9));
  // 2026: open from 1 January under C2; 150 d x q = 1.5 C1 = C2 is reached on day 150 of 2026.
  CHECK(r.entered.at(365 + 200, leg, S) == doctest::Approx(2 * C2).epsilon(1e-9));
}
