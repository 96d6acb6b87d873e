#pragma once
/// Compile-time simplification. `make<Op>(a, b)` builds a node and simplifies it on the
/// way (0·x → 0, 1·x → x, x + 0 → x, −(−x) → x, constants folded, ...);
/// `simplify(e)` rebuilds a whole tree through these constructors. The derivative rules
/// build with `make`, so derived expressions come out as lean as hand-written ones.

#include <dsl/expr.hpp>

#include <type_traits>

namespace norn::codegen {

using dsl::binary;
using dsl::constant;
using dsl::ternary;
using dsl::unary;

namespace detail {
template <class T, double V>
inline constexpr bool is_value_v = false;
template <double C, double V>
inline constexpr bool is_value_v<constant<C>, V> = (C == V);

template <class T>
inline constexpr bool is_neg_v = false;
template <class A>
inline constexpr bool is_neg_v<unary<dsl::neg_op, A>> = true;

template <class T>
struct neg_operand;
template <class A>
struct neg_operand<unary<dsl::neg_op, A>> {
  using type = A;
};

using zero = constant<0.0>;
using one = constant<1.0>;

template <class Op>
inline constexpr bool is_comparison_v =
    std::is_same_v<Op, dsl::gt_op> || std::is_same_v<Op, dsl::ge_op> ||
    std::is_same_v<Op, dsl::lt_op> || std::is_same_v<Op, dsl::le_op>;
}  // namespace detail

// ---- unary --------------------------------------------------------------------------------

/// Builds `Op(a)`, simplified.
template <class Op, class A>
constexpr auto make(A) {
  using namespace detail;
  if constexpr (std::is_same_v<Op, dsl::neg_op>) {
    if constexpr (dsl::is_constant_v<A>) return constant<-A::value + 0.0>{};  // −c, no −0
    else if constexpr (is_neg_v<A>) return typename neg_operand<A>::type{};   // −(−x) → x
    else return unary<Op, A>{};
  } else if constexpr (std::is_same_v<Op, dsl::heaviside_op> && dsl::is_constant_v<A>) {
    return constant<(A::value > 0.0 ? 1.0 : 0.0)>{};
  } else if constexpr (std::is_same_v<Op, dsl::relu_op> && dsl::is_constant_v<A>) {
    return constant<(A::value > 0.0 ? A::value : 0.0)>{};
  } else if constexpr (std::is_same_v<Op, dsl::abs_op> && dsl::is_constant_v<A>) {
    return constant<(A::value < 0.0 ? -A::value : A::value)>{};
  } else if constexpr (std::is_same_v<Op, dsl::detach_op> && dsl::is_constant_v<A>) {
    return A{};  // a constant has no gradient to cut
  } else {
    return unary<Op, A>{};
  }
}

// ---- binary ---------------------------------------------------------------------------------

/// Builds `l Op r`, simplified.
template <class Op, class L, class R>
constexpr auto make(L, R) {
  using namespace detail;
  constexpr bool both_constant = dsl::is_constant_v<L> && dsl::is_constant_v<R>;
  if constexpr (std::is_same_v<Op, dsl::add_op>) {
    if constexpr (both_constant) return constant<L::value + R::value>{};
    else if constexpr (is_value_v<L, 0.0>) return R{};                         // 0 + x → x
    else if constexpr (is_value_v<R, 0.0>) return L{};                         // x + 0 → x
    else if constexpr (is_neg_v<R>) return make<dsl::sub_op>(L{}, typename neg_operand<R>::type{});  // x + (−y) → x − y
    else if constexpr (is_neg_v<L>) return make<dsl::sub_op>(R{}, typename neg_operand<L>::type{});  // (−x) + y → y − x
    else return binary<Op, L, R>{};
  } else if constexpr (std::is_same_v<Op, dsl::sub_op>) {
    if constexpr (both_constant) return constant<L::value - R::value>{};
    else if constexpr (is_value_v<R, 0.0>) return L{};                         // x − 0 → x
    else if constexpr (is_value_v<L, 0.0>) return make<dsl::neg_op>(R{});      // 0 − x → −x
    else if constexpr (std::is_same_v<L, R>) return zero{};                    // x − x → 0
    else if constexpr (is_neg_v<R>) return make<dsl::add_op>(L{}, typename neg_operand<R>::type{});  // x − (−y) → x + y
    else return binary<Op, L, R>{};
  } else if constexpr (std::is_same_v<Op, dsl::mul_op>) {
    if constexpr (both_constant) return constant<L::value * R::value>{};
    else if constexpr (is_value_v<L, 0.0> || is_value_v<R, 0.0>) return zero{};  // 0·x → 0
    else if constexpr (is_value_v<L, 1.0>) return R{};                         // 1·x → x
    else if constexpr (is_value_v<R, 1.0>) return L{};                         // x·1 → x
    else if constexpr (is_value_v<L, -1.0>) return make<dsl::neg_op>(R{});     // (−1)·x → −x
    else if constexpr (is_value_v<R, -1.0>) return make<dsl::neg_op>(L{});     // x·(−1) → −x
    else if constexpr (is_neg_v<L> && is_neg_v<R>)                             // (−x)(−y) → xy
      return make<Op>(typename neg_operand<L>::type{}, typename neg_operand<R>::type{});
    else if constexpr (is_neg_v<L>)                                            // (−x)·y → −(xy)
      return make<dsl::neg_op>(make<Op>(typename neg_operand<L>::type{}, R{}));
    else if constexpr (is_neg_v<R>)                                            // x·(−y) → −(xy)
      return make<dsl::neg_op>(make<Op>(L{}, typename neg_operand<R>::type{}));
    else if constexpr (dsl::is_constant_v<R>) return binary<Op, R, L>{};       // constants first
    else return binary<Op, L, R>{};
  } else if constexpr (std::is_same_v<Op, dsl::div_op>) {
    if constexpr (both_constant && !is_value_v<R, 0.0>) return constant<L::value / R::value>{};
    else if constexpr (is_value_v<L, 0.0>) return zero{};                      // 0 / x → 0
    else if constexpr (is_value_v<R, 1.0>) return L{};                         // x / 1 → x
    else if constexpr (is_neg_v<L>)                                            // (−x)/y → −(x/y)
      return make<dsl::neg_op>(make<Op>(typename neg_operand<L>::type{}, R{}));
    else return binary<Op, L, R>{};
  } else if constexpr (std::is_same_v<Op, dsl::pow_op>) {
    if constexpr (is_value_v<R, 0.0>) return one{};                            // x^0 → 1
    else if constexpr (is_value_v<R, 1.0>) return L{};                         // x^1 → x
    else return binary<Op, L, R>{};
  } else if constexpr (is_comparison_v<Op> && both_constant) {
    constexpr bool v = std::is_same_v<Op, dsl::gt_op>   ? L::value > R::value
                       : std::is_same_v<Op, dsl::ge_op> ? L::value >= R::value
                       : std::is_same_v<Op, dsl::lt_op> ? L::value < R::value
                                                        : L::value <= R::value;
    return constant<(v ? 1.0 : 0.0)>{};
  } else if constexpr ((std::is_same_v<Op, dsl::min_op> || std::is_same_v<Op, dsl::max_op>) &&
                       both_constant) {
    constexpr bool take_right =
        std::is_same_v<Op, dsl::min_op> ? R::value < L::value : L::value < R::value;
    return constant<(take_right ? R::value : L::value)>{};
  } else {
    return binary<Op, L, R>{};
  }
}

// ---- ternary --------------------------------------------------------------------------------

/// Builds `select(c, a, b)`, simplified.
template <class Op, class C, class A, class B>
constexpr auto make(C, A, B) {
  if constexpr (std::is_same_v<A, B>) return A{};
  else if constexpr (dsl::is_constant_v<C>) {
    if constexpr (C::value > 0.0) return A{};
    else return B{};
  } else {
    return ternary<Op, C, A, B>{};
  }
}

// ---- whole trees ------------------------------------------------------------------------------

// Declared first so that each overload sees the others (the nodes live in norn::dsl, so
// argument-dependent lookup would not find them here).
template <class E>
constexpr auto simplify(E e);
template <class Op, class A>
constexpr auto simplify(unary<Op, A>);
template <class Op, class L, class R>
constexpr auto simplify(binary<Op, L, R>);
template <class Op, class C, class A, class B>
constexpr auto simplify(ternary<Op, C, A, B>);

template <class E>
constexpr auto simplify(E e) {
  return e;  // symbols and constants
}
template <class Op, class A>
constexpr auto simplify(unary<Op, A>) {
  return make<Op>(simplify(A{}));
}
template <class Op, class L, class R>
constexpr auto simplify(binary<Op, L, R>) {
  return make<Op>(simplify(L{}), simplify(R{}));
}
template <class Op, class C, class A, class B>
constexpr auto simplify(ternary<Op, C, A, B>) {
  return make<Op>(simplify(C{}), simplify(A{}), simplify(B{}));
}

template <class E>
using simplified_t = decltype(simplify(E{}));

}  // namespace norn::codegen
