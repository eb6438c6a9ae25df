// libFuzzer target: the units parser (inputs/units.hpp parse_quantity). Clean answers: a finite SI value or
// std::invalid_argument (the documented error). A non-finite value, another exception, a crash or a
// sanitizer report is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "caspflow/inputs/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto q = caspflow::inputs::parse_quantity(text);
    if (!std::isfinite(q.value)) std::abort();  // the number must be finite (units.hpp), so must its SI value
    (void)caspflow::inputs::dim_name(q.dim);
    (void)caspflow::inputs::units_for(q.dim);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
