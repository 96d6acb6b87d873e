// A state that no phase updates.
// expect: norn: a state has no dynamics
// expect: state_needs_dynamics<norn::dsl::fixed_string<5>{"leak"}, norn::dsl::fixed_string<2>{"w"}
#include <codegen/slots.hpp>
#include <dsl/dsl.hpp>

struct leak : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "leak";
  static constexpr state<"v"> v{};
  static constexpr state<"w"> w{};
  static constexpr parameter<"tau"> tau{10.0};
  static constexpr auto states = declare(v, w);
  static constexpr auto parameters = declare(tau);
  static constexpr auto step = phases(euler(ddt(v) = -tau * v));
  static constexpr auto output = v;
};
int main() { return int(norn::codegen::slots<leak>::count); }
