#pragma once
/// Surrogate gradients. A spike is H(u) forward; backward, its derivative is replaced by a
/// smooth surrogate dH/du ≈ g(u; alpha). A surrogate is declared like a model: a name, a
/// default alpha and the expression g in the symbols `u` and `alpha` below. Models name
/// their default; populations may choose another (see codegen/adjoint.hpp).

#include <dsl/literals.hpp>
#include <dsl/operators.hpp>

#include <numbers>

namespace norn::dsl {

/// The argument of the spike function inside a surrogate declaration.
inline constexpr symbol<symbol_kind::surrogate, "u"> u{};
/// The surrogate's width parameter.
inline constexpr symbol<symbol_kind::surrogate, "alpha"> alpha{};

/// A surrogate gradient: `derivative` is an expression in u and alpha.
template <fixed_string Name, double DefaultAlpha, class Derivative>
struct surrogate {
  static constexpr auto name = Name;
  static constexpr double default_alpha = DefaultAlpha;
  using derivative = Derivative;
};

/// Declares a surrogate from its derivative expression: `make_surrogate<"mine", 5.0>(1_c / (1_c + alpha * abs(u)))`.
template <fixed_string Name, double DefaultAlpha, class E>
constexpr auto make_surrogate(const E&) {
  static_assert(expression<E>, "norn: a surrogate is declared by an expression in dsl::u and dsl::alpha");
  return surrogate<Name, DefaultAlpha, E>{};
}

namespace surrogates {
using namespace norn::literals;

/// SuperSpike (Zenke & Ganguli 2018), Norse's default: 1 / (alpha |u| + 1)^2, alpha = 100.
inline constexpr auto superspike = make_surrogate<"superspike", 100.0>(1_c / pow(alpha * abs(u) + 1_c, 2_c));
/// The fast sigmoid's derivative, snnTorch's fast_sigmoid (slope 25): 1 / (alpha |u| + 1)^2.
inline constexpr auto fast_sigmoid = make_surrogate<"fast_sigmoid", 25.0>(1_c / pow(alpha * abs(u) + 1_c, 2_c));
/// snnTorch's atan (its default, alpha = 2): (alpha / 2) / (1 + (pi / 2 * alpha * u)^2).
inline constexpr auto arctan = make_surrogate<"arctan", 2.0>(
    (alpha / 2_c) / (1_c + pow(constant<std::numbers::pi / 2>{} * alpha * u, 2_c)));
/// Triangle (Bellec et al. 2018; Norse's triangle): alpha * max(0, 1 - |u|), alpha = 0.3.
inline constexpr auto triangle = make_surrogate<"triangle", 0.3>(alpha * relu(1_c - abs(u)));
/// Straight-through estimator: the gradient passes unchanged.
inline constexpr auto straight_through = make_surrogate<"straight_through", 1.0>(1_c);
/// No surrogate: the true derivative of H, zero (Norse's method "heaviside"). Spikes then
/// pass no gradient; gradient checks against finite differences use it.
inline constexpr auto heaviside = make_surrogate<"heaviside", 1.0>(0_c);
}  // namespace surrogates

}  // namespace norn::dsl
