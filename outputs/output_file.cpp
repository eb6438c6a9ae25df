#include "caspflow/outputs/output_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "caspflow/model/errors.hpp"

namespace caspflow::outputs {
namespace fs = std::filesystem;

namespace {

std::string type_name(mode_t m) {
  switch (m & S_IFMT) {
    case S_IFDIR: return "a directory";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFIFO: return "a FIFO (named pipe)";
    case S_IFSOCK: return "a socket";
    default: return "not a regular file";
  }
}

// ---- temporary file registry for the signal handler (only async-signal-safe state) ----------------------------
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kNumSignals = sizeof kSignals / sizeof kSignals[0];
char g_tmp_path[8192];
volatile std::sig_atomic_t g_tmp_armed = 0;

extern "C" void remove_temp_and_reraise(int sig) {
  // Only async-signal-safe calls: unlink, sigaction, raise.
  if (g_tmp_armed) ::unlink(g_tmp_path);
  g_tmp_armed = 0;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);  // delivered (default action: terminate) as soon as this handler returns
}

/// Blocks SIGINT/SIGTERM/SIGHUP for its lifetime, so that creating + registering (or renaming + unregistering)
/// the temporary is atomic with respect to the handler.
class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t s;
    sigemptyset(&s);
    for (int sig : kSignals) sigaddset(&s, sig);
    pthread_sigmask(SIG_BLOCK, &s, &old_);
  }
  ~SignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalsBlocked(const SignalsBlocked&) = delete;
  SignalsBlocked& operator=(const SignalsBlocked&) = delete;

 private:
  sigset_t old_{};
};

/// A temporary file beside the target, removed by the destructor unless committed (renamed onto the target),
/// and by the signal handler if the process is interrupted meanwhile.
class TempFile {
 public:
  explicit TempFile(const std::string& target) : target_(target) {
    const fs::path t(target);
    std::string name = t.filename().string();
    if (name.size() > 200) name.resize(200);  // keep the temporary's name below NAME_MAX (255)
    const fs::path dir = t.parent_path();
    std::string tmpl = (dir.empty() ? fs::path("." + name + kTempInfix + "XXXXXX")
                                    : dir / ("." + name + kTempInfix + "XXXXXX")).string();
    if (tmpl.size() + 1 > sizeof g_tmp_path) throw IoError("cannot write '" + target + "': path too long");
    SignalsBlocked blocked;
    install_handlers();
    fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);  // O_CREAT | O_EXCL, mode 0600, random suffix
    if (fd_ < 0) {
      const int err = errno;
      restore_handlers();
      throw IoError("cannot write '" + target + "': cannot create a temporary file '" + tmpl + "': " + std::strerror(err));
    }
    path_ = tmpl;
    std::memcpy(g_tmp_path, path_.c_str(), path_.size() + 1);
    g_tmp_armed = 1;
  }
  ~TempFile() {
    SignalsBlocked blocked;
    if (fd_ >= 0) ::close(fd_);
    if (g_tmp_armed) ::unlink(path_.c_str());
    g_tmp_armed = 0;
    restore_handlers();
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& what, int err) const {
    throw IoError("cannot write '" + target_ + "': " + what + " '" + path_ + "' failed: " + std::strerror(err));
  }
  void close() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close of", errno);
  }
  /// Renames the temporary onto the target; from then on it is the output and is no longer removed.
  void commit() {
    SignalsBlocked blocked;
    if (::rename(path_.c_str(), target_.c_str()) != 0) {
      const int err = errno;
      throw IoError("cannot write '" + target_ + "': rename from '" + path_ + "' failed: " + std::strerror(err));
    }
    g_tmp_armed = 0;
  }

 private:
  void install_handlers() {
    for (int i = 0; i < kNumSignals; ++i) {
      installed_[i] = false;
      if (::sigaction(kSignals[i], nullptr, &old_[i]) != 0) continue;
      if (old_[i].sa_handler == SIG_IGN) continue;  // e.g. under nohup: keep ignoring it
      struct sigaction sa {};
      sa.sa_handler = remove_temp_and_reraise;
      sigemptyset(&sa.sa_mask);
      for (int sig : kSignals) sigaddset(&sa.sa_mask, sig);
      installed_[i] = ::sigaction(kSignals[i], &sa, nullptr) == 0;
    }
  }
  void restore_handlers() {
    for (int i = 0; i < kNumSignals; ++i)
      if (installed_[i]) ::sigaction(kSignals[i], &old_[i], nullptr);
  }

  std::string target_;
  std::string path_;
  int fd_ = -1;
  struct sigaction old_[kNumSignals] {};
  bool installed_[kNumSignals] = {};
};

/// IoError unless `path` is absent or a regular file (a symlink counts as its target).
void refuse_non_regular(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw IoError("cannot write '" + path + "': it is " + type_name(st.st_mode) +
                  ", not a regular file; refusing to replace it");
}

mode_t file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0644 & ~mask;
}

}  // namespace

void check_output_path(const std::string& out, const std::vector<std::string>& inputs, const std::string& option) {
  struct stat st {};
  struct stat lst {};
  std::error_code ec;
  const fs::path out_canon = fs::weakly_canonical(out, ec);
  // "found a FIFO" / "found a symbolic link to '/dev/null', a character device"
  const bool is_link = ::lstat(out.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
  const std::string link_text = is_link && !ec ? "a symbolic link to '" + out_canon.string() + "', " : "";
  if (::stat(out.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw InputError(SourceLoc{out, 0, 0}, option,
                     "found " + link_text + type_name(st.st_mode) +
                         ", expected a regular file or a new file name (an output never replaces a device, a FIFO or a "
                         "directory)");
  for (const auto& in : inputs) {
    bool same = false;
    std::error_code e1, e2;
    const fs::path in_canon = fs::weakly_canonical(in, e1);
    if (!ec && !e1 && out_canon == in_canon) same = true;
    if (!same && fs::exists(out, e2) && fs::exists(in, e2)) same = fs::equivalent(out, in, e2) && !e2;
    if (same)
      throw InputError(SourceLoc{out, 0, 0}, option,
                       "found " + (is_link ? std::string("a symbolic link to ") : std::string("the same file as ")) +
                           "'" + in + "', a file this run reads, expected an output path that is not one of the run's inputs "
                           "(writing would replace '" + in + "')");
  }
}

void create_parent_directory(const std::string& out) {
  const fs::path parent = fs::path(out).parent_path();
  std::error_code ec;
  if (parent.empty() || fs::exists(parent, ec)) return;
  fs::create_directories(parent, ec);
  if (ec) throw IoError("cannot create directory '" + parent.string() + "': " + ec.message());
}

void write_file_atomically(const std::string& path, const void* data, std::size_t size) {
  refuse_non_regular(path);
  TempFile tmp(path);
  if (::fchmod(tmp.fd(), file_mode()) != 0) tmp.fail("chmod of", errno);
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(tmp.fd(), p + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      tmp.fail("write to", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(tmp.fd()) != 0) tmp.fail("fsync of", errno);
  tmp.close();
  // Test hook (tests/hostile): hold the finished temporary this many ms so a signal can be sent meanwhile.
  if (const char* hold = std::getenv("CASPFLOW_TEST_HOLD_TEMP_MS"))
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atol(hold)));
  refuse_non_regular(path);  // once more: the target may have been replaced meanwhile
  tmp.commit();
  // Make the rename durable (best effort: some file systems refuse fsync on a directory).
  const fs::path dir = fs::path(path).parent_path();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace caspflow::outputs
