#pragma once
// nir_cubalif — NIR's CubaLIF node (nir/ir/neuron.py): a current-based synapse feeding a
// LIF membrane, both integrated by one forward-Euler step at the run's dt (each derivative
// taken at the state before the step):
//
//   tau_syn İ = −I + w_in S               S: the step's input
//   tau_mem v̇ = (v_leak − v) + r I
//   i'  = i + dt / tau_syn * (w_in x − i)
//   v'  = v + dt / tau_mem * ((v_leak − v) + r i)
//   z   = H(v' − v_threshold),  v'' = (1 − z) v' + z v_reset

#include <dsl/dsl.hpp>

namespace norn::models {

struct nir_cubalif : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "nir_cubalif";
  static constexpr const char* doc = "NIR's CubaLIF node: current synapse into a LIF membrane, reset to v_reset (Euler)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic current"};
  static constexpr parameter<"tau_syn"> tau_syn{0.005, "s", "synaptic time constant"};
  static constexpr parameter<"tau_mem"> tau_mem{0.01, "s", "membrane time constant"};
  static constexpr parameter<"r"> r{1.0, "Ohm", "resistance: the current's weight in dv/dt"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};
  static constexpr parameter<"v_threshold"> v_threshold{1.0, "V", "threshold (a spike needs v > v_threshold)"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};
  static constexpr parameter<"w_in"> w_in{1.0, "1", "input weight (elementwise)"};

  static constexpr auto states = declare(v, i);
  static constexpr auto parameters = declare(tau_syn, tau_mem, r, v_leak, v_threshold, v_reset, w_in);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_threshold);

  static constexpr auto step = phases(
      euler(ddt(i) = (w_in * input - i) / tau_syn,
            ddt(v) = ((v_leak - v) + r * i) / tau_mem),
      spike(v - v_threshold),
      reset(v = v_reset));
};

}  // namespace norn::models
