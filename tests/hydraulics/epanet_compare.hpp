#pragma once
// Test helper: run caspflow on an EPANET .inp and compare with EPANET 2.3.5's own results
// (NAME.heads.csv / NAME.flows.csv written by the EPANET toolkit, in the .inp's units; see
// tests/data/epanet/README.md).
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "caspflow/inputs/epanet/inp_reader.hpp"
#include "caspflow/solvers/hydraulics/simulation.hpp"

#ifndef CASPFLOW_TEST_DATA
#define CASPFLOW_TEST_DATA "tests/data"
#endif

namespace caspflow::test {

inline std::string epanet_data(const std::string& rel) { return std::string(CASPFLOW_TEST_DATA) + "/epanet/" + rel; }

struct Csv {
  std::vector<std::string> cols;         // element IDs (time_s removed)
  std::vector<double> times;
  std::vector<std::vector<double>> rows;  // [time][col]
};

inline Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  Csv c;
  std::string line;
  std::getline(in, line);
  {
    std::stringstream ss(line);
    std::string cell;
    std::getline(ss, cell, ',');
    while (std::getline(ss, cell, ',')) c.cols.push_back(cell);
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    std::getline(ss, cell, ',');
    c.times.push_back(std::stod(cell));
    std::vector<double> r;
    while (std::getline(ss, cell, ',')) r.push_back(std::stod(cell));
    c.rows.push_back(std::move(r));
  }
  return c;
}

/// Largest deviations from EPANET over all report times (in the file's units).
struct Agreement {
  int times = 0;
  double max_head_err = 0.0;       ///< [ft or m]
  std::string worst_head;
  double max_flow_err = 0.0;       ///< [file flow unit]
  double max_flow_rel = 0.0;       ///< flow error / largest |flow| at that time
  std::string worst_flow;
  double largest_flow = 0.0;
  bool within_rtol_atol = true;    ///< |a-b| <= atol + rtol |b| for every value
  std::string first_violation;
  // Referee at t = 0: largest flow error implied by each program's own heads and head-loss laws
  // (NetworkSolver::law_flow_errors), in the file's flow unit.
  double epanet_law_err = 0.0;
  double caspflow_law_err = 0.0;
  std::string epanet_law_worst;
  // Largest junction imbalance relative to the largest flow at that junction, over every solve of the
  // run and the t = 0 referee solve (continuity is linear: it must hold to round-off).
  double max_continuity = 0.0;
};

inline double qf_of(const model::hydraulics::Network& n) { return n.units.flow_to_si; }

