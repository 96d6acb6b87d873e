// `norn models`: every model this binary knows, with its states and parameters.

#include <runtime/cli/commands.hpp>

#include <runtime/core/errors.hpp>
#include <runtime/core/registry.hpp>

#include <fmt/core.h>

namespace norn::cli {

namespace {
void print_model(const model_info& m) {
  fmt::print("{}  —  {}\n", m.name, m.doc);
  fmt::print("  output: {}\n", m.spiking ? "spikes z" : m.output);
  fmt::print("  states:\n");
  for (const auto& s : m.states)
    fmt::print("    {:<22} initial {:<10g} {:<6} {}\n", s.name, s.value, s.unit, s.doc);
  fmt::print("  parameters:\n");
  for (const auto& p : m.parameters)
    fmt::print("    {:<22} default {:<10g} {:<6} {}\n", p.name, p.value, p.unit, p.doc);
  if (m.membrane || m.threshold)
    fmt::print("  roles: {}{}{}\n", m.membrane ? "membrane " + m.states[*m.membrane].name : "",
               m.membrane && m.threshold ? ", " : "", m.threshold ? "threshold " + m.parameters[*m.threshold].name : "");
  if (m.spiking) {
    std::string list;
    for (std::size_t k = 0; k < m.surrogates.size(); ++k)
      list += (k ? ", " : "") + m.surrogates[k].name + (k == m.default_surrogate ? " (default)" : "");
    fmt::print("  surrogates: {}\n", list);
  }
}
}  // namespace

void list_models(const std::string& name, std::span<const model_entry> models) {
  if (!name.empty()) {
    print_model(find_model(models, name).info);
    return;
  }
  for (std::size_t k = 0; k < models.size(); ++k) {
    if (k) fmt::print("\n");
    print_model(models[k].info);
  }
}

}  // namespace norn::cli
