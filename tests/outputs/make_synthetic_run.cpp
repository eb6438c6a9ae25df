// Writes a synthetic caspflow run output with outputs::write_dataset, following the run-output schema of
// docs/output-format.md, so that tests/python/check_run_output.py and the example notebook can be tested on a
// file made by OUR writer before (and independently of) the engine.
//
// The "model" is a toy daily mass balance, not the engine: three shippers (Kazakh crude by tanker Aktau ->
// Sangachal -> BTC -> Ceyhan, Kazakh crude by CPC Atyrau -> Novorossiysk, Azeri ACG crude into BTC at
// Sangachal), with FIFO transit delays, pro-rata sharing of BTC, a CPC outage at 55 % from 2025-11-29 for 60
// days, a BTC outage at 30 % for 20 days in 2026 and storage limits with shut-in. Every tonne is moved between
// explicit state variables, so supply = sink delivery + shut-in + change in stock + change in transit holds to
// round-off (the conservation law the checker recomputes). Figures are illustrative (route-data.md magnitudes).
//
// Usage: make_synthetic_run OUT.h5 SCENARIO_FILE SCENARIO_SHA256 [--break conservation|time|sha]
//   --break deliberately violates one rule so CTest can prove that check_run_output.py fails on it.
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "caspflow/version.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"

using namespace caspflow::outputs;

