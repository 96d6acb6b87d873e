#pragma once
// alpha — snnTorch's Alpha neuron (SRM0-like): excitatory and inhibitory synaptic traces
// whose difference gives an alpha-shaped membrane response; reset to zero (snnTorch's
// default for Alpha) from the previous membrane, detached. Needs alpha > beta, beta < 1.
//
//   r       = H(mem - threshold)
//   e'      = a * e + x,        q' = b * q - x          a, b = alpha, beta clamped to [0, 1]
//   tau_a   = log(a) / (log(b) - log(a)) + 1
//   mem'    = tau_a * (e' + q')
//   e'', q'', mem'' = (1 - r) * (e', q', mem')
//   spk     = H(mem'' - threshold)

#include <dsl/dsl.hpp>

namespace norn::models {

struct alpha : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "alpha";
  static constexpr const char* doc = "alpha-kernel (SRM0) neuron, reset to zero (snnTorch Alpha)";

  static constexpr state<"syn_exc"> syn_exc{0.0, "", "excitatory synaptic trace"};
  static constexpr state<"syn_inh"> syn_inh{0.0, "", "inhibitory synaptic trace"};
  static constexpr state<"mem"> mem{0.0, "", "membrane potential"};
  static constexpr parameter<"alpha"> alpha_decay{0.9, "", "excitatory decay per step (> beta)"};
  static constexpr parameter<"beta"> beta{0.8, "", "inhibitory decay per step (< 1)"};
  static constexpr parameter<"threshold"> threshold{1.0, "", "threshold"};
  static constexpr local<"r"> r{"reset signal from the previous membrane"};

  static constexpr auto states = declare(syn_exc, syn_inh, mem);
  static constexpr auto parameters = declare(alpha_decay, beta, threshold);
  static constexpr auto roles = dsl::roles(dsl::membrane = mem, dsl::threshold = threshold);
  static constexpr auto surrogate = dsl::surrogates::arctan;

  static constexpr auto a = min(max(alpha_decay, 0_c), 1_c);
  static constexpr auto b = min(max(beta, 0_c), 1_c);

  static constexpr auto step = phases(
      update(r = heaviside(mem - threshold)),
      update(syn_exc = a * syn_exc + input, syn_inh = b * syn_inh - input),
      update(mem = (log(a) / (log(b) - log(a)) + 1_c) * (syn_exc + syn_inh)),
      update(syn_exc = (1_c - r) * syn_exc, syn_inh = (1_c - r) * syn_inh, mem = (1_c - r) * mem),
      spike(mem - threshold));
};

}  // namespace norn::models
