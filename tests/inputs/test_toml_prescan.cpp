// The TOML pre-scan (inputs/toml_prescan.hpp): inputs that would reach toml++ 3.3's undefined behaviour
// (marzer/tomlplusplus#190/#295) are refused with their line:column; everything else, including non-ASCII
// text in strings and comments, passes untouched. Also: the scenario loader reports such a file as a TOML
// syntax error at file:line:col, and every shipped scenario passes the scan.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/inputs/toml_prescan.hpp"
#include "caspflow/model/errors.hpp"

using caspflow::inputs::toml_prescan;

namespace {
void refused(const std::string& text, int line, int column, const std::string& part) {
  CAPTURE(text);
  const auto p = toml_prescan(text);
  REQUIRE(p.has_value());
  CHECK(p->line == line);
  CHECK(p->column == column);
  CHECK(p->message.find(part) != std::string::npos);
}
void passes(const std::string& text) {
  CAPTURE(text);
  CHECK_FALSE(toml_prescan(text).has_value());
}
}  // namespace

TEST_CASE("a non-ASCII character outside strings and comments is refused at its line and column") {
  refused("a\xC3\xA9 = 1\n", 1, 2, "found the non-ASCII character '\xC3\xA9' (U+00E9) outside a quoted string");
  refused("x = 1\n\xC3\xA9 = 1\n", 2, 1, "(U+00E9)");
  refused("[t\xE3\x80\x81]\n", 1, 3, "(U+3001)");
  refused("a = 1 \xEF\xB8\x80\n", 1, 7, "(U+FE00)");
  refused("\"k\xC3\xA9\" \xC3\xA9 = 1\n", 1, 6, "(U+00E9)");       // after a quoted key (columns in code points)
  refused("a = \"x\n\xC3\xA9 = 1\n", 2, 1, "(U+00E9)");          // an unterminated string ends at the line break
  refused("a = 1\x80\n", 1, 6, "the byte 0x80");                  // malformed UTF-8 in a value
  refused("a.\xCC\xAA = 1\n", 1, 3, "(U+032A)");                  // #295's combining mark
}

TEST_CASE("a bare value is ASCII up to its terminator, even across a quote (toml++ scans it whole)") {
  refused("a = 1x\"\xC3\xA9\"\n", 1, 8, "in a value");
  refused("a = [1, 2\"\xC3\xA9\"]\n", 1, 11, "in a value");
  refused("a = \xC3\xA9\n", 1, 5, "in a value");
  passes("a = [1, \"\xC3\xA9\", {b = 2, c = \"\xC3\xA9\"}] # \xC3\xA9\nd = 1979-05-27 # \xC3\xA9\n");
  passes("a = [\n 1, # \xC3\xA9\n \"\xC3\xA9\"\n]\n");
  passes("a.\"\xC3\xA9\" = 1\n[t.\"\xC3\xA9\"]\nb = true\n");  // quoted segments of dotted keys
}

TEST_CASE("in a \"\"\" string: non-ASCII after a backslash or a line-ending backslash is refused") {
  refused("s = \"\"\"\\\xC3\xA9\"\"\"\n", 1, 9, "after a backslash");
  refused("s = \"\"\"a\\\n   \xC3\xA9\"\"\"\n", 2, 4, "after a line-ending backslash");
  refused("s = \"\"\"a\\ \xC3\xA9\"\"\"\n", 1, 11, "after a line-ending backslash");
  passes("s = \"\"\"a\\\n   b\xC3\xA9\"\"\"\n");  // an ASCII character first: fine
}

TEST_CASE("non-ASCII text in strings and comments passes, and string ends are found") {
  passes("title = \"T\xC3\xBCrkiye/Ceyhan\" # \xE2\x82\xAC \xE3\x80\x81\n\"k\xC3\xA9\" = 'lit\xC3\xA9ral'\n");
  passes("s = '''\xC3\xA9\n\xE3\x80\x81'''\nt = \"\"\"a\\\"\"\"\xC3\xA9\"\"\"\n");
  passes("s = \"\"\"a\"\"\"\"\"\nu = 1\n");        // up to two quotes belong to the string
  passes("s = \"a\\\"\xC3\xA9\"\n");                 // \" does not end a basic string
  passes("\xEF\xBB\xBFtitle = \"bom\"\n");           // a UTF-8 byte-order mark
  passes("");
  refused("s = \"\"\"a\"\"\"\"\" \xC3\xA9\n", 1, 15, "outside a quoted string");
  refused("s = 'a' \xC3\xA9\n", 1, 9, "outside a quoted string");
}

TEST_CASE("parse_toml throws toml::parse_error at the pre-scan's position, with the path") {
  try {
    (void)caspflow::inputs::parse_toml("x = 1\nk\xC3\xA9 = 2\n", "f.toml");
    FAIL("expected a parse_error");
  } catch (const toml::parse_error& e) {
    CHECK(e.source().begin.line == 2);
    CHECK(e.source().begin.column == 2);
    REQUIRE(e.source().path);
    CHECK(*e.source().path == "f.toml");
  }
  CHECK(caspflow::inputs::parse_toml("a = \"\xC3\xA9\"\n", "g.toml")["a"].value_or(std::string()) == "\xC3\xA9");
}

TEST_CASE("the scenario loader reports a refused file as a TOML syntax error at file:line:col") {
  try {
    (void)caspflow::inputs::load_scenario_text("title = \"x\"\nt\xC3\xAFtle = 1\n", "bad.toml");
    FAIL("expected an InputError");
  } catch (const caspflow::InputError& e) {
    const std::string m = e.what();
    CAPTURE(m);
    CHECK(m.find("bad.toml:2:2: TOML syntax error: found the non-ASCII character") != std::string::npos);
  }
}

TEST_CASE("every shipped scenario and test scenario passes the pre-scan") {
  namespace fs = std::filesystem;
  int n = 0;
  for (const char* dir : {"/inputs/scenarios", "/tests/data", "/tests/inputs/malformed"}) {
    for (const auto& e : fs::recursive_directory_iterator(std::string(CASPFLOW_SOURCE_DIR) + dir)) {
      if (e.path().extension() != ".toml") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      CAPTURE(e.path().string());
      CHECK_FALSE(toml_prescan(ss.str()).has_value());
      ++n;
    }
  }
  CHECK(n > 50);
}
