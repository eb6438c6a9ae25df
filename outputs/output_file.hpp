#pragma once
// Output files that can never destroy an input or a device, and never appear half-written.
//
// * check_output_path(): an output path that exists and is not a regular file (a FIFO, a character device
//   such as /dev/null, a directory, ...) or that resolves -- after symlinks and hard links -- to a file the run
//   reads is refused with an InputError (exit code 2) naming both paths, before anything is computed.
// * write_file_atomically(): the bytes go to a new temporary file in the target's directory, created with
//   O_EXCL and an unpredictable name (mkostemp), named
//       .<target file name>.caspflow-tmp.XXXXXX        (XXXXXX: 6 random characters)
//   fsync'ed and renamed onto the target. The temporary is removed on every error path and when the process
//   gets SIGINT, SIGTERM or SIGHUP while it exists (a handler unlinks it with async-signal-safe calls only and
//   re-raises the signal). Only SIGKILL or a crash can leave one behind: it starts with a dot, never ends in
//   the target's extension, and can be deleted at any time when no caspflow is writing that target.
//   docs/output-format.md §How the file is written documents the pattern.
#include <cstddef>
#include <string>
#include <vector>

namespace caspflow::outputs {

/// The part of a temporary file's name between the target's name and the random suffix.
inline constexpr const char* kTempInfix = ".caspflow-tmp.";

/// Throws caspflow::InputError (key `option`, e.g. "-o") if `out` exists and is not a regular file, or if it
/// is the same file as any of `inputs` (compared after resolving symlinks: weakly_canonical, and by device and
/// inode: std::filesystem::equivalent). Paths that do not exist are fine.
void check_output_path(const std::string& out, const std::vector<std::string>& inputs, const std::string& option);

/// Creates the missing parent directories of `out` (nothing when it has no directory part); IoError on failure.
void create_parent_directory(const std::string& out);

/// Writes `size` bytes to `path` through a temporary file (see above) and renames it onto `path`. Throws
/// caspflow::IoError ("cannot write 'PATH': ...") on any failure, with the temporary removed; refuses (IoError)
/// to replace anything but a regular file.
void write_file_atomically(const std::string& path, const void* data, std::size_t size);

}  // namespace caspflow::outputs
