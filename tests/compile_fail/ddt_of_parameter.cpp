// ddt(...) of a parameter.
// expect: norn: ddt(...) takes a state declared as state<"name">
#include <dsl/dsl.hpp>

struct drift : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "drift";
  static constexpr state<"v"> v{};
  static constexpr parameter<"tau"> tau{1.0};
  static constexpr auto step = phases(euler(ddt(tau) = -v));
};
int main() {}
