#pragma once
// lif — leaky integrate-and-fire, as Norse's lif_feed_forward_step (Norse main).
//
//   i_j = i + x                                  current jump first
//   v'  = v + dt * tau_mem_inv * ((v_leak - v) + i_j)
//   i'  = i_j - dt * tau_syn_inv * i_j
//   z   = H(v' - v_th)                           SuperSpike surrogate, alpha = 100
//   v'' = (1 - z) * v' + z * v_reset             the reset is differentiated through z

#include <dsl/dsl.hpp>

namespace norn::models {

struct lif : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "lif";
  static constexpr const char* doc = "leaky integrate-and-fire with current synapse (Norse lif)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic input current"};
  static constexpr parameter<"tau_syn_inv"> tau_syn_inv{200.0, "1/s", "inverse synaptic time constant"};
  static constexpr parameter<"tau_mem_inv"> tau_mem_inv{100.0, "1/s", "inverse membrane time constant"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};
  static constexpr parameter<"v_th"> v_th{1.0, "V", "threshold"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};

  static constexpr auto states = declare(v, i);
  static constexpr auto parameters = declare(tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_th);

  static constexpr auto step = phases(
      update(i = i + input),
      euler(ddt(v) = tau_mem_inv * ((v_leak - v) + i),
            ddt(i) = -tau_syn_inv * i),
      spike(v - v_th),
      reset(v = v_reset));
};

}  // namespace norn::models
