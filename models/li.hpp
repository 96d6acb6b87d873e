#pragma once
// li — leaky integrator, the readout of Norse (li_feed_forward_step): lif without
// threshold and reset; it outputs its membrane potential.
//
//   i_j = i + x
//   v'  = v + dt * tau_mem_inv * ((v_leak - v) + i_j)      output v'
//   i'  = i_j - dt * tau_syn_inv * i_j

#include <dsl/dsl.hpp>

namespace norn::models {

struct li : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "li";
  static constexpr const char* doc = "leaky integrator readout, outputs v (Norse li)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic input current"};
  static constexpr parameter<"tau_syn_inv"> tau_syn_inv{200.0, "1/s", "inverse synaptic time constant"};
  static constexpr parameter<"tau_mem_inv"> tau_mem_inv{100.0, "1/s", "inverse membrane time constant"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};

  static constexpr auto states = declare(v, i);
  static constexpr auto parameters = declare(tau_syn_inv, tau_mem_inv, v_leak);
  static constexpr auto roles = dsl::roles(dsl::membrane = v);
  static constexpr auto output = v;

  static constexpr auto step = phases(
      update(i = i + input),
      euler(ddt(v) = tau_mem_inv * ((v_leak - v) + i),
            ddt(i) = -tau_syn_inv * i));
};

}  // namespace norn::models
