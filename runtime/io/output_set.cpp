#include <runtime/io/output_set.hpp>

#include <runtime/io/atomic_file.hpp>
#include <runtime/core/errors.hpp>
#include <runtime/io/npy.hpp>

#include <unistd.h>

namespace norn {

output_set::output_set(std::filesystem::path directory) : dir_(std::move(directory)) {
  // Staging happens next to the directory, so nothing appears inside it before commit().
  auto parent = dir_.parent_path();
  if (parent.empty()) parent = ".";
  staging_ = parent / fmt::format(".{}.staging.{}", dir_.filename().string(), ::getpid());
}

output_set::~output_set() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove_all(staging_, ec);
  }
}

std::filesystem::path output_set::stage(std::string_view name) {
  std::error_code ec;
  std::filesystem::create_directories(staging_, ec);
  if (ec) fail("norn: cannot create output directory {}: {}", dir_.string(), ec.message());
  auto tmp = staging_ / std::string(name);
  files_.emplace_back(tmp, dir_ / std::string(name));
  return tmp;
}

void output_set::npy(std::string_view name, std::span<const float> data, std::span<const std::size_t> shape) {
  npy::write(stage(name), data, shape);
}

void output_set::commit() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) fail("norn: cannot create output directory {}: {}", dir_.string(), ec.message());
  for (const auto& [tmp, final] : files_) {
    std::filesystem::rename(tmp, final, ec);
    if (ec) fail("norn: cannot write {}: {}", final.string(), ec.message());
  }
  std::filesystem::remove_all(staging_, ec);
  committed_ = true;
}

}  // namespace norn
