// Network solver against analytic solutions (networks built in code, SI, Colebrook mode).
#include <doctest/doctest.h>

#include <cmath>

#include "caspflow/model/errors.hpp"
#include "caspflow/model/hydraulics/network.hpp"
#include "caspflow/solvers/hydraulics/network_solver.hpp"
#include "caspflow/solvers/hydraulics/simulation.hpp"

using namespace caspflow;
using namespace caspflow::model::hydraulics;
using namespace caspflow::solvers;
using namespace caspflow::solvers::hydraulics;

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

#include <type_traits>

#include "caspflow/inputs/epanet/inp_reader.hpp"
#include "caspflow/solvers/sundials.hpp"
#include "tests/hydraulics/epanet_compare.hpp"

TEST_CASE("SUNDIALS RAII wrappers: copy deleted, move allowed, moved-from handle is empty") {
  static_assert(!std::is_copy_constructible_v<SunVector> && !std::is_copy_assignable_v<SunVector>);
  static_assert(std::is_nothrow_move_constructible_v<SunVector> && std::is_nothrow_move_assignable_v<SunVector>);
  static_assert(!std::is_copy_constructible_v<SunContext> && std::is_move_constructible_v<SunContext>);
  static_assert(!std::is_copy_constructible_v<KinsolMem> && !std::is_copy_constructible_v<SunLinSol>);
  static_assert(!std::is_copy_constructible_v<NetworkSolver> && std::is_move_constructible_v<NetworkSolver>);
  SunContext ctx = SunContext::create();
  SunVector v(N_VNew_Serial(5, ctx.get()));
  REQUIRE(v);
  SunVector w = std::move(v);
  CHECK_FALSE(v);  // NOLINT(bugprone-use-after-move): moved-from must be empty
  CHECK(w);
  CHECK(N_VGetLength(w.get()) == 5);
  v = std::move(w);
  CHECK(v);
  CHECK_FALSE(w);
}

TEST_CASE("network: Newton failure names the element, the residual and the iteration history") {
  // One Newton iteration cannot solve Net3 from EPANET's cold start (1 ft/s everywhere).
  auto in = inputs::epanet::read_inp(caspflow::test::epanet_data("Net3.inp"));
  SolverOptions o;
  o.max_newton = 1;
  NetworkSolver s(in.network, o);
  auto st = s.initial_state();
  for (std::size_t i = 0; i < in.network.nodes.size(); ++i)
    for (const auto& d : in.network.nodes[i].demands) st.demand[i] += d.base;
  try {
    s.solve(st);
    FAIL("converged in one iteration");
  } catch (const SolverError& e) {
    const std::string m = e.what();
    CHECK(m.find("did not converge") != std::string::npos);
    CHECK(m.find("largest residual at ") != std::string::npos);
    CHECK(m.find("Net3.inp:") != std::string::npos);  // the element's file:line
    CHECK(m.find("residual history") != std::string::npos);
  }
}

TEST_CASE("network: Colebrook mode on btc_like differs from EPANET's Swamee-Jain by < 0.2 %") {
  // Swamee-Jain is within ~1 % of Colebrook in f (Swamee & Jain 1976); at Re ~ 4e5 and eps/D = 4.2e-5
  // the difference in f is ~0.3 %, i.e. ~0.15 % in flow (Q ~ f^-1/2) on a friction-dominated line.
  auto in = inputs::epanet::read_inp(caspflow::test::epanet_data("btc_like.inp"));
  auto net = in.network;
  net.duration = 0;
  SolverOptions e, c;
  c.friction = FrictionMode::Colebrook;
  auto re = Simulation(net, e).run();
  auto rc = Simulation(net, c).run();
  const int k = net.find_link("L1");
  const double qe = re.flows[0][k], qc = rc.flows[0][k];
  CHECK(qe * 3600 == doctest::Approx(6670.28).epsilon(1e-3));  // EPANET 2.3.5: 6670.27861 m3/h
  CHECK(std::abs(qc / qe - 1) < 0.002);
  CHECK(qc != qe);
}

