#pragma once
/// Symbolic differentiation at compile time: `derivative<Surrogate>(e, s)` is ∂e/∂s as a
/// new, simplified expression. One rule per operator tag, each preceded by its formula.
/// Spikes differentiate through the surrogate (its declared g(u) instantiated at the
/// spike's argument); the reset gate through `reset_grad`, a run-time 1 (Norse) or 0
/// (snnTorch's detached reset).

#include <codegen/simplify.hpp>
#include <codegen/substitute.hpp>
#include <dsl/surrogates.hpp>
#include <dsl/symbols_of.hpp>

#include <boost/hana/contains.hpp>

#include <type_traits>

namespace norn::codegen {

namespace hana = boost::hana;

/// 1 when the reset is differentiated through the spike, 0 when it is detached.
using reset_grad_symbol = dsl::symbol<dsl::symbol_kind::surrogate, "reset_grad">;
using surrogate_arg_symbol = dsl::symbol<dsl::symbol_kind::surrogate, "u">;
using surrogate_alpha_symbol = dsl::symbol<dsl::symbol_kind::surrogate, "alpha">;

namespace detail {
using zero_t = constant<0.0>;
using one_t = constant<1.0>;

template <class G, class Da>
constexpr auto chain(G g, Da da) {
  return make<dsl::mul_op>(g, da);
}
}  // namespace detail

template <class Sg, class E, class S>
constexpr auto derivative(E, S);

namespace detail {

// ---- unary rules: a is the operand, da its derivative -------------------------------------

// d(−a) = −da
template <class Sg, class A, class Da>
constexpr auto rule(dsl::neg_op, A, Da da) { return make<dsl::neg_op>(da); }
// d exp(a) = exp(a) da
template <class Sg, class A, class Da>
constexpr auto rule(dsl::exp_op, A a, Da da) { return chain(make<dsl::exp_op>(a), da); }
// d log(a) = da / a
template <class Sg, class A, class Da>
constexpr auto rule(dsl::log_op, A a, Da da) { return make<dsl::div_op>(da, a); }
// d sqrt(a) = da / (2 sqrt(a))
template <class Sg, class A, class Da>
constexpr auto rule(dsl::sqrt_op, A a, Da da) {
  return make<dsl::div_op>(da, make<dsl::mul_op>(constant<2.0>{}, make<dsl::sqrt_op>(a)));
}
// d tanh(a) = (1 − tanh(a)²) da
template <class Sg, class A, class Da>
constexpr auto rule(dsl::tanh_op, A a, Da da) {
  const auto t = make<dsl::tanh_op>(a);
  return chain(make<dsl::sub_op>(one_t{}, make<dsl::mul_op>(t, t)), da);
}
// d σ(a) = σ(a) (1 − σ(a)) da
template <class Sg, class A, class Da>
constexpr auto rule(dsl::sigmoid_op, A a, Da da) {
  const auto s = make<dsl::sigmoid_op>(a);
  return chain(make<dsl::mul_op>(s, make<dsl::sub_op>(one_t{}, s)), da);
}
// d |a| = sign(a) da, sign(0) = 0
template <class Sg, class A, class Da>
constexpr auto rule(dsl::abs_op, A a, Da da) {
  return chain(make<dsl::sub_op>(make<dsl::gt_op>(a, zero_t{}), make<dsl::lt_op>(a, zero_t{})), da);
}
// d relu(a) = H(a) da
template <class Sg, class A, class Da>
constexpr auto rule(dsl::relu_op, A a, Da da) { return chain(make<dsl::heaviside_op>(a), da); }
// d H(a) = 0
template <class Sg, class A, class Da>
constexpr auto rule(dsl::heaviside_op, A, Da) { return zero_t{}; }
// d spike(a) = g(a; alpha) da, g the surrogate
template <class Sg, class A, class Da>
constexpr auto rule(dsl::spike_op, A, Da da) {
  return chain(substitute<surrogate_arg_symbol, A>(typename Sg::derivative{}), da);
}
// d gate(a) = reset_grad · da
template <class Sg, class A, class Da>
constexpr auto rule(dsl::reset_gate_op, A, Da da) { return chain(reset_grad_symbol{}, da); }
// d detach(a) = 0
template <class Sg, class A, class Da>
constexpr auto rule(dsl::detach_op, A, Da) { return zero_t{}; }

// ---- binary rules: l, r the operands, dl, dr their derivatives -----------------------------

// d(l + r) = dl + dr
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::add_op, L, R, Dl dl, Dr dr) { return make<dsl::add_op>(dl, dr); }
// d(l − r) = dl − dr
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::sub_op, L, R, Dl dl, Dr dr) { return make<dsl::sub_op>(dl, dr); }
// d(l r) = dl r + l dr
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::mul_op, L l, R r, Dl dl, Dr dr) {
  return make<dsl::add_op>(make<dsl::mul_op>(dl, r), make<dsl::mul_op>(l, dr));
}
// d(l / r) = dl / r − l dr / r²
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::div_op, L l, R r, Dl dl, Dr dr) {
  return make<dsl::sub_op>(make<dsl::div_op>(dl, r),
                           make<dsl::div_op>(make<dsl::mul_op>(l, dr), make<dsl::mul_op>(r, r)));
}
// d(l^r) = r l^(r−1) dl + l^r log(l) dr
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::pow_op, L l, R r, Dl dl, Dr dr) {
  const auto by_base = make<dsl::mul_op>(make<dsl::mul_op>(r, make<dsl::pow_op>(l, make<dsl::sub_op>(r, one_t{}))), dl);
  if constexpr (std::is_same_v<Dr, zero_t>) {
    return by_base;
  } else {
    return make<dsl::add_op>(by_base, make<dsl::mul_op>(make<dsl::mul_op>(make<dsl::pow_op>(l, r), make<dsl::log_op>(l)), dr));
  }
}
// d min(l, r) = [r ≥ l] dl + [r < l] dr   (ties keep l, as evaluation does)
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::min_op, L l, R r, Dl dl, Dr dr) {
  return make<dsl::add_op>(make<dsl::mul_op>(make<dsl::ge_op>(r, l), dl), make<dsl::mul_op>(make<dsl::lt_op>(r, l), dr));
}
// d max(l, r) = [l ≥ r] dl + [l < r] dr
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::max_op, L l, R r, Dl dl, Dr dr) {
  return make<dsl::add_op>(make<dsl::mul_op>(make<dsl::ge_op>(l, r), dl), make<dsl::mul_op>(make<dsl::lt_op>(l, r), dr));
}
// comparisons are piecewise constant: d(l > r) = 0, and likewise ≥, <, ≤
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::gt_op, L, R, Dl, Dr) { return zero_t{}; }
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::ge_op, L, R, Dl, Dr) { return zero_t{}; }
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::lt_op, L, R, Dl, Dr) { return zero_t{}; }
template <class Sg, class L, class R, class Dl, class Dr>
constexpr auto rule(dsl::le_op, L, R, Dl, Dr) { return zero_t{}; }

