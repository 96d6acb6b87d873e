#include <runtime/train/checkpoint.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/io/atomic_file.hpp>
#include <runtime/io/checksum.hpp>

#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <cstdlib>
#include <cstring>
#include <string>

namespace norn {

namespace fs = std::filesystem;

namespace {

constexpr const char* marker = "NORN_CHECKPOINT";
constexpr const char* manifest = "manifest.json";

/// Writes the manifest of `dir`: every file but the marker and the manifest, with its size
/// and CRC-32. Written last: a checkpoint with a manifest is complete.
void seal(const fs::path& dir) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const auto rel = entry.path().lexically_relative(dir).generic_string();
    if (rel == marker || rel == manifest) continue;
    std::uint64_t size = 0;
    const auto crc = file_crc32(entry.path(), size);
    files.push_back({{"path", rel}, {"size", size}, {"crc32", crc}});
  }
  write_file_atomically(dir / manifest, nlohmann::json{{"files", files}}.dump(1) + "\n");
}

bool is_complete(const fs::path& dir) {
  std::error_code ec;
  return is_checkpoint(dir) && fs::is_regular_file(dir / manifest, ec);
}

/// Every file of the manifest is there with its size and CRC-32; bad_input naming the
/// first that is not.
void verify(const fs::path& dir) {
  std::ifstream in(dir / manifest);
  nlohmann::json m;
  try {
    in >> m;
    for (const auto& f : m.at("files")) {
      const fs::path rel = f.at("path").get<std::string>();
      if (rel.is_absolute() || rel.empty() || *rel.begin() == "..")
        fail("norn: checkpoint {}: its manifest names '{}', outside the checkpoint", dir.string(), rel.string());
      const auto file = dir / rel;
      std::error_code ec;
      if (!fs::is_regular_file(file, ec)) fail("norn: checkpoint {}: {} is missing", dir.string(), rel.string());
      std::uint64_t size = 0;
      const auto crc = file_crc32(file, size);
      if (size != f.at("size").get<std::uint64_t>() || crc != f.at("crc32").get<std::uint32_t>())
        fail("norn: checkpoint {}: {} is not the file that was saved (size or CRC-32 differ): damaged or edited",
             dir.string(), rel.string());
    }
  } catch (const nlohmann::json::exception& e) {
    fail("norn: checkpoint {}: its {} is malformed: {}", dir.string(), manifest, e.what());
  }
}

fs::path with_suffix(const fs::path& dir, const char* suffix) {
  auto p = dir;
  p += suffix;
  return p;
}

/// Refuses anything at `p` that is not a Norn checkpoint.
void only_checkpoint_at(const fs::path& p, const fs::path& dir) {
  std::error_code ec;
  const auto status = fs::symlink_status(p, ec);
  if (ec || status.type() == fs::file_type::not_found) return;
  if (!is_checkpoint(p))
    fail("norn: --checkpoint {}: {} exists and is not a Norn checkpoint (no {}); give a new path or move it away",
         dir.string(), p.string(), marker);
}

}  // namespace

bool is_checkpoint(const fs::path& dir) {
  std::error_code ec;
  return fs::symlink_status(dir, ec).type() == fs::file_type::directory && fs::is_regular_file(dir / marker, ec);
}

void prepare_checkpoint_path(const fs::path& dir) {
  if (dir.filename().empty() || dir.filename() == "." || dir.filename() == "..")
    fail("norn: --checkpoint {}: name a directory of its own", dir.string());
  only_checkpoint_at(dir, dir);
  only_checkpoint_at(with_suffix(dir, ".old"), dir);
  const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) fail("norn: --checkpoint {}: {} is not a directory", dir.string(), parent.string());
  const std::string prefix = dir.filename().string() + ".tmp.";
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && is_checkpoint(entry.path())) fs::remove_all(entry.path(), ec);
  }
}

fs::path begin_checkpoint(const fs::path& dir) {
  const auto tmp = temporary_sibling(dir);
  fs::create_directories(tmp);
  write_file_atomically(tmp / marker, "norn checkpoint 1\n");
  return tmp;
}

void commit_checkpoint(const fs::path& fresh, const fs::path& dir) {
  const auto old = with_suffix(dir, ".old");
  seal(fresh);
  fault_point("checkpoint");  // 1: the new one complete beside the last
  if (is_checkpoint(dir) && !is_complete(dir)) fs::remove_all(dir);  // never expected: dir is only ever a sealed one
  if (is_complete(dir)) {
    // dir is complete: the older copy can go, and dir becomes the older copy
    fs::remove_all(old);
    fault_point("checkpoint");  // 2
    fs::rename(dir, old);
    fault_point("checkpoint");  // 3: only dir.old and the new one
  }
  fs::rename(fresh, dir);
  fault_point("checkpoint");  // 4: dir complete, dir.old still there
  std::error_code ec;
  fs::remove_all(old, ec);
}

fs::path checkpoint_to_resume(const fs::path& dir) {
  if (is_complete(dir)) {
    verify(dir);
    return dir;
  }
  const auto old = with_suffix(dir, ".old");
  if (is_complete(old)) {  // killed between the two renames
    verify(old);
    return old;
  }
  std::error_code ec;
  if (fs::exists(dir, ec)) fail("norn: --resume {} is not a Norn checkpoint (no {})", dir.string(), marker);
  fail("norn: --resume {}: no such checkpoint", dir.string());
}

void fault_point(const char* site, int signal) {
  static const char* spec = std::getenv("NORN_FAULT");
  if (!spec) return;
  const std::size_t n = std::strlen(site);
  if (std::strncmp(spec, site, n) != 0 || spec[n] != ':') return;
  static long reached = 0;
  if (++reached == std::atol(spec + n + 1)) std::raise(signal);
}

}  // namespace norn
