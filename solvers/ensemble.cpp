#include "caspflow/solvers/ensemble.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "caspflow/model/allocation.hpp"

namespace caspflow::solvers {

namespace {
constexpr double kYear = 365.25 * model::kDay;  ///< a Julian year: Poisson rates are per year of this length
constexpr std::uint32_t kOutageStream = 1u << 20, kWeatherStream = 1u << 21, kStrataStream = 1u << 22;

/// The calendar months [a, b) of the run as (start, end, month 1..12).
struct MonthSpan {
  double a, b;
  int month;
};
std::vector<MonthSpan> months_of(double start, double end) {
  std::vector<MonthSpan> out;
  long day = static_cast<long>(std::floor(start / model::kDay));
  double t = start;
  while (t < end) {
    int y;
    unsigned m, d;
    model::civil_from_days(day, y, m, d);
    const double next = std::min(end, model::epoch_seconds(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1));
    out.push_back({t, next, static_cast<int>(m)});
    day = static_cast<long>(std::floor(next / model::kDay));
    t = next;
  }
  return out;
}
}  // namespace

double philox_uniform(std::uint64_t seed, std::uint32_t member, std::uint32_t stream, std::uint32_t index) {
  r123::Philox4x32 rng;
  const r123::Philox4x32::ctr_type c = {{member, stream, index, 0u}};
  const r123::Philox4x32::key_type k = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const auto r = rng(c, k);
  const std::uint64_t x = ((static_cast<std::uint64_t>(r[0]) << 32) | r[1]) >> 11;  // 53 bits
  return (static_cast<double>(x) + 0.5) * 0x1p-53;
}

Sampler::Sampler(const model::Uncertainty& u, double start, double end, int members)
    : u_(u), start_(start), end_(end), members_(members) {
  if (u.sampling != model::Uncertainty::Sampling::LatinHypercube) return;
  // One random permutation of the N strata per parameter (Fisher-Yates driven by the parameter's own stream).
  for (size_t p = 0; p < u.parameters.size(); ++p) {
    std::vector<std::uint32_t> perm(static_cast<size_t>(members));
    std::iota(perm.begin(), perm.end(), 0u);
    for (size_t i = perm.size(); i > 1; --i) {
      const double v = philox_uniform(u.seed, static_cast<std::uint32_t>(i), kStrataStream + static_cast<std::uint32_t>(p), 0);
      const size_t j = std::min(i - 1, static_cast<size_t>(v * static_cast<double>(i)));
      std::swap(perm[i - 1], perm[j]);
    }
    strata_.push_back(std::move(perm));
  }
}

void Sampler::draw_outages(const model::OutageProcess& p, std::uint32_t stream, int member, MemberDraw& d) const {
  // Starts form a Poisson process of intensity rate / year inside the season: the expected count over the run is
  // rate x (run length in years) x (share of the run in season) / (share of a year in season) = rate x years
  // when the run covers whole years. Gaps are exponential in in-season time.
  const auto months = months_of(start_, end_);
  double season_total = 0;
  for (const auto& m : months)
    if (p.in_season(m.month)) season_total += m.b - m.a;
  double year_season = 0;  // in-season seconds of a mean year (non-leap month lengths, Julian-year scaled)
  for (int m = 1; m <= 12; ++m)
    if (p.in_season(m)) year_season += model::days_in_month(2001, m) * model::kDay;
  year_season *= kYear / (365.0 * model::kDay);
  const double intensity = p.rate / year_season;  // starts per in-season second
  std::vector<std::pair<double, double>> spans;   // (start, end) of each outage, s since epoch
  std::vector<double> remaining;
  std::uint32_t k = 0;
  double tau = 0;
  int count = 0;
  while (intensity > 0) {
    tau += -std::log(philox_uniform(u_.seed, static_cast<std::uint32_t>(member), stream, k++)) / intensity;
    if (tau >= season_total) break;
    double left = tau, t = start_;
    for (const auto& m : months) {  // in-season time -> calendar time
      if (!p.in_season(m.month)) continue;
      if (left < m.b - m.a) {
        t = m.a + left;
        break;
      }
      left -= m.b - m.a;
    }
    const double dur = std::max(0.0, p.duration.quantile(philox_uniform(u_.seed, static_cast<std::uint32_t>(member), stream, k++)));
    const double rem = std::clamp(p.remaining.quantile(philox_uniform(u_.seed, static_cast<std::uint32_t>(member), stream, k++)), 0.0, 1.0);
    ++count;
    spans.emplace_back(t, std::min(end_, t + dur));
    remaining.push_back(rem);
  }
  d.outage_count.push_back(count);
  // Overlaps combine by the minimum remaining fraction: cut the timeline at every start and end.
  std::vector<double> cuts;
  for (const auto& [a, b] : spans) cuts.push_back(a), cuts.push_back(b);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  double out_days = 0;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double a = cuts[i], b = cuts[i + 1];
    double rem = 2.0;
    for (size_t j = 0; j < spans.size(); ++j)
      if (spans[j].first <= a && spans[j].second >= b) rem = std::min(rem, remaining[j]);
    if (rem > 1.0 || !(b > a)) continue;
    out_days += (b - a) / model::kDay;
    model::Event e;
    e.id = p.id + "#" + std::to_string(d.outages.size());
    e.on_leg = true;
    e.target = p.leg;
    e.start = a;
    e.end = b;
    e.remaining = rem;
    e.station = p.station;
    e.loc = p.loc;
    if (!d.outages.empty() && d.outages.back().target == e.target && d.outages.back().station == e.station &&
        d.outages.back().end == a && d.outages.back().remaining == rem && d.outages.back().id.rfind(p.id + "#", 0) == 0) {
      d.outages.back().end = b;  // contiguous pieces with the same fraction are one outage
      continue;
    }
    d.outages.push_back(std::move(e));
  }
  d.outage_days.push_back(out_days);
}

