#pragma once
/// The symbols an expression reads, as a Hana tuple of types (duplicates kept, in order).

#include <dsl/expr.hpp>

#include <boost/hana/concat.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <type_traits>

namespace norn::dsl {

namespace hana = boost::hana;

template <symbol_kind K, fixed_string N>
constexpr auto symbols_of(symbol<K, N>) {
  return hana::tuple_t<symbol<K, N>>;
}
template <double V>
constexpr auto symbols_of(constant<V>) {
  return hana::tuple_t<>;
}
template <class Op, class A>
constexpr auto symbols_of(unary<Op, A>) {
  return symbols_of(A{});
}
template <class Op, class L, class R>
constexpr auto symbols_of(binary<Op, L, R>) {
  return hana::concat(symbols_of(L{}), symbols_of(R{}));
}
template <class Op, class A, class B, class C>
constexpr auto symbols_of(ternary<Op, A, B, C>) {
  return hana::concat(hana::concat(symbols_of(A{}), symbols_of(B{})), symbols_of(C{}));
}

/// Whether expression E reads symbol S (memoized per pair by the compiler, so cheap to ask
/// at every node of a tree).
template <class E, class S>
inline constexpr bool reads_v = false;
template <symbol_kind K, fixed_string N, class S>
inline constexpr bool reads_v<symbol<K, N>, S> = std::is_same_v<symbol<K, N>, S>;
template <class Op, class A, class S>
inline constexpr bool reads_v<unary<Op, A>, S> = reads_v<A, S>;
template <class Op, class L, class R, class S>
inline constexpr bool reads_v<binary<Op, L, R>, S> = reads_v<L, S> || reads_v<R, S>;
template <class Op, class A, class B, class C, class S>
inline constexpr bool reads_v<ternary<Op, A, B, C>, S> = reads_v<A, S> || reads_v<B, S> || reads_v<C, S>;

}  // namespace norn::dsl
