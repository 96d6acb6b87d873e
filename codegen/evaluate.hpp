#pragma once
/// Evaluation of expression nodes over any number type V (float, double, or a dual number):
/// one rule per operator tag. Symbols are read from an environment by their compile-time
/// slot, so a tree evaluates to straight-line code over plain values.

#include <dsl/expr.hpp>

#include <cmath>
#include <type_traits>

namespace norn::codegen {

using dsl::binary;
using dsl::constant;
using dsl::symbol;
using dsl::symbol_kind;
using dsl::ternary;
using dsl::unary;

// ---- scalar building blocks (dual numbers overload these by ADL) ------------------------

/// H(a) with H(0) = 0.
template <class V> requires std::is_floating_point_v<V>
inline V heaviside_value(V a) { return a > V(0) ? V(1) : V(0); }

/// The spike: H(a) forward. Only dual numbers (and the adjoint) see the surrogate.
template <class V, class Surrogate> requires std::is_floating_point_v<V>
inline V spike_value(V a, const Surrogate&) { return heaviside_value(a); }

/// The spike as the reset sees it: identity forward.
template <class V, class Policy> requires std::is_floating_point_v<V>
inline V reset_gate_value(V a, const Policy&) { return a; }

template <class V> requires std::is_floating_point_v<V>
inline V detach_value(V a) { return a; }

template <class V> requires std::is_floating_point_v<V>
inline V abs_value(V a) { return std::abs(a); }

template <class V> requires std::is_floating_point_v<V>
inline V sigmoid_value(V a) { return V(1) / (V(1) + std::exp(-a)); }

/// a^n for a compile-time integer n, by repeated multiplication.
template <int N, class V>
inline V integer_power(const V& a) {
  if constexpr (N < 0) return V(1) / integer_power<-N>(a);
  else if constexpr (N == 0) return V(1);
  else if constexpr (N == 1) return a;
  else if constexpr (N % 2 == 0) {
    const V h = integer_power<N / 2>(a);
    return h * h;
  } else {
    return a * integer_power<N - 1>(a);
  }
}

template <double E>
inline constexpr bool small_integer_v = E == double(int(E)) && E >= -8 && E <= 8;

/// How spikes behave beyond their forward value; forward kernels need nothing.
struct forward_only {};

// ---- the rules: one per operator tag, on values -----------------------------------------

template <class V, class P> inline V apply(dsl::neg_op, const V& a, const P&) { return -a; }
template <class V, class P> inline V apply(dsl::exp_op, const V& a, const P&) { using std::exp; return exp(a); }
template <class V, class P> inline V apply(dsl::log_op, const V& a, const P&) { using std::log; return log(a); }
template <class V, class P> inline V apply(dsl::sqrt_op, const V& a, const P&) { using std::sqrt; return sqrt(a); }
template <class V, class P> inline V apply(dsl::tanh_op, const V& a, const P&) { using std::tanh; return tanh(a); }
template <class V, class P> inline V apply(dsl::sigmoid_op, const V& a, const P&) { return sigmoid_value(a); }
template <class V, class P> inline V apply(dsl::abs_op, const V& a, const P&) { return abs_value(a); }
template <class V, class P> inline V apply(dsl::relu_op, const V& a, const P&) { return a > V(0) ? a : V(0); }
template <class V, class P> inline V apply(dsl::heaviside_op, const V& a, const P&) { return heaviside_value(a); }
template <class V, class P> inline V apply(dsl::spike_op, const V& a, const P& p) { return spike_value(a, p); }
template <class V, class P> inline V apply(dsl::reset_gate_op, const V& a, const P& p) { return reset_gate_value(a, p); }
template <class V, class P> inline V apply(dsl::detach_op, const V& a, const P&) { return detach_value(a); }

template <class V, class P> inline V apply(dsl::add_op, const V& l, const V& r, const P&) { return l + r; }
template <class V, class P> inline V apply(dsl::sub_op, const V& l, const V& r, const P&) { return l - r; }
template <class V, class P> inline V apply(dsl::mul_op, const V& l, const V& r, const P&) { return l * r; }
template <class V, class P> inline V apply(dsl::div_op, const V& l, const V& r, const P&) { return l / r; }
template <class V, class P> inline V apply(dsl::pow_op, const V& l, const V& r, const P&) { using std::pow; return pow(l, r); }
// min and max keep the left operand on ties; their derivative rules agree.
template <class V, class P> inline V apply(dsl::min_op, const V& l, const V& r, const P&) { return r < l ? r : l; }
template <class V, class P> inline V apply(dsl::max_op, const V& l, const V& r, const P&) { return l < r ? r : l; }
template <class V, class P> inline V apply(dsl::gt_op, const V& l, const V& r, const P&) { return l > r ? V(1) : V(0); }
template <class V, class P> inline V apply(dsl::ge_op, const V& l, const V& r, const P&) { return l >= r ? V(1) : V(0); }
template <class V, class P> inline V apply(dsl::lt_op, const V& l, const V& r, const P&) { return l < r ? V(1) : V(0); }
template <class V, class P> inline V apply(dsl::le_op, const V& l, const V& r, const P&) { return l <= r ? V(1) : V(0); }

template <class V, class P>
inline V apply(dsl::select_op, const V& c, const V& a, const V& b, const P&) { return c > V(0) ? a : b; }

// ---- walking the tree ----------------------------------------------------------------------

template <class V, class Env, class N>
inline V eval(N, const Env& e);

namespace detail {
template <class V, class Env, class Op, class A>
inline V eval_node(unary<Op, A>, const Env& e) {
  return apply(Op{}, eval<V>(A{}, e), e.policy());
}
template <class V, class Env, class Op, class L, class R>
inline V eval_node(binary<Op, L, R>, const Env& e) {
  if constexpr (std::is_same_v<Op, dsl::pow_op> && dsl::is_constant_v<R>) {
    if constexpr (small_integer_v<R::value>) return integer_power<int(R::value)>(eval<V>(L{}, e));
    else return apply(Op{}, eval<V>(L{}, e), eval<V>(R{}, e), e.policy());
  } else {
    return apply(Op{}, eval<V>(L{}, e), eval<V>(R{}, e), e.policy());
  }
}
template <class V, class Env, class Op, class C, class A, class B>
inline V eval_node(ternary<Op, C, A, B>, const Env& e) {
  return apply(Op{}, eval<V>(C{}, e), eval<V>(A{}, e), eval<V>(B{}, e), e.policy());
}
}  // namespace detail

/// The value of node N with symbols read from `e` (which provides `get<Symbol>()` and
/// `policy()`, the spike behaviour).
template <class V, class Env, class N>
inline V eval(N, const Env& e) {
  if constexpr (dsl::is_symbol_v<N>) return e.template get<N>();
  else if constexpr (dsl::is_constant_v<N>) return V(N::value);
  else return detail::eval_node<V>(N{}, e);
}

}  // namespace norn::codegen
