#pragma once
/// A set of output files that appear together or not at all: each is first written under
/// a temporary name; commit() renames them all into place, and an uncommitted set removes
/// its temporaries when destroyed (so a failed run leaves nothing half-written).

#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace norn {

class output_set {
 public:
  explicit output_set(std::filesystem::path directory);
  ~output_set();
  output_set(const output_set&) = delete;
  output_set& operator=(const output_set&) = delete;

  /// The temporary path to write `name` to (inside the directory); registers it.
  std::filesystem::path stage(std::string_view name);
  /// Writes an .npy array of float32 under `name`.
  void npy(std::string_view name, std::span<const float> data, std::span<const std::size_t> shape);
  /// Creates the directory if needed and renames every staged file into place.
  void commit();

  const std::filesystem::path& directory() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path staging_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> files_;  // temp, final
  bool committed_ = false;
};

}  // namespace norn
