// The engine is re-entrant (issue 13 item 6): one loaded scenario, read-only, simulated on 8 threads at once
// gives results bitwise identical to a serial run. In the ThreadSanitizer build (CASPFLOW_TSAN, CTest label
// `tsan`, scripts/test-all.sh) the same test shows the runs share no unsynchronised state.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/solvers/dynamics.hpp"

namespace {

using caspflow::solvers::RunResult;

/// Bitwise equality of two runs: every state, label index, diagnostic and event.
std::string difference(const RunResult& a, const RunResult& b) {
  auto same_doubles = [](const std::vector<double>& x, const std::vector<double>& y) {
    return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
  };
  if (a.ndays != b.ndays) return "ndays";
  for (auto m : {&RunResult::stock, &RunResult::in_transit, &RunResult::entered, &RunResult::left, &RunResult::supplied,
                 &RunResult::shut_in, &RunResult::route_entered, &RunResult::capacity})
    if (!same_doubles((a.*m).values(), (b.*m).values())) return "a boundary series";
  if (a.limit_day != b.limit_day) return "limit_day";
  if (a.route_limit_day != b.route_limit_day) return "route_limit_day";
  if (a.shut_in_reason_day != b.shut_in_reason_day) return "shut_in_reason_day";
  if (a.leg_state_day != b.leg_state_day) return "leg_state_day";
  if (!same_doubles(a.quality_allowance_day, b.quality_allowance_day)) return "quality_allowance_day";
  if (!same_doubles(a.station_suction, b.station_suction)) return "station_suction";
  if (!same_doubles(a.station_discharge, b.station_discharge)) return "station_discharge";
  if (!same_doubles(a.station_power, b.station_power)) return "station_power";
  if (a.hydraulic_binding != b.hydraulic_binding) return "hydraulic_binding";
  if (a.binding_labels != b.binding_labels) return "binding_labels";
  if (a.stats.steps != b.stats.steps || a.stats.rhs_evals != b.stats.rhs_evals) return "integrator statistics";
  if (a.events.size() != b.events.size()) return "events";
  for (size_t i = 0; i < a.events.size(); ++i)
    if (a.events[i].t != b.events[i].t || a.events[i].what != b.events[i].what) return "event " + std::to_string(i);
  if (!same_doubles(a.residual, b.residual)) return "residual";
  return "";
}

}  // namespace

TEST_CASE("8 concurrent simulations of one scenario are identical to a serial run") {
  // The CPC outage scenario has an outage event, a hydraulic pipeline (capacity tables built per run), tanker
  // delays and storage; a quality-capped one adds the quality room. Shortened to keep the sanitizer run short.
  for (const char* file : {"cpc-outage-2025.toml", "quality-cap.toml"}) {
    CAPTURE(file);
    const caspflow::model::Scenario sc = caspflow::inputs::load_scenario(
        std::string(CASPFLOW_SOURCE_DIR) + "/inputs/scenarios/" + file, {"simulation.end=2026-03-31"});
    const RunResult serial = caspflow::solvers::simulate(sc);
    REQUIRE(serial.ndays == 455);  // 2025-01-01 .. 2026-03-31
    constexpr int kThreads = 8;
    std::vector<RunResult> results(kThreads);
    std::vector<std::string> errors(kThreads);
    std::vector<std::thread> pool;
    for (int k = 0; k < kThreads; ++k)
      pool.emplace_back([&, k] {
        try {
          results[static_cast<size_t>(k)] = caspflow::solvers::simulate(sc);
        } catch (const std::exception& e) {
          errors[static_cast<size_t>(k)] = e.what();
        }
      });
    for (auto& t : pool) t.join();
    for (int k = 0; k < kThreads; ++k) {
      CAPTURE(k);
      CHECK(errors[static_cast<size_t>(k)] == "");
      CHECK(difference(serial, results[static_cast<size_t>(k)]) == "");
    }
  }
}
