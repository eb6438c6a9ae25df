// Series read from CSV files (docs/scenario-format.md §Series): values converted with the stated unit,
// dates as written, errors naming the CSV file and line.
#include <doctest/doctest.h>

#include <string>

#include "caspflow/inputs/scenario_loader.hpp"

using namespace caspflow;

namespace {
const std::string kDir = std::string(CASPFLOW_SOURCE_DIR) + "/tests/data/csv-series/";
}

TEST_CASE("a supply series from CSV: values in the stated unit, linear between the dates") {
  const auto sc = inputs::load_scenario(kDir + "scenario.toml");
  const model::Shipper* acg = nullptr;
  for (const auto& s : sc.shippers)
    if (s.id == "acg") acg = &s;
  REQUIRE(acg);
  const double mtpa = 1e9 / (365.25 * 86400.0);  // 1 Mt/yr in kg/s (1 yr = 365.25 d, docs/scenario-format.md)
  REQUIRE(acg->supply.t.size() == 3);
  CHECK(acg->supply.t[1] == model::epoch_seconds(2030, 1, 1));
  CHECK(acg->supply.v[0] == doctest::Approx(22.7 * mtpa).epsilon(1e-14));
  CHECK(acg->supply.v[2] == doctest::Approx(9.9 * mtpa).epsilon(1e-14));
  CHECK(acg->supply.interp == model::Interp::Linear);
  // Half way between the first two points (linear interpolation).
  const double mid = 0.5 * (acg->supply.t[0] + acg->supply.t[1]);
  CHECK(acg->supply.at(mid) == doctest::Approx(0.5 * (22.7 + 18.5) * mtpa).epsilon(1e-14));
  // The CSV text is part of the run's provenance.
  CHECK(sc.text.find("acg.csv ---") != std::string::npos);
}

TEST_CASE("a bad date in a CSV series is reported at the CSV file's line") {
  try {
    inputs::load_scenario(kDir + "bad.toml");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("bad.csv:3") != std::string::npos);
    CHECK(msg.find("shippers.acg.supply") != std::string::npos);
  }
}
