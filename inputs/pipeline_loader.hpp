#pragma once
// Reads a pipeline hydraulics description (TOML, format in docs/hydraulics-pipeline.md §5) into a
// validated caspflow::model::pipeline::Pipeline (model/pipeline/pipeline.hpp, plain data). Units are written in the values ("42 in", "98 bar") and
// converted with inputs/units.hpp. Every problem in the file is collected and thrown together as one
// caspflow::InputError whose lines read `file:line:col: key.path: found X, expected Y`.
#include <string>
#include <string_view>

#include "caspflow/model/pipeline/pipeline.hpp"

namespace caspflow::inputs {

/// Read and validate the file at `path`. Throws IoError if it cannot be read, InputError otherwise.
model::pipeline::Pipeline load_pipeline(const std::string& path);

/// Whether `text` is a pipeline hydraulics description (a TOML table with `sections`) rather than a scenario;
/// false for text that is not TOML (the scenario loader then reports its syntax error with the location).
bool is_pipeline_description(std::string_view text, const std::string& path);

/// Same from text; `path` is used in messages only.
model::pipeline::Pipeline parse_pipeline(std::string_view text, const std::string& path);

}  // namespace caspflow::inputs
