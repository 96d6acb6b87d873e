#include <runtime/io/output_set.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/io/atomic_file.hpp>
#include <runtime/io/npy.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace norn {

namespace fs = std::filesystem;

namespace {

constexpr const char* marker = ".norn-outputs";

/// Whether `dir` may be replaced: empty, or every entry listed in its marker.
bool replaceable(const fs::path& dir) {
  std::error_code ec;
  std::set<std::string> listed;
  std::ifstream in(dir / marker);
  for (std::string line; std::getline(in, line);) listed.insert(line);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name == marker) continue;
    if (!listed.count(name) || entry.symlink_status().type() != fs::file_type::regular) return false;
  }
  return !ec;
}

fs::path parent_of(const fs::path& dir) { return dir.parent_path().empty() ? fs::path(".") : dir.parent_path(); }

}  // namespace

output_set::output_set(fs::path directory) : dir_(std::move(directory)) {
  staging_ = parent_of(dir_) / fmt::format(".{}.staging.{}", dir_.filename().string(), ::getpid());
}

output_set::~output_set() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void output_set::check(const fs::path& dir, std::string_view option) {
  const auto name = dir.filename();
  if (name.empty() || name == "." || name == "..")
    fail("norn: {} {}: name a directory of its own (its whole content is replaced)", option, dir.string());
  std::error_code ec;
  const auto status = fs::symlink_status(dir, ec);
  if (status.type() != fs::file_type::not_found) {
    if (status.type() != fs::file_type::directory)
      fail("norn: {} {} exists and is not a directory", option, dir.string());
    if (!replaceable(dir))
      fail("norn: {} {} holds files Norn did not write there; give a new or empty directory", option, dir.string());
  }
  // staging directories of runs that were killed (their process is gone) are removed
  const std::string staging_prefix = "." + dir.filename().string() + ".staging.";
  for (const auto& entry : fs::directory_iterator(parent_of(dir), ec)) {
    const std::string entry_name = entry.path().filename().string();
    if (entry_name.rfind(staging_prefix, 0) != 0) continue;
    const std::string pid = entry_name.substr(staging_prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 9) continue;
    if (::kill(::pid_t(std::stol(pid)), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
  // the nearest existing ancestor must take new entries
  fs::path p = parent_of(dir);
  while (!fs::exists(p, ec) && p.has_parent_path() && p != p.parent_path()) p = p.parent_path();
  if (!fs::is_directory(p, ec)) fail("norn: {} {}: {} is not a directory", option, dir.string(), p.string());
  // writable? (a probe: permission bits do not tell for root, read-only mounts or /proc)
  const auto probe = p / fmt::format(".norn-probe.{}", ::getpid());
  if (::mkdir(probe.c_str(), 0700) != 0)
    fail("norn: {} {}: cannot write in {}: {}", option, dir.string(), p.string(), std::strerror(errno));
  ::rmdir(probe.c_str());
}

fs::path output_set::stage(std::string_view name) {
  std::error_code ec;
  fs::create_directories(staging_, ec);
  if (ec) fail("norn: cannot create output directory {}: {}", dir_.string(), ec.message());
  names_.emplace_back(name);
  return staging_ / std::string(name);
}

void output_set::npy(std::string_view name, std::span<const float> data, std::span<const std::size_t> shape) {
  npy::write(stage(name), data, shape);
}

void output_set::npy(std::string_view name, std::span<const double> data, std::span<const std::size_t> shape) {
  npy::write(stage(name), data, shape);
}

void output_set::commit() {
  check(dir_, "output directory");
  std::error_code ec;
  fs::create_directories(staging_, ec);
  std::string list;
  for (const auto& n : names_) list += n + "\n";
  write_file_atomically(staging_ / marker, list);
  fs::create_directories(parent_of(dir_), ec);
  if (!fs::exists(dir_)) {
    fs::rename(staging_, dir_, ec);
    if (ec) fail("norn: cannot create {}: {}", dir_.string(), ec.message());
  } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, dir_.c_str(), RENAME_EXCHANGE) != 0) {
    // no atomic exchange on this file system: two renames, the old outputs kept until the
    // new ones are in place
    auto old = staging_;
    old += ".old";
    fs::rename(dir_, old, ec);
    if (ec) fail("norn: cannot replace {}: {}", dir_.string(), ec.message());
    fs::rename(staging_, dir_, ec);
    if (ec) {
      fs::rename(old, dir_);
      fail("norn: cannot replace {}: {}", dir_.string(), ec.message());
    }
    fs::remove_all(old, ec);
  }
  fs::remove_all(staging_, ec);  // after an exchange: the previous outputs
  committed_ = true;
}

}  // namespace norn
