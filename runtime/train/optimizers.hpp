#pragma once
/// Optimizers with PyTorch's defaults and update rules: SGD (momentum, dampening,
/// Nesterov, weight decay) and Adam (bias-corrected, weight decay as L2), gradient clipping
/// by global norm or by value, and two parameter groups (weights, neuron parameters) that
/// may have their own learning rates. Their state can be saved to and restored from a
/// directory, exactly. They update in the precision of the parameters (float or double).

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

/// A learning-rate schedule over epochs, as PyTorch's StepLR and CosineAnnealingLR (stepped
/// once per epoch): the factor that multiplies both learning rates in a given epoch.
struct schedule {
  std::string type = "constant";  ///< "constant", "step" or "cosine"
  std::size_t step_size = 1;      ///< step: epochs between decays
  double gamma = 0.1;             ///< step: the decay
  std::size_t t_max = 0;          ///< cosine: the epochs of the half period (0: the run's epochs)
  double eta_min = 0;             ///< cosine: the floor of the weights' learning rate `lr`

  /// The factor in epoch `epoch` (0-based) of a run of `epochs` epochs.
  double factor(std::size_t epoch, std::size_t epochs, double lr) const;
};

template <class Real>
class basic_optimizer {
 public:
  using parameter_ref = basic_parameter_ref<Real>;

  explicit basic_optimizer(optimizer_options o) : options_(std::move(o)) {}

  /// One update of every parameter from its gradient (clipping first, if asked).
  void step(std::vector<parameter_ref>& params);
  /// Multiplies the learning rates of the following steps by `f` (a schedule's factor).
  void scale_learning_rate(double f) { scale_ = f; }
  std::size_t steps_taken() const { return steps_; }
  const optimizer_options& options() const { return options_; }

  /// Writes the optimizer's state (moments, step count) into `dir`.
  void save(const std::filesystem::path& dir) const;
  /// Reads what save() wrote, for these parameters: bad_input when a state belongs to no
  /// parameter, has another size, or holds a non-finite value (or a negative second moment).
  void load(const std::filesystem::path& dir, const std::vector<parameter_ref>& params);

 private:
  optimizer_options options_;
  std::size_t steps_ = 0;
  double scale_ = 1;
  std::map<std::string, std::vector<Real>> first_, second_;  // momentum buffer / Adam moments, by name
};

extern template class basic_optimizer<float>;
extern template class basic_optimizer<double>;
using optimizer = basic_optimizer<float>;

}  // namespace norn
