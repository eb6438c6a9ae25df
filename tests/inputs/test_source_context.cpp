// The source line and caret under an input problem (inputs/source_context.hpp). Expected strings by hand.
#include <doctest/doctest.h>

#include <string>

#include "caspflow/inputs/scenario_loader.hpp"
#include "caspflow/inputs/source_context.hpp"

using caspflow::inputs::source_context;

TEST_CASE("source context: the line, indented, and a caret under the 1-based column") {
  const std::string text = "a = 1\nspeed = \"0 kn\"\r\nlast";
  CHECK(source_context(text, 2, 9) == "    speed = \"0 kn\"\n            ^");  // CR of a CRLF line dropped
  CHECK(source_context(text, 1, 1) == "    a = 1\n    ^");
  CHECK(source_context(text, 3, 5) == "    last\n        ^");  // the column just past the end
  CHECK(source_context(text, 4, 1).empty());                 // no such line
  CHECK(source_context(text, 0, 1).empty());
  CHECK(source_context(text, 1, 0) == "    a = 1");           // no column: the line only
}

TEST_CASE("source context: columns count characters, control characters show as ?, long lines are cut") {
  // "é" is two bytes: column 6 is the '=' after "café ".
  CHECK(source_context("café = 2", 1, 6) == "    café = 2\n         ^");
  CHECK(source_context("a\tb", 1, 3) == "    a?b\n      ^");
  const std::string line(300, 'x');
  const std::string c = source_context(line + "\n", 1, 200);
  // 60 characters before the column, 100 shown in all, "..." at both ends; the caret stays under column 200.
  CHECK(c == "    ..." + std::string(100, 'x') + "...\n    " + std::string(63, ' ') + "^");
}

TEST_CASE("a scenario problem shows its line and caret in the message") {
  const std::string text = "title = \"t\"\n[simulation]\nstart = 2025-01-01\nend = 2024-01-01\n";
  try {
    (void)caspflow::inputs::load_scenario_text(text, "ctx.toml");
    FAIL("expected an InputError");
  } catch (const caspflow::InputError& e) {
    bool found = false;
    for (const auto& p : e.problems())
      if (p.loc.line == 4) {
        found = true;
        CHECK(p.context == "    end = 2024-01-01\n          ^");
      }
    CHECK(found);
    CHECK(std::string(e.what()).find("\n    end = 2024-01-01\n          ^") != std::string::npos);
  }
}
