#pragma once
/// Surrogate gradients. A spike is H(u) forward; backward, its derivative is replaced by a
/// smooth surrogate dH/du ≈ g(u; alpha). A surrogate is declared like a model: a name, a
/// default alpha and the expression g in the symbols `u` and `alpha` below. The built-in
/// ones are listed in dsl/surrogates.hpp; a model names its default
/// (`static constexpr auto surrogate = ...`), which may be one of its own.

#include <dsl/literals.hpp>
#include <dsl/operators.hpp>

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

}  // namespace norn::dsl
