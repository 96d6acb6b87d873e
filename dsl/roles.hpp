#pragma once
/// Roles a model gives some of its names, so that tools never guess them from spelling:
/// which state is the membrane potential (the trace `norn simulate` plots, the voltage the
/// spike_times loss pulls) and which parameter is the firing threshold (the line drawn
/// with the trace, the loss's reference).
///
///   static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_th);

#include <dsl/declarations.hpp>

#include <boost/hana/tuple.hpp>

namespace norn::dsl {

namespace hana = boost::hana;

namespace role {
struct membrane {
  static constexpr const char* name = "membrane";
};
struct threshold {
  static constexpr const char* name = "threshold";
};
}  // namespace role

/// `role = declaration`: gives a state or parameter a role.
template <class Role, class Symbol>
struct role_binding {
  using role_type = Role;
  using symbol_type = Symbol;
};

/// The left-hand side of a role binding: `dsl::membrane = v`.
template <class Role>
struct role_name {
  template <class D>
  constexpr auto operator=(const D&) const {
    static_assert(declaration<D>, "norn: a role names a declared state or parameter: `dsl::membrane = v`");
    return role_binding<Role, typename D::symbol_type>{};
  }
};

/// The state that is the membrane potential.
inline constexpr role_name<role::membrane> membrane{};
/// The parameter that is the firing threshold.
inline constexpr role_name<role::threshold> threshold{};

/// A model's roles: `dsl::roles(dsl::membrane = v, dsl::threshold = v_th)`.
template <class... R>
constexpr auto roles(R...) {
  return hana::tuple<R...>{};
}

}  // namespace norn::dsl
