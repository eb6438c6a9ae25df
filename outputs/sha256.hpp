#pragma once
// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex. Used for the scenario provenance hash.
#include <string>
#include <string_view>

namespace caspflow::outputs {
std::string sha256_hex(std::string_view data);
}
