#include "caspflow/outputs/limits_output.hpp"

#include "caspflow/model/allocation.hpp"

namespace caspflow::outputs {

void add_limit_variables(Dataset& ds, const model::Scenario& sc, const solvers::RunResult& run) {
  const size_t ND = static_cast<size_t>(run.ndays), NR = static_cast<size_t>(run.route_entered.size1()), NL = sc.legs.size();
  // Route variables are numbered shipper by shipper, routes in preference order (model::Allocator).
  std::vector<std::string> routes;
  for (const auto& sh : sc.shippers)
    for (const auto& r : sh.routes) routes.push_back(sh.id + "/" + r.id);
  ds.label_axes.push_back(LabelAxis{"route", routes, "route of a shipper (SHIPPER/ROUTE), in preference order"});

  Variable rl;
  rl.name = "route_limit";
  rl.dims = {"time", "route"};
  rl.is_int = true;
  rl.idata.assign(run.route_limit_day.begin(), run.route_limit_day.begin() + static_cast<std::ptrdiff_t>(ND * NR));
  rl.attrs = {Attr{"units", std::string("1")},
              Attr{"long_name", std::string("index into `constraint` of what limits the route's volume at mid-day")},
              Attr{"comment", std::string("constraint[route_limit]: 'supply' = the route takes all the crude offered to "
                                          "it; otherwise the first constraint from upstream to downstream that holds "
                                          "it back, a full tank deferring to what limits the crude leaving it "
                                          "(docs/model.md)")}};
  ds.variables.push_back(std::move(rl));

  Variable sr;
  sr.name = "shut_in_reason";
  sr.dims = {"time", "shipper"};
  sr.is_int = true;
  sr.idata.assign(run.shut_in_reason_day.begin(), run.shut_in_reason_day.begin() + static_cast<std::ptrdiff_t>(ND * sc.shippers.size()));
  sr.attrs = {Attr{"units", std::string("1")},
              Attr{"long_name", std::string("index into `constraint` of why the shipper's crude is shut in at mid-day")},
              Attr{"comment", std::string("constraint[shut_in_reason]: 'none' = nothing is shut in; otherwise the "
                                          "route_limit of the shipper's last route (in preference order) that has one "
                                          "- the last outlet offered the crude - or storage_full:ORIGIN when every "
                                          "route moved what it was offered and the origin tank is full (docs/model.md)")}};
  ds.variables.push_back(std::move(sr));

  Variable ll;
  ll.name = "leg_limit";
  ll.dims = {"time", "leg"};
  ll.is_int = true;
  ll.idata.assign(run.leg_state_day.begin(), run.leg_state_day.begin() + static_cast<std::ptrdiff_t>(ND * NL));
  std::string meanings;
  for (int k = 0; k <= 4; ++k) meanings += std::string(k ? " " : "") + model::leg_state_name(static_cast<model::LegState>(k));
  ll.attrs = {Attr{"units", std::string("1")},
              Attr{"long_name", std::string("what the leg is doing at mid-day (see flag_meanings)")},
              Attr{"flag_values", std::vector<int32_t>{0, 1, 2, 3, 4}},
              Attr{"flag_meanings", meanings},
              Attr{"comment", std::string("0 not_binding: spare capacity; 1 capacity: at capacity; 2 capacity_outage: "
                                          "at a capacity an outage event derates; 3 quality: a quality limit of the "
                                          "leg is tight; 4 storage_full: below capacity, crude through it held back "
                                          "by a full tank downstream. Utilisation is `utilisation`.")}};
  ds.variables.push_back(std::move(ll));
}

}  // namespace caspflow::outputs
