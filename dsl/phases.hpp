#pragma once
/// The phases of a step, in the order a model declares them. Norse applies the input as a
/// current jump before integrating, snnTorch computes its reset from the previous
/// membrane: the order is part of the model, so a step is an explicit list of phases.
///
///   update(a = e, b = f)      simultaneous discrete assignments (input jumps, maps)
///   euler(ddt(v) = f, ...)    forward Euler: v <- v + dt * f, all states at once
///   spike(c)                  z <- H(c) forward, surrogate derivative backward
///   reset(v = e, ...)         v <- (1 - z) * v + z * e, through the spike's gradient
///                             (or with it detached, when a population asks for it)
///
/// Every phase reads the values left by the phase before it.

#include <dsl/declarations.hpp>

#include <boost/hana/tuple.hpp>

namespace norn::dsl {

namespace hana = boost::hana;

struct update_phase {};
struct euler_phase {};
struct spike_phase {};
struct reset_phase {};

/// One phase of a step: its kind and its items (assignments, ODEs or a condition).
template <class Kind, class... Items>
struct phase {
  using kind = Kind;
  static constexpr hana::tuple<Items...> items{};
};

namespace detail {
template <class T>
inline constexpr bool is_assignment_v = false;
template <class T, class E>
inline constexpr bool is_assignment_v<assignment<T, E>> = true;
template <class T>
inline constexpr bool is_ode_v = false;
template <class T, class E>
inline constexpr bool is_ode_v<ode<T, E>> = true;
template <class T>
inline constexpr bool is_phase_v = false;
template <class K, class... I>
inline constexpr bool is_phase_v<phase<K, I...>> = true;
}  // namespace detail

/// Simultaneous assignments: every right-hand side sees the values before this phase.
template <class... A>
constexpr auto update(const A&...) {
  static_assert((detail::is_assignment_v<A> && ...),
                "norn: update(...) takes assignments such as `i = i + input`");
  return phase<update_phase, A...>{};
}

/// Forward Euler over the given ODEs, all integrated from the same values.
template <class... O>
constexpr auto euler(const O&...) {
  static_assert((detail::is_ode_v<O> && ...),
                "norn: euler(...) takes equations such as `ddt(v) = tau_mem_inv * (v_leak - v)`");
  return phase<euler_phase, O...>{};
}

/// z <- H(condition): a spike where the condition is strictly positive.
template <class C>
constexpr auto spike(const C&) {
  static_assert(expression_like<C>,
                "norn: spike(...) takes the threshold condition as an expression, e.g. "
                "spike(v - v_th)");
  return phase<spike_phase, node_t<C>>{};
}

/// state <- (1 - z) * state + z * value, for each `state = value`.
template <class... A>
constexpr auto reset(const A&...) {
  static_assert((detail::is_assignment_v<A> && ...),
                "norn: reset(...) takes assignments such as `v = v_reset`");
  return phase<reset_phase, A...>{};
}

/// The whole step, phase by phase.
template <class... P>
constexpr auto phases(const P&...) {
  static_assert((detail::is_phase_v<P> && ...),
                "norn: phases(...) takes update(...), euler(...), spike(...) and reset(...)");
  return hana::tuple<P...>{};
}

}  // namespace norn::dsl
