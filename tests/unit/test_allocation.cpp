// Allocation at one instant, against hand-worked cases of the prorationing rules in DESIGN §4.
// The rule (standard oil-pipeline prorationing, e.g. FERC-regulated common carriers): when nominations
// exceed a leg's capacity, each shipper gets capacity in proportion to its nomination; firm shippers are
// served before interruptible ones; a shipper that needs less than its pro-rata share keeps what it needs
// and the rest is shared again among the others (water filling). All numbers below are worked by hand.
#include <doctest/doctest.h>

#include "caspflow/model/allocation.hpp"
#include "tests/unit/scenario_builder.hpp"

using namespace caspflow;
using namespace caspflow::model;
using caspflow::test::Builder;

namespace {
AllocResult solve(const Scenario& sc, const Modes& m, double t) {
  Allocator a(sc);
  std::vector<double> arr(sc.legs.size() * sc.shippers.size(), 0.0), frac(arr.size(), 0.0);
  AllocInput in{t, &m, &arr, &frac};
  return a.solve(in);
}
double in(const AllocResult& r, const Scenario& sc, int leg, int s) { return r.leg_in[static_cast<size_t>(leg) * sc.shippers.size() + static_cast<size_t>(s)]; }
}  // namespace

TEST_CASE("three shippers on one binding leg are prorated by nomination") {
  Builder b;
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("pipe", o, k, 100.0);
  const int A = b.shipper("A", o, 60), B = b.shipper("B", o, 40), C = b.shipper("C", o, 20);
  for (int s : {A, B, C}) b.route(s, "r", {leg});
  const auto m = caspflow::test::modes_for(b.sc);
  const auto r = solve(b.sc, m, b.sc.start);
  // Nominations 60:40:20 = 120 on 100 -> each gets 100/120 of its nomination.
  CHECK(in(r, b.sc, leg, A) == doctest::Approx(50.0).epsilon(1e-12));
  CHECK(in(r, b.sc, leg, B) == doctest::Approx(100.0 / 3.0).epsilon(1e-12));
  CHECK(in(r, b.sc, leg, C) == doctest::Approx(50.0 / 3.0).epsilon(1e-12));
  // No storage at the origin: what the leg cannot take is shut in.
  CHECK(r.shut_in[static_cast<size_t>(A)] == doctest::Approx(10.0).epsilon(1e-12));
  CHECK(r.shut_in[static_cast<size_t>(C)] == doctest::Approx(20.0 / 6.0).epsilon(1e-12));
  const auto lab = Allocator(b.sc).constraint_labels();  // a copy: the Allocator is a temporary
  CHECK(lab[static_cast<size_t>(r.limit[static_cast<size_t>(A)])] == "capacity:pipe");
}

TEST_CASE("a shipper below its pro-rata share keeps its supply; the others share the rest") {
  Builder b;
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("pipe", o, k, 100.0);
  const int A = b.shipper("A", o, 90), B = b.shipper("B", o, 90);
  b.route(A, "r", {leg});
  b.route(B, "r", {leg}).nomination = Series::constant(90.0);
  const int C = b.shipper("C", o, 10);
  b.route(C, "r", {leg}).nomination = Series::constant(90.0);  // nominates 90 but has only 10
  const auto m = caspflow::test::modes_for(b.sc);
  const auto r = solve(b.sc, m, b.sc.start);
  // Equal nominations: 100/3 each, but C has only 10 -> C = 10, A = B = 45.
  CHECK(in(r, b.sc, leg, C) == doctest::Approx(10.0).epsilon(1e-12));
  CHECK(in(r, b.sc, leg, A) == doctest::Approx(45.0).epsilon(1e-12));
  CHECK(in(r, b.sc, leg, B) == doctest::Approx(45.0).epsilon(1e-12));
}

TEST_CASE("firm shippers are served before interruptible ones") {
  Builder b;
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("pipe", o, k, 100.0);
  const int F = b.shipper("F", o, 70, Priority::Firm);
  const int I1 = b.shipper("I1", o, 50, Priority::Interruptible), I2 = b.shipper("I2", o, 30, Priority::Interruptible);
  for (int s : {F, I1, I2}) b.route(s, "r", {leg});
  const auto m = caspflow::test::modes_for(b.sc);
  const auto r = solve(b.sc, m, b.sc.start);
  // Firm 70 in full; the remaining 30 split 50:30 -> 18.75 and 11.25.
  CHECK(in(r, b.sc, leg, F) == doctest::Approx(70.0).epsilon(1e-12));
  CHECK(in(r, b.sc, leg, I1) == doctest::Approx(18.75).epsilon(1e-12));
  CHECK(in(r, b.sc, leg, I2) == doctest::Approx(11.25).epsilon(1e-12));
}

