// caspflow command line: a thin shell over the library. All logic lives in the library so tests
// can call it; this file only parses arguments and maps failures to exit codes.
#include <cstdio>
#include <exception>
#include <iostream>

#include "caspflow/version.hpp"
#include "cli/commands.hpp"
#include "model/errors.hpp"

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
  app.set_version_flag("--version", std::string("caspflow ") + caspflow::kVersion + " (" + caspflow::kGitCommit + ")");
  app.require_subcommand(1);
  caspflow::cli::Action action;
  caspflow::cli::add_run_commands(app, action);
  caspflow::cli::add_hydraulics_command(app, action);
  caspflow::cli::add_capacity_commands(app, action);

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
  } catch (const std::exception& e) {
    std::cerr << "caspflow: internal error: " << e.what() << "\n";
    return 1;
  }
}
