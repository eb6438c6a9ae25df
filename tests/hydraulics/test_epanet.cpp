// EPANET reader and network solver against EPANET 2.3.5 on EPANET's own networks (peer results in
// tests/data/epanet, see its README) and against analytic solutions.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "caspflow/inputs/epanet/inp_reader.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/solvers/hydraulics/network_solver.hpp"
#include "caspflow/solvers/hydraulics/simulation.hpp"
#include "tests/hydraulics/epanet_compare.hpp"

using namespace caspflow;
using namespace caspflow::model::hydraulics;
using caspflow::test::compare_with_epanet;
using caspflow::test::epanet_data;

namespace {
// EPANET-sized tolerance (tests/data/epanet/README.md): heads within 0.15 ft (US) / 0.05 m (SI),
// flows within 0.5 % of the value or 0.01 of the largest flow.
void check_epanet_sized(const caspflow::test::Agreement& a, bool us) {
  INFO("worst head " << a.worst_head << " err " << a.max_head_err << ", worst flow " << a.worst_flow << " err "
                     << a.max_flow_err << " (" << a.max_flow_rel << " of largest flow)");
  CHECK(a.times > 0);
  CHECK(a.max_head_err <= (us ? 0.15 : 0.05));
  CHECK(a.max_flow_rel <= 0.01);
  // Node continuity is linear: at every returned solution it holds to round-off (issue 7).
  CHECK(a.max_continuity <= 1e-12);
}
}  // namespace

TEST_CASE("inp reader: units converted to SI with EPANET's factors") {
  auto r = inputs::epanet::read_inp(epanet_data("Net1.inp"));
  const auto& n = r.network;
  // Net1.inp: GPM, H-W; pipe 10 from 10 to 11, 10530 ft, 18 in, C = 100; junction 10 elev 710 ft;
  // tank 2 elev 850 ft, levels 120/100/150 ft, diameter 50.5 ft; pump 9 curve 1 = (1500 gpm, 250 ft).
  const auto& p = n.links[n.find_link("10")];
  CHECK(p.length == doctest::Approx(10530 * 0.3048));
  CHECK(p.diameter == doctest::Approx(18 * 0.0254));
  CHECK(p.roughness == doctest::Approx(100));
  CHECK(n.nodes[n.find_node("10")].elevation == doctest::Approx(710 * 0.3048));
  const auto& t = n.nodes[n.find_node("2")];
  CHECK(t.kind == NodeKind::Tank);
  CHECK(t.init_level == doctest::Approx(120 * 0.3048));
  CHECK(t.diameter == doctest::Approx(50.5 * 0.3048));
  const auto& pump = n.links[n.find_link("9")];
  CHECK(pump.kind == LinkKind::Pump);
  // EPANET's 1-point rule: shutoff 1.33334 x 250 ft; flow 1500 gpm = 1500/448.831 cfs.
  CHECK(pump.curve.h0 == doctest::Approx(1.33334 * 250 * 0.3048));
  CHECK(pump.curve.head(1500 / 448.831 * 0.3048 * 0.3048 * 0.3048) == doctest::Approx(250 * 0.3048));
  CHECK(n.units.flow == "GPM");
  CHECK(n.duration == 24 * 3600);
  CHECK(n.controls.size() == 2);
  // Skipped sections are reported once each (Net1 has [QUALITY], [REACTIONS], [REPORT], ...).
  CHECK_FALSE(r.warnings.empty());
}

