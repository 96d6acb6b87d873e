#pragma once
// lapicque — snnTorch's Lapicque (an RC membrane integrated with forward Euler), reset by
// subtraction from the previous membrane, detached. snnTorch's time_step is Norn's dt.
// Defaults follow snnTorch's tutorial 2 (R = 5.1, C = 5e-3, time_step = 1e-3).
//
//   r    = H(mem - threshold)
//   mem' = x * R * (1 / (R * C)) * dt + (1 - dt / (R * C)) * mem - r * threshold
//   spk  = H(mem' - threshold)

#include <dsl/dsl.hpp>

namespace norn::models {

struct lapicque : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "lapicque";
  static constexpr const char* doc = "Lapicque RC neuron, subtractive reset (snnTorch Lapicque)";

  static constexpr state<"mem"> mem{0.0, "V", "membrane potential"};
  static constexpr parameter<"R"> R{5.1, "Ohm", "membrane resistance"};
  static constexpr parameter<"C"> C{5e-3, "F", "membrane capacitance"};
  static constexpr parameter<"threshold"> threshold{1.0, "V", "threshold"};
  static constexpr local<"r"> r{"reset signal from the previous membrane"};

  static constexpr auto states = declare(mem);
  static constexpr auto parameters = declare(R, C, threshold);
  static constexpr auto roles = dsl::roles(dsl::membrane = mem, dsl::threshold = threshold);
  static constexpr auto surrogate = dsl::surrogates::arctan;

  static constexpr auto step = phases(
      update(r = heaviside(mem - threshold)),
      update(mem = input * R * (1_c / (R * C)) * dt + (1_c - dt / (R * C)) * mem - r * threshold),
      spike(mem - threshold));
};

}  // namespace norn::models
