#pragma once
/// Losses on a network's output sequence y [T·B, O]: each returns the loss and writes
/// dL/dy. Users add their own by implementing `loss_function`.

#include <runtime/tensor.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace norn {

/// What a batch is compared against: a target sequence (mse), class labels (cross
/// entropy) or per-output spike counts.
struct batch_targets {
  sequence values;          ///< [T·B, O] for mse
  std::vector<int> labels;  ///< [B] for cross entropy
  matrix counts;            ///< [B, O] target spike counts
};

/// What a loss reports besides its value.
struct loss_report {
  double value = 0;
  std::size_t correct = 0;  ///< classification losses: correctly classified entries
  bool has_accuracy = false;
};

class loss_function {
 public:
  virtual ~loss_function() = default;
  virtual std::string name() const = 0;
  /// L(y, targets) and dL/dy.
  virtual loss_report evaluate(const sequence& y, const batch_targets& targets, sequence& dy) const = 0;
};

/// Mean squared error over all elements, as torch.nn.functional.mse_loss.
class mse_loss final : public loss_function {
 public:
  std::string name() const override { return "mse"; }
  loss_report evaluate(const sequence& y, const batch_targets& t, sequence& dy) const override;
};

/// How a readout's trace becomes logits.
enum class time_reduction { max, mean, last };

/// Cross entropy of softmax(logits) against labels, mean over the batch, where the logits
/// are the readout's maximum over time (gradient to the arg-max step, as torch.max), mean
/// over time, or last value.
class cross_entropy_loss final : public loss_function {
 public:
  explicit cross_entropy_loss(time_reduction r) : reduction_(r) {}
  std::string name() const override { return "cross_entropy"; }
  loss_report evaluate(const sequence& y, const batch_targets& t, sequence& dy) const override;

 private:
  time_reduction reduction_;
};

/// Σ_{b,o} |Σ_t y − target| (spike-count targets, as Norse's single-neuron tutorial).
class spike_count_loss final : public loss_function {
 public:
  std::string name() const override { return "spike_count"; }
  loss_report evaluate(const sequence& y, const batch_targets& t, sequence& dy) const override;
};

/// Three-point joint distribution of binary signals r of three units, per batch entry:
/// p[b][4a + 2c + e] = (1/T) Σ_t r0^a (1−r0)^(1−a) · r1^c (1−r1)^(1−c) · r2^e (1−r2)^(1−e),
/// as Norse's stochastic-computing tutorial computes it from refractory states.
matrix three_point_distribution(const sequence& r, const std::array<std::size_t, 3>& units);

/// KL(p_target ‖ p) averaged over the batch (torch's kl_div(log p.clamp(1e-7), p_target,
/// "batchmean")); writes dL/dr for the three units' signals.
double three_point_kl(const sequence& r, const std::array<std::size_t, 3>& units, std::span<const double> p_target,
                      sequence& dr);

}  // namespace norn
