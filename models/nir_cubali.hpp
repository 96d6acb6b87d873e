#pragma once
// nir_cubali — NIR's CubaLI node (nir/ir/neuron.py): a current-based synapse feeding a
// leaky integrator, one forward-Euler step at the run's dt; it outputs its membrane:
//
//   i'  = i + dt / tau_syn * (w_in x − i)
//   v'  = v + dt / tau_mem * ((v_leak − v) + r i)          output v'

#include <dsl/dsl.hpp>

namespace norn::models {

struct nir_cubali : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "nir_cubali";
  static constexpr const char* doc = "NIR's CubaLI node: current synapse into a leaky integrator, outputs v (Euler)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic current"};
  static constexpr parameter<"tau_syn"> tau_syn{0.005, "s", "synaptic time constant"};
  static constexpr parameter<"tau_mem"> tau_mem{0.01, "s", "membrane time constant"};
  static constexpr parameter<"r"> r{1.0, "Ohm", "resistance: the current's weight in dv/dt"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};
  static constexpr parameter<"w_in"> w_in{1.0, "1", "input weight (elementwise)"};

  static constexpr auto states = declare(v, i);
  static constexpr auto parameters = declare(tau_syn, tau_mem, r, v_leak, w_in);
  static constexpr auto roles = dsl::roles(dsl::membrane = v);
  static constexpr auto output = v;

  static constexpr auto step = phases(
      euler(ddt(i) = (w_in * input - i) / tau_syn,
            ddt(v) = ((v_leak - v) + r * i) / tau_mem));
};

}  // namespace norn::models
