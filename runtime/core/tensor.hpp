#pragma once
/// Dense arrays of the runtime. A sequence of T steps over a batch of B holds its values
/// as a row-major matrix of T·B rows (row t·B + b is step t of batch entry b), the layout
/// the neuron kernels use ([T][B·N]), so a feed-forward layer processes a whole sequence
/// with one GEMM over T·B rows.

#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <span>

namespace norn {

/// Row-major matrix of T (Eigen).
template <class T>
using matrix_of = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Vector of T (Eigen).
template <class T>
using vector_of = Eigen::Matrix<T, Eigen::Dynamic, 1>;
/// The float32 ones, what a run computes with unless its configuration asks for float64.
using matrix = matrix_of<float>;
using vector = vector_of<float>;

/// T steps × B batch entries × F features, stored as a (T·B) × F matrix; or, when
/// `repeated`, a value that is the same at every step, stored once as B rows (a static
/// input; as a gradient, the sum over the steps). `Real` is float or double.
template <class Real>
struct basic_sequence {
  using real = Real;
  using matrix = matrix_of<Real>;
  std::size_t steps = 0;
  std::size_t batch = 0;
  matrix values;
  bool repeated = false;

  basic_sequence() = default;
  basic_sequence(std::size_t t, std::size_t b, std::size_t features)
      : steps(t), batch(b), values(matrix::Zero(Eigen::Index(t * b), Eigen::Index(features))) {}

  /// Gives the sequence this shape, keeping its storage when the size is unchanged; new
  /// values are left uninitialized (for outputs a kernel writes in full).
  void reshape(std::size_t t, std::size_t b, std::size_t features) {
    steps = t;
    batch = b;
    repeated = false;
    values.resize(Eigen::Index(t * b), Eigen::Index(features));
  }
  /// As reshape(), for a repeated value: B rows.
  void reshape_repeated(std::size_t t, std::size_t b, std::size_t features) {
    steps = t;
    batch = b;
    repeated = true;
    values.resize(Eigen::Index(b), Eigen::Index(features));
  }

  std::size_t features() const { return std::size_t(values.cols()); }
  std::size_t size() const { return std::size_t(values.size()); }
  std::span<Real> span() { return {values.data(), size()}; }
  std::span<const Real> span() const { return {values.data(), size()}; }
  /// Row of step t, batch entry b.
  auto row(std::size_t t, std::size_t b) { return values.row(Eigen::Index(repeated ? b : t * batch + b)); }
  auto row(std::size_t t, std::size_t b) const { return values.row(Eigen::Index(repeated ? b : t * batch + b)); }
};

using sequence = basic_sequence<float>;

/// y shaped as x with `features` per row: B rows when x is repeated, T·B otherwise.
template <class T>
void reshape_like(const basic_sequence<T>& x, basic_sequence<T>& y, std::size_t features) {
  if (x.repeated) y.reshape_repeated(x.steps, x.batch, features);
  else y.reshape(x.steps, x.batch, features);
}

/// x with every step stored: a repeated x copied to each step, else x itself.
template <class T>
void expand_steps(const basic_sequence<T>& x, basic_sequence<T>& out) {
  out.reshape(x.steps, x.batch, x.features());
  const std::size_t block = x.batch * x.features();
#pragma omp parallel for schedule(static)
  for (std::size_t t = 0; t < x.steps; ++t) std::copy_n(x.values.data(), block, out.values.data() + t * block);
}

/// The sum over steps of x, [B, F] (x itself when repeated).
template <class T>
matrix_of<T> sum_steps(const basic_sequence<T>& x) {
  if (x.repeated) return x.values;
  matrix_of<T> s = matrix_of<T>::Zero(Eigen::Index(x.batch), x.values.cols());
  const std::size_t block = x.batch * x.features(), steps = x.steps;
  const T* v = x.values.data();
  T* out = s.data();
  // each thread sums its own stretch of the block over every step, in step order
  constexpr std::size_t stretch = 1024;
#pragma omp parallel for schedule(static)
  for (std::size_t k0 = 0; k0 < block; k0 += stretch) {
    const std::size_t k1 = std::min(block, k0 + stretch);
    std::copy(v + k0, v + k1, out + k0);
    for (std::size_t t = 1; t < steps; ++t)
      for (std::size_t k = k0; k < k1; ++k) out[k] += v[t * block + k];
  }
  return s;
}

/// The gradient a layer applies to its input's rows: dy itself, or, when the input was
/// repeated (static) and dy is not, its sum over steps (kept in `storage`), repeated.
template <class T>
const basic_sequence<T>& gradient_for_input(bool input_repeated, const basic_sequence<T>& dy, basic_sequence<T>& storage) {
  if (!input_repeated || dy.repeated) return dy;
  storage.steps = dy.steps, storage.batch = dy.batch, storage.repeated = true;
  storage.values = sum_steps(dy);
  return storage;
}

}  // namespace norn