TEST_CASE("extended period: clock-time control cuts the step and closes the valve; volume-curve tank") {
  // Same filling tank as above (Q/A = 0.05/78.54 m/s, mass balance), with a control closing the FCV at
  // 01:30 clock time: the step is cut at 5400 s, the level then stays at 2 + 0.05*5400/A = 5.4377 m.
  // A second run replaces the cylinder by a linear volume curve V(level) = A level (same tank).
  for (bool curve : {false, true}) {
    CAPTURE(curve);
    Network net;
    const double A = M_PI * 25;
    auto t = node("T", NodeKind::Tank, 0.0);
    t.init_level = 2, t.min_level = 1, t.max_level = 10, t.diameter = 10, t.min_volume = A;
    if (curve) {
      net.curves.push_back({"VC", {{0.0, 0.0}, {20.0, 20.0 * A}}});
      t.volume_curve = 0;
    }
    net.nodes = {node("R", NodeKind::Reservoir, 100.0), t};
    auto v = link("F", LinkKind::FCV, 0, 1);
    v.diameter = 0.3, v.setting = 0.05, v.has_setting = true, v.status = LinkStatus::Active;
    net.links = {v};
    Control c;
    c.link = 0;
    c.kind = ControlKind::AtClockTime;
    c.time = 5400;
    c.status = LinkStatus::Closed;
    net.controls = {c};
    net.duration = 3 * 3600;
    net.index();
    Simulation sim(net, colebrook());
    auto r = sim.run();
    REQUIRE(r.times.size() == 4);
    CHECK(r.heads[1][1] == doctest::Approx(2.0 + 0.05 * 3600 / A).epsilon(1e-5));
    CHECK(r.heads[2][1] == doctest::Approx(2.0 + 0.05 * 5400 / A).epsilon(1e-5));
    CHECK(r.heads[3][1] == doctest::Approx(2.0 + 0.05 * 5400 / A).epsilon(1e-5));
    CHECK(r.flows[2][0] == 0.0);
    CHECK(r.hydraulic_steps == 5);  // 0, 1 h, 1.5 h (control), 2 h, 3 h
  }
}

TEST_CASE("inp reader: times, clock-time controls, [DEMANDS] and [STATUS]") {
  // Expected values follow the EPANET 2.2 manual's input format (section 11 / appendix C).
  const std::string text =
      "[JUNCTIONS]\n J1 10 5 P1\n J2 10\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J1 100 200 100\n P2 J1 J2 100 200 100 0 CV\n"
      " P3 R1 J2 100 200 100 2.5 Closed\n"
      "[PATTERNS]\n P1 1 2\n P1 3\n[DEMANDS]\n J1 7 P1\n J1 1\n J2 4\n[STATUS]\n P3 Open\n"
      "[CONTROLS]\n LINK P3 CLOSED AT CLOCKTIME 2:30 PM\n LINK P3 OPEN AT TIME 3.5\n LINK P3 CLOSED IF NODE J1 BELOW 20\n"
      "[TIMES]\n Duration 1:30\n Hydraulic Timestep 0:15\n Pattern Timestep 30 MIN\n Report Timestep 900 SEC\n"
      " Start ClockTime 8 am\n[OPTIONS]\n Units LPS\n Pattern P1\n Demand Multiplier 2\n";
  auto r = inputs::epanet::parse_inp(text, "t.inp");
  const auto& n = r.network;
  CHECK(n.duration == 5400);
  CHECK(n.hyd_step == 900);
  CHECK(n.pattern_step == 1800);
  CHECK(n.report_step == 900);
  CHECK(n.start_clock == 8 * 3600);
  CHECK(n.patterns[0].factors == std::vector<double>{1, 2, 3});
  // [DEMANDS] replaces J1's own demand; J1 1 without a pattern takes the default pattern P1.
  const auto& j1 = n.nodes[n.find_node("J1")];
  REQUIRE(j1.demands.size() == 2);
  CHECK(j1.demands[0].base == doctest::Approx(0.007));
  CHECK(j1.demands[1].pattern == 0);
  CHECK(n.demand_multiplier == 2);
  CHECK(n.links[n.find_link("P2")].kind == LinkKind::CVPipe);
  CHECK(n.links[n.find_link("P3")].minor_loss == 2.5);
  CHECK(n.links[n.find_link("P3")].status == LinkStatus::Open);  // [STATUS] overrides [PIPES]
  REQUIRE(n.controls.size() == 3);
  CHECK(n.controls[0].kind == ControlKind::AtClockTime);
  CHECK(n.controls[0].time == 14 * 3600 + 1800);
  CHECK(n.controls[1].time == 12600);  // 3.5 h
  // Junction control: pressure 20 m (LPS files: metres) above elevation 10 m, SG 1.
  CHECK(n.controls[2].grade == doctest::Approx(30.0));
  CHECK(n.controls[2].kind == ControlKind::LevelBelow);
}

