#pragma once
// Scenario loader: TOML file(s) -> validated model::Scenario in SI units.
//
// Reads the file with toml++, follows `extends` (relative paths; cycles are an error), merges
// parent and child as docs/scenario-format.md §Extending says, converts every value to SI
// (inputs/units.hpp; mass <-> volume with the grade's density), validates everything and
// collects all problems before throwing one InputError whose problems read
//   file:line:col: key.path: found X, expected Y
// The file named in each problem is the file where the offending value was written.
#include <string>
#include <string_view>

#include "model/scenario.hpp"

namespace caspflow::inputs {

/// Load, merge, convert and validate a scenario file. Throws caspflow::InputError listing every
/// problem found (TOML syntax errors stop at the first one, with its file:line:col).
model::Scenario load_scenario(const std::string& path);

/// As load_scenario, but the top-level text is given; `path` names it in messages and is the
/// base for a relative `extends` or `hydraulics` path. Meant for tests.
model::Scenario load_scenario_text(std::string_view text, const std::string& path);

}  // namespace caspflow::inputs