/// Compare a run with EPANET's CSVs; `max_times` limits the compared report times (0 = all).
inline Agreement compare_with_epanet(const std::string& inp, const std::string& base, double rtol, double atol,
                                     std::size_t max_times = 0,
                                     model::hydraulics::FrictionMode mode = model::hydraulics::FrictionMode::Epanet) {
  auto r = inputs::epanet::read_inp(inp);
  const auto& net = r.network;
  solvers::hydraulics::SolverOptions opt;
  opt.friction = mode;
  model::hydraulics::Network snapshot;
  const model::hydraulics::Network* use = &net;
  if (max_times == 1) {  // t = 0 snapshot only
    snapshot = net;
    snapshot.duration = 0;
    use = &snapshot;
  }
  solvers::hydraulics::Simulation sim(*use, opt);
  auto res = sim.run();
  Agreement a;
  a.max_continuity = res.max_continuity;
  Csv H = read_csv(base + ".heads.csv"), Q = read_csv(base + ".flows.csv");
  {
    // Referee: the t = 0 state solved by caspflow, then the same state with EPANET's heads and flows.
    model::hydraulics::Network snap = net;
    snap.duration = 0;
    solvers::hydraulics::NetworkSolver ns(snap, opt);
    solvers::hydraulics::HydState s = ns.initial_state();
    for (std::size_t i = 0; i < snap.nodes.size(); ++i) {
      double d = 0;
      for (const auto& dm : snap.nodes[i].demands)
        d += dm.base * (dm.pattern >= 0 ? snap.patterns[dm.pattern].factors[0] : 1.0) * snap.demand_multiplier;
      if (snap.nodes[i].kind == model::hydraulics::NodeKind::Junction) s.demand[i] = d;
    }
    bool ok = true;
    try {
      a.max_continuity = std::max(a.max_continuity, ns.solve(s).continuity);
    } catch (const std::exception&) {
      ok = false;
    }
    if (ok) {
      auto mine = ns.law_flow_errors(s);
      for (double v : mine) a.caspflow_law_err = std::max(a.caspflow_law_err, std::abs(v) / qf_of(net));
      for (std::size_t c = 0; c < H.cols.size(); ++c) s.head[net.find_node(H.cols[c])] = H.rows[0][c] * net.units.head_to_si;
      for (std::size_t c = 0; c < Q.cols.size(); ++c) {
        const int k = net.find_link(Q.cols[c]);
        if (!solvers::hydraulics::is_closed(s.status[k])) s.flow[k] = Q.rows[0][c] * net.units.flow_to_si;
      }
      auto theirs = ns.law_flow_errors(s);
      for (std::size_t k = 0; k < theirs.size(); ++k)
        if (std::abs(theirs[k]) / qf_of(net) > a.epanet_law_err)
          a.epanet_law_err = std::abs(theirs[k]) / qf_of(net), a.epanet_law_worst = net.links[k].id;
    }
  }
  const double hf = net.units.head_to_si, qf = net.units.flow_to_si;
  std::size_t nt = H.times.size();
  if (max_times > 0) nt = std::min(nt, max_times);
  for (std::size_t ti = 0; ti < nt; ++ti) {
    const double t = H.times[ti];
    std::size_t mi = 0;
    while (mi < res.times.size() && std::abs(res.times[mi] - t) > 0.5) ++mi;
    if (mi == res.times.size()) {
      a.within_rtol_atol = false;
      if (a.first_violation.empty()) a.first_violation = "no caspflow result at t = " + std::to_string(t);
      continue;
    }
    ++a.times;
    for (std::size_t c = 0; c < H.cols.size(); ++c) {
      const int i = net.find_node(H.cols[c]);
      if (i < 0) throw std::runtime_error("node " + H.cols[c] + " missing");
      const double mine = res.heads[mi][i] / hf, ref = H.rows[ti][c];
      const double e = std::abs(mine - ref);
      if (e > a.max_head_err) a.max_head_err = e, a.worst_head = H.cols[c] + " @t=" + std::to_string(static_cast<long>(t));
      if (e > atol + rtol * std::abs(ref)) {
        a.within_rtol_atol = false;
        if (a.first_violation.empty())
          a.first_violation = "head " + H.cols[c] + " t=" + std::to_string(static_cast<long>(t)) + ": caspflow " +
                              std::to_string(mine) + " EPANET " + std::to_string(ref);
      }
    }
    double qmax = 0.0;
    for (double v : Q.rows[ti]) qmax = std::max(qmax, std::abs(v));
    a.largest_flow = std::max(a.largest_flow, qmax);
    for (std::size_t c = 0; c < Q.cols.size(); ++c) {
      const int k = net.find_link(Q.cols[c]);
      if (k < 0) throw std::runtime_error("link " + Q.cols[c] + " missing");
      const double mine = res.flows[mi][k] / qf, ref = Q.rows[ti][c];
      const double e = std::abs(mine - ref);
      if (e > a.max_flow_err) a.max_flow_err = e, a.worst_flow = Q.cols[c] + " @t=" + std::to_string(static_cast<long>(t));
      if (qmax > 0) a.max_flow_rel = std::max(a.max_flow_rel, e / qmax);
      if (e > atol + rtol * std::abs(ref)) {
        a.within_rtol_atol = false;
        if (a.first_violation.empty())
          a.first_violation = "flow " + Q.cols[c] + " t=" + std::to_string(static_cast<long>(t)) + ": caspflow " +
                              std::to_string(mine) + " EPANET " + std::to_string(ref);
      }
    }
  }
  return a;
}

}  // namespace caspflow::test
