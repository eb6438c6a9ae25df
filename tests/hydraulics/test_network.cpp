// Network solver against analytic solutions (networks built in code, SI, Colebrook mode).
#include <doctest/doctest.h>

#include <cmath>

#include "model/errors.hpp"
#include "model/hydraulics/network.hpp"
#include "solvers/hydraulics/network_solver.hpp"
#include "solvers/hydraulics/simulation.hpp"

using namespace caspflow;
using namespace caspflow::hydraulics;
using namespace caspflow::solvers;

namespace {
NetNode node(const std::string& id, NodeKind k, double z) {
  NetNode n;
  n.id = id;
  n.kind = k;
  n.elevation = z;
  return n;
}
NetLink link(const std::string& id, LinkKind k, int from, int to) {
  NetLink l;
  l.id = id;
  l.kind = k;
  l.from = from;
  l.to = to;
  return l;
}
SolverOptions colebrook() {
  SolverOptions o;
  o.friction = FrictionMode::Colebrook;
  return o;
}
}  // namespace

TEST_CASE("network: single pipe between reservoirs reproduces White's worked example") {
  // White, Fluid Mechanics, Example 6.6 (see test_physics.cpp): 0.2 m3/s through 500 m of 200 mm pipe,
  // eps 0.26 mm, nu 1e-5 m2/s loses hf = 117.39 m (Colebrook). Reservoirs 117.39 m apart => Q = 0.2.
  Network net;
  net.nodes = {node("A", NodeKind::Reservoir, 117.3925), node("B", NodeKind::Reservoir, 0.0)};
  auto p = link("P", LinkKind::Pipe, 0, 1);
  p.length = 500, p.diameter = 0.2, p.roughness = 0.26e-3;
  net.links = {p};
  net.viscosity = 1e-5;
  net.index();
  NetworkSolver s(net, colebrook());
  auto st = s.initial_state();
  s.solve(st);
  CHECK(st.flow[0] == doctest::Approx(0.2).epsilon(1e-4));
}

TEST_CASE("network: pump-system operating point (analytic)") {
  // Reservoir at 10 m -> pump (H = 100 - 1000 Q^2, from the 3 points (0,100) (0.1,90) (0.2,60)) ->
  // throttle valve K = 10 on d = 0.2 m -> reservoir at 60 m. Operating point where the pump head
  // equals the static lift plus the valve loss: 100 - 1000 Q^2 = 50 + 8K/(g pi^2 d^4) Q^2
  // => Q = sqrt(50 / (1000 + 516.59)) = 0.181573 m3/s (hand calculation).
  Network net;
  net.nodes = {node("R1", NodeKind::Reservoir, 10.0), node("J", NodeKind::Junction, 0.0), node("R2", NodeKind::Reservoir, 60.0)};
  auto pump = link("PU", LinkKind::Pump, 0, 1);
  pump.curve = fit_pump_curve({{0.0, 100.0}, {0.1, 90.0}, {0.2, 60.0}});
  pump.shutoff_head = 100.0;
  pump.design_flow = 0.1;
  pump.setting = 1.0;
  pump.has_setting = true;
  auto v = link("V", LinkKind::TCV, 1, 2);
  v.diameter = 0.2;
  v.setting = 10.0;
  v.has_setting = true;
  net.links = {pump, v};
  net.index();
  NetworkSolver s(net, colebrook());
  auto st = s.initial_state();
  s.solve(st);
  const double km = 8 * 10.0 / (kGravity * M_PI * M_PI * std::pow(0.2, 4));
  CHECK(km == doctest::Approx(516.59).epsilon(1e-4));
  const double q = std::sqrt(50.0 / (1000.0 + km));
  CHECK(st.flow[0] == doctest::Approx(q).epsilon(1e-8));
  CHECK(st.flow[1] == doctest::Approx(q).epsilon(1e-8));
  CHECK(st.head[1] == doctest::Approx(10.0 + 100.0 - 1000.0 * q * q).epsilon(1e-8));
  // At 90 % speed (affinity laws: H = 81 - 1000 Q^2): Q = sqrt(31 / 1516.59).
  st.setting[0] = 0.9;
  s.solve(st);
  CHECK(st.flow[0] == doctest::Approx(std::sqrt(31.0 / (1000.0 + km))).epsilon(1e-8));
  // Lift above the shutoff head: the pump cannot deliver and is closed (EPANET XHEAD), no flow.
  st.setting[0] = 0.5;  // shutoff 25 m < 50 m lift
  s.solve(st);
  CHECK(is_closed(st.status[0]));
  CHECK(NetworkSolver::reported_flow(st, 0) == 0.0);
}

TEST_CASE("extended period: tank filled at a constant rate, step cut when it is full (mass balance)") {
  // Reservoir 100 m -> FCV 0.05 m3/s -> tank (bottom 0, levels 2..10 m, diameter 10 m). Level rises at
  // Q/A = 0.05/78.54 m/s (conservation of volume): 2.2918 m per hour; full after 8 A / Q = 12566 s,
  // where EPANET's rule shortens the step; then the valve into the full tank closes.
  Network net;
  auto t = node("T", NodeKind::Tank, 0.0);
  t.init_level = 2, t.min_level = 1, t.max_level = 10, t.diameter = 10;
  const double A = M_PI * 25;
  t.min_volume = A * 1.0;
  net.nodes = {node("R", NodeKind::Reservoir, 100.0), t};
  auto v = link("F", LinkKind::FCV, 0, 1);
  v.diameter = 0.3, v.setting = 0.05, v.has_setting = true, v.status = LinkStatus::Active;
  net.links = {v};
  net.duration = 6 * 3600;
  net.index();
  Simulation sim(net, colebrook());
  auto r = sim.run();
  REQUIRE(r.times.size() == 7);
  for (int h = 0; h <= 3; ++h) {
    CAPTURE(h);
    // (the active FCV passes set + dh/CBIG as in EPANET, ~1e-7 m3/s more: 2e-6 relative)
    CHECK(r.heads[h][1] == doctest::Approx(2.0 + 0.05 * 3600 * h / A).epsilon(1e-5));
    CHECK(r.flows[h][0] == doctest::Approx(0.05).epsilon(1e-5));
  }
  for (int h = 4; h <= 6; ++h) {
    CHECK(r.heads[h][1] == doctest::Approx(10.0));
    CHECK(r.flows[h][0] == 0.0);
  }
  // Solves at 0,1,2,3 h, at the fill time 12566 s, then 4,5,6 h.
  CHECK(r.hydraulic_steps == 8);
}

TEST_CASE("network: a demand behind a closed pipe is reported infeasible, naming the link") {
  Network net;
  net.nodes = {node("R", NodeKind::Reservoir, 50.0), node("J", NodeKind::Junction, 0.0)};
  net.nodes[1].demands = {{0.01, -1}};
  auto p = link("P1", LinkKind::Pipe, 0, 1);
  p.length = 100, p.diameter = 0.2, p.roughness = 1e-4, p.status = LinkStatus::Closed;
  net.links = {p};
  net.index();
  NetworkSolver s(net, colebrook());
  auto st = s.initial_state();
  st.demand[1] = 0.01;
  CHECK_THROWS_WITH_AS(s.solve(st), doctest::Contains("link 'P1'"), SolverError);
}
