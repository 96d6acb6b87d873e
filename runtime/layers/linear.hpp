#pragma once
/// A dense layer, y = x Wᵀ + b, as PyTorch's Linear: weight [out, in], bias [out],
/// initialized Kaiming-uniform (bounds ±1/√in for both, PyTorch's default). Forward and
/// backward each run one GEMM over all T·B rows of the sequence.

#include <runtime/layers/layer.hpp>

#include <cstdint>

namespace norn {

class linear_layer final : public layer {
 public:
  /// A layer with PyTorch's default initialization drawn from `seed`; with init_std > 0
  /// the weights are N(0, init_std²) instead (Norse's recurrent cells use √(2/out)).
  linear_layer(std::size_t in, std::size_t out, bool bias, std::uint64_t seed, double init_std = 0);

  std::string kind() const override { return "linear"; }
  std::size_t in_features() const override { return std::size_t(weight_.cols()); }
  std::size_t out_features() const override { return std::size_t(weight_.rows()); }

  void forward(const sequence& x, sequence& y, bool keep) override;
  void backward(const sequence& dy, sequence* dx) override;
  std::vector<parameter_ref> parameters() override;

  matrix& weight() { return weight_; }
  vector& bias() { return bias_; }

 private:
  matrix weight_, weight_grad_;
  vector bias_, bias_grad_;
  bool has_bias_;
  sequence input_;
};

}  // namespace norn
