// Reading the spike z before any spike(...) phase.
// expect: norn: a local is read before any earlier phase assigns it
// expect: local_read_before_assigned<norn::dsl::fixed_string<6>{"early"}, norn::dsl::fixed_string<2>{"z"}
#include <codegen/slots.hpp>
#include <dsl/dsl.hpp>
using namespace norn::literals;

struct early : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "early";
  static constexpr state<"v"> v{};
  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare();
  static constexpr auto step = phases(update(v = v + input - z), spike(v - 1_c));
};
int main() { return int(norn::codegen::slots<early>::count); }
