// Google Benchmark: network hydraulics on btc_like.inp (18 pipes, 27 links) and on its finer split
// bench/hydraulics/btc_fine.inp (~100 pipes per section, 1017 links; make_fine_btc.py), snapshot and
// 30-day extended period (hourly steps, EPANET's stepping). Reports microseconds per link (and per
// pipe) per hydraulic step, the figure EPANET 2.3.5 is quoted at (~0.15 us per pipe per hourly step).
// Run: ./build/bench/hydraulics/bench_hydraulics
#include <benchmark/benchmark.h>

#include <string>

#include "caspflow/inputs/epanet/inp_reader.hpp"
#include "caspflow/solvers/hydraulics/network_solver.hpp"
#include "caspflow/solvers/hydraulics/simulation.hpp"

using namespace caspflow;

namespace {
const model::hydraulics::Network& load(const std::string& which) {
  static const auto coarse = inputs::epanet::read_inp(CASPFLOW_SOURCE_DIR "/tests/data/epanet/btc_like.inp").network;
  static const auto fine = inputs::epanet::read_inp(CASPFLOW_SOURCE_DIR "/bench/hydraulics/btc_fine.inp").network;
  return which == "fine" ? fine : coarse;
}

std::size_t pipes(const model::hydraulics::Network& n) {
  std::size_t c = 0;
  for (const auto& l : n.links) c += l.kind == model::hydraulics::LinkKind::Pipe || l.kind == model::hydraulics::LinkKind::CVPipe;
  return c;
}

void counters(benchmark::State& st, const model::hydraulics::Network& n, double steps) {
  using benchmark::Counter;
  st.counters["links"] = static_cast<double>(n.links.size());
  st.counters["steps"] = steps;
  st.counters["us_per_link_step"] =
      Counter(static_cast<double>(n.links.size()) * steps * 1e-6, Counter::kIsIterationInvariantRate | Counter::kInvert);
  st.counters["us_per_pipe_step"] =
      Counter(static_cast<double>(pipes(n)) * steps * 1e-6, Counter::kIsIterationInvariantRate | Counter::kInvert);
}

// One steady-state solve at t = 0 from EPANET's initial state (cold start: 1 ft/s in every pipe).
void snapshot(benchmark::State& st, const std::string& which) {
  const auto& n = load(which);
  solvers::hydraulics::NetworkSolver solver(n);
  const solvers::hydraulics::HydState s0 = [&] {
    auto s = solver.initial_state();
    for (std::size_t i = 0; i < n.nodes.size(); ++i)
      for (const auto& d : n.nodes[i].demands)
        s.demand[i] += d.base * (d.pattern >= 0 ? n.patterns[d.pattern].factors[0] : 1.0) * n.demand_multiplier;
    return s;
  }();
  solvers::hydraulics::HydState s = s0;
  for (auto _ : st) {
    s = s0;
    solver.solve(s);
    benchmark::DoNotOptimize(s.flow.data());
  }
  counters(st, n, 1.0);
}

// The whole 720 h extended-period run (721 hydraulic solves, warm-started step to step).
void eps(benchmark::State& st, const std::string& which) {
  const auto& n = load(which);
  solvers::hydraulics::Simulation sim(n);
  long steps = 0, newton = 0;
  for (auto _ : st) {
    auto r = sim.run(false);
    steps = r.hydraulic_steps;
    newton = r.newton_iterations;
    benchmark::DoNotOptimize(r.newton_iterations);
  }
  counters(st, n, static_cast<double>(steps));
  st.counters["newton_per_step"] = steps > 0 ? static_cast<double>(newton) / static_cast<double>(steps) : 0.0;
}
}  // namespace

BENCHMARK_CAPTURE(snapshot, btc_like, std::string("coarse"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(snapshot, btc_fine, std::string("fine"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(eps, btc_like, std::string("coarse"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(eps, btc_fine, std::string("fine"))->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
