// An equation reads a parameter missing from `parameters`.
// expect: norn: an equation reads a parameter that the model does not declare
// expect: used_name_must_be_declared<norn::dsl::fixed_string<5>{"leak"}, norn::dsl::fixed_string<5>{"gain"}
#include <codegen/slots.hpp>
#include <dsl/dsl.hpp>

struct leak : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "leak";
  static constexpr state<"v"> v{};
  static constexpr parameter<"tau"> tau{10.0};
  static constexpr parameter<"gain"> gain{2.0};
  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare(tau);
  static constexpr auto step = phases(euler(ddt(v) = -tau * v + gain * input));
  static constexpr auto output = v;
};
int main() { return int(norn::codegen::slots<leak>::count); }
