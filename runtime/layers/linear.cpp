#include <runtime/layers/linear.hpp>

#include <runtime/encoders.hpp>
#include <runtime/errors.hpp>

#include <cmath>

namespace norn {

linear_layer::linear_layer(std::size_t in, std::size_t out, bool bias, std::uint64_t seed, double init_std)
    : weight_(Eigen::Index(out), Eigen::Index(in)),
      weight_grad_(matrix::Zero(Eigen::Index(out), Eigen::Index(in))),
      bias_(vector::Zero(bias ? Eigen::Index(out) : 0)),
      bias_grad_(vector::Zero(bias ? Eigen::Index(out) : 0)),
      has_bias_(bias) {
  const double bound = 1.0 / std::sqrt(double(in));
  std::uint64_t k = 0;
  for (Eigen::Index r = 0; r < weight_.rows(); ++r)
    for (Eigen::Index c = 0; c < weight_.cols(); ++c, ++k)
      weight_(r, c) = init_std > 0 ? float(init_std * normal01(seed, k))
                                   : float((2.0 * uniform01(seed, k) - 1.0) * bound);
  for (Eigen::Index r = 0; r < bias_.size(); ++r, ++k) bias_(r) = float((2.0 * uniform01(seed, k) - 1.0) * bound);
}

void linear_layer::forward(const sequence& x, sequence& y, bool keep) {
  if (x.features() != in_features())
    fail("norn: linear layer expects {} input features, got {}", in_features(), x.features());
  y.steps = x.steps;
  y.batch = x.batch;
  y.values.noalias() = x.values * weight_.transpose();
  if (has_bias_) y.values.rowwise() += bias_.transpose();
  if (keep) input_ = x;
}

void linear_layer::backward(const sequence& dy, sequence* dx) {
  weight_grad_.noalias() += dy.values.transpose() * input_.values;
  if (has_bias_) bias_grad_ += dy.values.colwise().sum().transpose();
  if (dx) {
    dx->steps = dy.steps;
    dx->batch = dy.batch;
    dx->values.noalias() = dy.values * weight_;
  }
}

std::vector<parameter_ref> linear_layer::parameters() {
  std::vector<parameter_ref> p;
  p.push_back({"weight", {std::size_t(weight_.rows()), std::size_t(weight_.cols())},
               {weight_.data(), std::size_t(weight_.size())}, {weight_grad_.data(), std::size_t(weight_grad_.size())}});
  if (has_bias_)
    p.push_back({"bias", {std::size_t(bias_.size())}, {bias_.data(), std::size_t(bias_.size())},
                 {bias_grad_.data(), std::size_t(bias_grad_.size())}});
  return p;
}

}  // namespace norn
