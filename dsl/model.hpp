#pragma once
/// A neuron model is a struct that derives from `neuron_model` and declares, purely as
/// data: its name, states, parameters, the phases of its step, for non-spiking models its
/// output, and optionally its roles (dsl/roles.hpp) and default surrogate. `check_model<M>()` verifies a declaration at compile time; every misuse
/// stops compilation with a message that gives the fix, and a note naming the model and
/// the variable.

#include <dsl/declarations.hpp>
#include <dsl/operators.hpp>
#include <dsl/phases.hpp>
#include <dsl/roles.hpp>
#include <dsl/symbols_of.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/transform.hpp>
#include <boost/hana/tuple.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace norn::dsl {

template <class... D>
constexpr auto declare(const D&... d);

/// Base of every model: brings the declaration vocabulary into the model's scope.
struct neuron_model {
  /// The list of a model's states or parameters (also with none: `declare()`).
  template <class... D>
  static constexpr auto declare(const D&... d) {
    return dsl::declare(d...);
  }
  template <fixed_string N>
  using state = dsl::state<N>;
  template <fixed_string N>
  using parameter = dsl::parameter<N>;
  template <fixed_string N>
  using local = dsl::local<N>;
  static constexpr auto input = dsl::input;
  static constexpr auto dt = dsl::dt;
  static constexpr auto z = dsl::z;
};

/// The list of a model's states or parameters, in the order users see them.
template <class... D>
constexpr auto declare(const D&... d) {
  static_assert((declaration<D> && ...),
                "norn: declare(...) takes state<\"...\"> or parameter<\"...\"> declarations");
  return hana::make_tuple(d...);
}

/// The shape every model has (what check_model<M>() then checks in depth).
template <class M>
concept model = std::is_base_of_v<neuron_model, M> && requires {
  M::name;
  M::states;
  M::parameters;
  M::step;
};

