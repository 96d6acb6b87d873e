#pragma once
/// A sequential network: layers applied in order to a whole sequence. Its parameters are
/// named `<layer index>.<name>` (`0.weight`, `1.tau_mem_inv`), as PyTorch's Sequential.

#include <runtime/train/layer.hpp>

#include <memory>
#include <string>
#include <vector>

namespace norn {

/// `Real`: float or double, what every layer computes with.
template <class Real>
class basic_network {
 public:
  using real = Real;
  using layer = basic_layer<Real>;
  using sequence = basic_sequence<Real>;
  using parameter_ref = basic_parameter_ref<Real>;

  void add(std::unique_ptr<layer> l) { layers_.push_back(std::move(l)); }
  std::size_t size() const { return layers_.size(); }
  layer& at(std::size_t k) { return *layers_.at(k); }

  /// The output of the last layer for input x; with `keep`, every layer keeps what
  /// backward() needs.
  const sequence& forward(const sequence& x, bool keep);
  /// Backward from dL/d(output); adds every parameter's gradient (and writes dL/dx into *dx
  /// when dx is not null).
  void backward(const sequence& dy, sequence* dx = nullptr);

  /// Training noise (dropout) from `seed` for the next forward, or none (evaluation).
  void set_noise(std::optional<std::uint64_t> seed) {
    for (auto& l : layers_) l->set_noise(seed);
  }

  /// Every trainable parameter, named `<layer index>.<name>`, in layer order.
  std::vector<parameter_ref> parameters();
  void zero_grad();

 private:
  std::vector<std::unique_ptr<layer>> layers_;
  std::vector<sequence> activations_;  // activations_[k] = output of layer k
  sequence expanded_;                  // a repeated value copied to every step, for the first layer that needs it
};

extern template class basic_network<float>;
extern template class basic_network<double>;
using network = basic_network<float>;

}  // namespace norn
