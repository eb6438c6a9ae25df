// libFuzzer target: the CSV series reader of the scenario loader (docs/scenario-format.md §Series). The input is
// written to series.csv in a private temporary directory and read by a small fixed scenario whose supply is
// { csv = "series.csv", column = "v", unit = "Mt/yr", interp = "linear" } (the reader has no from-text entry).
// Clean answers: a Scenario or an InputError. Anything else is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/model/errors.hpp"

namespace {
const char* kScenario = R"(title = "csv fuzz"
[simulation]
start = 2025-01-01
end = 2025-12-31
[grades.g]
density = "850 kg/m3"
[nodes.o]
kind = "origin"
[nodes.k]
kind = "sink"
[legs.a]
kind = "pipeline"
from = "o"
to = "k"
capacity = "1 Mt/yr"
[shippers.x]
grade = "g"
origin = "o"
supply = { csv = "series.csv", column = "v", unit = "Mt/yr", interp = "linear" }
[[shippers.x.routes]]
legs = ["a"]
)";

struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "caspflow-fuzz-csv-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    dir = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static TempDir tmp;
  static const std::string csv = (tmp.dir / "series.csv").string();
  static const std::string scenario = (tmp.dir / "scenario.toml").string();
  {
    std::ofstream out(csv, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();
  }
  try {
    (void)caspflow::inputs::load_scenario_text(kScenario, scenario);
  } catch (const caspflow::InputError&) {
  }
  return 0;
}
