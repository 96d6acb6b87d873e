#pragma once
/// A set of output files that appear together or not at all. Each is first written into a
/// staging directory beside the output directory; commit() makes the staging directory the
/// output directory in one step (a rename when there is none yet, else an atomic exchange
/// with the previous one, which is then removed), so a reader or a crash sees the old
/// outputs or the new ones, never a mix. An uncommitted set removes its staging directory
/// when destroyed. An output directory carries the marker `.norn-outputs` listing its
/// files: Norn replaces only an empty directory or one it wrote; anything else is refused
/// before any work (check()).

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

  /// Before a run that will write to `directory` (given as `option`): bad_input when it is
  /// a file, holds files Norn did not write there, or its parent cannot be written.
  static void check(const std::filesystem::path& directory, std::string_view option);

  /// The temporary path to write `name` to (inside the staging directory); registers it.
  std::filesystem::path stage(std::string_view name);
  /// Writes an .npy array of float32 or float64 under `name`.
  void npy(std::string_view name, std::span<const float> data, std::span<const std::size_t> shape);
  void npy(std::string_view name, std::span<const double> data, std::span<const std::size_t> shape);
  /// Puts the staged files in place as the whole content of the directory.
  void commit();

  const std::filesystem::path& directory() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path staging_;
  std::vector<std::string> names_;
  bool committed_ = false;
};

}  // namespace norn