TEST_CASE("inp reader: btc_like in CMH, D-W, relative viscosity, specific gravity and BAR") {
  auto r = inputs::epanet::read_inp(epanet_data("btc_like.inp"));
  const auto& n = r.network;
  // VISCOSITY 5.0 is relative to EPANET's 1.1e-5 ft2/s water (5 x 1.0219e-6 m2/s).
  CHECK(n.viscosity == doctest::Approx(5 * 1.1e-5 * 0.3048 * 0.3048));
  CHECK(n.specific_gravity == doctest::Approx(0.85));
  // Roughness 0.045 mm; diameter 1067 mm.
  CHECK(n.links[n.find_link("L1")].roughness == doctest::Approx(0.045e-3));
  CHECK(n.links[n.find_link("L1")].diameter == doctest::Approx(1.067));
  // PSV setting 108 bar of a SG 0.85 fluid = 108 / (0.0689476 * 0.4333 * 0.85) ft = 1296.3 m of head
  // (EPANET 2.3 unit factors); EPANET's own PRS_IN head is 30 + 1296.31 m at t = 0.
  CHECK(n.links[n.find_link("PRS")].setting == doctest::Approx(1296.31).epsilon(1e-4));
}

TEST_CASE("inp reader: errors name file:line and the unsupported feature") {
  using inputs::epanet::parse_inp;
  const std::string base = "[JUNCTIONS]\n J1 10 5\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J1 100 200 100\n";
  CHECK_NOTHROW(parse_inp(base + "[OPTIONS]\n UNITS LPS\n", "ok.inp"));
  try {
    parse_inp(base + "[EMITTERS]\n J1 0.5\n", "em.inp");
    FAIL("emitters accepted");
  } catch (const InputError& e) {
    CHECK(e.problems().front().headline() == "em.inp:8: EMITTERS.J1: emitters (pressure-dependent outflow) are not supported");
  }
  try {
    parse_inp(base + "[OPTIONS]\n DEMAND MODEL PDA\n", "pda.inp");
    FAIL("PDA accepted");
  } catch (const InputError& e) {
    CHECK(e.problems().front().headline().find("pda.inp:8: OPTIONS.DEMAND MODEL: pressure-driven demand") == 0);
  }
  try {
    parse_inp(base + "[RULES]\nRULE 1\nIF TANK 1 LEVEL ABOVE 5\nTHEN PUMP 2 STATUS IS CLOSED\n", "rules.inp");
    FAIL("rules accepted");
  } catch (const InputError& e) {
    CHECK(e.problems().front().headline().find("rules.inp:8: RULES: rule-based controls") == 0);
  }
  try {
    parse_inp(base + "[OPTIONS]\n HEADLOSS C-M\n", "cm.inp");
    FAIL("C-M accepted");
  } catch (const InputError& e) {
    CHECK(e.problems().front().headline().find("cm.inp:8: OPTIONS.HEADLOSS: Chezy-Manning") == 0);
  }
  try {
    parse_inp("[JUNCTIONS]\n J1 ten\n", "bad.inp");
    FAIL("malformed accepted");
  } catch (const InputError& e) {
    CHECK(e.problems().front().headline() == "bad.inp:2: JUNCTIONS.J1.elevation: got 'ten', expected a number");
  }
  try {
    parse_inp(base + " P2 R1 NOWHERE 100 200 100\n", "ref.inp");
    FAIL("unknown node accepted");
  } catch (const InputError& e) {
    CHECK(e.problems().front().headline() == "ref.inp:7: PIPES.P2.node2: unknown node 'NOWHERE'");
  }
  CHECK_THROWS_AS(inputs::epanet::read_inp("/nonexistent/x.inp"), IoError);
}

TEST_CASE("inp reader: every problem of the file is reported, in line order, each with its line") {
  using inputs::epanet::parse_inp;
  const std::string text = "[JUNCTIONS]\n J1 ten 5\n J2 10 5\n[RESERVOIRS]\n R1 50\n[PIPES]\n P1 R1 J2 100 200 100\n"
                           " P2 J2 J2 100 200 100\n P3 R1 NOWHERE 100 200 100\n[OPTIONS]\n HEADLOSS C-M\n";
  try {
    parse_inp(text, "many.inp");
    FAIL("accepted");
  } catch (const InputError& e) {
    const auto& p = e.problems();
    REQUIRE(p.size() == 4);
    CHECK(p[0].headline() == "many.inp:2: JUNCTIONS.J1.elevation: got 'ten', expected a number");
    CHECK(p[1].headline() == "many.inp:8: PIPES.P2: a pipe cannot start and end at the same node");
    CHECK(p[2].headline() == "many.inp:9: PIPES.P3.node2: unknown node 'NOWHERE'");
    CHECK(p[3].headline().find("many.inp:11: OPTIONS.HEADLOSS: Chezy-Manning") == 0);
    CHECK(p[2].context == "     P3 R1 NOWHERE 100 200 100");  // the line (no column: no caret)
  }
}