MemberDraw Sampler::draw(int member) const {
  MemberDraw d;
  const auto m = static_cast<std::uint32_t>(member);
  for (size_t p = 0; p < u_.parameters.size(); ++p) {
    const auto& par = u_.parameters[p];
    double u = philox_uniform(u_.seed, m, static_cast<std::uint32_t>(p), 0);
    if (!strata_.empty()) u = (strata_[p][static_cast<size_t>(member)] + u) / static_cast<double>(members_);
    double v = par.dist.quantile(u);
    if (par.integer) v = std::round(v);
    d.parameters.push_back(v);
  }
  for (size_t j = 0; j < u_.outages.size(); ++j) draw_outages(u_.outages[j], kOutageStream + static_cast<std::uint32_t>(j), member, d);
  for (size_t w = 0; w < u_.weather.size(); ++w) {
    model::Series s;
    std::uint32_t k = 0;
    for (const auto& mo : months_of(start_, end_)) {
      s.t.push_back(mo.a);
      s.v.push_back(std::clamp(u_.weather[w].month[static_cast<size_t>(mo.month - 1)].quantile(
                                   philox_uniform(u_.seed, m, kWeatherStream + static_cast<std::uint32_t>(w), k++)),
                               0.0, 1.0));
    }
    s.loc = u_.weather[w].loc;
    d.weather.push_back(std::move(s));
  }
  return d;
}

void apply_draw(model::Scenario& sc, const MemberDraw& d) {
  for (const auto& e : d.outages) sc.events.push_back(e);
  for (size_t w = 0; w < d.weather.size(); ++w) sc.legs[static_cast<size_t>(sc.uncertainty.weather[w].leg)].weather_series = d.weather[w];
}

const std::vector<DailyVariable>& daily_variable_catalogue() {
  static const std::vector<DailyVariable> c = {
      {"kazakh_sink", "t/d", "Kazakh crude delivered into sink nodes (daily mean)"},
      {"kazakh_shut_in", "t/d", "Kazakh crude shut in (daily mean)"},
      {"kazakh_entering", "t/d", "Kazakh crude entering the leg (daily mean); kazakh_entering:LEG"},
      {"kazakh_leaving", "t/d", "Kazakh crude leaving the leg at its downstream end (daily mean); kazakh_leaving:LEG"},
      {"flow", "t/d", "all crude entering the leg (daily mean); flow:LEG"},
      {"stock", "t", "working stock at the node at the end of the day; stock:NODE"},
  };
  return c;
}

