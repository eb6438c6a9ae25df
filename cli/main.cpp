// caspflow command line: a thin shell over the library. All logic lives in the library so tests
// can call it; this file only parses arguments and maps failures to exit codes.
#include <cstdio>
#include <exception>
#include <iostream>

#include "caspflow/version.hpp"
#include "commands.hpp"
#include "caspflow/model/errors.hpp"

namespace caspflow::cli {
namespace {
std::string g_command_line;
}
const std::string& command_line() { return g_command_line; }
void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    const bool plain = !a.empty() && a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+%@") == std::string::npos;
    if (!plain) {  // single-quote it as a POSIX shell would read it back
      std::string q = "'";
      for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      a = q + "'";
    }
    g_command_line += (i ? " " : "") + a;
  }
}
}  // namespace caspflow::cli

int main(int argc, char** argv) {
  caspflow::cli::set_command_line(argc, argv);
  CLI::App app{
      "caspflow: how much Kazakh crude can move west over the Trans-Caspian route (Aktau -> Caspian\n"
      "tankers -> Sangachal -> BTC -> Ceyhan), and what limits it. Solves pipeline hydraulics and the\n"
      "allocation of capacity between shippers through time, and writes daily time series to HDF5\n"
      "(open with xarray.open_dataset).\n\n"
      "Exit codes: 0 ok, 2 bad input, 3 solver failure, 4 I/O failure."};
  app.name("caspflow");  // `Usage: caspflow ...` whatever the path it was started by
  app.set_version_flag("--version", std::string("caspflow ") + caspflow::kVersion + " (" + caspflow::kGitCommit + ")");
  app.require_subcommand(1);
  caspflow::cli::Action action;
  caspflow::cli::add_run_commands(app, action);
  caspflow::cli::add_hydraulics_command(app, action);
  caspflow::cli::add_capacity_commands(app, action);
  caspflow::cli::add_summary_commands(app, action);
  caspflow::cli::add_ensemble_command(app, action);
  auto find_sub = [&app](const std::string& name) -> CLI::App* {
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
      if (sub->get_name() == name) return sub;
    return nullptr;
  };
  // Examples at the end of each command's --help (the shipped scenarios).
  const std::pair<const char*, const char*> examples[] = {
      {"run", "caspflow run inputs/scenarios/base.toml -o outputs/base.h5\n  caspflow run inputs/scenarios/base.toml --set legs.caspian_tankers.fleet=7 --end 2030-12-31 -o outputs/fleet7.h5"},
      {"check", "caspflow check inputs/scenarios/cpc-outage-2025.toml"},
      {"capacity", "caspflow capacity inputs/scenarios/base.toml --blend azeri_btc=0.7,kz_tengiz=0.3 --json"},
      {"calibrate", "caspflow calibrate inputs/scenarios/btc-hydraulics.toml --parameter maop --target \"1.0 Mb/d\" --dra 0"},
      {"hydraulics", "caspflow hydraulics NET.inp --json"},
      {"summary", "caspflow summary outputs/base.h5 --csv > base-summary.csv"},
      {"compare", "caspflow compare outputs/base.h5 outputs/fleet7.h5 --csv fleet7-minus-base.csv"},
  };
  for (const auto& [name, ex] : examples)
    if (auto* sub = find_sub(name)) sub->footer(std::string("\nExample:\n  ") + ex);
  app.footer("\nRun `caspflow help COMMAND` (or `caspflow COMMAND --help`) for one command.\n"
             "Example: caspflow run inputs/scenarios/base.toml -o outputs/base.h5");
  // `caspflow help [COMMAND]`: the same text as --help.
  auto help_cmd = std::make_shared<std::string>();
  auto* help = app.add_subcommand("help", "Show the command list, or one command's options: caspflow help run");
  help->add_option("COMMAND", *help_cmd, "a command name");
  help->callback([&app, help_cmd, find_sub, &action]() {
    action = [&app, help_cmd, find_sub]() {
      if (help_cmd->empty()) {  // the formatter directly: app.help() would show the selected `help` command's
        std::cout << app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
        return 0;
      }
      auto* sub = find_sub(*help_cmd);
      if (!sub || *help_cmd == "help") {
        std::cerr << "caspflow: no command '" << *help_cmd << "'; the commands are run, check, capacity, calibrate, hydraulics, summary, compare, help\n";
        return 2;
      }
      std::cout << sub->help("caspflow");
      return 0;
    };
  });
  if (argc == 1) {  // no arguments: the command list, not an error
    std::cout << app.help();
    return 0;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!action) return 0;
  try {
    return action();
  } catch (const caspflow::InputError& e) {
    std::cerr << "caspflow: input error\n" << e.what() << "\n";
    return 2;
  } catch (const caspflow::SolverError& e) {
    std::cerr << "caspflow: solver failure: " << e.what() << "\n";
    return 3;
  } catch (const caspflow::IoError& e) {
    std::cerr << "caspflow: I/O failure: " << e.what() << "\n";
    return 4;
  } catch (const caspflow::model::PreconditionError& e) {
    // The inputs/ checks should have refused whatever led here: a bug to report, not the user's input to fix.
    std::cerr << "caspflow: internal error: a model precondition was broken (a check of the inputs is missing; "
                 "please report it with the input): "
              << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "caspflow: internal error: " << e.what() << "\n";
    return 1;
  }
}
