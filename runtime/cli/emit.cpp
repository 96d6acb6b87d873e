// `norn emit`: a model's generated forward step (or adjoint) as C++ source. Its own file:
// the only command that reads codegen/'s headers (the fuzzers, built by clang, leave it out).

#include <runtime/cli/commands.hpp>

#include <codegen/emit.hpp>
#include <runtime/core/registry.hpp>

#include <fmt/core.h>

namespace norn::cli {

void emit_command(const emit_options& o, std::span<const model_entry> models) {
  const model_entry& m = find_model(models, o.model);
  spike_gradient rule;
  rule.surrogate = o.surrogate == "default" ? "" : o.surrogate;
  fmt::print("{}\nnamespace norn_emitted {{\n\n{}\n}}  // namespace norn_emitted\n", codegen::emit_prelude(),
             m.emit(o.backward, rule));
}

}  // namespace norn::cli
