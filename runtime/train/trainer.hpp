#pragma once
/// The training loop: epochs of shuffled mini-batches, forward, loss, backward, optimizer
/// step; a progress bar on a terminal (plain lines otherwise), metrics as CSV, atomic
/// checkpoints and a resume that continues bit for bit. For a given seed and thread count
/// every run is the same: batch order and input noise are functions of (seed, epoch, batch).

#include <runtime/train/config.hpp>
#include <runtime/train/dataset.hpp>
#include <runtime/train/loss.hpp>
#include <runtime/train/network.hpp>
#include <runtime/train/optimizers.hpp>

#include <csignal>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace norn {

/// Where a training run reads and writes, beyond its configuration.
struct run_options {
  std::optional<std::filesystem::path> init;            ///< read <name>.npy parameters
  std::optional<std::filesystem::path> checkpoint;      ///< write checkpoints here
  std::optional<std::filesystem::path> resume;          ///< continue from this checkpoint
  std::optional<std::filesystem::path> dump_gradients;  ///< write the first batch's gradients
  std::optional<std::filesystem::path> out;             ///< final parameters, metrics, loss plot
  bool progress = true;                                 ///< report progress on stderr
  /// The epoch to begin with when not resuming: a network trained for `first_epoch` epochs
  /// by an earlier call continues with the next epoch's batch order and learning rate.
  std::size_t first_epoch = 0;
  /// Set (to the signal's number) when the run should stop: the current step is finished,
  /// a checkpoint written when `checkpoint` is given, and train() throws `interrupted`.
  const volatile std::sig_atomic_t* stop = nullptr;
};

/// Thrown by train() when `run_options::stop` was set: where the run stopped.
struct interrupted : std::exception {
  interrupted(int signal_number, std::size_t epoch, std::size_t batch) : signal(signal_number), epochs_done(epoch), batches_done(batch) {}
  const char* what() const noexcept override { return "interrupted"; }
  int signal;
  std::size_t epochs_done, batches_done;  ///< whole epochs, and batches of the next
};

struct epoch_metrics {
  std::size_t epoch = 0;
  double loss = 0;
  double accuracy = -1;  ///< −1 when the loss has none
  double seconds = 0;
  std::vector<double> batch_losses;
  std::optional<double> test_loss;  ///< on the held-out data, after the epoch
  double test_accuracy = -1;
};

/// A network's loss and accuracy over a whole data set, without gradients.
struct evaluation {
  double loss = 0;        ///< mean over batches weighted by their size
  double accuracy = -1;   ///< −1 when the loss does not classify
  std::vector<std::size_t> predictions;  ///< per sample, for a classifying loss
  std::vector<std::size_t> labels;       ///< per sample, for a classifying loss
  std::size_t classes = 0;
  /// confusion[t][p]: samples of class t predicted as p ([classes][classes], row-major).
  std::vector<std::int64_t> confusion() const;
};

/// Evaluates the network on `data` in batches of the configuration's size, in order.
template <class Real>
evaluation evaluate(basic_network<Real>& net, const dataset& data, const train_config& c);
/// Writes predictions.npy, confusion.npy and confusion.png (for a classifying loss) and
/// evaluation.json into `dir`, all or nothing.
void write_evaluation(const evaluation& e, const std::filesystem::path& dir);

/// Forward, loss and backward of one batch; gradients are added to the parameters'. A loss
/// that reads the membrane gets it from the last layer (its model's membrane role).
template <class Real>
loss_report forward_backward(basic_network<Real>& net, const loss& l, const basic_batch<Real>& b);

/// Writes every parameter (values) as <dir>/<name>.npy, or their gradients with `grads`, as
/// float32 or float64: the network's precision.
template <class Real>
void save_parameters(basic_network<Real>& net, const std::filesystem::path& dir, bool grads = false);
/// Reads <dir>/<name>.npy (any numeric type, converted) into each parameter that has a file;
/// bad_input on shape mismatch, or when `all` and a file is missing. Returns how many were read.
template <class Real>
std::size_t load_parameters(basic_network<Real>& net, const std::filesystem::path& dir, bool all);

/// Trains with the configuration's loss for its epochs, returning the metrics of every epoch;
/// with `test`, evaluates on it after every epoch.
template <class Real>
std::vector<epoch_metrics> train(basic_network<Real>& net, basic_optimizer<Real>& opt, const dataset& data,
                                 const train_config& c, const run_options& o, const dataset* test = nullptr);

}  // namespace norn
