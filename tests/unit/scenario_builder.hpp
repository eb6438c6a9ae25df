#pragma once
// Small hand-built scenarios for unit tests of the allocation and the dynamics (no TOML involved).
#include <string>

#include "caspflow/model/allocation.hpp"
#include "caspflow/model/scenario.hpp"

namespace caspflow::test {

using namespace caspflow::model;

struct Builder {
  Scenario sc;
  Builder(int days = 365) {
    sc.start = epoch_seconds(2025, 1, 1);
    sc.end = sc.start + days * kDay;
    sc.grades.push_back(Grade{"g", "grade", 1000.0, 0.0, 0, 0, 0, 0, "test", {}});  // 1 t/m3: mass = volume
  }
  int grade(const std::string& id, double density, double sulphur = 0) {
    sc.grades.push_back(Grade{id, id, density, sulphur, 0, 0, 0, 0, "test", {}});
    return static_cast<int>(sc.grades.size()) - 1;
  }
  int node(const std::string& id, NodeKind kind, double capacity = 0, double heel = 0) {
    Node n;
    n.id = id;
    n.kind = kind;
    n.capacity = capacity;
    n.heel = heel;
    sc.nodes.push_back(n);
    return static_cast<int>(sc.nodes.size()) - 1;
  }
  int fixed(const std::string& id, int from, int to, double cap, CapBasis basis = CapBasis::Mass) {
    Leg l;
    l.id = id;
    l.kind = LegKind::Fixed;
    l.from = from;
    l.to = to;
    l.basis = basis;
    l.capacity = Series::constant(cap);
    sc.legs.push_back(l);
    return static_cast<int>(sc.legs.size()) - 1;
  }
  /// A leg of any kind, its kind-specific fields left for the caller to fill (the reference is valid
  /// until the next leg is added).
  Leg& leg(const std::string& id, LegKind kind, int from, int to, CapBasis basis = CapBasis::Mass) {
    Leg l;
    l.id = id;
    l.kind = kind;
    l.from = from;
    l.to = to;
    l.basis = basis;
    sc.legs.push_back(l);
    return sc.legs.back();
  }
  int shipper(const std::string& id, int origin, double supply, Priority pr = Priority::Firm, int grade = 0) {
    Shipper s;
    s.id = id;
    s.grade = grade;
    s.origin = origin;
    s.supply = Series::constant(supply);
    s.priority = pr;
    sc.shippers.push_back(s);
    return static_cast<int>(sc.shippers.size()) - 1;
  }
  Route& route(int shipper, const std::string& id, std::vector<int> legs) {
    Route r;
    r.id = id;
    r.legs = std::move(legs);
    auto& v = sc.shippers[static_cast<size_t>(shipper)].routes;
    v.push_back(r);
    return v.back();
  }
};

/// Modes for an instant with every storage node neither empty nor full.
inline Modes modes_for(const Scenario& sc, bool empty = false) {
  Modes m;
  m.empty.assign(sc.nodes.size() * sc.shippers.size(), empty ? 1 : 0);
  m.full.assign(Allocator(sc).partitions().size(), 0);
  size_t nr = 0;
  for (const auto& s : sc.shippers) nr += s.routes.size();
  m.ceiling_hit.assign(nr, 0);
  return m;
}

}  // namespace caspflow::test
