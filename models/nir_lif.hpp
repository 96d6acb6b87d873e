#pragma once
// nir_lif — NIR's LIF node (nir/ir/neuron.py), integrated by forward Euler at the run's dt:
//
//   tau v̇ = (v_leak − v) + r I            I: the step's input
//   v'  = v + dt / tau * ((v_leak − v) + r x)
//   z   = H(v' − v_threshold)              a spike needs v' > v_threshold
//   v'' = (1 − z) v' + z v_reset
//
// snnTorch's exporter writes its beta as tau = dt_e / (1 − beta) and r = tau / dt_e (dt_e =
// 1e-4 s): run such a file at dt = dt_e and the step is v' = beta v + x (README, "NIR").

#include <dsl/dsl.hpp>

namespace norn::models {

struct nir_lif : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "nir_lif";
  static constexpr const char* doc = "NIR's LIF node: tau dv/dt = (v_leak - v) + r I, reset to v_reset (Euler)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr parameter<"tau"> tau{0.01, "s", "membrane time constant"};
  static constexpr parameter<"r"> r{1.0, "Ohm", "resistance: the input's weight in dv/dt"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};
  static constexpr parameter<"v_threshold"> v_threshold{1.0, "V", "threshold (a spike needs v > v_threshold)"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};

  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare(tau, r, v_leak, v_threshold, v_reset);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_threshold);

  static constexpr auto step = phases(
      euler(ddt(v) = ((v_leak - v) + r * input) / tau),
      spike(v - v_threshold),
      reset(v = v_reset));
};

}  // namespace norn::models
