#pragma once
// Error types shared by every layer. The CLI maps each to an exit code:
//   InputError -> 2 (bad input), SolverError -> 3 (solver failure), IoError -> 4 (I/O failure);
//   model::PreconditionError (a broken model precondition, i.e. a bug) -> "internal error", 1.
#include <stdexcept>
#include <string>
#include <vector>

namespace caspflow {

/// Where a value came from in a scenario (or .inp) file; line/column are 1-based, 0 = unknown.
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
  [[nodiscard]] std::string str() const {
    std::string s = file.empty() ? std::string("<input>") : file;
    if (line > 0) s.append(1, ':').append(std::to_string(line));
    if (column > 0) s.append(1, ':').append(std::to_string(column));
    return s;
  }
};

/// One problem in an input file: `file:line:col: key.path: message`, then (when the reader had the text) the
/// offending source line and a caret under the column, as Cantera's InputFileError shows them.
struct InputProblem {
  SourceLoc loc;
  std::string key;      ///< dotted key path, e.g. "legs.btc.capacity"
  std::string message;  ///< "found X, expected Y" style text
  std::string context;  ///< "    <source line>\n    <spaces>^" or empty (inputs/source_context.hpp)
  /// The first line only: `file:line:col: key.path: message`.
  [[nodiscard]] std::string headline() const {
    std::string s = loc.str();
    s.append(": ");
    if (!key.empty()) s.append(key).append(": ");
    s.append(message);
    return s;
  }
  /// The headline, and the source context on the lines below it when there is one.
  [[nodiscard]] std::string str() const { return context.empty() ? headline() : headline() + "\n" + context; }
};

/// Bad input: carries every problem found (validation collects them all before throwing).
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<InputProblem> problems)
      : std::runtime_error(join(problems)), problems_(std::move(problems)) {}
  InputError(SourceLoc loc, std::string key, std::string message)
      : InputError(std::vector<InputProblem>{{std::move(loc), std::move(key), std::move(message), {}}}) {}
  [[nodiscard]] const std::vector<InputProblem>& problems() const { return problems_; }

 private:
  static std::string join(const std::vector<InputProblem>& ps) {
    std::string s;
    for (const auto& p : ps) s.append(p.str()).append(1, '\n');
    if (!s.empty()) s.pop_back();
    return s;
  }
  std::vector<InputProblem> problems_;
};

/// A numerical method failed (did not converge, step size underflow...). The message says where and why.
class SolverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reading or writing a file failed.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace model {

/// A caller broke a documented precondition of a model function (a fluid with unusable viscosity points, a
/// drag reduction outside [0, 1), a pump curve whose heads rise, ...); the loaders prevent it for user input
/// (inputs/ checks every value a run or a command passes on), so reaching the user it is a bug, not bad input.
/// Derived from std::invalid_argument, which the model threw before: a catch of that still catches this.
class PreconditionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace model

}  // namespace caspflow
