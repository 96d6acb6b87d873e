#pragma once
/// Substitution: replaces every occurrence of one symbol by an expression, simplifying on
/// the way. Used to instantiate a surrogate's derivative g(u) at the spike's argument.

#include <codegen/simplify.hpp>

#include <type_traits>

namespace norn::codegen {

// Declared first so that each overload sees the others.
template <class From, class To, class E>
constexpr auto substitute(E);
template <class From, class To, class Op, class A>
constexpr auto substitute(unary<Op, A>);
template <class From, class To, class Op, class L, class R>
constexpr auto substitute(binary<Op, L, R>);
template <class From, class To, class Op, class C, class A, class B>
constexpr auto substitute(ternary<Op, C, A, B>);

template <class From, class To, class E>
constexpr auto substitute(E) {
  if constexpr (std::is_same_v<E, From>) return To{};
  else return E{};  // other symbols and constants
}
template <class From, class To, class Op, class A>
constexpr auto substitute(unary<Op, A>) {
  return make<Op>(substitute<From, To>(A{}));
}
template <class From, class To, class Op, class L, class R>
constexpr auto substitute(binary<Op, L, R>) {
  return make<Op>(substitute<From, To>(L{}), substitute<From, To>(R{}));
}
template <class From, class To, class Op, class C, class A, class B>
constexpr auto substitute(ternary<Op, C, A, B>) {
  return make<Op>(substitute<From, To>(C{}), substitute<From, To>(A{}), substitute<From, To>(B{}));
}

template <class From, class To, class E>
using substituted_t = decltype(substitute<From, To>(E{}));

}  // namespace norn::codegen
