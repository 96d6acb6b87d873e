#pragma once
// leaky — snnTorch's Leaky (first-order discrete-time LIF), reset by subtraction. The
// reset signal comes from the previous step's membrane and carries no gradient; beta is
// clamped to [0, 1] as snnTorch does. Surrogate: arctan, alpha = 2.
//
//   r    = H(mem - threshold)                      previous mem, detached
//   mem' = clamp(beta, 0, 1) * mem + x - r * threshold
//   spk  = H(mem' - threshold)

#include <dsl/dsl.hpp>

namespace norn::models {

struct leaky : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "leaky";
  static constexpr const char* doc = "first-order leaky integrate-and-fire, subtractive reset (snnTorch Leaky)";

  static constexpr state<"mem"> mem{0.0, "", "membrane potential"};
  static constexpr parameter<"beta"> beta{0.9, "", "membrane decay per step (snnTorch requires it; 0.9 here)"};
  static constexpr parameter<"threshold"> threshold{1.0, "", "threshold"};
  static constexpr local<"r"> r{"reset signal from the previous membrane"};

  static constexpr auto states = declare(mem);
  static constexpr auto parameters = declare(beta, threshold);
  static constexpr auto roles = dsl::roles(dsl::membrane = mem, dsl::threshold = threshold);
  static constexpr auto surrogate = dsl::surrogates::arctan;

  static constexpr auto step = phases(
      update(r = heaviside(mem - threshold)),
      update(mem = min(max(beta, 0_c), 1_c) * mem + input - r * threshold),
      spike(mem - threshold));
};

}  // namespace norn::models