TEST_CASE("inp reader + solver: PRV setting in every pressure unit, with specific gravity != 1") {
  // EPANET 2.3 input1.c (initunits): Ucf[PRESSURE] = 0.4333 SG psi/ft for PSI, 6.895 x 0.4333 SG kPa/ft for
  // KPA, 0.0689476 x 0.4333 SG bar/ft for BAR, 0.3048 m/ft for METERS and 1 for FEET; the pressure unit
  // defaults to PSI with US flow units and METERS with SI ones. A PRV set to p holds the head downstream
  // at elevation + p / Ucf[PRESSURE] (ft). Network: reservoir at 100 (file units) -> pipe -> PRV -> pipe
  // -> junction at elevation 0 with a small demand, so the PRV is active and its downstream node J2 sits
  // at exactly the set head (the demand node loses a little more).
  struct Case {
    const char* units;
    const char* press;  // "" = default
    double setting;
    double expect_head_m;
  };
  const double sg = 0.83, ft = 0.3048;
  const Case cases[] = {
      {"LPS", "", 32.0, 32.0},                                  // SI default: metres of fluid, SG irrelevant
      {"LPS", "METERS", 32.0, 32.0},
      {"LPS", "KPA", 250.0, 250.0 / (6.895 * 0.4333 * sg) * ft},
      {"LPS", "BAR", 2.5, 2.5 / (0.0689476 * 0.4333 * sg) * ft},
      {"LPS", "PSI", 40.0, 40.0 / (0.4333 * sg) * ft},
      {"LPS", "FEET", 100.0, 100.0 * ft},
      {"GPM", "", 40.0, 40.0 / (0.4333 * sg) * ft},             // US default: psi
      {"GPM", "METERS", 30.0, 30.0},
      {"CFS", "KPA", 250.0, 250.0 / (6.895 * 0.4333 * sg) * ft},
  };
  for (const auto& c : cases) {
    CAPTURE(c.units);
    CAPTURE(c.press);
    const bool us = std::string(c.units) == "GPM" || std::string(c.units) == "CFS";
    const std::string diam = us ? "12" : "300", len = us ? "3000" : "1000";
    std::string text = "[JUNCTIONS]\n J1 0 0\n J2 0 0\n J3 0 1\n[RESERVOIRS]\n R1 " + std::string(us ? "328.084" : "100") +
                       "\n[PIPES]\n P1 R1 J1 " + len + " " + diam + " 100\n P2 J2 J3 " + len + " " + diam +
                       " 100\n[VALVES]\n V1 J1 J2 " + diam + " PRV " + std::to_string(c.setting) +
                       " 0\n[OPTIONS]\n Units " + c.units + "\n Headloss H-W\n Specific Gravity 0.83\n";
    if (*c.press) text += std::string(" Pressure ") + c.press + "\n";
    auto r = inputs::epanet::parse_inp(text, "prv.inp");
    r.network.index();
    NetworkSolver s(r.network, SolverOptions{});
    auto st = s.initial_state();
    s.solve(st);
    CHECK(st.head[r.network.find_node("J2")] == doctest::Approx(c.expect_head_m).epsilon(1e-9));
  }
}

TEST_CASE("inp reader: HEADLOSS absent means Hazen-Williams, as in EPANET") {
  // EPANET 2.3 input1.c setdefaults(): Formflag = HW.
  auto r = inputs::epanet::parse_inp("[JUNCTIONS]\n J1 0 1\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J1 100 200 100\n[OPTIONS]\n Units LPS\n", "hw.inp");
  CHECK(r.network.headloss == HeadLossFormula::HazenWilliams);
}
