// libFuzzer target: the scenario loader from text (inputs/scenario_loader.hpp load_scenario_text), i.e. the
// TOML pre-scan, toml++, `extends` merging, unit conversion and every validation rule. The text is named as
// if it were inputs/scenarios/fuzz-input.toml, so `extends = "base.toml"` in a seed resolves to the shipped
// base scenario. Clean answers: a Scenario or an InputError (bad input) or IoError (unreadable parent).
// Anything else (another exception, a crash, an ASan/UBSan report) is a finding. docs/testing.md §Fuzzing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/model/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = std::string(CASPFLOW_SOURCE_DIR) + "/inputs/scenarios/fuzz-input.toml";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)caspflow::inputs::load_scenario_text(text, path);
  } catch (const caspflow::InputError&) {
  } catch (const caspflow::IoError&) {
  }
  return 0;
}
