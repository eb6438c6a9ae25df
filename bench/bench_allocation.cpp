// Google Benchmark: one instant's allocation on the base scenario (the work done per integrator
// right-hand side), and a whole simulation in-process (no file I/O).
#include <benchmark/benchmark.h>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/model/allocation.hpp"
#include "caspflow/solvers/dynamics.hpp"

namespace {
const char* base_path() { return CASPFLOW_SOURCE_DIR "/inputs/scenarios/base.toml"; }

void BM_AllocationInstant(benchmark::State& state) {
  const auto sc = caspflow::inputs::load_scenario(base_path());
  caspflow::model::Allocator alloc(sc);
  caspflow::model::Modes m;
  m.empty.assign(sc.nodes.size() * sc.shippers.size(), 1);
  m.full.assign(alloc.partitions().size(), 0);
  m.ceiling_hit.assign(alloc.route_vars().size(), 0);
  std::vector<double> arr(sc.legs.size() * sc.shippers.size(), 0.0), frac(arr.size(), 0.0);
  for (size_t l = 0; l < sc.legs.size(); ++l) frac[l * sc.shippers.size()] = 1.0;
  caspflow::model::AllocInput in{sc.start + 100 * 86400.0, &m, &arr, &frac};
  for (auto _ : state) benchmark::DoNotOptimize(alloc.solve(in));
}
BENCHMARK(BM_AllocationInstant);

void BM_SimulateBase(benchmark::State& state) {
  const auto sc = caspflow::inputs::load_scenario(base_path());
  for (auto _ : state) benchmark::DoNotOptimize(caspflow::solvers::simulate(sc));
}
BENCHMARK(BM_SimulateBase)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();