TEST_CASE("EPANET agreement: t = 0 snapshot of the four peer networks") {
  // Peer results: EPANET 2.3.5 (tests/data/epanet/*.heads.csv, *.flows.csv).
  for (const char* name : {"Net1", "Net2", "Net3", "btc_like"}) {
    CAPTURE(name);
    auto a = compare_with_epanet(epanet_data(std::string(name) + ".inp"), epanet_data(name), 0.01, 0.1, 1);
    check_epanet_sized(a, std::string(name) != "btc_like");
  }
}

TEST_CASE("EPANET agreement: full extended period of Net1 (24 h) and btc_like (30 days)") {
  auto a = compare_with_epanet(epanet_data("Net1.inp"), epanet_data("Net1"), 0.01, 0.1);
  CHECK(a.times == 25);
  check_epanet_sized(a, true);
  auto b = compare_with_epanet(epanet_data("btc_like.inp"), epanet_data("btc_like"), 0.01, 0.1);
  CHECK(b.times == 721);
  check_epanet_sized(b, false);
  // Net2 (55 h, tank + 30 patterns) and Net3 (24 h, 3 tanks, 2 pumps, controls) too.
  check_epanet_sized(compare_with_epanet(epanet_data("Net2.inp"), epanet_data("Net2"), 0.01, 0.1), true);
  check_epanet_sized(compare_with_epanet(epanet_data("Net3.inp"), epanet_data("Net3"), 0.01, 0.1), true);
}

