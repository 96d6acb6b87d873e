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

// ---- the rules -------------------------------------------------------------------------

template <class V, class Env, symbol_kind K, dsl::fixed_string N>
inline V eval(symbol<K, N>, const Env& env) {
  return env.template get<symbol<K, N>>();
}

template <class V, class Env, double C>
inline V eval(constant<C>, const Env&) {
  return V(C);
}

// Unary operators: a is the operand's value.
template <class V, class Env, class A>
inline V eval(unary<dsl::neg_op, A>, const Env& e) { return -eval<V>(A{}, e); }
template <class V, class Env, class A>
inline V eval(unary<dsl::exp_op, A>, const Env& e) { using std::exp; return exp(eval<V>(A{}, e)); }
template <class V, class Env, class A>
inline V eval(unary<dsl::log_op, A>, const Env& e) { using std::log; return log(eval<V>(A{}, e)); }
template <class V, class Env, class A>
inline V eval(unary<dsl::sqrt_op, A>, const Env& e) { using std::sqrt; return sqrt(eval<V>(A{}, e)); }
template <class V, class Env, class A>
inline V eval(unary<dsl::tanh_op, A>, const Env& e) { using std::tanh; return tanh(eval<V>(A{}, e)); }
template <class V, class Env, class A>
inline V eval(unary<dsl::sigmoid_op, A>, const Env& e) { return sigmoid_value(eval<V>(A{}, e)); }
template <class V, class Env, class A>
inline V eval(unary<dsl::abs_op, A>, const Env& e) { return abs_value(eval<V>(A{}, e)); }
template <class V, class Env, class A>
inline V eval(unary<dsl::relu_op, A>, const Env& e) {
  const V a = eval<V>(A{}, e);
  return a > V(0) ? a : V(0);
}
template <class V, class Env, class A>
inline V eval(unary<dsl::heaviside_op, A>, const Env& e) { return heaviside_value(eval<V>(A{}, e)); }
template <class V, class Env, class A>
inline V eval(unary<dsl::spike_op, A>, const Env& e) { return spike_value(eval<V>(A{}, e), e.policy()); }
template <class V, class Env, class A>
inline V eval(unary<dsl::reset_gate_op, A>, const Env& e) { return reset_gate_value(eval<V>(A{}, e), e.policy()); }
template <class V, class Env, class A>
inline V eval(unary<dsl::detach_op, A>, const Env& e) { return detach_value(eval<V>(A{}, e)); }

// Binary operators: l and r are the operands' values.
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::add_op, L, R>, const Env& e) { return eval<V>(L{}, e) + eval<V>(R{}, e); }
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::sub_op, L, R>, const Env& e) { return eval<V>(L{}, e) - eval<V>(R{}, e); }
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::mul_op, L, R>, const Env& e) { return eval<V>(L{}, e) * eval<V>(R{}, e); }
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::div_op, L, R>, const Env& e) { return eval<V>(L{}, e) / eval<V>(R{}, e); }
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::pow_op, L, R>, const Env& e) {
  if constexpr (dsl::is_constant_v<R> && small_integer_v<R::value>) {
    return integer_power<int(R::value)>(eval<V>(L{}, e));
  } else {
    using std::pow;
    return pow(eval<V>(L{}, e), eval<V>(R{}, e));
  }
}
// min and max keep the left operand on ties; their derivative rules agree.
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::min_op, L, R>, const Env& e) {
  const V l = eval<V>(L{}, e), r = eval<V>(R{}, e);
  return r < l ? r : l;
}
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::max_op, L, R>, const Env& e) {
  const V l = eval<V>(L{}, e), r = eval<V>(R{}, e);
  return l < r ? r : l;
}
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::gt_op, L, R>, const Env& e) { return eval<V>(L{}, e) > eval<V>(R{}, e) ? V(1) : V(0); }
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::ge_op, L, R>, const Env& e) { return eval<V>(L{}, e) >= eval<V>(R{}, e) ? V(1) : V(0); }
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::lt_op, L, R>, const Env& e) { return eval<V>(L{}, e) < eval<V>(R{}, e) ? V(1) : V(0); }
template <class V, class Env, class L, class R>
inline V eval(binary<dsl::le_op, L, R>, const Env& e) { return eval<V>(L{}, e) <= eval<V>(R{}, e) ? V(1) : V(0); }

template <class V, class Env, class C, class A, class B>
inline V eval(ternary<dsl::select_op, C, A, B>, const Env& e) {
  const V a = eval<V>(A{}, e), b = eval<V>(B{}, e);
  return eval<V>(C{}, e) > V(0) ? a : b;
}

}  // namespace norn::codegen
