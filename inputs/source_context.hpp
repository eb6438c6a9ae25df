#pragma once
// The offending source line under an input problem, with a caret at the column (as Cantera's InputFileError
// shows it), so an analyst sees the value without opening the file:
//   inputs/scenarios/x.toml:12:12: legs.cpc.capacity: found -3 Mt/yr, expected capacity >= 0
//       capacity = "-3 Mt/yr"
//                  ^
#include <string>
#include <string_view>
#include <vector>

#include "caspflow/model/errors.hpp"

namespace caspflow::inputs {

/// The context of a problem at 1-based (line, column) of `text`: the line indented by four spaces (at most
/// ~100 characters around the column, cut at UTF-8 character boundaries, control characters shown as '?'),
/// then a caret line. Empty when the line does not exist (line 0, or past the end).
std::string source_context(std::string_view text, int line, int column);

/// Fills InputProblem::context of every problem located in `path` (and not yet given one) from `text`.
void add_source_context(std::vector<InputProblem>& problems, const std::string& path, std::string_view text);

}  // namespace caspflow::inputs
