#pragma once
// "Did you mean ...?" support for input messages: Levenshtein distance and the closest candidate.
#include <string>
#include <string_view>
#include <vector>

namespace caspflow::inputs {

/// Levenshtein edit distance (insertions, deletions, substitutions each cost 1).
int edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if its edit distance is <= max_distance (ties: first in order),
/// otherwise an empty string.
std::string closest(std::string_view word, const std::vector<std::string>& candidates, int max_distance = 2);

}  // namespace caspflow::inputs
