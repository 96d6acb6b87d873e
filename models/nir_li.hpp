#pragma once
// nir_li — NIR's LI node (nir/ir/neuron.py), a leaky integrator integrated by forward
// Euler at the run's dt; it outputs its membrane potential:
//
//   tau v̇ = (v_leak − v) + r I
//   v'  = v + dt / tau * ((v_leak − v) + r x)            output v'

#include <dsl/dsl.hpp>

namespace norn::models {

struct nir_li : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "nir_li";
  static constexpr const char* doc = "NIR's LI node: tau dv/dt = (v_leak - v) + r I, outputs v (Euler)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr parameter<"tau"> tau{0.01, "s", "membrane time constant"};
  static constexpr parameter<"r"> r{1.0, "Ohm", "resistance: the input's weight in dv/dt"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};

  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare(tau, r, v_leak);
  static constexpr auto roles = dsl::roles(dsl::membrane = v);
  static constexpr auto output = v;

  static constexpr auto step = phases(euler(ddt(v) = ((v_leak - v) + r * input) / tau));
};

}  // namespace norn::models