namespace detail {

template <class D>
using symbol_of_decl_t = typename std::remove_cvref_t<D>::symbol_type;

template <class Tuple>
constexpr auto symbol_types(const Tuple& decls) {
  return hana::transform(decls, [](const auto& d) {
    return hana::type_c<symbol_of_decl_t<decltype(d)>>;
  });
}

/// The targets assigned by one phase (z for a spike phase).
template <class K, class... I>
constexpr auto targets_of(phase<K, I...>) {
  if constexpr (std::is_same_v<K, spike_phase>)
    return hana::tuple_t<symbol<symbol_kind::local, "z">>;
  else
    return hana::tuple_t<typename I::target...>;
}

/// The expressions read by one phase.
template <class K, class... I>
constexpr auto expressions_of(phase<K, I...>) {
  if constexpr (std::is_same_v<K, spike_phase>)
    return hana::tuple_t<I...>;
  else
    return hana::tuple_t<typename I::expr...>;
}

/// Whether a symbol is assigned by any of the first `Count` phases.
template <class M, std::size_t Count, class S>
constexpr bool assigned_before() {
  bool found = false;
  constexpr auto& steps = M::step;
  [&]<std::size_t... P>(std::index_sequence<P...>) {
    ((found = found || decltype(hana::contains(targets_of(hana::at_c<P>(steps)), hana::type_c<S>))::value), ...);
  }(std::make_index_sequence<Count>{});
  return found;
}

// Each check below is a class template whose arguments are the model's name and the
// variable's name, so that the compiler's note on a failed static_assert names both.

template <fixed_string Model, fixed_string Variable, bool Ok>
struct state_needs_dynamics {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct used_name_must_be_declared {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct local_read_before_assigned {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct reset_target_must_be_state {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct assigned_state_must_be_declared {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct reset_needs_spike_first {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct name_declared_twice {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct surrogate_symbol_outside_surrogate {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct output_needs_declaration {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct membrane_role_needs_a_declared_state {
  static constexpr bool value = Ok;
};
template <fixed_string Model, fixed_string Variable, bool Ok>
struct threshold_role_needs_a_declared_parameter {
  static constexpr bool value = Ok;
};

template <class M, std::size_t P, class S>
constexpr void check_read() {
  constexpr auto states = symbol_types(M::states);
  constexpr auto params = symbol_types(M::parameters);
  if constexpr (S::kind == symbol_kind::state) {
    static_assert(used_name_must_be_declared<M::name, S::name,
                                             decltype(hana::contains(states, hana::type_c<S>))::value>::value,
                  "norn: an equation reads a state that the model does not declare. Fix: add "
                  "it to `states = declare(...)`");
  } else if constexpr (S::kind == symbol_kind::parameter) {
    static_assert(used_name_must_be_declared<M::name, S::name,
                                             decltype(hana::contains(params, hana::type_c<S>))::value>::value,
                  "norn: an equation reads a parameter that the model does not declare. Fix: "
                  "add it to `parameters = declare(...)`");
  } else if constexpr (S::kind == symbol_kind::local) {
    static_assert(local_read_before_assigned<M::name, S::name, assigned_before<M, P, S>()>::value,
                  "norn: a local is read before any earlier phase assigns it. Fix: assign it "
                  "in an earlier update(...) (or, for z, add a spike(...) phase first)");
  } else if constexpr (S::kind == symbol_kind::surrogate) {
    static_assert(surrogate_symbol_outside_surrogate<M::name, S::name, false>::value,
                  "norn: dsl::u and dsl::alpha belong in surrogate declarations, not in a model's "
                  "step. Fix: declare a parameter or a local instead");
  }
}

template <class M, std::size_t P, class K, class... I>
constexpr void check_phase(phase<K, I...> ph) {
  constexpr auto states = symbol_types(M::states);
  hana::for_each(expressions_of(ph), [](auto e) {
    hana::for_each(symbols_of(typename decltype(e)::type{}),
                   [](auto s) { check_read<M, P, typename decltype(s)::type>(); });
  });
  hana::for_each(targets_of(ph), [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (std::is_same_v<K, reset_phase>) {
      static_assert(reset_target_must_be_state<M::name, T::name,
                                               T::kind == symbol_kind::state>::value,
                    "norn: reset(...) assigns something that is not a state. Fix: reset states "
                    "only; assign locals in update(...)");
      static_assert(
          reset_needs_spike_first<M::name, T::name,
                                  assigned_before<M, P, symbol<symbol_kind::local, "z">>()>::value,
          "norn: reset(...) comes before any spike(...) phase. Fix: put spike(condition) "
          "before reset(...)");
    }
    if constexpr (T::kind == symbol_kind::state) {
      static_assert(assigned_state_must_be_declared<M::name, T::name,
                                                    decltype(hana::contains(states, hana::type_c<T>))::value>::value,
                    "norn: a phase assigns a state that the model does not declare. Fix: add it "
                    "to `states = declare(...)`");
    }
  });
}

template <class M, class Decl>
constexpr void check_state_has_dynamics() {
  using S = symbol_of_decl_t<Decl>;
  constexpr std::size_t phase_count = decltype(hana::length(M::step))::value;
  static_assert(state_needs_dynamics<M::name, S::name, assigned_before<M, phase_count, S>()>::value,
                "norn: a state has no dynamics. Fix: give it `ddt(name) = ...` in euler(...), or "
                "assign it in update(...) or reset(...)");
}

template <class M>
constexpr std::size_t spike_phase_count() {
  std::size_t n = 0;
  hana::for_each(M::step, [&](auto p) {
    if constexpr (std::is_same_v<typename decltype(p)::kind, spike_phase>) ++n;
  });
  return n;
}

/// How many states and parameters of M are called `Name`.
template <class M, fixed_string Name>
constexpr int declared_count() {
  int same = 0;
  hana::for_each(hana::concat(symbol_types(M::states), symbol_types(M::parameters)), [&](auto b) {
    if (decltype(b)::type::name.view() == Name.view()) ++same;
  });
  return same;
}

template <class M>
constexpr void check_names_unique() {
  hana::for_each(hana::concat(symbol_types(M::states), symbol_types(M::parameters)), [](auto a) {
    using S = typename decltype(a)::type;
    static_assert(name_declared_twice<M::name, S::name, declared_count<M, S::name>() == 1>::value,
                  "norn: two states or parameters share a name. Fix: rename one of them");
  });
}

template <class M, class Binding>
constexpr void check_role() {
  using S = typename Binding::symbol_type;
  using R = typename Binding::role_type;
  if constexpr (std::is_same_v<R, role::membrane>) {
    static_assert(membrane_role_needs_a_declared_state<
                      M::name, S::name,
                      decltype(hana::contains(symbol_types(M::states), hana::type_c<S>))::value>::value,
                  "norn: `dsl::membrane = ...` names something that is not one of the model's states. Fix: name "
                  "the state that holds the membrane potential");
  } else {
    static_assert(threshold_role_needs_a_declared_parameter<
                      M::name, S::name,
                      decltype(hana::contains(symbol_types(M::parameters), hana::type_c<S>))::value>::value,
                  "norn: `dsl::threshold = ...` names something that is not one of the model's parameters. Fix: "
                  "name the parameter that holds the firing threshold");
  }
}

}  // namespace detail

/// Whether the model's step contains a spike(...) phase.
template <model M>
inline constexpr bool is_spiking_v = detail::spike_phase_count<M>() > 0;

/// Checks a model declaration at compile time; each failure names the model and the variable.
template <class M>
constexpr bool check_model() {
  static_assert(model<M>,
                "norn: a model derives from norn::dsl::neuron_model and declares `name`, "
                "`states`, `parameters` and `step`");
  if constexpr (model<M>) {
    detail::check_names_unique<M>();
    if constexpr (requires { M::roles; })
      hana::for_each(M::roles, [](auto b) { detail::check_role<M, decltype(b)>(); });
    constexpr std::size_t phase_count = decltype(hana::length(M::step))::value;
    [&]<std::size_t... P>(std::index_sequence<P...>) {
      (detail::check_phase<M, P>(hana::at_c<P>(M::step)), ...);
    }(std::make_index_sequence<phase_count>{});
    hana::for_each(M::states, [](const auto& d) {
      detail::check_state_has_dynamics<M, std::remove_cvref_t<decltype(d)>>();
    });
    static_assert(detail::spike_phase_count<M>() <= 1,
                  "norn: a step has at most one spike(...) phase. Fix: merge the conditions");
    if constexpr (!requires { M::output; }) {
      static_assert(detail::output_needs_declaration<M::name, "output", is_spiking_v<M>>::value,
                    "norn: a model without spike(...) must say what it outputs. Fix: add "
                    "`static constexpr auto output = v;` naming a state");
    }
  }
  return true;
}

}  // namespace norn::dsl
