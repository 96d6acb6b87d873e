#pragma once
/// Lowering: every phase of a model becomes one set of simultaneous assignments
/// `target <- expression`, with the expression simplified.
///
///   update(a = e)         a <- e
///   euler(ddt(s) = f)     s <- s + dt * f
///   spike(c)              z <- spike(c)
///   reset(s = e)          s <- (1 - g) * s + g * e,   g = reset_gate(z)

#include <codegen/simplify.hpp>
#include <dsl/model.hpp>

#include <boost/hana/transform.hpp>
#include <boost/hana/tuple.hpp>

namespace norn::codegen {

namespace hana = boost::hana;

/// One lowered phase: simultaneous assignments, each reading the values before the phase.
template <class... Assignments>
struct lowered_phase {
  static constexpr std::size_t size = sizeof...(Assignments);
};

namespace detail {
using z_symbol = dsl::symbol<dsl::symbol_kind::local, "z">;
using dt_symbol = dsl::symbol<dsl::symbol_kind::time_step, "dt">;

template <class T, class E>
using lowered_t = dsl::assignment<T, simplified_t<E>>;

template <class... A>
constexpr auto lower(dsl::phase<dsl::update_phase, A...>) {
  return lowered_phase<lowered_t<typename A::target, typename A::expr>...>{};
}

template <class S, class F>
using euler_t = binary<dsl::add_op, S, binary<dsl::mul_op, dt_symbol, F>>;

template <class... O>
constexpr auto lower(dsl::phase<dsl::euler_phase, O...>) {
  return lowered_phase<lowered_t<typename O::target, euler_t<typename O::target, typename O::expr>>...>{};
}

template <class C>
constexpr auto lower(dsl::phase<dsl::spike_phase, C>) {
  return lowered_phase<lowered_t<z_symbol, unary<dsl::spike_op, C>>>{};
}

using gate_t = unary<dsl::reset_gate_op, z_symbol>;
template <class S, class E>
using reset_t = binary<dsl::add_op, binary<dsl::mul_op, binary<dsl::sub_op, constant<1.0>, gate_t>, S>,
                       binary<dsl::mul_op, gate_t, E>>;

template <class... A>
constexpr auto lower(dsl::phase<dsl::reset_phase, A...>) {
  return lowered_phase<lowered_t<typename A::target, reset_t<typename A::target, typename A::expr>>...>{};
}
}  // namespace detail

/// The lowered step of model M: a Hana tuple of lowered phases.
template <class M>
inline constexpr auto lowered_step = hana::transform(M::step, [](auto p) { return detail::lower(p); });

}  // namespace norn::codegen
