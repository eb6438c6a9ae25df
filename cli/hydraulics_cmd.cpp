// `caspflow hydraulics NET.inp`: solve an EPANET network (snapshot, or extended period when its
// duration > 0) with caspflow's network solver; print a summary, JSON (SI) or write HDF5.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "caspflow/version.hpp"
#include "commands.hpp"
#include "caspflow/inputs/epanet/inp_reader.hpp"
#include "caspflow/model/errors.hpp"
#include "caspflow/inputs/input_file.hpp"
#include "caspflow/outputs/hdf5_writer.hpp"
#include "caspflow/outputs/json.hpp"
#include "caspflow/outputs/output_file.hpp"
#include "caspflow/solvers/hydraulics/simulation.hpp"

namespace caspflow::cli {

namespace {

struct HydOptions {
  std::string input;
  std::string friction = "epanet";
  std::string output;
  bool json = false;
};

using outputs::json_number;
using outputs::json_string;

void print_json(const model::hydraulics::Network& net, const solvers::hydraulics::SimulationResult& r) {
  std::string o;
  o.reserve(64 * (net.nodes.size() + net.links.size()) * (r.times.size() + 1));
  o += "{\"units\": {\"head\": \"m\", \"flow\": \"m3/s\", \"time\": \"s\"}, \"times\": [";
  for (std::size_t t = 0; t < r.times.size(); ++t) o += (t ? ", " : "") + json_number(r.times[t]);
  o += "], \"nodes\": {";
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    o += (i ? ", " : "") + json_string(net.nodes[i].id) + ": [";
    for (std::size_t t = 0; t < r.times.size(); ++t) o += (t ? ", " : "") + json_number(r.heads[t][i]);
    o += "]";
  }
  o += "}, \"links\": {";
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    o += (k ? ", " : "") + json_string(net.links[k].id) + ": [";
    for (std::size_t t = 0; t < r.times.size(); ++t) o += (t ? ", " : "") + json_number(r.flows[t][k]);
    o += "]";
  }
  o += "}}\n";
  std::fwrite(o.data(), 1, o.size(), stdout);
}

void write_h5(const model::hydraulics::Network& net, const solvers::hydraulics::SimulationResult& r, const HydOptions& opt) {
  outputs::Dataset ds;
  ds.attrs = {{"title", "caspflow network hydraulics of " + std::filesystem::path(opt.input).filename().string()},
              {"source", std::string("caspflow ") + kVersion + " (" + kGitCommit + ")"},
              {"filetype", std::string("caspflow hydraulics")},
              {"format_version", std::vector<int32_t>{1, 0}},  // [major, minor], docs/hydraulics-network.md
              {"input_file", opt.input},
              {"friction_mode", opt.friction},
              {"history", "caspflow hydraulics " + opt.input + " --friction " + opt.friction + " -o " + opt.output}};
  // CF (issue 8 item 5): text attributes are NC_CHAR and every units string is UDUNITS-valid (s, m, m3 s-1);
  // the writer adds Conventions = "CF-1.8". Checked by tests/outputs/check_cf.py (CTest outputs.cf_hydraulics).
  outputs::LabelAxis step{"step", {}, "report step"};
  for (double t : r.times) step.labels.push_back("t+" + std::to_string(static_cast<long long>(t)) + "s");
  outputs::LabelAxis node{"node", {}, "node ID in the .inp file"};
  for (const auto& n : net.nodes) node.labels.push_back(n.id);
  outputs::LabelAxis link{"link", {}, "link ID in the .inp file"};
  for (const auto& l : net.links) link.labels.push_back(l.id);
  ds.label_axes = {step, node, link};
  outputs::Variable time{"time", {"step"}, r.times, {}, false, {{"units", "s"}, {"long_name", "time since the start of the simulation"}}};
  // `time` is a CF auxiliary coordinate of the `step` axis (coordinates = "time"): xarray attaches it to head/flow.
  outputs::Variable head{"head", {"step", "node"}, {}, {}, false,
                         {{"units", "m"}, {"long_name", "hydraulic head"}, {"coordinates", "time"}}};
  outputs::Variable flow{"flow", {"step", "link"}, {}, {}, false,
                         {{"units", "m3 s-1"}, {"long_name", "volume flow from node 1 to node 2 (0 when closed)"},
                          {"coordinates", "time"}}};
  for (std::size_t t = 0; t < r.times.size(); ++t) {
    head.data.insert(head.data.end(), r.heads[t].begin(), r.heads[t].end());
    flow.data.insert(flow.data.end(), r.flows[t].begin(), r.flows[t].end());
  }
  ds.variables = {time, head, flow};
  outputs::check_output_path(opt.output, {opt.input}, "-o");
  outputs::create_parent_directory(opt.output);  // as `caspflow run` does
  outputs::write_dataset(ds, opt.output);
}

}  // namespace

