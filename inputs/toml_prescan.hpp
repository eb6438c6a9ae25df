#pragma once
// A pre-scan of TOML text before toml++ parses it.
//
// Debian 12's toml++ 3.3.0 has undefined behaviour (a reachable __builtin_unreachable in the generated
// is_non_ascii_horizontal_whitespace(), upstream marzer/tomlplusplus#190 / #295) whenever its parser asks
// "is this whitespace?" about a non-ASCII character in U+00A1..U+0499, U+2D5E..U+3157 or U+FA86..U+FEFE.
// It asks that outside strings (after a bare key, between tokens, in a bare value) and, inside a
// multi-line basic string, after a backslash and after a line-ending backslash. In an optimised build the
// result is arbitrary (a wrong parse or a crash); under UBSan it is "execution reached an unreachable
// program point". Debian 12 offers no toml++ >= 3.4, so caspflow rejects those inputs first:
//   * a non-ASCII byte outside a string or a comment (never valid TOML 1.0: bare keys are A-Za-z0-9_-);
//   * in a multi-line basic string ("""..."""), a non-ASCII character right after a backslash (never a
//     valid escape) or as the first non-blank character after a line-ending backslash (valid TOML, but
//     it reaches the defect; write it as \uXXXX or put an ASCII character first).
// Non-ASCII text in strings and comments is otherwise untouched. tests/inputs/test_toml_prescan.cpp;
// the fuzz target tests/fuzz/fuzz_scenario_text.cpp runs toml++ behind this scan under ASan+UBSan.
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace caspflow::inputs {

struct TomlPrescanProblem {
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based, in code points (as toml++ counts)
  std::string message;  ///< e.g. "found the non-ASCII character 'é' (U+00E9) outside a quoted string or a comment, ..."
};

/// The first place in `text` that would reach toml++ 3.3's undefined behaviour, or nothing.
std::optional<TomlPrescanProblem> toml_prescan(std::string_view text);

/// toml_prescan() then toml::parse(text, path). A pre-scan problem is thrown as toml::parse_error at its
/// line:column, so callers handle it exactly like a TOML syntax error.
toml::table parse_toml(std::string_view text, const std::string& path);

}  // namespace caspflow::inputs
