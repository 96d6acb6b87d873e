#pragma once
// synaptic — snnTorch's Synaptic (second-order discrete-time LIF with a synaptic current),
// reset by subtraction from the previous membrane, detached; alpha and beta clamped to [0, 1].
//
//   r    = H(mem - threshold)
//   syn' = clamp(alpha, 0, 1) * syn + x
//   mem' = clamp(beta, 0, 1) * mem + syn' - r * threshold
//   spk  = H(mem' - threshold)

#include <dsl/dsl.hpp>

namespace norn::models {

struct synaptic : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "synaptic";
  static constexpr const char* doc = "second-order leaky integrate-and-fire with synaptic current (snnTorch Synaptic)";

  static constexpr state<"syn"> syn{0.0, "", "synaptic current"};
  static constexpr state<"mem"> mem{0.0, "", "membrane potential"};
  static constexpr parameter<"alpha"> alpha{0.9, "", "synaptic decay per step"};
  static constexpr parameter<"beta"> beta{0.8, "", "membrane decay per step"};
  static constexpr parameter<"threshold"> threshold{1.0, "", "threshold"};
  static constexpr local<"r"> r{"reset signal from the previous membrane"};

  static constexpr auto states = declare(syn, mem);
  static constexpr auto parameters = declare(alpha, beta, threshold);
  static constexpr auto roles = dsl::roles(dsl::membrane = mem, dsl::threshold = threshold);
  static constexpr auto surrogate = dsl::surrogates::arctan;

  static constexpr auto step = phases(
      update(r = heaviside(mem - threshold)),
      update(syn = min(max(alpha, 0_c), 1_c) * syn + input),
      update(mem = min(max(beta, 0_c), 1_c) * mem + syn - r * threshold),
      spike(mem - threshold));
};

}  // namespace norn::models
