#pragma once
/// Declarations of the names a model uses: states (with their initial value), parameters
/// (with default, unit and meaning), and locals. A declaration stands for its symbol in
/// expressions; assigning an expression to a state or local declares one of its updates.

#include <dsl/expr.hpp>

#include <type_traits>

namespace norn::dsl {

/// `target = expression`: one simultaneous update inside a phase.
template <class Target, class Expr>
struct assignment {
  using target = Target;
  using expr = Expr;
};

/// `ddt(state) = expression`: one ordinary differential equation of an euler(...) phase.
template <class Target, class Expr>
struct ode {
  using target = Target;
  using expr = Expr;
};

namespace detail {
template <class>
inline constexpr bool always_false_v = false;

template <class Target, class E>
constexpr auto assign_to(const E&) {
  static_assert(expression_like<E>,
                "norn: the right-hand side of an assignment must be an expression of states, "
                "parameters, the input and constants; write numbers as 1.5_c");
  return assignment<Target, node_t<E>>{};
}
}  // namespace detail

/// A state variable, carried from one step to the next.
/// `static constexpr state<"v"> v{.initial = 0.0, .unit = "V", .doc = "membrane potential"};`
template <fixed_string Name>
struct state {
  using symbol_type = symbol<symbol_kind::state, Name>;
  static constexpr auto name = Name;
  double initial = 0.0;  ///< value at the start of a simulation
  const char* unit = "";
  const char* doc = "";

  template <class E>
  constexpr auto operator=(const E& e) const {
    return detail::assign_to<symbol_type>(e);
  }
};

/// A parameter: constant within a step, shared by a population or set per neuron, and
/// trainable. `static constexpr parameter<"tau_mem_inv"> tau_mem_inv{100.0, "1/s", "..."};`
template <fixed_string Name>
struct parameter {
  using symbol_type = symbol<symbol_kind::parameter, Name>;
  static constexpr auto name = Name;
  double value = 0.0;  ///< default
  const char* unit = "";
  const char* doc = "";

  template <class E>
  constexpr auto operator=(const E&) const {
    static_assert(detail::always_false_v<E>,
                  "norn: a parameter cannot be assigned inside a step; declare the "
                  "quantity as a state<\"...\"> or a local<\"...\"> instead");
  }
};

/// An intermediate value of one step, such as the spike z or a refractory mask.
template <fixed_string Name>
struct local {
  using symbol_type = symbol<symbol_kind::local, Name>;
  static constexpr auto name = Name;
  const char* doc = "";

  template <class E>
  constexpr auto operator=(const E& e) const {
    return detail::assign_to<symbol_type>(e);
  }
};

/// The left-hand side `ddt(v)` of an ODE.
template <class Symbol>
struct time_derivative {
  template <class E>
  constexpr auto operator=(const E&) const {
    static_assert(expression_like<E>,
                  "norn: the right-hand side of ddt(...) = ... must be an expression; write "
                  "numbers as 1.5_c");
    return ode<Symbol, node_t<E>>{};
  }
};

/// `ddt(v) = f` declares dv/dt = f, integrated with forward Euler.
template <class S>
constexpr auto ddt(const S&) {
  static_assert(declaration<S> && node_t<S>::kind == symbol_kind::state,
                "norn: ddt(...) takes a state declared as state<\"name\">; parameters, "
                "locals and the input have no dynamics of their own");
  return time_derivative<node_t<S>>{};
}

/// The input of the step (a current or a discrete increment, already weighted).
inline constexpr symbol<symbol_kind::input, "x"> input{};
/// The time step in seconds.
inline constexpr symbol<symbol_kind::time_step, "dt"> dt{};
/// The spike of the step, assigned by a spike(...) phase.
inline constexpr local<"z"> z{};

}  // namespace norn::dsl