TEST_CASE("EPANET's example-network suite: 48 networks, rtol 0.01 / atol 0.1") {
  // Every network is either (a) matched within rtol 0.01 / atol 0.1 at every report time, (b) refused
  // with an InputError naming the unsupported feature, (c) reported infeasible by caspflow where
  // EPANET returns a non-physical answer, or (d) a mismatch that the referee attributes to EPANET's
  // loose convergence (its own heads and flows violate the head-loss law by more than the mismatch
  // while caspflow's satisfy it to 1e-6).
  // Every file's ACCURACY is looser than 1e-8 (EPANET clamps it to >= 1e-5), and at 1e-3 / 0.1 EPANET's
  // own answer on example2, exnet-3 and exnet-3H is off by more than rtol 0.01 / atol 0.1. So the
  // reference is EPANET 2.3.5 re-run at ACCURACY 1e-8 (NAME.acc1e-8.*.csv, written by
  // tests/data/epanet/make_tight_references.py) wherever EPANET converges that far; on the five networks
  // where its status checks cycle and it never reaches 1e-8 (wolf-3, NET1-PBV, 6848-68nodes, Gorev2,
  // simpson_test_2-12) the file-accuracy reference NAME.*.csv is used. With the tight references
  // (d) is a documented fallback only: no network needs it today.
  namespace fs = std::filesystem;
  const std::map<std::string, std::string> refused = {
      {"NET1emit", "emitters"}, {"NET1negemit", "emitters"}, {"cheung", "pressure-driven demand"}};
  // 2fcvs: pump 28 is CLOSED in [STATUS], so the 17 gpm demand at node 30 cannot be met through
  // FCV 44 (6.5 gpm); EPANET pushes flow through the closed pump and returns heads of -1.17e6 ft.
  const std::set<std::string> infeasible = {"2fcvs"};
  // EPANET 2.3.5 does not converge to ACCURACY 1e-8 on these (see make_tight_references.py).
  const std::set<std::string> loose_epanet = {"wolf-3", "NET1-PBV", "6848-68nodes", "Gorev2", "simpson_test_2-12"};
  int total = 0, matched = 0, n_refused = 0, n_infeasible = 0, n_explained = 0, n_tight = 0;
  std::string report_tight;  // networks whose tight reference is unexpectedly present or missing
  double worst_tight_head = 0.0;
  std::string worst_tight_head_at;
  double worst_continuity = 0.0;
  std::string report;
  for (const auto& dir : fs::directory_iterator(epanet_data("epanet-tests"))) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (f.path().extension() != ".inp") continue;
      const std::string name = f.path().stem().string();
      const std::string base_file = (f.path().parent_path() / name).string();
      const bool tight = fs::exists(base_file + ".acc1e-8.heads.csv") && fs::exists(base_file + ".acc1e-8.flows.csv");
      const std::string base = tight ? base_file + ".acc1e-8" : base_file;
      CAPTURE(name);
      CAPTURE(tight);
      ++total;
      n_tight += tight;
      if (tight != !loose_epanet.count(name)) report_tight += " " + name;
      if (refused.count(name)) {
        try {
          inputs::epanet::read_inp(f.path().string());
          FAIL("not refused");
        } catch (const InputError& e) {
          CHECK(std::string(e.what()).find(refused.at(name)) != std::string::npos);
          CHECK(std::string(e.what()).find(f.path().string() + ":") == 0);  // file:line
          ++n_refused;
        }
        continue;
      }
      if (infeasible.count(name)) {
        CHECK_THROWS_WITH_AS(compare_with_epanet(f.path().string(), base, 0.01, 0.1), doctest::Contains("infeasible"),
                             SolverError);
        ++n_infeasible;
        continue;
      }
      auto a = compare_with_epanet(f.path().string(), base, 0.01, 0.1);
      CHECK(a.times > 0);
      CHECK(a.max_continuity <= 1e-12);
      worst_continuity = std::max(worst_continuity, a.max_continuity);
      if (tight) {
        // Against EPANET at ACCURACY 1e-8 the heads agree far inside the suite's tolerance: measured worst
        // 3.2e-5 ft (example1 node 13 at 23 h, extended period); flows to ~1e-6 of the largest flow except
        // where EPANET's closed-link leakage shows (5fcvs: ~0.00095 gpm behind the CLOSED pump 28, where
        // caspflow carries none) and where a flow is barely determined at zero head loss (fcv-noflow:
        // caspflow 0.0011 L/s between two reservoirs at the same head, EPANET 0; simpson_test: EPANET
        // 2.8e-5 L/s, caspflow 0).
        CHECK(a.max_head_err <= 1e-3);
        if (a.max_head_err > worst_tight_head) worst_tight_head = a.max_head_err, worst_tight_head_at = name + " " + a.worst_head;
      }
      if (a.within_rtol_atol) {
        ++matched;
        continue;
      }
      INFO(a.first_violation << "; EPANET law error " << a.epanet_law_err << " at " << a.epanet_law_worst
                             << ", caspflow " << a.caspflow_law_err);
      CHECK(a.epanet_law_err >= 0.5 * a.max_flow_err);
      CHECK(a.caspflow_law_err <= 1e-6 * std::max(1.0, a.largest_flow));
      ++n_explained;
      report += " " + name;
    }
  }
  MESSAGE("EPANET suite: " << total << " networks (" << n_tight << " against EPANET at ACCURACY 1e-8); " << matched
                           << " match within rtol 0.01/atol 0.1; " << n_refused
                           << " refused (unsupported feature); " << n_infeasible << " infeasible; " << n_explained
                           << " differ where EPANET is loosely converged:" << report
                           << "; worst node continuity " << worst_continuity << "; worst head vs EPANET at 1e-8 "
                           << worst_tight_head << " (" << worst_tight_head_at << ")");
  CHECK(total == 48);
  CHECK(n_refused == 3);
  CHECK(matched + n_refused + n_infeasible + n_explained == total);
  CHECK(n_tight == total - static_cast<int>(loose_epanet.size()));
  CHECK_MESSAGE(report_tight.empty(), "tight reference present/missing unexpectedly:" << report_tight);
  CHECK(matched >= 44);
}
