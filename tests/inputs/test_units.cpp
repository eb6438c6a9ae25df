// Units parser: every unit of docs/scenario-format.md §Units against its definition.
// Sources: NIST SP 811 (2008 ed.) Appendix B.8 / B.9 conversion factors (exact where marked);
// barrel: API MPMS Ch. 11.5 / NIST SP 811 B.8, 1 bbl = 42 US gal = 42 x 231 in3 = 0.158987294928 m3;
// Julian year 365.25 d (IAU); knot = 1 nmi/h = 1852 m/h (NIST SP 811 B.8).
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "caspflow/inputs/units.hpp"

using caspflow::inputs::Dim;
using caspflow::inputs::parse_quantity;

namespace {
constexpr double kYr = 365.25 * 86400.0;
// 1 bbl = 42 US gal, 1 US gal = 231 in3 exactly, 1 in = 0.0254 m exactly (NIST SP 811 B.8).
const double kBbl = 42.0 * 231.0 * 0.0254 * 0.0254 * 0.0254;

void check(const char* text, double si, Dim dim) {
  CAPTURE(text);
  const auto q = parse_quantity(text);
  CHECK(q.dim == dim);
  CHECK(q.value == doctest::Approx(si).epsilon(1e-12));
}
void bad(const char* text) {
  CAPTURE(text);
  CHECK_THROWS_AS(parse_quantity(text), std::invalid_argument);
}
}  // namespace

TEST_CASE("barrel definition matches 42 US gal (API MPMS 11.5)") {
  CHECK(kBbl == doctest::Approx(0.158987294928).epsilon(1e-14));
}

TEST_CASE("mass, volume, length, time") {
  check("12000 kg", 12000, Dim::Mass);
  check("12000 t", 12e6, Dim::Mass);
  check("3 kt", 3e6, Dim::Mass);
  check("1.5 Mt", 1.5e9, Dim::Mass);
  check("2 m3", 2, Dim::Volume);
  check("500 L", 0.5, Dim::Volume);
  check("1 bbl", kBbl, Dim::Volume);
  check("7 kbbl", 7e3 * kBbl, Dim::Volume);
  check("3.2 Mbbl", 3.2e6 * kBbl, Dim::Volume);
  check("5 m", 5, Dim::Length);
  check("470 km", 470e3, Dim::Length);
  check("1 mm", 1e-3, Dim::Length);
  check("42 in", 42 * 0.0254, Dim::Length);              // NIST: in = 0.0254 m exactly
  check("10 ft", 3.048, Dim::Length);                    // NIST: ft = 0.3048 m exactly
  check("1 mi", 1609.344, Dim::Length);                  // NIST: statute mile = 1609.344 m
  check("1 nmi", 1852, Dim::Length);                     // NIST: nautical mile = 1852 m
  check("30 s", 30, Dim::Time);
  check("2 min", 120, Dim::Time);
  check("24 h", 86400, Dim::Time);
  check("2 d", 172800, Dim::Time);
  check("1 day", 86400, Dim::Time);
  check("3 days", 259200, Dim::Time);
  check("1 yr", kYr, Dim::Time);
}

TEST_CASE("speed, flows, density") {
  check("2 m/s", 2, Dim::Speed);
  check("36 km/h", 10, Dim::Speed);
  check("11 kn", 11 * 1852.0 / 3600.0, Dim::Speed);
  check("5 kg/s", 5, Dim::MassFlow);
  check("3.6 t/h", 1, Dim::MassFlow);
  check("86.4 t/d", 1, Dim::MassFlow);
  check("1 kt/d", 1e6 / 86400, Dim::MassFlow);
  check("1 t/yr", 1e3 / kYr, Dim::MassFlow);
  check("1 kt/yr", 1e6 / kYr, Dim::MassFlow);
  check("1.4 Mt/yr", 1.4e9 / kYr, Dim::MassFlow);
  check("72.5 Mt/yr", 72.5e9 / kYr, Dim::MassFlow);
  check("1 m3/s", 1, Dim::VolumeFlow);
  check("1500 m3/h", 1500.0 / 3600.0, Dim::VolumeFlow);
  check("86400 m3/d", 1, Dim::VolumeFlow);
  check("1 bbl/d", kBbl / 86400, Dim::VolumeFlow);
  check("1 b/d", kBbl / 86400, Dim::VolumeFlow);
  check("1 kb/d", 1e3 * kBbl / 86400, Dim::VolumeFlow);
  check("1 kbbl/d", 1e3 * kBbl / 86400, Dim::VolumeFlow);
  check("1.2 Mb/d", 1.2e6 * 0.158987294928 / 86400, Dim::VolumeFlow);
  check("1.2 mb/d", 1.2e6 * 0.158987294928 / 86400, Dim::VolumeFlow);
  check("1 Mbbl/d", 1e6 * kBbl / 86400, Dim::VolumeFlow);
  check("840 kg/m3", 840, Dim::Density);
  check("0.84 g/cm3", 840, Dim::Density);
  check("0.84 t/m3", 840, Dim::Density);
}