namespace {

/// A requested daily variable resolved against the scenario.
struct DailyPick {
  int kind = 0;    ///< index into the catalogue
  int target = -1; ///< leg or node
};

std::vector<DailyPick> resolve_daily(const model::Scenario& sc, const std::vector<std::string>& names) {
  std::vector<DailyPick> out;
  const auto& cat = daily_variable_catalogue();
  for (const auto& full : names) {
    const auto colon = full.find(':');
    const std::string name = full.substr(0, colon), target = colon == std::string::npos ? "" : full.substr(colon + 1);
    DailyPick p;
    p.kind = -1;
    for (size_t i = 0; i < cat.size(); ++i)
      if (cat[i].name == name) p.kind = static_cast<int>(i);
    if (p.kind < 0) throw InputError(SourceLoc{}, "ensemble outputs", "found \"" + full + "\", expected a daily variable of the catalogue");
    const bool on_leg = p.kind >= 2 && p.kind <= 4, on_node = p.kind == 5;
    if (on_leg)
      for (size_t l = 0; l < sc.legs.size(); ++l)
        if (sc.legs[l].id == target) p.target = static_cast<int>(l);
    if (on_node)
      for (size_t n = 0; n < sc.nodes.size(); ++n)
        if (sc.nodes[n].id == target) p.target = static_cast<int>(n);
    if ((on_leg || on_node) && p.target < 0)
      throw InputError(SourceLoc{}, "ensemble outputs", "found \"" + full + "\", expected " + name + (on_leg ? ":LEG" : ":NODE") + " with a leg/node of the scenario");
    out.push_back(p);
  }
  return out;
}

bool to_sink(const model::Scenario& sc, size_t l) { return sc.nodes[static_cast<size_t>(sc.legs[l].to)].kind == model::NodeKind::Sink; }

/// The member's run reduced to annual tables, days bound and the selected daily series.
MemberResult reduce_run(const model::Scenario& sc, const RunResult& r, const std::vector<int>& year_first, const std::vector<int>& year_end,
                        const std::vector<DailyPick>& picks, const std::vector<int>& label_map) {
  MemberResult m;
  const int NS = static_cast<int>(sc.shippers.size()), NL = static_cast<int>(sc.legs.size());
  constexpr double kT = 1000.0;
  for (size_t y = 0; y < year_first.size(); ++y) {
    const int a = year_first[y], b = year_end[y];
    for (int s = 0; s < NS; ++s) {
      double sink = 0;
      for (int l = 0; l < NL; ++l)
        if (to_sink(sc, static_cast<size_t>(l))) sink += r.left.change(a, b, l, s);
      m.annual_sink.push_back(sink / kT);
      m.annual_shut_in.push_back(r.shut_in.change(a, b, s) / kT);
    }
    for (int l = 0; l < NL; ++l) {
      double in = 0, out = 0;
      for (int s = 0; s < NS; ++s)
        if (sc.shippers[static_cast<size_t>(s)].kazakh) in += r.entered.change(a, b, l, s), out += r.left.change(a, b, l, s);
      m.annual_entered.push_back(in / kT);
      m.annual_left.push_back(out / kT);
    }
  }
  int nlabels = 0;
  for (int x : label_map) nlabels = std::max(nlabels, x + 1);
  m.days_bound.assign(static_cast<size_t>(nlabels), 0);
  std::vector<char> seen(static_cast<size_t>(nlabels));
  for (int d = 0; d < r.ndays; ++d) {
    std::fill(seen.begin(), seen.end(), 0);
    for (int s = 0; s < NS; ++s) seen[static_cast<size_t>(label_map[static_cast<size_t>(r.limit_day[static_cast<size_t>(d * NS + s)])])] = 1;
    for (size_t c = 0; c < seen.size(); ++c) m.days_bound[c] += seen[c];
  }
  m.residual = r.residual_total;
  for (const auto& p : picks)
    for (int d = 0; d < r.ndays; ++d) {
      double v = 0;
      for (int s = 0; s < NS; ++s) {
        const bool kz = sc.shippers[static_cast<size_t>(s)].kazakh;
        switch (p.kind) {
          case 0:
            if (kz)
              for (int l = 0; l < NL; ++l)
                if (to_sink(sc, static_cast<size_t>(l))) v += r.left.change(d, d + 1, l, s);
            break;
          case 1: if (kz) v += r.shut_in.change(d, d + 1, s); break;
          case 2: if (kz) v += r.entered.change(d, d + 1, p.target, s); break;
          case 3: if (kz) v += r.left.change(d, d + 1, p.target, s); break;
          case 4: v += r.entered.change(d, d + 1, p.target, s); break;
          default: v += r.stock.at(d + 1, p.target, s); break;
        }
      }
      m.daily.push_back(v / kT);
    }
  return m;
}

/// P-square streaming quantile (Jain & Chlamtac 1985): five markers, O(1) memory, fed in member order.
class P2 {
 public:
  explicit P2(double p) : p_(p) {}
  void add(double x) {
    if (n_ < 5) {
      q_[n_++] = x;
      if (n_ == 5) {
        std::sort(q_, q_ + 5);
        for (int i = 0; i < 5; ++i) pos_[i] = i + 1;
        want_[0] = 1, want_[1] = 1 + 2 * p_, want_[2] = 1 + 4 * p_, want_[3] = 3 + 2 * p_, want_[4] = 5;
      }
      return;
    }
    int k;
    if (x < q_[0]) q_[0] = x, k = 0;
    else if (x >= q_[4]) q_[4] = x, k = 3;
    else for (k = 0; k < 3 && x >= q_[k + 1]; ++k) {}
    for (int i = k + 1; i < 5; ++i) ++pos_[i];
    const double dn[5] = {0, p_ / 2, p_, (1 + p_) / 2, 1};
    for (int i = 0; i < 5; ++i) want_[i] += dn[i];
    for (int i = 1; i < 4; ++i) {
      const double d = want_[i] - pos_[i];
      if ((d >= 1 && pos_[i + 1] - pos_[i] > 1) || (d <= -1 && pos_[i - 1] - pos_[i] < -1)) {
        const int s = d >= 0 ? 1 : -1;
        const double qp = q_[i] + s / (pos_[i + 1] - pos_[i - 1]) *
                                      ((pos_[i] - pos_[i - 1] + s) * (q_[i + 1] - q_[i]) / (pos_[i + 1] - pos_[i]) +
                                       (pos_[i + 1] - pos_[i] - s) * (q_[i] - q_[i - 1]) / (pos_[i] - pos_[i - 1]));
        q_[i] = (q_[i - 1] < qp && qp < q_[i + 1]) ? qp : q_[i] + s * (q_[i + s] - q_[i]) / (pos_[i + s] - pos_[i]);
        pos_[i] += s;
      }
    }
    ++n_;
  }
  [[nodiscard]] double value() const {
    if (n_ >= 5) return q_[2];
    if (n_ == 0) return std::nan("");
    std::vector<double> v(q_, q_ + n_);
    std::sort(v.begin(), v.end());
    const double h = (n_ - 1) * p_;
    const int lo = static_cast<int>(std::floor(h));
    return v[static_cast<size_t>(lo)] + (h - lo) * (v[static_cast<size_t>(std::min(lo + 1, n_ - 1))] - v[static_cast<size_t>(lo)]);
  }

