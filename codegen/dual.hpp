#pragma once
/// Forward-mode dual numbers: a value and N tangents, with their own chain rules. Evaluating
/// a model's step on duals differentiates it independently of the symbolic derivative
/// rules; the gradient checks compare the two. Spikes take the surrogate's declared g(u)
/// as their derivative, the reset gate is scaled by reset_grad, detach() cuts the tangent.

#include <codegen/evaluate.hpp>

#include <array>
#include <cmath>
#include <cstddef>

namespace norn::codegen {

/// value + Σ_k d[k] ε_k, with ε_k ε_j = 0.
template <class T, std::size_t N>
struct dual {
  T v{};
  std::array<T, N> d{};

  dual() = default;
  dual(T value) : v(value) {}  // NOLINT: constants convert implicitly, with zero tangent
  /// The k-th seed: value with tangent e_k.
  static dual seed(T value, std::size_t k) {
    dual x(value);
    x.d[k] = T(1);
    return x;
  }
  /// value with tangent direction `direction`.
  static dual with_tangent(T value, const std::array<T, N>& direction) {
    dual x(value);
    x.d = direction;
    return x;
  }
};

namespace detail {
template <class T, std::size_t N, class F>
dual<T, N> lift(const dual<T, N>& a, T value, F&& dvalue_da) {
  dual<T, N> r(value);
  for (std::size_t k = 0; k < N; ++k) r.d[k] = dvalue_da * a.d[k];
  return r;
}
}  // namespace detail

// (a ± b)' = a' ± b'
template <class T, std::size_t N>
dual<T, N> operator+(const dual<T, N>& a, const dual<T, N>& b) {
  dual<T, N> r(a.v + b.v);
  for (std::size_t k = 0; k < N; ++k) r.d[k] = a.d[k] + b.d[k];
  return r;
}
template <class T, std::size_t N>
dual<T, N> operator-(const dual<T, N>& a, const dual<T, N>& b) {
  dual<T, N> r(a.v - b.v);
  for (std::size_t k = 0; k < N; ++k) r.d[k] = a.d[k] - b.d[k];
  return r;
}
template <class T, std::size_t N>
dual<T, N> operator-(const dual<T, N>& a) {
  dual<T, N> r(-a.v);
  for (std::size_t k = 0; k < N; ++k) r.d[k] = -a.d[k];
  return r;
}
// (ab)' = a'b + ab'
template <class T, std::size_t N>
dual<T, N> operator*(const dual<T, N>& a, const dual<T, N>& b) {
  dual<T, N> r(a.v * b.v);
  for (std::size_t k = 0; k < N; ++k) r.d[k] = a.d[k] * b.v + a.v * b.d[k];
  return r;
}
// (a/b)' = (a'b − ab') / b²
template <class T, std::size_t N>
dual<T, N> operator/(const dual<T, N>& a, const dual<T, N>& b) {
  dual<T, N> r(a.v / b.v);
  for (std::size_t k = 0; k < N; ++k) r.d[k] = (a.d[k] * b.v - a.v * b.d[k]) / (b.v * b.v);
  return r;
}
// comparisons look at values only
template <class T, std::size_t N>
bool operator<(const dual<T, N>& a, const dual<T, N>& b) { return a.v < b.v; }
template <class T, std::size_t N>
bool operator>(const dual<T, N>& a, const dual<T, N>& b) { return a.v > b.v; }
template <class T, std::size_t N>
bool operator<=(const dual<T, N>& a, const dual<T, N>& b) { return a.v <= b.v; }
template <class T, std::size_t N>
bool operator>=(const dual<T, N>& a, const dual<T, N>& b) { return a.v >= b.v; }

// exp' = exp
template <class T, std::size_t N>
dual<T, N> exp(const dual<T, N>& a) {
  const T e = std::exp(a.v);
  return detail::lift(a, e, e);
}
// log' = 1/a
template <class T, std::size_t N>
dual<T, N> log(const dual<T, N>& a) { return detail::lift(a, std::log(a.v), T(1) / a.v); }
// sqrt' = 1/(2 sqrt)
template <class T, std::size_t N>
dual<T, N> sqrt(const dual<T, N>& a) {
  const T s = std::sqrt(a.v);
  return detail::lift(a, s, T(1) / (T(2) * s));
}
// tanh' = 1 − tanh²
template <class T, std::size_t N>
dual<T, N> tanh(const dual<T, N>& a) {
  const T t = std::tanh(a.v);
  return detail::lift(a, t, T(1) - t * t);
}
// (a^b)' = b a^(b−1) a' + a^b log(a) b'
template <class T, std::size_t N>
dual<T, N> pow(const dual<T, N>& a, const dual<T, N>& b) {
  const T p = std::pow(a.v, b.v);
  dual<T, N> r(p);
  for (std::size_t k = 0; k < N; ++k) {
    r.d[k] = b.v * std::pow(a.v, b.v - T(1)) * a.d[k];
    if (b.d[k] != T(0)) r.d[k] += p * std::log(a.v) * b.d[k];
  }
  return r;
}
// σ' = σ (1 − σ)
template <class T, std::size_t N>
dual<T, N> sigmoid_value(const dual<T, N>& a) {
  const T s = T(1) / (T(1) + std::exp(-a.v));
  return detail::lift(a, s, s * (T(1) - s));
}
// |a|' = sign(a)
template <class T, std::size_t N>
dual<T, N> abs_value(const dual<T, N>& a) {
  return detail::lift(a, std::abs(a.v), T(a.v > 0) - T(a.v < 0));
}
// H' = 0
template <class T, std::size_t N>
dual<T, N> heaviside_value(const dual<T, N>& a) { return dual<T, N>(a.v > T(0) ? T(1) : T(0)); }
// detach: no tangent
template <class T, std::size_t N>
dual<T, N> detach_value(const dual<T, N>& a) { return dual<T, N>(a.v); }

/// Values of the surrogate symbols u and alpha, for evaluating a surrogate's g(u).
template <class T>
struct surrogate_point {
  T u, alpha;
  template <class S>
  T get() const {
    return S::name.view() == "u" ? u : alpha;
  }
  forward_only policy() const { return {}; }
};

// spike(a)' = g(a; alpha), the declared surrogate
template <class T, std::size_t N, class Policy>
dual<T, N> spike_value(const dual<T, N>& a, const Policy& p) {
  using G = typename Policy::surrogate::derivative;
  const T g = eval<T>(G{}, surrogate_point<T>{a.v, T(p.alpha)});
  return detail::lift(a, a.v > T(0) ? T(1) : T(0), g);
}
// gate(a)' = reset_grad
template <class T, std::size_t N, class Policy>
dual<T, N> reset_gate_value(const dual<T, N>& a, const Policy& p) {
  return detail::lift(a, a.v, T(p.reset_grad));
}

}  // namespace norn::codegen
