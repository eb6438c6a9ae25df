#include "caspflow/inputs/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "caspflow/model/errors.hpp"

namespace caspflow::inputs {

std::string file_type_name(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFIFO: return "a FIFO (named pipe)";
    case S_IFSOCK: return "a socket";
    case S_IFLNK: return "a symbolic link";
    default: return "not a regular file";
  }
}

namespace {
std::string limit_text() { return std::to_string(kMaxInputFileBytes >> 20) + " MiB"; }
std::string size_text(std::uintmax_t bytes) {
  if (bytes >= (std::uintmax_t{1} << 20)) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}
InputFile fail(InputFile::Status s, std::string why, int err = 0) {
  InputFile f;
  f.status = s;
  f.error = std::move(why);
  if (err != 0) f.sys_error = std::strerror(err);
  return f;
}
}  // namespace

InputFile read_input_file(const std::string& path) {
  using S = InputFile::Status;
  // 1. stat() first: a FIFO or device is refused without opening it (opening can block or have effects).
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    return fail(S::CannotOpen, std::string("cannot be opened: ") + std::strerror(err), err);
  }
  if (!S_ISREG(st.st_mode))
    return fail(S::NotRegular, "is " + file_type_name(st.st_mode) + ", expected a regular file");
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxInputFileBytes)
    return fail(S::TooLarge, "is " + size_text(static_cast<std::uintmax_t>(st.st_size)) +
                                 ", expected an input file of at most " + limit_text());
  // 2. Open without blocking and check that it is still the same regular file (it may have been swapped).
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return fail(S::CannotOpen, std::string("cannot be opened: ") + std::strerror(err), err);
  }
  struct stat fst {};
  if (::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino) {
    ::close(fd);
    return fail(S::NotRegular, "is " + file_type_name(fst.st_mode) + ", expected a regular file (it changed while opening)");
  }
  // 3. Read at most limit + 1 bytes (a file can grow after fstat; /proc files report size 0).
  InputFile f;
  std::string& text = f.text;
  text.reserve(static_cast<std::size_t>(fst.st_size));
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return fail(S::ReadFailed, std::string("cannot be read: ") + std::strerror(err), err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxInputFileBytes) {
      ::close(fd);
      return fail(S::TooLarge, "is larger than " + limit_text() + ", expected an input file of at most " + limit_text());
    }
  }
  ::close(fd);
  return f;
}

std::string read_input_file_or_throw(const std::string& path, const std::string& what) {
  InputFile f = read_input_file(path);
  switch (f.status) {
    case InputFile::Status::Ok: return std::move(f.text);
    case InputFile::Status::NotRegular:
    case InputFile::Status::TooLarge: throw InputError(SourceLoc{path, 0, 0}, "", what + " " + f.error);
    case InputFile::Status::CannotOpen: throw IoError("cannot open " + what + " '" + path + "': " + f.sys_error);
    case InputFile::Status::ReadFailed: break;
  }
  throw IoError("cannot read " + what + " '" + path + "': " + f.sys_error);
}

}  // namespace caspflow::inputs
