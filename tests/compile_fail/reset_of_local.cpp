// reset(...) of something that is not a state.
// expect: norn: reset(...) assigns something that is not a state
// expect: reset_target_must_be_state<norn::dsl::fixed_string<6>{"spiky"}, norn::dsl::fixed_string<2>{"q"}
#include <codegen/slots.hpp>
#include <dsl/dsl.hpp>
using namespace norn::literals;

struct spiky : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "spiky";
  static constexpr state<"v"> v{};
  static constexpr local<"q"> q{};
  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare();
  static constexpr auto step = phases(update(v = v + input, q = v), spike(v - 1_c), reset(v = 0_c, q = 0_c));
};
int main() { return int(norn::codegen::slots<spiky>::count); }
