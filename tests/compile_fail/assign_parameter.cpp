// Assigning a parameter inside a step.
// expect: norn: a parameter cannot be assigned inside a step
#include <dsl/dsl.hpp>

struct bad : norn::dsl::neuron_model {
  static constexpr parameter<"tau"> tau{1.0};
  static constexpr state<"v"> v{};
  static constexpr auto step = phases(update(tau = v));
};
int main() {}
