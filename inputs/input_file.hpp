#pragma once
// Reading input files safely: every file caspflow reads (scenario, `extends` parents, CSV series,
// pipeline hydraulics files, EPANET .inp) goes through read_input_file(), which accepts only a
// regular file of at most kMaxInputFileBytes. The file's type is checked with stat() before it is
// opened, and it is opened with O_NONBLOCK and checked again with fstat(), so a FIFO, a character
// device (/dev/zero, /dev/tty) or a directory is refused without ever blocking or reading from it.
// docs/scenario-format.md §Files states the limits.
#include <cstdint>
#include <string>

namespace caspflow::inputs {

/// Largest input file read (64 MiB): far above any real scenario, CSV series or network.
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{64} << 20;

/// Most levels of `extends` below the file named on the command line.
inline constexpr int kMaxExtendsDepth = 64;

struct InputFile {
  enum class Status { Ok, CannotOpen, NotRegular, TooLarge, ReadFailed };
  Status status = Status::Ok;
  std::string text;   ///< the whole file when status == Ok
  std::string error;  ///< otherwise why, e.g. "is a FIFO (named pipe), expected a regular file" (without the path)
  std::string sys_error;  ///< strerror() text when CannotOpen/ReadFailed
  [[nodiscard]] bool ok() const { return status == Status::Ok; }
};

/// Reads `path` completely if it is a regular file of at most kMaxInputFileBytes; never blocks on
/// a FIFO or device and never reads more than the limit (+1 byte).
InputFile read_input_file(const std::string& path);

/// "a FIFO", "a character device", "a directory", ... for the file type bits of st_mode.
std::string file_type_name(unsigned mode);

/// read_input_file() that throws: InputError(SourceLoc{path}, "", "<error>") for a file that is not a
/// regular file or is too large (exit code 2), IoError("cannot open/read <what> '<path>': ...") when it
/// cannot be opened or read (exit code 4, as before). `what` is e.g. "EPANET input file".
std::string read_input_file_or_throw(const std::string& path, const std::string& what);

}  // namespace caspflow::inputs
