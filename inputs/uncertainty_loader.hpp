#pragma once
// `[uncertainty]` of a scenario file (docs/ensembles.md): sampled parameters by key path, recurring outages,
// year-to-year weather, the sampling plan -- read into model::Uncertainty and checked like every other input.
// Each parameter's key path is proved by loading the scenario with the distribution's lowest and highest value
// as `--set` overrides, so a path the scenario does not have, a unit of the wrong dimension or a value outside
// the key's range is an input error of `caspflow check` and `caspflow run`, never of member 4,711.
#include <map>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "caspflow/inputs/toml_reader.hpp"
#include "caspflow/model/scenario.hpp"

namespace caspflow::inputs {

/// Reads root["uncertainty"] (if any) into sc.uncertainty; problems go to `r`. `legs` maps leg ids to indices.
void read_uncertainty(const toml::table& root, TomlReader& r, model::Scenario& sc, const std::map<std::string, int>& legs);

/// The series a `scale = true` parameter multiplies ("shippers.ID.supply", "legs.ID.capacity|berths|fleet|dra",
/// "shippers.ID.routes[i].annual_ceiling|nomination"); nullptr when the path names none.
model::Series* series_at(model::Scenario& sc, const std::string& path);

/// The `--set` text that gives parameter `p` the value `v` (in the parameter's unit).
std::string parameter_override(const model::UncertainParameter& p, double v);

/// Trial-loads the scenario at each parameter's extremes (see the header comment); throws InputError naming
/// the parameter's line. Called by load_scenario for a scenario with [uncertainty].
void validate_uncertainty(const std::string& path, const std::vector<std::string>& overrides, const model::Scenario& sc);

/// Member k's scenario: the file re-read with the user's overrides and the member's parameter values, the
/// scaled series multiplied. Its [uncertainty] is not re-validated.
model::Scenario member_scenario(const std::string& path, const std::vector<std::string>& overrides,
                                const model::Scenario& base, const std::vector<double>& values);

/// Whether the current thread is inside validate_uncertainty or member_scenario (then load_scenario skips
/// the trial loads).
bool in_trial_load();

}  // namespace caspflow::inputs
