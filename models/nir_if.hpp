#pragma once
// nir_if — NIR's IF node (nir/ir/neuron.py): a perfect integrator with threshold and reset,
// one forward-Euler step at the run's dt:
//
//   v̇ = r I
//   v'  = v + dt * r x
//   z   = H(v' − v_threshold),  v'' = (1 − z) v' + z v_reset

#include <dsl/dsl.hpp>

namespace norn::models {

struct nir_if : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "nir_if";
  static constexpr const char* doc = "NIR's IF node: dv/dt = r I, reset to v_reset (Euler)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr parameter<"r"> r{1.0, "Ohm/s", "the input's weight in dv/dt"};
  static constexpr parameter<"v_threshold"> v_threshold{1.0, "V", "threshold (a spike needs v > v_threshold)"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};

  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare(r, v_threshold, v_reset);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_threshold);

  static constexpr auto step = phases(
      euler(ddt(v) = r * input),
      spike(v - v_threshold),
      reset(v = v_reset));
};

}  // namespace norn::models
