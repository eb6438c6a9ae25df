#pragma once
// Control characters in TOML strings (issue 10): a "\u0000" in a title or name would reach HDF5 attributes
// and labels (a NUL truncates C strings; the writer refused it only after the whole run). Every string value
// and every key of a parsed document is checked as it is read; tab, newline and carriage return are allowed
// (multi-line descriptions), every other C0 character and DEL (U+007F) is refused.
#include <cstdio>
#include <functional>
#include <string>

#include <toml++/toml.h>

namespace caspflow::inputs {

/// Position (0-based byte offset) of the first refused control character in s, or npos.
inline std::size_t control_char_at(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return i;
  }
  return std::string_view::npos;
}

/// "found a string with the control character U+0000 at character 3, expected ..." for s (npos: empty).
inline std::string control_char_message(std::string_view s, const char* what = "string") {
  const std::size_t i = control_char_at(s);
  if (i == std::string_view::npos) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(static_cast<unsigned char>(s[i])));
  return std::string("found a ") + what + " with the control character " + buf + " at character " + std::to_string(i + 1) +
         ", expected text without control characters (tab, newline and carriage return are allowed)";
}

/// Calls report(node, key path, message) for every string value or key below `n` holding a refused control
/// character. `path` is the key path of n ("" at the root).
inline void check_control_chars(const toml::node& n, const std::string& path,
                                const std::function<void(const toml::node&, const std::string&, const std::string&)>& report) {
  if (const auto* s = n.as_string()) {
    const std::string m = control_char_message(s->get());
    if (!m.empty()) report(n, path, m);
  } else if (const auto* t = n.as_table()) {
    for (auto&& [k, v] : *t) {
      std::string key(k.str());
      for (char& c : key)
        if (control_char_at(std::string_view(&c, 1)) == 0) c = '?';  // printable in the message
      const std::string kp = path.empty() ? key : path + "." + key;
      const std::string m = control_char_message(k.str(), "key");
      if (!m.empty()) report(v, kp, m);
      check_control_chars(v, kp, report);
    }
  } else if (const auto* a = n.as_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) check_control_chars(*a->get(i), path + "[" + std::to_string(i) + "]", report);
  }
}

}  // namespace caspflow::inputs