void add_hydraulics_command(CLI::App& app, Action& action) {
  auto opt = std::make_shared<HydOptions>();
  auto* cmd = app.add_subcommand(
      "hydraulics",
      "Solve an EPANET network (.inp): a steady-state snapshot, or an extended-period simulation when its\n"
      "duration > 0 (tanks, demand patterns, simple controls, stepping as EPANET). Newton's method on\n"
      "heads and flows (KINSOL + KLU). Prints a summary; --json prints heads and flows in SI.");
  cmd->add_option("NET", opt->input, "EPANET input file (.inp)")->required();
  cmd->add_option("--friction", opt->friction,
                  "Darcy-Weisbach friction: 'epanet' (EPANET's Swamee-Jain + Dunlop cubic and g = 32.2 ft/s2, the "
                  "default for .inp files) or 'colebrook' (Colebrook-White solved exactly, g = 9.80665 m/s2)")
      ->check(CLI::IsMember({"epanet", "colebrook"}));
  cmd->add_option("-o,--output", opt->output,
                  "write heads and flows to this HDF5 file (netCDF-4 readable); missing directories are created; "
                  "written under a temporary name and renamed when complete");
  cmd->add_flag("--json", opt->json,
                "print one JSON object on stdout, always SI: {\"units\": {...}, \"times\": [s], \"nodes\": {ID: [head "
                "m]}, \"links\": {ID: [flow m3/s]}}");
  cmd->callback([opt, &action]() {
    action = [opt]() {
      const auto t0 = std::chrono::steady_clock::now();
      // The .inp must be a regular file below the input size limit (a FIFO or /dev/zero is refused, exit 2);
      // the output must not be the .inp itself, a device, a FIFO or a directory.
      const std::string text = inputs::read_input_file_or_throw(opt->input, "EPANET input file");
      if (!opt->output.empty()) outputs::check_output_path(opt->output, {opt->input}, "-o");
      auto in = inputs::epanet::parse_inp(text, opt->input);
      for (const auto& w : in.warnings) std::cerr << "caspflow: warning: " << w << "\n";
      const auto& net = in.network;
      solvers::hydraulics::SolverOptions so;
      so.friction = opt->friction == "colebrook" ? model::hydraulics::FrictionMode::Colebrook : model::hydraulics::FrictionMode::Epanet;
      solvers::hydraulics::Simulation sim(net, so);
      const auto r = sim.run();
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!opt->output.empty()) write_h5(net, r, *opt);
      if (opt->json) {
        print_json(net, r);
        return 0;
      }
      std::printf("%s: %zu nodes, %zu links, %s head loss, flow units %s\n", opt->input.c_str(), net.nodes.size(),
                  net.links.size(), net.headloss == model::hydraulics::HeadLossFormula::DarcyWeisbach ? "D-W" : "H-W",
                  net.units.flow.c_str());
      std::printf("%s: %zu report times over %.6g h, %ld hydraulic solves, %ld Newton iterations, %.3f s (friction: %s)\n",
                  net.duration > 0 ? "extended period" : "snapshot", r.times.size(), net.duration / 3600.0,
                  r.hydraulic_steps, r.newton_iterations, secs, opt->friction.c_str());
      if (!r.times.empty()) {
        const auto& H = r.heads.back();
        const auto& Q = r.flows.back();
        std::printf("at t = %.0f s (SI):\n", r.times.back());
        const std::size_t shown = 12;
        for (std::size_t i = 0; i < net.nodes.size() && i < shown; ++i)
          std::printf("  node %-16s head %12.4f m\n", net.nodes[i].id.c_str(), H[i]);
        if (net.nodes.size() > shown) std::printf("  ... %zu more nodes\n", net.nodes.size() - shown);
        for (std::size_t k = 0; k < net.links.size() && k < shown; ++k)
          std::printf("  link %-16s flow %14.6g m3/s\n", net.links[k].id.c_str(), Q[k]);
        if (net.links.size() > shown) std::printf("  ... %zu more links (use --json or -o)\n", net.links.size() - shown);
      }
      if (!opt->output.empty()) std::printf("wrote %s\n", opt->output.c_str());
      return 0;
    };
  });
}

}  // namespace caspflow::cli
