#pragma once
// Time series of a scalar input (capacity, supply, fleet size...) as (time, value) points.
// Time is seconds since 1970-01-01T00:00:00Z (UTC); values are SI.
#include <string>
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
/// Seconds since epoch of 00:00 UTC on the given date.
inline double epoch_seconds(int y, unsigned m, unsigned d) { return kDay * static_cast<double>(days_from_civil(y, m, d)); }
/// "YYYY-MM-DD" of a time in seconds since epoch (floor to the day).
std::string iso_date(double t);

}  // namespace caspflow::model
