#pragma once
// lif_adex — adaptive exponential integrate-and-fire, as Norse's lif_adex_feed_forward_step.
//
//   i_j = i + x
//   v'  = v + dt * tau_mem_inv * ((v_leak - v) + delta_T * exp((v - v_th) / delta_T) + i_j - a)
//   i'  = i_j - dt * tau_syn_inv * i_j
//   a'  = a + dt * tau_ada_inv * (adaptation_current * (v - v_leak) - a)      (old v)
//   z   = H(v' - v_th);   v'' = (1 - z) * v' + z * v_reset;   a'' = a' + z * adaptation_spike

#include <dsl/dsl.hpp>

namespace norn::models {

struct lif_adex : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "lif_adex";
  static constexpr const char* doc = "adaptive exponential integrate-and-fire (Norse lif_adex)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic input current"};
  static constexpr state<"a"> a{0.0, "A", "adaptation current"};
  static constexpr parameter<"adaptation_current"> adaptation_current{4.0, "1/s", "subthreshold adaptation coupling"};
  static constexpr parameter<"adaptation_spike"> adaptation_spike{0.02, "A", "adaptation increment per spike"};
  static constexpr parameter<"delta_T"> delta_T{0.5, "V", "sharpness of the exponential term"};
  static constexpr parameter<"tau_ada_inv"> tau_ada_inv{2.0, "1/s", "inverse adaptation time constant"};
  static constexpr parameter<"tau_syn_inv"> tau_syn_inv{200.0, "1/s", "inverse synaptic time constant"};
  static constexpr parameter<"tau_mem_inv"> tau_mem_inv{100.0, "1/s", "inverse membrane time constant"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};
  static constexpr parameter<"v_th"> v_th{1.0, "V", "threshold"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};

  static constexpr auto states = declare(v, i, a);
  static constexpr auto parameters = declare(adaptation_current, adaptation_spike, delta_T, tau_ada_inv,
                                             tau_syn_inv, tau_mem_inv, v_leak, v_th, v_reset);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_th);

  static constexpr auto step = phases(
      update(i = i + input),
      euler(ddt(v) = tau_mem_inv * ((v_leak - v) + delta_T * exp((v - v_th) / delta_T) + i - a),
            ddt(i) = -tau_syn_inv * i,
            ddt(a) = tau_ada_inv * (adaptation_current * (v - v_leak) - a)),
      spike(v - v_th),
      reset(v = v_reset),
      update(a = a + z * adaptation_spike));
};

}  // namespace norn::models