// d select(c, a, b) = select(c, da, db)
template <class Sg, class C, class A, class B, class Da, class Db>
constexpr auto rule(dsl::select_op, C c, A, B, Da da, Db db) { return make<dsl::select_op>(c, da, db); }

}  // namespace detail

namespace detail {
template <class Sg, class Op, class A, class S>
constexpr auto derive(unary<Op, A>, S) {
  return rule<Sg>(Op{}, A{}, derivative<Sg>(A{}, S{}));
}
template <class Sg, class Op, class L, class R, class S>
constexpr auto derive(binary<Op, L, R>, S) {
  return rule<Sg>(Op{}, L{}, R{}, derivative<Sg>(L{}, S{}), derivative<Sg>(R{}, S{}));
}
template <class Sg, class Op, class C, class A, class B, class S>
constexpr auto derive(ternary<Op, C, A, B>, S) {
  return rule<Sg>(Op{}, C{}, A{}, B{}, derivative<Sg>(A{}, S{}), derivative<Sg>(B{}, S{}));
}
}  // namespace detail

/// ∂e/∂s, simplified, with spikes differentiated through surrogate Sg.
template <class Sg, class E, class S>
constexpr auto derivative(E, S) {
  if constexpr (dsl::is_symbol_v<E>) {
    if constexpr (std::is_same_v<E, S>) return detail::one_t{};  // ds/ds = 1
    else return detail::zero_t{};                                // dt/ds = 0
  } else if constexpr (dsl::is_constant_v<E>) {
    return detail::zero_t{};  // dc = 0
  } else if constexpr (!dsl::reads_v<E, S>) {
    return detail::zero_t{};  // e does not read s
  } else {
    return detail::derive<Sg>(E{}, S{});
  }
}

template <class Sg, class E, class S>
using derivative_t = decltype(derivative<Sg>(E{}, S{}));

}  // namespace norn::codegen