 private:
  double p_;
  int n_ = 0;
  double q_[5] = {}, pos_[5] = {}, want_[5] = {};
};

/// Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, numpy's default).
double exact_quantile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

/// Daily statistics over members, fed in member order: exact (all values kept) when members x days x variables
/// is at most kExactLimit, else P-square estimates; mean, min and max are always exact.
class DailyStats {
 public:
  static constexpr size_t kExactLimit = 20'000'000;  // 160 MB of doubles
  DailyStats(int nvar, int ndays, int members, const std::vector<double>& probs)
      : nv_(static_cast<size_t>(nvar)), nd_(static_cast<size_t>(ndays)), probs_(probs),
        exact_(nv_ * nd_ * static_cast<size_t>(members) <= kExactLimit), sum_(nv_ * nd_, 0.0),
        min_(nv_ * nd_, HUGE_VAL), max_(nv_ * nd_, -HUGE_VAL) {
    if (exact_) values_.resize(nv_ * nd_);
    else
      for (size_t i = 0; i < nv_ * nd_; ++i)
        for (double p : probs_) p2_.emplace_back(p);
  }
  void add(const std::vector<double>& daily) {
    ++n_;
    for (size_t i = 0; i < nv_ * nd_; ++i) {
      const double x = daily[i];
      sum_[i] += x;
      min_[i] = std::min(min_[i], x);
      max_[i] = std::max(max_[i], x);
      if (exact_) values_[i].push_back(x);
      else
        for (size_t q = 0; q < probs_.size(); ++q) p2_[i * probs_.size() + q].add(x);
    }
  }
  /// [variable][stat][day], stats = probabilities..., mean, min, max
  [[nodiscard]] std::vector<double> finish() {
    const size_t ns = probs_.size() + 3;
    std::vector<double> out(nv_ * ns * nd_, std::nan(""));
    if (n_ == 0) return out;
    for (size_t v = 0; v < nv_; ++v)
      for (size_t d = 0; d < nd_; ++d) {
        const size_t i = v * nd_ + d;
        for (size_t q = 0; q < probs_.size(); ++q)
          out[(v * ns + q) * nd_ + d] = exact_ ? exact_quantile(values_[i], probs_[q]) : p2_[i * probs_.size() + q].value();
        out[(v * ns + probs_.size()) * nd_ + d] = sum_[i] / n_;
        out[(v * ns + probs_.size() + 1) * nd_ + d] = min_[i];
        out[(v * ns + probs_.size() + 2) * nd_ + d] = max_[i];
      }
    return out;
  }

