#pragma once
// lif_refrac — lif with an absolute refractory period, as Norse's
// lif_refrac_feed_forward_step. A lif step, then with r = H(rho) taken through the same
// spike function as z (so it has a surrogate gradient):
//
//   v''  = (1 - r) * v_lif + r * v_before_step     the voltage is held while refractory
//   z'   = (1 - r) * z                             no spikes while refractory
//   rho' = (1 - z') * max(rho - r, 0) + z' * rho_reset
//
// rho counts steps: after a spike, the next rho_reset steps are refractory.

#include <dsl/dsl.hpp>

namespace norn::models {

struct lif_refrac : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "lif_refrac";
  static constexpr const char* doc = "lif with absolute refractory period (Norse lif_refrac)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic input current"};
  static constexpr state<"rho"> rho{0.0, "steps", "refractory counter"};
  static constexpr parameter<"tau_syn_inv"> tau_syn_inv{200.0, "1/s", "inverse synaptic time constant"};
  static constexpr parameter<"tau_mem_inv"> tau_mem_inv{100.0, "1/s", "inverse membrane time constant"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};
  static constexpr parameter<"v_th"> v_th{1.0, "V", "threshold"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};
  static constexpr parameter<"rho_reset"> rho_reset{5.0, "steps", "refractory steps after a spike"};
  static constexpr local<"v_before"> v_before{"v at the start of the step"};
  static constexpr local<"r"> r{"refractory mask H(rho)"};

  static constexpr auto states = declare(v, i, rho);
  static constexpr auto parameters = declare(tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset, rho_reset);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_th);

  static constexpr auto step = phases(
      update(v_before = v, r = spike_fn(rho), i = i + input),
      euler(ddt(v) = tau_mem_inv * ((v_leak - v) + i),
            ddt(i) = -tau_syn_inv * i),
      spike(v - v_th),
      reset(v = v_reset),
      update(v = (1_c - r) * v + r * v_before, z = (1_c - r) * z),
      update(rho = (1_c - z) * relu(rho - r) + z * rho_reset));
};

}  // namespace norn::models
