// A plain double inside an equation.
// expect: norn: a plain number appears in a model equation; write it as a compile-time constant, e.g. 0.5_c
#include <dsl/dsl.hpp>

struct decay : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "decay";
  static constexpr state<"v"> v{};
  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare();
  static constexpr auto step = phases(update(v = 0.9 * v + input));
  static constexpr auto output = v;
};
int main() {}
