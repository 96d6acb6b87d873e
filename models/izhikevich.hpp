#pragma once
// izhikevich — Izhikevich (2003), as Norse's izhikevich_feed_forward_step; defaults are
// Norse's "tonic_spiking" behaviour. The input enters dv/dt directly (no synaptic state).
//
//   v' = v + dt * tau_inv * (sq * v^2 + mn * v + bias - u + x)
//   u' = u + dt * tau_inv * a * (b * v - u)                       (old v)
//   z  = H(v' - v_th);   v'' = (1 - z) * v' + z * c;   u'' = (1 - z) * u' + z * (u' + d)

#include <dsl/dsl.hpp>

namespace norn::models {

struct izhikevich : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "izhikevich";
  static constexpr const char* doc = "Izhikevich neuron, tonic spiking by default (Norse izhikevich)";

  static constexpr state<"v"> v{-70.0, "mV", "membrane potential"};
  static constexpr state<"u"> u{-14.0, "mV", "recovery variable (b * v at rest)"};
  static constexpr parameter<"a"> a{0.02, "", "time scale of u"};
  static constexpr parameter<"b"> b{0.2, "", "sensitivity of u to v"};
  static constexpr parameter<"c"> c{-65.0, "mV", "reset of v"};
  static constexpr parameter<"d"> d{6.0, "mV", "increment of u per spike"};
  static constexpr parameter<"sq"> sq{0.04, "1/mV", "quadratic coefficient"};
  static constexpr parameter<"mn"> mn{5.0, "", "linear coefficient"};
  static constexpr parameter<"bias"> bias{140.0, "mV", "constant drive"};
  static constexpr parameter<"v_th"> v_th{30.0, "mV", "spike cutoff"};
  static constexpr parameter<"tau_inv"> tau_inv{250.0, "1/s", "model milliseconds per second"};

  static constexpr auto states = declare(v, u);
  static constexpr auto parameters = declare(a, b, c, d, sq, mn, bias, v_th, tau_inv);
  static constexpr auto roles = dsl::roles(dsl::membrane = v, dsl::threshold = v_th);

  static constexpr auto step = phases(
      euler(ddt(v) = tau_inv * (sq * v * v + mn * v + bias - u + input),
            ddt(u) = tau_inv * a * (b * v - u)),
      spike(v - v_th),
      reset(v = c, u = u + d));
};

}  // namespace norn::models