TEST_CASE("route preference: what the first route cannot take goes to the second") {
  Builder b;
  const int o = b.node("o", NodeKind::Origin), k1 = b.node("k1", NodeKind::Sink), k2 = b.node("k2", NodeKind::Sink);
  const int l1 = b.fixed("cpc", o, k1, 40.0), l2 = b.fixed("west", o, k2, 25.0);
  const int S = b.shipper("S", o, 100);
  b.route(S, "main", {l1});
  b.route(S, "alt", {l2});
  const auto m = caspflow::test::modes_for(b.sc);
  const auto r = solve(b.sc, m, b.sc.start);
  CHECK(in(r, b.sc, l1, S) == doctest::Approx(40.0).epsilon(1e-12));
  CHECK(in(r, b.sc, l2, S) == doctest::Approx(25.0).epsilon(1e-12));
  CHECK(r.shut_in[0] == doctest::Approx(35.0).epsilon(1e-12));  // 100 - 40 - 25, no origin storage
}

TEST_CASE("volume capacity is shared in m3/s across grades of different density") {
  Builder b;
  const int light = b.grade("light", 800.0), heavy = b.grade("heavy", 900.0);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("pipe", o, k, 1.0, CapBasis::Volume);  // 1 m3/s
  const int A = b.shipper("A", o, 800.0, Priority::Firm, light);  // nominates 1 m3/s of light
  const int B = b.shipper("B", o, 900.0, Priority::Firm, heavy);  // nominates 1 m3/s of heavy
  b.route(A, "r", {leg});
  b.route(B, "r", {leg});
  const auto m = caspflow::test::modes_for(b.sc);
  const auto r = solve(b.sc, m, b.sc.start);
  // Prorated by (mass) nomination: f_A = 800 lam, f_B = 900 lam; volume lam + lam = 1 -> lam = 0.5.
  CHECK(in(r, b.sc, leg, A) == doctest::Approx(400.0).epsilon(1e-12));
  CHECK(in(r, b.sc, leg, B) == doctest::Approx(450.0).epsilon(1e-12));
  CHECK(r.leg_capacity[static_cast<size_t>(leg)] == doctest::Approx(850.0).epsilon(1e-12));  // 1 m3/s at the mix
}

TEST_CASE("an outage event derates a leg for its duration only") {
  Builder b;
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("cpc", o, k, 100.0);
  const int S = b.shipper("S", o, 80);
  b.route(S, "r", {leg});
  b.sc.events.push_back(Event{"spm", true, leg, b.sc.start + 10 * kDay, b.sc.start + 20 * kDay, 0.55, {}, {}});
  const auto m = caspflow::test::modes_for(b.sc);
  CHECK(in(solve(b.sc, m, b.sc.start + 5 * kDay), b.sc, leg, S) == doctest::Approx(80.0));
  CHECK(in(solve(b.sc, m, b.sc.start + 10 * kDay), b.sc, leg, S) == doctest::Approx(55.0));  // [start, end)
  CHECK(in(solve(b.sc, m, b.sc.start + 20 * kDay), b.sc, leg, S) == doctest::Approx(80.0));
}

TEST_CASE("sulphur cap on a leg: the sour shipper's rate has the closed form q_az (S_cap - S_az) / (S_kz - S_cap)") {
  // Mass balance of sulphur in the blend: (q_az S_az + q_kz S_kz) / (q_az + q_kz) <= S_cap (DESIGN §4).
  Builder b;
  const int az = b.grade("azeri", 840.0, 0.0015), kz = b.grade("kz", 800.0, 0.005);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("btc", o, k, 1e6);
  b.sc.legs[static_cast<size_t>(leg)].max_sulphur = Series::constant(0.00194);
  const int A = b.shipper("A", o, 700.0, Priority::Firm, az), K = b.shipper("K", o, 200.0, Priority::Firm, kz);
  b.route(A, "r", {leg});
  b.route(K, "r", {leg});
  const auto m = caspflow::test::modes_for(b.sc);
  const auto r = solve(b.sc, m, b.sc.start);
  const double expect = 700.0 * (0.00194 - 0.0015) / (0.005 - 0.00194);
  CHECK(in(r, b.sc, leg, A) == doctest::Approx(700.0));
  CHECK(in(r, b.sc, leg, K) == doctest::Approx(expect).epsilon(1e-10));
  CHECK(r.quality_allowance[static_cast<size_t>(leg) * 2 + static_cast<size_t>(K)] == doctest::Approx(expect).epsilon(1e-10));
  const auto lab = Allocator(b.sc).constraint_labels();  // a copy: the Allocator is a temporary
  CHECK(lab[static_cast<size_t>(r.limit[static_cast<size_t>(K)])] == "quality:btc");
  CHECK(lab[static_cast<size_t>(r.limit[static_cast<size_t>(A)])] == "supply");
}

