#include <runtime/io/atomic_file.hpp>

#include <runtime/core/errors.hpp>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace norn {

std::filesystem::path temporary_sibling(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  auto tmp = path;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter++);
  return tmp;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  write_file_atomically(path, {content});
}

void write_file_atomically(const std::filesystem::path& path, std::initializer_list<std::string_view> parts) {
  const auto tmp = temporary_sibling(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail("norn: cannot write {}: {}", path.string(), std::strerror(errno));
  bool ok = true;
  for (auto part : parts)
    while (ok && !part.empty()) {
      const ssize_t n = ::write(fd, part.data(), part.size());
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) part.remove_prefix(std::size_t(n));
    }
  const bool closed = ::close(fd) == 0;
  if (!ok || !closed) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(fmt::format("norn: writing {} failed", path.string()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(fmt::format("norn: cannot rename into {}: {}", path.string(), ec.message()));
  }
}

}  // namespace norn
