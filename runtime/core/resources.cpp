#include <runtime/core/resources.hpp>

#include <runtime/core/errors.hpp>

#include <fstream>
#include <string>
#include <sys/statvfs.h>

namespace norn {

namespace {
constexpr double gib = 1024.0 * 1024.0 * 1024.0;
}

std::uint64_t available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kb = 0;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kb * 1024;
  }
  return 0;
}

void require_memory(double bytes, std::string_view what) {
  const auto available = available_memory();
  if (available && bytes > double(available))
    fail("norn: {} needs {:.1f} GiB of memory, this machine has {:.1f} GiB available", what, bytes / gib,
         double(available) / gib);
}

void require_disk(double bytes, const std::filesystem::path& path, std::string_view what) {
  std::filesystem::path p = path.empty() ? std::filesystem::path(".") : path;
  std::error_code ec;
  while (!std::filesystem::exists(p, ec) && p.has_parent_path() && p != p.parent_path()) p = p.parent_path();
  struct statvfs s {};
  if (::statvfs(p.c_str(), &s) != 0) return;
  const double free = double(s.f_bavail) * double(s.f_frsize);
  if (bytes > free)
    fail("norn: {} needs {:.1f} GiB of disk in {}, {:.1f} GiB are free", what, bytes / gib, p.string(), free / gib);
}

}  // namespace norn
