#pragma once
// The one JSON writer of caspflow's --json outputs (summary, hydraulics, capacity): strings escaped per RFC 8259
// (quote, backslash, control characters as \u00XX; UTF-8 passed through), numbers in the shortest form that
// reads back to the same double (std::to_chars), non-finite numbers as null.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

namespace caspflow::outputs {

/// `s` as a JSON string literal, quotes included.
inline std::string json_string(std::string_view s) {
  std::string o = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      o += buf;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + "\"";
}

/// `v` as a JSON number that reads back to the same double; null when it is NaN or infinite.
inline std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace caspflow::outputs