 private:
  size_t nv_, nd_;
  std::vector<double> probs_;
  bool exact_;
  int n_ = 0;
  std::vector<double> sum_, min_, max_;
  std::vector<std::vector<double>> values_;
  std::vector<P2> p2_;
};

std::string stat_label(double p) {
  const double pc = 100 * p;
  char b[32];
  if (std::abs(pc - std::round(pc)) < 1e-9) std::snprintf(b, sizeof b, "P%d", static_cast<int>(std::lround(pc)));
  else std::snprintf(b, sizeof b, "P%g", pc);
  return b;
}

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = std::min(x.size(), y.size());
  auto ranks = [n](const std::vector<double>& v) {
    std::vector<size_t> idx(n);
    std::iota(idx.begin(), idx.end(), size_t{0});
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> r(n);
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j + 1 < n && v[idx[j + 1]] == v[idx[i]]) ++j;
      const double avg = 0.5 * static_cast<double>(i + j) + 1.0;  // average rank of a run of ties
      for (size_t k = i; k <= j; ++k) r[idx[k]] = avg;
      i = j + 1;
    }
    return r;
  };
  if (n < 3) return std::nan("");
  const auto rx = ranks(x), ry = ranks(y);
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / static_cast<double>(n),
               my = std::accumulate(ry.begin(), ry.end(), 0.0) / static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) sxy += (rx[i] - mx) * (ry[i] - my), sxx += (rx[i] - mx) * (rx[i] - mx), syy += (ry[i] - my) * (ry[i] - my);
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : std::nan("");
}

