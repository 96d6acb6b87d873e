// The fuzzers link no generated kernels: the built-in model list is empty here, and `norn
// emit` (codegen/'s headers) is left out.
#include <runtime/cli/commands.hpp>
#include <runtime/core/registry.hpp>

#include <cstdlib>

namespace norn {
const std::vector<model_entry>& builtin_models() {
  static const std::vector<model_entry> none;
  return none;
}
namespace cli {
void emit_command(const emit_options&, std::span<const model_entry>) { std::abort(); }
}  // namespace cli
}  // namespace norn
