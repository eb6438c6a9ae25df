#pragma once
// Uncertain inputs of a scenario (`[uncertainty]`, docs/ensembles.md): sampled parameters addressed by their
// key path, recurring outages as Poisson processes, and year-to-year variation of monthly weather. Plain data and
// the inverse distribution functions; the sampling itself (counter-based streams per member) is in
// solvers/ensemble.hpp, the parsing and validation in inputs/.
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "caspflow/model/errors.hpp"

namespace caspflow::model {

/// A univariate distribution given by its inverse cumulative distribution function.
struct Distribution {
  enum class Kind { Uniform, Triangular, Normal, Lognormal, Discrete };
  Kind kind = Kind::Uniform;
  /// uniform: (min, max); triangular: (min, mode, max); normal: (mean, sd); lognormal: (median, sigma of ln)
  double a = 0, b = 0, c = 0;
  /// normal and lognormal: optional truncation [lo, hi] (infinite = none)
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  std::vector<double> values;      ///< discrete: the values
  std::vector<double> cumulative;  ///< discrete: cumulative normalised weights, last = 1

  /// The value at cumulative probability u in (0, 1) (u is clamped into [1e-300, 1 - 2^-53]).
  [[nodiscard]] double quantile(double u) const;
  /// The distribution's mean (truncated normal: by quadrature of the quantile function).
  [[nodiscard]] double mean() const;
  /// Lowest and highest value it can give (infinite when unbounded).
  [[nodiscard]] double min_value() const;
  [[nodiscard]] double max_value() const;
};

/// Standard normal cumulative distribution function and its inverse (Acklam's rational approximation polished
/// by one Halley step on erfc: |error| < 1e-15 over (0, 1)).
double normal_cdf(double z);
double normal_quantile(double p);

/// A sampled scenario value.
struct UncertainParameter {
  std::string name;       ///< key path as written, e.g. "legs.caspian_tankers.fleet"
  bool scale = false;     ///< true: a multiplier on the series at `name`; false: the value itself
  Distribution dist;      ///< in `unit`
  std::string unit;       ///< unit of the values as written ("" for counts, plain numbers and multipliers)
  double unit_factor = 1; ///< SI value of one `unit`: `dist` is in SI, samples are reported in `unit`
  bool integer = false;   ///< the key takes a whole number (a count): the sample is rounded to the nearest
  SourceLoc loc;
};

/// Recurring outages of one leg (or one pump station of a hydraulic leg): a Poisson process of starts at `rate`
/// per year, restricted to the months [season_from, season_to] (wrapping over the new year when from > to), each
/// lasting `duration` (s) with `remaining` capacity (fraction 0..1). Overlapping outages of one process combine
/// by the minimum remaining fraction.
struct OutageProcess {
  std::string id;
  int leg = -1;
  std::string station;     ///< empty: the leg is derated to `remaining`; else this station is out
  double rate = 0;         ///< expected starts per (in-season) year
  int season_from = 1, season_to = 12;
  Distribution duration;   ///< s
  Distribution remaining;  ///< fraction
  SourceLoc loc;
  /// Whether calendar month `month` (1..12) is in the season.
  [[nodiscard]] bool in_season(int month) const {
    return season_from <= season_to ? (month >= season_from && month <= season_to) : (month >= season_from || month <= season_to);
  }
};

/// Year-to-year weather of a tanker leg: each year, each month's availability is drawn from its distribution
/// (a fraction), replacing the leg's `weather`.
struct WeatherVariation {
  std::string id;
  int leg = -1;
  std::array<Distribution, 12> month;
  SourceLoc loc;
};

struct Uncertainty {
  enum class Sampling { MonteCarlo, LatinHypercube };
  bool present = false;  ///< the scenario has an [uncertainty] table
  Sampling sampling = Sampling::LatinHypercube;
  std::uint64_t seed = 1;
  int members = 100;
  double max_failed_fraction = 0.01;  ///< more failed members than this: exit 3
  std::vector<UncertainParameter> parameters;
  std::vector<OutageProcess> outages;
  std::vector<WeatherVariation> weather;
  std::vector<std::string> outputs;   ///< daily variables to give quantiles of (empty: the default set)
};

}  // namespace caspflow::model
