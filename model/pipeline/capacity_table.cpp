#include "caspflow/model/pipeline/capacity_table.hpp"

#include <cmath>
#include <stdexcept>

#include "caspflow/model/errors.hpp"

namespace caspflow::model::pipeline {

CapacityTable::CapacityTable(std::shared_ptr<const PipelineModel> model) : CapacityTable(std::move(model), Options{}) {}

CapacityTable::CapacityTable(std::shared_ptr<const PipelineModel> model, Options opt)
    : model_(std::move(model)), opt_(opt) {
  if (!model_) throw PreconditionError("CapacityTable: no pipeline model");
  if (!(opt_.nu_min > 0 && opt_.nu_max > opt_.nu_min && opt_.nu_per_decade > 0 && opt_.rho_step > 0 &&
        opt_.rho_max > opt_.rho_min))
    throw PreconditionError("CapacityTable: bad grid options");
  if (model_->pipeline().stations.size() > kMaxStations) throw PreconditionError("CapacityTable: more than 64 stations");
}

double CapacityTable::node(int inu, int irho, double dra, std::uint64_t mask, const std::vector<bool>& out) {
  const auto key = std::make_tuple(dra, mask, inu, irho);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  Conditions c;
  c.nu = opt_.nu_min * std::pow(10.0, static_cast<double>(inu) / opt_.nu_per_decade);
  c.rho = opt_.rho_min + irho * opt_.rho_step;
  c.dra = dra;
  c.out = out;
  ++exact_calls_;
  const double q = model_->capacity(c).q;
  cache_.emplace(key, q);
  return q;
}

double CapacityTable::capacity(double rho, double nu, double dra, const std::vector<bool>& out) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < out.size() && i < 64; ++i)
    if (out[i]) mask |= (std::uint64_t{1} << i);
  if (nu < opt_.nu_min || nu > opt_.nu_max || rho < opt_.rho_min || rho > opt_.rho_max) {
    Conditions c{rho, nu, dra, out};
    ++exact_calls_;
    return model_->capacity(c).q;
  }
  // Interpolate Q^2 (not Q) and weight in 1/rho (not rho): where a pressure limit binds, the head it
  // leaves is linear in 1/rho and Q^2 roughly proportional to that head, so this is nearly exact there.
  const double u = std::log10(nu / opt_.nu_min) * opt_.nu_per_decade;
  const double w = (rho - opt_.rho_min) / opt_.rho_step;
  const int i0 = static_cast<int>(std::floor(u));
  const int j0 = std::min(static_cast<int>(std::floor(w)), static_cast<int>((opt_.rho_max - opt_.rho_min) / opt_.rho_step) - 1);
  const double fu = u - i0;
  const double r0 = opt_.rho_min + j0 * opt_.rho_step, r1 = r0 + opt_.rho_step;
  const double fw = (1.0 / rho - 1.0 / r0) / (1.0 / r1 - 1.0 / r0);
  auto at = [&](int i, int j, double weight) {
    if (weight == 0.0) return 0.0;
    const double q = node(i, j, dra, mask, out);
    return weight * q * q;
  };
  const double q2 = at(i0, j0, (1 - fu) * (1 - fw)) + at(i0 + 1, j0, fu * (1 - fw)) + at(i0, j0 + 1, (1 - fu) * fw) +
                    at(i0 + 1, j0 + 1, fu * fw);
  return std::sqrt(std::max(0.0, q2));
}

}  // namespace caspflow::model::pipeline
