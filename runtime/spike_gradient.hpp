#pragma once
/// How a population's spikes pass gradient: the surrogate (by name, at run time), its width
/// alpha, and whether resets are differentiated through the spike (Norse) or detached
/// (snnTorch). `with_policy` turns the choice into the compile-time policy the backward
/// kernels are instantiated with.

#include <codegen/adjoint.hpp>
#include <runtime/errors.hpp>

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

namespace norn {

enum class surrogate_kind { model_default, superspike, fast_sigmoid, arctan, triangle, straight_through, heaviside };

/// The names users write ("superspike", "arctan", ...), "default" for the model's own.
inline constexpr std::array<std::pair<std::string_view, surrogate_kind>, 7> surrogate_names{{
    {"default", surrogate_kind::model_default},
    {"superspike", surrogate_kind::superspike},
    {"fast_sigmoid", surrogate_kind::fast_sigmoid},
    {"arctan", surrogate_kind::arctan},
    {"triangle", surrogate_kind::triangle},
    {"straight_through", surrogate_kind::straight_through},
    {"heaviside", surrogate_kind::heaviside},
}};

/// The surrogate of a name; bad_input listing the choices otherwise.
inline surrogate_kind parse_surrogate(std::string_view name) {
  std::string known;
  for (const auto& [n, k] : surrogate_names) {
    if (n == name) return k;
    known += (known.empty() ? "" : ", ") + std::string(n);
  }
  fail("norn: unknown surrogate '{}' (surrogates: {})", name, known);
}

/// A population's choice of spike gradient.
struct spike_gradient {
  surrogate_kind surrogate = surrogate_kind::model_default;
  std::optional<double> alpha;  ///< the surrogate's default when empty
  bool detach_reset = false;
};

/// Calls f(policy) with the compile-time policy of model M for this choice.
template <class M, class F>
decltype(auto) with_policy(const spike_gradient& g, F&& f) {
  auto call = [&](auto surrogate) -> decltype(auto) {
    using Sg = std::remove_cvref_t<decltype(surrogate)>;
    codegen::spike_policy<Sg> p;
    p.alpha = g.alpha.value_or(Sg::default_alpha);
    p.reset_grad = g.detach_reset ? 0.0 : 1.0;
    return f(p);
  };
  namespace s = dsl::surrogates;
  switch (g.surrogate) {
    case surrogate_kind::superspike: return call(s::superspike);
    case surrogate_kind::fast_sigmoid: return call(s::fast_sigmoid);
    case surrogate_kind::arctan: return call(s::arctan);
    case surrogate_kind::triangle: return call(s::triangle);
    case surrogate_kind::straight_through: return call(s::straight_through);
    case surrogate_kind::heaviside: return call(s::heaviside);
    case surrogate_kind::model_default: break;
  }
  return call(codegen::default_surrogate<M>());
}

}  // namespace norn
