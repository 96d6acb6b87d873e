#pragma once
// qif — quadratic integrate-and-fire (Latham et al. 2000) with a current synapse: a model
// written outside Norn in one header, with no other file touched, and a surrogate of its own.
//   tau dv/dt = (v - v_rest)(v - v_crit) + i,   di/dt = -i / tau_syn,   spike at v > v_peak
#include <dsl/dsl.hpp>

namespace lab {
using namespace norn::literals;

/// A heavy-tailed surrogate, 1 / (1 + alpha |u|), for qif's wide voltage range: qif's
/// default, and choosable by name (`--surrogate heavy_tail`, `"surrogate": "heavy_tail"`).
inline constexpr auto heavy_tail =
    norn::dsl::make_surrogate<"heavy_tail", 1.0>(1_c / (1_c + norn::dsl::alpha * abs(norn::dsl::u)));

struct qif : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "qif";
  static constexpr const char* doc = "quadratic integrate-and-fire (example model)";
  static constexpr state<"v"> v{0.0, "V", "membrane potential"};
  static constexpr state<"i"> i{0.0, "A", "synaptic current"};
  static constexpr parameter<"tau_mem_inv"> tau_mem_inv{100.0, "1/s", "inverse membrane time constant"};
  static constexpr parameter<"tau_syn_inv"> tau_syn_inv{200.0, "1/s", "inverse synaptic time constant"};
  static constexpr parameter<"v_rest"> v_rest{0.0, "V", "stable fixed point"};
  static constexpr parameter<"v_crit"> v_crit{1.0, "V", "unstable fixed point"};
  static constexpr parameter<"v_peak"> v_peak{10.0, "V", "spike cut-off"};
  static constexpr parameter<"v_reset"> v_reset{0.0, "V", "reset potential"};
  static constexpr auto states = declare(v, i);
  static constexpr auto parameters = declare(tau_mem_inv, tau_syn_inv, v_rest, v_crit, v_peak, v_reset);
  static constexpr auto roles = norn::dsl::roles(norn::dsl::membrane = v, norn::dsl::threshold = v_peak);
  static constexpr auto surrogate = heavy_tail;
  static constexpr auto step = phases(
      update(i = i + input),
      euler(ddt(v) = tau_mem_inv * ((v - v_rest) * (v - v_crit) + i), ddt(i) = -tau_syn_inv * i),
      spike(v - v_peak),
      reset(v = v_reset));
};
}  // namespace lab
