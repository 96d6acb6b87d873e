#pragma once
/// Losses on a network's output sequence. A kind of loss lives in a file of its own under
/// runtime/train/losses/ and is listed once in losses/list.cpp; it owns everything about
/// itself: its name, its configuration keys, the targets it compares against (their shape
/// per sample, their checks, or a target given in the configuration), and its value and
/// gradient. Training (`norn train`) and `norn simulate --loss` both use these losses.

#include <runtime/core/tensor.hpp>
#include <runtime/train/config_reader.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace norn {

/// Targets, one block per sample: `shape` per sample, `values` for the samples in order
/// (class labels are whole numbers stored as floats).
struct targets {
  std::vector<std::size_t> shape;
  std::vector<float> values;

  std::size_t per_sample() const;
  /// The targets of the given samples, in their order.
  targets select(std::span<const std::size_t> samples) const;
};

/// What one sample's targets look like: a shape with a name per axis ("steps", "outputs"),
/// or, for `labels`, a single class index.
struct target_layout {
  std::vector<std::size_t> shape;
  std::vector<std::string_view> axes;
  bool labels = false;

  /// "[samples, steps, outputs] = [16, 30, 4]" (with " integer labels" for labels).
  std::string describe(std::size_t samples) const;
};

/// What a loss reads: the output y [T·B, O] and, for losses that ask for it, the membrane
/// potential of the output population [T·B, O] and its threshold per neuron [O]; in the
/// run's precision T.
template <class T>
struct basic_loss_input {
  const basic_sequence<T>& y;
  const basic_sequence<T>* membrane = nullptr;
  std::span<const T> threshold;
};
using loss_input = basic_loss_input<float>;

/// What a loss writes: dL/dy, and dL/d(membrane) for losses that read it.
template <class T>
struct basic_loss_gradient {
  basic_sequence<T> dy;
  basic_sequence<T> dmembrane;
};
using loss_gradient = basic_loss_gradient<float>;

/// What a loss reports besides its gradient.
struct loss_report {
  double value = 0;
  std::size_t correct = 0;  ///< classification losses: correctly classified batch entries
  bool has_accuracy = false;
  std::vector<std::size_t> predicted;  ///< classification losses: the class of each batch entry

  /// Records the next batch entry's prediction, the class of highest score (the first of
  /// equal ones), and whether it is `label`.
  void classify(std::span<const double> scores, std::size_t label) {
    predicted.push_back(std::size_t(std::max_element(scores.begin(), scores.end()) - scores.begin()));
    correct += predicted.back() == label;
  }
};

/// A loss as a configuration sets it up.
class loss {
 public:
  virtual ~loss() = default;
  virtual std::string_view name() const = 0;
  /// The targets of one sample for a network with T steps and O outputs; nullopt when
  /// the configuration holds the target and no targets file is read.
  virtual std::optional<target_layout> target_layout_for(std::size_t steps, std::size_t outputs) const = 0;
  /// Checks targets read from `file` (values, labels in range); bad_input naming the file.
  virtual void check_targets(const targets& t, std::size_t outputs, const std::string& file) const;
  /// Checks a run of `steps` steps suits the loss (before anything runs).
  virtual void check_steps(std::size_t /*steps*/) const {}
  /// Whether the loss reads the output population's membrane potential.
  virtual bool reads_membrane() const { return false; }
  /// L and its gradient for a batch, in float or double; `t` holds the batch's targets
  /// (empty when the configuration holds them). A kind writes both through loss_of.
  virtual loss_report evaluate(const basic_loss_input<float>& in, const targets& t, basic_loss_gradient<float>& g) const = 0;
  virtual loss_report evaluate(const basic_loss_input<double>& in, const targets& t,
                               basic_loss_gradient<double>& g) const = 0;
};

/// A loss against class labels: one integer target in [0, outputs) per sample.
class label_loss : public loss {
 public:
  std::optional<target_layout> target_layout_for(std::size_t, std::size_t) const override {
    return target_layout{{}, {}, true};
  }
  /// Refuses a label that is not a whole number in [0, outputs).
  void check_targets(const targets& t, std::size_t outputs, const std::string& file) const override;
};

/// A loss kind's class, derived from `Base` (loss or label_loss), whose one member template
/// `compute<T>(const basic_loss_input<T>&, const targets&, basic_loss_gradient<T>&)` serves as
/// evaluate() in both precisions.
template <class Derived, class Base = loss>
class loss_of : public Base {
 public:
  loss_report evaluate(const basic_loss_input<float>& in, const targets& t, basic_loss_gradient<float>& g) const final {
    return static_cast<const Derived&>(*this).compute(in, t, g);
  }
  loss_report evaluate(const basic_loss_input<double>& in, const targets& t, basic_loss_gradient<double>& g) const final {
    return static_cast<const Derived&>(*this).compute(in, t, g);
  }
};

/// A kind of loss.
struct loss_kind {
  std::string_view name;     ///< what a configuration's "type" calls it
  std::string_view summary;  ///< one line, for help: what it computes and its targets
  /// Reads and checks the loss's configuration `j` (`{"type": "<name>", ...}`) at `where`.
  std::unique_ptr<loss> (*parse)(const nlohmann::json& j, const config_place& where);
  /// For `norn simulate --loss NAME=VALUE`: the configuration VALUE stands for; null when
  /// the kind needs a targets file and cannot be used there.
  nlohmann::json (*shorthand)(std::string_view value) = nullptr;
  std::string_view shorthand_help = {};  ///< "spike_count=K"
  std::string_view example = {};         ///< a configuration, for help and the tests of every kind
};

/// Every loss kind, in the order messages and help list them (losses/list.cpp).
std::span<const loss_kind* const> loss_kinds();

/// The loss a configuration's "loss" object describes; the first kind of the list when
/// there is none or it has no "type".
std::unique_ptr<loss> parse_loss(const nlohmann::json* j, const config_place& where);

/// The loss `norn simulate --loss TEXT` names ("spike_count=6", "spike-times=100,300").
std::unique_ptr<loss> parse_loss_shorthand(std::string_view text);
/// "spike_count=K, spike_times=T1,T2,...": the losses simulate accepts, for help and messages.
std::string loss_shorthands();
/// Per-step targets [B][T][O] laid out as the output sequence's rows [T·B, O] (row t·B + b).
template <class T = float>
matrix_of<T> sequence_rows(const targets& t, std::size_t steps, std::size_t batch, std::size_t outputs);

/// Σ_{b,o} |Σ_t y − target(b, o)|, with its gradient sign(count − target) written into dy
/// ([T·B, O]): the spike-count error that spike_count and spike_times share.
template <class T>
double spike_count_error(const basic_sequence<T>& y, const std::function<double(std::size_t b, std::size_t o)>& target,
                         basic_sequence<T>& dy);

/// Softmax cross entropy of `logits` against class `label`: returns its value and writes
/// its gradient with respect to the logits into `grad`.
double softmax_cross_entropy(std::span<const double> logits, std::size_t label, std::vector<double>& grad);

/// "1,2.5,3" → {1, 2.5, 3}; bad_input naming `what` on anything that is not a finite number.
std::vector<double> parse_number_list(std::string_view text, std::string_view what);

}  // namespace norn
