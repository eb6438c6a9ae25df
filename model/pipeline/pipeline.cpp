#include "caspflow/model/pipeline/pipeline.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace caspflow::model::pipeline {

double Section::area() const { return 0.25 * std::numbers::pi * inner_diameter_m * inner_diameter_m; }

double Efficiency::at(double q_unit) const {
  if (points.empty()) return constant;
  if (q_unit <= points.front().first) return points.front().second;
  if (q_unit >= points.back().first) return points.back().second;
  auto it = std::upper_bound(points.begin(), points.end(), q_unit,
                             [](double q, const std::pair<double, double>& p) { return q < p.first; });
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  const double w = (q_unit - lo.first) / (hi.first - lo.first);
  return lo.second + w * (hi.second - lo.second);
}

double Pipeline::elevation(double x) const {
  if (profile.empty()) return 0.0;
  if (x <= profile.front().chainage_m) return profile.front().elevation_m;
  if (x >= profile.back().chainage_m) return profile.back().elevation_m;
  auto it = std::upper_bound(profile.begin(), profile.end(), x,
                             [](double v, const ProfilePoint& p) { return v < p.chainage_m; });
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  const double w = (x - lo.chainage_m) / (hi.chainage_m - lo.chainage_m);
  return lo.elevation_m + w * (hi.elevation_m - lo.elevation_m);
}

int Pipeline::section_at(double x) const {
  const int n = static_cast<int>(sections.size());
  for (int k = 0; k < n; ++k)
    if (x < sections[k].end_m) return k;
  return n - 1;
}

double Pipeline::linefill() const {
  double v = 0.0;
  for (const auto& s : sections) v += s.area() * s.length();
  return v;
}

int Pipeline::station_index(const std::string& station_id) const {
  for (std::size_t i = 0; i < stations.size(); ++i)
    if (stations[i].id == station_id) return static_cast<int>(i);
  return -1;
}

}  // namespace caspflow::model::pipeline