namespace {

// Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil algorithm).
int days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Attr text(const std::string& n, const std::string& v) { return {n, v}; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: make_synthetic_run OUT.h5 SCENARIO_FILE SCENARIO_SHA256 [--break conservation|time|sha]\n";
    return 2;
  }
  const std::string out = argv[1];
  const std::string scenario_file = argv[2];
  std::string sha = argv[3];
  const std::string broken = argc >= 6 && std::string(argv[4]) == "--break" ? argv[5] : "";
  std::ifstream in(scenario_file, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << scenario_file << "\n";
    return 4;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string scenario_text = buf.str();
  if (broken == "sha") sha[0] = sha[0] == '0' ? '1' : '0';

  // Simulation 2025-01-01 .. 2027-03-31 (inclusive): two whole years and a clipped third one.
  const int start = days_from_civil(2025, 1, 1);
  const int nd = days_from_civil(2027, 4, 1) - start;  // 820 days
  const std::vector<std::string> shippers{"kmg_west", "tengiz_cpc", "acg"};
  const std::vector<std::string> grades{"kebco", "cpc_blend", "azeri_light"};
  const std::vector<double> density{830.0, 790.0, 845.0};  // kg/m3 per grade (assumed)
  const std::vector<std::string> nodes{"aktau", "atyrau", "sangachal", "ceyhan", "novorossiysk"};
  const std::vector<double> heel_m3{5e3, 2e4, 1e5, 8e4, 6e4};
  const std::vector<std::string> legs{"aktau_sangachal", "btc", "cpc"};
  const std::vector<std::string> constraints{"supply",   "capacity:aktau_sangachal", "capacity:btc",
                                             "capacity:cpc", "storage_full:sangachal", "storage_full:atyrau",
                                             "no_route"};
  enum { KMG = 0, TENGIZ = 1, ACG = 2 };
  enum { AKTAU = 0, ATYRAU = 1, SANGACHAL = 2, CEYHAN = 3, NOVO = 4 };
  enum { TANKER = 0, BTC = 1, CPC = 2 };
  const size_t NS = shippers.size(), NN = nodes.size(), NL = legs.size(), ND = static_cast<size_t>(nd);
  const int transit[3] = {3, 9, 12};  // days in each leg (FIFO)

  // Stocks [t] and leg contents [t] per shipper; initial state is non-zero so the initial terms matter.
  std::vector<std::vector<double>> stock(NN, std::vector<double>(NS, 0.0));
  stock[AKTAU][KMG] = 20e3;
  stock[ATYRAU][TENGIZ] = 150e3;
  stock[SANGACHAL][KMG] = 10e3;
  stock[SANGACHAL][ACG] = 250e3;
  std::vector<std::vector<std::deque<double>>> line(NL, std::vector<std::deque<double>>(NS));
  for (size_t l = 0; l < NL; ++l)
    for (size_t s = 0; s < NS; ++s) line[l][s].assign(static_cast<size_t>(transit[l]), 0.0);
  for (auto& x : line[TANKER][KMG]) x = 3800.0;
  for (auto& x : line[BTC][KMG]) x = 3000.0;
  for (auto& x : line[BTC][ACG]) x = 80e3;
  for (auto& x : line[CPC][TENGIZ]) x = 160e3;
  std::vector<double> init_stock, init_transit;
  for (size_t n = 0; n < NN; ++n)
    for (size_t s = 0; s < NS; ++s) init_stock.push_back(stock[n][s]);
  for (size_t l = 0; l < NL; ++l)
    for (size_t s = 0; s < NS; ++s) {
      double sum = 0;
      for (double x : line[l][s]) sum += x;
      init_transit.push_back(sum);
    }
  const double sangachal_max = 600e3, atyrau_max = 400e3;  // working storage [t] (assumed)

  std::vector<double> flow(ND * NL), fbs(ND * NL * NS), deliv(ND * NL * NS), cap(ND * NL), util(ND * NL),
      inv(ND * NN), invs(ND * NN * NS), transit_t(ND * NL * NS), supply(ND * NS), shut(ND * NS), sink(ND * NS);
  std::vector<int32_t> limit(ND * NS);
  auto I2 = [](size_t a, size_t b, size_t nb) { return a * nb + b; };
  auto I3 = [](size_t a, size_t b, size_t c, size_t nb, size_t nc) { return (a * nb + b) * nc + c; };

  for (size_t d = 0; d < ND; ++d) {
    const int day = static_cast<int>(d);
    const bool y2025 = day < 365;
    const double sup[3] = {(y2025 ? 1.4e6 : 2.2e6) / 365.0, 60e6 / 365.0,
                           29.5e6 * std::pow(0.95, day / 365.0) / 365.0};
    const bool cpc_out = day >= days_from_civil(2025, 11, 29) - start && day < days_from_civil(2026, 1, 28) - start;
    const bool btc_out = day >= 500 && day < 520;
    const double c[3] = {7.5e6 / 365.0, (btc_out ? 0.3 : 1.0) * 160e3, (cpc_out ? 0.55 : 1.0) * 72.5e6 / 365.0};
    double supply_kmg = sup[KMG];
    if (broken == "conservation" && d == 100) supply_kmg += 50.0;  // recorded but never enters the system
    std::array<int32_t, 3> lim{0, 0, 0};
    double fl[3][3] = {}, dl[3][3] = {}, sh[3] = {}, sk[3] = {};

    // Aktau -> tanker leg (Kazakh west shipper only).
    stock[AKTAU][KMG] += sup[KMG];
    fl[TANKER][KMG] = std::min(stock[AKTAU][KMG], c[TANKER]);
    if (stock[AKTAU][KMG] > c[TANKER]) lim[KMG] = 1;
    stock[AKTAU][KMG] -= fl[TANKER][KMG];
    // Atyrau -> CPC (tengiz), storage then shut-in.
    stock[ATYRAU][TENGIZ] += sup[TENGIZ];
    fl[CPC][TENGIZ] = std::min(stock[ATYRAU][TENGIZ], c[CPC]);
    if (stock[ATYRAU][TENGIZ] > c[CPC]) lim[TENGIZ] = 3;
    stock[ATYRAU][TENGIZ] -= fl[CPC][TENGIZ];
    if (stock[ATYRAU][TENGIZ] > atyrau_max) {
      sh[TENGIZ] = stock[ATYRAU][TENGIZ] - atyrau_max;
      stock[ATYRAU][TENGIZ] = atyrau_max;
      lim[TENGIZ] = 5;
    }
    // Tanker arrivals and ACG supply at Sangachal; BTC shared pro rata to stock held.
    for (size_t s = 0; s < NS; ++s) {
      dl[TANKER][s] = line[TANKER][s].front();
      line[TANKER][s].pop_front();
      line[TANKER][s].push_back(fl[TANKER][s]);
    }
    stock[SANGACHAL][KMG] += dl[TANKER][KMG];
    stock[SANGACHAL][ACG] += sup[ACG];
    const double avail = stock[SANGACHAL][KMG] + stock[SANGACHAL][ACG];
    const double take = std::min(avail, c[BTC]);
    for (int s : {KMG, ACG}) {
      fl[BTC][s] = avail > 0 ? take * stock[SANGACHAL][s] / avail : 0.0;
      stock[SANGACHAL][s] -= fl[BTC][s];
      if (avail > c[BTC]) lim[s] = 2;
    }
    const double over = stock[SANGACHAL][KMG] + stock[SANGACHAL][ACG] - sangachal_max;
    if (over > 0) {
      sh[ACG] = std::min(over, sup[ACG]);
      stock[SANGACHAL][ACG] -= sh[ACG];
      lim[ACG] = 4;
    }
    // Pipelines deliver into the sinks (Ceyhan, Novorossiysk).
    for (size_t l : {size_t(BTC), size_t(CPC)})
      for (size_t s = 0; s < NS; ++s) {
        dl[l][s] = line[l][s].front();
        line[l][s].pop_front();
        line[l][s].push_back(fl[l][s]);
        sk[s] += dl[l][s];
      }

    for (size_t s = 0; s < NS; ++s) {
      supply[I2(d, s, NS)] = s == KMG ? supply_kmg : sup[s];
      shut[I2(d, s, NS)] = sh[s];
      sink[I2(d, s, NS)] = sk[s];
      limit[I2(d, s, NS)] = lim[s];
    }
    for (size_t l = 0; l < NL; ++l) {
      double tot = 0;
      for (size_t s = 0; s < NS; ++s) {
        fbs[I3(d, l, s, NL, NS)] = fl[l][s];
        deliv[I3(d, l, s, NL, NS)] = dl[l][s];
        double content = 0;
        for (double x : line[l][s]) content += x;
        transit_t[I3(d, l, s, NL, NS)] = content;
        tot += fl[l][s];
      }
      flow[I2(d, l, NL)] = tot;
      cap[I2(d, l, NL)] = c[l];
      util[I2(d, l, NL)] = c[l] > 0 ? tot / c[l] : std::nan("");
    }
    for (size_t n = 0; n < NN; ++n) {
      double m3 = heel_m3[n];
      for (size_t s = 0; s < NS; ++s) {
        invs[I3(d, n, s, NN, NS)] = stock[n][s];
        m3 += stock[n][s] * 1000.0 / density[s];
      }
      inv[I2(d, n, NN)] = m3;
    }
  }

  // Years: Jan 1 of each simulated year, bounds [Jan 1, next Jan 1) clipped to the simulation.
  TimeAxis time{"time", "2025-01-01", {}, "time (start of the simulated day, UTC)", {}};
  for (int d = 0; d < nd; ++d) time.days.push_back(broken == "time" && d >= 400 ? d + 1 : d);
  TimeAxis year{"year", "2025-01-01", {}, "calendar year", {}};
  for (int y = 2025; y <= 2027; ++y) {
    const int a = days_from_civil(y, 1, 1) - start;
    const int b = std::min(days_from_civil(y + 1, 1, 1) - start, nd);
    year.days.push_back(a);
    year.bounds.push_back({std::max(a, 0), b});
  }
  const size_t NY = year.days.size();
  auto annual = [&](const std::vector<double>& daily, size_t width) {
    std::vector<double> outv(NY * width, 0.0);
    for (size_t y = 0; y < NY; ++y)
      for (int d = year.bounds[y][0]; d < year.bounds[y][1]; ++d)
        for (size_t k = 0; k < width; ++k) outv[y * width + k] += daily[static_cast<size_t>(d) * width + k];
    return outv;
  };

  std::vector<double> residual(NS);
  double tot_sup = 0, tot_bal = 0;
  for (size_t s = 0; s < NS; ++s) {
    double su = 0, si = 0, sh = 0, dst = 0, dtr = 0;
    for (size_t d = 0; d < ND; ++d) {
      su += supply[I2(d, s, NS)];
      si += sink[I2(d, s, NS)];
      sh += shut[I2(d, s, NS)];
    }
    for (size_t n = 0; n < NN; ++n) dst += invs[I3(ND - 1, n, s, NN, NS)] - init_stock[n * NS + s];
    for (size_t l = 0; l < NL; ++l) dtr += transit_t[I3(ND - 1, l, s, NL, NS)] - init_transit[l * NS + s];
    residual[s] = std::abs(su - si - sh - dst - dtr) / su;
    tot_sup += su;
    tot_bal += su - si - sh - dst - dtr;
  }

  char created[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  auto var = [](std::string name, std::vector<std::string> dims, std::vector<double> data, std::string units,
                std::string long_name) {
    return Variable{std::move(name), std::move(dims), std::move(data), {}, false,
                    {text("units", units), text("long_name", long_name)}};
  };
  auto ivar = [](std::string name, std::vector<std::string> dims, std::vector<int32_t> data, std::string long_name) {
    return Variable{std::move(name), std::move(dims), {}, std::move(data), true,
                    {text("units", "1"), text("long_name", long_name)}};
  };
  std::vector<int32_t> kazakh{1, 1, 0}, grade_of{0, 1, 2};
  // Topology (format 1.2): aktau -> sangachal by tanker, sangachal -> ceyhan (btc), atyrau -> novorossiysk (cpc).
  std::vector<int32_t> leg_from{0, 2, 1}, leg_to{2, 3, 4}, leg_kind{2, 3, 3}, node_kind{0, 0, 1, 3, 3};

  Dataset ds;
  ds.attrs = {text("title", "caspflow synthetic run (test data, not a model result)"),
              text("caspflow_version", caspflow::kVersion),
              text("git_commit", caspflow::kGitCommit),
              text("scenario_file", scenario_file),
              text("scenario_text", scenario_text),
              text("scenario_sha256", sha),
              text("created", created),
              text("source", "caspflow"),
              text("filetype", "caspflow run"),
              {"format_version", std::vector<int32_t>{1, 3}},
              {"conservation_residual_total", std::abs(tot_bal) / tot_sup},
              text("simulation_start", "2025-01-01"),
              text("simulation_end", "2027-03-31"),
              text("assumptions", "synthetic toy balance for tests\nFIFO transit delays\nfigures illustrative")};
  ds.time_axes = {time, year};
  ds.label_axes = {{"leg", legs, "transport leg"},
                   {"node", nodes, "node"},
                   {"shipper", shippers, "shipper"},
                   {"grade", grades, "crude grade"},
                   {"constraint", constraints, "binding constraint"}};
  ds.variables = {
      var("flow", {"time", "leg"}, flow, "t/d", "daily mean mass flow entering each leg"),
      var("flow_by_shipper", {"time", "leg", "shipper"}, fbs, "t/d", "daily mean mass flow entering each leg by shipper"),
      var("delivered", {"time", "leg", "shipper"}, deliv, "t/d", "daily mean mass flow leaving each leg by shipper"),
      var("capacity", {"time", "leg"}, cap, "t/d", "daily mean leg capacity"),
      var("utilisation", {"time", "leg"}, util, "1", "flow / capacity"),
      var("inventory", {"time", "node"}, inv, "m3", "total stock incl. heel at end of day"),
      var("inventory_by_shipper", {"time", "node", "shipper"}, invs, "t", "working stock by shipper at end of day"),
      var("in_transit", {"time", "leg", "shipper"}, transit_t, "t", "crude inside each leg at end of day"),
      var("supply", {"time", "shipper"}, supply, "t/d", "daily mean supply"),
      var("shut_in", {"time", "shipper"}, shut, "t/d", "daily mean shut-in"),
      var("sink_delivery", {"time", "shipper"}, sink, "t/d", "daily mean delivery into sink nodes"),
      ivar("limit", {"time", "shipper"}, limit, "index into constraint of what limited the shipper at mid-day"),
      var("initial_inventory_by_shipper", {"node", "shipper"}, init_stock, "t", "working stock at the start"),
      var("initial_in_transit", {"leg", "shipper"}, init_transit, "t", "crude inside each leg at the start"),
      ivar("kazakh", {"shipper"}, kazakh, "1 for Kazakh shippers"),
      ivar("grade_of_shipper", {"shipper"}, grade_of, "index into grade"),
      ivar("leg_from", {"leg"}, leg_from, "index into node of the leg's upstream node"),
      ivar("leg_to", {"leg"}, leg_to, "index into node of the leg's downstream node"),
      ivar("leg_kind", {"leg"}, leg_kind, "kind of the leg: 0 fixed, 1 port, 2 tanker, 3 pipeline"),
      ivar("node_kind", {"node"}, node_kind, "kind of the node: 0 origin, 1 storage, 2 junction, 3 sink"),
      var("annual_supply", {"year", "shipper"}, annual(supply, NS), "t", "supply per year"),
      var("annual_sink_delivery", {"year", "shipper"}, annual(sink, NS), "t", "delivery into sinks per year"),
      var("annual_shut_in", {"year", "shipper"}, annual(shut, NS), "t", "shut-in per year"),
      var("annual_flow", {"year", "leg", "shipper"}, annual(fbs, NL * NS), "t", "mass entering each leg per year"),
      var("annual_delivered", {"year", "leg", "shipper"}, annual(deliv, NL * NS), "t",
          "mass leaving each leg per year"),
      var("conservation_residual", {"shipper"}, residual, "1", "relative mass-balance residual over the run"),
  };
  // CF: annual totals are sums over each year's bounds (year_bnds), as in outputs/run_output.cpp.
  for (auto& v : ds.variables)
    if (v.name.rfind("annual_", 0) == 0) v.attrs.push_back(text("cell_methods", "year: sum"));
  try {
    write_dataset(ds, out);
  } catch (const caspflow::IoError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 4;
  }
  std::printf("wrote %s: %d days, residual total %.3g\n", out.c_str(), nd, std::abs(tot_bal) / tot_sup);
  return 0;
}