namespace {

/// The run's calendar years as [first day, end day) of each.
void years_of(double start, int ndays, std::vector<int>& year, std::vector<int>& first, std::vector<int>& end) {
  for (int d = 0; d < ndays; ++d) {
    int y;
    unsigned m, dd;
    model::civil_from_days(static_cast<long>(std::floor(start / model::kDay)) + d, y, m, dd);
    if (year.empty() || year.back() != y) {
      if (!year.empty()) end.push_back(d);
      year.push_back(y);
      first.push_back(d);
    }
  }
  if (!year.empty()) end.push_back(ndays);
}

/// One member from draw to reduced result; failures become a status, never an exception.
MemberResult run_member(const model::Scenario& base, const Sampler& sampler, const MemberFactory& factory, int k,
                        const std::vector<int>& yfirst, const std::vector<int>& yend, const std::vector<DailyPick>& picks,
                        const std::vector<std::string>& labels, MemberDraw& draw) {
  draw = sampler.draw(k);
  try {
    model::Scenario sc = factory(k, draw);
    apply_draw(sc, draw);
    const RunResult r = simulate(sc);
    if (r.ndays != static_cast<int>(yend.empty() ? 0 : yend.back()) || r.start != base.start)
      throw SolverError("the member's calendar differs from the ensemble's");
    std::vector<int> map;
    for (const auto& l : r.constraint_labels) {
      const auto it = std::find(labels.begin(), labels.end(), l);
      if (it == labels.end()) throw SolverError("constraint `" + l + "` is not one of the base scenario's");
      map.push_back(static_cast<int>(it - labels.begin()));
    }
    return reduce_run(sc, r, yfirst, yend, picks, map);
  } catch (const InputError& e) {
    MemberResult m;
    m.status = 2;
    m.reason = e.what();
    return m;
  } catch (const std::exception& e) {
    MemberResult m;
    m.status = 1;
    m.reason = e.what();
    return m;
  }
}

}  // namespace

EnsembleResult run_ensemble(const model::Scenario& base, const EnsembleSpec& spec, const MemberFactory& factory,
                            const std::function<void(int, int)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  EnsembleResult out;
  out.members = spec.members;
  out.start = base.start;
  out.ndays = static_cast<int>(std::llround((base.end - base.start) / model::kDay));
  std::vector<int> yfirst, yend;
  years_of(base.start, out.ndays, out.year, yfirst, yend);
  out.constraint_labels = model::Allocator(base).constraint_labels();
  out.daily_names = spec.daily;
  const auto picks = resolve_daily(base, spec.daily);
  for (double p : spec.probabilities) out.stat_labels.push_back(stat_label(p));
  for (const char* s : {"mean", "min", "max"}) out.stat_labels.emplace_back(s);
  const Sampler sampler(base.uncertainty, base.start, base.end, spec.members);
  DailyStats stats(static_cast<int>(picks.size()), out.ndays, spec.members, spec.probabilities);
  out.draws.resize(static_cast<size_t>(spec.members));
  out.results.resize(static_cast<size_t>(spec.members));

  std::atomic<int> next{0};
  std::mutex mu;
  int fed = 0;                 // members reduced so far, in member order
  std::map<int, bool> ready;   // finished members waiting for the ones before them
  auto feed = [&]() {          // with mu held
    while (!ready.empty() && ready.begin()->first == fed) {
      auto& r = out.results[static_cast<size_t>(fed)];
      if (r.status == 0) stats.add(r.daily);
      else ++out.failed;
      if (fed >= spec.keep_members) r.daily = {};
      out.draws[static_cast<size_t>(fed)].outages = {};
      ready.erase(ready.begin());
      ++fed;
      if (progress) progress(fed, spec.members);
    }
  };
  auto worker = [&]() {
    for (int k = next++; k < spec.members; k = next++) {
      MemberDraw d;
      MemberResult r = run_member(base, sampler, factory, k, yfirst, yend, picks, out.constraint_labels, d);
      std::lock_guard<std::mutex> lock(mu);
      out.draws[static_cast<size_t>(k)] = std::move(d);
      out.results[static_cast<size_t>(k)] = std::move(r);
      ready[k] = true;
      feed();
    }
  };
  const int T = std::max(1, std::min(spec.threads, spec.members));
  std::vector<std::thread> pool;
  for (int i = 1; i < T; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  out.daily_stats = stats.finish();
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace caspflow::solvers
