#pragma once
/// Optimizers with PyTorch's defaults and update rules: SGD (momentum, dampening,
/// Nesterov, weight decay) and Adam (bias-corrected, weight decay as L2), gradient clipping
/// by global norm or by value, and two parameter groups (weights, neuron parameters) that
/// may have their own learning rates. Their state can be saved to and restored from a
/// directory, exactly.

#include <runtime/train/layer.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace norn {

struct optimizer_options {
  std::string type = "adam";     ///< "adam" or "sgd"
  double lr = 1e-3;              ///< learning rate of the weights
  std::optional<double> neuron_lr;  ///< learning rate of neuron parameters (default: lr)
  double momentum = 0;           ///< sgd
  double dampening = 0;          ///< sgd
  bool nesterov = false;         ///< sgd
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  ///< adam
  double weight_decay = 0;
  std::optional<double> clip_norm;   ///< rescale all gradients so their global L2 norm ≤ this
  std::optional<double> clip_value;  ///< clamp every gradient to [−v, v]
};

class optimizer {
 public:
  explicit optimizer(optimizer_options o) : options_(std::move(o)) {}

  /// One update of every parameter from its gradient (clipping first, if asked).
  void step(std::vector<parameter_ref>& params);
  std::size_t steps_taken() const { return steps_; }
  const optimizer_options& options() const { return options_; }

  /// Writes the optimizer's state (moments, step count) into `dir`.
  void save(const std::filesystem::path& dir) const;
  /// Reads what save() wrote.
  void load(const std::filesystem::path& dir);

 private:
  optimizer_options options_;
  std::size_t steps_ = 0;
  std::map<std::string, std::vector<float>> first_, second_;  // momentum buffer / Adam moments, by name
};

}  // namespace norn
