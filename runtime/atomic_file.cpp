#include <runtime/atomic_file.hpp>

#include <runtime/errors.hpp>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace norn {

std::filesystem::path temporary_sibling(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  auto tmp = path;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), counter++);
  return tmp;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const auto tmp = temporary_sibling(path);
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) fail("norn: cannot write {}: {}", path.string(), std::strerror(errno));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() &&
                  std::fflush(f) == 0;
  const bool closed = std::fclose(f) == 0;
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
