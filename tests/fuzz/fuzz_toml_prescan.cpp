// libFuzzer target: the TOML pre-scan (inputs/toml_prescan.hpp) in front of toml++ 3.3, compiled header-only
// with ASan + UBSan. Whatever the pre-scan lets through must parse or fail with toml::parse_error and never
// reach toml++'s undefined behaviour (marzer/tomlplusplus#190/#295: "execution reached an unreachable program
// point" in is_non_ascii_horizontal_whitespace). A problem the pre-scan reports must have a 1-based position
// inside the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "caspflow/inputs/toml_prescan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto p = caspflow::inputs::toml_prescan(text)) {
    if (p->line < 1 || p->column < 1 || static_cast<std::size_t>(p->line) > size + 1 || p->message.empty()) std::abort();
    return 0;
  }
  try {
    (void)toml::parse(text, std::string_view("fuzz.toml"));
  } catch (const toml::parse_error&) {
  }
  return 0;
}
