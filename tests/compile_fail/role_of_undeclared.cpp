// A threshold role naming a state instead of a parameter.
// expect: norn: `dsl::threshold = ...` names something that is not one of the model's parameters
// expect: threshold_role_needs_a_declared_parameter<norn::dsl::fixed_string<6>{"roles"}, norn::dsl::fixed_string<2>{"v"}
#include <codegen/slots.hpp>
#include <dsl/dsl.hpp>
using namespace norn::literals;

struct roles_model : norn::dsl::neuron_model {
  static constexpr norn::dsl::fixed_string name = "roles";
  static constexpr state<"v"> v{};
  static constexpr parameter<"v_th"> v_th{1.0};
  static constexpr auto states = declare(v);
  static constexpr auto parameters = declare(v_th);
  static constexpr auto roles = norn::dsl::roles(norn::dsl::membrane = v, norn::dsl::threshold = v);
  static constexpr auto step = phases(update(v = v + input), spike(v - v_th), reset(v = 0_c));
};
int main() { return int(norn::codegen::slots<roles_model>::count); }
