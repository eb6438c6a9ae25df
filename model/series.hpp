#pragma once
// Time series of a scalar input (capacity, supply, fleet size...) as (time, value) points.
// Time is seconds since 1970-01-01T00:00:00Z (UTC); values are SI.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caspflow/model/constants.hpp"
#include "caspflow/model/errors.hpp"

namespace caspflow::model {

enum class Interp { Step, Linear };

/// Piecewise step or linear function of time. Before the first point the first value holds,
/// after the last point the last value holds. A single point is a constant.
struct Series {
  std::vector<double> t;  ///< strictly increasing, s since epoch
  std::vector<double> v;  ///< SI values
  Interp interp = Interp::Step;
  SourceLoc loc;          ///< where it was defined

  static Series constant(double value) { return Series{{0.0}, {value}, Interp::Step, {}}; }
  [[nodiscard]] double at(double time) const;
  /// Breakpoints strictly inside (t0, t1): the integrator stops there (step: jump; linear: kink).
  [[nodiscard]] std::vector<double> breakpoints(double t0, double t1) const;
  [[nodiscard]] bool empty() const { return v.empty(); }
};

/// Days since 1970-01-01 for a proleptic Gregorian civil date (Howard Hinnant's algorithm).
long days_from_civil(int y, unsigned m, unsigned d);
/// Inverse of days_from_civil.
void civil_from_days(long z, int& y, unsigned& m, unsigned& d);
/// Days in month `m` (1-12) of year `y` (proleptic Gregorian).
int days_in_month(int y, int m);
/// The one date parser: "YYYY-MM-DD" (exactly ten characters, a real proleptic Gregorian date: no 2025-02-31,
/// no 2025-1-5) as days since 1970-01-01; nullopt otherwise. Scenario dates, CSV series, the CF time origins of
/// the output files and the summaries all read dates with it.
std::optional<long> parse_iso_date(std::string_view s);
/// Seconds since epoch of 00:00 UTC on the given date.
inline double epoch_seconds(int y, unsigned m, unsigned d) { return kDay * static_cast<double>(days_from_civil(y, m, d)); }
/// "YYYY-MM-DD" of a time in seconds since epoch (floor to the day).
std::string iso_date(double t);

}  // namespace caspflow::model
