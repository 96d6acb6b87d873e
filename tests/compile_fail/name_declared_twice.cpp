// A state and a parameter with the same name.
// expect: norn: two states or parameters share a name. Fix: rename one of them
// expect: name_declared_twice<norn::dsl::fixed_string<6>{"twice"}, norn::dsl::fixed_string<4>{"tau"}
#include <codegen/slots.hpp>
#include <dsl/dsl.hpp>
using namespace norn::literals;

struct twice : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "twice";
  static constexpr state<"tau"> v{};
  static constexpr parameter<"tau"> tau{1.0};
  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare(tau);
  static constexpr auto step = phases(update(v = v * tau + input));
};
int main() { return int(norn::codegen::slots<twice>::count); }