TEST_CASE("pressure, viscosity, temperature, fraction, power") {
  check("101325 Pa", 101325, Dim::Pressure);
  check("1 kPa", 1e3, Dim::Pressure);
  check("10 MPa", 1e7, Dim::Pressure);
  check("1 bar", 1e5, Dim::Pressure);
  check("1 psi", 6894.757293168361, Dim::Pressure);       // NIST SP 811 B.8: 6.894 757 E+03 Pa
  check("6 cSt", 6e-6, Dim::KinViscosity);
  check("6 mm2/s", 6e-6, Dim::KinViscosity);
  check("1e-5 m2/s", 1e-5, Dim::KinViscosity);
  check("20 degC", 293.15, Dim::Temperature);              // NIST SP 811 B.9: T/K = t/degC + 273.15
  check("300 K", 300, Dim::Temperature);
  check("32 degF", 273.15, Dim::Temperature);              // water freezes: 32 degF = 0 degC
  check("212 degF", 373.15, Dim::Temperature);             // 212 degF = 100 degC
  check("-40 degF", 233.15, Dim::Temperature);             // -40 degF = -40 degC
  check("55 %", 0.55, Dim::Fraction);
  check("55%", 0.55, Dim::Fraction);
  check("5500 ppm", 0.0055, Dim::Fraction);
  check("1 W", 1, Dim::Power);
  check("2 kW", 2e3, Dim::Power);
  check("3 MW", 3e6, Dim::Power);
  check("1 hp", 745.69987158227022, Dim::Power);          // NIST SP 811 B.8: 7.456 999 E+02 W
}

TEST_CASE("number forms") {
  check("  1.4   Mt/yr ", 1.4e9 / kYr, Dim::MassFlow);
  check("+2 t", 2e3, Dim::Mass);
  check("-5 degC", 268.15, Dim::Temperature);
  check("1e3 t", 1e6, Dim::Mass);
  check(".5 t", 500, Dim::Mass);
}

TEST_CASE("malformed strings throw with a clear message") {
  bad("1.4 Mt/yr/yr");
  bad("abc");
  bad("1.4");
  bad("1e400 t");
  bad("nan t");
  bad("inf t");
  bad("-");
  bad("");
  bad("   ");
  bad("1.4 Mb");
  bad("t 1.4");
  bad("1,4 t");
  bad("1.4 MT/yr");
  try {
    parse_quantity("1.4 Mt/yr/yr");
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    CHECK(m.find("unknown unit `Mt/yr/yr`") != std::string::npos);
  }
  try {
    parse_quantity("1.4");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("missing unit") != std::string::npos);
  }
  try {
    parse_quantity("12 kn ");
    parse_quantity("12 km/hr");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("did you mean `km/h`?") != std::string::npos);
  }
}

TEST_CASE("names and unit lists for messages") {
  using caspflow::inputs::dim_name;
  using caspflow::inputs::units_for;
  CHECK(dim_name(Dim::MassFlow) == "mass flow");
  CHECK(units_for(Dim::MassFlow) == "kg/s, t/h, t/d, kt/d, t/yr, kt/yr, Mt/yr");
  CHECK(units_for(Dim::Volume) == "m3, L, bbl, kbbl, Mbbl");
}
