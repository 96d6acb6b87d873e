#pragma once
// nir_i — NIR's I node (nir/ir/neuron.py): an integrator, one forward-Euler step at the
// run's dt; it outputs v:
//
//   v̇ = r I,   v' = v + dt * r x                          output v'

#include <dsl/dsl.hpp>

namespace norn::models {

struct nir_i : dsl::neuron_model {
  static constexpr dsl::fixed_string name = "nir_i";
  static constexpr const char* doc = "NIR's I node: dv/dt = r I, outputs v (Euler)";

  static constexpr state<"v"> v{0.0, "V", "integrated input"};
  static constexpr parameter<"r"> r{1.0, "Ohm/s", "the input's weight in dv/dt"};

  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare(r);
  static constexpr auto roles = dsl::roles(dsl::membrane = v);
  static constexpr auto output = v;

  static constexpr auto step = phases(euler(ddt(v) = r * input));
};

}  // namespace norn::models
