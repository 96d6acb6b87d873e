#pragma once
/// The forward step of a model on one neuron: its lowered phases applied in order to an
/// environment of values indexed by slot. Generic over the number type, so the same code
/// runs on floats in kernels and on dual numbers in gradient checks.

#include <codegen/evaluate.hpp>
#include <codegen/lower.hpp>
#include <codegen/slots.hpp>

#include <boost/hana/for_each.hpp>

#include <array>
#include <cstddef>

namespace norn::codegen {

/// Values of every slot of model M for one neuron.
template <class M, class V, class Policy = forward_only>
struct env {
  using model_type = M;
  using value_type = V;
  using slot_table = slots<M>;

  std::array<V, slot_table::count> values{};
  Policy rules{};

  template <class S>
  V get() const {
    if constexpr (S::kind == dsl::symbol_kind::surrogate) return V(rules.template get<S>());
    else return values[slot_table::template of<S>];
  }
  template <class S>
  V& at() {
    return values[slot_table::template of<S>];
  }
  const Policy& policy() const { return rules; }
};

/// Applies one lowered phase: all right-hand sides see the values before the phase.
template <class Env, class... A>
inline void apply_phase(lowered_phase<A...>, Env& e) {
  using V = typename Env::value_type;
  const std::array<V, sizeof...(A)> next{eval<V>(typename A::expr{}, e)...};
  std::size_t k = 0;
  ((e.template at<typename A::target>() = next[k++]), ...);
}

/// One forward step of the model on one neuron's environment.
template <class Env>
inline void forward_step(Env& e) {
  hana::for_each(lowered_step<typename Env::model_type>, [&](auto phase) { apply_phase(phase, e); });
}

}  // namespace norn::codegen