TEST_CASE("minimum API of the blend: the heavy shipper is capped so the volume-additive density stays below the limit") {
  // rho_blend = (m_l + m_h) / (m_l/rho_l + m_h/rho_h) <= rho_max  =>  m_h <= m_l (1/rho_l - 1/rho_max) / (1/rho_max - 1/rho_h).
  Builder b;
  const int light = b.grade("light", 800.0), heavy = b.grade("heavy", 900.0);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("line", o, k, 1e6);
  const double rho_max = 141.5 / (35.0 + 131.5) * 999.016;  // min_api = 35 -> 849.0 kg/m3
  b.sc.legs[static_cast<size_t>(leg)].max_density = Series::constant(rho_max);
  const int L = b.shipper("L", o, 100.0, Priority::Firm, light), H = b.shipper("H", o, 500.0, Priority::Firm, heavy);
  b.route(L, "r", {leg});
  b.route(H, "r", {leg});
  const auto m = caspflow::test::modes_for(b.sc);
  const auto r = solve(b.sc, m, b.sc.start);
  const double mh = 100.0 * (1 / 800.0 - 1 / rho_max) / (1 / rho_max - 1 / 900.0);
  CHECK(in(r, b.sc, leg, H) == doctest::Approx(mh).epsilon(1e-10));
  const double blend = (100.0 + mh) / (100.0 / 800.0 + mh / 900.0);
  CHECK(blend == doctest::Approx(rho_max).epsilon(1e-12));
}

TEST_CASE("a sulphur cap that starts on a date: no limit before, the closed form after (issue 8 item 2)") {
  // docs/quality.md worked example: q_kz <= q_az (S_cap - S_az) / (S_kz - S_cap); before the cap's start
  // (series value 0 = no limit) the sour shipper moves its whole 200 kg/s.
  Builder b;
  const int az = b.grade("azeri", 840.0, 0.0015), kz = b.grade("kz", 800.0, 0.005);
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  const int leg = b.fixed("btc", o, k, 1e6);
  const double t_cap = b.sc.start + 10 * kDay;
  b.sc.legs[static_cast<size_t>(leg)].max_sulphur = Series{{b.sc.start, t_cap}, {0.0, 0.00194}, Interp::Step, {}};
  const int A = b.shipper("A", o, 700.0, Priority::Firm, az), K = b.shipper("K", o, 200.0, Priority::Firm, kz);
  b.route(A, "r", {leg});
  b.route(K, "r", {leg});
  const auto m = caspflow::test::modes_for(b.sc);
  const auto before = solve(b.sc, m, t_cap - kDay);
  CHECK(in(before, b.sc, leg, K) == doctest::Approx(200.0));
  const auto after = solve(b.sc, m, t_cap + kDay);
  CHECK(in(after, b.sc, leg, K) == doctest::Approx(700.0 * (0.00194 - 0.0015) / (0.005 - 0.00194)).epsilon(1e-10));
  CHECK(in(after, b.sc, leg, A) == doctest::Approx(700.0));
}

TEST_CASE("tanker weather as a series: capacity = fleet x cargo / cycle x the series value") {
  Builder b;
  const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
  Leg& t = b.leg("tankers", LegKind::Tanker, o, k);
  t.fleet = Series::constant(3);
  t.cargo = 12000e3;
  t.distance = 470e3;
  t.speed = 11 * 1852.0 / 3600;
  t.load_time = t.unload_time = 24 * 3600.0;
  for (double& w : t.weather) w = 0.7;
  t.weather_series = Series{{b.sc.start, b.sc.start + 5 * kDay}, {0.9, 0.4}, Interp::Step, {}};
  const double full = 3 * 12000e3 / t.cycle_time();
  const Allocator alloc(b.sc);
  CHECK(alloc.leg_capacity(0, b.sc.start + kDay) == doctest::Approx(0.9 * full).epsilon(1e-14));
  CHECK(alloc.leg_capacity(0, b.sc.start + 6 * kDay) == doctest::Approx(0.4 * full).epsilon(1e-14));
}

TEST_CASE("shut-in reason: the last outlet's limit when crude is shut in, none when nothing is (docs/model.md)") {
  // Hand-worked: supply 100 kg/s, first route capped at 50 (leg a), second at 20 (leg b), no origin tank:
  // 30 kg/s shut in because the last outlet, b, is full; with supply 40 nothing is shut in.
  for (double supply : {100.0, 40.0}) {
    Builder b;
    const int o = b.node("o", NodeKind::Origin), k = b.node("k", NodeKind::Sink);
    const int la = b.fixed("a", o, k, 50.0), lb = b.fixed("b", o, k, 20.0);
    const int S = b.shipper("S", o, supply);
    b.route(S, "first", {la});
    b.route(S, "second", {lb});
    const auto m = caspflow::test::modes_for(b.sc);
    const auto r = solve(b.sc, m, b.sc.start);
    const auto lab = Allocator(b.sc).constraint_labels();
    if (supply == 100.0) {
      CHECK(r.shut_in[static_cast<size_t>(S)] == doctest::Approx(30.0));
      CHECK(lab[static_cast<size_t>(r.shut_in_reason[static_cast<size_t>(S)])] == "capacity:b");
      CHECK(lab[static_cast<size_t>(r.limit[static_cast<size_t>(S)])] == "capacity:a");  // the first route's limit
    } else {
      CHECK(r.shut_in[static_cast<size_t>(S)] == doctest::Approx(0.0));
      CHECK(lab[static_cast<size_t>(r.shut_in_reason[static_cast<size_t>(S)])] == "none");
    }
  }
}
