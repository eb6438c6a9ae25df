#include "caspflow/model/hydraulics/network.hpp"

#include <cmath>

namespace caspflow::model::hydraulics {

int Network::find_node(const std::string& id) const {
  auto it = node_index.find(id);
  return it == node_index.end() ? -1 : it->second;
}

int Network::find_link(const std::string& id) const {
  auto it = link_index.find(id);
  return it == link_index.end() ? -1 : it->second;
}

void Network::index() {
  node_index.clear();
  link_index.clear();
  for (int i = 0; i < static_cast<int>(nodes.size()); ++i) node_index.emplace(nodes[i].id, i);
  for (int i = 0; i < static_cast<int>(links.size()); ++i) link_index.emplace(links[i].id, i);
}

double interp_curve(const std::vector<std::pair<double, double>>& pts, double x, bool inverse) {
  auto X = [&](std::size_t i) { return inverse ? pts[i].second : pts[i].first; };
  auto Y = [&](std::size_t i) { return inverse ? pts[i].first : pts[i].second; };
  const std::size_t n = pts.size();
  if (n == 0) return 0.0;
  if (n == 1) return Y(0);
  std::size_t k = 1;
  while (k < n - 1 && X(k) < x) ++k;
  const double dx = X(k) - X(k - 1);
  if (dx == 0.0) return Y(k);
  return Y(k - 1) + (x - X(k - 1)) * (Y(k) - Y(k - 1)) / dx;
}

double tank_volume(const Network& net, const NetNode& t, double head) {
  if (t.volume_curve >= 0) return interp_curve(net.curves[t.volume_curve].points, head - t.elevation);
  const double A = 0.25 * M_PI * t.diameter * t.diameter;
  return t.min_volume + (head - t.elevation - t.min_level) * A;
}

double tank_head(const Network& net, const NetNode& t, double v) {
  if (t.volume_curve >= 0) return t.elevation + interp_curve(net.curves[t.volume_curve].points, v, true);
  const double A = 0.25 * M_PI * t.diameter * t.diameter;
  return t.elevation + t.min_level + (v - t.min_volume) / A;
}

}  // namespace caspflow::model::hydraulics
