#pragma once
/// The operators and functions that build expression nodes from states, parameters,
/// locals, the input and constants. They only build; codegen/ gives the nodes meaning.

#include <dsl/declarations.hpp>

#include <type_traits>

namespace norn::dsl {

namespace detail {
template <class T>
concept plain_number = std::is_arithmetic_v<std::remove_cvref_t<T>>;

template <class T>
constexpr void reject_plain_number() {
  static_assert(!plain_number<T>,
                "norn: a plain number appears in a model equation; write it as a "
                "compile-time constant, e.g. 0.5_c instead of 0.5 (using namespace "
                "norn::literals)");
}

template <class Op, class L, class R>
constexpr auto make_binary(const L&, const R&) {
  reject_plain_number<L>();
  reject_plain_number<R>();
  if constexpr (expression_like<L> && expression_like<R>)
    return binary<Op, node_t<L>, node_t<R>>{};
}

template <class Op, class A>
constexpr auto make_unary(const A&) {
  reject_plain_number<A>();
  if constexpr (expression_like<A>) return unary<Op, node_t<A>>{};
}

template <class L, class R>
concept operands = (expression_like<L> || expression_like<R>) &&
                   (expression_like<L> || plain_number<L>) &&
                   (expression_like<R> || plain_number<R>);
}  // namespace detail

// ---- arithmetic ----------------------------------------------------------------------
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator+(const L& l, const R& r) { return detail::make_binary<add_op>(l, r); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator-(const L& l, const R& r) { return detail::make_binary<sub_op>(l, r); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator*(const L& l, const R& r) { return detail::make_binary<mul_op>(l, r); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator/(const L& l, const R& r) { return detail::make_binary<div_op>(l, r); }
template <expression_like A>
constexpr auto operator-(const A& a) { return detail::make_unary<neg_op>(a); }
template <expression_like A>
constexpr auto operator+(const A& a) { return node_t<A>{}; }

/// base^exponent; integer constant exponents are evaluated by multiplication.
template <class L, class R> requires detail::operands<L, R>
constexpr auto pow(const L& base, const R& exponent) { return detail::make_binary<pow_op>(base, exponent); }

// ---- comparisons: 0 or 1, derivative 0 --------------------------------------------------
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator>(const L& l, const R& r) { return detail::make_binary<gt_op>(l, r); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator>=(const L& l, const R& r) { return detail::make_binary<ge_op>(l, r); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator<(const L& l, const R& r) { return detail::make_binary<lt_op>(l, r); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto operator<=(const L& l, const R& r) { return detail::make_binary<le_op>(l, r); }

// ---- elementary and piecewise functions ------------------------------------------------
template <expression_like A> constexpr auto exp(const A& a) { return detail::make_unary<exp_op>(a); }
template <expression_like A> constexpr auto log(const A& a) { return detail::make_unary<log_op>(a); }
template <expression_like A> constexpr auto sqrt(const A& a) { return detail::make_unary<sqrt_op>(a); }
template <expression_like A> constexpr auto tanh(const A& a) { return detail::make_unary<tanh_op>(a); }
template <expression_like A> constexpr auto sigmoid(const A& a) { return detail::make_unary<sigmoid_op>(a); }
template <expression_like A> constexpr auto abs(const A& a) { return detail::make_unary<abs_op>(a); }
/// max(a, 0)
template <expression_like A> constexpr auto relu(const A& a) { return detail::make_unary<relu_op>(a); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto min(const L& l, const R& r) { return detail::make_binary<min_op>(l, r); }
template <class L, class R> requires detail::operands<L, R>
constexpr auto max(const L& l, const R& r) { return detail::make_binary<max_op>(l, r); }

/// H(a): 1 where a > 0, else 0 (H(0) = 0); its derivative is 0.
template <expression_like A> constexpr auto heaviside(const A& a) { return detail::make_unary<heaviside_op>(a); }
/// H(a) forward; backward, the surrogate derivative chosen for the population.
template <expression_like A> constexpr auto spike_fn(const A& a) { return detail::make_unary<spike_op>(a); }
/// a forward, no gradient backward (PyTorch's detach()).
template <expression_like A> constexpr auto detach(const A& a) { return detail::make_unary<detach_op>(a); }

/// a where c > 0, else b; no gradient flows through c.
template <expression_like C, class A, class B> requires detail::operands<A, B>
constexpr auto select(const C&, const A& a, const B& b) {
  detail::reject_plain_number<A>();
  detail::reject_plain_number<B>();
  if constexpr (expression_like<A> && expression_like<B>)
    return ternary<select_op, node_t<C>, node_t<A>, node_t<B>>{};
}

}  // namespace norn::dsl
