#pragma once
// Ensembles (issue 11, docs/ensembles.md): member k of an ensemble with seed S draws every uncertain input from
// counter-based Philox4x32-10 streams keyed by S and counted by (k, input, draw), so its inputs -- and so its
// results -- depend only on (S, k, N): the same for any number of threads, ranks or reruns. Members run on a
// pool of threads; their results are reduced in member order (a reorder buffer), so the reduction is the same
// whatever order they finish in. Memory is O(days x variables + members x years).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "caspflow/model/scenario.hpp"
#include "caspflow/solvers/dynamics.hpp"

namespace caspflow::solvers {

/// A uniform number in (0, 1) from Philox4x32-10 with key `seed` and counter (member, stream, index, 0): 53 bits.
double philox_uniform(std::uint64_t seed, std::uint32_t member, std::uint32_t stream, std::uint32_t index);

/// Everything drawn for one member.
struct MemberDraw {
  std::vector<double> parameters;      ///< per Uncertainty::parameters, in its unit (rounded when integer)
  std::vector<model::Event> outages;   ///< realised outages (non-overlapping per process)
  std::vector<int> outage_count;       ///< per Uncertainty::outages: starts drawn
  std::vector<double> outage_days;     ///< per Uncertainty::outages: days inside outages
  std::vector<model::Series> weather;  ///< per Uncertainty::weather: monthly availability series
};

/// The sampling plan of an ensemble of `members` members (Latin hypercube strata are a permutation per
/// parameter, a pure function of the seed and the parameter's index).
class Sampler {
 public:
  Sampler(const model::Uncertainty& u, double start, double end, int members);
  [[nodiscard]] MemberDraw draw(int member) const;

 private:
  void draw_outages(const model::OutageProcess& p, std::uint32_t stream, int member, MemberDraw& d) const;
  const model::Uncertainty& u_;
  double start_, end_;
  int members_;
  std::vector<std::vector<std::uint32_t>> strata_;  ///< [parameter][member] stratum (LHS)
};

/// Adds the member's outages and weather to a scenario (its parameters are applied by whoever built it).
void apply_draw(model::Scenario& sc, const MemberDraw& d);

/// What one member's run is reduced to.
struct MemberResult {
  int status = 0;          ///< 0 ok, 1 solver failed, 2 input rejected
  std::string reason;      ///< why it failed
  std::vector<double> annual_sink;     ///< [year][shipper] t delivered into sinks
  std::vector<double> annual_shut_in;  ///< [year][shipper] t
  std::vector<double> annual_entered;  ///< [year][leg] t of Kazakh crude entering each leg
  std::vector<double> annual_left;     ///< [year][leg] t of Kazakh crude leaving each leg
  std::vector<int> days_bound;         ///< [constraint] days on which it limits at least one shipper
  double residual = 0;                 ///< whole-run conservation residual (relative)
  std::vector<double> daily;           ///< [variable][day] selected daily series (for quantiles / kept members)
};

/// Daily series that quantiles can be taken of (per member, one value per day).
struct DailyVariable {
  std::string name, units, long_name;
};
/// The names `[uncertainty] outputs` may list, with what each is.
const std::vector<DailyVariable>& daily_variable_catalogue();

struct EnsembleSpec {
  int members = 0;
  int threads = 1;
  std::vector<double> probabilities = {0.1, 0.5, 0.9};  ///< quantiles reported (besides mean, min, max)
  std::vector<std::string> daily;   ///< catalogue names, with an optional ":LEG" or ":NODE" (e.g. "kazakh_entering:btc")
  int keep_members = 0;             ///< full daily series kept for the first K members
};

/// The result of an ensemble: per-member tables and daily statistics over members.
struct EnsembleResult {
  int members = 0, ndays = 0;
  double start = 0;
  std::vector<int> year;                    ///< calendar years of the run
  std::vector<std::string> constraint_labels;
  std::vector<MemberDraw> draws;            ///< per member (parameters, outage counts/days; events dropped)
  std::vector<MemberResult> results;        ///< per member (daily series dropped except kept members)
  std::vector<std::string> daily_names;     ///< as requested
  std::vector<std::string> stat_labels;     ///< "P10", "P50", "P90", "mean", "min", "max"
  std::vector<double> daily_stats;          ///< [variable][stat][day]
  int failed = 0;
  double seconds = 0;                       ///< wall time
};

/// Builds member k's scenario with its parameters applied (inputs:: does this: it re-reads the scenario with the
/// drawn values as overrides). Throws InputError for a value the scenario refuses.
using MemberFactory = std::function<model::Scenario(int member, const MemberDraw& draw)>;

/// Runs the ensemble: `factory` gives each member's scenario, apply_draw adds its outages and weather, simulate()
/// runs it; results are reduced in member order. `progress(done, total)` is called from the reducing thread.
EnsembleResult run_ensemble(const model::Scenario& base, const EnsembleSpec& spec, const MemberFactory& factory,
                            const std::function<void(int, int)>& progress = {});

/// Spearman rank correlation of x and y (average ranks for ties; NaN when either is constant).
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace caspflow::solvers
