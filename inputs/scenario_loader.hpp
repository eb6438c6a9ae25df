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
#include <vector>

#include "caspflow/model/scenario.hpp"

namespace caspflow::inputs {

/// Load, merge, convert and validate a scenario file. Throws caspflow::InputError listing every
/// problem found (TOML syntax errors stop at the first one, with its file:line:col).
model::Scenario load_scenario(const std::string& path);

/// As load_scenario, with command-line overrides applied on top of the merged file(s), each
/// "key.path=value" with the key paths of scenario files (`legs.caspian_tankers.fleet=7`,
/// `shippers.kz_west.routes[0].annual_ceiling=2.2 Mt`, `simulation.end=2030-12-31`). The value is read
/// as a TOML value when it is one (a number, a date, a quoted string, an inline table or array),
/// otherwise as a string ("1.3 Mb/d" needs no quotes). Every table on the path must exist; the last key
/// may be new. Problems name the option (`--set KEY:1:N`); the overrides are part of the scenario's
/// provenance (stored text and SHA-256) and listed in Scenario::overrides.
model::Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides);

/// As load_scenario, but the top-level text is given; `path` names it in messages and is the
/// base for a relative `extends` or `hydraulics` path. Meant for tests.
model::Scenario load_scenario_text(std::string_view text, const std::string& path);

}  // namespace caspflow::inputs
