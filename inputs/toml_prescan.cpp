// TOML pre-scan against toml++ 3.3's undefined behaviour on some non-ASCII input (inputs/toml_prescan.hpp).
#include "caspflow/inputs/toml_prescan.hpp"

#include <cstdio>
#include <memory>

namespace caspflow::inputs {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The UTF-8 sequence starting at s[i] (at most 4 bytes, stopping at the first non-continuation byte) and
// its code point, or -1 when it is not well formed (toml++ reports malformed UTF-8 itself).
long decode(std::string_view s, std::size_t i, std::size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  len = 1;
  while (len < static_cast<std::size_t>(n) && i + len < s.size() && is_continuation(static_cast<unsigned char>(s[i + len])))
    ++len;
  if (n == 1 || len != static_cast<std::size_t>(n)) return -1;
  long cp = c & (0x7F >> n);
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

std::string describe_char(std::string_view s, std::size_t i) {
  std::size_t len = 1;
  const long cp = decode(s, i, len);
  char buf[64];
  if (cp < 0) {
    std::snprintf(buf, sizeof buf, "the byte 0x%02X", static_cast<unsigned>(static_cast<unsigned char>(s[i])));
    return buf;
  }
  std::snprintf(buf, sizeof buf, " (U+%04lX)", cp);
  return "the non-ASCII character '" + std::string(s.substr(i, len)) + "'" + buf;
}

}  // namespace

std::optional<TomlPrescanProblem> toml_prescan(std::string_view s) {
  enum class St { Normal, Comment, Basic, Literal, MlBasic, MlLiteral };
  St st = St::Normal;
  int line = 1, col = 0;  // col: code points on this line up to and including s[i]
  int pending = 0;        // continuation bytes still expected after a UTF-8 lead byte
  auto count = [&](unsigned char c) {
    if (c == '\n') {
      ++line, col = 0, pending = 0;
    } else if (is_continuation(c) && pending > 0) {
      --pending;  // part of the code point already counted
    } else {
      ++col;  // an ASCII character, a lead byte or a stray continuation byte
      pending = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    }
  };
  bool expect_value = false;  // after '=', or after '[' / ',' in an array value
  std::string nest;           // the open array ('[') and inline-table ('{') values
  bool after_line_end_backslash = false;  // in a """ string, skipping blanks after a line-ending backslash
  auto fail = [&](std::size_t i, const std::string& what) {
    return TomlPrescanProblem{line, col, "found " + describe_char(s, i) + " " + what};
  };
  std::size_t i = 0;
  if (s.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a UTF-8 byte-order mark (toml++ skips it)
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    count(c);
    auto starts = [&](std::string_view w) { return s.substr(i, w.size()) == w; };
    switch (st) {
      case St::Normal:
        if (expect_value && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '#' && c != '"' && c != '\'' &&
            c != '[' && c != '{') {
          // A bare value (number, date, boolean, ...): toml++ scans it up to a value terminator, asking
          // "whitespace?" of every character on the way, even inside quotes (`a = 1x"é"`).
          expect_value = false;
          int vcol = col, vpending = pending;  // the column of s[j], counted as count() does
          for (std::size_t j = i; j < s.size(); ++j) {
            const auto v = static_cast<unsigned char>(s[j]);
            if (std::string_view(" \t\n\r\v\f]},#").find(static_cast<char>(v)) != std::string_view::npos) break;
            if (j > i) {
              if (is_continuation(v) && vpending > 0) {
                --vpending;
              } else {
                ++vcol;
                vpending = v >= 0xF0 ? 3 : v >= 0xE0 ? 2 : v >= 0xC0 ? 1 : 0;
              }
            }
            if (v >= 0x80) {
              const int keep = col;
              col = vcol;
              auto p = fail(j, "in a value (a number, date or boolean), expected ASCII up to the next blank, ',', ']', '}' or '#'");
              col = keep;
              return p;
            }
          }
        }
        if (c == '\n') {
          if (nest.empty()) expect_value = false;  // (an array may continue on the next line)
        } else if (c == '#') {
          st = St::Comment;
        } else if (starts("\"\"\"")) {
          st = St::MlBasic;
          expect_value = false;
          i += 2, col += 2;  // the two more quotes (ASCII)
        } else if (starts("'''")) {
          st = St::MlLiteral;
          expect_value = false;
          i += 2, col += 2;  // the two more quotes (ASCII)
        } else if (c == '"') {
          st = St::Basic;
          expect_value = false;
        } else if (c == '\'') {
          st = St::Literal;
          expect_value = false;
        } else if (c == '=') {
          expect_value = true;
        } else if (c == '[' && expect_value) {
          nest.push_back('[');  // an array value (a '[' elsewhere opens a table header)
        } else if (c == '{' && expect_value) {
          nest.push_back('{');
          expect_value = false;
        } else if (c == ',' && !nest.empty()) {
          expect_value = nest.back() == '[';
        } else if ((c == ']' || c == '}') && !nest.empty()) {
          if (nest.back() == (c == ']' ? '[' : '{')) nest.pop_back();
          expect_value = false;
        } else if (c >= 0x80) {
          return fail(i, "outside a quoted string or a comment, expected ASCII (a bare key is A-Za-z0-9_-; "
                         "quote a key that needs other characters, e.g. \"T\xC3\xBCrkiye\" = ...)");
        }
        break;
      case St::Comment:
        if (c == '\n') {
          st = St::Normal;
          if (nest.empty()) expect_value = false;
        }
        break;
      case St::Basic:
        if (c == '\\' && i + 1 < s.size() && s[i + 1] != '\n') {
          ++i;  // an escaped character (a non-ASCII one is an invalid escape that toml++ reports cleanly)
          count(static_cast<unsigned char>(s[i]));
        } else if (c == '"' || c == '\n') {
          st = St::Normal;  // an unterminated string ends at the line break (toml++ reports it there)
        }
        break;
      case St::Literal:
        if (c == '\'' || c == '\n') st = St::Normal;
        break;
      case St::MlBasic:
        if (after_line_end_backslash) {
          if (c == ' ' || c == '\t' || c == '\n' || c == '\r') break;
          after_line_end_backslash = false;
          if (c >= 0x80)
            return fail(i, "as the first character after a line-ending backslash in a \"\"\" string, expected an "
                           "ASCII character (write it as a \\u escape)");
        }
        if (c == '\\' && i + 1 < s.size()) {
          const auto n = static_cast<unsigned char>(s[i + 1]);
          if (n >= 0x80) {
            count(n);
            ++i;
            return fail(i, "after a backslash in a \"\"\" string, expected an escape (\\\", \\\\, \\n, \\uXXXX, ...)");
          }
          if (n == ' ' || n == '\t' || n == '\n' || n == '\r') {
            after_line_end_backslash = true;  // a line-ending backslash (or an invalid escape toml++ reports)
          } else {
            count(n);  // an escaped ASCII character, e.g. \" does not close the string
            ++i;
          }
        } else if (starts("\"\"\"")) {
          // up to two more quotes may belong to the string ("""a""""" is a"" )
          std::size_t q = 3;
          while (q < 5 && i + q < s.size() && s[i + q] == '"') ++q;
          i += q - 1, col += static_cast<int>(q - 1);
          st = St::Normal;
        }
        break;
      case St::MlLiteral:
        if (starts("'''")) {
          std::size_t q = 3;
          while (q < 5 && i + q < s.size() && s[i + q] == '\'') ++q;
          i += q - 1, col += static_cast<int>(q - 1);
          st = St::Normal;
        }
        break;
    }
  }
  return std::nullopt;
}

toml::table parse_toml(std::string_view text, const std::string& path) {
  if (auto p = toml_prescan(text)) {
    const toml::source_position pos{static_cast<toml::source_index>(p->line), static_cast<toml::source_index>(p->column)};
    throw toml::parse_error(p->message.c_str(), pos, std::make_shared<const std::string>(path));
  }
  return toml::parse(text, path);
}

}  // namespace caspflow::inputs
