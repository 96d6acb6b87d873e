#pragma once
/// The training loop: epochs of shuffled mini-batches, forward, loss, backward, optimizer
/// step; a progress bar on a terminal (plain lines otherwise), metrics as CSV, atomic
/// checkpoints and a resume that continues bit for bit. For a given seed and thread count
/// every run is the same: batch order and input noise are functions of (seed, epoch, batch).

#include <runtime/train/config.hpp>
#include <runtime/train/loss.hpp>
#include <runtime/train/network.hpp>
#include <runtime/train/optimizers.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace norn {

/// Samples for training: x [S][T][F], and targets as the loss reads them.
struct dataset {
  std::size_t samples = 0, steps = 0, features = 0, outputs = 0;
  std::vector<float> x;  ///< [S][T][F]
  norn::targets y;       ///< per sample, the loss's target_layout_for(T, O); empty when the configuration holds the target
};

/// Reads X.npy [S, T, F] and the targets Y.npy the configuration's loss needs; bad_input on
/// wrong shapes, dtypes or non-finite values.
dataset load_dataset(const std::filesystem::path& x, const std::optional<std::filesystem::path>& y,
                     const train_config& c);

/// Where a training run reads and writes, beyond its configuration.
struct run_options {
  std::optional<std::filesystem::path> init;            ///< read <name>.npy parameters
  std::optional<std::filesystem::path> checkpoint;      ///< write checkpoints here
  std::optional<std::filesystem::path> resume;          ///< continue from this checkpoint
  std::optional<std::filesystem::path> dump_gradients;  ///< write the first batch's gradients
  std::optional<std::filesystem::path> out;             ///< final parameters, metrics, loss plot
  bool progress = true;                                 ///< report progress on stderr
};

struct epoch_metrics {
  std::size_t epoch = 0;
  double loss = 0;
  double accuracy = -1;  ///< −1 when the loss has none
  double seconds = 0;
  std::vector<double> batch_losses;
};

/// One mini-batch as the network sees it: x [T·B, F] and its targets.
struct batch {
  sequence x;
  norn::targets targets;
};

/// The mini-batch of the given sample indices (encoded when the config says so).
batch make_batch(const dataset& d, const train_config& c, std::span<const std::size_t> samples, std::uint64_t noise_seed);

/// The samples of every batch of an epoch, in order (shuffled from seed and epoch).
std::vector<std::vector<std::size_t>> epoch_batches(std::size_t samples, std::size_t batch_size, bool shuffle,
                                                    std::uint64_t seed, std::size_t epoch);

/// Forward, loss and backward of one batch; gradients are added to the parameters'. A loss
/// that reads the membrane gets it from the last layer (its model's membrane role).
loss_report forward_backward(network& net, const loss& l, const batch& b);

/// Writes every parameter (values) as <dir>/<name>.npy, or their gradients with `grads`.
void save_parameters(network& net, const std::filesystem::path& dir, bool grads = false);
/// Reads <dir>/<name>.npy into each parameter that has a file; bad_input on shape
/// mismatch, or when `all` and a file is missing. Returns how many were read.
std::size_t load_parameters(network& net, const std::filesystem::path& dir, bool all);

/// Trains with the configuration's loss for its epochs, returning the metrics of every epoch.
std::vector<epoch_metrics> train(network& net, optimizer& opt, const dataset& data, const train_config& c,
                                 const run_options& o);

}  // namespace norn
