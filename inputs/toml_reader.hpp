#pragma once
// The one TOML reading toolkit of inputs/ (issue 13 item 5), used by the scenario loader
// (scenario_loader.cpp) and the pipeline hydraulics loader (pipeline_loader.cpp):
//   * where a node was written (file:line:col), and the problems found, each an InputProblem worded
//     "key: found X, expected Y" (docs/scenario-format.md house style);
//   * unknown keys with "did you mean" (inputs/suggest.hpp);
//   * "found X": a value as written (describe, raw);
//   * typed getters: string, choice of strings, integer, bool, table, array;
//   * quantities with a unit of the accepted dimensions (inputs/units.hpp), and range checks;
//   * provenance: `source` / `assumed`, a string for the whole table or an inline table key -> string.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "caspflow/inputs/units.hpp"
#include "caspflow/model/errors.hpp"

namespace caspflow::inputs {

/// A number as messages print it: "%.10g".
std::string fmt_num(double v);

/// A node as written, for "found X": strings quoted, numbers plain, dates ISO, "an array of 3", "a table".
std::string describe(const toml::node& n);

/// A node as written without quotes, for range messages ("found 5 Mbbl, expected ...").
std::string raw(const toml::node& n);

/// The items separated by `sep`.
std::string join_list(const std::vector<std::string>& v, const char* sep = ", ");

/// "path.key", or "key" at the top level (path "").
std::string key_path(const std::string& path, const std::string& key);

/// What a set of dimensions accepts, for "expected ...": "a length (m, km, ...)", "a flow (...)", "a plain number".
std::string expected_dims(const std::vector<Dim>& dims);

/// "TOML syntax error: <description>", the message of a parse error.
std::string syntax_message(const toml::parse_error& e);

/// Allowed range of a converted value.
struct Range {
  double lo = -HUGE_VAL, hi = HUGE_VAL;
  bool lo_incl = true, hi_incl = true;
  [[nodiscard]] bool ok(double v) const { return (lo_incl ? v >= lo : v > lo) && (hi_incl ? v <= hi : v < hi); }
};

/// A range in words about `name`: "capacity >= 0", "1e-12 <= rtol <= 0.001", "0 <= x <= 1 (a fraction)".
std::string range_text(const std::string& name, const Range& r);

/// Reads values out of parsed TOML tables and collects every problem found. `default_file` names nodes
/// without a source (a merged table), reported at its line 1, column 1.
class TomlReader {
 public:
  explicit TomlReader(std::string default_file = {}) : default_file_(std::move(default_file)) {}
  void set_default_file(std::string f) { default_file_ = std::move(f); }
  [[nodiscard]] const std::string& default_file() const { return default_file_; }

  // ---- where, and problems
  [[nodiscard]] SourceLoc loc(const toml::source_region& r) const;
  [[nodiscard]] SourceLoc loc(const toml::node& n) const { return loc(n.source()); }
  /// Where a key was written, else (a key without a source) its value.
  [[nodiscard]] SourceLoc key_loc(const toml::key& k, const toml::node& v) const;
  void problem(SourceLoc l, const std::string& key, const std::string& msg);
  void problem(const toml::node& n, const std::string& key, const std::string& msg) { problem(loc(n), key, msg); }
  [[nodiscard]] std::vector<InputProblem>& problems() { return problems_; }
  [[nodiscard]] const std::vector<InputProblem>& problems() const { return problems_; }

  // ---- keys
  /// Every key of `t` not in `known`: "found unknown key `k`, expected a key of <what> (did you mean `x`?)",
  /// or the list of known keys when none is close.
  void check_keys(const toml::table& t, const std::string& path, const std::vector<std::string>& known,
                  const std::string& what);
  /// "missing required key `key`, expected <expect>", at the table.
  void missing(const toml::table& t, const std::string& path, const std::string& key, const std::string& expect);

  // ---- typed getters: nothing when absent (a problem if required) or of the wrong type (a problem)
  std::optional<std::string> get_string(const toml::table& t, const std::string& path, const std::string& key,
                                        bool required, const std::string& expect = "a string");
  /// One of `allowed` ("found \"x\", expected \"a\" or \"b\" (did you mean \"a\"?)").
  std::optional<std::string> get_choice(const toml::table& t, const std::string& path, const std::string& key,
                                        const std::vector<std::string>& allowed, bool required);
  /// A whole number lo..hi ("found X, expected a whole number lo..hi").
  std::optional<std::int64_t> get_integer(const toml::table& t, const std::string& path, const std::string& key,
                                          std::int64_t lo, std::int64_t hi, bool required);
  /// true or false.
  std::optional<bool> get_bool(const toml::table& t, const std::string& path, const std::string& key, bool required);
  /// A table or an array ("found X, expected <expect>").
  const toml::table* get_table(const toml::table& t, const std::string& path, const std::string& key, bool required,
                               const std::string& expect);
  const toml::array* get_array(const toml::table& t, const std::string& path, const std::string& key, bool required,
                               const std::string& expect);

  // ---- quantities
  /// A node -> SI value and its dimension, one of `dims`: a string "<number> <unit>" (an unknown unit gets the
  /// closest unit of `dims`); a plain number (also as a string) only when `dims` has Dimensionless or Fraction.
  /// No range check: see check_range.
  std::optional<Quantity> quantity(const toml::node& n, const std::string& keypath, const std::vector<Dim>& dims);
  std::optional<Quantity> get_quantity(const toml::table& t, const std::string& path, const std::string& key,
                                       const std::vector<Dim>& dims, bool required);
  /// v within r, else "found <raw n>, expected <expected>".
  bool check_range(const toml::node& n, const std::string& keypath, double v, const Range& r, const std::string& expected);

  // ---- provenance
  /// `source` and `assumed` of table `t` at `path`: a string for the whole table, or an inline table
  /// key -> string for single values. Every assumption is appended to `assumptions` as "path: text"
  /// ("path.key: text"; "(top level)" for path ""). With `value_keys`, the inline tables' keys must be among
  /// them; with `non_empty`, an empty string is a problem. Returns the citation ("text; key: assumed: text").
  std::string provenance(const toml::table& t, const std::string& path, std::vector<std::string>& assumptions,
                         const std::vector<std::string>* value_keys = nullptr, bool non_empty = false);

 private:
  std::string default_file_;
  std::vector<InputProblem> problems_;
};

}  // namespace caspflow::inputs
