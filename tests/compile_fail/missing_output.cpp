// A model without spike(...) that does not name its output.
// expect: norn: a model without spike(...) must say what it outputs
#include <codegen/slots.hpp>
#include <dsl/dsl.hpp>

struct quiet : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "quiet";
  static constexpr state<"v"> v{};
  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare();
  static constexpr auto step = phases(update(v = v + input));
};
int main() { return int(norn::codegen::slots<quiet>::count); }
