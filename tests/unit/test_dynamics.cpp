// Time integration against analytic solutions. With constant inflow q_in and outflow q_out a tank's
// stock is linear in time, so the instants it fills or empties are exact closed forms
// (t = room / (q_in - q_out)); delays are exact shifts (tanker: t + transit time; plug-flow pipeline:
// a batch reaches the outlet after linefill / flow). Conservation (supply = deliveries + shut-in +
// change of stock + change in transit) must hold to 1e-9 relative (DESIGN §5).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "solvers/dynamics.hpp"
#include "tests/unit/scenario_builder.hpp"

using namespace caspflow;
using namespace caspflow::model;
using caspflow::test::Builder;

namespace {
double at_day(const solvers::RunResult& r, int day, int idx) {
  return r.y_day[static_cast<size_t>(day) * static_cast<size_t>(r.layout.size) + static_cast<size_t>(idx)];
}
double event_time(const solvers::RunResult& r, const std::string& what, double start) {
  for (const auto& e : r.events)
    if (e.what == what) return e.t - start;
  return -1;
}
int idx(const solvers::RunResult& r, int base, int i, int s) { return base + i * r.layout.ns + s; }
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
  CHECK(at_day(r, 30, idx(r, r.layout.stock, T, S)) == doctest::Approx(8.64e6).epsilon(1e-8));
  CHECK(at_day(r, 30, r.layout.shut_in + S) == doctest::Approx(6.0 * (T_end - tf)).epsilon(1e-8));
  CHECK(at_day(r, 30, idx(r, r.layout.leg_out, lout, S)) == doctest::Approx(4.0 * T_end).epsilon(1e-9));
  CHECK(r.residual_total <= 1e-9);
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
  CHECK(at_day(r, 30, idx(r, r.layout.leg_out, lout, S)) == doctest::Approx(5.0 * te + 1.0 * (T_end - te)).epsilon(1e-8));
  CHECK(std::abs(at_day(r, 30, idx(r, r.layout.stock, T, S))) <= 1e-3 * 5e6 * 1e-6);
  CHECK(r.residual_total <= 1e-9);
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
  CHECK(at_day(r, 40, idx(r, r.layout.leg_in, alt, S)) == doctest::Approx(2.0 * (T_end - tf)).epsilon(1e-8));
  CHECK(at_day(r, 40, r.layout.shut_in + S) == doctest::Approx(5.0 * (T_end - tf)).epsilon(1e-8));
  CHECK(at_day(r, 9, r.layout.shut_in + S) == doctest::Approx(0.0));
  CHECK(r.residual_total <= 1e-9);
}

TEST_CASE("annual ceiling reached mid-year stops the route until 1 January") {
  Builder b(365 + 31);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("btc", o, k, 1e6);
  const double C = 1.0e9;                 // 1 Mt per calendar year
  const double q = C / (182.5 * kDay);    // reaches the ceiling at 182.5 d (2 Jul 2025 12:00)
  const int S = b.shipper("S", o, q);
  b.route(S, "west", {leg}).annual_ceiling = C;
  const auto r = solvers::simulate(b.sc);
  CHECK(event_time(r, "ceiling:S/west", b.sc.start) == doctest::Approx(182.5 * kDay).epsilon(1e-9));
  CHECK(at_day(r, 365, idx(r, r.layout.leg_in, leg, S)) == doctest::Approx(C).epsilon(1e-9));
  CHECK(at_day(r, 365, r.layout.shut_in + S) == doctest::Approx(C).epsilon(1e-9));  // 2C supplied, C moved
  // January 2026: the route is open again.
  CHECK(at_day(r, 396, idx(r, r.layout.leg_in, leg, S)) - C == doctest::Approx(q * 31 * kDay).epsilon(1e-9));
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
    CHECK(at_day(r, d, idx(r, r.layout.leg_out, lt, S)) == doctest::Approx(expect).epsilon(1e-7).scale(1e3));
  }
  CHECK(at_day(r, 20, idx(r, r.layout.transit, lt, S)) == doctest::Approx(q * tau).epsilon(1e-7));  // cargo afloat
  CHECK(r.residual_total <= 1e-9);
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
    CHECK(at_day(r, d, idx(r, r.layout.leg_out, 0, K)) == doctest::Approx(800.0 * std::max(0.0, t - tb)).epsilon(1e-7).scale(1e3));
    CHECK(at_day(r, d, idx(r, r.layout.leg_out, 0, A)) == doctest::Approx(840.0 * std::min(t, tb)).epsilon(1e-7).scale(1e3));
  }
  CHECK(r.residual_total <= 1e-9);
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
  CHECK(at_day(r, 10, idx(r, r.layout.stock, T, K)) == doctest::Approx(8640.0 * 1000.0).epsilon(1e-9));
  // Over 20 days: after day 10 K is held to its 2 kg/s outflow and the rest is shut in; A never notices.
  Builder b2 = b;
  b2.sc.end = b2.sc.start + 20 * kDay;
  const auto r2 = solvers::simulate(b2.sc);
  CHECK(event_time(r2, "full:T/kz", b2.sc.start) == doctest::Approx(tf).epsilon(1e-9));
  CHECK(event_time(r2, "full:T", b2.sc.start) < 0);  // the common space never fills
  CHECK(at_day(r2, 20, r2.layout.shut_in + K) == doctest::Approx(10.0 * (20 * kDay - tf)).epsilon(1e-8));
  CHECK(at_day(r2, 20, r2.layout.shut_in + A) == doctest::Approx(0.0));
  CHECK(at_day(r2, 20, idx(r2, r2.layout.leg_out, lout, A)) == doctest::Approx(10.0 * 20 * kDay).epsilon(1e-9));
  CHECK(r2.residual_total <= 1e-9);
}
