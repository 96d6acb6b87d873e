#pragma once
/// Numbers inside model equations are compile-time constants: write `0.04_c`, `1_c`.
/// They become `constant<0.04>` nodes, so simplification can fold them and generated
/// code prints them exactly.

#include <dsl/expr.hpp>

namespace norn::dsl::detail {

/// Parses the characters of a numeric literal (`12`, `0.04`, `1e-3`, `2.5E+2`, `1'000`).
/// Mantissa digits are gathered as an integer and scaled once by a power of ten, exact up
/// to 10^22: a literal of up to 15 significant digits with a decimal exponent within ±22
/// is the correctly rounded double (beyond, it may differ from it in the last bit).
template <char... Cs>
consteval double parse_literal() {
  constexpr char text[] = {Cs..., '\0'};
  double mantissa = 0.0;
  int decimals = 0;
  bool after_point = false;
  int exponent = 0;
  int exponent_sign = 1;
  int digits = 0;
  std::size_t k = 0;
  for (; text[k] != '\0' && text[k] != 'e' && text[k] != 'E'; ++k) {
    const char c = text[k];
    if (c == '\'') continue;
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (c < '0' || c > '9') throw "norn: _c takes decimal literals such as 0.04_c or 1e-3_c";
    if (digits < 17) {
      mantissa = mantissa * 10.0 + (c - '0');
      ++digits;
      if (after_point) ++decimals;
    } else if (!after_point) {
      --decimals;  // digits beyond precision still scale the value
    }
  }
  if (text[k] == 'e' || text[k] == 'E') {
    ++k;
    if (text[k] == '-') exponent_sign = -1, ++k;
    else if (text[k] == '+') ++k;
    for (; text[k] != '\0'; ++k) exponent = exponent * 10 + (text[k] - '0');
  }
  const int scale = exponent_sign * exponent - decimals;
  double power = 1.0;
  for (int n = 0; n < (scale < 0 ? -scale : scale); ++n) power *= 10.0;
  return scale < 0 ? mantissa / power : mantissa * power;
}

}  // namespace norn::dsl::detail

namespace norn {
inline namespace literals {

/// `0.04_c` is the compile-time constant 0.04 inside a model's equations.
template <char... Cs>
consteval auto operator""_c() {
  return dsl::constant<dsl::detail::parse_literal<Cs...>()>{};
}

}  // namespace literals
}  // namespace norn
