#pragma once
// lsnn — lif with an adaptive threshold b (Bellec et al. 2018), as Norse's
// lsnn_feed_forward_step. Unlike lif, the input current jumps after the spike.
//
//   v' = v + dt * tau_mem_inv * ((v_leak - v) + i)
//   i' = i - dt * tau_syn_inv * i
//   b' = b + dt * tau_adapt_inv * (v_th - b)          b relaxes towards v_th
//   z  = H(v' - b');   v'' = (1 - z) * v' + z * v_reset;   b'' = b' + z * beta;   i'' = i' + x

#include <dsl/dsl.hpp>

namespace norn::models {

struct lsnn : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "lsnn";
  static constexpr const char* doc = "lif with adaptive threshold (Norse lsnn)";

  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic input current"};
  static constexpr state<"b"> b{1.0, "V", "adaptive threshold (starts at v_th)"};
  static constexpr parameter<"tau_syn_inv"> tau_syn_inv{200.0, "1/s", "inverse synaptic time constant"};
  static constexpr parameter<"tau_mem_inv"> tau_mem_inv{100.0, "1/s", "inverse membrane time constant"};
  static constexpr parameter<"tau_adapt_inv"> tau_adapt_inv{1.0 / 800.0, "1/s", "inverse adaptation time constant"};
  static constexpr parameter<"v_leak"> v_leak{0.0, "V", "leak potential"};
  static constexpr parameter<"v_th"> v_th{1.0, "V", "resting threshold"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};
  static constexpr parameter<"beta"> beta{1.8, "V", "threshold increment per spike"};

  static constexpr auto states = declare(v, i, b);
  static constexpr auto parameters = declare(tau_syn_inv, tau_mem_inv, tau_adapt_inv, v_leak, v_th, v_reset, beta);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_th);

  static constexpr auto step = phases(
      euler(ddt(v) = tau_mem_inv * ((v_leak - v) + i),
            ddt(i) = -tau_syn_inv * i,
            ddt(b) = tau_adapt_inv * (v_th - b)),
      spike(v - b),
      reset(v = v_reset),
      update(b = b + z * beta, i = i + input));
};

}  // namespace norn::models
