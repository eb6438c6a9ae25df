#pragma once
// Reader for the EPANET 2.x .inp format (the subset caspflow models), converting to SI.
//
// Read: [JUNCTIONS] [RESERVOIRS] [TANKS] [PIPES] [PUMPS] [VALVES] [DEMANDS] [STATUS] [PATTERNS]
// [CURVES] [CONTROLS] (simple controls) [TIMES] [OPTIONS] (UNITS: every EPANET flow unit; HEADLOSS
// H-W or D-W; VISCOSITY (relative to EPANET's 1.1e-5 ft2/s water when > 1e-3, else absolute);
// SPECIFIC GRAVITY; ACCURACY; TRIALS; PATTERN; DEMAND MULTIPLIER; PRESSURE units).
// Skipped with one warning each (they do not change heads or flows): [TITLE] [COORDINATES]
// [VERTICES] [LABELS] [BACKDROP] [TAGS] [REPORT] [QUALITY] [REACTIONS] [SOURCES] [MIXING] [ENERGY].
// Refused with an InputError naming the feature and file:line: emitters (non-zero coefficients),
// rule-based controls ([RULES] with content), pressure-driven demand (DEMAND MODEL PDA), leakage,
// Chezy-Manning head loss, valves of unknown type. A malformed line is an InputError at file:line.
// Unit conversions use EPANET's own factors (types.h: GPMperCFS 448.831, LPSperCFS 28.317, ...,
// MperFT 0.3048, PSIperFT 0.4333) so results convert back to the file's units exactly.
#include <string>
#include <vector>

#include "caspflow/model/hydraulics/network.hpp"

namespace caspflow::inputs::epanet {

struct InpResult {
  model::hydraulics::Network network;
  std::vector<std::string> warnings;  ///< one per skipped section, "file:line: ..."
};

/// Read an .inp file. Throws InputError (bad content, unsupported feature) or IoError (cannot read).
InpResult read_inp(const std::string& path);
/// Parse .inp text (`name` is used in messages).
InpResult parse_inp(const std::string& text, const std::string& name);

}  // namespace caspflow::inputs::epanet
