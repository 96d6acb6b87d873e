#pragma once
/// Data sets for training and evaluation: inputs as a file holds them, and their targets.
/// Inputs are sequences [S, T, F...] (each step's features given) or static samples
/// [S, F...] (one vector per sample, which the configuration's encoder turns into "steps"
/// steps). Files are memory-mapped and their values stay in the file's own type (uint8,
/// integers, float32, float64); a batch converts only its own samples to float.

#include <runtime/io/npy.hpp>
#include <runtime/train/config.hpp>
#include <runtime/train/loss.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace norn {

/// Input samples and their targets.
struct dataset {
  std::size_t samples = 0;
  std::size_t steps = 0;     ///< steps per sample (the configuration's "steps" for static samples)
  std::size_t features = 0;  ///< per step
  std::size_t outputs = 0;   ///< of the network's last layer
  bool sequences = true;     ///< x holds [S][T][F]; false: static samples [S][F]
  std::shared_ptr<const npy::mapped> file;  ///< x as its file holds it, or null for `x` below
  std::vector<float> x;                     ///< x built in memory, when there is no file
  norn::targets y;  ///< per sample, the loss's target layout; empty when the configuration holds the target

  /// The features of sample s at step t (t = 0 for static samples) as R (float or double).
  template <class R>
  void read(std::size_t s, std::size_t t, std::span<R> out) const;
};

/// Reads inputs X.npy and the targets Y.npy the configuration's loss needs, checking them
/// against the configuration: shapes, dtypes, labels in range, every value finite as a
/// float. bad_input naming the file and the problem; `role` names the flags in messages
/// ("--data", "--test-data").
dataset load_dataset(const std::filesystem::path& x, const std::optional<std::filesystem::path>& y,
                     const train_config& c, std::string_view role = "--data");
/// As above, for arrays already read or mapped (`y` null when there are no targets), named in
/// messages by their mapped::file(); `target_role` names the targets' flag or argument.
/// Without `need_targets` (predictions), no targets are read or asked for.
dataset load_dataset(std::shared_ptr<const npy::mapped> x, const npy::mapped* y, const train_config& c,
                     std::string_view role, std::string_view target_role, bool need_targets = true);

/// One mini-batch as the network sees it: x [T·B, F] (or B rows standing for every step, for
/// a static input that the `direct` encoder repeats) and its targets; in float or double.
template <class R>
struct basic_batch {
  basic_sequence<R> x;
  norn::targets targets;
  std::uint64_t noise_seed = 0;  ///< the seed of its encoding and training noise (dropout)
};
using batch = basic_batch<float>;

/// The mini-batch of the given sample indices, encoded when the configuration says so.
template <class R = float>
basic_batch<R> make_batch(const dataset& d, const train_config& c, std::span<const std::size_t> samples,
                          std::uint64_t noise_seed);

/// The samples of every batch of an epoch, in order (shuffled from seed and epoch).
std::vector<std::vector<std::size_t>> epoch_batches(std::size_t samples, std::size_t batch_size, bool shuffle,
                                                    std::uint64_t seed, std::size_t epoch);

}  // namespace norn
